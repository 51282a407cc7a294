"""Every lesson's task is whole in view next to its answer box, at 1280x800, light and dark
(UX review, item 12: lesson 10's task ended "type it, then press" at the bottom of a small
scroll box, and only a wrong answer scrolled it into view)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMenu

from playground.teach import LESSONS
from playground.ui.window import theme
from tests.ui.teach_helpers import teach_window
from tests.ui.window_helpers import new_window  # noqa: F401 (teach_window's)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    gen = teach_window(qtbot, tmp_path, monkeypatch)
    w = next(gen)
    w.resize(1280, 800)
    qtbot.wait(50)
    yield w
    theme.apply("system")
    QApplication.processEvents()
    next(gen, None)


def check_task_in_view(w, key: str) -> None:
    card = w.teaching.card
    task, answer = card.task, card.answer
    assert task.isVisible(), key
    assert not card.scroll.isAncestorOf(task), key  # not in the scroll: never scrolled away
    # its whole wrapped text has room, and none of it is clipped by the card or the dock
    assert task.height() >= task.heightForWidth(task.width()), key
    assert task.visibleRegion().boundingRect() == task.rect(), key
    # right above the answer box (or the Check button, for a task with nothing to type)
    below = answer if answer.isVisible() else card.check_button
    gap = below.mapTo(card, below.rect().topLeft()).y() - task.geometry().bottom()
    assert 0 < gap <= 12, (key, gap)
    assert below.visibleRegion().boundingRect() == below.rect(), key


@pytest.mark.parametrize("name", ["light", "dark"])
def test_every_lessons_task_is_whole_above_its_answer_at_1280x800(qtbot, window, name):
    w = window
    theme.choose(w, name)
    entries = {a.objectName(): a for a in w.findChild(QMenu, "lessons").actions()}
    for lesson in LESSONS:
        if lesson.task is None:
            continue
        w.undo_stack.setClean()
        entries[f"lesson_{lesson.key}"].trigger()  # Learn ▸ Lessons ▸ the lesson
        qtbot.wait(30)
        assert w.teaching.card.lesson.key == lesson.key
        check_task_in_view(w, lesson.key)
