"""The far-out picture (overview.py) kept between full repaints, patched where it changed.

Drawing every box and wire of a 10,000-node graph takes ~18 ms; Qt's own walk over the items
another ~5. The picture is drawn once into a pixmap a margin larger than the viewport, anchored
to the scene: a full repaint at the same zoom blits it, shifted by the pixels the view was
panned (until the pan leaves the margin: here Qt repaints the whole viewport on every pan
step, not the strip that came into view). A change (a box moved or selected, a wire re-routed)
marks its scene rect as damaged; the next full repaint clears those pixels and draws what lies
there again, as the whole picture would: the same paths, in the same order, clipped to whole
pixels, so the pixels come out as a fresh picture's. What cannot name its rect (new numbers
recolour every box, a new zoom, a theme switch) draws the picture afresh.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform

MARGIN = 0.25
"""While the view is panned, how far past the viewport the picture reaches, as a part of its
width and height: a pan within it blits; 0.25 is 2.25 viewports of pixels (~9 MB at 1280 x
800). After a zoom step the picture is the viewport's only (zoomed part-way in, drawing 2.25
times as much would slow every step of the wheel)."""
MANY_DAMAGES = 24
"""More damaged rects than this are joined into one (a long drag between full repaints)."""


class Picture:
    """One view's far-out picture, its transform, and the rects damaged since it was drawn."""

    def __init__(self) -> None:
        self._pixmap: QPixmap | None = None
        self._key: tuple[float, ...] = ()
        self._drawn_with = QTransform()
        """The world transform of the pixmap's painter (scene -> pixmap pixels)."""
        self._at = (0.0, 0.0)
        """The view's translation when it was drawn: a pan shifts the blit by the difference."""
        self._margin = (0, 0)
        self._damage: list[QRectF] = []
        self._spare: QPixmap | None = None
        """A dropped picture's buffer, drawn over by the next one of the same size."""

    def drop(self) -> None:
        """Everything may have changed: draw it afresh at the next full repaint."""
        if self._pixmap is not None:
            self._spare = self._pixmap
        self._pixmap = None
        self._damage.clear()

    def damage(self, rect: QRectF) -> None:
        """What lies in ``rect`` (scene coordinates) changed."""
        if self._pixmap is None or rect.isEmpty():
            return
        self._damage.append(QRectF(rect))
        if len(self._damage) > MANY_DAMAGES:
            whole = self._damage[0]
            for r in self._damage[1:]:
                whole = whole.united(r)
            self._damage = [whole]

    def paint(self, painter: QPainter, draw: Callable[[QPainter, QRectF], None],
              extra_key: object) -> None:
        """Blit the picture onto ``painter`` (a full repaint of the viewport), drawing it with
        ``draw(painter, exposed scene rect)`` first where it is missing, moved too far, or
        damaged. ``extra_key``: what else a picture depends on (a light/dark switch)."""
        device = painter.device()
        t = painter.worldTransform()
        w, h = device.width(), device.height()
        dpr = device.devicePixelRatioF()
        dx, dy = t.dx(), t.dy()
        key = (t.m11(), t.m12(), t.m21(), t.m22(), dx % 1.0, dy % 1.0, w, h, dpr, extra_key)
        sx, sy = round(dx - self._at[0]), round(dy - self._at[1])
        mx, my = self._margin
        if self._pixmap is None or key != self._key:
            self._draw_afresh(painter, draw, key, 0.0)  # no margin: a zoom step stays quick
            sx = sy = 0
            mx, my = self._margin
        elif abs(sx) > mx or abs(sy) > my:
            self._draw_afresh(painter, draw, key, MARGIN)  # panning: blit the next steps
            sx = sy = 0
            mx, my = self._margin
        elif self._damage:
            self._repair(painter, draw)
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(sx - mx, sy - my, self._pixmap)
        painter.restore()

    def _draw_afresh(self, painter: QPainter, draw: Callable[[QPainter, QRectF], None],
                     key: tuple[float, ...], margin: float) -> None:
        device = painter.device()
        t = painter.worldTransform()
        w, h = device.width(), device.height()
        dpr = device.devicePixelRatioF()
        mx, my = math.ceil(w * margin), math.ceil(h * margin)
        size = (round((w + 2 * mx) * dpr), round((h + 2 * my) * dpr))
        pixmap = self._pixmap if self._pixmap is not None else self._spare
        self._spare = None
        if pixmap is None or (pixmap.width(), pixmap.height()) != size:
            # Kept when the size is the same: a new 4 MB buffer each zoom step cost ~0.5-3
            # ms of page faults.
            pixmap = QPixmap(*size)
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(Qt.GlobalColor.transparent)
        drawn_with = t * QTransform.fromTranslate(mx, my)
        p = QPainter(pixmap)
        p.setRenderHints(painter.renderHints())
        p.setWorldTransform(drawn_with)
        draw(p, drawn_with.inverted()[0].mapRect(QRectF(0, 0, w + 2 * mx, h + 2 * my)))
        p.end()
        self._pixmap, self._key, self._drawn_with = pixmap, key, drawn_with
        self._at, self._margin = (t.dx(), t.dy()), (mx, my)
        self._damage.clear()

    def _repair(self, painter: QPainter, draw: Callable[[QPainter, QRectF], None]) -> None:
        """Clear the damaged pixels (whole pixels round each rect) and draw them again."""
        assert self._pixmap is not None
        bounds = QRect(0, 0, round(self._pixmap.width() / self._pixmap.devicePixelRatio()),
                       round(self._pixmap.height() / self._pixmap.devicePixelRatio()))
        back = self._drawn_with.inverted()[0]
        p = QPainter(self._pixmap)
        p.setRenderHints(painter.renderHints())
        for rect in self._damage:
            # 2 pixels more: the output's 3-pixel border reaches past its box
            pixels = self._drawn_with.mapRect(rect).toAlignedRect().adjusted(-2, -2, 2, 2)
            pixels = pixels.intersected(bounds)
            if pixels.isEmpty():
                continue
            p.resetTransform()
            p.setClipRect(pixels)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            p.fillRect(pixels, Qt.GlobalColor.transparent)
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            p.setWorldTransform(self._drawn_with)
            draw(p, back.mapRect(QRectF(pixels)))
        p.end()
        self._damage.clear()
