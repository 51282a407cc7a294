"""``ScatterPreview``: the Data tab's small QPainter scatter of the data (first two features):
train points as dots, test points as rings.

It paints in the light or dark theme's colours (``GROUND``, read from its palette at each paint,
so View ▸ Theme's palette change repaints it), the same greys as the training plots
(``plot_theme``).

It is also a painting surface (``set_paintable``): it then shows a fixed square (the painted
set's view, so the points stay put while points are added) and turns mouse presses, drags and
releases inside that square into data coordinates on its signals. It decides nothing about
them: ``paint.Painter`` does.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QWidget

from playground.training.choices import Dataset
from playground.ui.widgets.palette import is_dark

__all__ = ["CLASS_QCOLORS", "ERASER_PX", "ScatterPreview"]

CLASS_QCOLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf")
ERASER_PX = 9.0
"""The eraser's reach on screen, in pixels (each surface turns it into data units)."""
GROUND = {
    # role: (light, dark); the words keep 4.5:1 or more on the frame and the square
    "frame": ("#fbfbfb", "#1f2124"),
    "border": ("#d0d0d0", "#3a3d42"),
    "square": ("#ffffff", "#26282c"),
    "square_edge": ("#99aabb", "#6b7d8f"),
    "empty": ("#707070", "#a9aeb5"),
    "caption": ("#666666", "#b8bdc4"),
    "dot_edge": ("#ffffff", "#1f2124"),
}
"""The preview's neutral colours (the class colours read on both); matplotlib-free copies of
``plot_theme.COLOURS``'s figure and axes grounds, since the preview shows before the plots."""


class ScatterPreview(QWidget):
    """A small scatter of the data; a painting surface when ``set_paintable(True)``."""

    pressed = Signal(float, float, str, float)
    """(x, y, "left" | "right", eraser radius in data units) inside the painting square."""
    dragged = Signal(float, float, float)
    """(x, y, eraser radius) while a button is held."""
    released = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("data_preview")
        self.setAccessibleName("Data preview")
        self.setMinimumHeight(120)
        self._train: Dataset | None = None
        self._test: Dataset | None = None
        self._note = ""
        self._extent: tuple[float, float, float, float] | None = None
        self._paintable = False
        self._pressing = False

    def sizeHint(self) -> QSize:
        return QSize(240, 150)

    def set_data(self, train: Dataset | None, test: Dataset | None, note: str = "",
                 extent: tuple[float, float, float, float] | None = None) -> None:
        """The points to show; ``extent`` (x0, x1, y0, y1): a fixed view (painting), else the
        view fits the data."""
        self._train, self._test, self._note, self._extent = train, test, note, extent
        self.update()

    def set_paintable(self, on: bool) -> None:
        self._paintable = on
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.setToolTip("Left click: add a point of the chosen class; right click: class 1 "
                        "(class 0 when class 1 is chosen). Erase: drag over points."
                        if on else "")
        self.update()

    @property
    def paintable(self) -> bool:
        return self._paintable

    def point_count(self) -> int:
        return (len(self._train) if self._train is not None else 0) + (
            len(self._test) if self._test is not None else 0)

    # --- geometry: data <-> pixels ---------------------------------------------------------

    def _frame(self) -> tuple[float, float, np.ndarray, float] | None:
        """(centre x, centre y, the data's middle, pixels per data unit), or None without
        anything to show."""
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        # the caption's line stays clear of the points (the lecture's 4 points drew one on it)
        margin = self._radius() + 2
        top = (self.caption_rect().bottom() + 2 if self._note else rect.top()) + margin
        inner = QRectF(rect.left() + 8, top, rect.width() - 16, rect.bottom() - 8 - top)
        if self._extent is not None:
            x0, x1, y0, y1 = self._extent
            lo, hi = np.array([x0, y0]), np.array([x1, y1])
        else:
            sets = [d for d in (self._train, self._test) if d is not None and len(d)]
            if not sets:
                return None
            allx = np.vstack([_two_d(d.X) for d in sets])
            lo, hi = allx.min(axis=0), allx.max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        side = min(inner.width(), inner.height())
        return inner.center().x(), inner.center().y(), (lo + hi) / 2, side / float(max(span))

    def _radius(self) -> float:
        return 3.2 if self.point_count() <= 300 else 2.2

    def caption_rect(self) -> QRectF:
        """Where the caption goes: the frame's top line (empty without a caption)."""
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        if not self._note:
            return QRectF(rect.left(), rect.top(), 0, 0)
        return QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8,
                      QFontMetricsF(self._caption_font()).height())

    def painting_square(self) -> QRectF | None:
        """The square a click paints in (None when the preview is not a painting surface)."""
        if not self._paintable or self._extent is None or self._frame() is None:
            return None
        x0, x1, y0, y1 = self._extent
        return QRectF(self.to_pixel(x0, y1), self.to_pixel(x1, y0))

    def empty_note_rect(self) -> QRectF:
        """Where the words go when there are no points: inside the painting square (the empty
        painting's how-to, in the caption's font), else the whole frame."""
        square = self.painting_square()
        if square is not None:
            return square.adjusted(5, 5, -5, -5)
        return QRectF(self.rect()).adjusted(1, 1, -1, -1)

    def point_positions(self) -> list[tuple[QPointF, float, bool, int]]:
        """Each point as painted: (centre, radius, ring?, class), train first."""
        if self._frame() is None:
            return []
        radius = self._radius()
        out = []
        for ds, ring in ((self._train, False), (self._test, True)):
            if ds is None or not len(ds):
                continue
            for (x0, x1), c in zip(_two_d(ds.X), ds.y, strict=True):
                out.append((self.to_pixel(x0, x1), radius, ring, int(c)))
        return out

    def _caption_font(self):
        font = self.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
        return font

    def to_pixel(self, x: float, y: float) -> QPointF:
        frame = self._frame()
        if frame is None:
            return QPointF()
        cx, cy, mid, scale = frame
        return QPointF(cx + (x - mid[0]) * scale, cy - (y - mid[1]) * scale)

    def to_data(self, pos: QPointF) -> tuple[float, float, float] | None:
        """(x, y, eraser radius) at widget position ``pos``; None outside the painting
        square."""
        frame = self._frame()
        if frame is None or self._extent is None:
            return None
        cx, cy, mid, scale = frame
        x = mid[0] + (pos.x() - cx) / scale
        y = mid[1] - (pos.y() - cy) / scale
        x0, x1, y0, y1 = self._extent
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        return float(x), float(y), ERASER_PX / scale

    # --- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        button = {Qt.MouseButton.LeftButton: "left",
                  Qt.MouseButton.RightButton: "right"}.get(event.button())
        at = self.to_data(event.position()) if self._paintable and button else None
        if at is None:
            super().mousePressEvent(event)
            return
        self._pressing = True
        self.pressed.emit(at[0], at[1], button, at[2])
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pressing:
            at = self.to_data(event.position())
            if at is not None:
                self.dragged.emit(*at)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pressing:
            self._pressing = False
            self.released.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event) -> None:  # a right click paints here
        event.accept()

    # --- painting the picture --------------------------------------------------------------

    def dark(self) -> bool:
        """Whether the palette is a dark theme's (as ``plot_theme.is_dark``)."""
        return is_dark(self)

    def colour(self, role: str) -> QColor:
        return QColor(GROUND[role][self.dark()])

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.fillRect(rect, self.colour("frame"))
        p.setPen(QPen(self.colour("border"), 1))
        p.drawRect(rect)
        frame = self._frame()
        square = self.painting_square()
        if square is not None:
            p.fillRect(square, self.colour("square"))
            p.setPen(QPen(self.colour("square_edge"), 1, Qt.PenStyle.DashLine))
            p.drawRect(square)
        sets = [d for d in (self._train, self._test) if d is not None and len(d)]
        if not sets or frame is None:
            p.setPen(self.colour("empty"))
            if square is not None:  # how to paint, inside the square to click (not across it)
                p.setFont(self._caption_font())
            p.drawText(self.empty_note_rect(), EMPTY_NOTE_FLAGS, self._note or "no data")
            p.end()
            return
        for pt, radius, ring, c in self.point_positions():
            color = QColor(CLASS_QCOLORS[c % len(CLASS_QCOLORS)])
            if ring:
                p.setPen(QPen(color, 1.6))
                p.setBrush(Qt.BrushStyle.NoBrush)
            else:
                p.setPen(QPen(self.colour("dot_edge"), 0.8))
                p.setBrush(color)
            p.drawEllipse(pt, radius, radius)
        if self._note:
            p.setFont(self._caption_font())
            p.setPen(self.colour("caption"))
            box = self.caption_rect()
            text = p.fontMetrics().elidedText(self._note, Qt.TextElideMode.ElideRight,
                                              int(box.width()))
            p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        p.end()


EMPTY_NOTE_FLAGS = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def _two_d(X: np.ndarray) -> np.ndarray:
    """The first two columns (a 1-D set drawn along a line)."""
    return X[:, :2] if X.shape[1] > 1 else np.c_[X, np.zeros(len(X))]
