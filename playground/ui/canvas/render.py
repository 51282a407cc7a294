"""Render a whole document to PNG or SVG with the canvas's own items (no window needed)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QUndoStack

from playground.graph.document import GraphDocument
from playground.ui.canvas.legend import legend_size, paint_legend

MARGIN = 24.0


def ensure_app() -> Any:
    """The running QApplication, or a new one (the caller picks the platform, e.g. offscreen)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([])
    return app


def render_document(
    doc: GraphDocument,
    evaluation: Any = None,
    path: str | Path = "graph.png",
    *,
    grads_stale: bool = False,
    scale: float = 1.0,
    legend: bool | None = None,
) -> Path:
    """Write ``doc`` as ``path`` (.png or .svg), as the canvas paints it, on white.

    ``legend`` (default: when there are grads) adds the grad colour key under the graph.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{path}: the image must end in .png or .svg")
    ensure_app()
    from playground.ui.canvas.scene import GraphScene

    scene = GraphScene(doc, QUndoStack())
    scene.set_item_caching(False)  # paint vectors (SVG text stays text; PNG scales crisply)
    try:
        scene.set_evaluation(evaluation, grads_stale)
        source = scene.nodes_rect()
        if source.isEmpty():
            source = QRectF(0, 0, 200, 80)
        show_legend = scene.grad_state() != "none" if legend is None else legend
        lw, lh = legend_size(scene.style) if show_legend else (0.0, 0.0)
        width = max(source.width(), lw) + 2 * MARGIN
        height = source.height() + 2 * MARGIN + (lh + MARGIN / 2 if show_legend else 0)
        target = QRectF(MARGIN, MARGIN, source.width(), source.height())

        def paint(painter: QPainter) -> None:
            painter.setRenderHints(
                QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
            )
            painter.fillRect(QRectF(0, 0, width, height), QColor("#ffffff"))
            scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
            if show_legend:
                origin = QPointF(MARGIN, target.bottom() + MARGIN / 2)
                out = scene.output_id()
                name = doc.label(out) if out is not None else ""
                paint_legend(painter, scene.style, origin, scene.max_abs_grad,
                             scene.grad_state(), name)

        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".png":
            image = QImage(
                QSize(math.ceil(width * scale), math.ceil(height * scale)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.fill(QColor("#ffffff"))
            painter = QPainter(image)
            painter.scale(scale, scale)
            paint(painter)
            painter.end()
            if not image.save(str(path), "PNG"):
                raise OSError(f"{path}: could not write the image")
        else:
            from PySide6.QtSvg import QSvgGenerator

            gen = QSvgGenerator()
            gen.setFileName(str(path))
            gen.setSize(QSize(math.ceil(width), math.ceil(height)))
            gen.setViewBox(QRectF(0, 0, width, height))
            gen.setTitle(f"Backprop Playground graph ({len(doc)} nodes)")
            gen.setDescription("data and grad of every node")
            painter = QPainter(gen)
            paint(painter)
            painter.end()
        return path
    finally:
        scene.detach()
        scene.clear()
