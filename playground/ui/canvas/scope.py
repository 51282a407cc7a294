"""Which level of the groups the canvas shows: its *scope* (None: the top, else a group id).

``Scopes`` is mixed into ``GraphScene``. The document's groups are an overlay on the flat graph
(``playground.graph.groups``); the canvas shows one scope at a time:

- a card per node directly in the scope and a ``GroupCard`` per group directly in it;
- inside a group, an ``OutsideCard`` at the left for each outside node feeding it, and the
  nodes whose value leaves it tagged "leaves group";
- a flat wire s -> t drawn between what stands for s and t here (``doc.representative``): into
  a group card at its input port for s (one port per outside source: two wires from s into the
  group are drawn once), out of a group card at the output port for s; a wire with both ends
  in one group card, or with its target outside the scope, is not drawn.

A graph without groups at the top is drawn as before, by the mirror's own fast paths
(``_grouped`` False): a node or wire event costs what it did. With groups, a node or wire event
inside the scope takes the same fast path; one that touches a hidden node or a group card's
ports rebuilds the scene once the edit is over (``_rebuild_later``; grouping is rare, and one
undo may send hundreds of events). Reading the items (``node_item``, ``node_map``, ...) first
finishes a rebuild that is due.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QTimer

from playground.graph.document import Event, GraphError
from playground.graph.groups import Ports
from playground.ui.canvas.card_text import Display
from playground.ui.canvas.group_card import GroupCard, OutsideCard

OUTSIDE_GAP = 120.0
"""Between the outside cards' column and the leftmost card inside."""
Ends = tuple[str, int, str, int]
"""A wire as drawn: (from card, its output port, to card, its input port)."""


class Scopes:
    """Mixed into ``GraphScene`` (which makes the item maps, the signals and the tools)."""

    doc: Any
    style: Any
    _nodes: dict[str, Any]
    _caching: bool
    _edges: dict[Any, Any]
    _node_edges: Any
    _output: str | None
    scope_changed: Any

    def _init_scopes(self) -> None:
        self._scope: str | None = None
        self._scope_path: list[str] = []
        """The groups from the top to the scope when it was entered: if an undo removes the
        scope, the canvas falls back to the deepest one still there."""
        self._grouped = False
        """The scope is not the top or the graph has groups (see the module docstring)."""
        self._ports: dict[str, Ports] = {}
        """Each group card's ports, and the scope's own (key: the scope id)."""
        self._outside: set[str] = set()
        self._wires: dict[Ends, tuple[str, str, int]] = {}
        """Each wire drawn in a grouped scope -> the document key of its ``EdgeItem``."""
        self._later = QTimer(self)  # type: ignore[arg-type]  # the scene: a QObject
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.flush)

    # --- public ---------------------------------------------------------------------------

    @property
    def scope(self) -> str | None:
        """The group the canvas shows (None: the top level)."""
        return self._scope

    def set_scope(self, scope: str | None) -> None:
        """Show ``scope`` (None: the top; a group id: step inside it)."""
        if scope is not None and not self.doc.is_group(scope):
            raise GraphError(f"there is no group {scope!r}")
        if scope == self._scope:
            return
        self._scope = scope
        self._scope_path = self.doc.path(scope)
        self._rebuild()
        self.scope_changed.emit(scope)

    def go_up(self) -> bool:
        """Show the level above (False at the top)."""
        if self._scope is None:
            return False
        self.set_scope(self.doc.group_of(self._scope))
        return True

    def card_for(self, node_id: str) -> Any:
        """The card standing for ``node_id`` here: its own, the group card holding it, or
        None when it is outside the scope and not one of its outside inputs."""
        self.flush()
        item = self._nodes.get(node_id)
        if item is not None or not self._grouped or node_id not in self.doc:
            return item
        rep = self.doc.representative(node_id, self._scope)
        return self._nodes.get(rep) if rep is not None else None

    def group_cards(self) -> list[GroupCard]:
        self.flush()
        return [i for i in self._nodes.values() if isinstance(i, GroupCard)]

    def flush(self) -> None:
        """Finish a rebuild that is due now (see the module docstring)."""
        if self._later.isActive():
            self._later.stop()
            self._rebuild()

    # --- building -------------------------------------------------------------------------

    def _rebuild_later(self) -> None:
        self._later.start()

    def _check_scope(self) -> None:
        """The scope may have gone (an undo removed the group): the deepest group above it
        that is still there."""
        if self._scope is not None and not self.doc.is_group(self._scope):
            alive = [g for g in self._scope_path if self.doc.is_group(g)]
            self._scope = alive[-1] if alive else None
            self._scope_path = self.doc.path(self._scope)
            self.scope_changed.emit(self._scope)
        self._grouped = self._scope is not None or bool(self.doc.groups())

    def _scope_items(self) -> None:
        """Add the cards of a grouped scope (the mirror's ``_rebuild`` adds the wires)."""
        doc, scope = self.doc, self._scope
        self._ports.clear()
        self._outside.clear()
        self._wires.clear()
        nodes, groups = doc.children(scope)
        for n in nodes:
            self._add_node_item(n, bulk=True)
        for g in groups:
            self._add_group_card(g)
        if scope is None:
            return
        ports = self._ports[scope] = self._ports_of(scope)
        for n in ports.outputs:
            item = self._nodes.get(n)
            if item is not None:
                item.leaves_group = True
        self._place_outside(ports.inputs)

    def _add_group_card(self, gid: str) -> None:
        doc = self.doc
        ports = self._ports[gid] = self._ports_of(gid)
        inside = len(doc.inside(gid))
        card = GroupCard(
            gid, self.style, self._group_display, label=doc.display_name(gid),
            inputs=tuple(doc.display_name(n) for n in ports.inputs),
            outputs=tuple(doc.display_name(n) for n in ports.outputs), output_ids=ports.outputs,
            input_ids=ports.inputs,
            hint=f"{inside} node" + ("" if inside == 1 else "s"), cache=self._caching,
            node_display=self._display)
        self._place_card(gid, card, doc.group_pos(gid))

    def _ports_of(self, gid: str) -> Ports:
        """The group's ports top to bottom as their nodes lie (fewer crossing wires)."""
        doc = self.doc
        ports = doc.ports(gid)

        def y(n: str) -> float:
            return doc.pos(n)[1]

        return Ports(tuple(sorted(ports.inputs, key=y)), tuple(sorted(ports.outputs, key=y)))

    def _place_outside(self, inputs: tuple[str, ...]) -> None:
        """The outside inputs in a column left of the cards inside, in the order of the
        heights their wires enter at."""
        bodies = [i.body.translated(i.pos()) for i in self._nodes.values()]
        box = QRectF()
        for b in bodies:
            box = box.united(b)
        top = box.top() if bodies else 0.0
        right = box.left() - OUTSIDE_GAP if bodies else 0.0
        for n in sorted(inputs, key=self._fed_height):  # level with what they feed
            card = OutsideCard(n, self.style, self._display, label=self.doc.display_name(n),
                               cache=self._caching)
            self._outside.add(n)
            self._place_card(n, card, (right - card.body.width(), top))
            top += card.body.height() + self.style.tag_h + 24

    def _fed_height(self, source: str) -> float:
        """How high (scene y) ``source``'s wires enter the cards of the scope: outside inputs
        are stacked in that order, so their wires cross as little as they can."""
        ys = []
        for e in self.doc.consumers(source):
            rep = self.doc.representative(e.target, self._scope)
            card = self._nodes.get(rep) if rep is not None else None
            if card is not None:
                slot = e.slot if rep == e.target else 0
                ys.append(card.pos().y() + card.port_offset(slot).y())
        return min(ys) if ys else 0.0

    def _place_card(self, key: str, card: Any, pos: tuple[float, float]) -> None:
        card.setPos(QPointF(*pos))
        self._overview.node_added(card)
        self._nodes[key] = card
        self.addItem(card)
        self._routes.card_placed(key)

    def _group_display(self, gid: str) -> Display:
        """A group card shows its first output's numbers under its own name."""
        ports = self._ports.get(gid)
        outs = ports.outputs if ports is not None else ()
        name = self.doc.display_name(gid) if self.doc.is_group(gid) else gid
        if not outs or outs[0] not in self.doc:
            return Display(kind="op", symbol="▣", label=name, data=None, grad=None,
                           grad_state="none", grad_value=None, max_abs=0.0)
        d = self._display(outs[0])
        return Display(kind="op", symbol="▣", label=name, data=d.data, grad=d.grad,
                       grad_state=d.grad_state, grad_value=d.grad_value, max_abs=d.max_abs,
                       error=d.error, warning=d.warning,
                       is_output=self._output is not None and self._output in outs,
                       pending=d.pending, waiting=d.waiting)

    def _shown_ends(self, s: str, t: str, slot: int) -> Ends | None:
        """Where the flat wire s -> t (input ``slot``) is drawn here, None: not here."""
        if not self._grouped:
            return (s, 0, t, slot)
        doc, scope = self.doc, self._scope
        rt = doc.representative(t, scope)
        if rt is None:
            return None
        rs = doc.representative(s, scope)
        if rs == rt and rt != t:
            return None  # both ends inside one group card
        if rs is None:
            if s not in self._outside:
                return None
            rs = s
        from_port = 0
        if rs != s:
            ports = self._ports.get(rs)
            if ports is None or s not in ports.outputs:
                return None
            from_port = ports.outputs.index(s)
        if rt != t:
            ports = self._ports.get(rt)
            if ports is None or s not in ports.inputs:
                return None
            slot = ports.inputs.index(s)
        return (rs, from_port, rt, slot)

    # --- events -------------------------------------------------------------------------

    def _scoped_event(self, event: Event) -> bool:
        """Handle ``event`` for a grouped scope; False: the mirror's own path handles it."""
        kind, n, doc = event.kind, event.node, self.doc
        if kind == "reset" and self._scope is not None:  # another graph: from its top
            self._scope, self._scope_path = None, []
            self._rebuild()
            self.scope_changed.emit(None)
            return True
        if kind in ("group_added", "group_removed", "reset"):
            self._rebuild()  # checks the scope first
            return True
        if kind == "group_changed":
            card = self._nodes.get(n) if n is not None else None
            if event.attr == "pos" and isinstance(card, GroupCard):
                old = card.body.translated(card.pos())
                card.setPos(QPointF(*doc.group_pos(n)))
                self._routes.node_moved(n)
                self._overview.moved(n, old)
            elif event.attr == "label" and isinstance(card, GroupCard):
                card.set_info(symbol=card.symbol, label=doc.display_name(n))
                self._routes.node_moved(n)
            elif event.attr not in ("pos", "label"):
                self._rebuild_later()  # members moved in or out
            return True
        if kind == "node_changed":
            if n in self._outside:
                if event.attr == "label":
                    self._rebuild_later()
                    return True
                item = self._nodes.get(n)
                if item is not None and event.attr != "pos":
                    item.update()
                return True
            if n not in self._nodes:
                if event.attr in ("label", "params"):
                    self._rebuild_later()  # a port's name may change
                return True
            if event.attr == "label" and self._ports:
                self._rebuild_later()  # it may name a group card's port
            elif event.attr == "pos" and self._scope is not None:
                self._rebuild_later()  # the outside inputs stay left of the inside
            elif event.attr == "pos" and self._ports and any(
                    self._edges[k].from_id in self._ports or self._edges[k].to_id in self._ports
                    for k in self._node_edges.get(n, ()) if k in self._edges):
                self._rebuild_later()  # a group card's ports follow their nodes' order
            return False
        if kind in ("node_added", "node_removed"):
            if n in self._outside or (kind == "node_removed" and n not in self._nodes):
                self._rebuild_later()  # a port or a group card's count goes
                return True
            return kind == "node_added" and doc.group_of(n) != self._scope
        if kind == "output_changed":
            for card in self.group_cards():  # the output may sit inside one
                card.refresh()
            return False
        if kind in ("edge_added", "edge_removed") and event.edge is not None:
            s, t, _k = event.edge
            scope = self._scope
            here = (s in self._nodes and t in self._nodes
                    and s not in self._outside and t not in self._outside
                    and (kind == "edge_removed"
                         or (doc.group_of(s) == scope and doc.group_of(t) == scope)))
            if here and self._scope is None:
                return False
            self._rebuild_later()  # ports, outputs or hidden wires change
            return not here
        return False
