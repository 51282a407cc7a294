"""The Graph/Training tab bar stays where it is when you switch tabs.

The Training tab hides the graph's docks (the plots get the whole width); the tab bar used to
move ~200 px left with them, so a second click on the spot of the "Graph" tab missed.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication


def _tab_centre(window, index: int) -> QPoint:
    """Global centre of tab ``index``."""
    bar = window.training.tabs.tabBar()
    return bar.mapToGlobal(bar.tabRect(index).center())


def _click_tab(qtbot, window, index: int) -> None:
    bar = window.training.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.wait(30)  # the window lays out the docks' change
    QApplication.processEvents()


def test_switching_tabs_by_clicking_leaves_the_tab_bar_in_place(qtbot, window, tmp_path):
    window.action("show_training").trigger()  # the tab bar appears with two tabs
    qtbot.wait(30)
    tabs = window.training.tabs
    _click_tab(qtbot, window, 0)  # Graph: the docks are back
    assert tabs.currentWidget() is window.view and window.inspector.isVisible()
    graph_at, training_at = _tab_centre(window, 0), _tab_centre(window, 1)
    window.grab().save(str(tmp_path / "graph_tab.png"))

    for _ in range(2):
        _click_tab(qtbot, window, 1)
        assert tabs.currentWidget() is window.training.panel
        assert not window.inspector.isVisible()  # the plots still get the whole width
        assert (_tab_centre(window, 0), _tab_centre(window, 1)) == (graph_at, training_at)
        window.grab().save(str(tmp_path / "training_tab.png"))
        # The panel itself is not pushed aside: it starts at the window's left edge.
        assert window.training.panel.mapTo(window, QPoint(0, 0)).x() < 20

        _click_tab(qtbot, window, 0)
        assert tabs.currentWidget() is window.view and window.inspector.isVisible()
        assert (_tab_centre(window, 0), _tab_centre(window, 1)) == (graph_at, training_at)
