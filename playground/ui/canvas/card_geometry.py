"""Where things are on a card: its size, its ports, and where each text and grid goes.

A card is a header row over a data row and a grad row; input ports on its left edge (beside
the data and grad rows for two inputs, between them for one), the output on its right. The
shapes that depend only on (kind, symbol, label, slot names, hint) are computed once per style
(``geometry``). ``CardLayout`` is the part of ``NodeItem`` that lays its texts out; painting
(``card_paint``) and ``text_rects()`` use the same rectangles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath

from playground.ui.canvas.card_text import ELLIPSIS, GRID_MARK, KEY_GAP, Cell, Display, cells_for
from playground.ui.canvas.style import CanvasStyle

if TYPE_CHECKING:
    from collections.abc import Sequence

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


@dataclass(frozen=True)
class Geometry:
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


def geometry(
    st: CanvasStyle,
    kind: str,
    symbol: str,
    label: str,
    slot_names: tuple[str, ...],
    hint: str = "",
) -> Geometry:
    key = ("geometry", kind, symbol, label, slot_names, hint)
    cached = st.cache.get(key)
    if cached is not None:
        return cached
    w, h = measure(st, kind, symbol, label, slot_names, hint)
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
    body_path, head_path, grad_path, shape, inputs, output = _outline(st, w, h, len(slot_names))
    geo = Geometry(
        body, rect, body_path, head_path, grad_path, shape, inputs, output, show, shown
    )
    st.cache[key] = geo
    return geo


def _outline(st: CanvasStyle, w: float, h: float, n: int) -> tuple[
        QPainterPath, QPainterPath, QPainterPath, QPainterPath, tuple[QPointF, ...], QPointF]:
    """A card's body, header, grad row and hit shape, and its ports: they depend only on its
    size and its number of inputs, which most cards share (the label does not: opening
    10,000 cards with 10,000 names made these paths 10,000 times, a third of the cards' cost)."""
    key = ("outline", w, h, n)
    cached = st.cache.get(key)
    if cached is not None:
        return cached
    body = QRectF(0, 0, w, h)
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
    out = st.cache[key] = (body_path, head_path, grad_path, shape, inputs, output)
    return out


class CardLayout:
    """The layout of a card's texts; a base of ``NodeItem`` (which sets these attributes)."""

    node_id: str
    style: CanvasStyle
    body: QRectF
    hint: str
    input_ports: Sequence[object]

    def display(self) -> Display:
        raise NotImplementedError

    def _key_x(self) -> float:
        return self.style.pad + (self.style.port_r if self.input_ports else 0.0)

    def value_room(self) -> float:
        """How wide a data or grad value may be: from after the key to the right padding."""
        st = self.style
        return self.body.width() - self._key_x() - st.key_w - KEY_GAP - st.pad

    def cells(self, d: Display | None = None) -> tuple[Cell, Cell]:
        """What the data and the grad cells show, fitted to ``value_room()``."""
        d = self.display() if d is None else d
        return cells_for(self.style, d, self.value_room())

    def scrub_zone(self) -> QRectF:
        """Where a press grabs the number: the data row right of its key (item coordinates)."""
        left = self._key_x() + self.style.key_w
        return QRectF(left, self._row_tops()[0], self.body.width() - left, self._row_height())

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
