"""Readable when a graph opens and at every zoom: the wheel zooms about the cursor, opening
frames the graph at a readable zoom, and far out the cards keep their name and number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def settle(qtbot, ms: int = 30) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


def turn_wheel(view, at: QPoint, delta: int) -> None:
    """One notch (delta 120 = one click of a wheel) at ``at`` in viewport pixels."""
    vp = view.viewport()
    event = QWheelEvent(QPointF(at), QPointF(vp.mapToGlobal(at)), QPoint(), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)


# --- the wheel -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["left edge", "top right", "middle"])
def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot, window, where):
    view = window.view
    vp = view.viewport().rect()
    at = {"left edge": QPoint(30, vp.height() // 2),
          "top right": QPoint(vp.width() - 60, 60),
          "middle": vp.center() + QPoint(37, -23)}[where]
    start = view.zoom()
    for delta in [-120] * 6 + [120] * 12 + [-120] * 4:  # out to ~0.3x, in to ~2.5x, back
        before = view.mapToScene(at)
        turn_wheel(view, at, delta)
        after = view.mapToScene(at)
        # the same scene point under the cursor, within a pixel on screen
        assert (after - before).manhattanLength() * view.zoom() <= 1.0, (delta, view.zoom())
    assert view.zoom() != pytest.approx(start)  # it did zoom
    assert view.fit_mode is None  # a resize now keeps the learner's zoom
