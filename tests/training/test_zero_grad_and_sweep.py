"""The lecture's training loop made visible: forgetting zero_grad, and a learning-rate sweep."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import pytest

from playground.engine.value import Value
from playground.training import TrainConfig, Trainer
from playground.training.sweep import (
    Sweep,
    loss_range,
    parse_range,
    sweep_rates,
    verdict,
    verdicts,
)


def _hand_written_loop(trainer: Trainer, steps: int, lr: float, zero_grad: bool) -> list[float]:
    """The lecture's loop, written out on bare Values from the trainer's starting weights:
    forward each sample through tanh neurons, sum of squared errors, backward, p -= lr*grad."""
    layers = [[([Value(w) for w in neuron.w_data], Value(neuron.b_data)) for neuron in layer]
              for layer in _weights(trainer)]
    params = [p for layer in layers for ws, b in layer for p in (*ws, b)]
    xs = trainer.train_set.X.tolist()
    ys = trainer.train_set.signs().tolist()
    losses = []
    for _ in range(steps):
        outs = []
        for x in xs:
            act: list = x
            for layer in layers:
                act = [sum((w * a for w, a in zip(ws, act, strict=True)), b).tanh()
                       for ws, b in layer]
            outs.append(act[0])
        loss = sum(((o - y) ** 2 for o, y in zip(outs, ys, strict=True)), Value(0.0))
        if zero_grad:
            for p in params:
                p.grad = 0.0
        loss.backward()
        for p in params:
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses


class _Neuron:
    def __init__(self, w: list[float], b: float) -> None:
        self.w_data, self.b_data = w, b


def _weights(trainer: Trainer) -> list[list[_Neuron]]:
    return [[_Neuron([w.data for w in n.w], n.b.data) for n in layer.neurons]
            for layer in trainer.model.layers]


@pytest.mark.parametrize("backend", ["scalar", "tensor"])
@pytest.mark.parametrize("forget", [True, False])
def test_forgetting_zero_grad_adds_up_grads_as_the_hand_written_loop_does(backend, forget):
    config = TrainConfig.preset("lecture", steps=12, forget_zero_grad=forget)
    scalar = Trainer(TrainConfig.preset("lecture", backend="scalar"))  # same seed, same weights
    expected = _hand_written_loop(scalar, 12, 0.1, zero_grad=not forget)
    got = [m.loss for m in Trainer(TrainConfig(**{**config.__dict__, "backend": backend})).run()]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    other = _hand_written_loop(scalar, 12, 0.1, zero_grad=forget)  # the other loop differs
    assert got[3:] != pytest.approx(other[3:], rel=1e-6)


def test_forgetting_zero_grad_makes_the_demo_go_wrong():
    good = Trainer(TrainConfig()).run()
    bad_trainer = Trainer(TrainConfig(forget_zero_grad=True))
    bad = bad_trainer.run()
    assert good[-1].loss < 0.02 and good[-1].accuracy == 1.0
    # every step moves by the sum of all grads so far: the weights run away (the L2 term
    # says so) and the loss the learner watches climbs instead of falling
    assert bad[-1].loss > 5 * bad[0].loss
    assert bad[-1].loss - bad[-1].data_loss > 10 * (good[-1].loss - good[-1].data_loss)
    assert bad[-1].accuracy < 0.9


def test_sweep_rates_are_evenly_spaced_on_a_log_scale():
    rates = sweep_rates(1e-3, 1)
    assert rates == [0.001, 0.00562, 0.0316, 0.178, 1.0]
    ratios = [b / a for a, b in itertools.pairwise(rates)]
    assert max(ratios) / min(ratios) < 1.01
    with pytest.raises(ValueError, match="0 < low < high"):
        sweep_rates(1, 0.1)


@pytest.mark.parametrize("text", ["1:0.1", "0:1", "a:1", "1e-3", "1e-3:inf"])
def test_a_bad_sweep_range_says_how_to_write_it(text):
    with pytest.raises(ValueError, match=r"e\.g\. 1e-3:1"):
        parse_range(text)
    assert parse_range("1e-3:1") == (0.001, 1.0) == parse_range("1e-3, 1")


def test_a_sweep_shows_too_small_is_slow_and_too_big_blows_up():
    config = TrainConfig()
    sweep = Sweep(config, sweep_rates(1e-3, 10))
    result = sweep.run()
    assert [lr for lr, _ in result] == [0.001, 0.01, 0.1, 1.0, 10.0]
    for (lr, losses), t in zip(result, sweep.trainers, strict=True):
        # each curve is the run a Trainer makes at that rate alone
        alone = Trainer(TrainConfig(lr=lr)).run()
        assert losses == [m.loss for m in alone] and t.config.lr == lr
    words = verdicts(result, config.steps)
    assert words[0].startswith("slow")
    assert words[-1].startswith("blew up")
    assert words[3].startswith("best")  # micrograd's own 1.0
    lo, hi = loss_range(result)
    assert hi == pytest.approx(10 * result[0][1][0]) and lo < 0.011


def test_verdicts_read_the_curves():
    assert verdict([1.0, 0.9, 0.85], 3) == "slow: the loss fell only 15%"
    assert verdict([1.0, 2.0, 1.5, 3.0, 2.0, 2.5], 6) == "worse: the loss ended above its start"
    assert verdict([1.0, 0.2, 0.4, 0.1, 0.3, 0.05], 6) == "unstable: the loss jumps up and down"
    assert verdict([1.0, 0.5, 0.2], 3) == "learns"
    assert verdict([1.0, math.inf], 10) == "blew up at step 2"
    assert verdict([1.0, 0.5], 10, stopped=True) == "blew up at step 2"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground", "train", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_sweep_prints_each_rate_with_its_verdict(tmp_path):
    out = _cli("--preset", "lecture", "--sweep-lr", "1e-3:1", "--json", "-q",
               "--plot", str(tmp_path / "sweep.png"))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    rows = data["sweep"]
    assert [r["lr"] for r in rows] == sweep_rates(1e-3, 1)
    assert all(len(r["losses"]) == 50 for r in rows)
    assert rows[0]["verdict"].startswith("slow") and data["config"]["dataset"] == "lecture"
    assert (tmp_path / "sweep.png").stat().st_size > 10_000
    bad = _cli("--sweep-lr", "1:0.5")
    assert bad.returncode == 2 and "need 0 < LOW < HIGH" in bad.stderr and not bad.stdout


def test_cli_forget_zero_grad_trains_with_accumulating_grads():
    out = _cli("--forget-zero-grad", "--steps", "30", "--json", "-q")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["config"]["forget_zero_grad"] is True
    expected = Trainer(TrainConfig(steps=30, forget_zero_grad=True))
    expected.run()
    assert data["loss"] == pytest.approx(expected.evaluate()["loss"], rel=1e-12)
