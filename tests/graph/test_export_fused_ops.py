"""The fused tensor ops (linear, sumsq, hinge) on the canvas: evaluated like the engine, and
exported as Python and PyTorch scripts that reproduce the evaluation."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from playground.engine.tensor import Tensor, hinge, linear, sumsq
from playground.graph import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.export import to_python, to_torch
from tests.graph.helpers import op, values
from tests.graph.test_export import assert_matches, run_scripts

HAS_TORCH = importlib.util.find_spec("torch") is not None

X = [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]
W = [[0.3, -0.2], [0.1, 0.4]]
B = [0.05, -0.1]
T = [[1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]]


def fused_doc() -> GraphDocument:
    """loss = hinge(linear(x, W, b), t) + sumsq(W)."""
    doc = GraphDocument()
    values(doc, x=X, W=W, b=B, t=T)
    op(doc, "z", "linear", "x", "W", "b")
    op(doc, "h", "hinge", "z", "t")
    op(doc, "r", "sumsq", "W")
    op(doc, "loss", "add", "h", "r")
    doc.set_output("loss")
    return doc


def test_fused_ops_evaluate_like_the_engine() -> None:
    ev = evaluate(fused_doc(), backward=True)
    assert ev.ok() and ev.engine == "tensor"
    x, w, b = (Tensor(np.array(v), requires_grad=True) for v in (X, W, B))
    loss = hinge(linear(x, w, b), np.array(T)) + sumsq(w)
    loss.backward()
    assert ev.results["loss"].data == pytest.approx(loss.item(), rel=1e-15)
    for name, leaf in (("x", x), ("W", w), ("b", b)):
        np.testing.assert_allclose(ev.results[name].grad, leaf.grad, rtol=1e-15, atol=1e-15)


def test_fused_ops_report_shape_problems_on_the_node() -> None:
    doc = GraphDocument()
    values(doc, x=X, W=W, b=[1.0, 2.0, 3.0])
    op(doc, "z", "linear", "x", "W", "b")
    ev = evaluate(doc)
    assert ev.results["z"].error is not None and ev.results["z"].data is None


def test_fused_ops_export_to_scripts_that_reproduce_the_evaluation(tmp_path) -> None:
    doc = fused_doc()
    codes = {"python": to_python(doc)}
    assert "from playground.engine.tensor import hinge, linear, sumsq" in codes["python"]
    if HAS_TORCH:
        codes["torch"] = to_torch(doc)
    got = run_scripts(codes, tmp_path)
    for name in codes:
        assert_matches(doc, got[name], rtol=1e-12)
