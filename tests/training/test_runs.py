"""The run history: labels say what changed, final numbers are the trainer's, diverged runs
stay out of the scale."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from playground.training import TrainConfig, Trainer
from playground.training.runs import (
    Final,
    RunHistory,
    config_changes,
    describe,
)

QUICK = TrainConfig(n_samples=40, steps=8)


def trained(config: TrainConfig) -> Trainer:
    t = Trainer(config)
    t.run()
    return t


@pytest.mark.parametrize(("change", "words"), [
    ({"lr": 0.1}, ["lr 0.1"]),
    ({"hidden": (8, 8)}, ["relu 8-8"]),
    ({"activation": "tanh"}, ["tanh 16-16"]),
    ({"hidden": ()}, ["relu, no hidden layer"]),
    ({"optimizer": "adam"}, ["adam"]),
    ({"optimizer": "adam", "lr": 0.05}, ["adam", "lr 0.05"]),
    ({"dataset": "circles"}, ["circles"]),
    ({"n_samples": 200, "noise": 0.3}, ["200 samples", "noise 0.3"]),
    ({"test_fraction": 0.2}, ["test 20%"]),
    ({"batch_size": 16}, ["batch 16"]),
    ({"steps": 200, "seed": 7}, ["200 steps", "seed 7"]),
    ({"l2": 0.0, "loss": "bce"}, ["bce loss", "L2 0"]),
    ({"schedule": "cosine"}, ["cosine schedule"]),
])
def test_changes_name_each_difference_in_a_learners_words(change, words):
    assert config_changes(QUICK, replace(QUICK, **change)) == words


def test_a_config_field_without_words_is_named_by_itself():
    before, after = QUICK, replace(QUICK, backend="scalar")
    assert config_changes(before, after) == ["scalar backend"]
    # the generic words, as a field added later (e.g. a switch) would get them
    from playground.training import runs

    assert runs._value_words(True) == "on" and runs._value_words(0.5) == "0.5"


def test_extra_is_not_a_change():
    assert config_changes(QUICK, replace(QUICK, extra={"note": 1})) == []


def test_labels_compare_with_the_run_before_and_the_first_describes_itself():
    history = RunHistory()
    first = history.add_trainer(trained(QUICK))
    second = history.add_trainer(trained(replace(QUICK, lr=0.1)))
    third = history.add_trainer(trained(replace(QUICK, lr=0.1, hidden=(8, 8))))
    fourth = history.add_trainer(trained(replace(QUICK, lr=0.1, hidden=(8, 8))))
    assert first.label == describe(QUICK) == "moons, relu 16-16, sgd lr 1"
    assert first.changes == ()
    assert (second.label, third.label, fourth.label) == ("lr 0.1", "relu 8-8", "same settings")
    assert [r.number for r in history] == [1, 2, 3, 4]
    assert third.title == "#3 relu 8-8"


def test_a_label_with_many_changes_names_three_and_counts_the_rest():
    history = RunHistory()
    history.add(QUICK, [], elapsed=0.0)
    many = replace(QUICK, lr=0.5, optimizer="adam", steps=9, seed=2, hidden=(4,))
    record = history.add(many, [], elapsed=0.0)
    assert record.label == "relu 4, adam, lr 0.5 +2 more"
    assert len(record.changes) == 5


def test_final_numbers_steps_and_time_are_the_trainers():
    t = trained(replace(QUICK, test_fraction=0.25))
    record = RunHistory().add_trainer(t, final=Final.from_evaluation(t.evaluate()))
    result = t.evaluate()
    assert record.final.loss == result["loss"] and record.final.accuracy == result["accuracy"]
    assert record.final.test_loss == result["test_loss"]
    assert record.final.test_accuracy == result["test_accuracy"]
    assert record.steps == 8 and record.elapsed == t.elapsed > 0
    assert record.outcome == "done" and record.stopped_reason is None
    assert record.curves.has_test and len(record.curves) == 8
    assert list(record.curves.loss) == [m.loss for m in t.history]
    row = record.row()
    assert row["train_loss"] == result["loss"] and row["steps"] == 8 and row["run"] == 1


def test_without_an_evaluation_the_final_numbers_are_the_last_steps():
    t = trained(QUICK)
    record = RunHistory().add_trainer(t)
    assert record.final.loss == t.history[-1].loss
    assert record.final.test_loss is None and not record.curves.has_test


def test_a_diverged_run_is_left_out_of_the_scale():
    history = RunHistory()
    calm = history.add_trainer(trained(QUICK))
    wild = history.add_trainer(trained(replace(QUICK, lr=1000.0)))
    assert wild.diverged and wild.stopped_reason
    assert history.scaled_runs() == [calm]
    assert history.scaled_runs([wild]) == [wild]  # alone, it still gets an axis


def test_the_oldest_runs_go_first_and_numbers_are_never_reused():
    history = RunHistory(limit=3)
    for lr in (0.1, 0.2, 0.3, 0.4):
        history.add(replace(QUICK, lr=lr), [], elapsed=0.0)
    assert [r.number for r in history] == [2, 3, 4]
    history.remove(3)
    assert [r.number for r in history] == [2, 4] and history.get(3) is None
    history.clear()
    assert history.add(QUICK, [], elapsed=0.0).number == 5


def test_an_unknown_outcome_is_refused():
    with pytest.raises(ValueError, match="unknown outcome"):
        RunHistory().add(QUICK, [], elapsed=0.0, outcome="exploded")


def test_curves_keep_nan_where_there_is_no_test_split():
    record = RunHistory().add_trainer(trained(QUICK))
    assert np.all(np.isnan(record.curves.test_loss))
    assert all(math.isfinite(v) for v in record.curves.loss)
