"""Start the real app in a child process the way ``backprop-playground`` does, for start-up tests.

``python -m tests.ui.startup_driver MODE [ARGS...]`` runs ``playground.cli.main(ARGS)``. Every
message box the app opens is a real modal dialog: a timer reads it and presses its default
button, and it is reported. When the event loop starts (the window is up), the window is
reported and the app quits. Reports are stdout lines ``@@ {json}``.

Modes:
- ``start``: nothing changed.
- ``broken-window``: building the main window raises (its menus cannot be built).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.app import make_app


def report(**data: Any) -> None:
    print("@@ " + json.dumps(data), flush=True)


def answer_dialogs() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            report(dialog=widget.windowTitle(), text=widget.text())
            widget.done(QMessageBox.StandardButton.Ok)


def report_window_and_quit() -> None:
    from playground.ui.window.main_window import MainWindow

    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    for w in windows:
        report(window=True, visible=w.isVisible(), title=w.windowTitle(),
               status=w.statusBar().currentMessage(),
               labels=sorted(w.doc.label(n) for n in w.doc.node_ids()),
               path=str(w.files.path) if w.files.path else None)
        w.undo_stack.setClean()
        w.close()
    QApplication.instance().quit()


def main() -> int:
    mode, args = sys.argv[1], sys.argv[2:]
    make_app()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer_dialogs)
    timer.start()  # runs in the dialogs' own event loops too
    real_exec = QApplication.exec

    def exec_then_quit(*_args: Any) -> int:
        QTimer.singleShot(0, report_window_and_quit)
        return real_exec()

    QApplication.exec = exec_then_quit  # type: ignore[method-assign]
    if mode == "broken-window":
        from playground.ui.window import menus

        def broken(_window: Any) -> None:
            raise RuntimeError("the menus could not be built (forced by startup_driver)")

        menus.build_menus = broken
    from playground.cli import main as cli_main

    code = cli_main(args)
    report(exit=code)
    return code


if __name__ == "__main__":
    sys.exit(main())
