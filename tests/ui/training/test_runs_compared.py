"""Runs compared: each keeps its colour and a label of what changed, the legend and the table
hide and show each, the table has the final numbers, a run loads back into the form, and a
diverged run never squashes the scale for the others."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.ui.training.test_panel import click, set_spin, train_to_end, type_into

LEFT = Qt.MouseButton.LeftButton


def three_runs(qtbot, panel) -> None:
    set_spin(qtbot, panel.form.steps, 30)
    train_to_end(qtbot, panel)                      # 1: the demo
    type_into(qtbot, panel.form.lr, "0.1")
    train_to_end(qtbot, panel)                      # 2: lr 0.1
    panel.form.hidden.setText("8, 8")
    train_to_end(qtbot, panel)                      # 3: relu 8-8


def click_legend_entry(qtbot, plots, number: int) -> None:
    """A real mouse click on run ``number``'s legend text, through Qt into matplotlib."""
    plots.canvas.draw()
    legend = plots.ax_loss.get_legend()
    text = next(t for t in legend.get_texts() if t.get_text().startswith(f"#{number} "))
    box = text.get_window_extent(plots.canvas.get_renderer())
    ratio = plots.canvas.device_pixel_ratio
    x = box.x0 / ratio + 3
    y = plots.canvas.height() - (box.y0 + box.y1) / 2 / ratio
    qtbot.mouseClick(plots.canvas, LEFT, pos=QPoint(int(x), int(y)))


def test_each_run_keeps_its_colour_and_says_what_changed(qtbot, panel):
    three_runs(qtbot, panel)
    plots = panel.plots
    assert [r.label for r in panel.runs] == ["moons, relu 16-16, sgd lr 1", "lr 0.1", "relu 8-8"]
    colours = [plots.runs.lines(1)[0].get_color(), plots.runs.lines(2)[0].get_color(),
               plots.loss_line.get_color()]
    assert len(set(colours)) == 3
    assert [text for _n, text in plots.legend_entries()] == [
        "#3 relu 8-8", "#2 lr 0.1", "#1 moons, relu 16-16, sgd lr 1"]
    # the next run: run 3 leaves the live lines and keeps its colour
    type_into(qtbot, panel.form.lr, "0.5")
    train_to_end(qtbot, panel)
    assert plots.runs.lines(3)[0].get_color() == colours[2]
    assert plots.legend_entries()[0] == (4, "#4 lr 0.5")


def test_a_long_label_keeps_its_learning_rate_in_the_legend(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 10)
    type_into(qtbot, panel.form.lr, "0.3")
    train_to_end(qtbot, panel)
    assert panel.runs.last.label == "moons, relu 16-16, sgd lr 0.3"  # too long for the legend
    # cut at the front: the learning rate, what runs most often differ in, stays readable
    assert panel.plots.legend_entries() == [(1, "#1 …relu 16-16, sgd lr 0.3")]
    assert panel.run_table.cell(1, "changed") == "moons, relu 16-16, sgd lr 0.3"  # all of it


def test_the_table_lists_each_run_with_its_final_numbers(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 30)
    panel.form.set_config(panel.config().__class__(steps=30, test_fraction=0.25))
    train_to_end(qtbot, panel)
    type_into(qtbot, panel.form.lr, "0.1")
    train_to_end(qtbot, panel)
    table = panel.run_table
    assert table.numbers() == [2, 1]  # newest first
    for number in (1, 2):
        record = panel.runs.get(number)
        final = panel.run.trainer.evaluate() if number == 2 else None
        if final is not None:  # the table's numbers are the final weights' own
            assert record.final.loss == final["loss"]
            assert record.final.test_accuracy == final["test_accuracy"]
        assert table.cell(number, "train loss") == f"{record.final.loss:.4g}"
        assert table.cell(number, "test loss") == f"{record.final.test_loss:.4g}"
        assert table.cell(number, "train acc") == f"{record.final.accuracy:.0%}"
        assert table.cell(number, "test acc") == f"{record.final.test_accuracy:.0%}"
        assert table.cell(number, "steps") == "30" and table.cell(number, "end") == "done"
        assert table.cell(number, "time").endswith(" s")
    assert table.cell(2, "changed") == "lr 0.1"


def test_the_legend_and_the_table_hide_and_show_each_run(qtbot, panel):
    three_runs(qtbot, panel)
    plots, table = panel.plots, panel.run_table
    click_legend_entry(qtbot, plots, 2)
    assert not plots.runs.lines(2)[0].get_visible() and not table.is_shown(2)
    assert (2, "#2 lr 0.1") in plots.legend_entries()  # still there, to show it again
    click_legend_entry(qtbot, plots, 2)
    assert plots.runs.lines(2)[0].get_visible() and table.is_shown(2)
    # the table's box: a real click on run 1's check box
    box = table.box_rect(1)
    qtbot.mouseClick(table.table.viewport(), LEFT, pos=QPoint(box.left() + 9, box.center().y()))
    assert not table.is_shown(1) and not plots.runs.lines(1)[0].get_visible()
    # the run on show can be hidden too
    click_legend_entry(qtbot, plots, 3)
    assert not plots.loss_line.get_visible()


def test_a_run_loads_back_into_the_form(qtbot, panel):
    three_runs(qtbot, panel)
    table = panel.run_table
    assert not table.load_button.isEnabled()
    row = table.numbers().index(2)
    rect = table.table.visualItemRect(table.table.item(row, 1))
    qtbot.mouseClick(table.table.viewport(), LEFT, pos=rect.center())
    assert table.selected_number() == 2 and table.load_button.isEnabled()
    click(qtbot, table.load_button)
    assert panel.config() == panel.runs.get(2).config
    assert panel.form.hidden.text().replace(" ", "") == "16,16"
    assert "Loaded the settings of run #2 (lr 0.1)" in panel.message_text()
    # run 1's settings come back the same way
    rect = table.table.visualItemRect(table.table.item(table.numbers().index(1), 1))
    qtbot.mouseClick(table.table.viewport(), LEFT, pos=rect.center())
    click(qtbot, table.load_button)
    assert panel.config() == panel.runs.get(1).config
    # and training it again gives the same curve, bit for bit
    train_to_end(qtbot, panel)
    assert np.array_equal(panel.runs.last.curves.loss, panel.runs.get(1).curves.loss)
    assert panel.runs.last.label == "relu 16-16, lr 1"


def double_click_row(qtbot, table, number: int, column: int = 1) -> None:
    """A real double-click on run ``number``'s row, on its ``column``'s cell, as the platform
    delivers one: a click, then the double-click event (Qt 6's ``mouseDClick`` alone sends only
    the latter, and an item view ignores a double-click on a cell it never saw pressed)."""
    rect = table.table.visualItemRect(table.table.item(table.numbers().index(number), column))
    viewport = table.table.viewport()
    qtbot.mouseClick(viewport, LEFT, pos=rect.center())
    qtbot.mouseDClick(viewport, LEFT, pos=rect.center())


def test_a_double_click_on_a_run_loads_its_settings_into_the_form(qtbot, panel):
    three_runs(qtbot, panel)  # the form now says lr 0.1, hidden 8, 8
    table = panel.run_table
    assert panel.form.lr.text() == "0.1" and panel.form.hidden.text().replace(" ", "") == "8,8"
    double_click_row(qtbot, table, 1)
    assert float(panel.form.lr.text()) == 1.0
    assert panel.form.hidden.text().replace(" ", "") == "16,16"
    assert panel.config() == panel.runs.get(1).config
    assert "Loaded the settings of run #1" in panel.message_text()
    double_click_row(qtbot, table, 3)  # the newest run's (on the top row) come back too
    assert float(panel.form.lr.text()) == 0.1
    assert panel.form.hidden.text().replace(" ", "") == "8,8"
    assert panel.config() == panel.runs.get(3).config


def test_nothing_loads_while_a_run_is_under_way(qtbot, panel):
    three_runs(qtbot, panel)
    set_spin(qtbot, panel.form.steps, 100_000)  # MAX_STEPS: a run that outlasts the test
    click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: panel.plots.point_count() > 2)
    assert not panel.run_table.load_button.isEnabled()
    before = panel.config()
    panel.load_run(1)
    assert panel.config() == before


def test_a_diverged_run_never_squashes_the_scale_for_the_others(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 40)
    train_to_end(qtbot, panel)
    type_into(qtbot, panel.form.lr, "1000")
    train_to_end(qtbot, panel)
    plots = panel.plots
    assert panel.runs.last.diverged
    calm = panel.runs.get(1).curves.loss
    lo, hi = plots.ax_loss.get_ylim()
    # the axis fits the calm run (linear: its span is under 10³), not the 1e8 of the other
    assert plots.ax_loss.get_yscale() == "linear"
    assert lo <= calm.min() and calm.max() <= hi <= 2 * calm.max()
    # the diverged run's mark sits at the top, pointing up, with its real number
    assert plots._diverged_marker.get_marker() == "^"
    assert plots._diverged_marker.get_ydata()[0] == pytest.approx(hi)
    assert plots._diverged_note.get_text().endswith("↑")
    # a third, calm run: the diverged one (now an earlier run) still stays out of the scale
    type_into(qtbot, panel.form.lr, "0.3")
    train_to_end(qtbot, panel)
    _lo, hi = plots.ax_loss.get_ylim()
    assert hi < 10


def test_the_loss_axis_turns_logarithmic_when_the_losses_span_more_than_a_thousand(qtbot, panel):
    panel.speed.setCurrentIndex(panel.speed.count() - 1)  # as fast as possible
    panel.form.set_config(panel.config().preset("sine"))
    train_to_end(qtbot, panel)
    losses = panel.runs.last.curves.loss
    assert losses.max() > 1e3 * losses.min()
    assert panel.plots.log_scale.isChecked() and panel.plots.ax_loss.get_yscale() == "log"
    # the learner's choice wins from then on
    qtbot.mouseClick(panel.plots.log_scale, LEFT)
    train_to_end(qtbot, panel)
    assert panel.plots.ax_loss.get_yscale() == "linear"

