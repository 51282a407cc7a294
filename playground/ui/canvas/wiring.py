"""Wiring by mouse: drag from an output to an input (or back), with a live preview.

Dropping on a port, or on a node's body (its first free input), connects; a filled input is
replaced in one undo step. Dragging from a fed input picks its wire up: drop it on another
input to move it, on empty space to unplug it. A refusal (``doc.connect_refusal``) lights the
target red while dragging; on release it is said in a bubble at the port (``scene.say``: the
status bar too); nothing is made.

A closed group's card (group_card.py) wires like a card too:

- its output port ``i`` is the node inside that it stands for (``output_ids[i]``): a wire
  from it (or dropped on it, from an input) is that node's;
- its input port for an outside node ``n``: a wire from ``x`` dropped on it (or dragged from
  it to ``x``'s output) feeds the port from ``x`` instead, every wire from ``n`` into the
  group at once (``Editor.feed_group_input``, one undo step);
- its body takes no wire: which node inside should take it is the learner's choice, so the
  bubble says how (a port, or opening/ungrouping the group). Nor does it take a wire picked
  up from an input, nor, from an input, a drop on the body of a card with several outputs.

Inside an open group, an outside input's dimmed card (group_card.py) is read-only: its output
port starts a wire, but a wire dropped on its body is refused in words, never connected.

A wire that has no cycle in the flat graph can still close a loop among the cards shown (a
group's output into a card that feeds the group): refused too (``doc.level_loop_refusal``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF

from playground.ui.canvas.edges import WireItem
from playground.ui.canvas.group_card import is_group_card, is_outside_card
from playground.ui.canvas.items import NodeItem, PortItem
from playground.ui.canvas.tool_scene import WiringScene

CLICK_SLOP = 4.0
"""A press and release closer than this (pixels of scene) is a click, not a wire."""


@dataclass
class WireDrag:
    origin: PortItem
    fixed: QPointF
    """The anchored end of the preview."""
    forward: bool
    """True: dragging from an output (or a picked-up wire) towards an input."""
    preview: WireItem
    source: str | None = None
    target: tuple[str, int] | None = None
    picked: tuple[str, str, int] | None = None
    press: QPointF = field(default_factory=QPointF)
    hot: list[PortItem] = field(default_factory=list)
    refusals: dict[tuple[str, str, int], str | None] = field(default_factory=dict)
    """Each candidate's refusal, found once per drag (the mouse moves over it many times)."""


class WireTool:
    """The wire gesture of one scene: ``start`` on press, ``move``, ``finish`` on release."""

    def __init__(self, scene: WiringScene) -> None:
        self.scene = scene
        self.drag: WireDrag | None = None

    @property
    def active(self) -> bool:
        return self.drag is not None

    def start(self, port: PortItem, pos: QPointF) -> None:
        sc = self.scene
        preview = WireItem()
        node = sc.node_map[port.node_id]
        if port.is_output:  # a group card's: the node inside it stands for
            drag = WireDrag(port, node.output_anchor(port.index), True, preview,
                            source=port.source)
        else:
            slot = port.slot
            assert slot is not None
            fed = None if is_group_card(node) else sc.doc.input_of(port.node_id, slot)
            if fed is not None:  # pick up the wire that feeds this input
                edge = sc.edge_item(fed, port.node_id, slot)
                # drawn from the card standing for the source (a group card's output port)
                src_item = sc.node_map[edge.from_id] if edge is not None else None
                start = (src_item.output_anchor(edge.from_port) if src_item is not None
                         else node.input_anchor(slot))
                drag = WireDrag(port, start, True, preview, source=fed,
                                 picked=(fed, port.node_id, slot))
                if edge is not None:
                    edge.setVisible(False)
            else:  # an empty input, or a group card's input port: towards an output
                drag = WireDrag(port, node.input_anchor(slot), False, preview,
                                 target=(port.node_id, slot))
        drag.press = QPointF(pos)
        self.drag = drag
        sc.addItem(preview)
        self.move(pos)

    def candidate(
        self, pos: QPointF
    ) -> tuple[tuple[str, str, int] | None, str | None, PortItem | None]:
        """What releasing the wire at ``pos`` would connect: (edge, refusal, port to light).
        An edge into a group card (its id as the target) feeds that input port instead."""
        sc = self.scene
        w = self.drag
        assert w is not None
        doc = sc.doc
        if w.forward:
            assert w.source is not None
            port = sc.port_near(pos, want_output=False)
            node = port.node if port is not None else sc.node_at(pos)
            if node is not None and is_outside_card(node):  # it has no input ports
                name = doc.display_name(node.node_id)
                return None, (f"{name} is outside this group and read-only here: go up a "
                              f"level (Alt+Up) to wire into {name}"), None
            if node is not None and is_group_card(node) and (
                    port is None or w.picked is not None):
                return None, self._group_body_refusal(node, w.source), port
            if port is not None:
                assert port.slot is not None
                target, slot = port.node_id, port.slot
            else:
                if node is None:
                    return None, None, None
                target = node.node_id
                if w.picked is not None and target == w.picked[1]:
                    return None, None, None
                if doc.kind(target) != "op":
                    edge = (w.source, target, 0)
                    return edge, self.refusal(edge), None
                free = [i for i, s in enumerate(doc.inputs(target)) if s is None]
                if not free:
                    name = doc.display_name(target)
                    return None, (f"every input of {name} is connected: drop the wire on an "
                                  "input to replace what feeds it"), None
                slot = free[0]
                port = node.port(slot)
            edge = (w.source, target, slot)
            if w.picked is not None and edge == w.picked:
                return edge, None, port
            return edge, self.refusal(edge), port
        assert w.target is not None
        target, slot = w.target
        port = sc.port_near(pos, want_output=True)
        if port is None:
            node = sc.node_at(pos)
            if node is None:
                return None, None, None
            if is_group_card(node) and len(node.all_ports()) - len(node.input_ports) > 1:
                name = doc.display_name(node.node_id)
                return None, (f"{name} has several outputs: drop the wire on the output port "
                              "that should feed it"), None
            port = node.output_port
        edge = (port.source, target, slot)
        return edge, self.refusal(edge), port

    def refusal(self, edge: tuple[str, str, int]) -> str | None:
        """Why ``edge`` would be refused (into a group card: feeding that input port from
        its source), found once per drag."""
        w = self.drag
        assert w is not None
        if edge not in w.refusals:
            sc, (source, target, slot) = self.scene, edge
            doc = sc.doc
            card = sc.node_map.get(target)
            if doc.is_group(source):  # a group none of whose values leaves it
                w.refusals[edge] = (f"no value leaves {doc.display_name(source)} (none of its "
                                    "nodes is an output): ungroup it (Ctrl+Shift+G) to wire "
                                    "from a node inside")
            elif card is not None and is_group_card(card):
                old = self._port_source(card, slot)
                w.refusals[edge] = doc.group_input_refusal(target, old, source)
            else:
                w.refusals[edge] = (doc.connect_refusal(source, target, slot, replace=True)
                                    or doc.level_loop_refusal(source, target, sc.scope))
        return w.refusals[edge]

    @staticmethod
    def _port_source(card: NodeItem, slot: int) -> str:
        ids = getattr(card, "input_ids", ())
        return ids[slot] if slot < len(ids) else ""

    def _group_body_refusal(self, card: NodeItem, source: str) -> str:
        """A wire dropped on a closed group's body (or a picked-up wire on its port): which
        node inside should take it is not the canvas's guess. Says what will do it."""
        doc = self.scene.doc
        name, src = doc.display_name(card.node_id), doc.display_name(source)
        if source in getattr(card, "input_ids", ()):
            return (f"{name} is closed: open it (double-click) and wire {src} to the node "
                    "inside that should take it")
        ask = f"{name} is closed, so it cannot tell which node inside should take {src}. "
        drag = self.drag
        if card.input_ports and drag is not None and drag.picked is None:
            return (ask + f"Drop the wire on one of its input ports to feed that port from "
                    f"{src} instead, or ungroup it (Ctrl+Shift+G) to wire inside it")
        return ask + f"Ungroup it (Ctrl+Shift+G), wire {src} inside, then group again (Ctrl+G)"

    def move(self, pos: QPointF) -> None:
        w = self.drag
        assert w is not None
        edge, reason, port = self.candidate(pos)
        for p in w.hot:
            p.set_highlight(None)
        w.hot = []
        state = None
        end = QPointF(pos)
        if edge is not None:
            state = "bad" if reason else "ok"
            if port is not None:
                port.set_highlight(state)
                w.hot.append(port)
                if not reason:
                    end = port.scenePos()
        elif reason:
            state = "bad"
        w.preview.set_state(state)
        if w.forward:
            w.preview.set_ends(w.fixed, end)
        else:
            w.preview.set_ends(end, w.fixed)

    def finish(self, pos: QPointF) -> None:
        sc = self.scene
        w = self.drag
        assert w is not None
        moved = (pos - w.press).manhattanLength() > CLICK_SLOP
        edge, reason, port = self.candidate(pos)
        self.cancel()
        if not moved:
            return
        doc = sc.doc
        at = port.scenePos() if port is not None else pos  # the bubble points at the port
        if edge is None:
            if reason:
                sc.say(reason, at)
            elif w.picked is not None:  # a picked-up wire dropped on empty space: unplug it
                sc.editor.disconnect(w.picked[1], w.picked[2])
            return
        if reason:
            sc.say(reason, at)
            return
        if w.picked is not None:
            if edge == w.picked:
                return
            sc.editor.move_wire(w.picked, edge)
            return
        card = sc.node_map.get(edge[1])
        if card is not None and is_group_card(card):
            old = self._port_source(card, edge[2])
            if old != edge[0]:
                sc.editor.feed_group_input(edge[1], old, edge[0])
            return
        if doc.input_of(edge[1], edge[2]) == edge[0]:
            return  # already wired like that
        sc.editor.connect(*edge)

    def cancel(self) -> None:
        sc = self.scene
        w = self.drag
        if w is None:
            return
        self.drag = None
        for p in w.hot:
            p.set_highlight(None)
        if w.picked is not None:
            edge = sc.edge_item(*w.picked)
            if edge is not None:  # zoomed far out, the overview draws it instead
                edge.setVisible(not sc.overview)
        if w.preview.scene() is sc:
            sc.removeItem(w.preview)
