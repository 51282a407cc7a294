"""The key to the grad colours, shared by the canvas (a corner overlay) and ``render``.

``GradLegend`` is the canvas's corner widget; the painting below is also what ``render`` uses.

Two forms:
- ``paint_legend``: the whole key. A title naming the output (``grad = dL/d node``), a bar from
  −max (orange) through 0 (white) to +max (blue), the stale grey, the plain outlined box of a
  node with no grad (yet) or a zero one (as far-out boxes are drawn: overview.py), how a
  tensor is drawn (one square per element, the same colours), and the nan/inf and error
  badges.
- ``paint_strip``: one line (``− ▬ +  grad = dL/d node ▸``), for the canvas when the key is
  folded away (the learner's choice, or a short canvas).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from playground.graph.names import derivative
from playground.graph.numbers import number
from playground.ui.canvas import style as S
from playground.ui.canvas.items import paint_badge
from playground.ui.canvas.style import CanvasStyle, grad_fill

if TYPE_CHECKING:
    from playground.ui.canvas.scene import GraphScene

STALE_TEXT = "stale: the graph changed, press Backward"
NONE_TEXT = "no grad yet, or 0: plain, outlined"
TENSOR_TEXT = "tensor: one square per element, same colours"
FOLD = "▾"
"""After the title of a key that folds into a strip (click)."""
UNFOLD = "▸"
"""At the end of the strip: click for the whole key."""
STRIP_PAD = 8.0
LINES = 7.15
"""The whole key's height in rows (title, bar, scale, stale, no grad, tensor, badges)."""
# A tensor's squares in the key: a 2×3 grid of grads from −1 to +1.
TENSOR_SAMPLE = ((-1.0, 0.15, 0.6), (0.35, -0.45, 1.0))


def legend_size(st: CanvasStyle) -> tuple[float, float]:
    # The stale line turns bold while grads are stale: measure it bold.
    width = max(300.0, st.text_width(STALE_TEXT, "bold") + 56,
                st.text_width(TENSOR_TEXT) + 72)
    return (width, LINES * st.row_h)


def strip_size(st: CanvasStyle, output: str = "") -> tuple[float, float]:
    return (_strip_text_x(st) + st.text_width(f"{_title(output)}  {UNFOLD}", "bold") + 10,
            st.row_h + 6.0)


def _strip_text_x(st: CanvasStyle) -> float:
    """Where the strip's text starts: after "−", the bar and "+"."""
    return (STRIP_PAD + st.text_width("−", "bold") + 4 + _strip_bar_w(st) + 4
            + st.text_width("+", "bold") + 10)


def _title(output: str) -> str:
    return f"grad = {derivative(output, 'node')}" if output and len(output) <= 12 else "grad"


def _strip_bar_w(st: CanvasStyle) -> float:
    return 3.2 * st.row_h


def _frame(painter: QPainter, rect: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(S.CELL_LINE, 1.0))
    fill = QColor(S.WHITE)  # the card colour of the theme, nearly opaque
    fill.setAlpha(235)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, 6, 6)


def _bar(painter: QPainter, bar: QRectF) -> None:
    steps = 48
    for i in range(steps):
        t = (i + 0.5) / steps * 2 - 1  # -1 .. 1
        colour = grad_fill(t, 1.0) if abs(t) > 1 / steps else S.WHITE
        painter.fillRect(
            QRectF(bar.left() + bar.width() * i / steps, bar.top(), bar.width() / steps + 0.6,
                   bar.height()),
            colour,
        )
    painter.setPen(QPen(S.CELL_LINE, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(bar)


def paint_legend(
    painter: QPainter,
    st: CanvasStyle,
    origin: QPointF,
    max_abs: float,
    grad_state: str,
    output: str = "",
    foldable: bool = False,
) -> None:
    """The whole key (see the module docstring). ``output`` names the node Backward starts
    from, for the title; ``foldable`` adds the fold mark after it (the canvas's key)."""
    w, h = legend_size(st)
    x0, y0 = origin.x(), origin.y()
    painter.save()
    _frame(painter, QRectF(x0, y0, w, h))
    pad = 10.0
    line = st.row_h * 0.95
    vc = Qt.AlignmentFlag.AlignVCenter
    y = y0 + 4
    painter.setFont(st.bold)
    painter.setPen(S.TEXT)
    has = grad_state in ("fresh", "stale") and max_abs > 0
    what = _title(output)
    title = f"{what}: colour = sign and size" if has else f"{what} (press Backward)"
    painter.drawText(QRectF(x0 + pad, y, w - 2 * pad, line), vc, title)
    if foldable:
        painter.setPen(S.KEY_TEXT)
        painter.drawText(QRectF(x0 + pad, y, w - 2 * pad, line),
                         vc | Qt.AlignmentFlag.AlignRight, FOLD)
    y += line + 2
    bar = QRectF(x0 + pad, y, w - 2 * pad, line * 0.7)
    _bar(painter, bar)
    y = bar.bottom() + 1
    painter.setFont(st.font)
    painter.setPen(S.KEY_TEXT)
    m = number(max_abs) if has else "max"
    row = QRectF(x0 + pad, y, w - 2 * pad, line)
    left, right = f"−{m}  negative", f"positive  +{m}"
    room = (row.width() - st.text_width("0")) / 2 - 8
    if max(st.text_width(left), st.text_width(right)) > room:
        left, right = f"−{m}", f"+{m}"
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignLeft, left)
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignHCenter, "0")
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignRight, right)
    y += line
    sw = line * 0.7
    swatch_w = sw * 1.6
    text_x = x0 + pad + swatch_w + 8
    painter.fillRect(QRectF(x0 + pad, y + (line - sw) / 2, swatch_w, sw), S.STALE_FILL)
    stale = grad_state == "stale"
    painter.setFont(st.bold if stale else st.font)
    painter.setPen(S.TEXT if stale else S.KEY_TEXT)
    painter.drawText(QRectF(text_x, y, w, line), vc, STALE_TEXT)
    y += line
    # no grad: the card's own colour with an edge, as the far-out boxes draw it (not grey)
    painter.setPen(QPen(S.NONE_LINE, 1.0))
    painter.setBrush(S.WHITE)
    painter.drawRect(QRectF(x0 + pad + 0.5, y + (line - sw) / 2 + 0.5, swatch_w - 1, sw - 1))
    painter.setFont(st.font)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(text_x, y, w, line), vc, NONE_TEXT)
    y += line
    _tensor_sample(painter, QRectF(x0 + pad, y + (line - sw) / 2, swatch_w, sw))
    painter.setFont(st.font)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(text_x, y, w, line), vc, TENSOR_TEXT)
    y += line
    paint_badge(painter, QPointF(x0 + pad + 8, y + line / 2), error=False, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 22, y, 120, line), vc, "nan / inf")
    paint_badge(painter, QPointF(x0 + pad + 112, y + line / 2), error=True, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 126, y, w, line), vc, "error (hover a node)")
    painter.restore()


def _tensor_sample(painter: QPainter, rect: QRectF) -> None:
    """A tiny tensor cell: a grid of squares coloured like grads, as the nodes draw them."""
    rows, cols = len(TENSOR_SAMPLE), len(TENSOR_SAMPLE[0])
    cw, ch = rect.width() / cols, rect.height() / rows
    painter.setPen(QPen(S.BORDER, 1.0))
    painter.setBrush(S.WHITE)
    painter.drawRect(rect.adjusted(-1, -1, 0, 0))
    for i, values in enumerate(TENSOR_SAMPLE):
        for j, v in enumerate(values):
            painter.fillRect(QRectF(rect.left() + j * cw, rect.top() + i * ch, cw - 1, ch - 1),
                             grad_fill(v, 1.0))


def paint_strip(
    painter: QPainter, st: CanvasStyle, origin: QPointF, grad_state: str, output: str = ""
) -> None:
    """The folded key, one line: ``− [bar] +  grad = dL/d node ▸``."""
    w, h = strip_size(st, output)
    x0, y0 = origin.x(), origin.y()
    painter.save()
    _frame(painter, QRectF(x0, y0, w, h))
    vc = Qt.AlignmentFlag.AlignVCenter
    painter.setFont(st.bold)
    painter.setPen(S.NEG_TEXT)
    minus_w = st.text_width("−", "bold")
    painter.drawText(QRectF(x0 + STRIP_PAD, y0, minus_w + 2, h), vc, "−")
    bar_x = x0 + STRIP_PAD + minus_w + 4
    bar_w = _strip_bar_w(st)
    _bar(painter, QRectF(bar_x, y0 + h * 0.3, bar_w, h * 0.4))
    painter.setPen(S.POS_TEXT)
    painter.drawText(QRectF(bar_x + bar_w + 4, y0, 20, h), vc, "+")
    text_x = x0 + _strip_text_x(st)
    has = grad_state in ("fresh", "stale")
    painter.setPen(S.TEXT if has else S.KEY_TEXT)
    painter.drawText(QRectF(text_x, y0, x0 + w - text_x, h), vc, f"{_title(output)}  {UNFOLD}")
    painter.restore()


class GradLegend(QWidget):
    """The key to the grad colours, pinned to the view's bottom-left corner.

    Click it to fold it into a one-line strip (or to unfold it): ``toggled(expanded)`` says
    what the learner chose (the window remembers it). It shows folded whatever the choice,
    until clicked, where the whole key would cover the graph: on a short canvas (under
    ``AUTO_FOLD_BELOW`` px, e.g. with the Learn panel open), and wherever a node lies under
    the whole key's corner (a graph larger than the view, or panned there); the view checks
    that after every zoom, scroll, resize and scene change (``set_covering``).
    """

    toggled = Signal(bool)
    resized = Signal()
    """The key changed size (folded, unfolded, narrower): the view places it again."""
    AUTO_FOLD_BELOW = 520
    NARROW_BELOW = 480
    """A canvas narrower than this gets the shortest strip ("− [bar] +  grad ▸"): the full
    title covered most of an 800x600 window's canvas."""

    def __init__(self, parent: QWidget, scene: GraphScene) -> None:
        super().__init__(parent)
        self.setObjectName("grad_legend")
        self.setAccessibleName("Gradient colour legend")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._scene = scene
        self._expanded = True
        """The learner's choice."""
        self._short = False
        self._narrow = False
        self._covering = False
        """Nodes lie where the whole key would be."""
        self._forced = False
        """Unfolded by a click although the canvas is short or nodes lie under it."""
        self._pixmap: tuple[tuple, QPixmap] | None = None
        self._pictures: dict[tuple, QPixmap] = {}
        """The last few pictures by key: the first edit after Backward turns the key stale,
        the next Backward fresh again, often at the same scale (painting one took ~1 ms)."""
        self._fit_size()

    # --- state ----------------------------------------------------------------------------

    def is_expanded(self) -> bool:
        """Whether the whole key is shown (else the one-line strip)."""
        return self._expanded and (not (self._short or self._covering) or self._forced)

    def wants_expanded(self) -> bool:
        """Whether the whole key is shown when no node lies under it: what a fit leaves room
        for, so a fitted graph keeps the whole key."""
        return self._expanded and (not self._short or self._forced)

    def expanded_size(self) -> QSize:
        w, h = legend_size(self._scene.style)
        return QSize(math.ceil(w) + 2, math.ceil(h) + 2)

    def folded_height(self) -> int:
        """The one-line strip's height (what the key takes once it folds)."""
        return math.ceil(strip_size(self._scene.style, self._name())[1]) + 2

    def set_covering(self, covering: bool) -> None:
        if covering != self._covering:
            self._covering = covering
            self._forced = False
            self._fit_size()

    def set_expanded(self, on: bool) -> None:
        """The learner's choice (e.g. from the settings)."""
        self._expanded = bool(on)
        self._forced = False
        self._fit_size()

    def set_view_height(self, height: int) -> None:
        short = height < self.AUTO_FOLD_BELOW
        if short != self._short:
            self._short = short
            self._forced = False
            self._fit_size()

    def set_view_width(self, width: int) -> None:
        narrow = width < self.NARROW_BELOW
        if narrow != self._narrow:
            self._narrow = narrow
            self._pixmap = None
            self._pictures.clear()
            self._fit_size()
            self.update()

    def toggle(self) -> None:
        if self.is_expanded():
            self._expanded, self._forced = False, False
        else:
            self._expanded, self._forced = True, self._short or self._covering
        self._fit_size()
        self.toggled.emit(self._expanded)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.toggle()
            event.accept()
            return
        super().mousePressEvent(event)

    def _name(self) -> str:
        if self._narrow:
            return ""  # the strip then reads just "grad"
        scene = self._scene
        out = scene.output_id()
        return scene.doc.label(out) if out is not None and out in scene.doc else ""

    def _fit_size(self) -> None:
        st = self._scene.style
        expanded = self.is_expanded()
        w, h = legend_size(st) if expanded else strip_size(st, self._name())
        self.setToolTip("Click to fold the colour key into one line" if expanded else
                        "The grad colours: click for the whole key (tensors, stale, nan, errors)")
        size = QSize(math.ceil(w) + 2, math.ceil(h) + 2)
        if size != self.size():
            self.resize(size)
            self.resized.emit()
        self.update()

    # --- painting ---------------------------------------------------------------------------

    def _key(self) -> tuple:
        """What the key's picture depends on."""
        scene = self._scene
        return (scene.max_abs_grad, scene.grad_state(), self.devicePixelRatioF(), self._name(),
                self.is_expanded(), self.width(), self.height(), S.dark)

    def numbers_changed(self) -> None:
        """The scene shows new numbers: repaint if the key's picture changes. Not otherwise:
        a repaint of the key repaints the canvas under it too, after every edit."""
        if self._pixmap is None or self._pixmap[0] != self._key():
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Drawn once per state into a pixmap: the legend sits over the canvas and repaints
        # whenever the canvas under it does.
        scene = self._scene
        key = self._key()
        name, expanded = key[3], key[4]
        if not expanded and strip_size(scene.style, name)[0] + 2 > self.width() + 0.5:
            self._fit_size()  # the output's name got longer
            key = self._key()
        if self._pixmap is None or self._pixmap[0] != key:
            kept = self._pictures.get(key)
            if kept is not None:
                self._pixmap = (key, kept)
        if self._pixmap is None or self._pixmap[0] != key:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(self.size() * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            if expanded:
                paint_legend(p, scene.style, QPointF(0.5, 0.5), key[0], key[1], name,
                             foldable=True)
            else:
                paint_strip(p, scene.style, QPointF(0.5, 0.5), key[1], name)
            p.end()
            self._pixmap = (key, pixmap)
            if len(self._pictures) >= 4:
                del self._pictures[next(iter(self._pictures))]
            self._pictures[key] = pixmap
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._pixmap[1])
        painter.end()
