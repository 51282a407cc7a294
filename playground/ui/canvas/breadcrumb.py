"""The breadcrumb bar over the canvas: where the canvas stands among the groups.

"Graph ▸ tanh ▸ inner": one button per level from the top down to the group on show (the
scene's scope, ``scope.py``); a click on one shows that level. The last, the level on show, is
bold and does nothing. The bar shows only while the graph has groups (a flat graph has one
level: nothing to say), in the canvas's top-left corner.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from playground.graph.events import Event
from playground.ui.canvas.group_card import GROUP_MARK

TOP = "Graph"
SEPARATOR = "▸"
LOOK = """
QFrame#breadcrumb { background: palette(window); border: 1px solid palette(mid);
                    border-radius: 6px; }
QToolButton { border: none; padding: 2px 4px; }
QToolButton:hover { text-decoration: underline; }
"""


class Breadcrumb(QFrame):
    """The bar (objectName "breadcrumb"); ``parts()`` are the texts it shows."""

    def __init__(self, parent: QWidget, scene: Any) -> None:
        super().__init__(parent)
        self.setObjectName("breadcrumb")
        self.setAccessibleName("Where the canvas is among the groups")
        self.setStyleSheet(LOOK)
        self.scene = scene
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 2, 6, 2)
        self._layout.setSpacing(2)
        self.buttons: list[QToolButton] = []
        scene.scope_changed.connect(self.refresh)
        self._unsubscribe = scene.doc.subscribe(self._doc_event)
        self.refresh()

    def _doc_event(self, event: Event) -> None:
        if event.kind in ("group_added", "group_removed", "group_changed", "reset"):
            self.refresh()

    def parts(self) -> list[str]:
        return [b.text() for b in self.buttons]

    def refresh(self, *_args: object) -> None:
        while self._layout.count():
            w = self._layout.takeAt(0).widget()
            if w is not None:
                w.hide()  # gone now, not at the next turn of the event loop
                w.deleteLater()
        self.buttons = []
        doc, scope = self.scene.doc, self.scene.scope
        if scope is not None and not doc.is_group(scope):
            return  # the scene is about to fall back to a level that is still there
        levels: list[str | None] = [None, *doc.path(scope)]
        for i, level in enumerate(levels):
            if i:
                self._layout.addWidget(QLabel(SEPARATOR, self))
            text = TOP if level is None else f"{GROUP_MARK} {doc.display_name(level)}"
            button = QToolButton(self)
            button.setText(text)
            button.setObjectName("breadcrumb_top" if level is None else f"breadcrumb_{level}")
            last = i == len(levels) - 1
            font = button.font()
            font.setBold(last)
            button.setFont(font)
            if last:
                button.setToolTip("The level on show")
            else:
                button.setToolTip(f"Show {'the whole graph' if level is None else text}")
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.clicked.connect(lambda _=False, g=level: self.scene.set_scope(g))
            self._layout.addWidget(button)
            self.buttons.append(button)
        shown = scope is not None or bool(doc.groups())
        if shown:
            for i in range(self._layout.count()):
                self._layout.itemAt(i).widget().show()  # children added to a shown bar
            self._layout.activate()
            self.resize(self.sizeHint())
            self.raise_()
        self.setVisible(shown)
