"""Render a whole document to PNG or SVG with the canvas's own items (no window needed)."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from playground.graph.document import GraphDocument
from playground.ui.canvas.legend import legend_size, paint_legend

MARGIN = 24.0


class ImageNotWritten(OSError):
    """The image could not be written; ``str(exc)`` says why, in a few words."""


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

    scene = GraphScene(doc, None)
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
            painter = QPainter()
            if not painter.begin(image):  # e.g. too big to allocate
                raise ImageNotWritten("could not paint the image (is it too big?)")
            painter.scale(scale, scale)
            paint(painter)
            painter.end()
            if not image.save(str(path), "PNG"):
                raise ImageNotWritten("could not write the image")
        else:
            from PySide6.QtSvg import QSvgGenerator

            gen = QSvgGenerator()
            gen.setFileName(str(path))
            gen.setSize(QSize(math.ceil(width), math.ceil(height)))
            gen.setViewBox(QRectF(0, 0, width, height))
            gen.setTitle(f"Backprop Playground graph ({len(doc)} nodes)")
            gen.setDescription("data and grad of every node")
            painter = QPainter()
            if not painter.begin(gen):  # Qt only warns when it cannot open the file
                raise ImageNotWritten("could not write the image")
            paint(painter)
            painter.end()
        return path
    finally:
        scene.detach()
        scene.clear()


def write_image(doc: GraphDocument, evaluation: Any, out: str | Path, **options: Any) -> Path:
    """Render ``doc`` to ``out`` (.png or .svg) safely; raise ``ImageNotWritten`` if it fails.

    Paints into a temporary file beside ``out``, checks it is not empty, then renames it: a
    failed render leaves no half image and keeps an older one. The CLI and File > Export use
    this, so both check the same way. ``options`` go to ``render_document``.
    """
    out = Path(out)
    problem = _place_problem(out)
    if problem:
        raise ImageNotWritten(problem)
    part = out.with_name(f".{out.stem}.{os.getpid()}.part{out.suffix}")
    try:
        with open(part, "wb"):
            pass
        render_document(doc, evaluation, part, **options)
        if part.stat().st_size == 0:
            raise ImageNotWritten("could not write the image")
        os.replace(part, out)
    except ImageNotWritten:
        raise
    except OSError as exc:
        raise ImageNotWritten(f"cannot write here: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)
    return out


def _place_problem(out: Path) -> str | None:
    """Why ``out`` cannot be written (None if it can, as far as can be told before painting);
    creates its folder if needed."""
    if out.is_dir():
        return "is a folder, not a file"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return f"cannot create the folder {out.parent}: a file is in the way"
    except OSError as exc:
        return f"cannot create the folder {out.parent}: {exc.strerror or exc}"
    return None
