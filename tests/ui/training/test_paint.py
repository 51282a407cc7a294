"""Painting your own data on the Training tab: real mouse clicks on the preview and on the
decision-boundary plot (pixel positions from their data transforms), undo, export, training."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from playground.engine.data import load_csv
from playground.training.config import TrainConfig

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
DONE_MS = 20_000
LEFT_SIDE = [(-1.2, -0.8), (-1.0, 0.4), (-1.5, 1.1), (-0.6, -1.3)]
RIGHT_SIDE = [(1.1, 0.9), (0.7, -0.5), (1.4, -1.2), (0.9, 1.5)]


def paint_mode(qtbot, panel):
    combo = panel.form.dataset
    combo.setCurrentIndex(combo.findData("painted"))
    preview = panel.form.data.preview
    qtbot.waitUntil(lambda: preview.paintable)
    return preview


def preview_pixel(preview, x: float, y: float) -> QPoint:
    return preview.to_pixel(x, y).toPoint()


def map_pixel(plots, x: float, y: float) -> QPoint:
    """Where data point (x, y) of the decision-boundary axes is on the canvas widget."""
    plots.flush()
    plots.canvas.draw()
    dx, dy = plots.ax_map.transData.transform((x, y))
    ratio = plots.canvas.device_pixel_ratio
    return QPoint(round(dx / ratio), round((plots.figure.bbox.height - dy) / ratio))


def click_preview(qtbot, preview, points, button=LEFT) -> None:
    for x, y in points:
        qtbot.mouseClick(preview, button, NONE, preview_pixel(preview, x, y))


def painted(panel) -> list[tuple[float, float, int]]:
    return list(panel.form.painted.points)


def assert_near(points, expected, tol=0.08) -> None:
    assert len(points) == len(expected)
    for (x, y, c), (ex, ey, ec) in zip(points, expected, strict=True):
        assert (abs(x - ex), abs(y - ey), c) <= (tol, tol, ec) and c == ec


def test_left_click_adds_class_0_and_right_click_class_1_on_the_preview(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    click_preview(qtbot, preview, RIGHT_SIDE[:1], RIGHT)
    assert_near(painted(panel), [(*LEFT_SIDE[0], 0), (*LEFT_SIDE[1], 0), (*RIGHT_SIDE[0], 1)])
    assert panel.form.paint_editor.stack.count() == 3
    assert panel.form.paint_tools.undo.text() == "Undo Add a class 1 point"
    qtbot.waitUntil(lambda: preview.point_count() == 3)
    # two classes: the settings train now
    assert panel.state.ok and panel.state.dataset.n_samples == 3


def test_the_class_picker_chooses_what_a_left_click_adds(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    picker = panel.form.paint_tools.picker
    picker.setCurrentIndex(picker.findData(2))
    click_preview(qtbot, preview, LEFT_SIDE[:1])
    click_preview(qtbot, preview, RIGHT_SIDE[:1], RIGHT)  # right: still class 1
    picker.setCurrentIndex(picker.findData(1))
    click_preview(qtbot, preview, RIGHT_SIDE[1:2], RIGHT)  # class 1 chosen: right is class 0
    assert [p[2] for p in painted(panel)] == [2, 1, 0]
    assert panel.state.dataset.classes == ("0", "1", "2")


def test_clicks_on_the_decision_boundary_plot_paint_too(qtbot, panel):
    paint_mode(qtbot, panel)
    plots = panel.ensure_plots()
    qtbot.waitUntil(lambda: plots.map.mode == "points")
    for (x, y), button in ((LEFT_SIDE[0], LEFT), (RIGHT_SIDE[0], RIGHT)):
        qtbot.mouseClick(plots.canvas, button, NONE, map_pixel(plots, x, y))
    assert_near(painted(panel), [(*LEFT_SIDE[0], 0), (*RIGHT_SIDE[0], 1)], tol=0.05)
    # the map shows them where they were clicked
    qtbot.waitUntil(lambda: len(plots.map.train_points.get_offsets()) == 2)
    np.testing.assert_allclose(plots.map.train_points.get_offsets(),
                               [p[:2] for p in painted(panel)])


def map_title(plots) -> str:
    return plots.map.title.get_text()


def test_the_maps_title_says_a_click_paints_while_one_does(qtbot, panel):
    plots = panel.ensure_plots()
    assert map_title(plots) == "decision boundary"  # moons: clicks do nothing there
    paint_mode(qtbot, panel)
    qtbot.waitUntil(lambda: plots.map.mode == "points")
    assert map_title(plots) == "decision boundary · click to add points"
    for (x, y), button in ((LEFT_SIDE[0], LEFT), (RIGHT_SIDE[0], RIGHT)):
        qtbot.mouseClick(plots.canvas, button, NONE, map_pixel(plots, x, y))
    assert len(painted(panel)) == 2  # what it says is what a click does
    qtbot.mouseClick(panel.step_button, LEFT)  # a paused run: the data is locked
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "paused")
    assert map_title(plots) == "decision boundary"
    qtbot.mouseClick(plots.canvas, LEFT, NONE, map_pixel(plots, *LEFT_SIDE[1]))
    assert len(painted(panel)) == 2
    qtbot.mouseClick(panel.reset_button, LEFT)  # unlocked: it says so again
    qtbot.waitUntil(lambda: map_title(plots) == "decision boundary · click to add points")
    combo = panel.form.dataset
    combo.setCurrentIndex(combo.findData("moons"))
    qtbot.waitUntil(lambda: map_title(plots) == "decision boundary")


def test_an_eraser_drag_removes_the_points_it_passes_and_one_undo_brings_them_back(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    click_preview(qtbot, preview, RIGHT_SIDE, RIGHT)
    before = painted(panel)
    qtbot.mouseClick(panel.form.paint_tools.erase, LEFT)
    assert panel.form.paint_tools.erasing
    # drag from the first right-side point to the second, through nothing else
    path = [RIGHT_SIDE[0], (0.9, 0.2), RIGHT_SIDE[1]]
    QTest.mousePress(preview, LEFT, NONE, preview_pixel(preview, *path[0]))
    for x, y in path[1:]:
        QTest.mouseMove(preview, preview_pixel(preview, x, y))
    QTest.mouseRelease(preview, LEFT, NONE, preview_pixel(preview, *path[-1]))
    after = painted(panel)
    assert after == [p for p in before if p not in (before[4], before[5])]
    stack = panel.form.paint_editor.stack
    assert stack.count() == 9 and stack.undoText() == "Erase 2 points"  # one step per drag
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_Z, CTRL)
    assert painted(panel) == before
    qtbot.keyClick(panel, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert painted(panel) == after


def test_clear_empties_the_set_and_undo_brings_it_back(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    before = painted(panel)
    qtbot.mouseClick(panel.form.paint_tools.clear, LEFT)
    assert painted(panel) == []
    qtbot.waitUntil(lambda: preview.point_count() == 0)
    assert "0 points so far" in panel.form.error_text("dataset")
    assert not panel.train_button.isEnabled()
    qtbot.mouseClick(panel.findChild(type(panel.form.paint_tools.clear), "paint_undo_button"),
                     LEFT)
    assert painted(panel) == before


def test_one_class_is_not_trainable_and_the_panel_says_what_to_paint(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    assert not panel.train_button.isEnabled()
    assert "every point is class 0" in panel.form.error_text("dataset")
    assert preview.point_count() == 4  # shown even though it cannot train yet


def test_a_painted_set_trains_and_the_boundary_separates_it(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    click_preview(qtbot, preview, RIGHT_SIDE, RIGHT)
    panel.speed.setCurrentIndex(panel.speed.findData(None))
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=DONE_MS)
    assert panel.run.result[0] == "done"
    trainer = panel.run.trainer
    assert trainer.evaluate()["accuracy"] == 1.0
    assert trainer.train_set.n_samples == 8
    # the boundary is sampled on the square the points were painted in
    assert panel._run_grid.extent == (-2.0, 2.0, -2.0, 2.0)


def test_painting_is_off_while_a_run_is_under_way(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    click_preview(qtbot, preview, RIGHT_SIDE[:2], RIGHT)
    qtbot.mouseClick(panel.step_button, LEFT)  # a paused run
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "paused")
    click_preview(qtbot, preview, [(0.0, 0.0)])
    assert len(painted(panel)) == 4
    assert "locked while a run is under way" in panel.message_text()
    assert not panel.form.paint_tools.isEnabled()


def test_export_writes_a_csv_the_csv_dataset_reads_back(qtbot, panel, tmp_path, monkeypatch):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    click_preview(qtbot, preview, RIGHT_SIDE, RIGHT)
    path = tmp_path / "mine.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(panel.form.paint_tools.export, LEFT)
    assert "Saved 8 painted points" in panel.message_text()
    painted_data = panel.state.dataset
    loaded = load_csv(path)
    np.testing.assert_array_equal(loaded.X, painted_data.X)
    np.testing.assert_array_equal(loaded.y, painted_data.y)
    # and the CSV dataset of the panel reads it as the same data
    panel.form.set_config(TrainConfig(dataset="csv", csv_path=str(path)))
    np.testing.assert_array_equal(panel.state.dataset.X, painted_data.X)


def test_export_of_one_class_says_why_and_writes_nothing(qtbot, panel, tmp_path, monkeypatch):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    path = tmp_path / "one.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(panel.form.paint_tools.export, LEFT)
    assert "Can't save the painted points" in panel.message_text()
    assert "only one class" in panel.message_text()
    assert not path.exists()


def test_a_preset_keeps_the_painted_points_for_later(qtbot, panel):
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    points = painted(panel)
    qtbot.mouseClick(panel.demo_button, LEFT)
    assert panel.form.dataset.currentData() == "moons" and painted(panel) == points
    paint_mode(qtbot, panel)
    assert panel.config().painted == tuple(points)


@pytest.mark.parametrize("forget", [False, True])
def test_the_forget_zero_grad_switch_trains_with_accumulating_grads(qtbot, panel, forget):
    panel.form.tabs.setCurrentIndex(2)
    box = panel.form.forget_zero_grad
    if forget:
        qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() is forget and panel.config().forget_zero_grad is forget
    panel.speed.setCurrentIndex(panel.speed.findData(None))
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=DONE_MS)
    losses = panel.plots.current.loss
    if forget:  # the curve the learner sees climbs
        assert losses[-1] > 5 * losses[0]
    else:
        assert losses[-1] < losses[0] / 20
