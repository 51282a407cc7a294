"""Wiring by mouse: drag from an output to an input (or back), with a live preview.

Dropping on a port, or on a node's body (its first free input), connects; a filled input is
replaced in one undo step. Dragging from a fed input picks its wire up: drop it on another
input to move it, on empty space to unplug it. A refusal (``doc.connect_refusal``) lights the
target red while dragging; on release it is said in a bubble at the port (``scene.say``: the
status bar too); nothing is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF

from playground.ui.canvas.edges import WireItem
from playground.ui.canvas.items import PortItem
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
        if port.is_output:
            drag = WireDrag(port, node.output_anchor(), True, preview, source=port.node_id)
        else:
            slot = port.slot
            assert slot is not None
            fed = sc.doc.input_of(port.node_id, slot)
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
            else:
                drag = WireDrag(port, node.input_anchor(slot), False, preview,
                                 target=(port.node_id, slot))
        drag.press = QPointF(pos)
        self.drag = drag
        sc.addItem(preview)
        self.move(pos)

    def candidate(
        self, pos: QPointF
    ) -> tuple[tuple[str, str, int] | None, str | None, PortItem | None]:
        """What releasing the wire at ``pos`` would connect: (edge, refusal, port to light)."""
        sc = self.scene
        w = self.drag
        assert w is not None
        doc = sc.doc
        if w.forward:
            assert w.source is not None
            port = sc.port_near(pos, want_output=False)
            if port is not None:
                assert port.slot is not None
                target, slot = port.node_id, port.slot
            else:
                node = sc.node_at(pos)
                if node is None:
                    return None, None, None
                target = node.node_id
                if w.picked is not None and target == w.picked[1]:
                    return None, None, None
                if doc.kind(target) != "op":
                    return (w.source, target, 0), doc.connect_refusal(w.source, target, 0), None
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
            return edge, doc.connect_refusal(w.source, target, slot, replace=True), port
        assert w.target is not None
        target, slot = w.target
        port = sc.port_near(pos, want_output=True)
        if port is None:
            node = sc.node_at(pos)
            if node is None:
                return None, None, None
            port = node.output_port
        edge = (port.node_id, target, slot)
        return edge, doc.connect_refusal(port.node_id, target, slot, replace=True), port

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
