"""The learning-rate sweep window: opened from the Training settings, trained in the
background, five curves side by side with their verdicts; Stop and closing end it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from playground.training.config import TrainConfig
from playground.training.sweep import Sweep, sweep_rates
from playground.ui.training.worker import live_runs

LEFT = Qt.MouseButton.LeftButton
DONE_MS = 30_000


def open_sweep(qtbot, panel):
    panel.form.tabs.setCurrentIndex(2)  # Training settings
    qtbot.mouseClick(panel.form.sweep_button, LEFT)
    window = panel.painting.sweep_window
    qtbot.waitUntil(lambda: window is not None and window.isVisible())
    return window


def set_range(qtbot, window, low: str, high: str) -> None:
    for box, text in ((window.low, low), (window.high, high)):
        box.selectAll()
        qtbot.keyClicks(box, text)


def test_a_sweep_trains_five_rates_side_by_side_and_says_which_is_too_small_or_too_big(
        qtbot, panel):
    panel.form.set_config(TrainConfig(steps=60))
    window = open_sweep(qtbot, panel)
    set_range(qtbot, window, "1e-3", "10")
    assert window.rates_label.text().split() == ["tries", "0.001", "·", "0.01", "·", "0.1", "·",
                                                 "1", "·", "10"]
    qtbot.mouseClick(window.start_button, LEFT)
    assert window.state == "running" and not window.start_button.isEnabled()
    qtbot.waitUntil(lambda: window.state == "done", timeout=DONE_MS)
    # the curves are the runs the headless sweep makes of the panel's settings
    expected = Sweep(TrainConfig(steps=60), sweep_rates(1e-3, 10)).run()
    assert window.result() == expected
    for line, (_lr, losses) in zip(window.lines, expected, strict=True):
        assert len(line.get_xdata()) == len(losses)
    assert [len(losses) for _lr, losses in expected[:-1]] == [60] * 4
    assert len(expected[-1][1]) < 60  # lr 10 diverges, and a diverged run stops (issue 16 §1)
    titles = [ax.get_title() for ax in window.axes]
    assert titles[0].startswith("lr 0.001\nslow")
    assert titles[-1].startswith("lr 10\nblew up")
    assert sum("best" in t for t in titles) == 1
    assert "Too small" in window.status.text()
    assert window.start_button.isEnabled()
    window.close()


def test_a_bad_range_turns_train_off_and_says_how_to_write_it(qtbot, panel):
    window = open_sweep(qtbot, panel)
    set_range(qtbot, window, "1", "0.1")
    assert not window.start_button.isEnabled()
    assert "low below high" in window.rates_label.text()
    set_range(qtbot, window, "0.01", "abc")
    assert not window.start_button.isEnabled()
    window.close()


def test_settings_that_cannot_train_are_not_swept(qtbot, panel):
    combo = panel.form.dataset
    combo.setCurrentIndex(combo.findData("painted"))  # no points yet
    window = open_sweep(qtbot, panel)
    qtbot.mouseClick(window.start_button, LEFT)
    assert window.state == "idle" and "Can't sweep these settings" in window.status.text()
    window.close()


def test_stop_ends_a_long_sweep_and_its_thread(qtbot, panel):
    panel.form.set_config(TrainConfig(steps=1_000_000))
    window = open_sweep(qtbot, panel)
    qtbot.mouseClick(window.start_button, LEFT)
    qtbot.waitUntil(lambda: len(window.losses[0]) > 5, timeout=DONE_MS)
    # the window keeps handling events while the runs go
    QApplication.processEvents()
    qtbot.mouseClick(window.stop_button, LEFT)
    qtbot.waitUntil(lambda: window.state == "stopped", timeout=DONE_MS)
    qtbot.waitUntil(lambda: not live_runs(), timeout=DONE_MS)
    assert "Stopped" in window.status.text()
    window.close()


def test_closing_the_panel_stops_a_sweep(qtbot, panel):
    panel.form.set_config(TrainConfig(steps=1_000_000))
    window = open_sweep(qtbot, panel)
    qtbot.mouseClick(window.start_button, LEFT)
    qtbot.waitUntil(lambda: len(window.losses[0]) > 2, timeout=DONE_MS)
    panel.shutdown()
    qtbot.waitUntil(lambda: not live_runs(), timeout=DONE_MS)
