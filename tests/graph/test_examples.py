"""Bundled examples: found through resource_path, load, evaluate, match the reference."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.engine import Tensor
from playground.graph import io
from playground.graph.evaluate import evaluate
from playground.graph.examples import example_path, list_examples, resource_path

NAMES = {
    "lecture",
    "neuron",
    "polynomial",
    "xy_plus_z",
    "a_plus_a",
    "shared_nodes",
    "micrograd_readme",
    "tensor_layer",
}


def ev_of(name: str):
    doc = io.load(example_path(name))
    ev = evaluate(doc, backward=True)
    assert ev.ok(), (name, ev.problems, ev.errors())
    return doc, ev


def by_label(doc, ev, attr: str) -> dict:
    return {doc.label(n): getattr(ev.results[n], attr) for n in doc.node_ids() if doc.label(n)}


def test_examples_are_listed_with_descriptions():
    found = {e.name: e for e in list_examples()}
    assert set(found) >= NAMES
    for e in found.values():
        assert e.description and e.title and e.path.is_file()
        data = json.loads(e.path.read_text())
        assert all("pos" in n for n in data["nodes"])


def test_resource_path_finds_the_source_resources_folder():
    assert resource_path("examples", "neuron.json").is_file()
    assert example_path("neuron.json") == example_path("neuron")
    with pytest.raises(FileNotFoundError, match="no example 'nope'"):
        example_path("nope")


def test_lecture():
    doc, ev = ev_of("lecture")
    assert ev.results[ev.output].data == -8.0
    assert by_label(doc, ev, "grad") == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "f": 4.0,
        "d": -2.0,
        "e": -2.0,
        "L": 1.0,
    }


def test_neuron():
    doc, ev = ev_of("neuron")
    data, grad = by_label(doc, ev, "data"), by_label(doc, ev, "grad")
    assert data["n"] == pytest.approx(0.8814, abs=1e-4)
    assert data["o"] == pytest.approx(0.7071, abs=1e-4)
    expected = {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5}
    for k, v in expected.items():
        assert grad[k] == pytest.approx(v, abs=1e-12), k


def test_polynomial():
    doc, ev = ev_of("polynomial")
    assert ev.results[ev.output].data == 20.0
    assert by_label(doc, ev, "grad")["x"] == 14.0


def test_xy_plus_z():
    doc, ev = ev_of("xy_plus_z")
    grad, data = by_label(doc, ev, "grad"), by_label(doc, ev, "data")
    assert grad["x"] == data["y"] and grad["y"] == data["x"] and grad["z"] == 1.0


def test_a_plus_a():
    doc, ev = ev_of("a_plus_a")
    assert by_label(doc, ev, "grad")["a"] == 2.0 and ev.results[ev.output].data == 6.0


def test_shared_nodes():
    doc, ev = ev_of("shared_nodes")
    assert ev.results[ev.output].data == -6.0
    grad = by_label(doc, ev, "grad")
    assert grad["a"] == -3.0 and grad["b"] == -8.0


def test_micrograd_readme():
    _doc, ev = ev_of("micrograd_readme")
    assert ev.results[ev.output].data == pytest.approx(24.7041, abs=1e-4)
    grad = {n: ev.results[n].grad for n in ("a", "b")}
    assert grad["a"] == pytest.approx(138.8338, abs=1e-4)
    assert grad["b"] == pytest.approx(645.5773, abs=1e-4)


def test_tensor_layer_matches_the_tensor_engine():
    doc, ev = ev_of("tensor_layer")
    assert ev.engine == "tensor"
    X, W, b = (Tensor(doc.value(n), requires_grad=True) for n in ("X", "W", "b"))
    s = (X @ W + b).tanh().sum()
    s.backward()
    assert ev.results["s"].data == pytest.approx(float(s.data))
    for name, t in {"X": X, "W": W, "b": b}.items():
        np.testing.assert_allclose(ev.results[name].grad, t.grad, rtol=1e-12)
    ops = {doc.op_name(n) for n in doc.node_ids()}
    assert {"matmul", "tanh", "sum"} <= ops


def test_resource_path_prefers_the_packaged_folder(tmp_path, monkeypatch):
    """In a wheel or a PyInstaller bundle, resources/ lives inside the package."""
    from playground.graph import examples

    packaged = tmp_path / "playground"
    (packaged / "resources" / "examples").mkdir(parents=True)
    (packaged / "resources" / "examples" / "only.json").write_text('{"description": "d"}')
    monkeypatch.setattr(examples.resources, "files", lambda package: packaged)
    assert resource_path("examples") == packaged / "resources" / "examples"
    assert [e.name for e in list_examples()] == ["only"]
