"""Headless: ``network_for_sample`` chooses the sample, builds its graph and runs Backward; its
numbers are the scalar engine's (tests for playground.training.network.network_for_sample)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.config import TrainConfig
from playground.training.network import network_for_sample, zero_loss_samples
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import Trainer


def _trained(config: TrainConfig, steps: int) -> tuple[ModelSnapshot, np.ndarray, np.ndarray]:
    t = Trainer(config)
    t.run(steps)
    return ModelSnapshot.of(t), t.train_set.X, t.train_set.y


@pytest.mark.parametrize("sample", [0, 1, 2, 3])
def test_lecture_loss_and_grads_are_the_scalar_engines(sample):
    snap, X, y = _trained(TrainConfig.preset("lecture"), 5)
    shown = network_for_sample(snap, X, y, "sse", sample)
    assert shown.sample == sample  # sse is never exactly 0 here: nothing is skipped
    assert shown.note.startswith(f"Sample {sample}, after 5 steps. The whole network")

    # the lecture's own code, on the same weights: loss = (mlp(x) - ygt)**2, then backward
    mlp = snap.scalar_mlp()
    target = 1.0 if y[sample] == 1 else -1.0
    loss = (mlp([float(v) for v in X[sample]]) - target) ** 2
    loss.backward()
    assert shown.graph.root.data == pytest.approx(loss.data, rel=1e-12, abs=1e-15)
    assert shown.graph.root.data > 0
    # every weight's grad in the shown graph is the engine's d loss / d weight
    params = shown.graph.params
    for k, layer in enumerate(mlp.layers, start=1):
        for j, neuron in enumerate(layer.neurons, start=1):
            for i, w in enumerate(neuron.w, start=1):
                assert params[f"w{k}_{j}_{i}"].grad == pytest.approx(w.grad, rel=1e-12, abs=1e-15)
            assert params[f"b{k}_{j}"].grad == pytest.approx(neuron.b.grad, rel=1e-12, abs=1e-15)
    assert shown.graph.root.grad == 1.0


def test_a_sample_past_the_margin_gives_way_unless_chosen():
    snap, X, y = _trained(TrainConfig(n_samples=40), 30)
    zero = zero_loss_samples(snap, X, y, "svm")
    assert zero.any() and not zero.all()  # seeded: some samples are past the margin, not all
    i = int(np.flatnonzero(zero)[0])
    later = np.flatnonzero(~zero)
    expected = int(later[later > i][0]) if (later > i).any() else int(later[0])

    shown = network_for_sample(snap, X, y, "svm", i)
    assert shown.sample == expected
    assert shown.graph.root.data > 0
    assert f"sample {i}'s loss is exactly 0" in shown.note
    assert shown.note.startswith(f"Sample {expected} (")

    chosen = network_for_sample(snap, X, y, "svm", i, chosen=True)
    assert chosen.sample == i and chosen.graph.root.data == 0.0
    assert all(p.grad == 0.0 for p in chosen.graph.params.values())
    assert "loss is exactly 0" in chosen.note  # the graph's own note says why the grads are 0


def test_when_every_sample_is_past_the_margin_the_note_says_so():
    snap, X, y = _trained(TrainConfig(), 100)  # micrograd's demo, trained to the end
    assert zero_loss_samples(snap, X, y, "svm").all()
    shown = network_for_sample(snap, X, y, "svm", 5)
    assert shown.sample == 5 and shown.graph.root.data == 0.0
    assert "every sample is past the margin now" in shown.note


def test_the_sample_is_clamped_to_the_data_and_there_must_be_data():
    snap, X, y = _trained(TrainConfig.preset("lecture"), 0)
    assert network_for_sample(snap, X, y, "sse", 99).sample == len(X) - 1
    with pytest.raises(ValueError, match="no samples"):
        network_for_sample(snap, X[:0], y[:0], "sse", 0)
