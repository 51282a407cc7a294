"""How a card is painted: ``CardPainting`` is the part of ``NodeItem`` that draws it.

Zoomed out below ``SIMPLE_LOD`` a card takes its far form (``card_lod``: filled with its grad
colour, name and data in large type; cached per item until ``forget_painting``/``refresh``,
or ``forget_far_looks`` for every card at once).
Zoomed in: the header, the data and grad rows (texts and grids where ``card_geometry`` puts
them), the scrub hint (``scrub_look``), slot names (``slot_names``), ports, the output tag and a
problem badge. Pens shared by every card are made once (``_PENS``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyleOptionGraphicsItem, QWidget

from playground.ui.canvas import scrub_look
from playground.ui.canvas import slot_names as slot_labels
from playground.ui.canvas import style as S
from playground.ui.canvas.card_geometry import CardLayout, Geometry
from playground.ui.canvas.card_lod import FarLook, far_look, paint_far
from playground.ui.canvas.card_text import ELLIPSIS, GRID_MARK, Cell, Display
from playground.ui.canvas.style import blend, grad_fill, grid_view

if TYPE_CHECKING:
    from collections.abc import Sequence

SIMPLE_LOD = 0.5
"""Below this zoom a card is painted in its far form (``card_lod``: name and data in large
type on the grad colour), as its rows would be too small to read."""
NO_PEN = QPen(Qt.PenStyle.NoPen)
_PENS: dict[Any, Any] = S.theme_cache()
NO_PORT = -1
_FAR_AGE = [0]
"""The age of the far looks: ``forget_far_looks`` makes it older, and a card's look kept from
before is made afresh at its next paint."""


def forget_far_looks() -> None:
    """Every card's kept far look is out of date (what all cards show changed): O(1), where
    telling 10,000 cards one by one took 5 ms."""
    _FAR_AGE[0] += 1

SELECTED_STATE = QStyle.StateFlag.State_Selected


def _port_pens() -> dict[str, tuple[QPen, QBrush]]:
    pens = _PENS.get("ports")
    if pens is None:
        pens = _PENS["ports"] = {
            "ok": (QPen(S.WIRE_OK.darker(130), 2.0), QBrush(S.WIRE_OK)),
            "bad": (QPen(S.WIRE_BAD.darker(130), 2.0), QBrush(S.WIRE_BAD)),
            "hot": (QPen(S.BORDER, 1.6), QBrush(S.SELECTED)),
            "full": (QPen(S.BORDER, 1.2), QBrush(S.BORDER)),
            "empty": (QPen(S.BORDER, 1.4), QBrush(S.WHITE)),
            # the two ports of a hovered or selected wire, in the wire's colour
            "wire-hover": (QPen(S.WIRE.darker(190), 2.0), QBrush(S.WIRE.darker(150))),
            "wire-selected": (QPen(S.WIRE_SELECTED.darker(150), 2.0), QBrush(S.WIRE_SELECTED)),
        }
    return pens


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


class CardPainting(CardLayout):
    """The painting of a card; a base of ``NodeItem`` (which sets these attributes)."""

    _geo: Geometry
    _body_path: QPainterPath
    _simple: FarLook | None
    _simple_age: int
    painted_form: str
    hovered: bool
    scrubbing: bool
    scrub_hover: bool
    connected: set[int]
    port_states: dict[int | None, str]
    hot_port: int | None
    lit_ports: dict[int | None, dict[tuple[str, str, int], str]]
    input_ports: Sequence[Any]
    output_port: Any
    leaves_group: bool
    show_slot_names: bool
    shown_slot_names: tuple[str, ...]

    def port(self, slot: int | None) -> Any:
        raise NotImplementedError

    def all_ports(self) -> Sequence[Any]:
        raise NotImplementedError

    def scrubbable(self, d: Display | None = None) -> bool:
        raise NotImplementedError

    def port_offset(self, slot: int | None) -> QPointF:
        raise NotImplementedError

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        selected = bool(option.state & SELECTED_STATE)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < SIMPLE_LOD:
            # Zoomed out, the rows are unreadable: the far form (card_lod.py), its name and
            # data in large type on the grad colour, kept until what the card shows changes.
            look = self._simple
            if look is None or self._simple_age != _FAR_AGE[0]:
                d = self.display()
                look = self._simple = far_look(d, self._border_colour(d), self._grad_colour(d))
                self._simple_age = _FAR_AGE[0]
            self.painted_form = "far" if paint_far(painter, self.body, look, lod,
                                                   selected) else "colour"
            return
        self.painted_form = "card"

        d = self.display()
        st = self.style
        body = self.body
        grad_colour = self._grad_row_colour(d)
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
            scrub_look.paint_hint(painter, self, data_rect, number)
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
            data_pen = scrub_look.value_pen(self, data_pen)
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
        if self.leaves_group and not d.is_output:  # the output tag says it already
            self._paint_leaves_tag(painter)
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
        for port in self.all_ports():
            slot = port.key
            state = self.port_states.get(slot)
            lit = self.lit_ports.get(slot)
            if state is not None:
                key = state
            elif lit:
                key = "wire-selected" if "selected" in lit.values() else "wire-hover"
            elif self.hot_port == slot:
                key = "hot"
            elif port.slot is None or slot in self.connected:
                key = "full"
            else:
                key = "empty"
            pen, brush = pens[key]
            painter.setPen(pen)
            painter.setBrush(brush)
            rr = r + 2.5 if lit and state is None else (
                r + 1.5 if key in ("hot", "ok", "bad") else r)
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

    def _grad_row_colour(self, d: Display) -> QColor:
        """The grad row's fill. A tensor's row stays white: its squares are coloured one per
        element, and one fill for the whole row (its largest element's) said "all negative"
        for a grad of mixed signs."""
        colour = self._grad_colour(d)
        if colour != S.STALE_FILL and isinstance(d.grad, np.ndarray) and d.grad.size > 1:
            return S.WHITE
        return colour

    def _paint_leaves_tag(self, painter: QPainter) -> None:
        """Inside a group: this node's value leaves the group (one of its outputs)."""
        st = self.style
        text = "leaves group ▸"
        w = st.text_width(text) + 2 * st.pad
        rect = QRectF(0, -st.tag_h - 3, w, st.tag_h)
        painter.setPen(QPen(S.OUTPUT, 1.2))
        painter.setBrush(S.LABEL_FILL)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setFont(st.font)
        painter.setPen(S.OUTPUT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

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
