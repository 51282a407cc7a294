"""Finite differences and wiggle against backward (the lecture's numbers)."""

from __future__ import annotations

import pytest

from playground.graph.numbers import precise
from playground.teach import TeachError, gradient_check, h_sweep, wiggle
from tests.teach.helpers import example, ids


def test_lecture_check_with_h_0001_gives_the_lecture_numbers():
    report = gradient_check(example("lecture"), h=0.001)
    b = report.row("b")
    assert b.analytic == -4.0
    assert precise(b.forward).startswith("-3.99999")  # the lecture: -3.9999999999995595
    assert b.forward == pytest.approx(-4.0, abs=1e-9)
    assert {r.name: r.analytic for r in report.rows} == {"a": 6.0, "b": -4.0, "c": -2.0,
                                                        "f": 4.0}
    assert all(r.mark == "✓" for r in report.rows) and report.all_ok
    assert "agree" in report.summary()


def test_h_too_large_or_too_small_misleads_on_a_curve():
    doc = example("polynomial")
    x = ids(doc)["x"]
    rows = {r.h: r for r in h_sweep(doc, x)}
    assert rows[0.001].forward == pytest.approx(14.003, abs=1e-9)  # (f(3+h) - f(3)) / h
    assert rows[0.1].forward == pytest.approx(14.3, abs=1e-9) and not rows[0.1].forward_ok
    assert rows[1e-15].forward_error > 1 and not rows[1e-15].forward_ok
    assert rows[1e-5].forward_ok and rows[1e-8].forward_ok
    assert rows[0.1].central == pytest.approx(14.0, abs=1e-9)  # a parabola: central is exact
    report = gradient_check(doc, h=0.1)
    assert report.row("x").mark == "~" and not report.all_ok
    assert "x" in report.summary()


def test_wiggle_compares_actual_and_predicted():
    w = wiggle(example("lecture"), "a", 0.1)
    assert w.actual == pytest.approx(0.6) and w.predicted == pytest.approx(0.6)
    assert "dL/da · dx = 6.0000 · 0.1000 = +0.6000" in "\n".join(w.lines())
    doc = example("polynomial")
    w = wiggle(doc, ids(doc)["x"], 0.1)
    assert w.actual == pytest.approx(1.43) and w.predicted == pytest.approx(1.4)
    assert "bends" in w.verdict()
    assert wiggle(doc, ids(doc)["x"], 0.0).actual == 0.0


def test_bad_inputs_are_teach_errors():
    with pytest.raises(TeachError):
        gradient_check(example("lecture"), h=0.0)
    with pytest.raises(TeachError, match="tensors"):
        gradient_check(example("tensor_layer"))
    with pytest.raises(TeachError):
        wiggle(example("lecture"), "nope", 0.1)


def test_replay_backward_matches_the_reference_cases(gradcases):
    import math

    from playground.teach import Replay
    from tests.graph.test_evaluate import _build_case

    for case in gradcases:
        doc, leaves = _build_case(case)
        got = Replay(doc).grads()
        for leaf, ref in case["grads"].items():
            g = got.get(leaves[leaf], 0.0)
            assert (math.isnan(ref) and math.isnan(g)) or math.isclose(
                g, ref, rel_tol=1e-6, abs_tol=1e-9
            ), (case["id"], leaf)


def test_big_graphs_check_a_few_leaves_labelled_first():
    from tests.teach.helpers import expression

    lines = ["x0 = 0.5"] + [f"x{i} = (x{i - 1} * 0.9 + 0.1).tanh()" for i in range(1, 60)]
    doc = expression("\n".join(lines))
    report = gradient_check(doc, 1e-6, max_leaves=3)
    assert report.total_leaves == 119 and len(report.rows) == 3
    assert report.rows[0].name == "x0" and report.all_ok
    assert "checked 3 of 119 leaves" in report.summary()
