"""Graphics items. They paint and report geometry; they never change the document.

A ``NodeItem`` knows its node id and asks its scene (through ``display()``) what to show:
the document's label/op and the latest evaluation's data and grad. Value nodes are drawn as
draw_dot's records, ``label | data / grad``; op nodes as ``inputs | symbol | data / grad``.
The grad cell is coloured by sign (blue +, orange −) with intensity ``|grad| / max |grad|``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

from playground.ui.canvas import style as S
from playground.ui.canvas.style import CanvasStyle, format_data, grad_fill

NODE_Z = 1.0
SIMPLE_LOD = 0.4
"""Below this zoom, nodes are painted as plain coloured boxes (no text)."""


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

    @property
    def data_text(self) -> str:
        return format_data(self.data) if self.error is None else "—"

    @property
    def grad_text(self) -> str:
        if self.grad is None or self.error is not None:
            return "—"
        return format_data(self.grad)


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


def _geometry(
    st: CanvasStyle, kind: str, symbol: str, label: str, slot_names: tuple[str, ...]
) -> _Geometry:
    key = ("geometry", kind, symbol, label, slot_names)
    cached = st.cache.get(key)
    if cached is not None:
        return cached
    w, h = NodeItem.measure(st, kind, symbol, label, slot_names)
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
    ) -> None:
        super().__init__()
        self.setPen(NO_PEN)
        self.node_id = node_id
        self.style = style
        self._provider = provider
        self.hovered = False
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

    # --- geometry ------------------------------------------------------------------------

    def set_info(self, *, symbol: str, label: str) -> None:
        """The document changed what this node says about itself (label)."""
        if (symbol, label) != (self.symbol, self.label):
            self.symbol, self.label = symbol, label
            self._layout()
        else:
            self.update()

    @staticmethod
    def measure(
        st: CanvasStyle, kind: str, symbol: str, label: str, slot_names: tuple[str, ...]
    ) -> tuple[float, float]:
        """(width, height) of such a node's body: a header row over a data row and a grad row."""
        head = st.text_width(label or "", "bold") + 2 * st.pad
        if kind == "op":
            head += st.text_width(symbol, "symbol_font") + (st.pad if label else 0)
        rows = 1 + max(2, len(slot_names))
        return float(max(st.values_w, math.ceil(head))), float(rows * st.row_h)

    @classmethod
    def size_for(
        cls, st: CanvasStyle, kind: str, symbol: str, label: str, slot_names: tuple[str, ...]
    ) -> tuple[float, float]:
        return cls.measure(st, kind, symbol, label, slot_names)

    def _layout(self) -> None:
        geo = self._geo = _geometry(
            self.style, self.kind, self.symbol, self.label, self.slot_names
        )
        self.body = geo.body
        self.show_slot_names = geo.show_slot_names
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
        """The text this item paints, top to bottom (for tests and accessibility)."""
        d = self.display()
        lines = []
        if d.kind == "op":
            lines.append(d.symbol)
        if d.label:
            lines.append(d.label)
        lines.append(f"data {d.data_text}")
        lines.append(f"grad {d.grad_text}")
        return lines

    def tooltip_text(self) -> str:
        """Full-precision numbers, and why a result is an error, nan or inf."""
        d = self.display()
        name = d.label or d.symbol or self.node_id
        parts = []
        if d.error:
            parts.append(f"⛔ {name}: {d.error}")
        elif d.warning:
            parts.append(f"⚠ {name}: {d.warning}")
        head = f"{name} = {d.symbol}(…)" if d.kind == "op" and d.label else name
        if not d.error:
            parts.append(f"{head}\ndata = {_full(d.data)}")
            if d.grad_state in ("fresh", "stale") and d.grad is not None:
                stale = ""
                if d.grad_state == "stale":
                    stale = " (stale: the graph changed, press Backward)"
                parts.append(f"grad = {_full(d.grad)}{stale}")
            elif d.grad_state == "unreached":
                parts.append("grad: none, the output does not depend on this node")
            else:
                parts.append("grad: press Backward to compute it")
        if d.is_output:
            parts.append("This is the output: Backward starts here (grad = 1).")
        return "\n".join(parts)

    # --- painting -----------------------------------------------------------------------

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self._track_port(event.pos())
        self.update()

    def hoverMoveEvent(self, event: Any) -> None:
        self._track_port(event.pos())

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self.hot_port = NO_PORT
        self.unsetCursor()
        self.update()

    def _track_port(self, local: QPointF) -> None:
        port = self.port_at(local)
        hot = NO_PORT if port is None else port.slot
        if hot != self.hot_port:
            self.hot_port = hot
            if port is None:
                self.unsetCursor()
            else:
                self.setCursor(Qt.CursorShape.CrossCursor)
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

        head_rect = QRectF(0, 0, w, row)
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
        painter.setPen(QPen(S.CELL_LINE, 1.0))
        painter.drawLine(QPointF(0, row), QPointF(w, row))
        painter.drawLine(QPointF(0, grad_rect.top()), QPointF(w, grad_rect.top()))

        # Header: a value's label; an op's symbol, then its label.
        centre = Qt.AlignmentFlag.AlignCenter
        if d.kind == "op":
            sym_w = st.text_width(d.symbol, "symbol_font")
            lab_w = st.text_width(d.label, "bold") if d.label else 0.0
            gap = st.pad if d.label else 0.0
            x = (w - sym_w - gap - lab_w) / 2
            painter.setFont(st.symbol_font)
            painter.setPen(S.OP_TEXT)
            painter.drawText(QRectF(x, 0, sym_w + 1, row), centre, d.symbol)
            if d.label:
                painter.setFont(st.bold)
                painter.setPen(S.TEXT)
                painter.drawText(QRectF(x + sym_w + gap, 0, lab_w + 1, row), centre, d.label)
            if self.show_slot_names:
                painter.setFont(st.font)
                painter.setPen(S.KEY_TEXT)
                right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
                names = self._geo.shown_slot_names
                for port, name in zip(self.input_ports, names, strict=True):
                    y = port.pos().y()
                    r = QRectF(-st.port_r - 60 - 3, y - st.fm.height() - 1, 60, st.fm.height())
                    painter.drawText(r, right, name)
        else:
            painter.setFont(st.bold)
            painter.setPen(S.TEXT if d.label else S.KEY_TEXT)
            painter.drawText(head_rect, centre, d.label or self.node_id)

        # data / grad rows: key on the left, number right-aligned (decimals line up).
        pad = st.pad
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        key_x = pad + (st.port_r if self.input_ports else 0.0)  # clear of the input ports
        painter.setFont(st.font)
        painter.setPen(S.KEY_TEXT)
        painter.drawText(data_rect.adjusted(key_x, 0, 0, 0), left, "data")
        if grad_colour != S.WHITE and grad_colour != S.STALE_FILL:
            painter.setPen(S.KEY_ON_FILL)
        painter.drawText(grad_rect.adjusted(key_x, 0, 0, 0), left, "grad")
        painter.setPen(S.ERROR if d.error or d.warning else S.TEXT)
        painter.drawText(data_rect.adjusted(0, 0, -pad, 0), right, d.data_text)
        fresh = d.grad_state == "fresh" and d.grad is not None
        painter.setPen(S.TEXT if fresh else S.STALE_TEXT)
        painter.drawText(grad_rect.adjusted(0, 0, -pad, 0), right, d.grad_text)

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
        if d.error or d.warning:
            paint_badge(painter, QPointF(body.right() - 2, body.top() + 1), error=bool(d.error))

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
        if d.error:
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
    if x is None:
        return "—"
    if hasattr(x, "tolist"):
        return str(x.tolist())
    return repr(float(x))


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


