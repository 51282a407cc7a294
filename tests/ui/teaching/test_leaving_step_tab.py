"""Leaving the Step-through tab takes its highlights and partial grads off the canvas (the
real numbers come back, as with the other tools); coming back shows the same step again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.ui import commands as cmd
from tests.ui.teach_helpers import open_example, press, shown, teach_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def click_tab(w, title: str) -> None:
    bar = w.teaching.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_leaving_the_tab_restores_the_canvas_and_coming_back_resumes(window, qtbot):
    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()
    press(w, Qt.Key.Key_F7)
    press(w, Qt.Key.Key_F7)
    assert shown(w, "a", "grad") == "—" and w.teaching.overlay.items()
    click_tab(w, "Gradient check")
    assert w.teaching.overlay.items() == []  # no teal/lilac left behind
    assert shown(w, "a", "grad") == "6.0000"  # the real Backward numbers
    assert w.state_label.text() == "grads: dL/d(node)"
    w.grab().save("/tmp/round2/3_left_steps_tab.png")
    click_tab(w, "Step through")
    assert w.teaching.steps.index == 1
    assert shown(w, "a", "grad") == "—" and w.teaching.overlay.highlight_nodes
    assert w.state_label.text() == "stepping backward: 2 of 7"
    press(w, Qt.Key.Key_F7)
    assert w.teaching.steps.index == 2


def test_play_pauses_and_an_edit_while_away_starts_over(window, qtbot):
    w = window
    open_example(w, "lecture")
    press(w, Qt.Key.Key_F8)
    assert w.teaching.steps.playing
    click_tab(w, "Wiggle")
    assert not w.teaching.steps.playing and w.teaching.overlay.items() == []
    w.undo_stack.push(cmd.SetValue(w.doc, "a", 3.0))
    qtbot.wait(10)
    click_tab(w, "Step through")
    assert w.teaching.steps.mode is None and w.teaching.overlay.items() == []
    assert "starts over" in w.teaching.steps.title.text()


def test_last_step_message_names_the_button(window):
    w = window
    open_example(w, "lecture")
    for _ in range(8):
        press(w, Qt.Key.Key_F7)
    message = w.statusBar().currentMessage()
    button = w.teaching.steps.buttons["step_reset"].text()
    assert button == "Reset Steps" and f"press {button}" in message


def close_button(w):
    from PySide6.QtWidgets import QAbstractButton

    button = w.teaching.dock.findChild(QAbstractButton, "qt_dockwidget_closebutton")
    assert button is not None and button.isVisible()
    return button


def test_closing_the_learn_dock_restores_the_canvas_and_f7_resumes(window, qtbot):
    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()
    press(w, Qt.Key.Key_F7)
    press(w, Qt.Key.Key_F7)
    assert shown(w, "a", "grad") == "—" and w.teaching.overlay.items()
    assert w.state_label.text() == "stepping backward: 2 of 7"
    button = close_button(w)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    qtbot.wait(10)
    assert not w.teaching.dock.isVisible()
    assert w.teaching.overlay.items() == []  # no teal/lilac left behind
    assert shown(w, "a", "grad") == "6.0000"  # the real Backward numbers
    assert w.state_label.text() == "grads: dL/d(node)"
    w.grab().save("/tmp/neutral/2_dock_closed.png")
    press(w, Qt.Key.Key_F7)  # the dock opens again on the same step, then steps on
    assert w.teaching.dock.isVisible()
    assert w.teaching.steps.index == 2 and w.teaching.overlay.highlight_nodes
    assert w.state_label.text() == "stepping backward: 3 of 7"


def test_closing_the_dock_while_playing_pauses_and_an_edit_starts_over(window, qtbot):
    w = window
    open_example(w, "lecture")
    press(w, Qt.Key.Key_F7)  # opens the dock on its first step
    press(w, Qt.Key.Key_F8)
    assert w.teaching.steps.playing
    button = close_button(w)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    assert not w.teaching.steps.playing and w.teaching.overlay.items() == []
    w.undo_stack.push(cmd.SetValue(w.doc, "a", 3.0))
    qtbot.wait(10)
    w.action("show_learn").trigger()
    assert w.teaching.dock.isVisible()
    assert w.teaching.steps.mode is None and w.teaching.overlay.items() == []
    assert "starts over" in w.teaching.steps.title.text()
