"""The scene's wire router: every wire avoids the cards, and follows them as they move.

``WireRoutes`` asks ``routing`` for a wire's path with the cards near it as obstacles. It files
the cards' bodies and the wires' extents in its own grids, so it never asks the scene's index
(far out the scene has none, see overview.py: there a query walks every item). It keeps, per card,
the wires whose route went around it: when a card moves (a drag step, an undo, Auto layout),
its own wires, the wires that went around it (a shorter way may be free now) and the wires its
new place lands on are routed again, and only those: the cost of a drag step does not grow
with the graph. When more than ``MANY`` cards move at once in a drag, or a card is dragged in
the far-out overview (a detour is under a pixel there), their wires are drawn plainly until
the release (the document's move then routes them).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from playground.graph import routing as R
from playground.ui.canvas.edges import EdgeItem

WINDOWS = (160.0, 600.0, 2400.0)
"""How far above and below its ends a detour may look for a free gap, tried in turn."""
MANY = 200
"""A drag of more cards than this routes their wires at the release, not on every step."""
CELL = 256.0
"""The side of the grid's squares that hold the cards' bodies (scene units)."""
WIRE_CELL = 256.0
"""The side of the squares of the wires' grid (scene units)."""
WIDE = 64
"""A wire whose extent covers more squares than this is kept apart and always looked at."""


def _rect(x1: float, y1: float, x2: float, y2: float) -> R.Box:
    """The sides of ``QRectF(QPointF(x1, y1), QPointF(x2, y2))`` as Qt gives them (it keeps
    the width, so right() is x1 + (x2 - x1), which may differ from x2 in the last bit), without
    making one: the router asks for two of these per wire."""
    return (x1, y1, x1 + (x2 - x1), y1 + (y2 - y1))


class WireRoutes:
    def __init__(self, scene: Any) -> None:
        self.scene = scene
        self._around: defaultdict[str, set[tuple[str, str, int]]] = defaultdict(set)
        # The cards' bodies in a grid of CELL-sized squares: asking the scene's index would
        # also hand every wire in the rect to Python (twice the cost of building the scene).
        self._cells: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
        self._body: dict[str, tuple[R.Box, list[tuple[int, int]]]] = {}
        # The wires by their bounding rects (path().boundingRect(): the curve itself), in a
        # grid of WIRE_CELL squares: which wires pass a moved card (``_wires_under``).
        self._wire_cells: defaultdict[tuple[int, int], set[tuple[str, str, int]]] = \
            defaultdict(set)
        self._wire_at: dict[tuple[str, str, int], tuple[R.Box, list[tuple[int, int]]]] = {}
        self._wide: set[tuple[str, str, int]] = set()
        self.plain = False
        """Draw wires as plain curves (a drag of many cards), without looking at the cards."""
        self._moved: dict[str, None] = {}
        """Cards the document moved whose wires are not routed yet (``card_moved``)."""

    # --- what the scene tells it ------------------------------------------------------------

    def route(self, edge: EdgeItem, damage: bool = True) -> None:
        """Put ``edge`` on its best path now (``damage`` False: far out, the whole picture is
        drawn again anyway, see ``Overview.wires_changing``)."""
        nodes = self.scene._nodes
        s, t = nodes[edge.from_id], nodes[edge.to_id]
        a, b = s.output_anchor(edge.from_port), t.input_anchor(edge.to_slot)
        p1, p2 = (a.x(), a.y()), (b.x(), b.y())
        runs: list[R.Run] = []
        around: frozenset[str] = frozenset()
        poly = None
        if not self.plain and p2[0] - p1[0] > 2 * R.MARGIN:
            ends = (edge.from_id, edge.to_id)
            # The curve lies inside its control points' hull: only cards there can be in the
            # way, and most wires have none, so most are never sampled.
            d = R.bend_handle(p1[0], p2[0])
            hull = _rect(min(p1[0], p2[0] - d), min(p1[1], p2[1]),
                         max(p2[0], p1[0] + d), max(p1[1], p2[1]))
            # The plain curve is kept unless it crosses a card itself: with the margin, every
            # wire leaving a column of cards would graze its neighbours and take a detour.
            near = self._boxes(hull, ends, margin=0.0)
            if near:
                poly = R.curve_points(p1, p2)
            if near and R.hits(poly, [b for _, b in near]):
                for pad in WINDOWS:
                    top, bottom = min(p1[1], p2[1]) - pad, max(p1[1], p2[1]) + pad
                    boxes = self._boxes(_rect(p1[0], top, p2[0], bottom), ends)
                    found = R.plan(p1, p2, [b for _, b in boxes], (top, bottom))
                    if found is not None:
                        runs = found
                        around = frozenset(n for n, _ in boxes)
                        poly = None
                        break
        self._set_around(edge, around)
        overview = self.scene._overview  # zoomed far out, its batch is joined again
        was = edge.sceneBoundingRect() if overview.enabled and damage else None
        edge.set_route(p1, p2, runs, poly)
        edge.set_ends(a, b, runs)
        self._file_wire(edge)
        overview.wire_changed(edge, was, damage)

    def card_placed(self, node_id: str) -> None:
        """The card was added, moved or resized: where its body is now."""
        self.card_gone(node_id)
        item = self.scene._nodes.get(node_id)
        if item is None:
            return
        r = item.body.translated(item.pos())
        box = (r.left(), r.top(), r.right(), r.bottom())
        cells = [(i, j) for i in range(int(box[0] // CELL), int(box[2] // CELL) + 1)
                 for j in range(int(box[1] // CELL), int(box[3] // CELL) + 1)]
        for c in cells:
            self._cells[c].add(node_id)
        self._body[node_id] = (box, cells)

    def card_gone(self, node_id: str) -> None:
        old = self._body.pop(node_id, None)
        if old is not None:
            for c in old[1]:
                ids = self._cells[c]
                ids.discard(node_id)
                if not ids:
                    del self._cells[c]

    def node_moved(self, node_id: str) -> None:
        """``node_id``'s card moved or changed size: its wires, and those it concerns."""
        self.nodes_moved((node_id,))

    def card_moved(self, node_id: str) -> None:
        """The document moved the card (one of several in one edit, maybe): it is filed at
        its new place now, its wires are routed by ``route_moved`` once all have moved. (Routed
        card by card, each wire of an Auto layout was routed twice, once per end, and every
        wire near each card was tested against it: 10 s for 10,000 cards.)"""
        self.card_placed(node_id)
        self._moved[node_id] = None

    def route_moved(self) -> None:
        """Route the wires of the cards ``card_moved`` filed (and those they concern)."""
        if self._moved:
            moved, self._moved = list(self._moved), {}
            self.nodes_moved(moved, placed=True)

    def nodes_moved(self, node_ids: Any, placed: bool = False) -> None:
        """The cards moved (``placed``: and are filed at their new places already): route
        their wires, the wires that went around them, and the wires they now land on. Each
        route depends only on where the cards are, so each wire is routed once, with every
        card in its new place."""
        sc = self.scene
        keys: set[tuple[str, str, int]] = set()
        for n in node_ids:
            if not placed:
                self.card_placed(n)
            keys |= sc._node_edges.get(n, set())
            if not self.plain:
                keys |= self._around.get(n, set())
        if not self.plain and not keys.issuperset(sc._edges):  # else: all are anyway
            for n in node_ids:
                keys |= self._wires_under(n, keys)
        # one document edit (Auto layout) far out: one redraw, not each wire's damage (a
        # drag step keeps the damage: its picture is patched, step after step)
        damage = not (placed and sc._overview.wires_changing(len(keys)))
        for key in keys:
            edge = sc._edges.get(key)
            if edge is not None:
                self.route(edge, damage)

    def node_removed(self, node_id: str) -> None:
        """The card is gone: the wires that went around it may go straight now."""
        self.card_gone(node_id)
        for key in list(self._around.pop(node_id, ())):
            edge = self.scene._edges.get(key)
            if edge is not None:
                self.route(edge)

    def forget(self, edge: EdgeItem) -> None:
        self._set_around(edge, frozenset())
        self._unfile_wire(edge.key)

    # --- helpers ----------------------------------------------------------------------------

    def _set_around(self, edge: EdgeItem, around: frozenset[str]) -> None:
        if around == edge.around:
            return
        key = edge.key
        for n in edge.around - around:
            keys = self._around.get(n)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._around[n]
        for n in around - edge.around:
            self._around[n].add(key)
        edge.around = around

    def _file_wire(self, edge: EdgeItem) -> None:
        key = edge.key
        r = edge.path_rect  # the curve itself (tighter than its hull)
        box = (r.left(), r.top(), r.right(), r.bottom())
        old = self._wire_at.get(key)
        if old is not None and old[0] == box:
            return
        self._unfile_wire(key)
        i0, i1 = int(box[0] // WIRE_CELL), int(box[2] // WIRE_CELL)
        j0, j1 = int(box[1] // WIRE_CELL), int(box[3] // WIRE_CELL)
        if (i1 - i0 + 1) * (j1 - j0 + 1) > WIDE:
            self._wide.add(key)
            self._wire_at[key] = (box, [])
            return
        cells = [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]
        grid = self._wire_cells
        for c in cells:
            grid[c].add(key)
        self._wire_at[key] = (box, cells)

    def _unfile_wire(self, key: tuple[str, str, int]) -> None:
        old = self._wire_at.pop(key, None)
        if old is None:
            return
        self._wide.discard(key)
        grid = self._wire_cells
        for c in old[1]:
            keys = grid[c]
            keys.discard(key)
            if not keys:
                del grid[c]

    def _boxes(self, rect: R.Box, skip: tuple[str, ...], margin: float = R.MARGIN
               ) -> list[tuple[str, R.Box]]:
        """The cards (their bodies grown by ``margin``) near ``rect``, not those in ``skip``."""
        m = margin
        left, top, right, bottom = rect[0] - m, rect[1] - m, rect[2] + m, rect[3] + m
        ids: set[str] = set()
        cells = self._cells
        for i in range(int(left // CELL), int(right // CELL) + 1):
            for j in range(int(top // CELL), int(bottom // CELL) + 1):
                found = cells.get((i, j))
                if found:
                    ids |= found
        out = []
        body = self._body
        for n in ids:
            if n in skip:
                continue
            b = body[n][0]
            if b[0] - m < right and b[2] + m > left and b[1] - m < bottom and b[3] + m > top:
                out.append((n, (b[0] - m, b[1] - m, b[2] + m, b[3] + m)))
        return out

    def _wires_under(self, node_id: str, known: set[tuple[str, str, int]]
                     ) -> set[tuple[str, str, int]]:
        """Wires (not its own, nor in ``known``) that pass through the card's body now."""
        item = self.scene._nodes.get(node_id)
        if item is None:
            return set()
        r = item.body.translated(item.pos())
        box = left, top, right, bottom = r.left(), r.top(), r.right(), r.bottom()
        keys = set(self._wide)
        grid = self._wire_cells
        for i in range(int(left // WIRE_CELL), int(right // WIRE_CELL) + 1):
            for j in range(int(top // WIRE_CELL), int(bottom // WIRE_CELL) + 1):
                found = grid.get((i, j))
                if found:
                    keys |= found
        out = set()
        edges, at = self.scene._edges, self._wire_at
        for key in keys:
            if key in known:
                continue
            w = at[key][0]
            if not (w[0] <= right and w[2] >= left and w[1] <= bottom and w[3] >= top):
                continue
            other = edges.get(key)
            if (other is not None and node_id not in (other.from_id, other.to_id)
                    and R.hits_box(other.points, box)):
                out.add(key)
        return out
