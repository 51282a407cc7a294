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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from playground.graph import numbers as fmt
from playground.graph.marks import ERROR_MARK, WARNING_MARK
from playground.ui.canvas import scrub
from playground.ui.canvas import slot_names as slot_labels
from playground.ui.canvas import style as S
from playground.ui.canvas.style import (
    GRID_MAX_ROWS,
    CanvasStyle,
    blend,
    clip_preview,
    grad_fill,
    grid_view,
    tensor_pieces,
)

NODE_Z = 1.0
SIMPLE_LOD = 0.4
"""Below this zoom, nodes are painted as plain coloured boxes (no text)."""
KEY_GAP = 6.0
"""Room between the "data"/"grad" key and the value."""
GRID_CELL_W = 12.0
GRID_CELL_H = 8.0
GRID_MIN_W = 6.0
"""Narrowest square: tensors with more columns than fit at this width are clipped."""
ELLIPSIS = "…"
GRID_MARK = "▦"
"""How ``display_lines()`` writes a grid of cells."""


@dataclass(frozen=True)
class Display:
    """What a node shows, from the document and the latest evaluation."""

    kind: str
    symbol: str
    label: str
    data: Any
    grad: Any
    grad_state: str
    """"fresh", "stale" (graph changed since Backward), "none" (no Backward yet) or
    "unreached" (Backward ran but the output does not depend on this node)."""
    grad_value: float | None
    """One number for the colour (see style.grad_scalar)."""
    max_abs: float
    error: str | None = None
    warning: str | None = None
    is_output: bool = False
    hint: str = ""
    """The op's parameters in a few characters (``axis=0``), shown in the title."""
    pending: bool = False
    """``error`` only says an input is not connected yet (here or upstream): the node is
    being built, shown muted ("waiting for input"), not red."""
    waiting: tuple[str, ...] = ()
    """For a pending node, words for its data row, longest first ("needs left, right",
    "needs both", "waiting"): the card shows the first that fits, muted."""

    @property
    def problem(self) -> str | None:
        """The error to show in red: ``error`` unless the node is only waiting for input."""
        return None if self.pending else self.error

    @property
    def data_text(self) -> str:
        return fmt.summary(self.data) if self.error is None else fmt.NONE

    @property
    def grad_text(self) -> str:
        if self.grad is None or self.error is not None:
            return "—"
        return fmt.summary(self.grad)


Provider = Callable[[str], Display]


SLOT_NAME_ROOM = 40.0
"""Slot names are drawn left of their port, in the gap between columns: at most this wide."""


def short_slot_name(st: CanvasStyle, name: str) -> str:
    """``name``, or its first letters and a dot when it would not fit ("exponent" -> "exp.")."""
    if st.text_width(name) <= SLOT_NAME_ROOM:
        return name
    for n in range(len(name) - 1, 0, -1):
        short = name[:n] + "."
        if st.text_width(short) <= SLOT_NAME_ROOM and n <= 4:
            return short
    return name[:1] + "."


class PortItem:
    """A port of a node: geometry and state only; its ``NodeItem`` paints it.

    Inputs sit on the node's left edge (one per slot), the output on the right. Ports are not
    graphics items of their own: 10,000 nodes would otherwise mean 30,000 more items to visit
    on every repaint.
    """

    __slots__ = ("node", "slot")

    def __init__(self, node: NodeItem, slot: int | None) -> None:
        self.node = node
        self.slot = slot
        """The input slot, or None for the output port."""

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
        return self.node.port_states.get(self.slot)

    def pos(self) -> QPointF:
        """Centre, in the node's coordinates."""
        return self.node.port_offset(self.slot)

    def scenePos(self) -> QPointF:
        return self.node.pos() + self.node.port_offset(self.slot)

    def set_connected(self, connected: bool) -> None:
        self.node.set_slot_connected(self.slot, connected)

    def set_highlight(self, state: str | None) -> None:
        """None, "ok" (a wire may end here) or "bad" (it would be refused)."""
        self.node.set_port_state(self.slot, state)

    def __repr__(self) -> str:
        return f"PortItem({self.node_id!r}, {self.slot!r})"


NODE_FLAGS = (
    QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
)
NO_PEN = QPen(Qt.PenStyle.NoPen)
_PENS: dict[Any, Any] = {}
NO_PORT = -1
NODE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
NO_CACHE = QGraphicsItem.CacheMode.NoCache
SELECTED_STATE = QStyle.StateFlag.State_Selected


def _border_pen(colour: QColor) -> QPen:
    key = ("border", colour.rgba())
    pen = _PENS.get(key)
    if pen is None:
        pen = _PENS[key] = QPen(colour, 1.0)
    return pen


@dataclass(frozen=True)
class _Geometry:
    """Everything about a node's shape that depends only on (kind, symbol, label, slots)."""

    body: QRectF
    rect: QRectF
    body_path: QPainterPath
    head_path: QPainterPath
    """The header row, with the body's rounded top corners."""
    grad_path: QPainterPath
    """The grad row, with the body's rounded bottom corners."""
    shape: QPainterPath
    inputs: tuple[QPointF, ...]
    output: QPointF
    show_slot_names: bool
    shown_slot_names: tuple[str, ...]
    """Slot names as drawn (long ones shortened to fit between columns)."""


@dataclass(frozen=True)
class Cell:
    """What one data or grad cell paints: texts right-aligned, maybe a grid of squares."""

    value: str
    """The number, the clipped preview, or "" (grid only)."""
    shape: str = ""
    """A tensor's shape, in the key colour, left of the value or grid."""
    grid: tuple[int, int] | None = None
    """(rows, columns) of squares: the top-left corner of the tensor's ``grid_view``."""
    cell_size: tuple[float, float] = (0.0, 0.0)
    clipped: bool = False
    """The grid shows only part of the tensor (an ellipsis follows it)."""

    def line(self) -> str:
        parts = [p for p in (self.shape, self.value) if p]
        if self.grid is not None:
            parts.append(GRID_MARK + (ELLIPSIS if self.clipped else ""))
        return " ".join(parts) if parts else "—"


def _geometry(
    st: CanvasStyle,
    kind: str,
    symbol: str,
    label: str,
    slot_names: tuple[str, ...],
    hint: str = "",
) -> _Geometry:
    key = ("geometry", kind, symbol, label, slot_names, hint)
    cached = st.cache.get(key)
    if cached is not None:
        return cached
    w, h = NodeItem.measure(st, kind, symbol, label, slot_names, hint)
    body = QRectF(0, 0, w, h)
    # Slot names sit outside, left of their port, above the incoming wire (one-input ops
    # need no name): "a"/"b" take a few pixels, pow's "base"/"exponent" more.
    show = len(slot_names) > 1
    shown = tuple(short_slot_name(st, n) for n in slot_names)
    names_w = max(st.text_width(n) for n in shown) if show else 0.0
    left = 12 + names_w
    # The item's rect is its bounding box (QGraphicsRectItem answers boundingRect in C++,
    # which keeps hit tests and repaints of big scenes fast): room for the ports, the slot
    # names, the output tag above and the warning badge.
    rect = QRectF(-left, -st.tag_h - 8, w + left + 12, h + st.tag_h + 20)
    body_path = QPainterPath()
    body_path.addRoundedRect(body, 5, 5)
    row = st.row_h
    head = QPainterPath()
    head.addRect(QRectF(0, 0, w, row))
    head_path = body_path.intersected(head)
    grad = QPainterPath()
    grad_top = row + (h - row) / 2
    grad.addRect(QRectF(0, grad_top, w, h - grad_top))
    grad_path = body_path.intersected(grad)
    n = len(slot_names)
    # Binary ops: one port beside each of the data and grad rows; unary: between them.
    inputs = tuple(
        QPointF(0.0, row + (h - row) * (i + 0.5) / n if n > 1 else row * 2.0) for i in range(n)
    )
    output = QPointF(w, row * 2.0)
    shape = QPainterPath(body_path)
    r = st.port_r + 3
    for c in (*inputs, output):
        shape.addEllipse(c, r, r)
    shape.setFillRule(Qt.FillRule.WindingFill)
    geo = _Geometry(
        body, rect, body_path, head_path, grad_path, shape, inputs, output, show, shown
    )
    st.cache[key] = geo
    return geo


class NodeItem(QGraphicsRectItem):
    """One document node. Its position is the document's ``pos`` (the body's top-left)."""

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
        self.input_ports = [PortItem(self, i) for i in range(len(slot_names))]
        self.output_port = PortItem(self, None)
        self._simple: tuple[QPen, QBrush] | None = None
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

    @staticmethod
    def measure(
        st: CanvasStyle,
        kind: str,
        symbol: str,
        label: str,
        slot_names: tuple[str, ...],
        hint: str = "",
    ) -> tuple[float, float]:
        """(width, height) of such a node's body: a header row over a data row and a grad row."""
        head = st.text_width(label or "", "bold") + 2 * st.pad
        if kind == "op":
            head += st.text_width(symbol, "symbol_font") + (st.pad if label else 0)
            if hint:
                head += st.pad + st.text_width(hint)
        rows = 1 + max(2, len(slot_names))
        return float(max(st.values_w, math.ceil(head))), float(rows * st.row_h)

    @classmethod
    def size_for(
        cls,
        st: CanvasStyle,
        kind: str,
        symbol: str,
        label: str,
        slot_names: tuple[str, ...],
        hint: str = "",
    ) -> tuple[float, float]:
        return cls.measure(st, kind, symbol, label, slot_names, hint)

    def _layout(self) -> None:
        geo = self._geo = _geometry(
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

    def port_at(self, local: QPointF, slack: float = 3.0) -> PortItem | None:
        """The port whose circle (plus ``slack``) holds ``local`` (node coordinates)."""
        r2 = (self.style.port_r + slack) ** 2
        for port in (*self.input_ports, self.output_port):
            c = self.port_offset(port.slot)
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

    def shape(self) -> QPainterPath:
        return self._geo.shape

    def output_anchor(self) -> QPointF:
        """Where wires leave, in scene coordinates."""
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

    # --- layout of the texts ----------------------------------------------------------------

    def _key_x(self) -> float:
        return self.style.pad + (self.style.port_r if self.input_ports else 0.0)

    def value_room(self) -> float:
        """How wide a data or grad value may be: from after the key to the right padding."""
        st = self.style
        return self.body.width() - self._key_x() - st.key_w - KEY_GAP - st.pad

    def cells(self, d: Display | None = None) -> tuple[Cell, Cell]:
        """What the data and the grad cells show, fitted to ``value_room()``."""
        d = self.display() if d is None else d
        data = None if d.error is not None else d.data
        grad = None if d.error is not None else d.grad
        if d.pending and d.waiting:  # "needs right" in place of a number, muted
            room = self.value_room()
            words = next((w for w in d.waiting if self.style.text_width(w) <= room),
                         d.waiting[-1])
            return Cell(words), self._cell(grad)
        return self._cell(data), self._cell(grad)

    def _cell(self, x: Any) -> Cell:
        if x is None:
            return Cell("—")
        if not isinstance(x, np.ndarray):
            return Cell(fmt.number(x))
        if x.size == 1:
            return Cell(fmt.number(x.reshape(-1)[0]))
        st = self.style
        room = self.value_room()
        shape = fmt.shape(x)
        if x.size == 0:
            return self._fit_shape(f"{shape} empty", room)
        shape_w = st.text_width(shape)
        view = grid_view(x)
        if view is not None:
            n_rows, n_cols = view.shape
            rows = min(n_rows, GRID_MAX_ROWS)
            avail = room - shape_w - KEY_GAP
            cw = min(GRID_CELL_W, math.floor(avail / n_cols))
            cols = n_cols
            if cw < GRID_MIN_W:
                cw = GRID_MIN_W
                cols = math.floor((avail - st.text_width(ELLIPSIS) - 2) / cw)
            ch = min(GRID_CELL_H, math.floor((st.row_h - 7) / rows))
            if cols >= 1:
                clipped = rows < n_rows or cols < n_cols
                return Cell("", shape, (rows, cols), (float(cw), float(ch)), clipped)
        preview = clip_preview(tensor_pieces(x), room - shape_w - st.text_width(" "),
                               st.text_width)
        if preview:
            return Cell(preview, shape)
        return self._fit_shape(shape, room)

    def _fit_shape(self, text: str, room: float) -> Cell:
        st = self.style
        if st.text_width(text) > room:
            text = st.fm.elidedText(text, Qt.TextElideMode.ElideRight, room)
        return Cell("", text)

    def text_rects(self, d: Display | None = None) -> list[tuple[str, QRectF]]:
        """Every text (and grid) this item paints inside its card, with the rectangle it
        takes in item coordinates, as measured with the canvas fonts. Tests check these
        stay inside ``body``; ``paint`` draws at the same places."""
        d = self.display() if d is None else d
        st = self.style
        row = float(st.row_h)
        out: list[tuple[str, QRectF]] = []
        for text, rect, _which in self._head_layout(d):
            out.append((text, rect))
        for key, cell, top in zip(("data", "grad"), self.cells(d), self._row_tops(), strict=True):
            out.append((key, QRectF(self._key_x(), top, st.key_w, row)))
            for text, rect in self._cell_layout(cell, top):
                out.append((text, rect))
        return out

    def _row_tops(self) -> tuple[float, float]:
        row = float(self.style.row_h)
        h = self.body.height()
        return row, row + (h - row) / 2

    def _row_height(self) -> float:
        return (self.body.height() - self.style.row_h) / 2

    def _head_layout(self, d: Display) -> list[tuple[str, QRectF, str]]:
        """(text, rect, font) of the title: an op's symbol, label and hint; a value's label."""
        st = self.style
        row = float(st.row_h)
        w = self.body.width()
        if d.kind != "op":
            text = d.label or self.node_id
            tw = st.text_width(text, "bold")
            return [(text, QRectF((w - tw) / 2, 0, tw, row), "bold")]
        hint = self.hint
        parts = [(d.symbol, "symbol_font")]
        if d.label:
            parts.append((d.label, "bold"))
        if hint:
            parts.append((hint, "font"))
        widths = [st.text_width(t, f) for t, f in parts]
        total = sum(widths) + st.pad * (len(parts) - 1)
        x = (w - total) / 2
        out = []
        for (text, font), tw in zip(parts, widths, strict=True):
            out.append((text, QRectF(x, 0, tw, row), font))
            x += tw + st.pad
        return out

    def _cell_layout(self, cell: Cell, top: float) -> list[tuple[str, QRectF]]:
        """(text, rect) right-aligned in a row: the shape, then the value or the grid."""
        st = self.style
        h = self._row_height()
        right = self.body.width() - st.pad
        out: list[tuple[str, QRectF]] = []
        if cell.grid is not None:
            rows, cols = cell.grid
            cw, ch = cell.cell_size
            gw, gh = cols * cw, rows * ch
            if cell.clipped:
                ew = st.text_width(ELLIPSIS)
                out.append((ELLIPSIS, QRectF(right - ew, top, ew, h)))
                right -= ew + 2
            out.append((GRID_MARK, QRectF(right - gw, top + (h - gh) / 2, gw, gh)))
            right -= gw + KEY_GAP
        elif cell.value:
            vw = st.text_width(cell.value)
            out.append((cell.value, QRectF(right - vw, top, vw, h)))
            right -= vw + st.text_width(" ")
        if cell.shape:
            sw = st.text_width(cell.shape)
            out.append((cell.shape, QRectF(right - sw, top, sw, h)))
        return out

    def tooltip_text(self) -> str:
        """Full-precision numbers, and why a result is an error, nan or inf."""
        d = self.display()
        name = d.label or d.symbol or self.node_id
        parts = []
        if d.pending:
            parts.append(f"{name} is waiting for input: {d.error}")
        elif d.error:
            parts.append(f"{ERROR_MARK} {name}: {d.error}")
        elif d.warning:
            parts.append(f"{WARNING_MARK} {name}: {d.warning}")
        head = f"{name} = {d.symbol}(…)" if d.kind == "op" and d.label else name
        if d.kind == "op" and self.hint:
            head += f"   [{self.hint}]"
        if not d.error:
            parts.append(f"{head}\ndata{_shape_note(d.data)} = {_full(d.data)}")
            if d.grad_state in ("fresh", "stale") and d.grad is not None:
                stale = ""
                if d.grad_state == "stale":
                    stale = " (stale: the graph changed, press Backward)"
                parts.append(f"grad{_shape_note(d.grad)} = {_full(d.grad)}{stale}")
                parts.extend(_tensor_colour_note(d.grad))
            elif d.grad_state == "unreached":
                parts.append("grad: none, the output does not depend on this node")
            else:
                parts.append("grad: press Backward to compute it")
        if d.is_output:
            parts.append("This is the output: Backward starts here (grad = 1).")
        if self.scrubbable(d):
            parts.append(scrub.TOOLTIP)
        return "\n".join(parts)

    # --- painting -----------------------------------------------------------------------

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self._track_port(event.pos(), scrub.readable(event))
        self.update()

    def hoverMoveEvent(self, event: Any) -> None:
        self._track_port(event.pos(), scrub.readable(event))

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self.scrub_hover = False
        self.hot_port = NO_PORT
        self.unsetCursor()
        self.update()

    def _track_port(self, local: QPointF, readable: bool = True) -> None:
        port = self.port_at(local)
        hot = NO_PORT if port is None else port.slot
        over_number = (port is None and readable and self.scrub_zone().contains(local)
                       and self.scrubbable())
        if hot != self.hot_port or over_number != self.scrub_hover:
            self.hot_port = hot
            self.scrub_hover = over_number
            if port is not None:
                self.setCursor(Qt.CursorShape.CrossCursor)
            elif over_number:
                self.setCursor(scrub.CURSOR)
            else:
                self.unsetCursor()
            self.update()

    # --- the data number that can be dragged (the gesture is in scrub.py) --------------------

    def scrubbable(self, d: Display | None = None) -> bool:
        """A value showing one finite number: drag its data number to change it."""
        d = self.display() if d is None else d
        return (d.kind == "value" and d.error is None and isinstance(d.data, float)
                and math.isfinite(d.data))

    def scrub_zone(self) -> QRectF:
        """Where a press grabs the number: the data row right of its key (item coordinates)."""
        left = self._key_x() + self.style.key_w
        return QRectF(left, self._row_tops()[0], self.body.width() - left, self._row_height())

    def set_scrubbing(self, on: bool) -> None:
        if on != self.scrubbing:
            self.scrubbing = on
            self.update()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        selected = option.state & SELECTED_STATE
        if option.levelOfDetailFromTransform(painter.worldTransform()) < SIMPLE_LOD:
            # Zoomed out, text is unreadable anyway: a box in the grad colour, cheaply.
            simple = self._simple
            if simple is None:
                d = self.display()
                simple = self._simple = (
                    _border_pen(self._border_colour(d)), QBrush(self._grad_colour(d))
                )
            painter.setPen(simple[0])
            painter.setBrush(S.SELECTED if selected else simple[1])
            painter.drawRect(self.body)
            return

        d = self.display()
        st = self.style
        body = self.body
        grad_colour = self._grad_colour(d)
        row = float(st.row_h)
        w = body.width()

        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(S.SELECTED)
            painter.drawRoundedRect(body.adjusted(-4, -4, 4, 4), 8, 8)

        data_rect = QRectF(0, row, w, (body.height() - row) / 2)
        grad_rect = QRectF(0, data_rect.bottom(), w, body.height() - data_rect.bottom())

        # Cell fills, clipped to the rounded body.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(S.WHITE)
        painter.drawPath(self._body_path)
        painter.setBrush(S.OP_FILL if d.kind == "op" else S.LABEL_FILL)
        painter.drawPath(self._geo.head_path)
        if grad_colour != S.WHITE:
            painter.setBrush(grad_colour)
            painter.drawPath(self._geo.grad_path)
        scrubbable = (self.hovered or self.scrubbing) and self.scrubbable(d)
        if scrubbable:
            cell = self.cells(d)[0]
            number = next((r for t, r in self._cell_layout(cell, row) if t == cell.value), None)
            scrub.paint_hint(painter, self, data_rect, number)
        painter.setPen(QPen(S.CELL_LINE, 1.0))
        painter.drawLine(QPointF(0, row), QPointF(w, row))
        painter.drawLine(QPointF(0, grad_rect.top()), QPointF(w, grad_rect.top()))

        # Header: a value's label; an op's symbol, then its label, then its parameter hint.
        centre = Qt.AlignmentFlag.AlignCenter
        pens = {"symbol_font": S.OP_TEXT, "bold": S.TEXT, "font": S.KEY_TEXT}
        for text, rect, font in self._head_layout(d):
            painter.setFont(getattr(st, font))
            pen = pens[font]
            if d.kind != "op" and not d.label:
                pen = S.KEY_TEXT  # a value without a label shows its id, greyed
            painter.setPen(pen)
            painter.drawText(rect.adjusted(0, 0, 1, 0), centre, text)
        if d.kind == "op":
            slot_labels.paint(painter, self, bool(selected))  # open ports; all on hover

        # data / grad rows: key on the left, value right-aligned (decimals line up); a
        # tensor's shape left of its value or of its grid of squares.
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        key_x = self._key_x()  # clear of the input ports
        painter.setFont(st.font)
        painter.setPen(S.KEY_TEXT)
        painter.drawText(data_rect.adjusted(key_x, 0, 0, 0), left, "data")
        filled = grad_colour != S.WHITE and grad_colour != S.STALE_FILL
        if filled:
            painter.setPen(S.KEY_ON_FILL)
        painter.drawText(grad_rect.adjusted(key_x, 0, 0, 0), left, "grad")
        data_cell, grad_cell = self.cells(d)
        fresh = d.grad_state == "fresh" and d.grad is not None
        data_pen = S.ERROR if d.problem or d.warning else (
            S.KEY_TEXT if d.pending else S.TEXT)
        if scrubbable:
            data_pen = scrub.value_pen(self, data_pen)
        self._paint_cell(painter, data_cell, data_rect.top(), d.data, data_pen, None)
        self._paint_cell(painter, grad_cell, grad_rect.top(), d.grad,
                         S.TEXT if fresh else S.STALE_TEXT,
                         (d.max_abs, fresh, S.KEY_ON_FILL if filled else S.KEY_TEXT))

        # Border: output thick and dark, errors red, hover darker.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        width = 2.6 if d.is_output else (2.0 if self.hovered else 1.2)
        colour = self._border_colour(d)
        if self.hovered and not d.error:
            colour = colour.darker(150)
        painter.setPen(QPen(colour, width))
        painter.drawPath(self._body_path)

        self._paint_ports(painter)
        if d.is_output:
            self._paint_output_tag(painter)
        if d.problem or d.warning:  # a node waiting for input is being built: no badge
            paint_badge(painter, QPointF(body.right() - 2, body.top() + 1),
                        error=bool(d.problem))

    def _paint_cell(self, painter: QPainter, cell: Cell, top: float, x: Any, pen: QColor,
                    grad: tuple[float, bool, QColor] | None) -> None:
        """One data or grad cell. ``grad`` is (max |grad|, fresh, shape colour) for the grad
        cell: its squares use the graph-wide grad scale (grey when stale); data squares are
        scaled to the tensor's own largest |value|."""
        vc = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        for text, rect in self._cell_layout(cell, top):
            if text == GRID_MARK and cell.grid is not None:
                self._paint_grid(painter, rect, cell, x, grad)
                continue
            is_value = text == cell.value or text == ELLIPSIS
            painter.setPen(pen if is_value else (grad[2] if grad else S.KEY_TEXT))
            painter.drawText(rect.adjusted(0, 0, 1, 0), vc, text)

    def _paint_grid(self, painter: QPainter, rect: QRectF, cell: Cell, x: Any,
                    grad: tuple[float, bool, QColor] | None) -> None:
        rows, cols = cell.grid  # type: ignore[misc]
        cw, ch = cell.cell_size
        whole = grid_view(np.asarray(x, dtype=float))
        assert whole is not None
        values = whole[:rows, :cols]
        if grad is None:
            with np.errstate(invalid="ignore"):
                finite = np.abs(whole[np.isfinite(whole)])
            scale = float(finite.max()) if finite.size else 0.0
            stale = False
        else:
            scale, fresh, _ = grad
            stale = not fresh
        # A white frame and grey lines: the squares read on any cell colour.
        painter.setPen(QPen(S.BORDER, 1.0))
        painter.setBrush(S.WHITE)
        painter.drawRect(rect.adjusted(-1.5, -1.5, 0.5, 0.5))
        for i in range(rows):
            for j in range(cols):
                v = float(values[i, j])
                if stale:
                    t = abs(v) / scale if scale > 0 and math.isfinite(v) else 0.0
                    colour = blend(S.WHITE, S.STALE_TEXT, 0.15 + 0.5 * min(t, 1.0))
                elif not math.isfinite(v):
                    colour = S.WARNING
                else:
                    colour = grad_fill(v, scale)
                painter.fillRect(
                    QRectF(rect.left() + j * cw, rect.top() + i * ch, cw - 1, ch - 1), colour
                )

    def _paint_ports(self, painter: QPainter) -> None:
        r = self.style.port_r
        pens = _port_pens()
        for port in (*self.input_ports, self.output_port):
            slot = port.slot
            state = self.port_states.get(slot)
            if state is not None:
                key = state
            elif self.hot_port == slot:
                key = "hot"
            elif slot is None or slot in self.connected:
                key = "full"
            else:
                key = "empty"
            pen, brush = pens[key]
            painter.setPen(pen)
            painter.setBrush(brush)
            rr = r + 1.5 if key in ("hot", "ok", "bad") else r
            painter.drawEllipse(self.port_offset(slot), rr, rr)

    def _border_colour(self, d: Display) -> QColor:
        if d.problem:
            return S.ERROR
        return S.OUTPUT if d.is_output else S.BORDER

    def _grad_colour(self, d: Display) -> QColor:
        if d.error or d.grad is None:
            return S.WHITE
        if d.grad_state == "stale":
            return S.STALE_FILL
        return grad_fill(d.grad_value, d.max_abs)

    def _paint_output_tag(self, painter: QPainter) -> None:
        st = self.style
        text = "output"
        w = st.text_width(text, "bold") + 2 * st.pad
        rect = QRectF(0, -st.tag_h - 3, w, st.tag_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(S.OUTPUT)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setFont(st.bold)
        painter.setPen(S.WHITE)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def paint_badge(painter: QPainter, centre: QPointF, *, error: bool, size: float = 9.0) -> None:
    """A red disc (error) or an amber triangle (nan/inf warning) with an exclamation mark."""
    painter.save()
    painter.setPen(QPen(QColor("#ffffff"), 1.5))
    if error:
        painter.setBrush(S.ERROR)
        painter.drawEllipse(centre, size, size)
    else:
        painter.setBrush(S.WARNING)
        tri = QPolygonF(
            [
                QPointF(centre.x(), centre.y() - size * 1.05),
                QPointF(centre.x() + size * 1.1, centre.y() + size * 0.85),
                QPointF(centre.x() - size * 1.1, centre.y() + size * 0.85),
            ]
        )
        painter.drawPolygon(tri)
    painter.setPen(QPen(QColor("#ffffff") if error else QColor("#000000"), 2.0))
    painter.drawLine(
        QPointF(centre.x(), centre.y() - size * 0.5), QPointF(centre.x(), centre.y() + size * 0.15)
    )
    painter.drawPoint(QPointF(centre.x(), centre.y() + size * 0.5))
    painter.restore()


def _full(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size <= 1:
        return fmt.full(x.reshape(-1)[0]) if x.size else "[]"
    return fmt.full(x, line_width=100)  # every value up to 1,000 (the inspector shows all)


def _shape_note(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size > 1:
        return f" ({fmt.shape(x)})"
    return ""


def _tensor_colour_note(g: Any) -> list[str]:
    """For a tensor grad: which element gives the cell its colour, and what the squares are."""
    if not isinstance(g, np.ndarray) or g.size <= 1:
        return []
    flat = np.abs(g.reshape(-1))
    if np.all(np.isnan(flat)):
        return []
    i = int(np.nanargmax(flat))
    where = ", ".join(map(str, np.unravel_index(i, g.shape)))
    lines = [f"grad colour: the element with the largest |grad|, "
             f"{fmt.number(g.reshape(-1)[i])} at [{where}]"]
    lines.append("squares: one per element, blue +, orange −")
    return lines


def _port_pens() -> dict[str, tuple[QPen, QBrush]]:
    pens = _PENS.get("ports")
    if pens is None:
        pens = _PENS["ports"] = {
            "ok": (QPen(S.WIRE_OK.darker(130), 2.0), QBrush(S.WIRE_OK)),
            "bad": (QPen(S.WIRE_BAD.darker(130), 2.0), QBrush(S.WIRE_BAD)),
            "hot": (QPen(S.BORDER, 1.6), QBrush(S.SELECTED)),
            "full": (QPen(S.BORDER, 1.2), QBrush(S.BORDER)),
            "empty": (QPen(S.BORDER, 1.4), QBrush(S.WHITE)),
        }
    return pens


