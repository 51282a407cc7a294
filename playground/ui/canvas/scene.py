"""``GraphScene``: mirrors a ``GraphDocument`` through its events; turns gestures into commands.

The scene never edits the document directly. A drag that moves nodes pushes one ``MoveNodes``
at release; a wire dragged from a port pushes ``Connect`` (or ``Disconnect``); Delete pushes
``DeleteItems``; dragging a value's data number sideways previews the new numbers and pushes
one ``SetValue`` at release (``scrub.py``); a double-click on a card's name or number edits it in
place (``card_edit.py``). Refusals (a cycle, a value has no inputs, ...) come from
``doc.connect_refusal`` and go out through ``say``: ``status_message`` and a bubble at the port
(``bubble.py``); nothing is made.

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

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsScene

from playground.graph.document import GraphDocument, GraphError
from playground.ops import OPS
from playground.ui.canvas.bubble import MessageBubble
from playground.ui.canvas.card_data import card_display, max_abs_grad, param_hint
from playground.ui.canvas.card_edit import CardEdit
from playground.ui.canvas.card_geometry import measure
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.editing import Editing
from playground.ui.canvas.items import NO_CACHE, NODE_CACHE, Display, NodeItem
from playground.ui.canvas.mirror import SCENE_MARGIN, DocumentMirror
from playground.ui.canvas.overlay import CanvasOverlay
from playground.ui.canvas.overview import Overview
from playground.ui.canvas.refresh import changed_nodes, refresh_cards
from playground.ui.canvas.routes import WireRoutes
from playground.ui.canvas.scene_mouse import SceneMouse
from playground.ui.canvas.scope import Scopes
from playground.ui.canvas.scrub import ScrubTool
from playground.ui.canvas.style import CanvasStyle
from playground.ui.canvas.wiring import WireTool

INDEX = QGraphicsScene.ItemIndexMethod.BspTreeIndex


class GraphScene(Scopes, DocumentMirror, SceneMouse):
    """The items of one document. See ``playground.ui.canvas`` for the API summary.

    Mouse events, hit tests (``port_near``, ``node_at``), tooltips and the context menu are
    ``SceneMouse``'s (scene_mouse.py); the level of the groups shown (``set_scope``) is
    ``Scopes``' (scope.py)."""

    status_message = Signal(str)
    node_activated = Signal(str)
    evaluation_changed = Signal()
    scope_changed = Signal(object)
    """The canvas shows another level of the groups: the group id, or None for the top."""
    bubble_shown = Signal(str)
    """A refusal or warning was said in a bubble on the canvas (``show_bubble``)."""
    document_replaced = Signal()
    """Another document replaced the whole graph (open, new, an example...): nothing read
    from the old cards (the minimap's boxes) still holds."""

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
        self._card_edit = CardEdit(self)
        self._selected_edges: set[tuple[str, str, int]] = set()
        self._caching = True
        self._renames: set[tuple[str, bool]] = set()
        self._overview = Overview(self)
        self._routes = WireRoutes(self)
        self._teaching_overlay: CanvasOverlay | None = None
        self.selectionChanged.connect(self._overview.selection_changed)
        self._drag_start: dict[str, QPointF] | None = None
        self.mouse_at: QPointF | None = None
        """Where the mouse last pressed, moved or released on the canvas (scene coords)."""
        self._bubble: MessageBubble | None = None
        self._init_scopes()
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
        """The card of ``node_id`` (a node or a group card) on show, None if not shown."""
        self.flush()
        return self._nodes.get(node_id)

    @property
    def node_map(self) -> dict[str, NodeItem]:
        """node or group id -> its card (the scene's own dict: read it, do not change it)."""
        self.flush()
        return self._nodes

    def node_items(self) -> list[NodeItem]:
        self.flush()
        return list(self._nodes.values())

    def edge_items(self) -> list[EdgeItem]:
        self.flush()
        return list(self._edges.values())

    def edge_item(self, source: str, target: str, slot: int) -> EdgeItem | None:
        self.flush()
        return self._edges.get((source, target, slot))

    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list[tuple[str, str, int]]:
        """The selected wires. Wires are selected by the scene (click, Ctrl-click), not by Qt.
        A wire into a group card stands for every wire from its source into the group."""
        keys = set(self._selected_edges)
        for k in self._selected_edges:
            edge = self._edges.get(k)
            if edge is not None:
                keys.update(edge.also)
        return sorted(keys)

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
        """Select the cards of ``ids``; a node hidden in a group selects its group card."""
        self.flush()
        wanted = set(ids)
        self._clear_edge_selection()
        self.clearSelection()
        for n in wanted:
            item = self._nodes.get(n)
            if item is None and self._grouped:
                item = self.card_for(n)
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
            self._overview.paint(painter, rect)

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

    # --- messages where they happened (bubble.py) ------------------------------------------

    @property
    def bubble(self) -> MessageBubble | None:
        """The message bubble on show (None once it has faded)."""
        b = self._bubble
        return b if b is not None and b.scene() is self else None

    def show_bubble(self, text: str, at: QPointF | None = None) -> MessageBubble:
        """Say ``text`` in a bubble pointing at ``at`` (scene coords; None: where the mouse
        last was on the canvas). It fades by itself; a new one replaces it. A point out of
        view is brought to the view's edge, so the learner sees it."""
        old = self.bubble
        if old is not None:
            old.remove()
        point = QPointF(at) if at is not None else self.mouse_at
        views = self.views()
        if views:
            view = views[0]
            seen = view.mapToScene(view.viewport().rect().adjusted(30, 60, -30, -10))
            box = seen.boundingRect()
            if point is None or not box.contains(point):
                if point is None:
                    point = box.center()
                point = QPointF(min(max(point.x(), box.left()), box.right()),
                                min(max(point.y(), box.top()), box.bottom()))
        point = point if point is not None else QPointF()
        # On a card (its port, its number, a wire dropped on it): the box sits above the
        # card, its pointer reaching down to the place, so the card's name stays readable.
        lift, room = 0.0, float("inf")
        card = self.node_at(point)
        if card is not None and views:
            top = card.mapToScene(card.body.topLeft()).y()
            lift = (point.y() - top) * views[0].transform().m11() + 6
        if views:
            room = views[0].viewport().width() - views[0].mapFromScene(point).x() - 8.0
        bubble = MessageBubble(text, point, self.style.font, lift, room)
        self.addItem(bubble)
        self._bubble = bubble
        self.bubble_shown.emit(text)
        return bubble

    def say(self, text: str, at: QPointF | None = None) -> None:
        """A refusal or warning from a gesture: in the status bar and in a bubble at ``at``."""
        self.status_message.emit(text)
        self.show_bubble(text, at)

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
    def card_editor(self) -> Any:
        """The line edit open on a card (``card_edit.py``), None when none is."""
        return self._card_edit.line

    def edit_on_card(self, node_id: str, what: str) -> bool:
        """Open the in-place editor of ``node_id``'s "label" or "value" (as a double-click
        there does); False if that cannot be edited on the card."""
        item = self._nodes.get(node_id)
        if item is None or self.editor is None:
            return False
        if what == "value" and self._card_edit.editable(
                item, item.scrub_zone().center()) != "value":
            return False
        self._card_edit.start(item, what)
        return True

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
        changed: list[str] | None = None
        if self.grad_state() != old_state:  # every card changes: no need to diff them
            same_grads = grads is old_grads
        else:
            changed, same_grads = changed_nodes(old, evaluation, old_grads, grads)
        old_max = self.max_abs_grad
        if not same_grads:
            self.max_abs_grad = max_abs_grad(grads)
        if self.max_abs_grad != old_max:
            changed = None
        self._refresh_output()
        if self._overview.enabled:
            self._overview.invalidate()
            self.update()
        refresh_cards(self, changed, self._overview.enabled)
        if self._ports:  # group cards show their outputs' numbers (scope.py)
            for card in self.group_cards():
                card.refresh()
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
        w, h = measure(self.style, kind, symbol, label, slots)
        pos = (round(scene_pos.x() - w / 2), round(scene_pos.y() - h / 2))
        node = self.editor.add_node(kind, op, label=label, pos=pos,
                                    group=self._scope) if self.editor else None
        if node is not None:
            self.select_nodes([node])
        return node

    def fresh_value_label(self) -> str:
        """a, b, c, ... the first letter no node's name uses; then a1, b1, ..."""
        return self.doc.free_name()

    def nodes_rect(self) -> QRectF:
        """The bounding rectangle of every card on show (empty if there are none)."""
        self.flush()
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
                        self._overview.changed(item.sceneBoundingRect())
                        self.update(item.sceneBoundingRect())
            self._output = out
