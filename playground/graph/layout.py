"""Layered auto-layout (Sugiyama style): columns left to right, lanes for long wires.

``layered_layout(doc)`` returns ``{node_id: (x, y)}`` and never changes the document (the
"Auto layout" action turns the positions into undoable moves); ``layered_plan`` also returns
the lanes. The steps:

1. Columns are the topological generations (a node sits one column right of its latest
   input); a source (a value) is then pulled right to just before its first consumer, so
   ``f`` in ``L = d * f`` sits next to ``*``, not far left.
2. A wire that spans several columns gets a *lane*: a dummy position in every column it
   crosses, so that column keeps a free band for it and no card is put on its way (in
   ``y = x * (x + 1).tanh()`` the wire from x to * runs beside + and tanh, not under them).
3. The order within each column minimises crossings: barycentre sweeps down and up (each
   node or lane to the mean row of its neighbours in the column before or after; an input
   slot counts a little below the one before it, so slot 0's wire arrives above slot 1's),
   keeping the order with the fewest crossings seen.
4. Rows: each column is packed in that order (cards ``dy`` apart, a lane takes
   ``LANE_SHARE * dy``), then nudged towards its neighbours' rows (weighted least squares
   that keeps the order and the spacing) so lanes and chains run straight.

Positions are the cards' top-left corners; a lane point is where such a corner would be (the
wire runs through the card-centre height of it).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field

import networkx as nx

from playground.engine.value import paused_gc
from playground.graph.document import GraphDocument

COLUMN_GAP = 180.0
ROW_GAP = 100.0
LANE_SHARE = 0.4
"""A lane's height as a share of a card's row (``dy``): room for one wire and its margins."""
SWEEPS = 8
LANE_WEIGHT = 4.0
"""How much more a lane wants to stay in line with its neighbours than a card does."""


@dataclass
class Plan:
    """A layered layout: card positions and, per long wire (source, target), its lane."""

    positions: dict[str, tuple[float, float]]
    lanes: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    columns: list[list[Hashable]] = field(default_factory=list)
    """Each column top to bottom: node ids and lane points ``("lane", source, target, c)``."""


def layered_layout(
    doc: GraphDocument,
    dx: float = COLUMN_GAP,
    dy: float = ROW_GAP,
    origin: tuple[float, float] = (0.0, 0.0),
) -> dict[str, tuple[float, float]]:
    """Positions for every node of ``doc``: columns left to right, ``dx``/``dy`` apart."""
    return graph_layout(doc.graph, dx, dy, origin)


def graph_layout(
    g: nx.MultiDiGraph,
    dx: float = COLUMN_GAP,
    dy: float = ROW_GAP,
    origin: tuple[float, float] = (0.0, 0.0),
) -> dict[str, tuple[float, float]]:
    """``layered_layout`` for a bare networkx graph (edges' keys are slots, if any)."""
    return layered_plan(g, dx, dy, origin).positions


def columns_of(g: nx.MultiDiGraph) -> dict[Hashable, int] | None:
    """Each node's column (None for a graph with a cycle)."""
    try:
        generations = list(nx.topological_generations(g))
    except nx.NetworkXUnfeasible:
        return None
    column: dict[Hashable, int] = {}
    for i, gen in enumerate(generations):
        for n in gen:
            column[n] = i
    for n in g.nodes:
        if g.in_degree(n) == 0 and g.out_degree(n) > 0:
            column[n] = min(column[c] for c in g.successors(n)) - 1
    return column


@paused_gc()  # its many small lists and tuples all live until it returns
def layered_plan(
    g: nx.MultiDiGraph,
    dx: float = COLUMN_GAP,
    dy: float = ROW_GAP,
    origin: tuple[float, float] = (0.0, 0.0),
) -> Plan:
    """The layout with its lanes (see the module's text)."""
    if len(g) == 0:
        return Plan({})
    column = columns_of(g)
    if column is None:  # a cycle (only in a broken file): a plain grid
        return Plan(_grid(list(g.nodes), dx, dy, origin))
    n_cols = max(column.values()) + 1
    columns: list[list[Hashable]] = [[] for _ in range(n_cols)]
    for n in g.nodes:  # document order inside a column to start with
        columns[column[n]].append(n)
    # Segments between neighbouring columns: (upper end, lower end, slot at the lower end).
    ups: dict[Hashable, list[tuple[Hashable, float]]] = {n: [] for n in g.nodes}
    downs: dict[Hashable, list[tuple[Hashable, float]]] = {n: [] for n in g.nodes}
    chains: dict[tuple[Hashable, Hashable], list[Hashable]] = {}
    for s, t, k in g.edges(keys=True):
        slot = 0.01 * k if isinstance(k, int) else 0.0
        prev = s
        if column[t] - column[s] > 1:
            chain = chains.get((s, t))
            if chain is None:
                chain = chains[(s, t)] = []
                for c in range(column[s] + 1, column[t]):
                    lane = ("lane", s, t, c)
                    columns[c].append(lane)
                    ups[lane], downs[lane] = [(prev, 0.0)], []
                    downs[prev].append((lane, 0.0))
                    chain.append(lane)
                    prev = lane
            prev = chain[-1]
        ups[t].append((prev, 0.0))
        downs[prev].append((t, slot))
    columns = _order(columns, ups, downs)
    ys = _rows(columns, ups, downs, dy)
    x0, y0 = origin
    cards = [y for n, y in ys.items() if not _is_lane(n)]
    shift = y0 - (min(cards) + max(cards)) / 2
    positions: dict[str, tuple[float, float]] = {}
    lanes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for c, nodes in enumerate(columns):
        for n in nodes:
            p = (x0 + c * dx, ys[n] + shift)
            if _is_lane(n):
                lanes.setdefault((n[1], n[2]), []).append(p)  # type: ignore[index]
            else:
                positions[n] = p  # type: ignore[index]
    return Plan(positions, lanes, columns)


def _is_lane(n: Hashable) -> bool:
    return isinstance(n, tuple) and len(n) == 4 and n[0] == "lane"


def crossings(
    columns: list[list[Hashable]], downs: dict[Hashable, list[tuple[Hashable, float]]]
) -> int:
    """How many pairs of segments cross between neighbouring columns (slots count)."""
    total = 0
    for c in range(len(columns) - 1):
        below = {n: i for i, n in enumerate(columns[c + 1])}
        pairs = sorted(
            (i, below[t] + slot)
            for i, n in enumerate(columns[c])
            for t, slot in downs.get(n, ())
            if t in below
        )
        total += _inversions([p[1] for p in pairs])
    return total


def _inversions(seq: list[float]) -> int:
    """Pairs i < j with seq[i] > seq[j]."""
    seen: list[float] = []
    count = 0
    for v in seq:
        pos = bisect_right(seen, v)
        count += len(seen) - pos
        seen.insert(pos, v)
    return count


def _order(
    columns: list[list[Hashable]],
    ups: dict[Hashable, list[tuple[Hashable, float]]],
    downs: dict[Hashable, list[tuple[Hashable, float]]],
    sweeps: int = SWEEPS,
) -> list[list[Hashable]]:
    """Barycentre sweeps down and up; the order with the fewest crossings."""
    best = [list(c) for c in columns]
    best_count = crossings(best, downs)
    cols = [list(c) for c in columns]
    for sweep in range(sweeps):
        if best_count == 0:
            break
        rank = {n: i for col in cols for i, n in enumerate(col)}
        forward = sweep % 2 == 0
        indices = range(1, len(cols)) if forward else range(len(cols) - 2, -1, -1)
        for c in indices:
            keyed = []
            for i, n in enumerate(cols[c]):
                nbrs = [rank[u] for u, _ in ups[n]] if forward else []
                if not nbrs:  # a source, or the upward sweep: follow the consumers
                    nbrs = [rank[t] + slot for t, slot in downs[n]]
                key = sum(nbrs) / len(nbrs) if nbrs else float(i)
                keyed.append((key, i, n))
            keyed.sort(key=lambda t: (t[0], t[1]))
            cols[c] = [n for _, _, n in keyed]
            for r, n in enumerate(cols[c]):
                rank[n] = r
        count = crossings(cols, downs)
        if count < best_count:
            best, best_count = [list(c) for c in cols], count
    return best


def _rows(
    columns: list[list[Hashable]],
    ups: dict[Hashable, list[tuple[Hashable, float]]],
    downs: dict[Hashable, list[tuple[Hashable, float]]],
    dy: float,
) -> dict[Hashable, float]:
    """Each column packed in its order, then pulled towards its neighbours' rows."""
    lane = LANE_SHARE * dy

    def size(n: Hashable) -> float:
        return lane if _is_lane(n) else dy

    gaps = [[(size(a) + size(b)) / 2 for a, b in itertools.pairwise(col)]
            for col in columns]
    ys: dict[Hashable, float] = {}
    for col, gap in zip(columns, gaps, strict=True):
        y = -sum(gap) / 2
        for i, n in enumerate(col):
            ys[n] = y
            if i < len(gap):
                y += gap[i]
    order = list(range(len(columns)))
    for sweep in range(6):
        indices = order[1:] if sweep % 2 == 0 else order[-2::-1]
        for c in indices:
            col = columns[c]
            wanted, weights = [], []
            for n in col:
                nbrs = [ys[u] for u, _ in ups[n]] if sweep % 2 == 0 else []
                nbrs = nbrs or [ys[t] for t, _ in downs[n]]
                wanted.append(sum(nbrs) / len(nbrs) if nbrs else ys[n])
                weights.append(LANE_WEIGHT if _is_lane(n) else 1.0)
            for n, y in zip(col, _spaced_fit(wanted, weights, gaps[c]), strict=True):
                ys[n] = y
    return ys


def _spaced_fit(wanted: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Rows closest to ``wanted`` (weighted least squares) with row i+1 >= row i + gaps[i].

    With z_i = y_i - (gaps before i) the rule is z non-decreasing: pool adjacent violators.
    """
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    blocks: list[list[float]] = []  # [mean, weight, count]
    for w_i, o, wt in zip(wanted, offsets, weights, strict=True):
        blocks.append([w_i - o, wt, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks[-1]
            blocks[-1] = [(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2]
    out: list[float] = []
    for mean, _, count in blocks:
        out.extend([mean] * int(count))
    return [z + o for z, o in zip(out, offsets, strict=True)]


def _grid(
    nodes: list[Hashable], dx: float, dy: float, origin: tuple[float, float]
) -> dict[str, tuple[float, float]]:
    per_row = max(1, int(len(nodes) ** 0.5))
    x0, y0 = origin
    return {
        n: (x0 + (i % per_row) * dx, y0 + (i // per_row) * dy)  # type: ignore[misc]
        for i, n in enumerate(nodes)
    }
