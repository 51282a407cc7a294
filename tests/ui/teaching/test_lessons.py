"""Help ▸ Lessons opens each lesson's graph with its card; playground.show / draw."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from playground.teach import LESSONS
from tests.ui.teach_helpers import (
    by_label,
    click,
    shown,
    teach_window,
)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def test_help_lessons_menu_opens_every_lesson_with_its_card(window):
    w = window
    help_menu = w.findChild(QMenu, "menu_help")
    lessons = w.findChild(QMenu, "lessons")
    assert lessons.menuAction() in help_menu.actions()
    actions = {a.objectName(): a for a in lessons.actions()}
    assert list(actions) == [f"lesson_{x.key}" for x in LESSONS]
    tabs = {"steps": "step_panel", "check": "gradient_check", "wiggle": "wiggle",
            "bug": "accumulation_bug", "expression": "expression_entry"}
    for lesson in LESSONS:
        actions[f"lesson_{lesson.key}"].trigger()
        card = w.teaching.card
        assert card.isVisible() and card.title.text() == lesson.title
        assert w.teaching.tabs.currentWidget().objectName() == tabs[lesson.tab]
        ids = by_label(w)
        assert w.scene.selected_node_ids() == [ids[lesson.focus]]
        if lesson.task.hides_grads:  # predict first: Backward is the learner's to press
            assert w.display.evaluation.output is not None
        else:
            assert shown(w, w.display.evaluation.output, "grad") == "1.0000"  # Backward ran


def test_chain_lesson_card_and_numbers(window):
    w = window
    next(a for a in w.findChild(QMenu, "lessons").actions()
         if a.objectName() == "lesson_chain").trigger()
    card = w.teaching.card.card_text()
    assert "2 × 4 = 8" in card and "walking man" in card
    w.action("backward").trigger()  # the task asked for a prediction first
    ids = by_label(w)
    assert shown(w, ids["L"], "data") == "-8.0000"
    assert shown(w, ids["a"], "grad") == "6.0000" and shown(w, ids["b"], "grad") == "-4.0000"
    click(w.teaching.card.next_button)
    assert w.teaching.card.lesson.key == "plus_times"
    # that lesson is typed in the Expression tab; rebuilding keeps its card up
    panel = w.teaching.panels["expression"]
    assert "L = d*f" in panel.text()
    assert panel.build()
    assert w.teaching.card.isVisible()
    w.files.open_example("neuron", ask=False)  # any other graph: the card goes
    assert not w.teaching.card.isVisible()


def test_a_plus_a_lesson_then_the_switch(window):
    w = window
    assert w.teaching.open_lesson("a_plus_a")
    bug = w.teaching.panels["bug"]
    assert w.teaching.tabs.currentWidget() is bug
    click(bug.switch)
    assert shown(w, "a", "grad") == "1.0000"
    click(w.teaching.card.close_button)
    assert not w.teaching.card.isVisible()
