"""The key to the grad colours, shared by the canvas (a corner overlay) and ``render``."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from playground.graph.numbers import number
from playground.ui.canvas import style as S
from playground.ui.canvas.items import paint_badge
from playground.ui.canvas.style import CanvasStyle, grad_fill


def legend_size(st: CanvasStyle) -> tuple[float, float]:
    # The stale line turns bold while grads are stale: measure it bold.
    width = max(300.0, st.text_width("stale: the graph changed, press Backward", "bold") + 56)
    return (width, 5.2 * st.row_h)


def paint_legend(
    painter: QPainter,
    st: CanvasStyle,
    origin: QPointF,
    max_abs: float,
    grad_state: str,
    output: str = "",
) -> None:
    """The key to the colours: a bar from −max (orange) through 0 (white) to +max (blue).

    ``output`` names the node Backward starts from, for the title ("grad = dL/d node").
    """
    w, h = legend_size(st)
    x0, y0 = origin.x(), origin.y()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(S.CELL_LINE, 1.0))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(QRectF(x0, y0, w, h), 6, 6)
    pad = 10.0
    line = st.row_h * 0.95
    y = y0 + 4
    painter.setFont(st.bold)
    painter.setPen(S.TEXT)
    has = grad_state in ("fresh", "stale") and max_abs > 0
    what = f"grad = d{output}/d node" if output and len(output) <= 12 else "grad"
    title = f"{what}: colour = sign and size" if has else f"{what} (press Backward)"
    painter.drawText(QRectF(x0 + pad, y, w - 2 * pad, line), Qt.AlignmentFlag.AlignVCenter, title)
    y += line + 2
    bar = QRectF(x0 + pad, y, w - 2 * pad, line * 0.7)
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
    y = bar.bottom() + 1
    painter.setFont(st.font)
    painter.setPen(S.KEY_TEXT)
    m = number(max_abs) if has else "max"
    row = QRectF(x0 + pad, y, w - 2 * pad, line)
    vc = Qt.AlignmentFlag.AlignVCenter
    left, right = f"−{m}  negative", f"positive  +{m}"
    room = (row.width() - st.text_width("0")) / 2 - 8
    if max(st.text_width(left), st.text_width(right)) > room:
        left, right = f"−{m}", f"+{m}"
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignLeft, left)
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignHCenter, "0")
    painter.drawText(row, vc | Qt.AlignmentFlag.AlignRight, right)
    y += line
    sw = line * 0.7
    painter.fillRect(QRectF(x0 + pad, y + (line - sw) / 2, sw * 1.6, sw), S.STALE_FILL)
    stale = grad_state == "stale"
    painter.setFont(st.bold if stale else st.font)
    painter.setPen(S.TEXT if stale else S.KEY_TEXT)
    painter.drawText(
        QRectF(x0 + pad + sw * 1.6 + 8, y, w, line), vc, "stale: the graph changed, press Backward"
    )
    y += line
    painter.setFont(st.font)
    paint_badge(painter, QPointF(x0 + pad + 8, y + line / 2), error=False, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 22, y, 120, line), vc, "nan / inf")
    paint_badge(painter, QPointF(x0 + pad + 112, y + line / 2), error=True, size=7)
    painter.setPen(S.KEY_TEXT)
    painter.drawText(QRectF(x0 + pad + 126, y, w, line), vc, "error (hover a node)")
    painter.restore()
