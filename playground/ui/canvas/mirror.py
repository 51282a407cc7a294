"""The scene's half that follows the document: one item per node and per wire.

``DocumentMirror`` is mixed into ``GraphScene``; it turns the document's events into items
added, moved, relabelled and removed, keeps every wire's ends on its ports, and grows the scene
rect as nodes go near its border. It changes no number and no document: the numbers come from
the display model, the edits go through the editor.

It uses the scene's item maps (``_nodes``, ``_edges``, ``_node_edges``), its tools (``_scrub``,
``_wiring``, ``_overview``) and ``_display``/``_hint``/``_refresh_output`` for what a card shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QTimer

from playground.engine.value import paused_gc
from playground.graph import params as P
from playground.graph.document import Event
from playground.ops import OPS
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.items import NodeItem

SCENE_MARGIN = 3000.0
"""Room around the nodes that the view can scroll into (the scene rect grows as nodes move)."""


class DocumentMirror:
    """Mixed into ``GraphScene`` (which makes these attributes)."""

    _nodes: dict[str, NodeItem]
    _edges: dict[tuple[str, str, int], EdgeItem]
    _node_edges: Any
    _selected_edges: set[tuple[str, str, int]]
    _drag_start: Any
    _output: str | None
    _caching: bool
    doc: Any
    style: Any
    _scrub: Any
    _wiring: Any
    _overview: Any
    _renames: set[tuple[str, bool]]
    _card_edit: Any
    _routes: Any
    _grouped: bool
    _teaching_overlay: Any
    _wires: dict[Any, Any]
    _later: Any
    document_replaced: Any

    # Scopes (scope.py, before this class in GraphScene's bases) makes _scoped_event,
    # _check_scope, _scope_items and _shown_ends; the scene makes selected_node_ids.
    _scoped_event: Any
    _check_scope: Any
    _scope_items: Any
    _shown_ends: Any
    selected_node_ids: Any

    def _on_event(self, event: Event) -> None:
        self._mirror(event)
        if not event.more:  # the edit is over: the wires of the cards it moved re-route
            self._routes.route_moved()

    def _mirror(self, event: Event) -> None:
        kind = event.kind
        if self._scrub.active and (kind, event.attr) not in (
            ("node_changed", "pos"), ("node_changed", "label")
        ):
            self._scrub.abort()  # e.g. Ctrl+Z mid-drag: the preview no longer fits
        if self._card_edit.active and (
            kind == "reset" or (kind == "node_removed" and event.node == self._card_edit.node_id)
        ):
            self._card_edit.close()  # the card it edits is going
        if kind == "reset":
            # Another document (opened, new, an example, a lesson, recovered): what the learner
            # picked is not in it, even where the new graph reuses its ids (issue: the new
            # file's "a" came up selected and hid the example's explanation).
            self.clearSelection()
            self.document_replaced.emit()
        # scope.py: hidden nodes, group cards, ports
        if (self._grouped or kind == "group_added") and self._scoped_event(event):
            return
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
                self._routes.card_moved(n)  # its wires re-route once the edit is over
                self._overview.moved(n, old)
            elif event.attr in ("label", "params"):
                op = self.doc.op_name(n)
                item.set_info(symbol=P.symbol(op, self.doc.params(n)) if op in OPS else "",
                              label=self.doc.display_name(n),
                              hint=self._hint(n, op))
                self._update_edges_of(n)
                self._names_changed_after(n)
            else:
                item.update()
        elif kind == "node_added" and event.node is not None:
            self._add_node_item(event.node)
            self._names_changed_after(event.node)
        elif kind == "node_removed" and event.node is not None:
            self._remove_node_item(event.node)
            self._names_changed_after(event.node)
        elif kind == "edge_added" and event.edge is not None:
            self._add_edge_item(*event.edge)
            self._names_changed_after(event.edge[1], itself=True)
        elif kind == "edge_removed" and event.edge is not None:
            self._remove_edge_item(*event.edge)
            self._names_changed_after(event.edge[1], itself=True)
        elif kind == "output_changed":
            self._refresh_output()
        elif kind == "reset":
            self._rebuild()

    def _names_changed_after(self, node: str, itself: bool = False) -> None:
        """An unnamed op is named after its inputs (``a*b``): after a rename, a rewiring, an
        added or removed node, the cards show their new names. Gathered and done once the
        edit is over (a paste of many wires renames each card once)."""
        if not self._renames:
            QTimer.singleShot(0, self._rename_cards)
        self._renames.add((node, itself))

    def _rename_cards(self) -> None:
        """Every card whose name changed shows its new one. All cards are compared, not only
        those downstream: a name also depends on the others (a new node takes a free letter,
        a repeated label gets its prime in graph order), and the names are computed at once."""
        self._renames.clear()
        for n, item in self._nodes.items():
            if n not in self.doc:
                continue
            name = self.doc.display_name(n)
            if item.label != name:
                item.set_info(symbol=item.symbol, label=name)
                self._update_edges_of(n)

    @paused_gc()  # tens of thousands of items and routes, all kept
    def _rebuild(self) -> None:
        self._later.stop()
        selected = set(self.selected_node_ids())
        self._wiring.cancel()
        self._scrub.abort()
        self._card_edit.close()
        self._drag_start = None
        self._routes.plain = False
        for key in list(self._edges):
            self._remove_edge_item(*key)
        for n in list(self._nodes):
            self._remove_node_item(n)
        self._fit_scene_rect()
        self._check_scope()
        if self._grouped:
            self._scope_items()  # scope.py: the scope's nodes, group cards, outside inputs
        else:
            for n in self.doc.node_ids():
                self._add_node_item(n, bulk=True)
        for e in self.doc.edges():
            self._add_edge_item(e.source, e.target, e.slot)
        self._refresh_output()
        for n in selected:
            item = self._nodes.get(n)
            if item is not None and item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
                item.setSelected(True)
        if self._teaching_overlay is not None:
            self._teaching_overlay.follow_scene()

    def _add_node_item(self, node_id: str, bulk: bool = False) -> None:
        doc = self.doc
        op = doc.op_name(node_id)
        entry = OPS.get(op) if op else None
        item = NodeItem(
            node_id,
            self.style,
            self._display,
            kind=doc.kind(node_id),
            symbol=P.symbol(op, doc.params(node_id)) if entry else (op or ""),
            label=doc.display_name(node_id),
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
        if bulk:
            self._routes.card_placed(node_id)
        else:  # a card put down on wires: they go around it
            self._routes.node_moved(node_id)

    def _remove_node_item(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is not None:
            self._overview.node_removed(item)
        for key in list(self._node_edges.pop(node_id, ())):
            self._remove_edge_item(*key)
        if item is not None:
            self.removeItem(item)
        self._routes.node_removed(node_id)
        if self._drag_start is not None:
            self._drag_start.pop(node_id, None)
        if node_id == self._output:
            self._output = None

    def _add_edge_item(self, source: str, target: str, slot: int) -> None:
        key = (source, target, slot)
        if self._grouped:  # drawn between the cards standing for its ends (scope.py)
            ends = self._shown_ends(source, target, slot)
            if ends is None:
                return
            drawn = self._wires.get(ends)
            if drawn is not None:  # a second wire from one source into one group: drawn once
                self._edges[drawn].also.append(key)
                return
            a, _port, b, to_slot = ends
        else:
            a, b, to_slot = source, target, slot
        s_item, t_item = self._nodes.get(a), self._nodes.get(b)
        if s_item is None or t_item is None or key in self._edges:
            return
        edge = EdgeItem(source, target, slot)
        edge.end_items = (s_item, t_item)
        if self._grouped:
            self._wires[ends] = key
            edge.from_id, edge.from_port, edge.to_id, edge.to_slot = ends
        self._edges[key] = edge
        self._node_edges[a].add(key)
        self._node_edges[b].add(key)
        t_item.set_slot_connected(to_slot, True)
        self._overview.wire_added(edge)
        self.addItem(edge)
        self._routes.route(edge)

    def _remove_edge_item(self, source: str, target: str, slot: int) -> None:
        key = (source, target, slot)
        edge = self._edges.pop(key, None)
        if edge is None:
            return
        if key in self._selected_edges:
            self._selected_edges.discard(key)
            self.selectionChanged.emit()
        self._node_edges[edge.from_id].discard(key)
        self._node_edges[edge.to_id].discard(key)
        if self._grouped:
            self._wires.pop((edge.from_id, edge.from_port, edge.to_id, edge.to_slot), None)
        self._routes.forget(edge)
        self._overview.wire_removed(edge)
        edge.unlight()
        t_item = self._nodes.get(edge.to_id)
        if t_item is not None and edge.to_slot < len(t_item.input_ports):
            t_item.port(edge.to_slot).set_connected(False)
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
        """The card moved or changed size: its wires, and the wires it concerns, re-route."""
        self._routes.node_moved(node_id)

    def _edges_of(self, node_ids: Iterable[str]) -> list[EdgeItem]:
        """The wire items that start or end at any of ``node_ids`` (each once)."""
        keys: set[tuple[str, str, int]] = set()
        for n in node_ids:
            keys |= self._node_edges.get(n, set())
        return [self._edges[k] for k in keys if k in self._edges]
