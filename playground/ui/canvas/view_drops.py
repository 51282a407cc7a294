"""The canvas's ways to add a node: a drop from the palette (``MIME_NODE``, payload ``value``
or ``op:NAME``) and the Tab search popup, both at a place on the canvas. ``NodeDrops`` is
mixed into ``GraphView`` (which makes ``graph_scene`` and ``search``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QCursor, QDragEnterEvent, QDragMoveEvent, QDropEvent

from playground.graph.names import free_variant
from playground.ops import OPS

MIME_NODE = "application/x-backprop-playground-node"


def parse_node_payload(payload: bytes) -> tuple[str, str | None]:
    """``b"value"`` -> ("value", None); ``b"op:mul"`` -> ("op", "mul"); else ValueError."""
    text = bytes(payload).decode("utf-8", "replace").strip()
    if text == "value":
        return "value", None
    if text.startswith("op:") and text[3:] in OPS:
        return "op", text[3:]
    raise ValueError(f"cannot add a node from {text!r}")


class NodeDrops:
    """Mixed into ``GraphView`` (see the module docstring)."""

    graph_scene: Any
    search: Any
    _search_pos: QPointF

    # --- adding nodes ----------------------------------------------------------------

    def add_node_at(self, kind: str, op: str | None, scene_pos: QPointF,
                    label: str | None = None) -> str | None:
        """Add a node centred on ``scene_pos`` (one undo step); returns its id. A value
        without ``label`` takes the next free letter."""
        return self.graph_scene.add_node(kind, op, QPointF(scene_pos), label)

    def free_label(self, text: str) -> str:
        """``text`` as a new value's name, or ``text2``, ``text3``... when a node has it (a
        name given twice would show as a′)."""
        doc = self.graph_scene.doc
        if doc.name_clash("", text) is None:
            return text
        taken = {doc.display_name(n) for n in doc.node_ids()}
        return free_variant(text, taken | {doc.label(n) for n in doc.node_ids()})

    def open_search(self, text: str = "", at: QPoint | None = None) -> None:
        """The search-to-add popup at ``at`` (viewport coordinates; default: the cursor)."""
        vp = self.viewport()
        if at is None:
            at = vp.mapFromGlobal(QCursor.pos())
            if not vp.rect().contains(at):
                at = vp.rect().center()
        self._search_pos = self.mapToScene(at)
        popup = self.search
        # Inside the canvas's visible area (not under its scroll bars), whatever the cursor.
        area = vp.geometry()
        popup.fit_into(area.width(), area.height())
        x = min(max(at.x(), 4), max(4, area.width() - popup.width() - 4))
        y = min(max(at.y(), 4), max(4, area.height() - popup.height() - 4))
        popup.move(area.x() + x, area.y() + y)
        popup.open(text)

    def _search_chosen(self, kind: str, op: object, label: object = None) -> None:
        self.add_node_at(kind, op if isinstance(op, str) else None, self._search_pos,
                         label if isinstance(label, str) else None)
        self.setFocus()

    # --- drag and drop from the palette ----------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(MIME_NODE):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(MIME_NODE):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not mime.hasFormat(MIME_NODE):
            super().dropEvent(event)
            return
        try:
            kind, op = parse_node_payload(mime.data(MIME_NODE).data())
        except ValueError as exc:
            self.graph_scene.say(str(exc), self.mapToScene(event.position().toPoint()))
            event.ignore()
            return
        self.add_node_at(kind, op, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()
        self.setFocus()
