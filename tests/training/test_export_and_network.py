"""Headless: exported scripts reproduce the trainer's predictions; the network graph's grads
equal the engine's (tests for playground.training.{export,network,snapshot})."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.engine.losses import LOSSES
from playground.graph.evaluate import evaluate
from playground.graph.from_value import from_value
from playground.training.config import TrainConfig
from playground.training.export import ExportData, engine_script, torch_script
from playground.training.network import NODE_LIMIT, estimate_nodes, network_graph
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import Trainer


def _trained(config: TrainConfig, steps: int) -> Trainer:
    t = Trainer(config)
    t.run(steps)
    return t


def _run_script(path: Path) -> list[tuple[list[float], int, int]]:
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("accuracy"):
            continue
        _i, outputs, guess, label = line.split("\t")
        rows.append(([float(v) for v in outputs.split()], int(guess), int(label)))
    return rows


def _export_data(t: Trainer) -> ExportData:
    return ExportData(t.train_set.X, t.train_set.y, t.train_set.classes, "test run")


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig.preset("lecture"),
        TrainConfig(n_samples=40),  # micrograd's demo net on fewer points
        TrainConfig(dataset="blobs", n_classes=3, loss="cross_entropy", hidden=(8,),
                    activation="sigmoid", optimizer="adam", lr=0.05, test_fraction=0.25),
    ],
    ids=["lecture", "demo", "blobs-3-classes"],
)
def test_engine_script_prints_the_trainers_predictions(tmp_path: Path, config: TrainConfig):
    t = _trained(config, 15)
    snap = ModelSnapshot.of(t)
    path = tmp_path / "model.py"
    path.write_text(engine_script(snap, _export_data(t)))
    rows = _run_script(path)
    expected = t.model.predict(t.train_set.X)
    assert len(rows) == len(t.train_set)
    got = np.array([r[0] for r in rows])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert [r[1] for r in rows] == t.predict(t.train_set.X).tolist()
    assert [r[2] for r in rows] == t.train_set.y.tolist()


@pytest.mark.slow  # importing torch takes seconds
def test_torch_script_prints_the_same_predictions(tmp_path: Path):
    pytest.importorskip("torch")
    t = _trained(TrainConfig(n_samples=30, hidden=(6, 5)), 10)
    path = tmp_path / "model_torch.py"
    path.write_text(torch_script(ModelSnapshot.of(t), _export_data(t)))
    rows = _run_script(path)
    np.testing.assert_allclose([r[0] for r in rows], t.model.predict(t.train_set.X),
                               rtol=1e-12, atol=1e-12)


def test_scripts_are_plain_python_with_the_weights_written_exactly():
    t = _trained(TrainConfig.preset("lecture"), 3)
    snap = ModelSnapshot.of(t)
    text = engine_script(snap, _export_data(t))
    compile(text, "<engine>", "exec")
    compile(torch_script(snap, _export_data(t)), "<torch>", "exec")
    W, b = snap.weights[0]
    assert repr(float(W[0, 0])) in text and repr(float(b[-1])) in text
    assert "import torch" not in text and "playground" in text


def test_snapshot_rebuilds_the_same_model():
    t = _trained(TrainConfig(n_samples=30), 5)
    snap = ModelSnapshot.of(t)
    X = t.train_set.X
    np.testing.assert_allclose(snap.outputs(X), t.model.predict(X), rtol=0, atol=0)
    assert snap.classes(X).tolist() == t.predict(X).tolist()
    scalar = snap.scalar_mlp()
    np.testing.assert_allclose([scalar(list(x)).data for x in X], snap.outputs(X)[:, 0],
                               rtol=1e-12, atol=1e-12)
    assert snap.describe() == "MLP 2-16-16-1 (relu, linear output)"
    assert snap.step == 5 and snap.n_parameters == 337


def _engine_grads(snap: ModelSnapshot, x, label: int, loss: str) -> list[float]:
    """d loss / d every parameter for one sample, with the engine's own scalar MLP."""
    model = snap.scalar_mlp()
    out = model(list(map(float, x)))
    kind = LOSSES[loss].targets
    target = (1.0 if label else -1.0) if kind == "signs" else (
        float(label) if kind == "binary" else label)
    value = LOSSES[loss].fn([out], [target])  # one sample: a Value, or a row of K
    value.backward()
    return [p.grad for p in model.parameters()]


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig.preset("lecture"),
        TrainConfig(dataset="xor", hidden=(5,), loss="bce", activation="tanh", lr=0.3),
        TrainConfig(dataset="spiral", n_classes=3, loss="cross_entropy", hidden=(6,)),
    ],
    ids=["lecture", "xor-bce", "spiral-ce"],
)
def test_network_graph_grads_equal_the_engines(config: TrainConfig):
    t = _trained(config, 4)
    snap = ModelSnapshot.of(t)
    i = 1
    x, label = t.train_set.X[i], int(t.train_set.y[i])
    graph = network_graph(snap, x, label, config.loss)
    assert graph.scope == "network"
    doc = from_value(graph.root)
    assert len(doc) == graph.n_nodes <= NODE_LIMIT
    ev = evaluate(doc, backward=True)
    assert ev.ok() and ev.output == "loss"
    expected = _engine_grads(snap, x, label, config.loss)
    # engine order: per layer, per neuron: its weights then its bias (names count from 1)
    order = []
    for k, (W, _b) in enumerate(snap.weights, start=1):
        for j in range(1, W.shape[1] + 1):
            order += [f"w{k}_{j}_{i_}" for i_ in range(1, W.shape[0] + 1)] + [f"b{k}_{j}"]
    assert set(order) == set(graph.params)
    got = [ev.results[name].grad for name in order]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_big_network_shows_its_output_layer_and_says_so():
    t = _trained(TrainConfig(), 2)  # 2-16-16-1: about a thousand nodes
    snap = ModelSnapshot.of(t)
    assert estimate_nodes(snap) > NODE_LIMIT
    x, label = t.train_set.X[0], int(t.train_set.y[0])
    graph = network_graph(snap, x, label, "svm")
    assert graph.scope == "output_layer"
    assert graph.n_nodes < 100
    assert "too many to read" in graph.note and "h2_1 ... h2_16" in graph.note
    assert [v.label for v in graph.outputs] == ["out"]
    ev = evaluate(from_value(graph.root), backward=True)
    expected = _engine_grads(snap, x, label, "svm")[-17:]  # the output neuron: 16 w + b
    got = [ev.results[f"w3_1_{i}"].grad for i in range(1, 17)] + [ev.results["b3_1"].grad]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    whole = network_graph(snap, x, label, "svm", scope="network")
    assert whole.scope == "network" and whole.n_nodes > NODE_LIMIT
