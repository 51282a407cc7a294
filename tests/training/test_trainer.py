"""Trainer: micrograd's demo reproduced, the lecture, backends agree, determinism, NaN stops."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from playground.training import (
    ConfigError,
    Problem,
    StepMetrics,
    TrainConfig,
    Trainer,
    TrainingStopped,
)
from playground.training.trainer import DIVERGED_LOSS_FACTOR

# micrograd's demo.ipynb output (np.random.seed(1337); random.seed(1337); sklearn make_moons)
DEMO_LOSSES = {0: 0.8958441028683222, 1: 1.723590533697202, 2: 0.7429006313851131,
               96: 0.010980043387921506, 99: 0.010978370135492717}


def _curve(history: list[StepMetrics]) -> list[tuple]:
    return [tuple(v for k, v in m.to_dict().items() if k != "elapsed") for m in history]


def test_default_config_is_micrograds_demo_and_reaches_full_accuracy():
    t = Trainer(TrainConfig())
    assert len(t.params) == 6  # W and b of 3 Linear layers: 2-16, 16-16, 16-1
    history = t.run()
    assert len(history) == 100 and t.done and t.stopped_reason is None
    assert sum(p.data.size for p in t.params) == 337
    for k, loss in DEMO_LOSSES.items():
        assert history[k].loss == pytest.approx(loss, rel=1e-12)
    assert history[-1].accuracy >= 0.99
    assert t.evaluate()["accuracy"] >= 0.99
    assert history[0].lr == 1.0 and history[99].lr == pytest.approx(0.109)
    assert [m.step for m in history] == list(range(100))


def test_scalar_backend_is_micrograd_bit_for_bit():
    t = Trainer(TrainConfig(backend="scalar"))
    assert len(t.params) == 337
    for k in range(3):
        assert t.step().loss == DEMO_LOSSES[k]  # exact: same operations in the same order


@pytest.mark.parametrize(
    "overrides",
    [
        {"n_samples": 40, "steps": 15},
        {"n_samples": 40, "steps": 10, "loss": "bce", "optimizer": "adam", "lr": 0.05,
         "activation": "tanh", "batch_size": 16, "test_fraction": 0.25},
        {"dataset": "spiral", "n_classes": 3, "n_samples": 30, "hidden": (8,), "steps": 10,
         "loss": "cross_entropy", "optimizer": "sgd", "momentum": 0.9, "lr": 0.1,
         "schedule": "cosine", "l2": 1e-3},
        {"dataset": "lecture", "hidden": (4, 4), "activation": "tanh", "loss": "sse",
         "l2": 0.0, "lr": 0.1, "schedule": "constant", "steps": 10},
    ],
)
def test_scalar_and_tensor_backends_follow_the_same_curve(overrides):
    scalar = Trainer(TrainConfig(backend="scalar", **overrides)).run()
    tensor = Trainer(TrainConfig(backend="tensor", **overrides)).run()
    assert len(scalar) == len(tensor) == overrides["steps"]
    for s, t in zip(scalar, tensor, strict=True):
        assert t.loss == pytest.approx(s.loss, rel=1e-9, abs=1e-12)
        assert t.grad_norm == pytest.approx(s.grad_norm, rel=1e-9, abs=1e-12)
        assert t.accuracy == s.accuracy
        if s.test_loss is not None:
            assert t.test_loss == pytest.approx(s.test_loss, rel=1e-9)


@pytest.mark.parametrize("backend", ["tensor", "scalar"])
def test_lecture_preset_drives_the_loss_below_001(backend):
    t = Trainer(TrainConfig.preset("lecture", backend=backend))
    assert sum(getattr(p, "size", 1) for p in t.params) == 41
    history = t.run()
    assert history[0].loss > 1.0
    assert history[-1].loss < 0.01
    assert t.evaluate()["loss"] < 0.01
    predictions = t.decision_function(t.dataset.X)
    np.testing.assert_allclose(predictions, [1, -1, -1, 1], atol=0.1)


def test_same_seed_same_run_bit_for_bit_and_other_seed_differs():
    config = TrainConfig(n_samples=60, steps=20, batch_size=16, test_fraction=0.2,
                         optimizer="adamw", lr=0.02, momentum=0.0)
    a, b = Trainer(config).run(), Trainer(config).run()
    assert _curve(a) == _curve(b)
    c = Trainer(replace(config, seed=7)).run()
    assert _curve(a) != _curve(c)


def test_metrics_contents_and_test_split():
    t = Trainer(TrainConfig(n_samples=50, test_fraction=0.2, steps=5))
    assert len(t.train_set) == 40 and len(t.test_set) == 10
    penalty = 1e-4 * sum(float((p.data**2).sum()) for p in t.params)
    m = t.step()
    assert isinstance(m, StepMetrics)
    d = m.to_dict()
    assert set(d) == {"step", "loss", "data_loss", "accuracy", "grad_norm", "lr", "elapsed",
                      "test_loss", "test_accuracy"}
    assert m.step == 0 and 0 <= m.accuracy <= 1 and 0 <= m.test_accuracy <= 1
    assert m.loss == pytest.approx(m.data_loss + penalty, rel=1e-12)  # before the update
    assert m.grad_norm > 0 and m.elapsed > 0
    assert Trainer(TrainConfig(steps=1)).step().test_loss is None


def test_nan_loss_stops_with_a_clear_reason():
    t = Trainer(TrainConfig(steps=10))
    t.step()
    t.params[0].data[0, 0] = math.nan
    before = [p.data.copy() for p in t.params]
    with pytest.raises(TrainingStopped, match="loss became NaN at step 1: try a lower learning"):
        t.step()
    assert t.stopped_reason == "loss became NaN at step 1: try a lower learning rate"
    assert t.done and t.step_count == 1 and len(t.history) == 1 and t.diverged_at == 1
    for p, old in zip(t.params, before, strict=True):  # no update was applied
        np.testing.assert_array_equal(p.data, old)
    with pytest.raises(TrainingStopped):
        t.step()  # and it stays stopped


def test_a_loss_past_the_bound_stops_the_run_and_is_recorded():
    t = Trainer(TrainConfig(lr=1000.0, loss="mse", schedule="constant", steps=50))
    history = t.run()
    assert len(history) == 2 and t.diverged_at == 1 and t.done
    first, last = history[0].loss, history[-1].loss
    assert last > DIVERGED_LOSS_FACTOR * max(first, 1.0) and math.isfinite(last)
    assert t.stopped_reason.startswith("diverged at step 1: the loss grew to ")
    assert f"{last:.3g}" in t.stopped_reason and f"({first:.3g})" in t.stopped_reason
    before = [p.data.copy() for p in t.params]
    with pytest.raises(TrainingStopped, match="diverged at step 1"):
        t.step()  # it stays stopped, and the blown-up step applied no update
    for p, old in zip(t.params, before, strict=True):
        np.testing.assert_array_equal(p.data, old)


def test_exploding_weights_stop_a_run_whose_loss_stays_bounded():
    # the lecture's tanh net at lr 1000: the units saturate, the loss stays near 8, but the
    # weights jump a thousandfold in one step
    t = Trainer(TrainConfig.preset("lecture", lr=1000.0))
    t.run()
    assert t.diverged_at == 1 and len(t.history) == 2
    assert max(m.loss for m in t.history) < 20
    assert "the weights grew to a norm of" in t.stopped_reason
    assert "1,000 × their start" in t.stopped_reason


@pytest.mark.parametrize(("preset", "lr"), [("demo", 1.0), ("demo", 3.0), ("lecture", 0.1),
                                            ("lecture", 10.0), ("sine", 0.05), ("sine", 10.0)])
def test_runs_that_wobble_or_stall_are_not_called_diverged(preset, lr):
    # demo lr 3 peaks at 43x its first loss; sine lr 10 at 760x; lecture lr 10 stalls at 8
    config = TrainConfig.preset(preset, lr=lr, steps=min(300, TrainConfig.preset(preset).steps))
    t = Trainer(config)
    t.run()
    assert t.stopped_reason is None and t.diverged_at is None
    assert len(t.history) == config.steps


def test_predict_grid_for_decision_boundaries():
    t = Trainer(TrainConfig(steps=30))
    t.run()
    xx, yy = np.meshgrid(np.linspace(-2, 3, 7), np.linspace(-1.5, 2, 5))
    classes = t.predict_grid(xx, yy)
    scores = t.decision_grid(xx, yy)
    assert classes.shape == xx.shape and scores.shape == xx.shape
    np.testing.assert_array_equal(classes, (scores > 0).astype(int))
    # the grid agrees with the model's own forward pass
    out = t.model(np.c_[xx.ravel(), yy.ravel()]).data[:, 0]
    np.testing.assert_allclose(scores.ravel(), out, atol=1e-12)
    assert t.predict(t.dataset.X).tolist() == (t.decision_function(t.dataset.X) > 0).tolist()
    multi = Trainer(TrainConfig(dataset="blobs", n_classes=3, loss="cross_entropy", steps=3))
    assert multi.decision_grid(xx, yy).shape == (*xx.shape, 3)
    assert set(np.unique(multi.predict_grid(xx, yy))) <= {0, 1, 2}
    with pytest.raises(ValueError, match="2 input features"):
        Trainer(TrainConfig.preset("lecture")).predict_grid(xx, yy)


def test_scalar_backend_predicts_like_its_graph():
    t = Trainer(TrainConfig(backend="scalar", n_samples=20, steps=2))
    t.run()
    X = np.array([[0.1, 0.2], [1.5, -0.3]])
    np.testing.assert_allclose(
        t.decision_function(X), [t.model(row).data for row in X.tolist()], atol=1e-12
    )


def test_csv_dataset_through_the_config(tmp_path):
    f = tmp_path / "pts.csv"
    rows = ["x,y,label"] + [f"{i / 10},{(i % 3) / 3},{'a' if i % 2 else 'b'}" for i in range(30)]
    f.write_text("\n".join(rows))
    t = Trainer(TrainConfig(dataset="csv", csv_path=str(f), csv_label="label", steps=3))
    assert t.dataset.classes == ("a", "b") and t.dataset.n_features == 2
    t.run()
    f3 = tmp_path / "three.csv"
    f3.write_text("\n".join(["x,y,c"] + [f"{i},{i},{i % 3}" for i in range(9)]))
    with pytest.raises(ConfigError, match="use cross_entropy") as info:
        Trainer(TrainConfig(dataset="csv", csv_path=str(f3)))
    assert info.value.problems[0].field == "loss"


def test_validate_names_fields_with_readable_messages():
    assert TrainConfig().validate() == []
    assert TrainConfig.preset("lecture").validate() == []
    bad = TrainConfig(dataset="mnist", lr=-1.0, steps=0, hidden=(4, 0), loss="hinge",
                      momentum=1.5, batch_size=-2, backend="gpu", seed=-1, test_fraction=1.0,
                      noise=-0.1, n_samples=1)
    problems = bad.validate()
    assert all(isinstance(p, Problem) and isinstance(p, str) for p in problems)
    fields = {p.field for p in problems}
    assert fields == {"dataset", "lr", "steps", "hidden", "loss", "momentum", "batch_size",
                      "backend", "seed", "test_fraction", "noise", "n_samples"}
    lr = next(p for p in problems if p.field == "lr")
    assert lr == "learning rate must be a number above 0"
    assert TrainConfig(dataset="csv").validate()[0].field == "csv_path"
    assert [p.field for p in TrainConfig(optimizer="adam", momentum=0.9).validate()] == [
        "momentum"
    ]
    spiral = TrainConfig(dataset="spiral", n_classes=3, loss="svm").validate()
    assert [p.field for p in spiral] == ["loss"] and "cross_entropy" in spiral[0]
    with pytest.raises(ConfigError) as info:
        Trainer(bad)
    assert len(info.value.problems) == len(problems)


def test_config_is_plain_data_and_round_trips():
    config = TrainConfig.preset("lecture", seed=3)
    d = config.to_dict()
    assert d["hidden"] == [4, 4]
    assert TrainConfig.from_dict(d) == config
    with pytest.raises(ValueError, match="unknown training settings: colour"):
        TrainConfig.from_dict({**d, "colour": "red"})
    with pytest.raises(ValueError, match="unknown preset"):
        TrainConfig.preset("mnist")


def test_headless_packages_import_no_qt_and_no_matplotlib():
    code = (
        "import sys\n"
        "import playground.training, playground.training.trainer, playground.cli.train\n"
        "import playground.engine.nn, playground.engine.optim, playground.engine.losses\n"
        "import playground.engine.data\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'matplotlib', "
        "'networkx', 'torch')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
