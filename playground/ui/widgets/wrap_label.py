"""``WrapLabel``: a word-wrapped QLabel that always gets the height its lines need.

A plain word-wrapped QLabel in a QFormLayout (the inspector) is often laid out with the height
it would have at some other width: a long text (matmul's description and derivatives) is then
cut at the top and bottom. This label keeps its minimum height at ``heightForWidth(width())``,
updated whenever its width or text changes, so every layout gives it room for all its lines.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class WrapLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _fit(self) -> None:
        if not self.text():
            self.setMinimumHeight(0)
            return
        self.setMinimumHeight(0)  # QLabel's heightForWidth never returns less than the minimum
        need = max(self.heightForWidth(max(self.width(), 1)), 0)
        self.setMinimumHeight(need)
