"""The red banner over the canvas while Backward runs with the accumulation bug.

The bug switch changes every grad the canvas and the inspector show; without a sign on the
canvas itself a learner who ticked it and moved on read wrong grads as Backward's own. The
banner is a strip along the top of the canvas while the switch is on (the viewport moves down
by its height, so it hides no node); a click opens the bug tab.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractScrollArea, QLabel

TEXT = "⚠ Backward is running WITH THE BUG (Learn ▸ Accumulation bug)"


class BugBanner(QLabel):
    def __init__(self, canvas: QAbstractScrollArea, on_click: Callable[[], None]) -> None:
        super().__init__(TEXT, canvas)
        self.setObjectName("bug_banner")
        self.setAccessibleName("Backward runs with the accumulation bug")
        self.setToolTip("The grads shown are the buggy ones ('=' instead of '+='). "
                        "Click to open the Accumulation bug tab and untick the switch.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("#bug_banner { background: #c62828; color: white; font-weight: bold;"
                           " padding: 4px 8px; }")
        self._canvas = canvas
        self._on_click = on_click
        canvas.installEventFilter(self)
        self.hide()

    def set_on(self, on: bool) -> None:
        self.setVisible(on)
        self.place()

    def place(self) -> None:
        canvas = self._canvas
        frame = canvas.frameWidth()
        height = self.sizeHint().height() if self.isVisible() else 0
        canvas.setViewportMargins(0, height, 0, 0)
        if height:
            self.setGeometry(frame, frame, canvas.width() - 2 * frame, height)
            self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._canvas and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_click()
