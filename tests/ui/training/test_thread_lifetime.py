"""A training step that takes seconds never freezes Reset or closing, and never aborts the app.

The worker checks for "stop" between steps, so the window must not wait for the current step:
the old run winds down in the background and is deleted when its thread has ended.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from playground.training.trainer import Trainer
from playground.ui.training import worker
from playground.ui.training.panel import TrainingPanel

STEP_S = 2.0


@pytest.fixture
def slow_steps(monkeypatch):
    real = Trainer.step
    entered = []

    def slow(self):
        entered.append(time.perf_counter())
        time.sleep(STEP_S)
        return real(self)

    monkeypatch.setattr(Trainer, "step", slow)
    return entered


def test_reset_during_a_long_step_returns_at_once_and_the_run_ends_later(qtbot, slow_steps):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(slow_steps), timeout=5000)
    old = panel.run
    thread = old.thread

    t0 = time.perf_counter()
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert time.perf_counter() - t0 < 0.5 * STEP_S, "Reset waited for the training step"
    assert panel.run is None
    assert panel.progress_bar.value() == 0
    assert thread.isRunning() and old in worker.live_runs()  # winding down, still alive

    qtbot.waitUntil(lambda: old not in worker.live_runs(), timeout=int(STEP_S * 3000))
    assert not thread.isRunning()
    assert len(slow_steps) == 1  # it stopped after the step it was in
    panel.shutdown()


CLOSE_SCRIPT = """
import os, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from playground.app import make_app
from playground.training.trainer import Trainer
from playground.ui.window.main_window import MainWindow

real = Trainer.step
entered = []
def slow(self):
    entered.append(1)
    time.sleep({step})
    return real(self)
Trainer.step = slow

app = make_app([])
w = MainWindow()
w.show()
panel = w.training.show()
app.processEvents()
panel.train()
while not entered:
    app.processEvents()
t0 = time.perf_counter()
w.close()
app.processEvents()
print("closed in", round(time.perf_counter() - t0, 2), flush=True)
{tail}
print("bye", flush=True)
"""


@pytest.mark.parametrize("tail", ["", "QTimer.singleShot(0, app.quit); app.exec()"],
                         ids=["script-exit", "app-quit"])
def test_closing_the_window_inside_a_long_step_neither_freezes_nor_aborts(tail):
    code = CLOSE_SCRIPT.format(step=STEP_S, tail=tail)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "QThread: Destroyed" not in out.stderr, out.stderr
    lines = out.stdout.split("\n")
    closed = float(lines[0].split()[-1])
    assert closed < 0.5, f"closing waited {closed} s for the training step"
    assert "bye" in out.stdout
