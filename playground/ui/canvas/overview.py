"""Zoomed far out, nodes are plain boxes painted in a few batched calls.

Below the zoom where text is readable, 10,000 Python ``paint`` calls per frame are what makes
a big graph slow. The node items stay (selectable, movable, hit-tested) but get
``ItemHasNoContents``; the scene's foreground paints every box with one ``drawRects`` per
colour (grad sign and size, quantised to 12 levels).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from playground.graph.numbers import grad_scalar
from playground.ui.canvas import style as S
from playground.ui.canvas.items import NodeItem
from playground.ui.canvas.style import grad_fill

if TYPE_CHECKING:
    from playground.ui.canvas.tool_scene import ShownScene

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_BRUSHES: dict[Any, QBrush] = S.theme_cache()
_BORDER = QPen(S.BORDER, 0)  # cosmetic: one pixel at any zoom
_OUTPUT = QPen(S.OUTPUT, 3)
_OUTPUT.setCosmetic(True)


class Overview:
    """The batched box painting of one scene (off until the view zooms far out)."""

    def __init__(self, scene: ShownScene) -> None:
        self.scene = scene
        self.enabled = False
        self._groups: dict[Any, dict[str, QRectF]] | None = None
        self._key_of: dict[str, Any] = {}
        self._selected: set[str] = set()

    def invalidate(self) -> None:
        """Colours or the set of nodes changed: regroup before the next paint."""
        self._groups = None

    def node_added(self, item: NodeItem) -> None:
        if self.enabled:
            item.setFlag(NO_CONTENTS, True)
            self._groups = None

    def node_removed(self, item: NodeItem) -> None:
        if self.enabled:
            self._groups = None
            self.scene.update(item.sceneBoundingRect())

    def set_enabled(self, enabled: bool) -> None:
        """Paint nodes as plain boxes in batches (for zoom levels where text is unreadable).

        The node items stay (selectable, movable) but stop painting themselves: 10,000
        Python ``paint`` calls per frame are what makes a zoomed-out big graph slow.
        """
        sc = self.scene
        if enabled == self.enabled:
            return
        self.enabled = enabled
        for item in sc.node_map.values():
            item.setFlag(NO_CONTENTS, enabled)
        self._groups = None
        self._selected = set(sc.selected_node_ids()) if enabled else set()
        sc.update()

    def key(self, node_id: str) -> Any:
        sc = self.scene
        ev = sc.evaluation
        r = ev.results.get(node_id) if ev is not None else None
        if r is not None and r.error and not r.pending:
            return "error"
        ge = sc.grad_evaluation
        gr = ge.results.get(node_id) if ge is not None else None
        g = grad_scalar(gr.grad) if gr is not None else None
        if g is None:
            return "none"
        if sc.grads_stale:
            return "stale"
        if not math.isfinite(g):
            return "warning"
        m = sc.max_abs_grad
        level = max(1, round(min(abs(g) / m, 1.0) * 12)) if m > 0 else 12
        return (g > 0, level) if g != 0 else "none"

    def brush(self, key: Any, tiny: bool = False) -> QBrush:
        if tiny and key == "none":  # without borders, white boxes would vanish
            key = "none-tiny"
        brush = _BRUSHES.get(key)
        if brush is None:
            if key == "error":
                colour = S.ERROR
            elif key == "warning":
                colour = S.WARNING
            elif key == "stale":
                colour = S.STALE_FILL
            elif key == "none":
                colour = S.WHITE
            elif key == "none-tiny":
                colour = QColor("#c9cdd3")
            else:
                positive, level = key
                colour = grad_fill(level / 12 if positive else -level / 12, 1.0)
            brush = _BRUSHES[key] = QBrush(colour)
        return brush

    def groups(self) -> dict[Any, dict[str, QRectF]]:
        sc = self.scene
        if self._groups is None:
            groups: dict[Any, dict[str, QRectF]] = {}
            keys = self._key_of = {}
            for n, item in sc.node_map.items():
                key = keys[n] = self.key(n)
                groups.setdefault(key, {})[n] = item.body.translated(item.pos())
            self._groups = groups
        return self._groups

    def moved(self, node_id: str, old: QRectF | None = None) -> None:
        """Keep the overview's box of a moved node current and repaint where it was/is."""
        sc = self.scene
        if not self.enabled:
            return
        item = sc.node_map.get(node_id)
        if item is None:
            return
        new = item.body.translated(item.pos())
        if self._groups is not None:
            key = self._key_of.get(node_id)
            group = self._groups.get(key)
            if group is not None and node_id in group:
                old = group[node_id]
                group[node_id] = new
            else:
                self._groups = None
        sc.update(new.adjusted(-3, -3, 3, 3))
        if old is not None:
            sc.update(old.adjusted(-3, -3, 3, 3))

    def selection_changed(self) -> None:
        sc = self.scene
        if not self.enabled:
            return
        try:
            now = set(sc.selected_node_ids())
        except RuntimeError:  # the scene is being destroyed (Qt deselects its items first)
            return
        for n in now ^ self._selected:
            item = sc.node_map.get(n)
            if item is not None:
                sc.update(item.body.translated(item.pos()).adjusted(-3, -3, 3, 3))
        self._selected = now

    def paint(self, painter: QPainter) -> None:
        sc = self.scene
        if not self.enabled or not sc.node_map:
            return
        groups = self.groups()
        painter.save()
        tiny = painter.worldTransform().m11() <= 0.12
        painter.setPen(Qt.PenStyle.NoPen if tiny else _BORDER)
        for key, boxes in groups.items():
            painter.setBrush(self.brush(key, tiny))
            painter.drawRects(list(boxes.values()))
        selected = [i.body.translated(i.pos()) for i in sc.selectedItems()
                    if isinstance(i, NodeItem)]
        if selected:
            painter.setBrush(S.SELECTED)
            painter.drawRects(selected)
        out = sc.node_map.get(sc.output_id()) if sc.output_id() is not None else None
        if out is not None:
            painter.setPen(_OUTPUT)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(out.body.translated(out.pos()))
        painter.restore()
