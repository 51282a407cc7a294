"""A card zoomed out (below ``SIMPLE_LOD``): its name and data in large type on the grad colour.

At a fitted zoom of a big graph the card's own rows are a few pixels high and read as empty
boxes. Far out the card keeps what a learner looks for: the whole card is filled with its
grad colour (the colour key's scale), its name takes the top half and its data (three
significant digits, or a tensor's shape) the bottom half, in type sized to the card. Where
even that type would be under ``MIN_TEXT_PX`` on screen only the colour is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen

from playground.graph import numbers as fmt
from playground.ui.canvas import style as S
from playground.ui.canvas.card_text import Display

MIN_TEXT_PX = 5.0
"""Smallest on-screen height of the far type worth drawing (below: the colour only)."""
LINE = 0.45
"""Each of the two lines' type, as a share of the card's height."""
TEXT_ZOOM = 0.17
"""Below this zoom a usual card's far type (70 px high) is under MIN_TEXT_PX: the view
switches to boxes painted in batches (overview.py) there."""
_FONTS: dict[tuple[int, bool], tuple[QFont, QFontMetricsF]] = {}
_ELIDED: dict[tuple[str, int, bool, float], str] = {}
"""Each far text as it fits its card (the same every paint of a card: eliding was a fifth
of a far-out repaint)."""
DARK_TEXT = QColor("#1b1d21")
LIGHT_TEXT = QColor("#ffffff")


def _font(pixels: int, bold: bool) -> tuple[QFont, QFontMetricsF]:
    key = (pixels, bold)
    got = _FONTS.get(key)
    if got is None:
        font = QFont()
        font.setPixelSize(max(pixels, 1))
        font.setBold(bold)
        got = _FONTS[key] = (font, QFontMetricsF(font))
    return got


def far_data(d: Display) -> str:
    """The data in a few characters: ``24.7``, ``2×3``, ``error``, ``needs x``."""
    if d.pending and d.waiting:
        return d.waiting[-1]
    if d.error is not None:
        return "error"
    x = d.data
    if x is None:
        return fmt.NONE
    if isinstance(x, np.ndarray):
        return fmt.short(x.reshape(-1)[0]) if x.size == 1 else fmt.shape(x)
    return fmt.short(x)


def far_name(d: Display) -> str:
    """``a``; an op's symbol before its name: ``+ d``, ``tanh h``."""
    if d.kind == "op":
        return f"{d.symbol} {d.label}".strip()
    return d.label or d.symbol


@dataclass(frozen=True)
class FarLook:
    """What a far-out card paints (kept per item until what it shows changes)."""

    pen: QPen
    brush: QBrush
    text: QColor
    name: str
    data: str


def far_look(d: Display, border: QColor, fill: QColor) -> FarLook:
    pen = QPen(border, 0)  # cosmetic: a one-pixel outline at any zoom
    text = DARK_TEXT if fill.lightness() >= 140 else LIGHT_TEXT
    return FarLook(pen, QBrush(fill), text, far_name(d), far_data(d))


def paint_far(painter: QPainter, body: QRectF, look: FarLook, lod: float,
              selected: bool) -> bool:
    """Paint the far form of a card in ``body``; True if its text was drawn."""
    painter.setPen(look.pen)
    painter.setBrush(S.SELECTED if selected else look.brush)
    painter.drawRect(body)
    pixels = int(body.height() * LINE)
    if pixels * lod < MIN_TEXT_PX:
        return False
    painter.setPen(DARK_TEXT if selected else look.text)
    inner = body.adjusted(body.width() * 0.05, 0, -body.width() * 0.05, 0)
    half = body.height() / 2
    for i, (text, bold) in enumerate(((look.name, True), (look.data, False))):
        font, metrics = _font(pixels, bold)
        painter.setFont(font)
        key = (text, pixels, bold, inner.width())
        shown = _ELIDED.get(key)
        if shown is None:
            if len(_ELIDED) > 50_000:
                _ELIDED.clear()
            shown = _ELIDED[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight,
                                                      inner.width())
        line = QRectF(inner.left(), body.top() + i * half, inner.width(), half)
        painter.drawText(line, Qt.AlignmentFlag.AlignCenter, shown)
    return True
