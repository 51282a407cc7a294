"""Regression in the Training tab: a function typed as y = f(x), the fit plot bending to it,
R² in place of accuracy, and a 2-D regression's output as a heatmap (pytest-qt, offscreen)."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Qt

from playground.ui.training.fit_plot import CURVE_POINTS

LEFT = Qt.MouseButton.LeftButton
SHOTS = "/work/notes/shots"


def type_into(qtbot, line_edit, text: str) -> None:
    qtbot.mouseClick(line_edit, LEFT)
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)


def set_spin(qtbot, spin, value: int) -> None:
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert spin.value() == value


def pick_by_typing(qtbot, combo, text: str) -> None:
    """Choose a combo box item the way a keyboard user does: focus it and type its start."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)


def finished(panel) -> bool:
    return panel.run is not None and panel.run.state == "finished"


def test_a_typed_function_trains_and_the_fit_plot_shows_the_networks_curve(qtbot, panel):
    form = panel.form
    pick_by_typing(qtbot, form.dataset, "Function")
    assert form.dataset.currentData() == "function"
    assert form.data.function.isVisible() and not form.csv_path.isVisible()
    assert form.loss.currentData() == "mse"  # a regression's default, set on choosing it
    type_into(qtbot, form.data.function, "x**3 - x")
    set_spin(qtbot, form.test_percent, 25)
    set_spin(qtbot, form.steps, 40)
    c = panel.config()
    assert (c.dataset, c.function, c.x_min, c.x_max, c.loss) == (
        "function", "x**3 - x", -2.0, 2.0, "mse")
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: finished(panel), timeout=20_000)
    assert panel.run.result[0] == "done"

    plots, trainer = panel.plots, panel.run.trainer
    qtbot.waitUntil(lambda: plots.fit.curve_values is not None)
    plots.flush()
    fit = plots.fit
    assert fit.active and not plots.image.get_visible()
    assert len(fit.train_points.get_offsets()) == len(trainer.train_set) == 75
    np.testing.assert_allclose(fit.test_points.get_offsets(),
                               np.c_[trainer.test_set.X[:, 0], trainer.test_set.y])
    xs, ys = fit.curve.get_data()
    assert len(xs) == CURVE_POINTS and xs[0] <= -1.9 and xs[-1] >= 1.9
    # the curve is the trained network's output along x, not a drawing of the data
    expected = trainer.model.predict(np.asarray(xs)[:, None])[:, 0]
    np.testing.assert_allclose(ys, expected, rtol=1e-9, atol=1e-9)
    assert plots._acc_title.get_text().startswith("R²")
    history = trainer.history
    np.testing.assert_allclose(plots.acc_line.get_ydata(), [m.accuracy for m in history])
    assert history[-1].accuracy > history[0].accuracy  # R² rose as it trained
    assert "R²" in panel.message_text() and "accuracy" not in panel.message_text()
    assert "test R²" in panel.status.text()
    if os.path.isdir(SHOTS):
        panel.grab().save(f"{SHOTS}/c19_fit_plot.png")


def test_a_bad_function_is_flagged_at_its_field_with_the_column(qtbot, panel):
    form = panel.form
    pick_by_typing(qtbot, form.dataset, "Function")
    type_into(qtbot, form.data.function, "sin(3*y)")
    assert "column 7: unknown name 'y'" in form.error_text("function")
    assert not panel.train_button.isEnabled()
    type_into(qtbot, form.data.function, "log(x)")
    assert "nan at x = -2" in form.error_text("function")
    type_into(qtbot, form.data.function, "abs(x)")
    assert form.error_text("function") == "" and panel.train_button.isEnabled()


def test_a_2d_regression_shows_its_output_as_a_heatmap(qtbot, panel):
    form = panel.form
    pick_by_typing(qtbot, form.dataset, "Sum")
    assert form.dataset.currentData() == "gaussians"
    set_spin(qtbot, form.steps, 10)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: finished(panel), timeout=20_000)
    plots = panel.plots
    qtbot.waitUntil(lambda: plots.map.decision is not None)
    plots.flush()
    assert plots.image.get_visible() and not plots.fit.active
    assert plots.map.value_range == (float(panel.run.trainer.dataset.y.min()),
                                     float(panel.run.trainer.dataset.y.max()))
    if os.path.isdir(SHOTS):
        panel.grab().save(f"{SHOTS}/c19_gaussians.png")


def test_a_csv_label_column_of_numbers_trains_as_regression_once_chosen(qtbot, panel, tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("size,price\n" + "".join(f"{s},{2.5 * s + 1}\n" for s in range(1, 21)))
    form = panel.form
    pick_by_typing(qtbot, form.dataset, "CSV")
    assert form.dataset.currentData() == "csv"
    type_into(qtbot, form.csv_path, str(path))
    assert form.loss.currentData() == "svm"  # read as classes: 20 prices, 20 classes
    assert form.data.task.isVisible() and not form.data.function.isVisible()
    pick_by_typing(qtbot, form.data.task, "numbers")
    assert form.data.task.currentData() == "regression"
    assert form.loss.currentData() == "mse"  # choosing numbers brings a regression's defaults
    c = panel.config()
    assert c.task == "regression" and c.regression
    assert panel.state.dataset.regression and panel.train_button.isEnabled()
    set_spin(qtbot, form.steps, 5)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: finished(panel), timeout=20_000)
    qtbot.waitUntil(lambda: panel.plots.fit.curve_values is not None)
    assert panel.run.trainer.task == "regression" and panel.plots.fit.active
