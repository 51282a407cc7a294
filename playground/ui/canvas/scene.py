"""``GraphScene``: mirrors a ``GraphDocument`` through its events; turns gestures into commands.

The scene never edits the document directly. A drag that moves nodes pushes one ``MoveNodes``
at release; a wire dragged from a port pushes ``Connect`` (or ``Disconnect``); Delete pushes
``DeleteItems``; dragging a value's data number sideways previews the new numbers and pushes
one ``SetValue`` at release (``scrub.py``). Refusals (a cycle, a value has no inputs, ...) come from
``doc.connect_refusal`` and go out through ``status_message``; nothing is made.

Numbers: the scene paints what the display model shows (``connect_display``: it follows the
model's ``changed(Shown)``: the data of ``shown.evaluation``, the grads of ``shown.grads``, grey
when ``shown.grads_stale``). Without a display model (rendering a file, benchmarks),
``set_evaluation(evaluation, grads_stale)`` does the same for one evaluation: a Backward
evaluation shows its grads; a forward-only one with ``grads_stale=True`` keeps the grads shown
before, greyed; with ``grads_stale=False`` grads are cleared ("—": press Backward).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QMenu,
    QToolTip,
)

from playground.graph.document import Event, GraphDocument, GraphError
from playground.ops import OPS
from playground.ui.canvas.card_data import (
    card_display,
    edge_tooltip,
    max_abs_grad,
    param_hint,
    port_tooltip,
)
from playground.ui.canvas.edges import EdgeItem, wire_path
from playground.ui.canvas.editing import Editing
from playground.ui.canvas.items import NO_CACHE, NODE_CACHE, Display, NodeItem, PortItem
from playground.ui.canvas.overlay import CanvasOverlay
from playground.ui.canvas.overview import Overview
from playground.ui.canvas.refresh import changed_nodes, refresh_cards
from playground.ui.canvas.scrub import ScrubTool
from playground.ui.canvas.style import CanvasStyle
from playground.ui.canvas.wiring import WireTool

SCENE_MARGIN = 3000.0
"""Room around the nodes that the view can scroll into (the scene rect grows as nodes move)."""
INDEX = QGraphicsScene.ItemIndexMethod.BspTreeIndex
PORT_PICK = 11.0
"""How close (scene units) to a port a wire end snaps to it."""


class GraphScene(QGraphicsScene):
    """The items of one document. See ``playground.ui.canvas`` for the API summary."""

    status_message = Signal(str)
    node_activated = Signal(str)
    evaluation_changed = Signal()

    def __init__(self, doc: GraphDocument, editor: Editing | None, parent: Any = None) -> None:
        super().__init__(parent)
        # A BSP index over a fixed scene rect: repaints visit only what is visible. (With a
        # scene rect that grows as items are added or moved, Qt rebuilds the whole tree over
        # and over: that is what makes big scenes crawl, see benchmarks/canvas_scale.py.)
        self.setItemIndexMethod(INDEX)
        self.setSceneRect(-SCENE_MARGIN, -SCENE_MARGIN, 2 * SCENE_MARGIN, 2 * SCENE_MARGIN)
        self.doc = doc
        self.editor = editor
        """Where gestures become edits (None: a read-only scene, e.g. for ``render``)."""
        self.style = CanvasStyle()
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[tuple[str, str, int], EdgeItem] = {}
        self._node_edges: defaultdict[str, set[tuple[str, str, int]]] = defaultdict(set)
        self.display: Any = None
        """The display model (``connect_display``): scrubbing asks it for previews."""
        self.evaluation: Any = None
        self.grads_stale = False
        self._grads: Any = None  # the evaluation whose grads are drawn
        self.max_abs_grad = 0.0
        self._output: str | None = None
        self._wiring = WireTool(self)
        self._scrub = ScrubTool(self)
        self._selected_edges: set[tuple[str, str, int]] = set()
        self._caching = True
        self._overview = Overview(self)
        self._teaching_overlay: CanvasOverlay | None = None
        self.selectionChanged.connect(self._overview.selection_changed)
        self._drag_start: dict[str, QPointF] | None = None
        self._unsubscribe = doc.subscribe(self._on_event)
        self._rebuild()

    # --- public API ---------------------------------------------------------------------

    def detach(self) -> None:
        """Stop following the document."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
            self.selectionChanged.disconnect(self._overview.selection_changed)

    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    @property
    def node_map(self) -> dict[str, NodeItem]:
        """node id -> its item (the scene's own dict: read it, do not change it)."""
        return self._nodes

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges.values())

    def edge_item(self, source: str, target: str, slot: int) -> EdgeItem | None:
        return self._edges.get((source, target, slot))

    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list[tuple[str, str, int]]:
        """The selected wires. Wires are selected by the scene (click, Ctrl-click), not by Qt."""
        return sorted(self._selected_edges)

    def select_edges(self, keys: Iterable[tuple[str, str, int]], *, add: bool = False) -> None:
        wanted = {k for k in keys if k in self._edges}
        if not add:
            self.clearSelection()
            old = self._selected_edges - wanted
        else:
            old = set()
            wanted |= self._selected_edges
        for k in old:
            self._edges[k].set_selected(False)
        for k in wanted:
            self._edges[k].set_selected(True)
        changed = wanted != self._selected_edges
        self._selected_edges = wanted
        if changed:
            self.selectionChanged.emit()

    def _clear_edge_selection(self) -> None:
        if self._selected_edges:
            for k in self._selected_edges:
                edge = self._edges.get(k)
                if edge is not None:
                    edge.set_selected(False)
            self._selected_edges = set()
            self.selectionChanged.emit()

    def select_nodes(self, ids: Iterable[str]) -> None:
        wanted = set(ids)
        self._clear_edge_selection()
        self.clearSelection()
        for n in wanted:
            item = self._nodes.get(n)
            if item is not None:
                item.setSelected(True)

    def set_item_caching(self, enabled: bool) -> None:
        """Cache each node's painting in a pixmap (worth it only where text is drawn)."""
        if enabled == self._caching:
            return
        self._caching = enabled
        mode = NODE_CACHE if enabled else NO_CACHE
        for item in self._nodes.values():
            item.setCacheMode(mode)

    def set_overview(self, enabled: bool) -> None:
        """Zoomed far out: paint nodes as batched boxes (see ``overview.py``)."""
        self._overview.set_enabled(enabled)

    @property
    def overview(self) -> bool:
        return self._overview.enabled

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self._overview.enabled and self._nodes:
            self._overview.paint(painter)

    def output_id(self) -> str | None:
        """The node drawn as the output (where Backward starts)."""
        return self._output

    def connect_display(self, display: Any) -> None:
        """Paint what ``display`` (a ``DisplayModel``) shows, from now on."""
        self.display = display
        display.changed.connect(self.show_numbers)
        self.show_numbers(display.shown)

    def show_numbers(self, shown: Any) -> None:
        """Paint ``shown`` (a ``Shown``: evaluation, grads, grads_stale)."""
        self._paint_numbers(shown.evaluation, shown.grads, shown.grads_stale)

    def set_evaluation(self, evaluation: Any, grads_stale: bool = False) -> None:
        """Show ``evaluation`` (an ``Evaluation`` or None) with no display model; see the
        module doc for grads."""
        if evaluation is None:
            grads = None
        elif getattr(evaluation, "backward", False):
            grads = evaluation
        else:
            grads = self._grads if grads_stale else None
        self._paint_numbers(evaluation, grads, grads_stale)

    def teaching_overlay(self) -> CanvasOverlay:
        """The teaching tools' marks over the canvas (made on first use)."""
        if self._teaching_overlay is None:
            self._teaching_overlay = CanvasOverlay(self)
        return self._teaching_overlay

    @property
    def scrubbing(self) -> bool:
        """A value's data number is being dragged (the canvas shows a preview)."""
        return self._scrub.scrubbing

    @property
    def grad_evaluation(self) -> Any:
        """The evaluation whose grads are drawn (None: no grads)."""
        return self._grads

    def _paint_numbers(self, evaluation: Any, grads: Any, grads_stale: bool) -> None:
        old, old_grads, old_state = self.evaluation, self._grads, self.grad_state()
        self.evaluation = evaluation
        self.grads_stale = bool(grads_stale)
        self._grads = grads
        # Only the cards whose numbers changed repaint (refresh.py): after an edit, those
        # downstream of it; every card when the grad colours or their greyness change.
        changed, same_grads = changed_nodes(old, evaluation, old_grads, grads)
        old_max = self.max_abs_grad
        if not same_grads:
            self.max_abs_grad = max_abs_grad(grads)
        if self.max_abs_grad != old_max or self.grad_state() != old_state:
            changed = None
        self._refresh_output()
        if self._overview.enabled:
            self._overview.invalidate()
            self.update()
        refresh_cards(self, changed, self._overview.enabled)
        self.evaluation_changed.emit()

    def grad_state(self) -> str:
        """"fresh", "stale" or "none" for the scene as a whole (the legend uses it)."""
        if self._grads is None:
            return "none"
        return "stale" if self.grads_stale else "fresh"

    def delete_selected(self) -> bool:
        """Delete the selected nodes and wires as one undo step. False if nothing was selected."""
        nodes = self.selected_node_ids()
        edges = self.selected_edges()
        if (not nodes and not edges) or self.editor is None:
            return False
        self.editor.delete(nodes, edges)
        return True

    def add_node(
        self, kind: str, op: str | None, scene_pos: QPointF, label: str | None = None
    ) -> str | None:
        """Add a node centred on ``scene_pos`` (one undo step). Returns its id."""
        if kind == "value":
            label = self.fresh_value_label() if label is None else label
            symbol, slots = "", ()
        elif op in OPS:
            label = label or ""
            symbol, slots = OPS[op].symbol, OPS[op].slots
        else:
            self.status_message.emit(f"unknown op {op!r}")
            return None
        w, h = NodeItem.size_for(self.style, kind, symbol, label, slots)
        pos = (round(scene_pos.x() - w / 2), round(scene_pos.y() - h / 2))
        node = self.editor.add_node(kind, op, label=label, pos=pos) if self.editor else None
        if node is not None:
            self.select_nodes([node])
        return node

    def fresh_value_label(self) -> str:
        """a, b, c, ... the first letter no node uses; then a1, b1, ..."""
        used = {self.doc.label(n) for n in self.doc.node_ids()}
        for suffix in ("", *map(str, range(1, 1000))):
            for letter in "abcdefghijklmnopqrstuvwxyz":
                if letter + suffix not in used:
                    return letter + suffix
        return ""

    def nodes_rect(self) -> QRectF:
        """The bounding rectangle of every node (empty if there are none)."""
        rect = QRectF()
        for item in self._nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    # --- what items show --------------------------------------------------------------

    def _display(self, node_id: str) -> Display:
        return card_display(self.doc, node_id, self.evaluation, self._grads, self.grads_stale,
                            self.max_abs_grad, self._output)

    def _hint(self, node_id: str, op: str | None) -> str:
        return param_hint(self.doc, node_id, op)

    def _refresh_output(self) -> None:
        out = self.doc.marked_output
        if out is None and self.evaluation is not None:
            out = getattr(self.evaluation, "output", None)
        if out is None:
            try:
                out = self.doc.output_node()
            except GraphError:
                out = None
        if out != self._output:
            for n in (self._output, out):
                item = self._nodes.get(n) if n is not None else None
                if item is not None:
                    item.update()
                    if self._overview.enabled:
                        self.update(item.sceneBoundingRect())
            self._output = out

    # --- mirroring the document ----------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        kind = event.kind
        if self._scrub.active and (kind, event.attr) not in (
            ("node_changed", "pos"), ("node_changed", "label")
        ):
            self._scrub.abort()  # e.g. Ctrl+Z mid-drag: the preview no longer fits
        if kind == "node_changed":
            n = event.node
            item = self._nodes.get(n) if n is not None else None
            if item is None:
                return
            if event.attr == "pos":
                x, y = self.doc.pos(n)
                self._keep_in_scene(x, y)
                old = item.body.translated(item.pos())
                item.setPos(x, y)
                self._update_edges_of(n)
                self._overview.moved(n, old)
            elif event.attr in ("label", "params"):
                op = self.doc.op_name(n)
                item.set_info(symbol=OPS[op].symbol if op in OPS else "", label=self.doc.label(n),
                              hint=self._hint(n, op))
                self._update_edges_of(n)
            else:
                item.update()
        elif kind == "node_added" and event.node is not None:
            self._add_node_item(event.node)
        elif kind == "node_removed" and event.node is not None:
            self._remove_node_item(event.node)
        elif kind == "edge_added" and event.edge is not None:
            self._add_edge_item(*event.edge)
        elif kind == "edge_removed" and event.edge is not None:
            self._remove_edge_item(*event.edge)
        elif kind == "output_changed":
            self._refresh_output()
        elif kind == "reset":
            self._rebuild()

    def _rebuild(self) -> None:
        self._wiring.cancel()
        self._scrub.abort()
        self._drag_start = None
        for key in list(self._edges):
            self._remove_edge_item(*key)
        for n in list(self._nodes):
            self._remove_node_item(n)
        self._fit_scene_rect()
        for n in self.doc.node_ids():
            self._add_node_item(n, bulk=True)
        for e in self.doc.edges():
            self._add_edge_item(e.source, e.target, e.slot)
        self._refresh_output()

    def _add_node_item(self, node_id: str, bulk: bool = False) -> None:
        doc = self.doc
        op = doc.op_name(node_id)
        entry = OPS.get(op) if op else None
        item = NodeItem(
            node_id,
            self.style,
            self._display,
            kind=doc.kind(node_id),
            symbol=entry.symbol if entry else (op or ""),
            label=doc.label(node_id),
            slot_names=entry.slots if entry else (),
            cache=self._caching,
            hint=self._hint(node_id, op),
        )
        x, y = doc.pos(node_id)
        item.setPos(x, y)
        self._overview.node_added(item)
        self._nodes[node_id] = item
        if not bulk:  # _rebuild sized the scene rect for all of them
            self._keep_in_scene(x, y)
        self.addItem(item)

    def _remove_node_item(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is not None:
            self._overview.node_removed(item)
        for key in list(self._node_edges.pop(node_id, ())):
            self._remove_edge_item(*key)
        if item is not None:
            self.removeItem(item)
        if self._drag_start is not None:
            self._drag_start.pop(node_id, None)
        if node_id == self._output:
            self._output = None

    def _add_edge_item(self, source: str, target: str, slot: int) -> None:
        key = (source, target, slot)
        s_item, t_item = self._nodes.get(source), self._nodes.get(target)
        if s_item is None or t_item is None or key in self._edges:
            return
        edge = EdgeItem(source, target, slot)
        edge.setPath(wire_path(s_item.output_anchor(), t_item.input_anchor(slot)))
        self._edges[key] = edge
        self._node_edges[source].add(key)
        self._node_edges[target].add(key)
        t_item.set_slot_connected(slot, True)
        self.addItem(edge)

    def _remove_edge_item(self, source: str, target: str, slot: int) -> None:
        key = (source, target, slot)
        edge = self._edges.pop(key, None)
        if edge is None:
            return
        if key in self._selected_edges:
            self._selected_edges.discard(key)
            self.selectionChanged.emit()
        self._node_edges[source].discard(key)
        self._node_edges[target].discard(key)
        t_item = self._nodes.get(target)
        if t_item is not None and slot < len(t_item.input_ports):
            t_item.port(slot).set_connected(False)
        self.removeItem(edge)

    def _fit_scene_rect(self) -> None:
        """The nodes' extent plus SCENE_MARGIN, from the document (before items exist)."""
        xs, ys = [], []
        for n in self.doc.node_ids():
            x, y = self.doc.pos(n)
            xs.append(x)
            ys.append(y)
        if not xs:
            xs, ys = [0.0], [0.0]
        m = SCENE_MARGIN
        self.setSceneRect(QRectF(QPointF(min(xs) - m, min(ys) - m),
                                 QPointF(max(xs) + m, max(ys) + m)))

    def _keep_in_scene(self, x: float, y: float) -> None:
        """Grow the scene rect (rarely, by a margin) when a node goes near its border."""
        rect = self.sceneRect()
        m = SCENE_MARGIN / 3
        if rect.contains(QRectF(x - m, y - m, 2 * m, 2 * m)):
            return
        grown = rect.united(QRectF(x - SCENE_MARGIN, y - SCENE_MARGIN,
                                   2 * SCENE_MARGIN, 2 * SCENE_MARGIN))
        self.setSceneRect(grown)

    def _update_edges_of(self, node_id: str) -> None:
        nodes = self._nodes
        for key in self._node_edges.get(node_id, ()):
            s, t, k = key
            self._edges[key].set_ends(nodes[s].output_anchor(), nodes[t].input_anchor(k))

    # --- hit testing -------------------------------------------------------------------

    def port_near(self, pos: QPointF, want_output: bool | None = None) -> PortItem | None:
        """The port closest to ``pos`` within PORT_PICK, optionally only outputs/inputs."""
        r = PORT_PICK
        best, best_d = None, r * r
        for item in self.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r)):
            if not isinstance(item, NodeItem):
                continue
            for port in (*item.input_ports, item.output_port):
                if want_output is not None and port.is_output != want_output:
                    continue
                c = port.scenePos()
                d = (c.x() - pos.x()) ** 2 + (c.y() - pos.y()) ** 2
                if d <= best_d:
                    best, best_d = port, d
        return best

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape,
                               Qt.SortOrder.DescendingOrder, QTransform()):
            if isinstance(item, NodeItem):
                return item
        return None

    # --- mouse: wiring and moving ------------------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self._wiring.active:
            pos = event.scenePos()
            port = self.port_near(pos)
            if port is not None:
                self._wiring.start(port, pos)
                event.accept()
                return
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            top = self.itemAt(pos, QTransform())
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
            for n in self._drag_start:
                self._update_edges_of(n)
                self._overview.moved(n)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
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
            moves = {}
            for n in start:
                item = self._nodes.get(n)
                if item is None:
                    continue
                new = (item.pos().x(), item.pos().y())
                old = self.doc.pos(n)
                if new != old:
                    moves[n] = (old, new)
            if moves and self.editor is not None:
                self.editor.move_nodes(moves)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        node = self.node_at(event.scenePos())
        if node is not None:
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
        if node is not None:
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


def item_for(scene: GraphScene, item: QGraphicsItem | None) -> NodeItem | None:
    """The node an item belongs to (a node, or one of its ports)."""
    while item is not None and not isinstance(item, NodeItem):
        item = item.parentItem()
    return item
