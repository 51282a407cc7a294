"""The toolbar's icons, drawn with QPainter (no files, no icon theme: offscreen has none), and
the app's icon, from the file the packaging uses too (``resources/icons/app.svg``).

Each toolbar icon is drawn in the palette's text colour plus one accent, so it reads on light
and dark backgrounds alike.
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
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from playground.graph.examples import resource_path

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


APP_ICON_FILES = ("app.svg", "app.png")
"""The app's icon in ``resources/icons``, the same files the packaging uses: the SVG (Qt's svg
icon engine draws it sharp at every size), else the PNG made from it."""


def app_icon() -> QIcon:
    """The window icon, from ``resources/icons/app.svg`` (see ``APP_ICON_FILES``)."""
    for name in APP_ICON_FILES:
        path = resource_path("icons", name)
        if path.is_file():
            icon = QIcon(str(path))
            if not icon.pixmap(32).isNull():
                return icon
    return QIcon()
