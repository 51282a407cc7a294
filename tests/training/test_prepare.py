"""Headless: ``prepare(config)`` checks the settings and builds, checks and splits the data once;
the panel, the CLI and ``Trainer`` all take its answer (playground.training.config)."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from playground.cli.train import _hidden
from playground.training.config import (
    TrainConfig,
    loss_class_problems,
    parse_hidden,
    prepare,
)
from playground.training.trainer import ConfigError, Trainer


def test_demo_with_a_test_split_is_80_train_and_20_test():
    config = TrainConfig(test_fraction=0.2, steps=2)
    p = prepare(config)
    assert p.ok and p.problems == []
    assert (len(p.dataset), len(p.train), len(p.test)) == (100, 80, 20)
    # the split is a partition of the whole, the same on every call (seeded)
    rows = {tuple(r) for r in p.dataset.X}
    assert {tuple(r) for r in p.train.X} | {tuple(r) for r in p.test.X} == rows
    assert not {tuple(r) for r in p.train.X} & {tuple(r) for r in p.test.X}
    again = prepare(config)
    np.testing.assert_array_equal(again.test.X, p.test.X)
    # the trainer trains on exactly what prepare made, and makes the same without it
    t = Trainer(config, p)
    assert t.train_set is p.train and t.test_set is p.test
    np.testing.assert_array_equal(Trainer(config).test_set.X, p.test.X)


def test_without_a_split_train_is_the_whole_lecture_set():
    p = prepare(TrainConfig.preset("lecture"))
    assert p.ok and p.test is None and p.train is p.dataset and len(p.train) == 4
    assert p.train.n_features == 3


def test_a_bad_config_gets_every_problem_once_at_its_field():
    config = TrainConfig(dataset="spiral", n_classes=3, n_samples=10, loss="svm", lr=0.0,
                         test_fraction=0.04)
    p = prepare(config)
    assert [p_.field for p_ in p.config_problems] == ["loss", "lr"]
    # the data still builds (its fields are fine), and what only it can tell is added
    assert len(p.dataset) == 10 and p.dataset.n_classes == 3
    assert [p_.field for p_ in p.data_problems] == ["test_fraction"]
    assert "leaves no samples on one side" in p.data_problems[0]
    # the multi-class problem is said once, though both the settings and the data show it
    assert [str(x) for x in p.problems if x.field == "loss"] == [
        "the 'svm' loss handles 2 classes and this dataset has 3: use cross_entropy"]
    assert not p.ok
    with pytest.raises(ConfigError) as info:
        Trainer(config)
    assert info.value.problems == p.problems


def test_a_problem_with_the_datas_fields_leaves_no_data():
    p = prepare(TrainConfig(n_samples=1, lr=-1.0))
    assert {x.field for x in p.problems} == {"n_samples", "lr"}
    assert p.dataset is None and p.train is None and p.data_problems == []


def test_what_only_the_data_tells(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    p = prepare(TrainConfig(dataset="csv", csv_path=str(bad)))
    assert p.config_problems == [] and p.dataset is None
    assert [x.field for x in p.data_problems] == ["csv_path"]
    assert "line 3" in p.data_problems[0]

    three = tmp_path / "three.csv"
    three.write_text("\n".join(["x,y,c"] + [f"{i},{i},{i % 3}" for i in range(9)]))
    p = prepare(TrainConfig(dataset="csv", csv_path=str(three)))
    assert len(p.dataset) == 9 and p.dataset.n_classes == 3
    assert p.data_problems == loss_class_problems("svm", 3)
    assert p.data_problems[0].field == "loss"
    assert prepare(TrainConfig(dataset="csv", csv_path=str(three), loss="cross_entropy")).ok

    p = prepare(TrainConfig(noise=1e308))
    assert [x.field for x in p.data_problems] == ["noise"]
    assert "not finite numbers" in p.data_problems[0]


def test_one_parse_hidden_for_the_panel_and_the_cli():
    assert parse_hidden("16, 16") == ((16, 16), "")
    assert parse_hidden("8;4 2") == ((8, 4, 2), "")
    assert parse_hidden("") == ((), "")
    assert parse_hidden("16, x") == (
        None, "hidden layers: 'x' is not a whole number (write e.g. 16, 16)")
    assert parse_hidden("4, 0")[0] is None and "at least 1" in parse_hidden("4, 0")[1]
    # the limit is validate()'s, so both front ends say it the same way
    assert parse_hidden("5000") == ((5000,), "")
    assert [x.field for x in TrainConfig(hidden=(5000,)).validate()] == ["hidden"]
    # the CLI's --hidden is parse_hidden, plus its words for "no hidden layer"
    assert _hidden("16 16") == (16, 16) and _hidden("none") == () and _hidden("0") == ()
    with pytest.raises(argparse.ArgumentTypeError, match="'x' is not a whole number"):
        _hidden("4,x")
