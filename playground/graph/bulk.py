"""A networkx ``MultiDiGraph`` filled or copied in bulk, for graphs of tens of thousands of nodes.

networkx's ``add_nodes_from``/``add_edges_from`` and ``copy()`` check and build each item through
its general API: 1.5 s to fill, 1.2 s to copy the training network's 65,000 nodes and 125,000
wires. These write a fresh graph's dicts as ``MultiDiGraph.add_edge`` does (one key dict per
pair of nodes, shared by ``_succ[u][v]`` and ``_pred[v][u]``), with the same result. The
document (``GraphDocument.assemble``, ``replace_with``) is their one user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx


def fill_graph(g: nx.MultiDiGraph, nodes: Iterable[tuple[str, dict[str, Any]]],
               edges: Iterable[tuple[str, str, int]]) -> None:
    """Add ``nodes`` (id, attribute dict: kept, not copied) and ``edges`` (source, target,
    key) to the empty graph ``g``. Trusted: every edge's ends are among ``nodes``."""
    node, succ, pred = g._node, g._succ, g._pred
    for n, attrs in nodes:
        node[n] = attrs
        succ[n] = {}
        pred[n] = {}
    for s, t, k in edges:
        keys = succ[s].get(t)
        if keys is None:
            keys = succ[s][t] = pred[t][s] = {}
        keys[k] = {}


def copy_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g.copy()`` as networkx makes it (each node's and edge's attribute dict copied, the
    values in them shared), 1.6-2x faster."""
    new = nx.MultiDiGraph()
    new.graph.update(g.graph)
    node, succ, pred = new._node, new._succ, new._pred
    for n, attrs in g._node.items():
        node[n] = attrs.copy()
        succ[n] = {}
        pred[n] = {}
    for s, targets in g._succ.items():
        row = succ[s]
        for t, keys in targets.items():
            row[t] = pred[t][s] = {k: d.copy() for k, d in keys.items()}
    return new
