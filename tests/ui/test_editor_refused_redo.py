"""A command whose redo raises is not left on the undo stack, and its own message is shown."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoCommand

from playground.graph.document import GraphError
from playground.ui.commands import SetValue
from tests.ui.window_helpers import install_dialogs, new_window


class Failing(QUndoCommand):
    def __init__(self, exc: Exception) -> None:
        super().__init__("Fail")
        self.exc = exc
        self.undone = 0

    def redo(self) -> None:
        raise self.exc

    def undo(self) -> None:
        self.undone += 1


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini")
    yield w
    w.undo_stack.setClean()


def test_a_refused_redo_leaves_the_stack_as_it_was_and_says_why(window):
    stack = window.undo_stack
    assert window.editor.push(SetValue(window.doc, window.doc.node_ids()[0], 5.0))
    stack.setClean()
    count, index = stack.count(), stack.index()
    command = Failing(GraphError("a is already an input of b"))
    assert window.editor.push(command) is False
    assert (stack.count(), stack.index()) == (count, index)
    assert not stack.canRedo() and stack.isClean()
    assert stack.undoText() != "Fail" and command.undone == 0
    message = window.statusBar().currentMessage()
    assert message == "a is already an input of b"


def test_a_bug_in_redo_is_taken_off_the_stack_and_reaches_the_error_handler(window):
    stack = window.undo_stack
    count = stack.count()
    with pytest.raises(KeyError):
        window.editor.push(Failing(KeyError("bug")))
    assert stack.count() == count and not stack.canRedo()
