"""``backprop-playground train`` on regression sets: the JSON says the task and the fit."""

from __future__ import annotations

import json

from playground.cli import main


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_function_dataset_reports_regression_with_mse_and_r2(capsys):
    code, out, err = _run(capsys, "--dataset", "function", "--function", "sin(3*x)",
                          "--test-fraction", "0.25", "--json")
    assert code == 0, err
    final = json.loads(out)
    assert final["task"] == "regression"
    assert final["config"]["loss"] == "mse" and final["config"]["output_activation"] == "linear"
    assert 0 < final["mse"] < 0.5 and 0 < final["test_mse"] < 0.5
    assert 0 < final["r2"] <= 1 and 0 < final["test_r2"] <= 1
    assert "R²" in err  # the progress bar speaks of R², not accuracy


def test_the_sine_preset_reaches_r2_099(capsys):
    code, out, _ = _run(capsys, "--preset", "sine", "--json", "-q")
    assert code == 0
    final = json.loads(out)
    assert final["r2"] >= 0.99 and final["test_r2"] >= 0.99
    assert final["parameters"] == 2 * 16 + 17 * 16 + 17  # 1-16-16-1


def test_the_x_range_flag_and_a_human_summary(capsys):
    code, out, _ = _run(capsys, "--dataset", "function", "--function", "x**3 - x",
                        "--x-range=-1,1.5", "--steps", "20", "-q")
    assert code == 0
    assert "R²" in out and "accuracy" not in out


def test_bad_functions_are_one_line_errors_with_status_2(capsys):
    code, _, err = _run(capsys, "--dataset", "function", "--function", "sin(3*y)")
    assert code == 2 and "--function: y = f(x): column 7: unknown name 'y'" in err
    code, _, err = _run(capsys, "--dataset", "function", "--function", "log(x)")
    assert code == 2 and "log(x) is nan at x = -2" in err
    code, _, err = _run(capsys, "--dataset", "function", "--function", "x > 5")
    assert code == 2 and "nothing to learn" in err
    code, _, err = _run(capsys, "--dataset", "function", "--loss", "svm")
    assert code == 2 and "--loss: the 'svm' loss wants classes" in err


def test_a_continuous_csv_column_with_task_regression(capsys, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("size,price\n" + "".join(f"{s},{2.5 * s + 1}\n" for s in range(1, 21)))
    code, out, err = _run(capsys, "--csv", str(path), "--task", "regression", "--optimizer",
                          "adam", "--steps", "300", "--json", "-q")
    assert code == 0, err
    final = json.loads(out)
    assert final["task"] == "regression" and final["r2"] > 0.9
