"""Headless: the network's graph by level (tests for playground.training.network_levels).

Grouping is an overlay: at every level the numbers are the flat graph's, node for node, and
they are the scalar engine's. The groups are layers of neuron groups, a neuron group holding
its weights, bias, products, sums and activation."""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.engine.data import moons
from playground.engine.nn import MLP
from playground.graph.evaluate import evaluate
from playground.graph.groups import Ports
from playground.training.config import TrainConfig
from playground.training.network_levels import (
    INPUTS,
    LEVELS,
    LOSS,
    layer_group,
    network_document,
    neuron_group,
)
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import Trainer


def _trained(config: TrainConfig, steps: int) -> tuple[ModelSnapshot, np.ndarray, np.ndarray]:
    t = Trainer(config)
    t.run(steps)
    return ModelSnapshot.of(t), t.train_set.X, t.train_set.y


@pytest.fixture(scope="module")
def lecture() -> tuple[ModelSnapshot, np.ndarray, np.ndarray]:
    return _trained(TrainConfig.preset("lecture"), 5)


def _numbers(doc) -> dict[str, tuple[float, float]]:
    ev = evaluate(doc, backward=True)
    assert ev.ok() and ev.backward
    return {n: (r.data, r.grad) for n, r in ev.results.items()}


@pytest.mark.parametrize("sample", [0, None])
def test_every_level_has_the_same_numbers_node_for_node(lecture, sample):
    snap, X, y = lecture
    docs = {lv: network_document(snap, X, y, "sse", level=lv, sample=sample, tensor=False).doc
            for lv in LEVELS}
    flat = _numbers(docs["scalars"])
    assert not docs["scalars"].groups()
    for level in ("layers", "neurons"):
        assert docs[level].groups()
        assert docs[level].node_ids() == docs["scalars"].node_ids()
        assert _numbers(docs[level]) == flat  # exactly: grouping changes no number


def test_the_numbers_are_the_lecture_codes(lecture):
    snap, X, y = lecture
    shown = network_document(snap, X, y, "sse", level="layers", sample=2)
    mlp = snap.scalar_mlp()
    target = 1.0 if y[2] == 1 else -1.0
    loss = (mlp([float(v) for v in X[2]]) - target) ** 2
    loss.backward()
    numbers = _numbers(shown.doc)
    assert numbers["loss"][0] == pytest.approx(loss.data, rel=1e-12)
    for k, layer in enumerate(mlp.layers, start=1):
        for j, neuron in enumerate(layer.neurons, start=1):
            for i, w in enumerate(neuron.w, start=1):
                assert numbers[f"w{k}_{j}_{i}"][1] == pytest.approx(w.grad, rel=1e-12, abs=1e-15)
            assert numbers[f"b{k}_{j}"][1] == pytest.approx(neuron.b.grad, rel=1e-12, abs=1e-15)


def test_lecture_mlp_at_layer_level_is_inputs_three_layers_and_the_loss(lecture):
    snap, X, y = lecture
    assert snap.nin == 3 and snap.nouts == (4, 4, 1)
    doc = network_document(snap, X, y, "sse", level="layers", sample=0).doc
    nodes, groups = doc.children(None)
    # sse = 0 + (out - y)**2: the sum's 0 feeds loss alone, so it stays beside it
    assert sorted(doc.label(n) for n in nodes) == ["0", "loss", "x1", "x2", "x3"]
    assert groups == [layer_group(1), layer_group(2), layer_group(3), LOSS]
    assert [doc.group_label(g) for g in groups] == ["Layer 1", "Layer 2", "Layer 3", "Loss"]
    ports = doc.ports(LOSS)  # the loss's steps: (out - y)**2, into loss
    assert ports.inputs == ("out",) and [doc.label(n) for n in ports.outputs] == ["(out-y)²"]
    assert [c.target for c in doc.consumers(ports.outputs[0])] == ["loss"]
    assert doc.marked_output == "loss"


def test_opening_a_card_goes_down_one_level(lecture):
    snap, X, y = lecture
    doc = network_document(snap, X, y, "sse", level="layers", sample=0).doc
    nodes, groups = doc.children(layer_group(2))
    assert nodes == [] and groups == [neuron_group(2, j) for j in range(1, 5)]
    assert doc.group_label(neuron_group(2, 3)) == "L2 neuron 3"
    nodes, groups = doc.children(neuron_group(2, 3))
    assert groups == []
    # its weights, bias, products, running sums, pre-activation and activation, today's names
    assert set(nodes) == {*(f"w2_3_{i}" for i in range(1, 5)), "b2_3",
                          *(f"wx2_3_{i}" for i in range(1, 5)),
                          *(f"s2_3_{i}" for i in range(1, 4)), "z2_3", "h2_3"}


def test_neuron_level_puts_every_neuron_at_the_top(lecture):
    snap, X, y = lecture
    doc = network_document(snap, X, y, "sse", level="neurons", sample=0).doc
    nodes, groups = doc.children(None)
    assert sorted(doc.label(n) for n in nodes) == ["0", "loss", "x1", "x2", "x3"]
    assert groups == [neuron_group(k, j) for k, n in ((1, 4), (2, 4), (3, 1))
                      for j in range(1, n + 1)] + [LOSS]


def test_a_neurons_ports_are_its_inputs_in_and_its_activation_out(lecture):
    snap, X, y = lecture
    doc = network_document(snap, X, y, "sse", level="layers", sample=0).doc
    first = doc.ports(neuron_group(1, 2))
    assert first.inputs == ("x1", "x2", "x3") and first.outputs == ("h1_2",)
    second = doc.ports(neuron_group(2, 4))
    assert second.inputs == ("h1_1", "h1_2", "h1_3", "h1_4") and second.outputs == ("h2_4",)
    # the weights sit inside: no weight is an input port
    assert not any(n.startswith(("w", "b")) for n in second.inputs)
    layer = doc.ports(layer_group(2))
    assert layer.inputs == ("h1_1", "h1_2", "h1_3", "h1_4")
    assert layer.outputs == ("h2_1", "h2_2", "h2_3", "h2_4")
    assert doc.ports(layer_group(3)).outputs == ("out",)


def test_a_sample_past_the_margin_gives_way_unless_chosen():
    snap, X, y = _trained(TrainConfig(n_samples=40), 30)
    from playground.training.network import zero_loss_samples

    zero = zero_loss_samples(snap, X, y, "svm")
    i = int(np.flatnonzero(zero)[0])
    shown = network_document(snap, X, y, "svm", sample=i)
    assert shown.samples != (i,) and f"sample {i}'s loss is exactly 0" in shown.note
    assert network_document(snap, X, y, "svm", sample=i, chosen=True).samples == (i,)


def test_the_whole_batch_is_one_graph_per_sample_and_the_mean_loss():
    snap, X, y = _trained(TrainConfig(n_samples=12, hidden=(3,)), 3)
    shown = network_document(snap, X, y, "svm", level="layers", sample=None, tensor=False)
    assert shown.batch and shown.samples == tuple(range(len(X)))
    numbers = _numbers(shown.doc)
    outs = snap.outputs(X)[:, 0]
    for s in range(len(X)):
        assert numbers[f"out_s{s}"][0] == pytest.approx(outs[s], rel=1e-12, abs=1e-15)
        assert shown.doc.label(f"h1_2_s{s}") == f"h1_2[{s}]"
    signs = np.where(y == 1, 1.0, -1.0)
    assert numbers["loss"][0] == pytest.approx(np.mean(np.maximum(0, 1 - signs * outs)))
    assert shown.loss == numbers["loss"][0]
    # the weights are shared: one node each, its grad summed over the samples by Backward
    mlp = snap.scalar_mlp()
    scores = [mlp([float(v) for v in x]) for x in X]
    total = sum((1 + -si * sc).relu() for si, sc in zip(signs, scores, strict=True))
    (total * (1.0 / len(X))).backward()
    assert numbers["w1_2_1"][1] == pytest.approx(mlp.layers[0].neurons[1].w[0].grad,
                                                 rel=1e-12, abs=1e-15)
    doc = shown.doc
    nodes, groups = doc.children(None)
    assert [doc.label(n) for n in nodes] == ["1/n", "loss"]
    assert groups == [INPUTS, layer_group(1), layer_group(2), LOSS]
    ports = doc.ports(neuron_group(1, 2))
    assert ports.outputs == tuple(f"h1_2_s{s}" for s in range(len(X)))  # one per sample


def test_a_graph_too_big_for_the_canvas_is_refused_saying_what_to_do():
    data = moons(100)
    m = MLP(2, [16, 16, 1], "relu", output_activation="linear", seed=1)
    snap = ModelSnapshot(2, (16, 16, 1), "relu", "linear", "zero", m.weights())
    with pytest.raises(ValueError, match=r"the whole batch as scalars would be about 65,\d+ "
                       r"nodes, more than the 20,000 the canvas handles: show it by layer"):
        network_document(snap, data.X, data.y, "svm", level="neurons", sample=None)
    big = MLP(2, [150, 150, 1], "relu", output_activation="linear", seed=1)
    snap = ModelSnapshot(2, (150, 150, 1), "relu", "linear", "zero", big.weights())
    with pytest.raises(ValueError, match="one sample would be about 69,"):
        network_document(snap, data.X, data.y, "svm", level="layers", sample=0)
    # by layer, the whole batch is in tensor ops: no limit to hit
    assert network_document(snap, data.X, data.y, "svm", level="layers", sample=None).batch


def test_unknown_level_and_wrong_inputs_are_refused_in_words(lecture):
    snap, X, y = lecture
    with pytest.raises(ValueError, match="unknown level 'layer'"):
        network_document(snap, X, y, "sse", level="layer")
    with pytest.raises(ValueError, match="the samples have 2 inputs; the network takes 3"):
        network_document(snap, X[:, :2], y, "sse")
    with pytest.raises(ValueError, match="no samples"):
        network_document(snap, X[:0], y[:0], "sse")


def test_the_issues_batch_network_builds_in_seconds_not_minutes():
    """A loose guard (benchmarks/network_levels.py has the figures): 2-16-16-1 on 100 moons."""
    data = moons(100)
    m = MLP(2, [16, 16, 1], "relu", output_activation="linear", seed=1)
    snap = ModelSnapshot(2, (16, 16, 1), "relu", "linear", "zero", m.weights())
    start = time.process_time()
    shown = network_document(snap, data.X, data.y, "svm", level="layers", sample=None,
                             tensor=False, limit=None)
    assert time.process_time() - start < 10
    assert len(shown.doc) > 60_000
    assert shown.doc.children(None)[1] == [INPUTS, *(layer_group(k) for k in (1, 2, 3)), LOSS]


# --- the whole batch by layer, in tensor ops ------------------------------------------------


@pytest.mark.parametrize("loss", ["svm", "mse", "sse", "bce"])
def test_the_batch_in_tensor_ops_has_the_scalar_graphs_numbers_to_rounding(loss):
    snap, X, y = _trained(TrainConfig(n_samples=30, hidden=(5, 4), loss=loss), 4)
    tensor = network_document(snap, X, y, loss, level="layers", sample=None)
    scalar = network_document(snap, X, y, loss, level="scalars", sample=None)
    assert len(tensor.doc) < 200 < len(scalar.doc)
    t, s = _numbers(tensor.doc), _numbers(scalar.doc)
    # a matrix product adds in another order than b + w1*x1 + ...: equal to rounding only
    assert t["loss"][0] == pytest.approx(s["loss"][0], rel=1e-12)
    assert tensor.loss == t["loss"][0]
    W1_grad = np.asarray(t["W1"][1])
    for j in range(1, 6):
        for i in range(1, 3):
            assert W1_grad[i - 1, j - 1] == pytest.approx(s[f"w1_{j}_{i}"][1], rel=1e-9,
                                                           abs=1e-14)
    outs = np.asarray(t["out"][0])[:, 0]
    np.testing.assert_allclose(outs, [s[f"out_s{k}"][0] for k in range(len(X))], rtol=1e-12)


def test_the_batch_by_layer_is_a_card_per_layer_with_one_port_each_way():
    snap, X, y = _trained(TrainConfig(n_samples=20), 2)  # 2-16-16-1
    shown = network_document(snap, X, y, "svm", level="layers", sample=None)
    doc = shown.doc
    assert "in tensor ops" in shown.note
    assert doc.children(None) == (["X", "y", "loss"], [layer_group(k) for k in (1, 2, 3)])
    assert doc.ports(layer_group(1)) == Ports(("X",), ("h1",))
    assert doc.ports(layer_group(2)) == Ports(("h1",), ("h2",))
    assert doc.ports(layer_group(3)).outputs == ("out",)
    # opening a layer: its neurons; a neuron: its column of W, its bias, x @ w, + b, relu
    nodes, groups = doc.children(layer_group(2))
    assert groups == [neuron_group(2, j) for j in range(1, 17)]
    assert nodes[:2] == ["W2", "b2"]
    assert doc.children(neuron_group(2, 3)) == (["w2_3", "b2_3", "xw2_3", "z2_3", "h2_3"], [])
    assert doc.ports(neuron_group(2, 3)) == Ports(("h1", "W2", "b2"), ("h2_3",))
    ev = evaluate(doc)
    assert np.shape(ev.results["h2_3"].data) == (len(X), 1)
    assert np.shape(ev.results["h2"].data) == (len(X), 16)


def test_the_batch_with_three_classes_uses_cross_entropy_on_the_logits():
    snap, X, y = _trained(TrainConfig(dataset="spiral", n_classes=3, n_samples=30,
                                      loss="cross_entropy", hidden=(4,)), 2)
    tensor = network_document(snap, X, y, "cross_entropy", level="layers", sample=None)
    scalar = network_document(snap, X, y, "cross_entropy", level="scalars", sample=None)
    assert tensor.loss == pytest.approx(scalar.loss, rel=1e-12)
    assert np.shape(evaluate(tensor.doc).results["out"].data) == (len(X), 3)
