"""Zoomed far out, nodes are plain boxes painted in a few batched calls.

Below the zoom where text is readable, 10,000 Python ``paint`` calls per frame are what makes
a big graph slow. The node items stay (selectable, movable, hit-tested) but get
``ItemHasNoContents``; the scene's foreground paints every box with one ``drawRects`` per
colour (grad sign and size, quantised to 12 levels). The wire items are hidden too and drawn
as a few joined paths (overview_wires.py). A full repaint of an unchanged picture (same zoom,
scroll, numbers, places, selection) blits the last one from a pixmap: Qt's walk over the items
is then all that is left. A partial repaint (a drag step) paints directly, inside its clip.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from playground.graph.numbers import grad_scalar
from playground.ui.canvas import style as S
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.items import NodeItem
from playground.ui.canvas.overview_wires import WireBatch
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
        self._selected_wires: set[tuple[str, str, int]] = set()
        self._wires = WireBatch()
        self._picture: tuple[tuple[float, ...], QPixmap] | None = None

    def invalidate(self) -> None:
        """Colours or the set of nodes changed: regroup before the next paint."""
        self._groups = None
        self._picture = None

    def changed(self) -> None:
        """Something drawn changed (a node moved, the output, the selection): paint afresh."""
        self._picture = None

    def wire_added(self, edge: EdgeItem) -> None:
        if self.enabled:
            edge.setVisible(False)

    def wire_changed(self, edge: EdgeItem, was: QRectF | None) -> None:
        """``edge`` was routed (added, or a card near it moved); ``was``: its scene rect
        before. A hidden item repaints nothing itself: repaint where it was and is."""
        if self.enabled:
            now = edge.sceneBoundingRect()
            where = now if was is None else now.united(was)
            self._wires.changed(edge, where)
            self._picture = None
            self.scene.update(where)

    def wire_removed(self, edge: EdgeItem) -> None:
        if self.enabled:
            self._wires.removed(edge)
            self._picture = None
            self.scene.update(edge.sceneBoundingRect())

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
        # Hidden wire items cost Qt's repaint nothing; the batch draws them instead.
        edges = sc.edge_items()
        for edge in edges:
            edge.setVisible(not enabled)
        if enabled:
            self._wires.fill(edges)
        else:
            self._wires.clear()
        self._groups = None
        self._picture = None
        self._selected = set(sc.selected_node_ids()) if enabled else set()
        sc.update()

    def key(self, node_id: str) -> Any:
        sc = self.scene
        stands = getattr(sc.node_map.get(node_id), "stands_for", None)
        if stands is not None:  # a group card: its output's colour (group_card.py)
            node_id = stands
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
            self._picture = None
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
        self._picture = None
        wires = set(sc.selected_edges())
        if wires != self._selected_wires:  # their pen changes: the batch draws them
            for k in wires ^ self._selected_wires:
                edge = sc.edge_item(*k)
                if edge is not None:
                    sc.update(edge.sceneBoundingRect())
            self._selected_wires = wires
        for n in now ^ self._selected:
            item = sc.node_map.get(n)
            if item is not None:
                sc.update(item.body.translated(item.pos()).adjusted(-3, -3, 3, 3))
        self._selected = now

    def paint(self, painter: QPainter, exposed: QRectF) -> None:
        """Paint the wires and boxes in ``exposed`` (scene coords); a full repaint of the same
        picture as last time blits it."""
        sc = self.scene
        if not self.enabled or not sc.node_map:
            return
        device = painter.device()
        t = painter.worldTransform()
        whole = QRectF(0, 0, device.width(), device.height())
        if not exposed.contains(t.inverted()[0].mapRect(whole).adjusted(1, 1, -1, -1)):
            self._paint(painter, exposed)  # a part: paint it, inside the clip
            return
        dpr = device.devicePixelRatioF()
        key = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy(), whole.width(),
               whole.height(), dpr, S.dark)  # a light/dark switch paints afresh
        if self._picture is None or self._picture[0] != key:
            pixmap = QPixmap(round(whole.width() * dpr), round(whole.height() * dpr))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHints(painter.renderHints())
            p.setWorldTransform(t)
            self._paint(p, exposed)
            p.end()
            self._picture = (key, pixmap)
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, self._picture[1])
        painter.restore()

    def _paint(self, painter: QPainter, exposed: QRectF) -> None:
        sc = self.scene
        groups = self.groups()
        painter.save()
        selected = [sc.edge_item(*k) for k in sc.selected_edges()]
        self._wires.paint(painter, exposed, [e for e in selected if e is not None])
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
