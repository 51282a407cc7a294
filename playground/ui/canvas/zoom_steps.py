"""While the wheel turns, the canvas shows its last frame scaled; the zoom it rests at is
drawn once.

Drawing a big graph at a new zoom is costly: every card on show paints (and caches) itself
again, 50-350 ms for 3,000 nodes between 85% and 17%, ~11 ms far out at 10,000. A wheel sends
a step every few ms, so each notch waited for the one before. As maps do, the first step of a
zoom that may go on (the wheel, Ctrl +/-) takes a picture of the viewport as it is; each step
then paints that picture scaled and moved to the new transform (a blit, 1-3 ms), and
``SETTLE_MS`` after the last step the view is drawn afresh. A step that would scale the
picture past ``MAX_SCALE`` (blurred, or a small patch in an empty view) takes a new one
first: a full drawing, so not at every doubling (~8 notches of a wheel).
A click, a key or a zoom set in one go (fit, minimap, code) draws afresh at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsView

SETTLE_MS = 150
"""The zoom counts as settled this long after its last step."""
MAX_SCALE = 4.0
"""The picture is shown scaled by at most this, or 1/this, before a new one is taken: at 4x
a card's type is blurred but still reads, at 1/4 the picture is a sixteenth of the view."""


class ZoomSteps(QObject):
    """The picture one view shows while its zoom is changing step by step.

    It paints from an event filter on the viewport, not from a Python ``paintEvent``: an
    error in a card's paint then reaches the error handler as itself, not wrapped in the
    override that called Qt's paint."""

    def __init__(self, view: QGraphicsView,
                 background: Callable[[QPainter, QRectF], None]) -> None:
        super().__init__(view)
        self.view = view
        self._background = background
        """The view's ``drawBackground`` (the grid at the zoom now, round the picture)."""
        view.viewport().installEventFilter(self)
        self._frame: QPixmap | None = None
        self._taken_at = QTransform()
        """The view's transform (scene -> viewport pixels) when the picture was taken."""
        self._timer = QTimer(view)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.settle)

    @property
    def active(self) -> bool:
        """A picture stands in for the view (a zoom is under way)."""
        return self._frame is not None

    def step(self, factor: float) -> None:
        """Before the view zooms by ``factor``: have a picture that can stand in for it."""
        if self._frame is not None:
            now = self.view.viewportTransform()
            scale = now.m11() * factor / self._taken_at.m11()
            if 1 / MAX_SCALE <= scale <= MAX_SCALE:
                self._timer.start()
                return
            self._frame = None  # too far from the last picture: take one at this zoom
        self._taken_at = self.view.viewportTransform()
        self._frame = self.view.viewport().grab()
        self._timer.start()

    def settle(self) -> None:
        """Draw the view afresh at the zoom it has now (the picture is dropped)."""
        self._timer.stop()
        if self._frame is not None:
            self._frame = None
            self.view.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._frame is None or event.type() != QEvent.Type.Paint:
            return False
        assert isinstance(event, QPaintEvent)
        self._paint(event.rect())
        return True  # the view's own painting is skipped

    def _paint(self, exposed: QRect) -> None:
        """Paint the picture scaled to the view's transform now, onto ``exposed`` (viewport
        pixels)."""
        assert self._frame is not None
        view = self.view
        p = QPainter(view.viewport())
        p.setClipRect(exposed)
        # the canvas and its grid where the picture never reached (zoomed out), a few ms
        p.setTransform(view.viewportTransform())
        self._background(p, view.mapToScene(exposed).boundingRect())
        # picture pixels -> scene (as it was taken) -> viewport pixels now
        p.setTransform(self._taken_at.inverted()[0] * view.viewportTransform())
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawPixmap(0, 0, self._frame)
        p.end()
