"""The gradient check on tensor graphs: central differences element by element against
backward, on numbers worked out by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

import playground.teach.tensor_check as tc
from playground.graph.document import GraphDocument
from playground.teach import TeachError, element_name, tensor_gradient_check
from tests.teach.helpers import example, expression

# Y = X @ W = [[2, -1], [0.5, 3.5]] (no element near relu's kink at 0), R = relu(Y), s = sum(R).
LAYER = """\
X = [[1.0, 2.0], [-1.0, 3.0]]
W = [[1.0, -2.0], [0.5, 0.5]]
R = (X @ W).relu()
s = R.sum()
"""
# By hand, with the mask M = (Y > 0) = [[1, 0], [1, 1]]:
#   ds/dW = Xᵀ @ M = [[1, -1], [2, 3]] @ [[1, 0], [1, 1]] = [[0, -1], [5, 3]]
#   ds/dX = M @ Wᵀ = [[1, 0], [1, 1]] @ [[1, 0.5], [-2, 0.5]] = [[1, 0.5], [-1, 1]]
DW = {(0, 0): 0.0, (0, 1): -1.0, (1, 0): 5.0, (1, 1): 3.0}
DX = {(0, 0): 1.0, (0, 1): 0.5, (1, 0): -1.0, (1, 1): 1.0}


def test_matmul_relu_sum_agrees_with_the_hand_computed_grads():
    report = tensor_gradient_check(expression(LAYER), h=1e-3)
    assert [r.name for r in report.rows] == ["W", "X"]
    for row, hand in ((report.row("W"), DW), (report.row("X"), DX)):
        assert row.shape == (2, 2) and row.shape_text == "2×2"
        assert {e.index: e.analytic for e in row.elements} == hand  # backward, exactly
        for e in row.elements:  # relu is straight away from 0: the difference is exact
            assert e.numerical == pytest.approx(hand[e.index], abs=1e-9)
            assert e.ok
        assert row.ok and row.mark() == "✓ 4/4" and row.max_abs_error < 1e-9
    assert report.all_ok and report.out_shape == ()
    assert report.summary().startswith("h = 0.001: backward and the central difference agree")


def test_a_wrong_backward_grad_is_caught_at_its_element(monkeypatch):
    real = tc.evaluate

    def wrong_backward(doc, backward=False):
        ev = real(doc, backward=backward)
        if not backward:
            return ev
        w = next(n for n in doc.node_ids() if doc.label(n) == "W")
        grad = ev.results[w].grad.copy()
        grad[1, 0] = 4.0  # should be 5
        return replace(ev, results={**ev.results, w: replace(ev.results[w], grad=grad)})

    monkeypatch.setattr(tc, "evaluate", wrong_backward)
    report = tensor_gradient_check(expression(LAYER), h=1e-3)
    w = report.row("W")
    assert not report.all_ok and not w.ok and report.row("X").ok
    assert w.worst.index == (1, 0) and w.worst.analytic == 4.0
    assert w.worst.numerical == pytest.approx(5.0, abs=1e-9)
    assert w.max_abs_error == pytest.approx(1.0) and w.max_rel_error == pytest.approx(0.2)
    assert w.mark() == "✗ 1 of 4 miss" and [e.index for e in w.bad] == [(1, 0)]
    assert "misses for W[1, 0] (backward 4.0000, numeric 5.0000)" in report.summary()


def test_at_relus_kink_the_difference_sees_half_the_slope():
    # Y[0, 0] = 1*1 + 2*(-0.5) = 0 exactly: relu's kink. Backward takes relu'(0) = 0;
    # the central difference straddles the kink and finds the average slope, 0.5 · X[0, i].
    doc = expression(LAYER.replace("[0.5, 0.5]]", "[-0.5, 0.5]]"))
    report = tensor_gradient_check(doc, h=1e-3)
    w = report.row("W")
    e = w.element((0, 0))
    assert e.analytic == 0.0 and e.numerical == pytest.approx(0.5, abs=1e-9) and not e.ok
    assert w.worst.index in {(0, 0), (1, 0)}
    assert "At a kink" in report.summary()


def test_a_tensor_output_is_checked_as_the_sum_of_its_elements():
    doc = expression(LAYER.replace("s = R.sum()\n", ""))
    report = tensor_gradient_check(doc)
    assert report.out_shape == (2, 2) and report.all_ok
    assert {e.index: e.analytic for e in report.row("W").elements} == DW  # as with the sum
    assert "R is a 2×2 tensor: like Backward, the check differentiates the sum" in (
        report.summary())


def test_a_number_in_a_tensor_graph_is_one_element():
    doc = expression("X = [[1.0, 2.0], [-1.0, 3.0]]\nk = 2.0\ns = (X * k).sum()")
    report = tensor_gradient_check(doc)
    k = report.row("k")
    assert k.shape == () and k.shape_text == "a number" and k.mark() == "✓ 1/1"
    assert k.elements[0].index == () and k.elements[0].analytic == 5.0  # sum(X)
    assert element_name("k", ()) == "k" and element_name("W", (1, 0)) == "W[1, 0]"


def test_the_example_tensor_layer_agrees_and_the_document_is_untouched():
    doc = example("tensor_layer")
    before = doc.to_data()
    events = []
    doc.subscribe(events.append)
    report = tensor_gradient_check(doc)
    assert report.all_ok and {r.name for r in report.rows} == {"X", "W", "b"}
    assert report.row("b").shape_text == "(2,)" and report.checked == report.total == 14
    assert doc.to_data() == before and events == []


def test_a_big_leaf_is_sampled_evenly_and_says_so():
    doc = expression(f"x = {[0.1 * i for i in range(1000)]}\ns = (x * x).sum()")
    report = tensor_gradient_check(doc, max_elements=10)
    x = report.row("x")
    assert len(x.elements) == 10 and x.elements[0].index == (0,) and x.elements[-1].index == (999,)
    assert x.mark() == "✓ 10/10 (of 1000)"
    assert "checked 10 of 1000 elements" in report.summary()
    for e in x.elements:
        assert e.analytic == pytest.approx(2 * 0.1 * e.index[0])  # d(x²)/dx = 2x


def test_bad_input_is_a_teach_error_in_words():
    doc = expression(LAYER)
    with pytest.raises(TeachError, match="positive"):
        tensor_gradient_check(doc, h=0.0)
    with pytest.raises(TeachError, match="empty"):
        tensor_gradient_check(GraphDocument())
    broken = expression(LAYER)
    matmul = next(n for n in broken.node_ids() if broken.op_name(n) == "matmul")
    broken.disconnect(matmul, 1)
    with pytest.raises(TeachError, match="needs its 'right' input: wire it first"):
        tensor_gradient_check(broken)
    mismatch = expression("X = [[1.0, 2.0, 3.0]]\nW = [[1.0], [2.0]]\ns = (X @ W).sum()")
    with pytest.raises(TeachError, match="shapes"):
        tensor_gradient_check(mismatch)


def test_a_nudge_that_breaks_forward_gives_nan_not_an_exception():
    # log at 0.0005 with h = 0.001: x − h is negative, so the difference is nan
    doc = expression("x = [0.0005, 1.0]\ns = x.log().sum()")
    report = tensor_gradient_check(doc, h=1e-3)
    x = report.row("x")
    assert math.isnan(x.element((0,)).numerical) and not x.element((0,)).ok
    assert x.element((1,)).ok and x.worst.index == (0,) and math.isnan(x.max_abs_error)
    assert not report.all_ok


def test_the_numbers_agree_with_numpy():
    doc = example("tensor_layer")
    report = tensor_gradient_check(doc, h=1e-5)
    X = np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]])
    W = np.array([[0.2, -0.5], [-0.4, 0.1], [0.9, 0.3]])
    b = np.array([0.1, -0.1])
    dpre = 1 - np.tanh(X @ W + b) ** 2  # s = sum(tanh(X @ W + b))
    hand = {"W": X.T @ dpre, "X": dpre @ W.T, "b": dpre.sum(axis=0)}
    for name, grad in hand.items():
        for e in report.row(name).elements:
            assert e.analytic == pytest.approx(grad[e.index], rel=1e-12)
            assert e.numerical == pytest.approx(grad[e.index], rel=1e-6)


def test_a_broken_node_the_output_does_not_use_is_no_obstacle():
    doc = expression(LAYER)
    s = next(n for n in doc.node_ids() if doc.label(n) == "s")
    doc.set_output(s)
    doc.add_node("op", op="matmul", label="loose")  # inputs not connected: an error
    report = tensor_gradient_check(doc)
    assert report.all_ok and [r.name for r in report.rows] == ["W", "X"]


def test_class_labels_are_not_checked_they_are_not_differentiable():
    """cross_entropy's targets take no gradient (as in PyTorch): nudging one by h makes it
    no class at all, so the check leaves them out instead of reporting a miss."""
    doc = GraphDocument()
    doc.add_node("value", label="Z", value=[[1.0, -0.5, 2.0], [0.3, 0.1, -1.0]], node_id="Z")
    doc.add_node("value", label="t", value=[0.0, 2.0], node_id="t")
    doc.add_node("op", op="cross_entropy", label="L", node_id="L")
    doc.connect("Z", "L", 0)
    doc.connect("t", "L", 1)
    report = tensor_gradient_check(doc, h=1e-4)
    assert [r.name for r in report.rows] == ["Z"] and report.all_ok
    z = np.array([[1.0, -0.5, 2.0], [0.3, 0.1, -1.0]])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[[0, 1], [0, 2]] -= 1.0  # d mean CE / dz = (softmax - onehot) / n
    for e in report.row("Z").elements:
        assert e.analytic == pytest.approx(p[e.index] / 2, rel=1e-12)


def test_an_op_still_being_wired_is_named_with_what_it_needs():
    """Not 'Y has a problem (input ... not connected): fix it first': the op is being built."""
    from playground.teach.bug import accumulation_bug

    doc = GraphDocument()
    doc.add_node("value", label="X", value=[[1.0, 2.0]], node_id="X")
    doc.add_node("op", op="matmul", label="Y", node_id="Y")
    doc.add_node("op", op="sum", label="s", node_id="s")
    doc.connect("X", "Y", 0)
    doc.connect("Y", "s", 0)
    with pytest.raises(TeachError, match=r"^Y needs its 'right' input: wire it first$"):
        tensor_gradient_check(doc)
    scalar = GraphDocument()
    scalar.add_node("value", label="a", value=2.0, node_id="a")
    scalar.add_node("op", op="mul", label="e", node_id="e")
    scalar.add_node("op", op="tanh", label="o", node_id="o")
    scalar.connect("a", "e", 0)
    scalar.connect("e", "o", 0)
    with pytest.raises(TeachError, match=r"waits for 'e', which needs its 'right' input"):
        accumulation_bug(scalar)


def test_a_stray_op_being_wired_does_not_stop_the_bug_demo():
    from playground.teach.bug import accumulation_bug
    from tests.teach.helpers import example as load_example

    doc = load_example("lecture")
    doc.add_node("op", op="tanh", label="t", node_id="stray")  # dropped, not wired yet
    assert accumulation_bug(doc).rows  # the lecture's own nodes, the stray one left out
    lecture = load_example("lecture")
    assert [r.node for r in accumulation_bug(doc).rows] == [
        r.node for r in accumulation_bug(lecture).rows]
