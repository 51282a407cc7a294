"""A message where it happened: a small bubble on the canvas that fades.

A refused wire ("connecting + to / would make a cycle"), a value that has no inputs, text
typed on a card that is not a number: the status bar at the bottom of the window is far from
where the learner looks. The scene (``GraphScene.show_bubble``) puts the sentence in a bubble
pointing at the port, the card or the cursor; it stays a few seconds (longer for longer
sentences), then fades out and is removed. One bubble at a time: a new message replaces the
old. The bubble ignores the view's zoom (``ItemIgnoresTransformations``), so it reads the same
at 30% as at 200%, and takes no mouse buttons, so it never gets in the way of a click. It
paints in the light or dark theme's colours (``COLOURS``, chosen at each paint from the
canvas's theme, ``style.dark``), its words 4.5:1 or more on its fill.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPointF, QRectF, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QStyleOptionGraphicsItem, QWidget

from playground.ui.canvas import style
from playground.ui.canvas.style import canvas_font

MAX_WIDTH = 300.0
"""Screen pixels: longer sentences wrap."""
PAD = 8.0
TAIL = 9.0
"""The pointer from the bubble down to the place it speaks about."""
HOLD_MS, PER_CHAR_MS, MAX_HOLD_MS = 3500, 45, 9000
"""How long a bubble stays before fading: enough to read it (about 20 characters a second)."""
FADE_MS = 700
BUBBLE_Z = 10_000.0
COLOURS = {
    # role: (light, dark): a pale red card with dark words, or a dark red one with light words
    "fill": ("#fff4f2", "#3a2427"),
    "edge": ("#d62828", "#ff6b6b"),  # the outline and the ✖
    "text": ("#161616", "#ededed"),
}
FILL = QColor(COLOURS["fill"][0])
MARK = "✖"


def hold_ms(text: str) -> int:
    return min(MAX_HOLD_MS, HOLD_MS + PER_CHAR_MS * len(text))


class MessageBubble(QGraphicsObject):
    """``text`` in a rounded box whose pointer tip is at the item's position; ``lift``:
    screen pixels from the tip up to the box (more than ``TAIL`` to clear a card); ``room``:
    screen pixels right of the tip the box may take."""

    def __init__(self, text: str, anchor: QPointF, font: QFont | None = None,
                 lift: float = TAIL, room: float = float("inf")) -> None:
        super().__init__()
        self.text = text
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(BUBBLE_Z)
        self.setPos(anchor)
        self._font = QFont(font or canvas_font())
        fm = QFontMetricsF(self._font)
        flags = int(Qt.TextFlag.TextWordWrap)
        mark_w = fm.horizontalAdvance(MARK + "  ")
        box = fm.boundingRect(QRectF(0, 0, MAX_WIDTH - mark_w, 10_000), flags, text)
        w, h = mark_w + box.width() + 2 * PAD, box.height() + 2 * PAD
        # Above the anchor, its pointer a little right of the bubble's left edge, so the
        # bubble covers neither the port nor the text of the card it points at.
        lift = max(TAIL, lift)
        # ``room``: screen pixels right of the anchor still in view. Near the view's right
        # edge the box moves left (its pointer stays on the place), so no word is cut off.
        shift = min(max(0.0, w - 22.0 - room), w - 40.0)
        self._box = QRectF(-22.0 - shift, -lift - h, w, h)
        inner = self._box.adjusted(PAD, PAD, -PAD, -PAD)
        self._mark_rect = QRectF(inner.left(), inner.top(), mark_w, inner.height())
        self._text_rect = inner.adjusted(mark_w, 0, 0, 0)
        path = QPainterPath()
        path.addRoundedRect(self._box, 6, 6)
        tail = QPainterPath()
        tail.moveTo(-6, -lift - 1)
        tail.lineTo(0, 0)
        tail.lineTo(6, -lift - 1)
        tail.closeSubpath()
        self._path = path.united(tail)
        self._fade = QVariantAnimation(self)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setDuration(FADE_MS)
        self._fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self._fade.valueChanged.connect(self._set_opacity)
        self._fade.finished.connect(self.remove)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fade.start)
        self._timer.start(hold_ms(text))

    def box(self) -> QRectF:
        """The box holding the text, without its pointer (item coordinates: screen pixels)."""
        return QRectF(self._box)

    @property
    def fading(self) -> bool:
        return self._fade.state() == QVariantAnimation.State.Running

    def _set_opacity(self, value: object) -> None:
        self.setOpacity(float(value))  # type: ignore[arg-type]

    def remove(self) -> None:
        """Take the bubble off the canvas now."""
        self._timer.stop()
        self._fade.stop()
        scene = self.scene()
        if scene is not None:
            scene.removeItem(self)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill, edge, text = (QColor(COLOURS[role][style.dark]) for role in ("fill", "edge",
                                                                            "text"))
        painter.setPen(QPen(edge, 1.5))
        painter.setBrush(fill)
        painter.drawPath(self._path)
        painter.setFont(self._font)
        painter.setPen(edge)
        painter.drawText(self._mark_rect, 0, MARK)
        painter.setPen(text)
        painter.drawText(self._text_rect, int(Qt.TextFlag.TextWordWrap), self.text)
