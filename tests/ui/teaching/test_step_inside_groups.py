"""Step Backward through a graph with a group, with real keys and clicks: the group's step
says its local derivative is computed by its inside, Step inside opens it on the canvas and
walks the inside, and the steps come back out to the level above (lesson 14, tanh from exp)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from playground.teach.lessons import lesson
from playground.ui.canvas.group_card import GroupCard
from tests.ui.teach_helpers import by_label, click, double_click_card, press, shown, teach_window

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def open_tanh_lesson(w) -> tuple[str, dict[str, str]]:
    w.findChild(QAction, "lesson_tanh_from_exp").trigger()  # Help ▸ Lessons' entry
    (gid,) = w.doc.groups()
    return gid, by_label(w)


def step_to(w, node: str) -> None:
    panel = w.teaching.steps
    for _ in range(20):
        press(w, Qt.Key.Key_F7)
        if panel.steps[panel.index].node == node:
            return
    raise AssertionError(f"never reached {node}")


def test_the_lesson_shows_one_tanh_node_beside_the_exp_built_group(window):
    w = window
    gid, ids = open_tanh_lesson(w)
    assert w.scene.scope is None
    assert isinstance(w.scene.node_item(gid), GroupCard)
    assert w.scene.node_item(ids["o_tanh"]) is not None  # the tanh node, side by side
    assert w.scene.node_item(ids["e"]) is None  # hidden in the group card
    # laid out with room for the group card: nothing overlapped, so nothing was re-laid
    made = lesson("tanh_from_exp").document()
    assert all(w.doc.node(n)["pos"] == made.node(n)["pos"] for n in w.doc.node_ids())
    assert w.doc.group_pos(gid) == made.group_pos(gid)
    card, tanh = w.scene.node_item(gid), w.scene.node_item(ids["o_tanh"])
    assert not card.sceneBoundingRect().intersects(tanh.sceneBoundingRect())
    press(w, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # Backward
    assert shown(w, ids["o_tanh"], "data") == shown(w, gid, "data") == "0.7071"
    assert shown(w, ids["n_tanh"], "grad") == shown(w, ids["n_exp"], "grad") == "0.5000"
    # the task: n_exp's grad, checked by the engine
    card = w.teaching.card
    assert w.teaching.check_task("0.5") and not w.teaching.check_task("1")
    assert "n_exp" in card.lesson.task.text


def test_step_inside_walks_the_group_and_comes_back_out_after_it(window, qtbot):
    w = window
    gid, ids = open_tanh_lesson(w)
    panel = w.teaching.steps
    step_to(w, gid)
    text = panel.text.toPlainText()
    assert "d(o_exp)/d(n_exp) = 0.5000, computed by its inside" in text
    assert "n_exp.grad += d(both)/d(o_exp) · d(o_exp)/d(n_exp) = 1.0000 · 0.5000 = 0.5000" in text
    assert panel.inside_button.isVisible()
    assert panel.inside_button.text() == "Step inside tanh from exp ▸"
    assert w.teaching.overlay.highlight_nodes == [gid]  # the group card glows
    outer_index = panel.index
    qtbot.mouseClick(panel.inside_button, LEFT)
    assert w.scene.scope == gid  # the canvas opened the group
    assert w.view.breadcrumb.parts() == ["Graph", "▣ tanh from exp"]
    assert panel.title.text().startswith("Inside tanh from exp · Backward step 1 of")
    assert panel.steps[0].node == ids["o_exp"]
    assert panel.out_button.isVisible() and not panel.inside_button.isVisible()
    # inside, grads appear node by node as the steps reach them
    assert shown(w, ids["o_exp"], "grad") == "1.0000"
    assert shown(w, ids["e"], "grad") == "—"
    step_to(w, ids["e"])
    assert shown(w, ids["e"], "grad") == "0.0429"
    while not panel.steps[panel.index].leaving:
        press(w, Qt.Key.Key_F7)
    assert "n_exp.grad += " in panel.text.toPlainText()
    assert "back out to the top level" in panel.text.toPlainText()
    press(w, Qt.Key.Key_F7)  # out again, on to the step after the group's
    assert w.scene.scope is None and not panel.out_button.isVisible()
    assert panel.index == outer_index + 1
    # to the end: the top level's grads are the Backward's
    while panel.index < len(panel.steps) - 1:
        press(w, Qt.Key.Key_F7)
    assert "Done: every grad is filled in" in panel.text.toPlainText()
    assert shown(w, ids["n_exp"], "grad") == shown(w, ids["n_tanh"], "grad") == "0.5000"


def test_back_out_and_the_breadcrumb_leave_the_inside_and_double_click_steps_inside(
        window, qtbot):
    w = window
    gid, _ids = open_tanh_lesson(w)
    panel = w.teaching.steps
    step_to(w, gid)
    at_group = panel.index
    double_click_card(w, gid)  # opening the group at its step is Step inside
    assert w.scene.scope == gid and panel.scope == gid and panel.index == 0
    press(w, Qt.Key.Key_F7)
    qtbot.mouseClick(panel.out_button, LEFT)  # Back out: after the group's step
    assert w.scene.scope is None and panel.scope is None
    assert panel.index == at_group + 1
    # the breadcrumb back to the top while inside: back at the group's own step
    press(w, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)  # Reset Steps
    step_to(w, gid)
    click(panel.inside_button)
    assert w.scene.scope == gid
    qtbot.mouseClick(w.view.breadcrumb.buttons[0], LEFT)
    assert w.scene.scope is None and panel.scope is None and panel.index == at_group
    assert panel.inside_button.isVisible()


def test_stepping_starts_at_the_level_the_canvas_shows(window):
    w = window
    gid, ids = open_tanh_lesson(w)
    w.scene.set_scope(gid)
    press(w, Qt.Key.Key_F7)
    panel = w.teaching.steps
    assert panel.scope == gid and panel.steps[0].node == ids["o_exp"]
    assert not panel.out_button.isVisible()  # nothing above to go back to
    while panel.index < len(panel.steps) - 1:
        press(w, Qt.Key.Key_F7)
    assert panel.steps[panel.index].leaving
    assert "Done inside tanh from exp: every grad in it is filled in" in panel.text.toPlainText()


def test_an_edit_that_removes_the_open_group_while_stepping_starts_over(window):
    w = window
    gid, ids = open_tanh_lesson(w)
    w.editor.ungroup(gid)  # an undoable edit: Ctrl+Z groups again
    press(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (gid,) = w.doc.groups()
    panel = w.teaching.steps
    step_to(w, gid)
    click(panel.inside_button)
    assert w.scene.scope == gid
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(w, Qt.Key.Key_Z, redo)  # redo the ungroup: the open group goes
    assert not w.doc.groups() and w.scene.scope is None
    assert panel.mode is None and panel.outer == [] and panel.scope is None
    assert not panel.inside_button.isVisible() and not panel.out_button.isVisible()
    press(w, Qt.Key.Key_F7)  # and stepping works on the flat graph
    assert panel.mode == "backward" and panel.steps[0].node == ids["both"]


def test_step_forward_takes_the_group_as_one_step_and_can_step_inside(window, qtbot):
    w = window
    gid, ids = open_tanh_lesson(w)
    panel = w.teaching.steps
    for _ in range(10):
        press(w, Qt.Key.Key_F6)
        if panel.steps[panel.index].node == gid:
            break
    assert panel.text.toPlainText().startswith("o_exp = 0.7071, computed by its inside")
    assert panel.inside_button.isVisible()
    qtbot.mouseClick(panel.inside_button, LEFT)
    assert w.scene.scope == gid and panel.mode == "forward"
    # inside, data appear inputs first: n_exp (outside, given) shows, e not yet
    assert shown(w, ids["e"], "data") == "—"
    step_to_forward = [s.node for s in panel.steps]
    assert step_to_forward[-1] == ids["o_exp"]
    while panel.steps[panel.index].node != ids["e"]:
        press(w, Qt.Key.Key_F6)
    assert shown(w, ids["e"], "data") == "5.8284"
    while panel.scope == gid:
        press(w, Qt.Key.Key_F6)
    assert w.scene.scope is None  # back out, on to the step after the group's
    assert panel.steps[panel.index].node == ids["both"]
