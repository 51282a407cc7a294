"""Regression: function datasets typed as text, the 2-D regression sets, R², the trainer's
regression defaults, and the refusals (bad text with its column, nan/inf on the range, a
constant function, a continuous CSV label column read as numbers)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.engine.data import DatasetError, gaussians, load_csv, plane
from playground.training.config import TrainConfig, prepare
from playground.training.function import (
    FunctionError,
    function_classes,
    function_dataset,
    parse_function,
)
from playground.training.metrics import r_squared
from playground.training.trainer import Trainer

XS = np.linspace(-2, 2, 9)


@pytest.mark.parametrize(("text", "expected"), [
    ("sin(3*x)", np.sin(3 * XS)),
    ("x**3 - x", XS**3 - XS),
    ("abs(x)", np.abs(XS)),
    ("x > 0", (XS > 0).astype(float)),
    ("x.tanh() * 2 + pi", np.tanh(XS) * 2 + np.pi),
    ("-1 < x <= 1", ((XS > -1) & (XS <= 1)).astype(float)),
    ("3", np.full_like(XS, 3.0)),
])
def test_a_typed_function_is_evaluated_on_every_x(text, expected):
    np.testing.assert_allclose(parse_function(text)(XS), expected)


@pytest.mark.parametrize(("text", "column", "words"), [
    ("sin(3*y)", 7, "unknown name 'y'"),
    ("x + foo(x)", 5, "unknown function 'foo'"),
    ("x +", 4, "not a formula"),
    ("__import__('os')", 1, "unknown function '__import__'"),
    ("x.__class__", 1, "not understood"),
    ("sin(x, x)", 1, "sin takes one value"),
    ("x if x else 1", 1, "not understood"),
    ("'a' * x", 1, "is not a number"),
    ("x + " + "9" * 400, 5, "too big"),
])
def test_bad_text_is_refused_with_its_column(text, column, words):
    with pytest.raises(FunctionError) as info:
        parse_function(text)
    assert info.value.column == column
    assert words in str(info.value) and f"column {column}" in str(info.value)


def test_columns_count_characters_as_typed():
    with pytest.raises(FunctionError) as info:
        parse_function("  x + ü")  # two spaces before, a two-byte letter
    assert info.value.column == 7
    with pytest.raises(FunctionError) as info:
        parse_function("π + y")
    assert info.value.column == 1  # π is not a name it knows (pi is)
    with pytest.raises(FunctionError) as info:
        parse_function("ü + y")
    assert info.value.column == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="x()+-*/%<>=.! 0123456789esintaboqrpcl_,'[]{}:", max_size=30))
def test_any_text_is_a_function_or_a_function_error_never_a_crash(text):
    try:
        f = parse_function(text)
    except FunctionError:
        return
    out = f(XS)
    assert out.shape == XS.shape and out.dtype == np.float64


def test_a_function_dataset_samples_the_range_with_seeded_noise():
    a = function_dataset("x**3 - x", -1.5, 2.5, n_samples=50, noise=0.0, seed=3)
    assert a.regression and a.n_features == 1 and len(a) == 50
    assert a.X.min() >= -1.5 and a.X.max() <= 2.5
    np.testing.assert_allclose(a.y, a.X[:, 0] ** 3 - a.X[:, 0])
    b = function_dataset("x**3 - x", -1.5, 2.5, n_samples=50, noise=0.1, seed=3)
    c = function_dataset("x**3 - x", -1.5, 2.5, n_samples=50, noise=0.1, seed=3)
    np.testing.assert_array_equal(b.y, c.y)
    assert 0.05 < np.std(b.y - a.y) < 0.2  # the noise is there, about the size asked


def test_a_function_that_is_not_a_number_somewhere_on_the_range_names_the_x():
    with pytest.raises(DatasetError, match=r"log\(x\) is nan at x = -2"):
        function_dataset("log(x)")
    with pytest.raises(DatasetError, match=r"1/x is infinite at x = 0\b"):
        function_dataset("1/x")
    assert function_dataset("log(x)", 0.5, 3.0).regression  # fine where it is defined


def test_a_constant_function_has_nothing_to_learn():
    with pytest.raises(DatasetError, match="nothing to learn"):
        function_dataset("x > 5")
    with pytest.raises(DatasetError, match="nothing to learn"):
        function_dataset("2 * pi")


def test_the_classes_of_a_function_are_above_and_below_its_curve():
    ds = function_classes("x**3 - x", n_samples=300, seed=1)
    assert not ds.regression and ds.classes == ("below", "above")
    above = ds.X[:, 1] > ds.X[:, 0] ** 3 - ds.X[:, 0]
    np.testing.assert_array_equal(ds.y, above.astype(int))
    assert 0.2 < ds.y.mean() < 0.8  # both sides well filled


def test_plane_and_gaussians_are_regression_sets():
    p = plane(100, noise=0.0, seed=2)
    np.testing.assert_allclose(p.y, p.X.sum(axis=1) / 2)
    g = gaussians(200, noise=0.0, seed=2)
    assert g.regression and g.y.max() > 0.3 and g.y.min() < -0.3


def test_r_squared():
    t = np.array([1.0, 2.0, 3.0, 4.0])
    assert r_squared(t, t) == 1.0
    assert r_squared(np.full(4, t.mean()), t) == 0.0
    assert r_squared(t + 1, t) == pytest.approx(1 - 4 / 5)
    assert np.isnan(r_squared(np.array([np.nan, 1, 1, 1]), t))


def test_a_regression_config_gets_mse_a_linear_output_and_r2():
    config = TrainConfig.preset("demo", dataset="function", function="x**3 - x", steps=5)
    assert (config.loss, config.output_activation, config.l2) == ("mse", "linear", 0.0)
    trainer = Trainer(replace_activation(config, "tanh"))
    assert trainer.task == "regression" and trainer.model.output_activation == "linear"
    trainer.run()
    out = trainer.model.predict(trainer.train_set.X)[:, 0]
    final = trainer.evaluate()
    assert final["r2"] == pytest.approx(r_squared(out, trainer.train_set.y))
    assert final["mse"] == pytest.approx(np.mean((out - trainer.train_set.y) ** 2))


def replace_activation(config: TrainConfig, activation: str) -> TrainConfig:
    from dataclasses import replace

    return replace(config, activation=activation)


def test_a_class_loss_on_numbers_is_refused_at_the_loss_field():
    problems = prepare(TrainConfig(dataset="function", loss="svm")).problems
    assert [p.field for p in problems] == ["loss"]
    assert "mse or sse" in problems[0]


def test_bad_function_fields_are_problems_of_their_fields():
    problems = prepare(TrainConfig(dataset="function", function="sin(", loss="mse")).problems
    assert [p.field for p in problems] == ["function"]
    assert "column" in problems[0]
    problems = prepare(TrainConfig(dataset="function", x_min=2.0, x_max=-2.0, loss="mse")).problems
    assert [p.field for p in problems] == ["x_range"]
    problems = prepare(TrainConfig(dataset="function", function="sqrt(x)", loss="mse")).problems
    assert [p.field for p in problems] == ["function"] and "x = -2" in problems[0]
    problems = prepare(TrainConfig(dataset="moons", task="regression", loss="mse")).problems
    assert [p.field for p in problems] == ["task"]


CONTINUOUS = "size,rooms,price\n50,2,110.5\n70,3,151\n90,3,199.9\n120,4,260\n40,1,85\n"


def test_a_csv_with_a_continuous_label_trains_as_regression_once_chosen(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text(CONTINUOUS)
    as_classes = prepare(TrainConfig(dataset="csv", csv_path=str(path)))
    assert as_classes.dataset is not None and as_classes.dataset.n_classes == 5  # each price
    config = TrainConfig.preset("demo", dataset="csv", csv_path=str(path), task="regression",
                                steps=20, optimizer="adam", lr=0.05)
    assert config.loss == "mse"
    prepared = prepare(config)
    assert prepared.ok and prepared.dataset.regression
    np.testing.assert_allclose(prepared.dataset.y, [110.5, 151, 199.9, 260, 85])
    trainer = Trainer(config, prepared)
    trainer.run()
    assert trainer.evaluate()["r2"] is not None


def test_a_csv_label_that_is_not_a_number_is_refused_for_regression(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("a,label\n1,cat\n2,dog\n")
    with pytest.raises(DatasetError, match=r"line 2, column 2 \(label\): 'cat' is not a"):
        load_csv(path, regression=True)
    path.write_text("a,label\n1,3\n2,3\n")
    with pytest.raises(DatasetError, match="nothing to learn"):
        load_csv(path, regression=True)


def test_the_sine_preset_is_a_1_16_16_1_tanh_net_on_sin_3x():
    # that it reaches R² >= 0.99 is tests/cli/test_train_regression.py's (it trains)
    config = TrainConfig.preset("sine")
    assert (config.function, config.x_min, config.x_max, config.activation) == (
        "sin(3*x)", -2.0, 2.0, "tanh")
    trainer = Trainer(config)
    assert trainer.model.nin == 1 and list(trainer.model.nouts) == [16, 16, 1]
    assert trainer.task == "regression" and trainer.model.output_activation == "linear"


def test_noise_that_makes_the_targets_infinite_is_a_noise_problem():
    problems = prepare(TrainConfig(dataset="function", loss="mse", noise=1e308)).problems
    assert [p.field for p in problems] == ["noise"] and "lower the noise" in problems[0]


def test_the_scalar_backend_fits_numbers_too_and_the_network_graph_takes_a_number_target():
    from dataclasses import replace

    from playground.training.network import network_for_sample
    from playground.training.snapshot import ModelSnapshot

    config = TrainConfig.preset("sine", n_samples=12, test_fraction=0.0, hidden=(3,), steps=3)
    scalar, tensor = Trainer(replace(config, backend="scalar")), Trainer(config)
    scalar.run()
    tensor.run()
    assert [m.loss for m in scalar.history] == pytest.approx([m.loss for m in tensor.history])
    X, y = tensor.train_set.X, tensor.train_set.y
    shown = network_for_sample(ModelSnapshot.of(tensor), X, y, "mse", 2)
    out = tensor.model.predict(X[2:3])[0, 0]
    assert shown.graph.root.data == pytest.approx((out - y[2]) ** 2)  # the number, not ±1
