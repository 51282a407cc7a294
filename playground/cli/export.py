"""``backprop-playground export FILE -o OUT [--pytorch] [--groups function|flat]``: what
File ▸ Export writes.

The kind comes from OUT's ending: ``.py`` a micrograd-style script (``--pytorch``: a PyTorch
one), ``.dot`` graphviz text, ``.png``/``.svg`` the canvas's own drawing (no window, no
graphviz). A script writes each group of the graph as a function called where the group sits
(``--groups function``, the default, as File ▸ Export does) or every node flattened
(``--groups flat``); DOT draws groups as nested clusters. The same functions as the window's
File ▸ Export (``graph.export`` and ``ui.canvas.render.write_image``), after Backward, so every
node has its grad. Qt is imported only for an image. A file that does not load, a graph that
cannot be exported or a place that cannot be written: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

KINDS = {".py": "python", ".dot": "dot", ".png": "png", ".svg": "svg"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a graph file (.json)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="what to write: .py (a script), .dot, .png or .svg")
    parser.add_argument("--pytorch", action="store_true",
                        help="with a .py output: a PyTorch script instead of a micrograd one")
    parser.add_argument("--groups", choices=("function", "flat"), default="function",
                        help="with a .py output: write each group as a function called where "
                             "it sits (default), or flatten the groups")


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    kind = KINDS.get(out.suffix.lower())
    if kind is None:
        return _error(f"{out}: the output must end in .py, .dot, .png or .svg")
    if args.pytorch:
        if kind != "python":
            return _error(f"{out}: --pytorch writes a script: the output must end in .py")
        kind = "torch"
    from playground.graph import export, io
    from playground.graph.evaluate import evaluate

    try:
        doc = io.load(args.file)
    except io.LoadError as exc:
        return _error(f"{args.file}: {exc}")
    except OSError as exc:
        return _error(f"{args.file}: {exc.strerror or exc}")
    evaluation = evaluate(doc, backward=True)
    if kind in ("png", "svg"):
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from playground.ui.canvas.render import ImageNotWritten, write_image

        try:
            write_image(doc, evaluation, out)
        except ImageNotWritten as exc:
            return _error(f"{out}: {exc}")
    else:
        try:
            if kind == "dot":
                text = export.to_dot(doc, evaluation)
            elif kind == "python":
                text = export.to_python(doc, groups=args.groups)
            else:
                text = export.to_torch(doc, groups=args.groups)
            io.write_atomic(out, io.encode_for_file(text, doc))
        except export.ExportError as exc:
            return _error(f"{args.file}: cannot export: {exc}")
        except OSError as exc:
            return _error(f"{out}: cannot write here: {exc.strerror or exc}")
    print(f"wrote {out}")
    return 0


def _error(text: str) -> int:
    print(f"error: {' '.join(text.split())}", file=sys.stderr)  # one line, whatever it quotes
    return 2
