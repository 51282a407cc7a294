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
    # every node, as the lecture checks them: the leaves and e, d, L too
    assert {r.name: r.analytic for r in report.rows} == {"a": 6.0, "b": -4.0, "c": -2.0,
                                                        "f": 4.0, "e": -2.0, "d": -2.0,
                                                        "L": 1.0}
    assert {r.name for r in report.rows if r.leaf} == {"a", "b", "c", "f"}
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


def test_big_graphs_check_a_few_nodes_named_leaves_first():
    from tests.teach.helpers import expression

    lines = ["x0 = 0.5"] + [f"x{i} = (x{i - 1} * 0.9 + 0.1).tanh()" for i in range(1, 60)]
    doc = expression("\n".join(lines))
    report = gradient_check(doc, 1e-6, max_leaves=3)
    assert report.total_leaves == 296 and len(report.rows) == 3  # 119 leaves, 177 ops
    assert report.rows[0].name == "x0" and report.all_ok
    assert "checked 3 of 296 nodes" in report.summary()


def test_neuron_at_the_default_h_marks_nothing_as_a_miss():
    # The lecture's h = 0.001: x1's forward difference is -1.5032, 0.2% off, all of it the
    # bend of tanh over h (|f''|·h/2 = 0.0032); the verdict allows for it.
    report = gradient_check(example("neuron"), h=0.001)
    assert all(r.mark == "✓" for r in report.rows), [(r.name, r.mark) for r in report.rows]
    x1 = report.row("x1")
    assert x1.forward == pytest.approx(-1.5032, abs=1e-4) and x1.forward_ok
    want = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5, "o": 1.0}
    for label, grad in want.items():
        assert report.row(label).analytic == pytest.approx(grad, abs=1e-12)
        assert report.row(label).central == pytest.approx(grad, abs=1e-5)
    assert not report.row("n").leaf and report.row("x1*w1").analytic == pytest.approx(0.5)


def test_the_band_grows_with_h_and_with_rounding_and_never_passes_a_coarse_h():
    doc = example("neuron")
    x1 = ids(doc)["x1"]
    rows = {r.h: r for r in h_sweep(doc, x1, (0.1, 0.01, 1e-3, 1e-5, 1e-8, 1e-15))}
    # |d²o/dx1²| = w1² · 2·o·(1 − o²) = 9 · 0.7071 = 6.36: the band is SAFETY · 6.36 · h/2
    assert rows[1e-3].diff.forward_band == pytest.approx(2 * 6.364 * 1e-3 / 2, rel=1e-2)
    assert rows[1e-5].diff.forward_band < rows[1e-3].diff.forward_band / 50
    # too wide a chord (2% off at h = 0.01) and rounding at 1e-15 cannot confirm the grad
    assert not rows[0.1].forward_ok and not rows[0.01].forward_ok
    assert not rows[1e-15].forward_ok and not rows[1e-15].central_ok
    assert all(rows[h].forward_ok and rows[h].central_ok for h in (1e-3, 1e-5, 1e-8))


def test_a_wrong_grad_is_caught_where_the_band_is_narrow():
    from playground.teach.numeric import Replay, differences

    replay = Replay(example("neuron"))
    base = replay.values()
    n = ids(replay.doc)["x1"]
    right = differences(replay, base, -1.5, n, 1e-3)
    wrong = differences(replay, base, -1.5 * 1.003, n, 1e-3)  # 0.3% off
    assert right.central_ok and not wrong.central_ok


def test_an_interior_nudge_recomputes_only_its_downstream():
    from playground.teach import Replay

    doc = example("lecture")
    replay = Replay(doc)
    e, d_, L = (ids(doc)[k] for k in ("e", "d", "L"))
    assert replay.downstream(e) == [d_, L] and replay.downstream(L) == []
    base = replay.values()
    calls = []
    real = replay._apply
    replay._apply = lambda n, values: calls.append(n) or real(n, values)
    # d.data += h, then L = d·f again: (d + h)·f with f = -2
    assert replay.nudged(base, d_, 0.5) == (4.0 + 0.5) * -2.0
    assert calls == [L]
    w = wiggle(doc, d_, 0.1)
    assert w.actual == pytest.approx(-0.2) and w.predicted == pytest.approx(-0.2) and not w.leaf
