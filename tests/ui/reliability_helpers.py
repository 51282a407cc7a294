"""Shared by the reliability tests (errors, numeric faults): a window that never asks."""

from __future__ import annotations

from playground.app import make_app, show_start_example
from playground.ui.window.main_window import MainWindow
from tests.ui.window_helpers import settings_at


def discarding_window(qtbot, settings_file, example: bool = False):
    """A window whose unsaved changes are dropped before pytest-qt closes it (no dialog)."""
    make_app()
    w = MainWindow(settings=settings_at(settings_file))
    qtbot.addWidget(w, before_close_func=lambda w: w.undo_stack.setClean())
    w.resize(1240, 780)
    w.show()
    qtbot.waitExposed(w)
    if example:
        assert show_start_example(w)
    return w
