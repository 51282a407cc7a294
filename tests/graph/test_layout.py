"""Layered auto-layout: columns from topological generations, inputs left, doc untouched."""

from __future__ import annotations

import itertools

import networkx as nx

from playground.graph import GraphDocument
from playground.graph.layout import graph_layout, layered_layout
from tests.graph.helpers import lecture, random_graph


def test_lecture_columns_and_rows():
    doc = lecture()
    pos = layered_layout(doc)
    assert set(pos) == set(doc.node_ids())
    x = {n: p[0] for n, p in pos.items()}
    assert x["a"] == x["b"] == 0 and x["e"] == 180 and x["d"] == 360 and x["L"] == 540
    # c and f sit just before the op they feed, not far left
    assert x["c"] == x["e"] and x["f"] == x["d"]
    y = {n: p[1] for n, p in pos.items()}
    assert y["a"] < y["b"] and y["e"] < y["c"] and y["d"] < y["f"]  # input 0 above input 1


def test_every_edge_points_right_and_no_overlaps():
    doc = random_graph(300, seed=4)
    pos = layered_layout(doc, dx=100, dy=50, origin=(10, 20))
    for e in doc.edges():
        assert pos[e.source][0] < pos[e.target][0]
    assert len(set(pos.values())) == len(doc)
    # the drawing is centred on the origin's y, and cards in a column are a row apart
    ys = [p[1] for p in pos.values()]
    assert abs((min(ys) + max(ys)) / 2 - 20) < 1e-9
    for x in {p[0] for p in pos.values()}:
        col = sorted(p[1] for p in pos.values() if p[0] == x)
        assert all(b - a >= 50 - 1e-9 for a, b in itertools.pairwise(col))


def test_does_not_touch_the_document():
    doc = lecture()
    before = doc.to_data()
    events = []
    doc.subscribe(events.append)
    layered_layout(doc)
    assert doc.to_data() == before and events == []


def test_empty_isolated_and_cyclic():
    assert layered_layout(GraphDocument()) == {}
    doc = GraphDocument()
    doc.add_node("value", node_id="x")
    assert layered_layout(doc) == {"x": (0.0, 0.0)}
    g = nx.MultiDiGraph([("a", "b"), ("b", "a")])
    assert len(set(graph_layout(g).values())) == 2  # a plain grid, no exception


def test_5000_nodes_is_quick():
    import time

    doc = random_graph(5_000, seed=0)
    t = time.thread_time()
    layered_layout(doc)
    assert time.thread_time() - t < 2.0
