"""The auto-layout as it was before lanes (commit 56e6767), kept as the reference the new one
must not do worse than (tests/graph/test_layout_lanes.py counts crossings in both).

Columns from networkx's topological generations, inputs on the left.

``layered_layout(doc)`` returns ``{node_id: (x, y)}`` and never changes the document (the
"Auto layout" action turns the positions into undoable moves). Columns are the topological
generations (a node sits one column right of its latest input); a source (a value) is then
pulled right to just before its first consumer, so ``f`` in ``L = d * f`` sits next to ``*``,
not far left. Within a column, nodes are ordered by the mean row of their neighbours (a few
barycentre sweeps, to uncross wires), and each column is centred on y = 0.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

COLUMN_GAP = 180.0
ROW_GAP = 100.0


def graph_layout(
    g: nx.MultiDiGraph,
    dx: float = COLUMN_GAP,
    dy: float = ROW_GAP,
    origin: tuple[float, float] = (0.0, 0.0),
) -> dict[str, tuple[float, float]]:
    """``layered_layout`` for a bare networkx graph (edges' keys are slots, if any)."""
    if len(g) == 0:
        return {}
    try:
        generations = list(nx.topological_generations(g))
    except nx.NetworkXUnfeasible:  # a cycle (only in a broken file): a plain grid
        return _grid(list(g.nodes), dx, dy, origin)
    column: dict[Hashable, int] = {}
    for i, gen in enumerate(generations):
        for n in gen:
            column[n] = i
    for n in g.nodes:
        if g.in_degree(n) == 0 and g.out_degree(n) > 0:
            column[n] = min(column[c] for c in g.successors(n)) - 1
    n_cols = max(column.values()) + 1
    columns: list[list[Hashable]] = [[] for _ in range(n_cols)]
    for n in g.nodes:  # document order inside a column to start with
        columns[column[n]].append(n)
    _uncross(g, columns)
    x0, y0 = origin
    pos: dict[str, tuple[float, float]] = {}
    for c, nodes in enumerate(columns):
        top = -(len(nodes) - 1) / 2
        for r, n in enumerate(nodes):
            pos[n] = (x0 + c * dx, y0 + (top + r) * dy)  # type: ignore[index]
    return pos


def _uncross(g: nx.MultiDiGraph, columns: list[list[Hashable]], sweeps: int = 4) -> None:
    """Reorder each column by the barycentre of its neighbours' rows (in place)."""

    def rows() -> dict[Hashable, float]:
        out: dict[Hashable, float] = {}
        for nodes in columns:
            top = -(len(nodes) - 1) / 2
            for r, n in enumerate(nodes):
                out[n] = top + r
        return out

    def slot(k: object) -> float:
        return 0.01 * k if isinstance(k, int) else 0.0

    def upstream(n: Hashable) -> list[float]:
        return [row[s] for s, _, _ in g.in_edges(n, keys=True)]

    def downstream(n: Hashable) -> list[float]:
        return [row[t] + slot(k) for _, t, k in g.out_edges(n, keys=True)]

    for sweep in range(sweeps):
        row = rows()
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for c in indices:
            keyed = []
            for i, n in enumerate(columns[c]):
                nbrs = upstream(n) if forward else []
                if not nbrs:  # a source, or the backward sweep: follow the consumers
                    nbrs = downstream(n)
                key = sum(nbrs) / len(nbrs) if nbrs else row[n]
                keyed.append((key, i, n))
            keyed.sort(key=lambda t: (t[0], t[1]))
            columns[c] = [n for _, _, n in keyed]
            top = -(len(keyed) - 1) / 2
            for r, n in enumerate(columns[c]):
                row[n] = top + r


def _grid(
    nodes: list[Hashable], dx: float, dy: float, origin: tuple[float, float]
) -> dict[str, tuple[float, float]]:
    per_row = max(1, int(len(nodes) ** 0.5))
    x0, y0 = origin
    return {
        n: (x0 + (i % per_row) * dx, y0 + (i // per_row) * dy)  # type: ignore[misc]
        for i, n in enumerate(nodes)
    }
