"""Graphics items. They paint and report geometry; they never change the document.

A ``NodeItem`` knows its node id and asks its scene (through ``display()``) what to show:
the document's label/op and the latest evaluation's data and grad. Value nodes are drawn as
draw_dot's records, ``label | data / grad``; op nodes as ``inputs | symbol | data / grad``,
with a short parameter hint in the title (``Σ s axis=0``).
The grad cell is coloured by sign (blue +, orange −) with intensity ``|grad| / max |grad|``.

Tensors never overflow the card: a cell shows the shape and a grid with one coloured square
per element (blue +, orange −; data scaled to the tensor's own largest |value|, grads to the
largest |grad| in the graph, like every grad cell). A vector is one row; more dimensions are
stacked into rows of the last one; a tensor with more than 4 rows or more columns than fit
shows its top-left corner and an ellipsis (``4×16 ▦…``). A tensor's grad cell takes the colour
of its largest-|grad| element (the tooltip says which one). Full values are in the tooltip and
the inspector. ``text_rects()`` reports where each text and grid goes.

The card is split at its seams: what it shows (``card_text``: ``Display``, cells, tooltip),
where things are (``card_geometry``: sizes, ports, text layout) and how it is painted
(``card_paint``; zoomed out, ``card_lod``'s far form: name and data in large type on the grad
colour). This module puts them together in ``NodeItem`` (state, hover, ports) and
keeps exporting the names the rest of the canvas imports from here.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from playground.ui.canvas import scrub_look
from playground.ui.canvas.card_geometry import (
    SLOT_NAME_ROOM,
    CardLayout,
    Geometry,
    geometry,
    measure,
    short_slot_name,
)
from playground.ui.canvas.card_lod import FarLook
from playground.ui.canvas.card_paint import (
    NO_PEN,
    NO_PORT,
    SELECTED_STATE,
    SIMPLE_LOD,
    CardPainting,
    paint_badge,
)
from playground.ui.canvas.card_text import (
    ELLIPSIS,
    GRID_CELL_H,
    GRID_CELL_W,
    GRID_MARK,
    GRID_MIN_W,
    KEY_GAP,
    Cell,
    Display,
    Provider,
    tooltip_lines,
)
from playground.ui.canvas.style import CanvasStyle

__all__ = [
    "ELLIPSIS",
    "GRID_CELL_H",
    "GRID_CELL_W",
    "GRID_MARK",
    "GRID_MIN_W",
    "KEY_GAP",
    "NODE_CACHE",
    "NODE_FLAGS",
    "NODE_Z",
    "NO_CACHE",
    "NO_PEN",
    "NO_PORT",
    "SELECTED_STATE",
    "SIMPLE_LOD",
    "SLOT_NAME_ROOM",
    "CardLayout",
    "Cell",
    "Display",
    "Geometry",
    "NodeItem",
    "PortItem",
    "Provider",
    "geometry",
    "measure",
    "paint_badge",
    "short_slot_name",
]

NODE_Z = 1.0
NODE_FLAGS = (
    QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
)
NODE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
NO_CACHE = QGraphicsItem.CacheMode.NoCache


class PortItem:
    """A port of a node: geometry and state only; its ``NodeItem`` paints it.

    Inputs sit on the node's left edge (one per slot), the output on the right. Ports are not
    graphics items of their own: 10,000 nodes would otherwise mean 30,000 more items to visit
    on every repaint.
    """

    __slots__ = ("index", "node", "slot")

    def __init__(self, node: NodeItem, slot: int | None, index: int = 0) -> None:
        self.node = node
        self.slot = slot
        """The input slot, or None for an output port."""
        self.index = index
        """Which output (a group card has one per output; a node, only 0)."""

    @property
    def key(self) -> int | None:
        """How the card keys this port's state (hover, lit, highlight): the slot of an input,
        ``output_key(index)`` of an output."""
        return output_key(self.index) if self.slot is None else self.slot

    @property
    def source(self) -> str:
        """The document node a wire from this output comes from (a group card: the node
        inside that the port stands for)."""
        return self.node.output_source(self.index)

    @property
    def node_id(self) -> str:
        return self.node.node_id

    @property
    def is_output(self) -> bool:
        return self.slot is None

    @property
    def connected(self) -> bool:
        return self.slot is None or self.slot in self.node.connected

    @property
    def highlight(self) -> str | None:
        return self.node.port_states.get(self.key)

    def pos(self) -> QPointF:
        """Centre, in the node's coordinates."""
        return self.node.port_offset(self.key)

    def scenePos(self) -> QPointF:
        return self.node.pos() + self.node.port_offset(self.key)

    def set_connected(self, connected: bool) -> None:
        self.node.set_slot_connected(self.slot, connected)

    def set_highlight(self, state: str | None) -> None:
        """None, "ok" (a wire may end here) or "bad" (it would be refused)."""
        self.node.set_port_state(self.key, state)

    def __repr__(self) -> str:
        return f"PortItem({self.node_id!r}, {self.slot!r}, {self.index!r})"


def output_key(index: int) -> int | None:
    """A card's key for its output ``index`` in ``port_states``, ``hot_port`` and
    ``lit_ports`` (inputs are keyed by their slot, 0 and up): None for the first output (a
    node's only one), -2, -3, ... for a group card's others (-1 is ``NO_PORT``)."""
    return None if index == 0 else NO_PORT - index


class NodeItem(CardPainting, QGraphicsRectItem):
    """One document node. Its position is the document's ``pos`` (the body's top-left).

    Text layout is ``CardLayout``'s (card_geometry), painting ``CardPainting``'s (card_paint).
    """

    def __init__(
        self,
        node_id: str,
        style: CanvasStyle,
        provider: Provider,
        *,
        kind: str,
        symbol: str,
        label: str,
        slot_names: tuple[str, ...],
        cache: bool = True,
        hint: str = "",
    ) -> None:
        super().__init__()
        self.setPen(NO_PEN)
        self.node_id = node_id
        self.style = style
        self._provider = provider
        self.hovered = False
        self.scrub_hover = False
        """The mouse is over the data number of a value (``scrub.py``: drag it sideways)."""
        self.scrubbing = False
        """That number is being dragged."""
        self.setFlags(NODE_FLAGS)
        # Paint once into a pixmap and blit it until update(): dragging one node then
        # repaints the others from their pixmaps (the scene calls update() on every node
        # when a new evaluation arrives).
        self.setCacheMode(NODE_CACHE if cache else NO_CACHE)
        self.setAcceptHoverEvents(True)
        self.setZValue(NODE_Z)
        self.kind = kind
        self.symbol = symbol
        self.label = label
        self.hint = hint
        self.slot_names = slot_names
        self.connected: set[int] = set()
        """The input slots that are fed."""
        self.port_states: dict[int | None, str] = {}
        """Ports lit while a wire is dragged: slot (None: output) -> "ok" / "bad"."""
        self.hot_port: int | None = NO_PORT
        """The port under the mouse: a slot, None for the output, NO_PORT for none."""
        self.lit_ports: dict[int | None, dict[tuple[str, str, int], str]] = {}
        """Ports lit by a hovered or selected wire: slot -> {wire: "hover" / "selected"}."""
        self.leaves_group = False
        """Inside a group: this node is one of its outputs (tagged "leaves group")."""
        self.input_ports = [PortItem(self, i) for i in range(len(slot_names))]
        self.output_port = PortItem(self, None)
        self._simple: FarLook | None = None
        self._simple_age = 0
        self.painted_form = ""
        """How the last paint drew the card: "card" (its rows), "far" (zoomed out: name and
        data in large type on the grad colour), "colour" (too far for type: the colour only);
        "" before the first paint."""
        self._layout()

    def refresh(self) -> None:
        """What the node shows changed (a new evaluation): repaint, dropping any cache."""
        self._simple = None
        self.update()

    def forget_painting(self) -> None:
        """What the node shows may have changed, but it is not in view: drop the colours
        kept for zoomed-out painting (the scene drops the cached pixmaps), paint nothing."""
        self._simple = None

    # --- geometry ------------------------------------------------------------------------

    def set_info(self, *, symbol: str, label: str, hint: str | None = None) -> None:
        """The document changed what this node says about itself (label, parameters)."""
        hint = self.hint if hint is None else hint
        if (symbol, label, hint) != (self.symbol, self.label, self.hint):
            self.symbol, self.label, self.hint = symbol, label, hint
            self._layout()
        else:
            self.update()

    def _layout(self) -> None:
        geo = self._geo = geometry(
            self.style, self.kind, self.symbol, self.label, self.slot_names, self.hint
        )
        self.body = geo.body
        self.show_slot_names = geo.show_slot_names
        self.shown_slot_names = geo.shown_slot_names
        self._body_path = geo.body_path
        self.setRect(geo.rect)
        if self.scene() is not None:
            self.update()

    def port_offset(self, slot: int | None) -> QPointF:
        return self._geo.output if slot is None else self._geo.inputs[slot]

    def all_ports(self) -> list[PortItem]:
        """Its input ports, then its output ports (a group card has one per output)."""
        return [*self.input_ports, self.output_port]

    def output_source(self, index: int = 0) -> str:
        """The document node whose value leaves by output ``index`` (a node: itself)."""
        return self.node_id

    def output_key(self, index: int) -> int | None:
        return output_key(index)

    def port_at(self, local: QPointF, slack: float = 3.0) -> PortItem | None:
        """The port whose circle (plus ``slack``) holds ``local`` (node coordinates)."""
        r2 = (self.style.port_r + slack) ** 2
        for port in self.all_ports():
            c = self.port_offset(port.key)
            if (c.x() - local.x()) ** 2 + (c.y() - local.y()) ** 2 <= r2:
                return port
        return None

    def set_slot_connected(self, slot: int | None, connected: bool) -> None:
        if slot is None:
            return
        if connected and slot not in self.connected:
            self.connected.add(slot)
            if self.isVisible():
                self.update()
        elif not connected and slot in self.connected:
            self.connected.discard(slot)
            self.update()

    def set_port_state(self, slot: int | None, state: str | None) -> None:
        if self.port_states.get(slot) != state:
            if state is None:
                self.port_states.pop(slot, None)
            else:
                self.port_states[slot] = state
            self.update()

    def light_port(self, slot: int | None, wire: tuple[str, str, int], state: str | None
                   ) -> None:
        """Wire ``wire`` is hovered or selected (``state``), or no more (None)."""
        lit = self.lit_ports.get(slot, {})
        if lit.get(wire) == state:
            return
        if state is None:
            lit.pop(wire, None)
        else:
            lit[wire] = state
        if lit:
            self.lit_ports[slot] = lit
        else:
            self.lit_ports.pop(slot, None)
        self.update()

    def shape(self) -> QPainterPath:
        return self._geo.shape

    def output_anchor(self, index: int = 0) -> QPointF:
        """Where wires leave, in scene coordinates (``index``: a group card's output)."""
        return self.pos() + self._geo.output

    def input_anchor(self, slot: int) -> QPointF:
        return self.pos() + self._geo.inputs[slot]

    def port(self, slot: int | None) -> PortItem:
        return self.output_port if slot is None else self.input_ports[slot]


    # --- what it shows ------------------------------------------------------------------

    def display(self) -> Display:
        return self._provider(self.node_id)

    def display_lines(self) -> list[str]:
        """The text this item paints, top to bottom (for tests and accessibility).

        A tensor cell reads like ``data 2×3 ▦`` (its shape and a grid of squares) or
        ``data 4×16 [[0.1, -2, …`` (its shape and the start of its values)."""
        d = self.display()
        lines = []
        if d.kind == "op":
            lines.append(d.symbol)
        if d.label:
            lines.append(d.label)
        if d.kind == "op" and self.hint:
            lines.append(self.hint)
        data, grad = self.cells(d)
        lines.append(f"data {data.line()}")
        lines.append(f"grad {grad.line()}")
        return lines

    def tooltip_text(self) -> str:
        """Full-precision numbers, and why a result is an error, nan or inf."""
        d = self.display()
        parts = tooltip_lines(d, self.node_id, self.hint)
        if self.scrubbable(d):
            parts.append(scrub_look.TOOLTIP)
        return "\n".join(parts)

    # --- hover ----------------------------------------------------------------------------

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self._track_port(event.pos(), scrub_look.readable(event))
        self.update()

    def hoverMoveEvent(self, event: Any) -> None:
        self._track_port(event.pos(), scrub_look.readable(event))

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self.scrub_hover = False
        self.hot_port = NO_PORT
        self.unsetCursor()
        self.update()

    def _track_port(self, local: QPointF, readable: bool = True) -> None:
        port = self.port_at(local)
        hot = NO_PORT if port is None else port.key
        over_number = (port is None and readable and self.scrub_zone().contains(local)
                       and self.scrubbable())
        if hot != self.hot_port or over_number != self.scrub_hover:
            self.hot_port = hot
            self.scrub_hover = over_number
            if port is not None:
                self.setCursor(Qt.CursorShape.CrossCursor)
            elif over_number:
                self.setCursor(scrub_look.CURSOR)
            else:
                self.unsetCursor()
            self.update()

    # --- the data number that can be dragged (the gesture is in scrub.py) --------------------

    def scrubbable(self, d: Display | None = None) -> bool:
        """A value showing one finite number: drag its data number to change it."""
        d = self.display() if d is None else d
        return (d.kind == "value" and d.error is None and isinstance(d.data, float)
                and math.isfinite(d.data))

    def set_scrubbing(self, on: bool) -> None:
        if on != self.scrubbing:
            self.scrubbing = on
            self.update()
