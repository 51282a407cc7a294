"""The scene's mouse: hit tests, which gesture a press starts, tooltips and the context menu.

``SceneMouse`` is the base of ``GraphScene`` (scene.py) that takes Qt's mouse events: a press
on a port starts a wire (``WireTool``), on a wire selects it, on a value's number starts a
scrub (``ScrubTool``), elsewhere selects and moves nodes (one ``move_nodes`` edit at
release); moves and releases go to the gesture under way. The scene mirrors the document and
owns the tools and the selection; the attributes and methods below are its.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QMenu,
    QToolTip,
)

from playground.graph.document import GraphDocument
from playground.ui.canvas import scrub_look
from playground.ui.canvas.card_data import edge_tooltip, port_tooltip
from playground.ui.canvas.card_edit import CardEdit
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.editing import Editing
from playground.ui.canvas.items import NodeItem, PortItem
from playground.ui.canvas.overview import Overview
from playground.ui.canvas.routes import MANY as MANY_ROUTED
from playground.ui.canvas.scrub import ScrubTool
from playground.ui.canvas.wiring import WireTool

PORT_PICK = 11.0
"""How close (scene units) to a port a wire end snaps to it."""


class SceneMouse(QGraphicsScene):
    """Mouse handling of ``GraphScene``, which sets these attributes and defines the
    selection and mirroring methods declared here."""

    doc: GraphDocument
    editor: Editing | None
    grads_stale: bool
    _nodes: dict[str, NodeItem]
    _selected_edges: set[tuple[str, str, int]]
    _wiring: WireTool
    _scrub: ScrubTool
    _card_edit: CardEdit
    _overview: Overview
    _drag_start: dict[str, QPointF] | None
    _routes: Any
    mouse_at: QPointF | None
    _grads: Any
    node_activated: Any
    status_message: Any

    def select_nodes(self, ids: Iterable[str]) -> None:
        raise NotImplementedError

    def select_edges(self, keys: Iterable[tuple[str, str, int]], *, add: bool = False) -> None:
        raise NotImplementedError

    def _clear_edge_selection(self) -> None:
        raise NotImplementedError

    def delete_selected(self) -> bool:
        raise NotImplementedError

    def _update_edges_of(self, node_id: str) -> None:
        raise NotImplementedError

    def _edges_of(self, node_ids: Iterable[str]) -> list[EdgeItem]:
        raise NotImplementedError

    def set_scope(self, scope: str | None) -> None:
        raise NotImplementedError

    # --- hit testing -------------------------------------------------------------------

    def port_near(self, pos: QPointF, want_output: bool | None = None) -> PortItem | None:
        """The port closest to ``pos`` within PORT_PICK, optionally only outputs/inputs."""
        r = PORT_PICK
        best, best_d = None, r * r
        for item in self._items_in(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r)):
            if not isinstance(item, NodeItem):
                continue
            for port in item.all_ports():  # a group card's too (wiring.py says what they do)
                if want_output is not None and port.is_output != want_output:
                    continue
                c = port.scenePos()
                d = (c.x() - pos.x()) ** 2 + (c.y() - pos.y()) ** 2
                if d <= best_d:
                    best, best_d = port, d
        return best

    def _items_in(self, rect: QRectF) -> list[Any]:
        """The items near ``rect``: far out (the scene without its index, see overview.py)
        the cards whose body or ports may reach it, from the overview's box table."""
        if self._overview.enabled:
            m = PORT_PICK + 8.0  # ports stick out of the body a little
            return self._overview.nodes_near(rect.adjusted(-m, -m, m, m))
        return self.items(rect)

    def any_card_in(self, rect: QRectF) -> bool:
        """Does a card lie in ``rect`` (scene coords)? (Far out: its box, from the table.)"""
        if self._overview.enabled:
            return bool(self._overview.nodes_near(rect))
        return any(isinstance(i, NodeItem) for i in self.items(
            rect, Qt.ItemSelectionMode.IntersectsItemBoundingRect))

    def node_at(self, pos: QPointF) -> NodeItem | None:
        if self._overview.enabled:  # the boxes near it, then Qt's exact test on those
            near = QRectF(pos.x() - 8.0, pos.y() - 8.0, 16.0, 16.0)
            for item in self._overview.nodes_near(near):
                if item.contains(item.mapFromScene(pos)):
                    return item
            return None
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape,
                               Qt.SortOrder.DescendingOrder, QTransform()):
            if isinstance(item, NodeItem):
                return item
        return None

    # --- mouse: wiring and moving ------------------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.mouse_at = event.scenePos()
        if self._card_edit.active:
            if self._card_edit.contains(event.scenePos()):  # the line edit's own click
                super().mousePressEvent(event)
                return
            self._card_edit.commit(close_on_refusal=True)  # clicking elsewhere commits
        if event.button() == Qt.MouseButton.LeftButton and not self._wiring.active:
            pos = event.scenePos()
            # Far out the ports are under a pixel and not drawn: a press moves the box, it
            # never picks up a wire (which rewired a 10,000-node graph by accident).
            port = None if self.overview else self.port_near(pos)
            if port is not None:
                self._wiring.start(port, pos)
                event.accept()
                return
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            # Far out the wires are hidden (drawn in batches): no wire is under the mouse.
            top = None if self.overview else self.itemAt(pos, QTransform())
            if isinstance(top, EdgeItem):
                if ctrl:
                    if top.key in self._selected_edges:
                        top.set_selected(False)
                        self._selected_edges.discard(top.key)
                        self.selectionChanged.emit()
                    else:
                        self.select_edges([top.key], add=True)
                else:
                    self.select_edges([top.key])
                event.accept()
                return
            if not ctrl:
                self._clear_edge_selection()
            node = self.node_at(pos)
            if node is not None and self._scrub.press(node, event):
                event.accept()
                return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and isinstance(
            self.mouseGrabberItem(), NodeItem
        ):
            self._drag_start = {
                i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)
            }

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.mouse_at = event.scenePos()
        if self._scrub.active:
            self._scrub.move(event)
            event.accept()
            return
        if self._wiring.active:
            self._wiring.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)
        if self._drag_start:
            # Many cards dragged at once, or far out (where a detour is under a pixel): plain
            # wires until the release routes them.
            self._routes.plain = self.overview or len(self._drag_start) > MANY_ROUTED
            if self.overview:
                self._overview.drag_moving(self._edges_of(self._drag_start))
            self._routes.nodes_moved(self._drag_start)
            for n in self._drag_start:
                self._overview.moved(n)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.mouse_at = event.scenePos()
        if self._scrub.active and event.button() == Qt.MouseButton.LeftButton:
            self._scrub.release(event)
            event.accept()
            return
        if self._wiring.active and event.button() == Qt.MouseButton.LeftButton:
            self._wiring.finish(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._drag_start is not None:
            start, self._drag_start = self._drag_start, None
            self._routes.plain = False
            try:
                self._move_dragged(start)
            finally:
                self._overview.drag_ended()  # its wires go back into the far-out batch

    def _move_dragged(self, start: dict[str, QPointF]) -> None:
        """The drag is over: one ``move_nodes`` edit for the cards that moved."""
        moves = {}
        for n in start:
            item = self._nodes.get(n)
            if item is None:
                continue
            new = (item.pos().x(), item.pos().y())
            old = self.doc.group_pos(n) if self.doc.is_group(n) else self.doc.pos(n)
            if new != old:
                moves[n] = (old, new)
        if moves and self.editor is not None:
            self.editor.move_nodes(moves)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        pos = event.scenePos()
        if self._card_edit.contains(pos):  # a double-click in the editor selects a word
            super().mouseDoubleClickEvent(event)
            return
        node = self.node_at(pos)
        if node is not None and getattr(node, "is_outside", False):
            self.status_message.emit(  # read-only here
                f"{node.label} is outside this group: go up a level (Alt+Up) to edit it")
            event.accept()
            return
        if node is not None:
            # On a node's name or a value's number: edit it there (card_edit.py); anywhere
            # on a group card: open it; elsewhere (and zoomed out, where cards show their far
            # form or are boxes) bring the Inspector forward.
            what = self._card_edit.editable(node, node.mapFromScene(pos)) if (
                scrub_look.readable(event)) else ""
            if what and event.button() == Qt.MouseButton.LeftButton:
                if not node.isSelected():
                    self.select_nodes([node.node_id])
                self._card_edit.start(node, what)
            elif self.doc.is_group(node.node_id) and event.button() == Qt.MouseButton.LeftButton:
                self.set_scope(node.node_id)  # open the group (scope.py)
            else:
                self.node_activated.emit(node.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def cancel_gesture(self) -> None:
        """Abandon a wire being dragged (Esc)."""
        self._wiring.cancel()

    def cancel_scrub(self) -> bool:
        """Esc while a value's number is dragged: the old value comes back, nothing changes.
        True if there was such a drag (the selection then stays)."""
        return self._scrub.cancel()

    # --- tooltips and context menu -------------------------------------------------------

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        text = self.tooltip_at(event.scenePos())
        if text:
            QToolTip.showText(event.screenPos(), text)
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def tooltip_at(self, pos: QPointF) -> str:
        port = self.port_near(pos)
        if port is not None:
            return port_tooltip(self.doc, port)
        if self.overview:  # the wires are hidden: a card or nothing
            node = self.node_at(pos)
            return node.tooltip_text() if node is not None else ""
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape,
                               Qt.SortOrder.DescendingOrder, QTransform()):
            if isinstance(item, NodeItem):
                return item.tooltip_text()
            if isinstance(item, EdgeItem):
                return edge_tooltip(self.doc, item, self._grads, self.grads_stale)
        return ""

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        pos = event.scenePos()
        node = self.node_at(pos)
        menu = QMenu()
        if node is not None and getattr(node, "is_outside", False):
            event.accept()
            return
        if node is not None and self.doc.is_group(node.node_id):
            if not node.isSelected():
                self.select_nodes([node.node_id])
            g = node.node_id
            menu.addAction("Open group", lambda: self.set_scope(g))
            menu.addAction("Ungroup", lambda: self.editor.ungroup(g))
            menu.addAction("Delete", self.delete_selected)
        elif node is not None:
            if not node.isSelected():
                self.select_nodes([node.node_id])
            n = node.node_id
            name = self.doc.display_name(n)
            if self.doc.marked_output == n:
                menu.addAction("Unmark output", lambda: self.editor.set_output(None))
            else:
                menu.addAction(f"Mark {name} as output", lambda: self.editor.set_output(n))
            menu.addAction("Delete", self.delete_selected)
        else:
            edge = next((i for i in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape,
                                               Qt.SortOrder.DescendingOrder, QTransform())
                         if isinstance(i, EdgeItem)), None)
            if edge is None:
                super().contextMenuEvent(event)
                return
            menu.addAction("Disconnect", lambda: self.editor.disconnect(edge.target, edge.slot))
        menu.exec(event.screenPos())
        event.accept()
