"""Start the desktop app: ``run_app(file=None, self_test=None) -> exit code``.

- No file: the lecture's tanh neuron, evaluated with Backward, so the first screen already
  shows data and grads on every node.
- A file: opened like File ▸ Open; a bad file shows the loader's message and the neuron example
  is shown instead (never a traceback).
- Start-up itself fails (Qt cannot load, the window cannot be built): ``startup_failed`` says so
  in one clear message (a dialog when Qt is up, else stderr), logs the details to the error log
  and the exit code is 1. Once the window exists, the error handler
  (``playground.ui.errors``) takes every exception, the ones while opening the start
  file included, and the app goes on.
- ``self_test`` ("" or an output path): the real window offscreen, the neuron example, forward
  and backward checked against the lecture's numbers, a font check, a screenshot, a one-line
  verdict; exit 0 or 1 with the reason. The packaging smoke test runs it on the bundle.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

APP_NAME = "Backprop Playground"
ORG_NAME = "Backprop Playground"
START_EXAMPLE = "neuron"

# The lecture's neuron (../shared/reference/README.md): o = tanh(x1*w1 + x2*w2 + b).
NEURON_OUTPUT = ("o", 0.7071)
NEURON_GRADS = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}


def make_app(argv: list[str] | None = None):
    """The QApplication (created once), named for QSettings, with the window icon."""
    from PySide6.QtWidgets import QApplication

    from playground import __version__
    from playground.ui.window.icons import app_icon

    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        # Fusion, with check boxes that show on a dark palette (theme.ThemeStyle)
        from playground.ui.window.theme import use_style

        use_style("light")
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("backprop-playground")
    app.setWindowIcon(app_icon())
    return app


def run_app(file: str | None = None, self_test: str | None = None) -> int:
    if self_test is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return _self_test(self_test)
    try:
        app, _window = start_app(file)
    except Exception as exc:  # no window to show it on: nothing else would catch it
        return startup_failed(exc)
    return int(app.exec())


def start_app(file: str | None = None) -> tuple[Any, Any]:
    """The QApplication and the shown main window, with ``file`` (or the neuron) open.

    Raises only when there is no window to go on with; a failure after that (opening the
    file, the recovery offer) goes to the error handler and the window stays usable.
    """
    app = make_app()
    from playground.ui.errors import install_error_handler
    from playground.ui.window.autosave import install_autosave
    from playground.ui.window.main_window import MainWindow

    # Installed before the window exists, so an exception Qt hands to sys.excepthook while
    # the window is being built (a paint or resize handler) is logged too; shown once it is.
    handler = install_error_handler(None)
    window = MainWindow()
    handler.set_window(window)  # unexpected exceptions: logged and shown, the app goes on
    window.show()
    _keep_going(lambda: open_initial(window, file))
    # Offers to recover a crashed session's work, then autosaves.
    _keep_going(lambda: install_autosave(window))
    return app, window


def _keep_going(step: Callable[[], object]) -> None:
    """Run a start-up step that needs a window: a failure is the error handler's to show."""
    try:
        step()
    except Exception as exc:
        from playground.ui.errors import report

        report(exc)


def startup_failed(exc: BaseException) -> int:
    """Say that the app could not start, and why; the exit code (1).

    A dialog when a QApplication exists (a user who started the app from a menu sees no
    terminal), and one line on stderr either way; the traceback goes to the error log (or to
    stderr, if Qt itself is what failed to load).
    """
    try:
        from playground.ui.errors import report_startup_failure
    except Exception:  # Qt (or our UI package) cannot even be imported
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        summary = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        print(f"error: {APP_NAME} could not start: {summary}", file=sys.stderr)
        return 1
    return report_startup_failure(exc, APP_NAME)


def open_initial(window, file: str | None) -> bool:
    """Open ``file``, or (no file, or a bad one) the neuron example. True if ``file`` opened."""
    if file and window.files.open_path(file):
        return True
    shown = show_start_example(window)
    if file and shown:
        reason = window.files.last_error or f"Cannot open {file}"
        window.show_status(f"{reason} (showing the neuron example instead)")
    return False


def show_start_example(window) -> bool:
    """Load the neuron and run Backward on it (what a first-time user sees)."""
    if not window.files.open_example(START_EXAMPLE, ask=False):
        return False
    window.display.backward()
    window.show_status(
        "The lecture's neuron o = tanh(x1·w1 + x2·w2 + b) after Backward: every grad is "
        "do/d(node). Edit a value in the inspector, or drag new nodes from the palette."
    )
    return True


# --- self-test ------------------------------------------------------------------------------


class SelfTestFailure(Exception):
    pass


def _self_test(out: str) -> int:
    from PySide6.QtCore import qInstallMessageHandler

    def quiet(_kind, _context, message: str) -> None:
        # The offscreen plugin's harmless dock-widget warning would look like a problem.
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(quiet)
    try:
        verdict = _run_self_test(out)
    except SelfTestFailure as exc:
        print(f"self-test FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # anything unexpected is a failure with its reason, not a crash
        print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        qInstallMessageHandler(previous)
    print(verdict)
    return 0


def _run_self_test(out: str) -> str:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFontInfo

    app = make_app()
    family = QFontInfo(app.font()).family()
    if not family:
        raise SelfTestFailure(
            "Qt found no font (install fontconfig-config and a font such as fonts-dejavu-core)"
        )
    from playground.ui.window.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "self-test.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings)
        window.resize(1280, 800)
        window.show()
        try:
            if not window.files.open_example(START_EXAMPLE, ask=False):
                raise SelfTestFailure(f"the {START_EXAMPLE} example did not load")
            forward = window.display.forward()
            if not forward.ok():
                raise SelfTestFailure(f"forward failed: {forward.problems or forward.errors()}")
            backward = window.display.backward()
            if not backward.backward:
                raise SelfTestFailure(f"backward did not run: {backward.problems}")
            by_label = {window.doc.label(n): n for n in window.doc.node_ids()}
            checks = [(NEURON_OUTPUT[0], "data", NEURON_OUTPUT[1])]
            checks += [(label, "grad", want) for label, want in NEURON_GRADS.items()]
            for label, field, want in checks:
                if label not in by_label:
                    raise SelfTestFailure(f"the example has no node labelled {label!r}")
                got = getattr(backward.results[by_label[label]], field)
                if got is None or not math.isclose(float(got), want, abs_tol=5e-5):
                    raise SelfTestFailure(f"{label}.{field} is {got}, expected {want}")
            shown = window.scene.node_item(by_label["x1"])
            if shown is None:
                raise SelfTestFailure("the canvas shows no item for x1")
            if "grad -1.5000" not in shown.display_lines():
                raise SelfTestFailure(f"the canvas shows x1 as {shown.display_lines()}")
            window.select([by_label["x1"]])
            inspected = window.inspector.grad_label.text().split()[0]
            if not math.isclose(float(inspected), -1.5, abs_tol=1e-9):
                raise SelfTestFailure(f"the inspector shows x1's grad as {inspected}")
            app.processEvents()
            default = Path(tempfile.gettempdir()) / "backprop-playground-self-test.png"
            path = Path(out) if out else default
            path.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(path)):
                raise SelfTestFailure(f"could not save the screenshot to {path}")
        finally:  # a failed check must not leave the window up (tests run in-process)
            window.undo_stack.setClean()
            window.close()
    return (
        f"self-test ok: neuron o = {NEURON_OUTPUT[1]}, grads x1 -1.5 w1 1.0 x2 0.5 w2 0.0 b 0.5, "
        f"font {family!r}, screenshot {path}"
    )
