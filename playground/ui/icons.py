"""Icons drawn with QPainter, so they need no files and no icon theme (offscreen has none).

Each icon is drawn in the palette's text colour plus one accent, so it reads on light and dark
backgrounds alike. ``app_icon()`` is the window icon: two inputs feeding a node, with a
gradient arrow flowing back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

FORWARD = QColor("#2a9d4b")
BACKWARD = QColor("#e8710a")
BLUE = QColor("#0877bd")

Draw = Callable[[QPainter, QColor], None]


def _ink() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)


def _icon(draw: Draw, sizes: tuple[int, ...] = (16, 24, 32, 48)) -> QIcon:
    icon = QIcon()
    ink = _ink()
    for size in sizes:
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(size / 24.0, size / 24.0)
        draw(p, ink)
        p.end()
        icon.addPixmap(pix)
    return icon


def _arrow(p: QPainter, colour: QColor, left: bool) -> None:
    pen = QPen(colour, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if left:
        p.drawLine(QPointF(20, 12), QPointF(5, 12))
        p.drawPolyline(QPolygonF([QPointF(10, 6.5), QPointF(4.5, 12), QPointF(10, 17.5)]))
    else:
        p.drawLine(QPointF(4, 12), QPointF(19, 12))
        p.drawPolyline(QPolygonF([QPointF(14, 6.5), QPointF(19.5, 12), QPointF(14, 17.5)]))


def forward_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        _arrow(p, FORWARD, left=False)

    return _icon(draw)


def backward_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        _arrow(p, BACKWARD, left=True)
        p.setPen(QPen(BACKWARD, 1.6))
        p.drawText(QRectF(13, 0, 11, 10), Qt.AlignmentFlag.AlignCenter, "∂")

    return _icon(draw)


def zero_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        p.setPen(QPen(ink, 2.2))
        p.drawEllipse(QRectF(7, 4, 10, 16))
        p.drawLine(QPointF(5, 20), QPointF(19, 4))

    return _icon(draw)


def layout_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        p.setPen(QPen(ink, 1.6))
        p.setBrush(QBrush(BLUE))
        for x, y in ((3, 4), (3, 15), (15, 9.5)):
            p.drawRoundedRect(QRectF(x, y, 6, 5), 1.2, 1.2)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QPointF(9, 6.5), QPointF(15, 12))
        p.drawLine(QPointF(9, 17.5), QPointF(15, 12))

    return _icon(draw)


def fit_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        pen = QPen(ink, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            cx, cy = 12 - sx * 8, 12 - sy * 8
            p.drawLine(QPointF(cx, cy), QPointF(cx + sx * 5, cy))
            p.drawLine(QPointF(cx, cy), QPointF(cx, cy + sy * 5))
        p.drawRect(QRectF(9, 9, 6, 6))

    return _icon(draw)


def app_icon() -> QIcon:
    def draw(p: QPainter, ink: QColor) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor("#1f2937")))
        p.drawRoundedRect(QRectF(0.5, 0.5, 23, 23), 5, 5)
        wire = QPen(QColor("#cbd5e1"), 1.4)
        p.setPen(wire)
        p.setBrush(Qt.BrushStyle.NoBrush)
        for y in (6.5, 17.5):
            path = QPainterPath(QPointF(7, y))
            path.cubicTo(QPointF(11, y), QPointF(11, 12), QPointF(15, 12))
            p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(BLUE))
        p.drawEllipse(QRectF(2.5, 4, 5, 5))
        p.setBrush(QBrush(BACKWARD))
        p.drawEllipse(QRectF(2.5, 15, 5, 5))
        p.setBrush(QBrush(QColor("#f8fafc")))
        p.drawRoundedRect(QRectF(14, 8, 7.5, 8), 2, 2)
        p.setPen(QPen(QColor("#1f2937"), 1.6))
        p.drawLine(QPointF(17.75, 9.8), QPointF(17.75, 14.2))
        p.drawLine(QPointF(15.6, 12), QPointF(19.9, 12))

    return _icon(draw, (16, 24, 32, 48, 64, 128, 256))
