"""The ``backprop-playground`` command: the GUI by default, headless subcommands by name.

    backprop-playground [FILE.json] [--self-test [OUT.png]]   open the app
    backprop-playground train|eval|render|export ...          headless tools

Each subcommand lives in its own module of this package with ``add_arguments(parser)`` and
``run(args) -> int``; register it in ``SUBCOMMANDS``. Modules load only when used, so
``--help`` and the headless commands never import Qt unless they need it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from playground import __version__

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "eval": ("playground.cli.eval", "evaluate a graph file: data (and grads) of every node"),
    "export": ("playground.cli.export",
               "write what File > Export writes: .py (--pytorch), .dot, .png or .svg"),
    "render": ("playground.cli.render", "draw a graph file as PNG or SVG, with data and grads"),
    "train": ("playground.cli.train", "train an MLP headlessly (defaults: micrograd's moons demo)"),
}

PROG = "backprop-playground"


def _gui_parser() -> argparse.ArgumentParser:
    commands = "".join(f"\n  {name:<8} {help_}" for name, (_, help_) in SUBCOMMANDS.items())
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Learn backpropagation by building it with your hands.",
        epilog=(f"subcommands (see '{PROG} COMMAND --help'):{commands}" if commands else None),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="a graph file (.json) to open")
    p.add_argument(
        "--self-test",
        nargs="?",
        const="",
        metavar="OUT.png",
        help="open the window offscreen, check an example's numbers, save a screenshot, exit",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
    except BrokenPipeError:
        return quiet_broken_pipe()
    return code


def quiet_broken_pipe() -> int:
    """The reader of stdout went away (``... | head``): say nothing, exit 1 as Python does.

    stdout is pointed at the null device first, so the interpreter's flush at exit cannot
    print "Exception ignored ... BrokenPipeError" either (the Python docs' recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (a test's capture)
        pass
    return 1


def _main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        module_name, help_ = SUBCOMMANDS[args[0]]
        module = importlib.import_module(module_name)
        parser = argparse.ArgumentParser(prog=f"{PROG} {args[0]}", description=help_)
        module.add_arguments(parser)
        return int(module.run(parser.parse_args(args[1:])))
    ns = _gui_parser().parse_args(args)
    if ns.self_test is None and no_display():
        print(f"error: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not "
              f"set). Without one: '{PROG} --self-test', the headless commands "
              f"{', '.join(SUBCOMMANDS)}, or QT_QPA_PLATFORM=offscreen", file=sys.stderr)
        return 2
    try:
        from playground.app import run_app
    except ImportError as exc:  # the window is not built yet, or Qt is missing
        print(f"error: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return int(run_app(file=ns.file, self_test=ns.self_test))


def no_display() -> bool:
    """Whether, on Linux, nothing says where a window could go: Qt would abort (SIGABRT, "could
    not connect to display") before Python can say anything. ``QT_QPA_PLATFORM`` set (offscreen,
    xcb, ...) is the user's choice and is left to Qt."""
    if not sys.platform.startswith("linux"):
        return False
    return not any(os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
