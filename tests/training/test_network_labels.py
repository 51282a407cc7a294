"""Headless: every node of the network graph has a label a learner can read (never the
canvas's fallback id ``v12``), and each label names what the node computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground.engine.losses import LOSSES, LossInfo
from playground.engine.nn import MLP
from playground.engine.value import Value, topological_order
from playground.graph.document import GraphDocument
from playground.graph.from_value import from_value
from playground.training.network import network_graph
from playground.training.snapshot import ModelSnapshot

FALLBACK_ID = re.compile(r"v\d+")
MAX_LABEL = 16
"""Longer labels make nodes too wide to fit the picture (the longest today: 15 characters)."""
X = [0.5, -1.0, 2.0]


def snapshot(nin: int, nouts: list[int], activation: str = "relu") -> ModelSnapshot:
    m = MLP(nin, nouts, activation, seed=3)
    return ModelSnapshot(
        nin=nin, nouts=tuple(nouts), activation=m.activation,
        output_activation=m.output_activation, bias_init=m.bias_init, weights=m.weights(),
    )


def by_label(root: Value) -> dict[str, list[Value]]:
    out: dict[str, list[Value]] = {}
    for v in topological_order(root):
        out.setdefault(v.label, []).append(v)
    return out


def assert_readable(doc: GraphDocument) -> None:
    labels = [doc.label(n) for n in doc.node_ids()]
    assert all(labels), "a node without a label shows its id"
    assert not [t for t in labels if FALLBACK_ID.fullmatch(t)]
    assert max(map(len, labels)) <= MAX_LABEL, max(labels, key=len)


def test_mlp_3_4_4_1_names_every_node():
    graph = network_graph(snapshot(3, [4, 4, 1]), X, 1, "svm", scope="network")
    doc = from_value(graph.root)
    assert_readable(doc)
    ids = set(doc.node_ids())
    # inputs, weights (layer, neuron, input) and biases (layer, neuron), counting from 1
    assert {"x1", "x2", "x3"} <= ids and "x0" not in ids
    weights = {f"w1_{j}_{i}" for j in range(1, 5) for i in range(1, 4)}
    weights |= {f"w2_{j}_{i}" for j in range(1, 5) for i in range(1, 5)}
    weights |= {f"w3_1_{i}" for i in range(1, 5)}
    biases = {f"b1_{j}" for j in range(1, 5)} | {f"b2_{j}" for j in range(1, 5)} | {"b3_1"}
    assert set(graph.params) == weights | biases and weights | biases <= ids
    # each name is the node it says: the network's names are unique, so they are the ids
    assert doc.op_name("wx1_2_3") == "mul" and doc.inputs("wx1_2_3") == ["w1_2_3", "x3"]
    assert doc.inputs("wx2_4_1") == ["w2_4_1", "h1_1"]
    assert doc.op_name("s1_2_1") == "add" and doc.inputs("s1_2_1") == ["b1_2", "wx1_2_1"]
    assert doc.inputs("s1_2_2") == ["s1_2_1", "wx1_2_2"]
    assert doc.inputs("z1_2") == ["s1_2_2", "wx1_2_3"]  # pre-activation: the whole sum
    assert doc.op_name("h1_2") == "relu" and doc.inputs("h1_2") == ["z1_2"]
    assert doc.op_name("h2_4") == "relu" and doc.inputs("h2_4") == ["z2_4"]
    assert doc.inputs("out") == ["s3_1_3", "wx3_1_4"]  # a linear output: out is its sum
    assert "z3_1" not in ids
    assert doc.output_node() == "loss" and doc.label("loss") == "loss"
    # the loss: relu(1 - y*out) for y = +1, averaged over the one sample
    labels = by_label(graph.root)
    assert labels["-y"][0].data == -1.0 and labels["1"][0].data == 1.0
    hinge = labels["hinge"][0]
    assert hinge.op.name == "relu" and [c.label for c in hinge._prev] == ["1-y·out"]
    assert [c.label for c in labels["-y·out"][0]._prev] == ["-y", "out"]
    assert [c.label for c in graph.root._prev] == ["sum", "1/n"]


def test_a_nonlinear_output_has_its_pre_activation_and_the_output():
    graph = network_graph(snapshot(2, [3, 1], "tanh"), X[:2], 0, "mse")  # lecture: tanh out
    doc = from_value(graph.root)
    assert_readable(doc)
    assert doc.op_name("out") == "tanh" and doc.inputs("out") == ["z2_1"]
    assert doc.inputs("z2_1") == ["s2_1_2", "wx2_1_3"]


@pytest.mark.parametrize(
    ("loss", "nouts", "label", "expected"),
    [
        ("svm", 1, 0, {"-y": 1.0, "1": 1.0, "0": 0.0, "1/n": 1.0}),
        ("mse", 1, 0, {"y": -1.0, "1/n": 1.0}),  # the square's 2 is powc's exponent: no node
        ("sse", 1, 1, {"y": 1.0}),
        ("bce", 1, 0, {"y": 0.0, "1": 1.0}),
        ("cross_entropy", 3, 2, {}),
        ("cross_entropy", 6, 4, {}),
    ],
)
def test_every_loss_names_its_steps(loss: str, nouts: int, label: int,
                                    expected: dict[str, float]):
    graph = network_graph(snapshot(3, [4, nouts]), X, label, loss)
    assert_readable(from_value(graph.root))
    labels = by_label(graph.root)
    for name, value in expected.items():  # the constants, by what they stand for
        assert [v.data for v in labels[name]] == [value], name
    out = graph.outputs
    if loss in ("mse", "sse"):
        (d,) = labels["out-y"]
        assert d._prev == (out[0], labels["y"][0])
        (square,) = labels["(out-y)²"]
        # micrograd's (out - y)**2: one input, the card reads **2, no "2" node with a grad
        assert square._prev == (d,) and square._op == "**2" and "2" not in labels
    if loss == "bce":
        z = out[0].data
        assert labels["max(out,0)"][0].data == max(z, 0.0)
        assert labels["-|out|"][0].data == -abs(z)
        softplus = labels["softplus"][0]
        assert labels["bce"][0]._prev == (softplus, labels["y·out"][0])
    if loss == "cross_entropy":
        k = len(out)
        assert [o.label for o in out] == [f"out{j}" for j in range(1, k + 1)]
        top = max(o.data for o in out)
        assert [v.data for v in labels["max"]] == [top] * (k + 1)
        assert [labels[f"e{j}"][0]._prev[0].label for j in range(1, k + 1)] == [
            f"out{j}-max" for j in range(1, k + 1)]
        # the running sum of the exps, short however many classes there are
        sums = ["0+e1", "e1+e2", *(f"e1+…+e{j}" for j in range(3, k)), "Σe"]
        assert [labels[t][0].data for t in sums] == pytest.approx(
            np.cumsum([labels[f"e{j}"][0].data for j in range(1, k + 1)]))
        ce = labels[f"-log p{label + 1}"][0]  # class 0 is out1
        assert ce._prev == (labels["logsumexp"][0], out[label])
    if loss != "sse":
        assert [c.label for c in graph.root._prev] == ["sum", "1/n"]


def test_a_loss_the_names_do_not_know_still_gets_labels(monkeypatch):
    """A loss built some other way: constants by value, steps by formula or op name."""
    def odd(pred: list[Value], y: list[float]) -> Value:
        return ((pred[0] * 2.0 + y[0]).exp() + 123.456789).log()

    monkeypatch.setitem(LOSSES, "odd", LossInfo(odd, "signs", False, "a test loss"))
    graph = network_graph(snapshot(3, [4, 1]), X, 1, "odd")
    doc = from_value(graph.root)
    assert_readable(doc)
    labels = by_label(graph.root)
    assert {"2", "1", "123.5", "out*2", "out*2+1", "exp(out*2+1)", "loss"} <= set(labels)
    (add,) = labels["add"]  # "exp(out*2+1)+123.5" is too long for a node
    assert [c.label for c in add._prev] == ["exp(out*2+1)", "123.5"]
    assert graph.root.op.name == "log"


def test_a_sample_with_zero_loss_says_why_every_grad_is_zero():
    snap = snapshot(3, [4, 4, 1])
    scores = {}
    for label in (0, 1):  # svm targets -1 and +1: one of them is far past the margin
        graph = network_graph(snap, X, label, "svm", scope="network")
        scores[label] = (graph.root.data, graph.note)
    nonzero = [note for loss, note in scores.values() if loss != 0]
    assert nonzero and all("exactly 0" not in note for note in nonzero)  # said only when so
    # a sample beyond the margin for sure: a huge output on the right side
    big = ModelSnapshot(
        nin=1, nouts=(1,), activation="relu", output_activation="linear",
        bias_init=snap.bias_init, weights=[(np.array([[10.0]]), np.array([0.0]))],
    )
    graph = network_graph(big, [5.0], 1, "svm", scope="network")
    assert graph.root.data == 0 and "every grad is 0: pick a sample" in graph.note
