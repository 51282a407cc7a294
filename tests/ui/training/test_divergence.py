"""After a diverged run: the plots survive any size, the next run gets its own axes, Export is
off, and the explanation stays while the diverged run is the one on show."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.ui.training.plot_scale import CAP, FLOOR, loss_range, shown

LEFT = Qt.MouseButton.LeftButton
DONE_MS = 20_000


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)


def train_to_end(qtbot, panel) -> None:
    assert panel.train_button.isEnabled()
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=DONE_MS)


def diverge(qtbot, panel) -> None:
    """micrograd's demo at learning rate 1e80: the loss reaches ~1e259 at step 1, and the
    run stops there (more than 10⁴ × its start)."""
    type_into(qtbot, panel.form.lr, "1e80")
    train_to_end(qtbot, panel)
    assert panel.run.result[0] == "diverged"
    assert max(panel.run.trainer.history[-1].loss, 0) > 1e200


# --- plot_scale ----------------------------------------------------------------------------


def test_shown_values_are_finite_or_gaps():
    out = shown([1.0, math.inf, -math.inf, math.nan, 4e230, -1e300])
    assert out[0] == 1.0 and out[1] == CAP and out[2] == -CAP and math.isnan(out[3])
    assert out[4] == CAP and out[5] == -CAP


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("values", [[0.5, 4e230], [math.inf, 1.0], [1e-320, 1e-200, 2.0],
                                    [math.nan], [], [0.0, -1.0]])
def test_loss_range_is_finite_and_bounded(values, log):
    lo, hi = loss_range(values, log)
    assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
    assert hi <= 1.5 * CAP
    if log:
        assert lo >= FLOOR


# --- the plots after a diverged run --------------------------------------------------------


def test_any_size_after_a_diverged_run_draws_without_error(qtbot, panel):
    diverge(qtbot, panel)
    plots = panel.plots
    assert plots.log_scale.isChecked()
    assert plots.ax_loss.get_ylim()[1] <= CAP
    # short axes made matplotlib's log ticks reach 10**400 = inf: OverflowError on every
    # resize (pytest-qt fails the test on an exception inside a Qt event handler)
    for width, height in [(700, 200), (620, 180), (900, 260), (1100, 500), (640, 230)]:
        plots.resize(width, height)
        qtbot.wait(20)
        plots.canvas.draw()  # a full draw now, ticks and all
        for ax in (plots.ax_loss, plots.ax_acc):
            ticks = ax.yaxis.get_majorticklocs()
            assert np.all(np.isfinite(ticks)), ticks
    plots.log_scale.setChecked(False)
    plots.canvas.draw()
    assert all(math.isfinite(v) for v in plots.ax_loss.get_ylim())


def test_the_next_run_sets_its_own_axes_and_scale(qtbot, panel):
    diverge(qtbot, panel)
    plots = panel.plots
    assert plots.log_scale.isChecked()  # switched on for the explosion...
    type_into(qtbot, panel.form.lr, "0.5")
    train_to_end(qtbot, panel)
    assert panel.run.result[0] == "done"
    # ...and off again: it was for that run, not this one
    assert not plots.log_scale.isChecked() and plots.ax_loss.get_yscale() == "linear"
    lo, hi = plots.ax_loss.get_ylim()
    losses = [m.loss for m in panel.run.trainer.history]
    assert lo <= min(losses) and max(losses) <= hi <= 2 * max(losses)  # not 1e100
    # the diverged run is still there, in its own colour, left out of the scale
    assert [r.number for r in plots.runs.records] == [1] and plots.runs.records[0].diverged
    assert plots.runs.lines(1)[0].get_visible()


def test_the_users_own_log_scale_stays(qtbot, panel):
    qtbot.mouseClick(panel.plots.log_scale, LEFT)
    assert panel.plots.log_scale.isChecked()
    diverge(qtbot, panel)
    type_into(qtbot, panel.form.lr, "0.5")
    train_to_end(qtbot, panel)
    assert panel.plots.log_scale.isChecked()
    _lo, hi = panel.plots.ax_loss.get_ylim()
    assert hi <= 10 * max(m.loss for m in panel.run.trainer.history)


def test_a_longer_earlier_run_does_not_set_the_step_axis(qtbot, panel):
    panel.form.steps.setValue(60)
    panel.speed.setCurrentIndex(panel.speed.count() - 1)  # as fast as possible
    train_to_end(qtbot, panel)
    panel.form.steps.setValue(20)
    train_to_end(qtbot, panel)
    assert panel.plots.ax_loss.get_xlim()[1] == pytest.approx(19)


# --- export and the explanation ------------------------------------------------------------


def test_export_is_off_for_diverged_weights_and_says_why(qtbot, panel, tmp_path):
    diverge(qtbot, panel)
    for button in (panel.export_python_button, panel.export_torch_button):
        assert not button.isEnabled()
        assert "diverged" in button.toolTip() and "learning rate" in button.toolTip()
    assert panel.export_dialog("python") is None
    type_into(qtbot, panel.form.lr, "0.5")
    assert not panel.export_python_button.isEnabled()  # still the diverged run's weights
    train_to_end(qtbot, panel)
    assert panel.export_python_button.isEnabled() and panel.export_torch_button.isEnabled()
    assert "Export a script" in panel.export_python_button.toolTip()


def test_export_is_off_for_a_finished_run_whose_model_overflows(qtbot, panel):
    type_into(qtbot, panel.form.lr, "1e200")
    panel.form.steps.setValue(1)  # one update of 1e200: "done", with weights near 1e200
    train_to_end(qtbot, panel)
    assert panel.run.result[0] == "done"
    assert all(np.isfinite(W).all() for W, _b in panel.snapshot.weights)  # huge, finite
    assert not panel.export_python_button.isEnabled()
    assert "overflow to inf or nan" in panel.export_python_button.toolTip()


def test_the_explanation_stays_while_the_diverged_run_is_shown(qtbot, panel):
    diverge(qtbot, panel)
    assert "Training stopped" in panel.message_text()
    status = panel.status.text()
    assert f"{panel.run.trainer.history[-1].loss:.4g}" in status and "e+2" in status
    tabs = panel.form.tabs
    qtbot.mouseClick(tabs.tabBar(), LEFT, pos=tabs.tabBar().tabRect(2).center())
    panel.form.lr.selectAll()
    qtbot.keyClick(panel.form.lr, Qt.Key.Key_Backspace)  # empty on the way to a new number
    assert "Can't train: learning rate" in panel.message_text()
    assert "Training stopped" in panel.message_text()  # both
    qtbot.keyClicks(panel.form.lr, "0.1")
    assert panel.form.lr.text() == "0.1" and panel.train_button.isEnabled()
    assert "Can't train" not in panel.message_text()
    assert "Training stopped" in panel.message_text()
    assert "a learning rate of 1e+80 is too big for this model; try ≤ 1 " in panel.message_text()
    assert panel.status.text() == status  # the numbers of the run on show

    qtbot.mouseClick(panel.reset_button, LEFT)
    assert panel.message_text() == ""
    diverge(qtbot, panel)
    type_into(qtbot, panel.form.lr, "0.1")
    qtbot.mouseClick(panel.train_button, LEFT)  # a new run: the old explanation goes
    assert "Training stopped" not in panel.message_text()
    qtbot.waitUntil(lambda: panel.run.state == "finished", timeout=DONE_MS)
    assert "Done" in panel.message_text()
