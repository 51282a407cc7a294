"""Speed: a run paced so a learner can watch it learn, and "as fast as possible" still there."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from playground.ui.training.speed import DEFAULT_SPEED, SPEEDS, Pacer

LEFT = Qt.MouseButton.LeftButton
DONE_MS = 30_000


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_pacer_spaces_steps_a_period_apart_without_bursts():
    clock = Clock()
    pacer = Pacer(10.0, clock)  # 0.1 s a step
    assert pacer.delay() == 0.0
    pacer.stepped()  # a fast step
    assert pacer.delay() == pytest.approx(0.1)
    clock.t += 0.1
    assert pacer.delay() == 0.0
    clock.t += 0.35  # a slow step (or a busy window): the next one goes at once...
    pacer.stepped()
    assert pacer.delay() == 0.0
    pacer.stepped()  # ...but the lost time is not made up with a burst
    assert pacer.delay() == pytest.approx(0.1)
    pacer.set_rate(None)  # as fast as possible
    assert pacer.delay() == 0.0
    pacer.set_rate(2.0)
    pacer.restart()
    assert pacer.delay() == 0.0
    pacer.stepped()
    assert pacer.delay() == pytest.approx(0.5)
    pacer.set_rate(10.0)  # Slow -> Fast: the next step waits one new period, not the old
    assert pacer.delay() == pytest.approx(0.1)


def choose_speed(qtbot, panel, key: str) -> None:
    """Pick a speed with the keyboard, as a user tabbing to the combo would."""
    box = panel.speed
    box.setFocus()
    target = next(i for i, s in enumerate(SPEEDS) if s.key == key)
    while box.currentIndex() != target:
        qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < target else Qt.Key.Key_Up)
    assert box.currentData() == SPEEDS[target].rate


def watch_run(qtbot, panel) -> tuple[float, list[int], int]:
    """Train to the end; return the seconds it took, the current curve's length at each frame
    and how many decision boundaries arrived."""
    frames: list[int] = []
    boundaries = []
    plots = panel.ensure_plots()
    plots.redrawn.connect(lambda: frames.append(plots.point_count()))
    real = plots.set_decision
    plots.set_decision = lambda d: (boundaries.append(1), real(d))
    t0 = time.perf_counter()
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run.state == "finished", timeout=DONE_MS)
    return time.perf_counter() - t0, frames, len(boundaries)


def test_the_default_speed_lets_a_learner_watch_the_demo_learn(qtbot, panel):
    assert SPEEDS[panel.speed.currentIndex()].key == DEFAULT_SPEED == "watch"
    rate = panel.speed.currentData()
    assert rate == 30
    panel.form.steps.setValue(60)
    seconds, frames, boundaries = watch_run(qtbot, panel)
    assert panel.run.result[0] == "done" and panel.plots.point_count() == 60
    # paced: never faster than 30 steps a second (a lower bound a busy machine can't break)
    assert seconds >= 59 / rate * 0.95
    # and the curve grew frame by frame, with the boundary moving along (a few frames at
    # least: a busy machine may draw fewer, never none)
    grown = sorted(set(frames))
    assert len(grown) >= 4, grown
    assert boundaries >= 4
    assert "shown at 30 steps/s" in panel.message_text()


def test_at_watch_speed_a_second_holds_about_30_steps(qtbot, panel):
    panel.form.steps.setValue(100_000)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot.step >= 3,
                    timeout=DONE_MS)
    at, t0 = panel.run.trainer.step_count, time.perf_counter()
    qtbot.wait(1000)
    steps = panel.run.trainer.step_count - at
    seconds = time.perf_counter() - t0
    assert 1 <= steps <= 30 * seconds + 2  # the upper bound is the pacing's promise


def test_as_fast_as_possible_finishes_far_sooner(qtbot, panel):
    panel.form.steps.setValue(60)
    watched, _frames, _b = watch_run(qtbot, panel)
    choose_speed(qtbot, panel, "max")
    fast, _frames, _b = watch_run(qtbot, panel)
    assert panel.run.result[0] == "done"
    assert fast < 0.75 * watched, (fast, watched)  # watched is at least 2 s (paced)
    assert "shown at" not in panel.message_text()


def test_the_speed_changes_while_training_and_step_is_never_paced(qtbot, panel):
    choose_speed(qtbot, panel, "slow")  # 5 steps a second
    panel.form.steps.setValue(100_000)  # MAX_STEPS
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.snapshot is not None and panel.snapshot.step >= 1,
                    timeout=DONE_MS)
    assert panel.speed.isEnabled()  # not locked with the settings
    choose_speed(qtbot, panel, "max")
    at = panel.run.trainer.step_count
    # 300 steps: a minute at 5 steps/s, well under a few seconds unpaced
    qtbot.waitUntil(lambda: panel.run.trainer.step_count >= at + 300, timeout=15_000)
    choose_speed(qtbot, panel, "slow")
    qtbot.mouseClick(panel.pause_button, LEFT)
    qtbot.waitUntil(lambda: panel.run.worker.paused, timeout=DONE_MS)
    qtbot.waitUntil(lambda: panel.plots.point_count() == panel.run.trainer.step_count,
                    timeout=DONE_MS)
    # Step takes its one step at once, whatever the speed
    n = panel.plots.point_count()
    for k in range(1, 4):
        qtbot.mouseClick(panel.step_button, LEFT)
        qtbot.waitUntil(lambda k=k: panel.plots.point_count() == n + k, timeout=1000)
