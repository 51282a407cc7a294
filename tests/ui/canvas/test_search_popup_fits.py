"""The Tab search popup stays inside the canvas and wraps its descriptions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def _global_rect(widget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("width", [1280, 720])
def test_tab_search_near_the_right_edge_stays_inside_and_wraps(window, qtbot, width) -> None:
    window.resize(width, 800)
    QApplication.processEvents()
    view = window.view
    vp = view.viewport()
    view.setFocus()
    QTest.mouseMove(vp, QPoint(vp.width() - 3, 40))
    QTest.keyClick(view, Qt.Key.Key_Tab)
    popup = view.search
    qtbot.waitUntil(popup.isVisible)
    QApplication.processEvents()
    assert _global_rect(vp).contains(_global_rect(popup)), (vp.size(), popup.geometry())
    bar = popup.list.horizontalScrollBar()
    assert not bar.isVisible() and bar.maximum() == 0
    # A long description takes more than one line instead of running off the side.
    one_line = popup.list.fontMetrics().height()
    heights = [popup.list.visualItemRect(popup.list.item(i)).height()
               for i in range(popup.list.count())]
    assert max(heights) >= 2 * one_line
    # Still the same popup: typing and Enter add the node.
    QTest.keyClicks(popup.edit, "tanh")
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert [window.doc.op_name(n) for n in window.doc.node_ids()].count("tanh") == 2
