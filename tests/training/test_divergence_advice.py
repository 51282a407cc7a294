"""Divergence explained: the sentence names the step and the learning rate, and the probe's
suggestion is a rate at which the same run really trains."""

from __future__ import annotations

from dataclasses import replace

import pytest

from playground.training import TrainConfig, Trainer, prepare
from playground.training.divergence import candidates, explain, probe_lr


def diverged(config: TrainConfig) -> tuple[Trainer, object]:
    prepared = prepare(config)
    t = Trainer(config, prepared)
    t.run()
    assert t.diverged_at is not None
    return t, prepared


def test_candidates_are_powers_of_ten_below_the_rate():
    assert candidates(1000.0)[:4] == [100.0, 10.0, 1.0, 0.1]
    assert candidates(3.0)[:2] == [1.0, 0.1]
    assert candidates(1.0)[0] == 0.1 and candidates(1.0)[-1] == 1e-6
    assert candidates(0.0) == [] and candidates(float("nan")) == []
    assert candidates(1e80)[0] == 100.0 and len(candidates(1e80)) == 9


@pytest.mark.parametrize(("preset", "lr"), [("demo", 1000.0), ("demo", 10.0),
                                            ("lecture", 1000.0), ("sine", 1000.0)])
def test_the_advice_names_the_step_the_rate_and_a_rate_that_trains(preset, lr):
    t, prepared = diverged(TrainConfig.preset(preset, lr=lr))
    advice = explain(t, prepared)
    assert advice is not None and advice.probed
    # counted from 1, as the panel counts: the last recorded step shows the blow-up, the one
    # before it made the update that caused it
    k = t.diverged_at
    assert k >= 1 and len(t.history) == k + 1
    assert advice.text.startswith(f"diverged: step {k}'s update blew up (at step {k + 1} the ")
    assert f"a learning rate of {lr:g} is too big for this model; try ≤ " in advice.text
    assert advice.suggested_lr < lr
    # the suggestion is honest: the full run at that rate does not diverge and learns
    check = Trainer(replace(t.config, lr=advice.suggested_lr))
    check.run()
    assert check.stopped_reason is None
    assert check.history[-1].loss < check.history[0].loss


def test_the_probe_trains_on_the_tensor_backend_for_a_scalar_run():
    config = TrainConfig(backend="scalar", lr=1000.0, n_samples=30)
    t, prepared = diverged(config)
    assert probe_lr(replace(prepared, config=t.config)) == 1.0


def test_without_a_probe_the_advice_is_a_tenth_of_the_rate():
    t, _ = diverged(TrainConfig(lr=1000.0))
    advice = explain(t, None)
    assert advice.suggested_lr == 100.0 and not advice.probed
    assert "try ≤ 100 (a tenth of it)" in advice.text


def test_a_nan_loss_is_explained_too():
    t = Trainer(TrainConfig(steps=10))
    t.step()
    t.params[0].data[0, 0] = float("nan")
    t.run()
    advice = explain(t, None)
    assert len(t.history) == 1  # one step done; the second found the NaN and stopped
    assert advice.text.startswith("diverged: step 1's update blew up (at step 2 the loss became "
                                  "NaN): a learning rate")


def test_a_loss_bad_at_the_first_step_is_not_blamed_on_an_update():
    t = Trainer(TrainConfig(steps=10))
    t.params[0].data[0, 0] = float("nan")
    t.run()
    assert t.diverged_at == 0 and t.history == []
    advice = explain(t, None)
    assert advice.text.startswith("diverged at step 1 (the loss became NaN): ")


def test_a_run_that_did_not_diverge_has_no_explanation():
    t = Trainer(TrainConfig(steps=3))
    t.run()
    assert explain(t, prepare(t.config)) is None


def test_a_probe_out_of_time_falls_back_to_a_tenth():
    t, prepared = diverged(TrainConfig(lr=1000.0))
    advice = explain(t, prepared, seconds=0.0)  # no time to probe anything
    assert advice.suggested_lr == 100.0 and not advice.probed


def test_when_no_rate_trains_the_advice_says_so(tmp_path):
    # features in the millions: even lr 1e-6 times gradients of ~1e12 blows up
    rows = ["a,b,y"] + [f"{i * 1e6},{(i % 7) * 3e6},{i % 2}" for i in range(40)]
    (tmp_path / "huge.csv").write_text("\n".join(rows) + "\n")
    config = TrainConfig(dataset="csv", csv_path=str(tmp_path / "huge.csv"), lr=0.01,
                         loss="mse")
    t, prepared = diverged(config)
    advice = explain(t, prepared)
    assert advice.suggested_lr is None and advice.probed
    assert "even learning rates down to 1e-06 did not make the loss go down" in advice.text
    assert "try scaling them" in advice.text
