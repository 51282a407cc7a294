"""Every lesson opens, and the numbers on its card are the engine's."""

from __future__ import annotations

import pytest

from playground.graph import params as P
from playground.graph.evaluate import evaluate
from playground.teach import LESSONS, gradient_check, h_sweep, lesson
from tests.teach.helpers import ids


def grads(key: str) -> tuple[dict[str, float], dict[str, float]]:
    doc = lesson(key).document()
    ev = evaluate(doc, backward=True)
    assert ev.ok()
    named = ids(doc)
    return ({k: ev.results[n].data for k, n in named.items()},
            {k: ev.results[n].grad for k, n in named.items()})


def test_every_lesson_opens_and_focuses_a_real_node():
    keys = [x.key for x in LESSONS]
    assert {"derivative", "partial", "chain", "plus_times", "a_plus_a", "neuron"} <= set(keys)
    for x in LESSONS:
        doc = x.document()
        assert x.focus in ids(doc), x.key
        assert x.tab in {"steps", "check", "wiggle", "bug", "expression"}
        assert 30 < len(x.card.split()) < 130, x.key  # short


def test_derivative_card():
    data, grad = grads("derivative")
    assert data["f"] == 20.0 and grad["x"] == 14.0
    doc = lesson("derivative").document()
    rows = {r.h: r for r in h_sweep(doc, ids(doc)["x"], (0.1, 0.001, 1e-15))}
    assert round(rows[0.001].forward, 3) == 14.003 and round(rows[0.1].forward, 3) == 14.3
    assert not rows[1e-15].forward_ok
    card = lesson("derivative").card
    for text in ("f = 20", "14.003", "6x − 4", "14.3", "1e-15"):
        assert text in card


def test_derivative_lesson_shows_its_constants_as_numbers():
    # f(x) = 3x² − 4x + 5: the learner sees 3, 2, 4 and 5, not const1, const2, ...
    doc = lesson("derivative").document()
    report = gradient_check(doc, 1e-3)
    # x² is powc, its 2 a number on the card (**2), not a node with a grad to check
    assert sorted(r.name for r in report.rows if r.leaf) == ["3", "4", "5", "x"]
    assert {r.name: r.data for r in report.rows}["4"] == 4.0
    (square,) = [n for n in doc.node_ids() if doc.op_name(n) == "powc"]
    assert P.symbol("powc", doc.params(square)) == "**2"  # what the card shows


def test_partial_card():
    _, grad = grads("partial")
    assert (grad["x"], grad["y"], grad["z"]) == (-3.0, 2.0, 1.0)
    assert "df/dx = y = −3, df/dy = x = 2" in lesson("partial").card


@pytest.mark.parametrize("key", ["chain", "plus_times"])
def test_chain_and_routing_cards(key):
    data, grad = grads(key)
    assert data["L"] == -8.0
    assert grad == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "d": -2.0, "e": -2.0, "L": 1.0}


def test_chain_card_has_the_car_bike_and_walking_man():
    card = lesson("chain").card
    assert "2 × 4 = 8" in card and "bike" in card and "walking man" in card


def test_a_plus_a_and_neuron_cards():
    _, grad = grads("a_plus_a")
    assert grad["a"] == 2.0
    data, grad = grads("neuron")
    assert round(data["n"], 4) == 0.8814 and round(data["o"], 4) == 0.7071
    assert grad["n"] == pytest.approx(0.5) and grad["w1"] == pytest.approx(1.0)
    assert grad["x1"] == pytest.approx(-1.5) and grad["w2"] == 0.0


def test_lesson_check_reports_are_clean_at_default_h():
    assert gradient_check(lesson("chain").document(), 1e-3).all_ok


def test_unknown_lesson():
    with pytest.raises(KeyError):
        lesson("nope")
