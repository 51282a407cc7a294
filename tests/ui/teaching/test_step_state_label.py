"""The status bar's state label says what the canvas shows while stepping through backward:
"stepping backward: k of n", and after the last step the same as after Backward."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from playground.ui import commands as cmd
from tests.ui.teach_helpers import click, open_example, press, teach_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def state(w) -> str:
    return w.state_label.text()


def test_state_label_follows_the_steps_not_the_stale_grads(window, qtbot):
    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()
    w.undo_stack.push(cmd.SetValue(w.doc, "a", 3.0))  # an edit: the grads go stale
    qtbot.waitUntil(lambda: state(w) == "grads stale: press Backward")
    press(w, Qt.Key.Key_F7)
    assert state(w) == "stepping backward: 1 of 7"
    for k in range(2, 7):
        press(w, Qt.Key.Key_F7)
        assert state(w) == f"stepping backward: {k} of 7"
    press(w, Qt.Key.Key_F7)  # the last step: every grad is filled in, as after Backward
    assert state(w) == "grads: dL/d(node)"
    click(w.teaching.steps.buttons["step_reset"])  # back to the controller's (stale) numbers
    assert state(w) == "grads stale: press Backward"


def test_state_label_for_forward_steps_and_before_any_backward(window, qtbot):
    w = window
    open_example(w, "lecture")
    assert state(w) == "data up to date · no grads yet"
    press(w, Qt.Key.Key_F6)
    assert state(w) == "stepping forward: 1 of 7"
    press(w, Qt.Key.Key_F7)
    assert state(w) == "stepping backward: 1 of 7"
    qtbot.wait(50)  # the status bar lays the longer words out
    assert w.state_label.width() >= w.state_label.sizeHint().width()
    w.grab().save("/tmp/round2/2_stepping_state.png")
