"""Fonts, metrics and colours shared by the canvas items and the legend.

Everything a painter needs that does not depend on one node. Measured once per scene so items
never ask for font metrics while painting.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication

from playground.graph.numbers import NUMBER_TEMPLATE, short

MIN_POINT_SIZE = 10.0

# TensorFlow Playground's colours: blue for positive, orange for negative.
POSITIVE = QColor("#0877bd")
NEGATIVE = QColor("#e8710a")
SELECTED = QColor("#f6c700")
ERROR = QColor("#d62828")
WARNING = QColor("#f2a900")
WIRE_SELECTED = QColor("#f6c700")
WIRE_OK = QColor("#2a9d4b")
WIRE_BAD = QColor("#d62828")

# The colours that follow the light or dark theme (``use_dark``). ``WHITE`` is the card's
# base, the colour of a zero grad: white on light, a dark grey on dark, so the grad colours
# still start from the card and the text on them keeps a contrast of 4.5 or more.
LIGHT = {
    "WHITE": "#ffffff", "STALE_FILL": "#e6e6e6", "STALE_TEXT": "#8a8a8a", "TEXT": "#161616",
    "KEY_TEXT": "#6b6b6b", "KEY_ON_FILL": "#2e2e2e", "BORDER": "#5c5c5c",
    "CELL_LINE": "#b4b4b4", "LABEL_FILL": "#f1f3f5", "OP_FILL": "#ece6fb",
    "OP_TEXT": "#3f2a82", "WIRE": "#8a8f98", "OUTPUT": "#1f1f1f",
    "POS_FILL": "#0877bd", "NEG_FILL": "#e8710a", "POS_TEXT": "#0877bd", "NEG_TEXT": "#ca6209",
    "NONE_LINE": "#80868f",
}
DARK = {
    "WHITE": "#2b2e34", "STALE_FILL": "#3b3e44", "STALE_TEXT": "#9a9fa6", "TEXT": "#ededed",
    "KEY_TEXT": "#b3b9c1", "KEY_ON_FILL": "#f2f2f2", "BORDER": "#9aa0a8",
    "CELL_LINE": "#5a5f67", "LABEL_FILL": "#353940", "OP_FILL": "#3a3252",
    "OP_TEXT": "#d4c6ff", "WIRE": "#858b94", "OUTPUT": "#f0f0f0",
    # a deeper orange under light text; brighter signs on the dark key
    "POS_FILL": "#0877bd", "NEG_FILL": "#b45309", "POS_TEXT": "#5cb3f0", "NEG_TEXT": "#f59a4a",
    "NONE_LINE": "#8a9099",
}
"""``NONE_LINE``: the edge of a far-out box with no grad (yet), drawn on the card's base colour
(overview.py): 3:1 or more against the canvas in both themes, and unlike the stale grey, which
is a fill with no edge."""
GRAD_SPAN = {False: 0.66, True: 0.46}
"""How far a grad's fill goes from the card's base towards blue or orange at the largest
|grad|: less on dark, where the light text keeps 6.3:1 on both (the full orange gave 3.5:1)."""
dark = False
WHITE = STALE_FILL = STALE_TEXT = TEXT = KEY_TEXT = KEY_ON_FILL = BORDER = CELL_LINE = QColor()
LABEL_FILL = OP_FILL = OP_TEXT = WIRE = OUTPUT = QColor()
POS_FILL = NEG_FILL = POS_TEXT = NEG_TEXT = NONE_LINE = QColor()
_THEME_CACHES: list[dict] = []


def theme_cache() -> dict:
    """A module's cache of pens and brushes made from the colours above: emptied when the
    theme changes, so they are made again in the new colours."""
    cache: dict = {}
    _THEME_CACHES.append(cache)
    return cache


def use_dark(on: bool) -> bool:
    """Paint the canvas in the dark (or light) colours from now on; True if that changed
    them. The painters read these module names when they paint, so a repaint follows."""
    global dark
    if on == dark and WHITE.isValid():
        return False
    dark = on
    for name, value in (DARK if on else LIGHT).items():
        globals()[name] = QColor(value)
    for cache in _THEME_CACHES:
        cache.clear()
    return True


use_dark(False)

GRID_MAX_ROWS = 4


def grid_view(x: Any) -> np.ndarray | None:
    """A tensor as the rows × columns its cell draws (a vector is one row; more dimensions
    are stacked into rows of the last one), or None for a number or an empty tensor."""
    if not isinstance(x, np.ndarray) or x.size <= 1:
        return None
    return x.reshape(1, -1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])


def tensor_pieces(x: np.ndarray, limit: int = 24) -> list[str]:
    """The start of ``x`` written as nested lists, cut after each element: joined, the pieces
    give ``[[1, -2, 0.5], [0.3`` ...; the last piece closes the brackets when all of ``x`` fits
    in ``limit`` elements. Only the first ``limit`` elements are formatted (big tensors stay
    cheap to preview)."""
    shape = x.shape
    flat = x.reshape(-1)
    n = min(flat.size, limit)
    pieces = []
    for i in range(n):
        lead = "[" * x.ndim if i == 0 else ""
        if i:
            k, j = 0, i
            for s in reversed(shape):  # how many inner lists end before element i
                if j % s:
                    break
                k += 1
                j //= s
            lead = "]" * k + ", " + "[" * k
        pieces.append(lead + short(flat[i]))
    if n == flat.size and pieces:
        pieces[-1] += "]" * x.ndim
    return pieces


def clip_preview(pieces: list[str], room: float, width: Any) -> str:
    """The longest start of ``"".join(pieces)`` (cut between elements, then ``…``) whose
    ``width(text)`` fits ``room``; ``""`` when not even one element fits."""
    full = "".join(pieces)
    if full.endswith("]") and width(full) <= room:
        return full
    best = ""
    text = ""
    for i, piece in enumerate(pieces):
        text += piece
        after = pieces[i + 1] if i + 1 < len(pieces) else "]"
        closing = after[: len(after) - len(after.lstrip("]"))]
        candidate = f"{text}{closing}, …"  # "[[1, -2, …" or "[[1, -2, 0.5], …"
        if width(candidate) > room:
            break
        best = candidate
    return best


def blend(a: QColor, b: QColor, t: float) -> QColor:
    t = min(max(t, 0.0), 1.0)
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def grad_fill(g: float | None, max_abs: float) -> QColor:
    """White for 0 (or no grad), towards blue (+) or orange (−) as |g| nears ``max_abs``."""
    if g is None or g == 0 or not math.isfinite(g):
        return WHITE
    t = abs(g) / max_abs if max_abs > 0 and math.isfinite(max_abs) else 1.0
    return blend(WHITE, POS_FILL if g > 0 else NEG_FILL, 0.14 + GRAD_SPAN[dark] * min(t, 1.0))


def canvas_font() -> QFont:
    """The application font, at least ``MIN_POINT_SIZE`` points."""
    font = QFont(QGuiApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(max(font.pointSizeF(), MIN_POINT_SIZE))
    else:  # the app font was given in pixels
        font.setPointSizeF(MIN_POINT_SIZE)
    return font


class CanvasStyle:
    """Fonts and measured sizes for one scene."""

    def __init__(self, font: QFont | None = None) -> None:
        self.font = font or canvas_font()
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.symbol_font = QFont(self.font)
        self.symbol_font.setBold(True)
        self.symbol_font.setPointSizeF(self.font.pointSizeF() + 3)
        fm = self.fm = QFontMetricsF(self.font)
        self.bold_fm = QFontMetricsF(self.bold)
        self.symbol_fm = QFontMetricsF(self.symbol_font)
        self.pad = 6.0
        self.row_h = math.ceil(fm.height() + 7)
        self.port_r = 5.5
        self.key_w = max(fm.horizontalAdvance("data"), fm.horizontalAdvance("grad"))
        self.num_w = fm.horizontalAdvance(NUMBER_TEMPLATE)
        self.values_w = math.ceil(self.pad + self.port_r + self.key_w + 8 + self.num_w + self.pad)
        self.tag_h = math.ceil(fm.height() + 4)
        self._width_cache: dict[tuple[int, str], float] = {}
        self.cache: dict[tuple, object] = {}
        """Shared per-style values (node geometry by kind/symbol/label/slots, pens...)."""

    def text_width(self, text: str, which: str = "font") -> float:
        key = (id(getattr(self, which)), text)
        w = self._width_cache.get(key)
        if w is None:
            fm = {"font": self.fm, "bold": self.bold_fm, "symbol_font": self.symbol_fm}[which]
            w = self._width_cache[key] = fm.horizontalAdvance(text)
        return w
