"""A lesson's task, done as a learner does it: open the lesson, type or edit, press Check, read
the verdict. A broken lesson file is a message in the menu, and the other lessons still work."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from playground.teach import lesson_files
from tests.ui.teach_helpers import by_label, click, click_node, press, shown, teach_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def menu_entry(w, name: str):
    return next(a for a in w.findChild(QMenu, "lessons").actions() if a.objectName() == name)


def answer(qtbot, w, text: str, *, enter: bool = False) -> str:
    card = w.teaching.card
    card.answer.clear()
    qtbot.keyClicks(card.answer, text)
    if enter:
        qtbot.keyClick(card.answer, Qt.Key.Key_Return)
    else:
        click(card.check_button)
    return card.verdict.text()


def test_predict_dl_db_then_press_backward(qtbot, window):
    w = window
    menu_entry(w, "lesson_chain").trigger()
    card = w.teaching.card
    assert card.task.isVisible() and "Predict dL/db" in card.task.text()
    b = by_label(w)["b"]
    assert shown(w, b, "grad") != "-4.0000"  # no grads yet: the learner predicts first
    assert "✗" in answer(qtbot, w, "six") and "Type one number" in card.verdict.text()
    assert "✗" in answer(qtbot, w, "6") and not card.passed()
    assert "✓" in answer(qtbot, w, "-4", enter=True) and card.passed()
    press(w, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # Backward
    assert shown(w, b, "grad") == "-4.0000"


def test_find_the_best_h_for_the_slope_14(qtbot, window):
    w = window
    menu_entry(w, "lesson_derivative").trigger()
    assert "✗" in answer(qtbot, w, "0.001")
    assert "✓" in answer(qtbot, w, "1e-8")


def test_make_l_bigger_by_nudging_a_leaf_in_the_inspector(qtbot, window):
    w = window
    menu_entry(w, "lesson_optimisation_step").trigger()
    card = w.teaching.card
    assert not card.answer.isVisible() and card.check_button.isVisible()
    click(card.check_button)
    assert not card.passed() and "not bigger than -8" in card.verdict.text()
    a = by_label(w)["a"]
    click_node(w, qtbot, a)
    edit = w.inspector.value_edit
    edit.selectAll()
    qtbot.keyClicks(edit, "2.06")  # a's grad is 6: a step of 0.01 along it
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert w.doc.value(a) == 2.06
    click(card.check_button)
    assert card.passed(), card.verdict.text()
    assert "from -8" in card.verdict.text()


def test_the_training_lesson_fills_in_the_training_tab(qtbot, window):
    w = window
    menu_entry(w, "lesson_training_loop").trigger()
    card = w.teaching.card
    assert card.training_button.isVisible()
    click(card.training_button)
    panel = w.training.panel
    assert panel is not None and w.training.is_current()
    config = panel.config()
    assert (config.dataset, config.hidden, config.activation) == ("lecture", (4, 4), "tanh")
    assert (config.lr, config.steps, config.loss) == (0.1, 20, "sse")
    w.training.shutdown()


def test_a_broken_lesson_file_is_a_message_and_the_other_lessons_still_work(
        qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name in ("10_chain.json", "12_optimisation_step.json"):
        shutil.copy(lesson_files.lessons_folder() / name, folder)
    (folder / "11_broken.json").write_text('{"key": "broken", "title": ', encoding="utf-8")
    gone = json.loads((folder / "10_chain.json").read_text(encoding="utf-8"))
    gone["task"]["node"] = "nobody"
    (folder / "13_no_node.json").write_text(json.dumps(dict(gone, key="x")), encoding="utf-8")
    monkeypatch.setattr(lesson_files, "lessons_folder", lambda: folder)
    w = next(teach_window(qtbot, tmp_path, monkeypatch))
    entries = w.findChild(QMenu, "lessons").actions()
    names = [a.objectName() for a in entries if a.objectName()]
    assert names == ["lesson_chain", "lesson_optimisation_step", "lesson_problem",
                     "lesson_problem"]
    problems = [a for a in entries if a.objectName() == "lesson_problem"]
    assert all(not a.isEnabled() for a in problems)
    assert problems[0].text().startswith("⚠ 11_broken.json: could not load this lesson")
    assert "'nobody' is not a node" in problems[1].toolTip()
    menu_entry(w, "lesson_chain").trigger()  # the good ones open and their tasks work
    assert "✓" in answer(qtbot, w, "-4")
    click(w.teaching.card.next_button)
    assert w.teaching.card.lesson.key == "optimisation_step"
    assert not w.teaching.card.next_button.isEnabled()  # the last one that loaded
    w.undo_stack.setClean()
