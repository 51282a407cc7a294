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
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from playground.ui.canvas import style as S
from playground.ui.canvas.style import CanvasStyle, format_data, format_number, grad_fill

NODE_Z = 1.0
EDGE_Z = 0.0
WIRE_Z = 3.0
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


def wire_path(p1: QPointF, p2: QPointF) -> QPainterPath:
    """A smooth S-curve leaving ``p1`` to the right and entering ``p2`` from the left."""
    dx = max(abs(p2.x() - p1.x()) * 0.5, 40.0)
    path = QPainterPath(p1)
    path.cubicTo(QPointF(p1.x() + dx, p1.y()), QPointF(p2.x() - dx, p2.y()), p2)
    return path


class PortItem(QGraphicsEllipseItem):
    """A round port on a node's edge: inputs on the left (one per slot), the output right."""

    def __init__(self, parent: NodeItem, slot: int | None, radius: float) -> None:
        super().__init__(-radius, -radius, 2 * radius, 2 * radius, parent)
        self.node_id = parent.node_id
        self.slot = slot
        """The input slot, or None for the output port."""
        self.connected = False
        self.highlight: str | None = None
        self.hovered = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._restyle()

    @property
    def is_output(self) -> bool:
        return self.slot is None

    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._restyle()

    def set_highlight(self, state: str | None) -> None:
        """None, "ok" (a wire may end here) or "bad" (it would be refused)."""
        if state != self.highlight:
            self.highlight = state
            self._restyle()

    def _restyle(self) -> None:
        if self.highlight == "ok":
            fill, pen = S.WIRE_OK, QPen(S.WIRE_OK.darker(130), 2.0)
        elif self.highlight == "bad":
            fill, pen = S.WIRE_BAD, QPen(S.WIRE_BAD.darker(130), 2.0)
        elif self.hovered:
            fill, pen = S.SELECTED, QPen(S.BORDER, 1.6)
        elif self.is_output or self.connected:
            fill, pen = S.BORDER, QPen(S.BORDER, 1.2)
        else:
            fill, pen = S.WHITE, QPen(S.BORDER, 1.4)
        self.setBrush(QBrush(fill))
        self.setPen(pen)

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self._restyle()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self._restyle()
        super().hoverLeaveEvent(event)


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
    ) -> None:
        super().__init__()
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.node_id = node_id
        self.style = style
        self._provider = provider
        self.hovered = False
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(NODE_Z)
        self.kind = kind
        self.symbol = symbol
        self.label = label
        self.slot_names = slot_names
        r = style.port_r
        self.input_ports = [PortItem(self, i, r) for i in range(len(slot_names))]
        self.output_port = PortItem(self, None, r)
        self._layout()

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
        st = self.style
        w, h = self.measure(st, self.kind, self.symbol, self.label, self.slot_names)
        self.body = QRectF(0, 0, w, h)
        # Slot names sit outside, left of their port, above the incoming wire (one-input ops
        # need no name). Unary: none; "a"/"b": a few pixels; pow: "base"/"exponent".
        self.show_slot_names = len(self.slot_names) > 1
        names_w = (
            max(st.text_width(n) for n in self.slot_names) if self.show_slot_names else 0.0
        )
        left = 12 + names_w
        # The item's rect is its bounding box (QGraphicsRectItem answers boundingRect in C++,
        # which keeps hit tests and repaints of big scenes fast): room for the ports, the
        # slot names, the output tag above and the warning badge.
        self.setRect(QRectF(-left, -st.tag_h - 8, w + left + 12, h + st.tag_h + 20))
        self._body_path = QPainterPath()
        self._body_path.addRoundedRect(self.body, 5, 5)
        row = st.row_h
        n = len(self.input_ports)
        for i, port in enumerate(self.input_ports):
            # Binary ops: one port beside each of the data and grad rows; unary: between them.
            port.setPos(0.0, row + (h - row) * (i + 0.5) / n if n > 1 else row * 2.0)
        self.output_port.setPos(w, row * 2.0)
        self.update()

    def shape(self) -> QPainterPath:
        return self._body_path

    def output_anchor(self) -> QPointF:
        """Where wires leave, in scene coordinates."""
        return self.mapToScene(self.output_port.pos())

    def input_anchor(self, slot: int) -> QPointF:
        return self.mapToScene(self.input_ports[slot].pos())

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
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        d = self.display()
        st = self.style
        body = self.body
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        grad_colour = self._grad_colour(d)
        row = float(st.row_h)
        w = body.width()

        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(S.SELECTED)
            painter.drawRoundedRect(body.adjusted(-4, -4, 4, 4), 8, 8)

        if lod < SIMPLE_LOD:
            painter.setPen(QPen(self._border_colour(d), 1.0))
            painter.setBrush(grad_colour)
            painter.drawRect(body)
            return

        head_rect = QRectF(0, 0, w, row)
        data_rect = QRectF(0, row, w, (body.height() - row) / 2)
        grad_rect = QRectF(0, data_rect.bottom(), w, body.height() - data_rect.bottom())

        # Cell fills, clipped to the rounded body.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(S.WHITE)
        painter.drawPath(self._body_path)
        painter.save()
        painter.setClipPath(self._body_path)
        painter.fillRect(head_rect, S.OP_FILL if d.kind == "op" else S.LABEL_FILL)
        painter.fillRect(grad_rect, grad_colour)
        painter.restore()
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
                for port, name in zip(self.input_ports, self.slot_names, strict=True):
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

        if d.is_output:
            self._paint_output_tag(painter)
        if d.error or d.warning:
            paint_badge(painter, QPointF(body.right() - 2, body.top() + 1), error=bool(d.error))

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


class EdgeItem(QGraphicsPathItem):
    """A wire from ``source``'s output to input ``slot`` of ``target``."""

    def __init__(self, source: str, target: str, slot: int) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.slot = slot
        self.hovered = False
        self._shape: QPainterPath | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(EDGE_Z)
        self.setPen(QPen(S.WIRE, 2.0))

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.source, self.target, self.slot)

    def set_ends(self, p1: QPointF, p2: QPointF) -> None:
        self._shape = None
        self.setPath(wire_path(p1, p2))

    def ends(self) -> tuple[QPointF, QPointF]:
        path = self.path()
        return path.pointAtPercent(0.0), path.pointAtPercent(1.0)

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10.0)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self.update()

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self.update()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(QPen(S.WIRE_SELECTED, 5.0))
            painter.drawPath(self.path())
        colour = S.WIRE.darker(140) if self.hovered else S.WIRE
        painter.setPen(QPen(colour, 2.6 if self.hovered else 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())


class WireItem(QGraphicsPathItem):
    """The live preview while dragging a new wire (dashed; green/red over a valid/refused port)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(WIRE_Z)
        self.state: str | None = None
        self.set_state(None)

    def set_state(self, state: str | None) -> None:
        self.state = state
        colour = {"ok": S.WIRE_OK, "bad": S.WIRE_BAD}.get(state or "", S.WIRE.darker(130))
        pen = QPen(colour, 2.2, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def set_ends(self, p1: QPointF, p2: QPointF) -> None:
        self.setPath(wire_path(p1, p2))


# --- legend --------------------------------------------------------------------------------


def legend_size(st: CanvasStyle) -> tuple[float, float]:
    width = max(300.0, st.text_width("stale: the graph changed, press Backward") + 56)
    return (width, 5.2 * st.row_h)


def paint_legend(
    painter: QPainter, st: CanvasStyle, origin: QPointF, max_abs: float, grad_state: str
) -> None:
    """The key to the colours: a bar from −max (orange) through 0 (white) to +max (blue)."""
    w, h = legend_size(st)
    x0, y0 = origin.x(), origin.y()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(S.CELL_LINE, 1.0))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(QRectF(x0, y0, w, h), 6, 6)
    pad = 10.0
    line = st.row_h * 0.95
    y = y0 + 4
    painter.setFont(st.bold)
    painter.setPen(S.TEXT)
    has = grad_state in ("fresh", "stale") and max_abs > 0
    title = "grad colour: sign and size" if has else "grad colour (press Backward)"
    painter.drawText(QRectF(x0 + pad, y, w - 2 * pad, line), Qt.AlignmentFlag.AlignVCenter, title)
    y += line + 2
    bar = QRectF(x0 + pad, y, w - 2 * pad, line * 0.7)
    steps = 48
    for i in range(steps):
        t = (i + 0.5) / steps * 2 - 1  # -1 .. 1
        colour = grad_fill(t, 1.0) if abs(t) > 1 / steps else S.WHITE
        if grad_state == "stale":
            colour = S.STALE_FILL
        painter.fillRect(
            QRectF(bar.left() + bar.width() * i / steps, bar.top(), bar.width() / steps + 0.6,
                   bar.height()),
            colour,
        )
    painter.setPen(QPen(S.CELL_LINE, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(bar)
    y = bar.bottom() + 1
    painter.setFont(st.font)
    painter.setPen(S.KEY_TEXT)
    m = format_number(max_abs) if has else "max"
    row = QRectF(x0 + pad, y, w - 2 * pad, line)
    vc = Qt.AlignmentFlag.AlignVCenter
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignLeft, f"−{m}  negative")
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignHCenter, "0")
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignRight, f"positive  +{m}")
    y += line
    sw = line * 0.7
    painter.fillRect(QRectF(x0 + pad, y + (line - sw) / 2, sw * 1.6, sw), S.STALE_FILL)
    painter.setPen(S.TEXT if grad_state == "stale" else S.KEY_TEXT)
    painter.drawText(
        QRectF(x0 + pad + sw * 1.6 + 8, y, w, line), vc, "stale: the graph changed, press Backward"
    )
    y += line
    paint_badge(painter, QPointF(x0 + pad + 8, y + line / 2), error=False, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 22, y, 120, line), vc, "nan / inf")
    paint_badge(painter, QPointF(x0 + pad + 112, y + line / 2), error=True, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 126, y, w, line), vc, "error (hover a node)")
    painter.restore()
