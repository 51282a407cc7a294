"""Opening the Learn dock leaves the canvas most of a small window, and the colour key
shrinks to its shortest strip on a narrow canvas."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from playground.ui.teaching import DOCK_HEIGHT, dock_height
from tests.ui.window_helpers import new_window


@pytest.mark.parametrize("size,min_canvas_h", [((1024, 700), 380), ((800, 600), 300)])
def test_lesson_leaves_the_canvas_most_of_the_window(qtbot, tmp_path, dialogs, size,
                                                     min_canvas_h):
    w = new_window(qtbot, tmp_path / "s.ini", size=size)
    try:
        w.findChild(QMenu, "lessons").actions()[0].trigger()  # Help > Lessons > 1
        qtbot.wait(50)
        vp = w.view.viewport()
        assert w.teaching.dock.isVisible()
        assert vp.height() >= min_canvas_h
        assert vp.height() > w.teaching.dock.height()  # the canvas, not the dock, is larger
        legend = w.view.legend
        assert not legend.is_expanded()  # a short canvas: the key is folded
        assert legend.width() <= 0.6 * vp.width()
        w.grab().save(f"/tmp/round2/5_lesson1_{size[0]}.png")
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()


def test_tall_windows_keep_the_full_dock():
    assert dock_height(1200) == DOCK_HEIGHT
    assert dock_height(700) < DOCK_HEIGHT
