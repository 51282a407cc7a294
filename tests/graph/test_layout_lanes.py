"""Auto layout reserves lanes for long wires and does not add crossings.

The wires are checked in a headless model of the canvas (the layout knows no card sizes): a
card is a CARD_W x CARD_H box at its position (the canvas's cards are about 130-150 x 69 px at
the Auto layout gaps of 200 x 100); a wire leaves its source's right edge and enters its
target's left edge at card-centre height, runs level across every column band it passes
(through its lane), and goes straight from one column band to the next. That is the path the
canvas's router draws through free bands (graph/routing.py, whose box test this uses).
"""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest

from playground.graph import io
from playground.graph.examples import resource_path
from playground.graph.expr import parse
from playground.graph.layout import layered_plan
from playground.graph.routing import segment_hits
from tests.graph import old_layout
from tests.graph.helpers import random_graph

DX, DY = 200.0, 100.0  # the Auto layout action's gaps (ui/commands AUTO_LAYOUT_GAPS)
CARD_W, CARD_H = 150.0, 70.0

Point = tuple[float, float]


def examples() -> list[str]:
    return sorted(p.name for p in resource_path("examples").glob("*.json"))


def example_graph(name: str):
    return io.load(resource_path("examples") / name).graph


def wire_segments(pos, lanes, s, t) -> list[tuple[Point, Point]]:
    """The wire s -> t as straight segments (see the module's text)."""
    h = CARD_H / 2
    pts = [(pos[s][0] + CARD_W, pos[s][1] + h)]
    for x, y in lanes.get((s, t), []):
        pts += [(x, y + h), (x + CARD_W, y + h)]
    pts.append((pos[t][0], pos[t][1] + h))
    return list(pairwise(pts))


def wires_through_cards(g, pos, lanes) -> list[tuple[str, str, str]]:
    hits = []
    for s, t in set(g.edges()):
        for a, b in wire_segments(pos, lanes, s, t):
            for n, (x, y) in pos.items():
                if n not in (s, t) and segment_hits(a, b, (x, y, x + CARD_W, y + CARD_H)):
                    hits.append((s, t, n))
    return hits


def count_crossings(g, pos, lanes) -> int:
    """Pairs of wires (not sharing a card) whose segments cross."""
    wires = {(s, t): wire_segments(pos, lanes, s, t) for s, t in set(g.edges())}
    total = 0
    for (e1, segs1), (e2, segs2) in combinations(wires.items(), 2):
        if set(e1) & set(e2):
            continue
        if any(_cross(a, b, c, d) for a, b in segs1 for c, d in segs2):
            total += 1
    return total


def _cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


TANH = "x = 3.0\ny = x * (x + 1).tanh()"


def test_the_wire_from_x_to_y_runs_in_a_lane_beside_plus_and_tanh():
    g = parse(TANH).graph
    plan = layered_plan(g, DX, DY)
    x = next(n for n in g if g.nodes[n].get("label") == "x")
    y = next(n for n in g if g.nodes[n].get("label") == "y")
    assert len(plan.lanes[(x, y)]) == 2  # the columns of + and tanh
    assert wires_through_cards(g, plan.positions, plan.lanes) == []
    # the old layout put the wire under the + card: the check above can fail
    old = old_layout.graph_layout(g, DX, DY)
    assert any(hit[:2] == (x, y) for hit in wires_through_cards(g, old, {}))


@pytest.mark.parametrize("name", examples())
def test_no_wire_passes_through_a_card_in_an_example(name):
    g = example_graph(name)
    plan = layered_plan(g, DX, DY)
    assert wires_through_cards(g, plan.positions, plan.lanes) == []


@pytest.mark.parametrize("name", examples())
def test_crossings_do_not_increase_over_the_old_layout(name):
    g = example_graph(name)
    plan = layered_plan(g, DX, DY)
    new = count_crossings(g, plan.positions, plan.lanes)
    old = count_crossings(g, old_layout.graph_layout(g, DX, DY), {})
    assert new <= old, f"{name}: {new} crossings, the old layout had {old}"


def test_a_random_graph_has_no_wire_through_a_card():
    g = random_graph(60, seed=3).graph
    plan = layered_plan(g, DX, DY)
    assert wires_through_cards(g, plan.positions, plan.lanes) == []


def test_sweeps_uncross_a_twisted_pair():
    # a feeds q's slot 1 and b feeds its slot 0 below it, in document order: the sweeps
    # swap a and b so the two wires arrive without crossing.
    doc = parse("a = 1.0\nb = 2.0\nq = b - a").graph
    pos = layered_plan(doc, DX, DY).positions
    a = next(n for n in doc if doc.nodes[n].get("label") == "a")
    b = next(n for n in doc if doc.nodes[n].get("label") == "b")
    assert pos[b][1] < pos[a][1]
