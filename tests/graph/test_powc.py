"""Constant exponents are constants (issue 14 §1): x**2 is one input, the 2 a parameter."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from playground.engine import Value
from playground.graph.evaluate import evaluate
from playground.graph.examples import resource_path
from playground.graph.expr import parse
from playground.graph.from_value import from_value
from playground.graph.io import load
from playground.ops import OPS, SCALAR
from playground.ops.chain import contributions


@pytest.mark.parametrize("exponent", [2, 3, -1, 0.5, 1.5, -2.5, 0])
@pytest.mark.parametrize("x", [0.7, 1.9, 3.3])
def test_powc_gradient_matches_central_differences(x: float, exponent: float) -> None:
    op = OPS["powc"]
    h = 1e-6
    out = op.forward(SCALAR, x, exponent=exponent)
    (d,) = contributions(op, [x], out, 1.0, SCALAR, {"exponent": exponent})
    slope = (x + h) ** exponent - (x - h) ** exponent
    assert math.isclose(d, slope / (2 * h), rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize("exponent", [2, 3, -1, 0.5, 0])
def test_powc_matches_torch(exponent: float) -> None:
    torch = pytest.importorskip("torch")
    for x in (-2.5, 0.0, 0.3, 4.0):
        v = Value(x)
        y = v**exponent
        y.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        ty = t**exponent
        ty.backward()
        for ours, theirs in ((y.data, ty.item()), (v.grad, t.grad.item())):
            assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs)


def test_expression_entry_makes_one_input_power_nodes_reading_like_micrograd() -> None:
    for text, exponent, data, grad in (("x = -3.0\ny = x**2", 2, 9.0, -6.0),
                                       ("x = -2.0\ny = x**-1", -1, -0.5, -0.25),
                                       ("x = 4.0\ny = x**0.5", 0.5, 2.0, 0.25)):
        doc = parse(text)
        assert doc.op_name("y") == "powc" and doc.params("y") == {"exponent": exponent}
        assert doc.inputs("y") == ["x"] and len(doc) == 2  # no node for the exponent
        ev = evaluate(doc, backward=True)
        assert ev.results["y"].data == data and ev.results["x"].grad == grad
        assert all(r.warning is None for r in ev.results.values())
    assert parse("x = 2.0\ny = 3.0\nz = x**y").op_name("z") == "pow"  # value ** value stays


def test_micrograd_readme_example_has_no_nan_for_its_negative_base() -> None:
    doc = load(resource_path("examples", "micrograd_readme.json"))
    ev = evaluate(doc, backward=True)
    assert [n for n, r in ev.results.items() if r.warning or r.error] == []
    assert ev.results["g2"].data == pytest.approx(24.7041, abs=1e-4)
    assert ev.results["a"].grad == pytest.approx(138.8338, abs=1e-4)
    assert ev.results["b"].grad == pytest.approx(645.5773, abs=1e-4)
    assert doc.op_name("f") == "powc" and doc.display_name("f") == "f"


def test_old_file_feeding_a_value_into_pows_exponent_still_means_value_power(
    tmp_path: Path,
) -> None:
    old = {"format": "backprop-playground", "version": 1, "nodes": [
        {"id": "x", "kind": "value", "label": "x", "value": -3.0, "pos": [0, 0]},
        {"id": "two", "kind": "value", "label": "2", "value": 2.0, "pos": [0, 100]},
        {"id": "y", "kind": "op", "op": "pow", "label": "y", "pos": [200, 0]}],
        "edges": [{"source": "x", "target": "y", "slot": 0},
                  {"source": "two", "target": "y", "slot": 1}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    doc = load(path)
    assert doc.op_name("y") == "pow"
    ev = evaluate(doc, backward=True)
    assert ev.results["y"].data == 9.0 and ev.results["x"].grad == -6.0
    assert math.isnan(ev.results["two"].grad)  # out·ln(−3): what value ** value means


def test_from_value_makes_powc_from_ours_and_from_micrograds_own_value() -> None:
    x = Value(-3.0, label="x")
    y = x**2
    y.label = "y"
    doc = from_value(y)
    assert doc.op_name("y") == "powc" and doc.params("y") == {"exponent": 2}
    micrograd = pytest.importorskip("micrograd.engine")
    a = micrograd.Value(-4.0)
    b = micrograd.Value(2.0)
    g = (a * b + b**3 + (a + a).relu()) ** 2
    g.backward()
    doc = from_value(g)
    ev = evaluate(doc, backward=True)
    out = doc.output_node()
    assert doc.op_name(out) == "powc" and ev.results[out].data == g.data
    assert all(r.warning is None for r in ev.results.values())


def test_an_unnamed_power_by_a_constant_is_named_as_the_lecture_writes_it():
    doc = parse("x = -3.0\ny = x**2 + x**-1\nz = (x*x)**0.5 + (-x)**3")
    names = {doc.display_name(n) for n in doc.node_ids()}
    assert {"x**2", "x**-1", "(x*x)**0.5", "(-x)**3"} <= names
    assert not any("powc" in name for name in names)
