"""How a scrubbable number looks: its cursor, tooltip, colour and drag hint.

The gesture is ``scrub.py``'s; the card (``items``/``card_paint``) paints with these. Both
import this module, so the card never imports the gesture.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsSceneEvent, QGraphicsView

from playground.ui.canvas import style as S
from playground.ui.canvas.protocols import PaintedCard

MIN_ZOOM = 0.5
"""Below this zoom the card's rows are not drawn (``items.SIMPLE_LOD``: the far form shows a
short number in their place): nothing to grab or edit on the card."""
CURSOR = Qt.CursorShape.SizeHorCursor
ARROW = "↔"
"""Drawn left of the number while it is dragged (DejaVu Sans has it)."""
HINT = S.POSITIVE
ACTIVE_FILL = QColor("#e3f0fa")
TOOLTIP = ("Drag the data number left or right to change it (Shift: fine, Ctrl: coarse, "
           "Esc: cancel); drag the label to move the node.")


def readable(event: QGraphicsSceneEvent) -> bool:
    """Whether the view the event came from is zoomed in enough to show the numbers."""
    widget = event.widget()
    view = widget.parentWidget() if widget is not None else None
    return not isinstance(view, QGraphicsView) or view.transform().m11() >= MIN_ZOOM


def value_pen(item: PaintedCard, normal: QColor) -> QColor:
    """The data number's colour: blue while it is under the mouse or being dragged."""
    return HINT if item.scrubbing or item.scrub_hover else normal


def paint_hint(painter: QPainter, item: PaintedCard, row: QRectF, number: QRectF | None) -> None:
    """Under the number, a dotted line (the card is hovered: "this can be dragged"); while
    dragging, the data row tinted and ↔ left of the number."""
    if item.scrubbing:
        painter.fillRect(row.adjusted(1, 1, -1, 0), ACTIVE_FILL)
    if number is None:
        return
    painter.setPen(QPen(HINT, 1.2, Qt.PenStyle.DotLine))
    y = number.bottom() - 4.0
    painter.drawLine(QPointF(number.left(), y), QPointF(number.right(), y))
    if item.scrubbing:
        st = item.style
        w = st.text_width(ARROW)
        left = number.left() - w - st.text_width(" ")
        if left >= item.scrub_zone().left():  # clear of the "data" key
            painter.setFont(st.font)
            painter.setPen(HINT)
            painter.drawText(QRectF(left, number.top(), w + 1, number.height()),
                             Qt.AlignmentFlag.AlignCenter, ARROW)
