"""The Learn dock lets the window go down to ~800 px wide, on every tab, with a lesson's card.

Its pages used to set the window's minimum width: the Step-through buttons and speed on one
row (~630 px) plus the lesson card (300 px) made ~934 px, so below ~950 px the window grew past
the screen. Now the rows wrap and the window's minimum stays under 820 px.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout

from tests.ui.window_helpers import new_window

LIMIT = 820


def _click_tab(qtbot, window, index: int) -> None:
    bar = window.teaching.tabs.tabBar()
    bar.setCurrentIndex(max(0, index - 1))  # makes sure the tab is scrolled into view
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.teaching.tabs.currentIndex() == index


def test_learn_dock_on_every_tab_fits_800_px(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "s.ini", size=(800, 700))
    try:
        t = w.teaching
        assert t.open_lesson("derivative")  # the lesson card is up beside the tabs
        assert t.card.isVisible()
        for i in range(t.tabs.count()):
            _click_tab(qtbot, w, i)
            qtbot.wait(10)
            page = t.tabs.widget(i).objectName()
            assert w.minimumSizeHint().width() <= LIMIT, page
            assert w.width() <= LIMIT, page
        w.teaching.dock.grab().save(str(tmp_path / "dock.png"))
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()


def test_narrow_bug_tab_puts_its_summary_under_the_code(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "s.ini", size=(800, 700))
    try:
        assert w.teaching.open_lesson("a_plus_a")  # the bug tab, beside the lesson's card
        qtbot.wait(10)
        bug = w.teaching.panels["bug"]
        assert bug.width() < 700
        assert bug.middle.direction() == QBoxLayout.Direction.TopToBottom
        w.resize(1600, 900)
        qtbot.waitUntil(lambda: bug.width() >= 700)
        assert bug.middle.direction() == QBoxLayout.Direction.LeftToRight
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()
