"""``MiniMap``: the whole graph in a corner of the canvas, to move around a graph that does not
fit at a readable zoom. Shown only while some card is out of view.

Each card is a small box (the output one in the output colour), the part in view a blue
frame; a click or drag on the map centres the view there. It reads the scene's items (their
``body`` rectangles), as the view does, and paints nothing on the scene.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from playground.ui.canvas import style as S
from playground.ui.canvas.tool_scene import CardScene
from playground.ui.widgets.palette import is_dark

SIZE = (200, 120)
# ground, frame and boxes by theme (``COLOURS[dark]``): on the dark canvas a white map glared
COLOURS = {
    False: {"ground": "#ffffff", "frame": "#9aa0a8", "box": "#9aa0a8", "seen": "#2f7bd8"},
    True: {"ground": "#1c1e21", "frame": "#5a5f67", "box": "#7d838c", "seen": "#5cb3f0"},
}
REREAD_MS = 250
SPACING = 20
PAD = 6.0


class MiniMap(QWidget):
    """The map of ``scene`` shown in ``view`` (a child of the view, in its top-right corner).

    ``moved`` says the learner moved the view with it.
    """

    moved = Signal()

    def __init__(self, view: QGraphicsView, scene: CardScene) -> None:
        super().__init__(view)
        self.view = view
        self.scene = scene
        self.setObjectName("minimap")
        self.setAccessibleName("Graph overview")
        self.setToolTip("The whole graph: click or drag to move the view there")
        self.resize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Opaque: a see-through map made Qt repaint the canvas under it with it each time.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._boxes: list[QRectF] = []
        self._output: QRectF | None = None
        self._whole = QRectF()
        self._mapped: list[QRectF] | None = None
        """The boxes in map coordinates (kept until the cards are re-read)."""
        self._dirty = True
        self._read_at = -1e9
        self._read_cost = 0.0
        self._seen = QRectF()
        self._reread = QTimer(self)
        self._reread.setSingleShot(True)
        self._reread.timeout.connect(self.refresh)
        self.hide()

    # --- what it shows -----------------------------------------------------------------

    def refresh(self) -> None:
        """Follow the view; shown only while some card is out of view.

        Re-reading the cards costs time in proportion to their number (20 ms for 10,000),
        and an edit or a drag changes the scene each time: the cards are re-read at most
        every ``SPACING`` times what the last reading cost (at once for a small graph), and
        while a mouse button is held not more often than every ``REREAD_MS``."""
        now = time.monotonic()
        read = False
        if self._dirty:
            gap = self._read_cost * SPACING
            if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
                gap = max(gap, REREAD_MS / 1000)
            wait = gap - (now - self._read_at)
            if wait <= 0:
                self._read_cards()
                self._read_at = now
                self._read_cost = time.monotonic() - now
                read = True
            elif not self._reread.isActive():
                self._reread.start(max(1, round(wait * 1000)))
        view = self.view
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        wanted = bool(self._boxes) and not seen.contains(self._whole)
        if wanted:
            vp = view.viewport().geometry()
            self.move(vp.right() - self.width() - 10, vp.top() + 10)
            self.raise_()
            if read or seen != self._seen:  # repaint only what moved (10,000 boxes cost)
                self.update()
        self._seen = seen
        self.setVisible(wanted)

    def forget(self) -> None:
        """Another graph: the old one's boxes go at once (they stayed a second or two after
        opening a small file over a big one) and the new cards are read at the next refresh,
        whatever reading the old ones cost."""
        self._boxes, self._mapped, self._output, self._whole = [], None, None, QRectF()
        self._dirty = True
        self._read_at, self._read_cost = -1e9, 0.0
        self._reread.stop()
        self.hide()

    def cards_changed(self, *_args: object) -> None:
        """The scene changed (cards may have moved): re-read them at the next refresh."""
        self._dirty = True

    def _read_cards(self) -> None:
        self._dirty = False
        scene = self.scene
        boxes = [item.body.translated(item.pos()) for item in scene.node_map.values()]
        whole = QRectF()
        for box in boxes:
            whole = whole.united(box)
        self._boxes, self._whole = boxes, whole
        out_id = scene.output_id()
        out = scene.node_map.get(out_id) if out_id is not None else None
        self._output = out.body.translated(out.pos()) if out is not None else None
        self._mapped = [self.to_map(b) for b in boxes]  # here: part of what a reading costs

    def _scale(self) -> tuple[float, QPointF]:
        """Scene -> map: the factor and the scene point at the map's top-left."""
        whole = self._whole
        w, h = self.width() - 2 * PAD, self.height() - 2 * PAD
        k = min(w / max(whole.width(), 1.0), h / max(whole.height(), 1.0))
        # centred in the map
        left = whole.left() - (w / k - whole.width()) / 2
        top = whole.top() - (h / k - whole.height()) / 2
        return k, QPointF(left, top)

    def to_map(self, rect: QRectF) -> QRectF:
        k, origin = self._scale()
        return QRectF(PAD + (rect.left() - origin.x()) * k, PAD + (rect.top() - origin.y()) * k,
                      rect.width() * k, rect.height() * k)

    def to_scene(self, point: QPointF) -> QPointF:
        k, origin = self._scale()
        return QPointF(origin.x() + (point.x() - PAD) / k, origin.y() + (point.y() - PAD) / k)

    def paintEvent(self, event: QPaintEvent) -> None:
        # the theme as the view has it (View ▸ Theme repaints the view and this with it)
        colours = COLOURS[is_dark(self.view, QPalette.ColorRole.Base)]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(QPen(QColor(colours["frame"]), 1))
        p.setBrush(QColor(colours["ground"]))
        p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        if self._whole.isEmpty():
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colours["box"]))
        p.drawRects(self._mapped or [])
        if self._output is not None:
            p.setBrush(S.OUTPUT)
            p.drawRect(self.to_map(self._output))
        view = self.view
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        frame = self.to_map(seen).intersected(QRectF(self.rect()).adjusted(1, 1, -2, -2))
        seen_colour = QColor(colours["seen"])
        p.setPen(QPen(seen_colour, 2))
        seen_colour.setAlpha(40)
        p.setBrush(seen_colour)
        p.drawRect(frame)
        p.end()

    # --- moving the view ---------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()

    def _go(self, at: QPointF) -> None:
        self.view.centerOn(self.to_scene(at))
        self.update()
        self.moved.emit()
