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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from playground.graph.numbers import grad_scalar
from playground.ui.canvas import style as S
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.items import NodeItem
from playground.ui.canvas.overview_picture import Picture
from playground.ui.canvas.overview_wires import WireBatch
from playground.ui.canvas.style import grad_fill

if TYPE_CHECKING:
    from playground.ui.canvas.tool_scene import ShownScene

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
NO_INDEX = QGraphicsScene.ItemIndexMethod.NoIndex
BSP_INDEX = QGraphicsScene.ItemIndexMethod.BspTreeIndex
BOX_CELL = 2000.0
"""The side of the patches of the scene the boxes are filed by (scene units)."""
Cell = tuple[int, int]
MANY_WIRES = 500
"""More wires than this routed again at once: the picture is drawn afresh, not patched."""
_BRUSHES: dict[Any, QBrush] = S.theme_cache()
_PENS: dict[str, QPen] = S.theme_cache()


TINY_ZOOM = 0.12
"""At or below this zoom the boxes are fills without the card's border."""
SOLID_NONE_ZOOM = 0.06
"""At or below this zoom a box with no grad is its edge colour filled in (see ``_paint``)."""


def _none_edge_brush() -> QBrush:
    brush = _BRUSHES.get("none-edge")
    if brush is None:
        brush = _BRUSHES["none-edge"] = QBrush(S.NONE_LINE)
    return brush


def _none_pen() -> QPen:
    """The edge of a far-out box with no grad, in the theme's colour (one pixel at any zoom)."""
    pen = _PENS.get("none")
    if pen is None:
        pen = _PENS["none"] = QPen(S.NONE_LINE, 0)
    return pen


def _border_pen() -> QPen:
    """A box's edge in the theme's colour (made once per theme: a pen made at import kept the
    light theme's border in dark)."""
    pen = _PENS.get("border")
    if pen is None:
        pen = _PENS["border"] = QPen(S.BORDER, 0)  # cosmetic: one pixel at any zoom
    return pen


def _output_pen() -> QPen:
    """The output's frame, three pixels at any zoom, in the theme's colour."""
    pen = _PENS.get("output")
    if pen is None:
        pen = _PENS["output"] = QPen(S.OUTPUT, 3)
        pen.setCosmetic(True)
    return pen


def far_without_index(n_items: int) -> bool:
    """Far out, does the scene go without its BSP index (``NoIndex``)?

    Far out the view shows most of the graph, and every repaint asks the index for all the
    items in view: with 30,000 items (10,000 cards, 20,000 hidden wires) walking even a
    shallow tree (256 squares) was 5.4 ms of a fitted repaint, a plain list of the items
    2.1 ms. Nothing else asks the index then: the wire router keeps its own grids
    (routes.py) and the hit tests ask the overview's box table (``nodes_near``).
    """
    return n_items >= 3200


class Overview:
    """The batched box painting of one scene (off until the view zooms far out)."""

    def __init__(self, scene: ShownScene) -> None:
        self.scene = scene
        self.enabled = False
        self._groups: dict[Any, dict[Cell, dict[str, QRectF]]] | None = None
        """Colour -> patch of the scene (by the box's top-left) -> node -> its box."""
        self._where: dict[str, tuple[Any, Cell]] = {}
        self._reach = 0.0
        """The widest or tallest box: how far past its patch a box may reach."""
        self._selected: set[str] = set()
        self._selected_wires: set[tuple[str, str, int]] = set()
        self._wires = WireBatch()
        self._picture = Picture()
        self._unindexed = False
        """The scene's index was dropped (``far_without_index``) as the overview turned on."""
        self._dragging = False
        """Cards are being dragged, their wires taken out of the batch (``drag_moving``)."""

    def invalidate(self) -> None:
        """Colours or the set of nodes changed: regroup before the next paint."""
        self._groups = None
        self._picture.drop()

    def changed(self, where: QRectF | None = None) -> None:
        """Something drawn changed (the output, ...): draw ``where`` (scene coords; None:
        everything) again at the next full repaint."""
        if where is None:
            self._picture.drop()
        else:
            self._picture.damage(where)

    def wire_added(self, edge: EdgeItem) -> None:
        if self.enabled:
            edge.setVisible(False)

    def wire_changed(self, edge: EdgeItem, was: QRectF | None, damage: bool = True) -> None:
        """``edge`` was routed (added, or a card near it moved); ``was``: its scene rect
        before. A hidden item repaints nothing itself: repaint where it was and is
        (``damage`` False: the caller has the whole picture drawn again, ``wires_changing``)."""
        if self.enabled:
            now = edge.sceneBoundingRect()
            where = now if was is None else now.united(was)
            self._wires.changed(edge, where)
            if damage:
                self._picture.damage(where)
                self.scene.update(where)

    def wires_changing(self, count: int) -> bool:
        """``count`` wires are about to be routed again: True when they are so many (an Auto
        layout) that the whole picture is drawn again instead of each wire's two places."""
        if not self.enabled or count <= MANY_WIRES:
            return False
        self._picture.drop()
        self.scene.update()
        return True

    def wire_removed(self, edge: EdgeItem) -> None:
        if self.enabled:
            self._wires.removed(edge)
            self._picture.damage(edge.sceneBoundingRect())
            self.scene.update(edge.sceneBoundingRect())

    def drag_moving(self, edges: Iterable[EdgeItem]) -> None:
        """Cards are being dragged (called on each step, before their wires are routed):
        their ``edges`` are stroked one by one until ``drag_ended``, so a step re-joins no
        patch of the batch (overview_wires.py)."""
        if self.enabled and not self._dragging:
            self._dragging = True
            # The same wires, stroked apart: the picture stays (their steps damage it).
            self._wires.loosen(edges)

    def drag_ended(self) -> None:
        """The drag is over: its wires go back into the batch (one re-join per patch)."""
        self._dragging = False
        if self.enabled:
            for edge in self._wires.fold():
                self._picture.damage(edge.sceneBoundingRect())
                self.scene.update(edge.sceneBoundingRect())

    def node_added(self, item: NodeItem) -> None:
        if self.enabled:
            item.setFlag(NO_CONTENTS, True)
            self._groups = None
            self._picture.damage(item.sceneBoundingRect())

    def node_removed(self, item: NodeItem) -> None:
        if self.enabled:
            self._groups = None
            self._picture.damage(item.sceneBoundingRect())
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
        self._dragging = False  # a drag under way takes its wires out again on its next step
        for item in sc.node_map.values():
            item.setFlag(NO_CONTENTS, enabled)
        # Hidden wire items cost Qt's repaint nothing; the batch draws them instead.
        edges = sc.edge_items()
        drop = enabled and far_without_index(len(sc.node_map) + len(edges))
        if drop != self._unindexed:  # a change rebuilds the index: only when it changes
            sc.setItemIndexMethod(NO_INDEX if drop else BSP_INDEX)
            self._unindexed = drop
            if not drop:
                # Qt hands a new BSP index no scene rect (it is told only when the rect
                # changes): it split an empty rect, and a query at 100% walked nearly every
                # item (a repaint 16 ms instead of 8). Change it and back.
                rect = sc.sceneRect()
                sc.setSceneRect(rect.adjusted(0, 0, 1, 0))
                sc.setSceneRect(rect)
        for edge in edges:
            edge.setVisible(not enabled)
        if enabled:
            self._wires.fill(edges)
        else:
            self._wires.clear()
        self._groups = None
        self._picture.drop()
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

    def brush(self, key: Any) -> QBrush:
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
            else:
                positive, level = key
                colour = grad_fill(level / 12 if positive else -level / 12, 1.0)
            brush = _BRUSHES[key] = QBrush(colour)
        return brush

    def groups(self) -> dict[Any, dict[Cell, dict[str, QRectF]]]:
        """The boxes by colour, and by patch of the scene: a repaint of a part (a drag step,
        a patch of the kept picture) hands Qt only the boxes of the patches there (handing
        it all 10,000, clipped, was most of a far-out drag step)."""
        sc = self.scene
        if self._groups is None:
            groups: dict[Any, dict[Cell, dict[str, QRectF]]] = {}
            where = self._where = {}
            reach = 0.0
            for n, item in sc.node_map.items():
                key = self.key(n)
                box = item.body.translated(item.pos())
                cell = (int(box.x() // BOX_CELL), int(box.y() // BOX_CELL))
                where[n] = (key, cell)
                reach = max(reach, box.width(), box.height())
                by_cell = groups.get(key)
                if by_cell is None:
                    by_cell = groups[key] = {}
                boxes = by_cell.get(cell)
                if boxes is None:
                    boxes = by_cell[cell] = {}
                boxes[n] = box
            self._groups, self._reach = groups, reach
        return self._groups

    def nodes_near(self, rect: QRectF) -> list[NodeItem]:
        """The cards whose box meets ``rect`` (scene coords, not empty), topmost first, from
        the box table: far out the scene has no index, and asking it walks every item."""
        sc = self.scene
        groups = self.groups()
        reach = self._reach
        left = int((rect.left() - reach) // BOX_CELL)
        top = int((rect.top() - reach) // BOX_CELL)
        right, bottom = int(rect.right() // BOX_CELL), int(rect.bottom() // BOX_CELL)
        nodes = sc.node_map
        out = []
        for by_cell in groups.values():
            for i in range(left, right + 1):
                for j in range(top, bottom + 1):
                    boxes = by_cell.get((i, j))
                    if boxes:
                        out.extend(nodes[n] for n, box in boxes.items()
                                   if box.intersects(rect))
        # Qt's order: the higher z on top (a selected card is raised while dragged).
        out.sort(key=lambda item: item.zValue(), reverse=True)
        return out

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
            key, cell = self._where.get(node_id, (None, None))
            boxes = self._groups.get(key, {}).get(cell) if cell is not None else None
            if boxes is not None and node_id in boxes:
                old = boxes.pop(node_id)
                cell = (int(new.x() // BOX_CELL), int(new.y() // BOX_CELL))
                self._groups[key].setdefault(cell, {})[node_id] = new
                self._where[node_id] = (key, cell)
                self._reach = max(self._reach, new.width(), new.height())
            else:
                self._groups = None
        for rect in (new, old):
            if rect is not None:
                self._picture.damage(rect.adjusted(-3, -3, 3, 3))
                sc.update(rect.adjusted(-3, -3, 3, 3))

    def selection_changed(self) -> None:
        sc = self.scene
        if not self.enabled:
            return
        try:
            now = set(sc.selected_node_ids())
        except RuntimeError:  # the scene is being destroyed (Qt deselects its items first)
            return
        wires = set(sc.selected_edges())
        if wires != self._selected_wires:  # their pen changes: the batch draws them
            for k in wires ^ self._selected_wires:
                edge = sc.edge_item(*k)
                if edge is not None:
                    self._picture.damage(edge.sceneBoundingRect())
                    sc.update(edge.sceneBoundingRect())
            self._selected_wires = wires
        for n in now ^ self._selected:
            item = sc.node_map.get(n)
            if item is not None:
                box = item.body.translated(item.pos()).adjusted(-3, -3, 3, 3)
                self._picture.damage(box)
                sc.update(box)
        self._selected = now

    def paint(self, painter: QPainter, exposed: QRectF) -> None:
        """Paint the wires and boxes in ``exposed`` (scene coords). A full repaint blits the
        picture kept from the last one (overview_picture.py), patched where it changed."""
        sc = self.scene
        if not self.enabled or not sc.node_map:
            return
        device = painter.device()
        whole = QRectF(0, 0, device.width(), device.height())
        seen = painter.worldTransform().inverted()[0].mapRect(whole)
        if not exposed.contains(seen.adjusted(1, 1, -1, -1)):
            self._paint(painter, exposed)  # a part: paint it, inside the clip
            return
        self._picture.paint(painter, self._paint, S.dark)  # a light/dark switch: afresh

    def _paint(self, painter: QPainter, exposed: QRectF) -> None:
        sc = self.scene
        groups = self.groups()
        painter.save()
        selected = [sc.edge_item(*k) for k in sc.selected_edges()]
        self._wires.paint(painter, exposed, [e for e in selected if e is not None])
        zoom = painter.worldTransform().m11()
        tiny = zoom <= TINY_ZOOM
        painter.setPen(Qt.PenStyle.NoPen if tiny else _border_pen())
        # Far out only the boxes with no grad (yet) keep an edge: the card's base colour
        # alone vanished on the canvas, and the grey that stood in for it looked like the
        # stale grey. One pen for one group of boxes: the others are fills. Further out a box
        # is a few pixels, nearly all edge: the edge colour filled in looks the same and
        # costs no stroke (outlining 10,000 boxes took 5 ms more).
        solid = zoom <= SOLID_NONE_ZOOM
        # The patches whose boxes may reach into ``exposed``.
        reach = self._reach
        left = int((exposed.left() - reach) // BOX_CELL)
        top = int((exposed.top() - reach) // BOX_CELL)
        right, bottom = int(exposed.right() // BOX_CELL), int(exposed.bottom() // BOX_CELL)
        for key, by_cell in groups.items():
            rects: list[QRectF] = []
            for (i, j), boxes in by_cell.items():
                if left <= i <= right and top <= j <= bottom:
                    rects.extend(boxes.values())
            if rects:
                if tiny and key == "none" and solid:
                    painter.setBrush(_none_edge_brush())
                    painter.drawRects(rects)
                elif tiny and key == "none":
                    # aliased: a crisp one-pixel edge (smoothed, it spread over two faint
                    # ones), and a cheaper stroke
                    smooth = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
                    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                    painter.setPen(_none_pen())
                    painter.setBrush(self.brush(key))
                    painter.drawRects(rects)
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
                else:
                    painter.setBrush(self.brush(key))
                    painter.drawRects(rects)
        selected = [i.body.translated(i.pos()) for i in sc.selectedItems()
                    if isinstance(i, NodeItem)]
        if selected:
            painter.setBrush(S.SELECTED)
            painter.drawRects(selected)
        out = sc.node_map.get(sc.output_id()) if sc.output_id() is not None else None
        if out is not None:
            painter.setPen(_output_pen())
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(out.body.translated(out.pos()))
        painter.restore()
