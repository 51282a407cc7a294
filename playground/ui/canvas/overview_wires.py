"""Zoomed far out, wires are painted in batches: one path per patch of the scene.

20,000 wire items cost Qt ~50 ms a repaint to walk and stroke one by one, at a zoom where a
wire is a hairline. In the overview (overview.py) the wire items are hidden and their paths are
joined into one ``QPainterPath`` per patch of the scene (``CELL`` square, by where the wire
started when it joined). A wire re-routed (a card dragged) marks only its patch for
re-joining; a repaint strokes only the patches that meet the exposed rectangle.
While cards are dragged their wires are "loose" (``loosen``): out of their patches and stroked
one by one, so a drag step re-joins nothing (re-joining the ~800 wires of a patch on every
step was most of a far-out drag step); the release folds them back (``fold``).
Same pens as the items: the picture does not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath

from playground.ui.canvas.edges import EdgeItem, _wire_pen

CELL = 2000.0
HAIRLINE_ZOOM = 0.05
"""At or below this zoom the wires (a 2-unit pen: 0.1 pixel) are stroked without
antialiasing: half the time (10.6 -> 5.7 ms for 19,900 wires fitted at 0.032x), and the faint
hairline comes out the same to within 35 of 255 in a few pixels (measured by pixel diff at
0.032x and 0.06x; at 0.15x, a 0.3-pixel pen, aliasing shows as dotted curves: kept on there)."""
LOOSE_MAX = 2000
"""A drag of cards with more wires than this re-joins their patches instead: stroking that
many wires one by one on every repaint would cost more than re-joining them."""


class WireBatch:
    """The joined paths of one scene's wires (kept while the overview is on)."""

    def __init__(self) -> None:
        self._cell_of: dict[tuple[str, str, int], tuple[int, int]] = {}
        self._members: dict[tuple[int, int], dict[tuple[str, str, int], EdgeItem]] = {}
        self._paths: dict[tuple[int, int], QPainterPath] = {}
        self._bounds: dict[tuple[int, int], QRectF] = {}
        """Where each patch's wires are (kept, and grown, while its path waits to be joined
        again: a patch away from the repainted part is not joined for it)."""
        self._loose: dict[tuple[str, str, int], EdgeItem] = {}
        """Wires of dragged cards: in no patch, stroked one by one until ``fold``."""

    def clear(self) -> None:
        self._loose.clear()
        self._cell_of.clear()
        self._members.clear()
        self._paths.clear()
        self._bounds.clear()

    def fill(self, edges: Iterable[EdgeItem]) -> None:
        """All of them, as the overview turns on (pure Python: 20,000 wires in ~20 ms)."""
        self.clear()
        cell_of, members = self._cell_of, self._members
        for edge in edges:
            x, y = edge.start
            key = (edge.source, edge.target, edge.slot)
            cell = cell_of[key] = (int(x // CELL), int(y // CELL))
            group = members.get(cell)
            if group is None:
                group = members[cell] = {}
            group[key] = edge

    def changed(self, edge: EdgeItem, where: QRectF) -> None:
        """``edge`` was added or re-routed (``where``: its scene rect before and now): re-join
        its patch before it is next painted."""
        key = edge.key
        if key in self._loose:
            return  # stroked one by one: no patch to re-join
        cell = self._cell_of.get(key)
        if cell is None:
            x, y = edge.start
            cell = self._cell_of[key] = (int(x // CELL), int(y // CELL))
            self._members.setdefault(cell, {})[key] = edge
        self._paths.pop(cell, None)
        bounds = self._bounds.get(cell)
        if bounds is not None:
            self._bounds[cell] = bounds.united(where)

    def removed(self, edge: EdgeItem) -> None:
        self._loose.pop(edge.key, None)
        cell = self._cell_of.pop(edge.key, None)
        if cell is not None:
            self._members.get(cell, {}).pop(edge.key, None)
            self._paths.pop(cell, None)

    def loosen(self, edges: Iterable[EdgeItem]) -> bool:
        """Take ``edges`` (a dragged card's) out of their patches, to be stroked one by one
        while they move: their patches are re-joined once, not on every drag step. False
        (and nothing changes) when they are too many (``LOOSE_MAX``)."""
        new = [e for e in edges if e.key not in self._loose]
        if len(self._loose) + len(new) > LOOSE_MAX:
            return False
        for edge in new:
            key = edge.key
            cell = self._cell_of.pop(key, None)
            if cell is not None:
                self._members.get(cell, {}).pop(key, None)
                self._paths.pop(cell, None)
            self._loose[key] = edge
        return True

    def fold(self) -> list[EdgeItem]:
        """The drag is over: the loose wires go back into the patches where they start now
        (returned, to be repainted)."""
        loose, self._loose = self._loose, {}
        for edge in loose.values():
            self.changed(edge, _bounds_of(edge))
        return list(loose.values())

    @property
    def loose(self) -> list[tuple[str, str, int]]:
        """The keys of the wires stroked one by one (a drag is under way)."""
        return list(self._loose)

    def _joined(self, cell: tuple[int, int]) -> QPainterPath:
        path = self._paths.get(cell)
        if path is None:
            path = self._paths[cell] = QPainterPath()
            for edge in self._members[cell].values():
                path.addPath(edge.path())
            self._bounds[cell] = path.boundingRect().adjusted(-4, -4, 4, 4)
        return path

    def paint(self, painter: QPainter, exposed: QRectF, selected: list[Any]) -> None:
        """Stroke the patches that meet ``exposed``, then the ``selected`` wires on top."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_wire_pen("normal"))
        aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        if painter.worldTransform().m11() <= HAIRLINE_ZOOM:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for cell in self._members:
            bounds = self._bounds.get(cell)
            if bounds is None or bounds.intersects(exposed):
                path = self._joined(cell)
                if self._bounds[cell].intersects(exposed):
                    painter.drawPath(path)
        for edge in self._loose.values():  # same pen, under the boxes, as if joined
            if _bounds_of(edge).intersects(exposed):
                painter.drawPath(edge.path())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        if selected:  # a wider pen, picked out: antialiased as at any zoom
            painter.setPen(_wire_pen("selected"))
            for edge in selected:
                painter.drawPath(edge.path())


def _bounds_of(edge: EdgeItem) -> QRectF:
    """Where ``edge`` is drawn (its path's hull, grown by the pen), without asking Qt for the
    item's bounding rect (that runs the Python ``shape()``)."""
    return edge.path().controlPointRect().adjusted(-4, -4, 4, 4)
