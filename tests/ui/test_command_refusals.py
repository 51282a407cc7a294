"""A command that refuses its input while it is being *built* is a refusal like a failed redo.

Each test edits through real widgets and keys; a refusal must show its message, leave the
document and the undo stack exactly as they were, and let no exception out (pytest-qt fails a
test on any exception raised in a slot).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from playground.graph.document import GraphError
from playground.ui import commands as cmd
from tests.ui.window_helpers import by_label, install_dialogs, new_window

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini")  # the neuron example, after Backward
    yield w
    w.undo_stack.setClean()


def snapshot(window) -> tuple:
    stack = window.undo_stack
    return (window.doc.to_data(), stack.count(), stack.index(), stack.isClean(), stack.undoText())


def refuse_building(monkeypatch, command_class, message: str, when=lambda *a, **k: True):
    """Make ``command_class``'s constructor raise ``GraphError(message)`` when ``when(...)``."""
    real = command_class.__init__

    def strict(self, *args, **kwargs):
        if when(*args, **kwargs):
            raise GraphError(message)
        real(self, *args, **kwargs)

    monkeypatch.setattr(command_class, "__init__", strict)


def type_and_enter(widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def press(window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifier)


def add_op(window, qtbot, op: str) -> str:
    node = window.edits.add_at_centre(f"op:{op}")
    assert node is not None
    qtbot.waitUntil(lambda: window.inspector.params_editor.op == op)
    return node


def test_a_params_refusal_while_the_command_is_built_is_shown_and_changes_nothing(
    window, qtbot, monkeypatch
):
    reshape = add_op(window, qtbot, "reshape")
    editor = window.inspector.params_editor
    field = editor.fields["shape"]
    before = snapshot(window)
    message = "reshape to (7,) would need 7 elements: the input has 6"
    # Today SetParams checks only the kinds of params; a stricter check (a shape that must fit
    # the input) would raise from the constructor, before anything is pushed.
    refuse_building(monkeypatch, cmd.SetParams, message,
                    when=lambda doc, node, params: params.get("shape") == [7])

    type_and_enter(field, "7")

    assert window.statusBar().currentMessage() == message
    assert editor.error.isVisible() and message in editor.error.text()
    assert field.text() == "7", "the learner's text stays in the field to fix"
    assert snapshot(window) == before
    assert window.doc.params(reshape) == {}
    # A good shape afterwards goes through as one undo step.
    type_and_enter(field, "1, -1")
    assert window.doc.params(reshape) == {"shape": [1, -1]}
    assert window.undo_stack.count() == before[1] + 1
    assert not editor.error.isVisible()


def test_an_index_numpy_refuses_gets_an_inline_message(window, qtbot):
    """A list index with a number too large for numpy raised OverflowError from the editor."""
    node = add_op(window, qtbot, "getitem")
    editor = window.inspector.params_editor
    before = snapshot(window)
    for text, words in (("[99999999999999999999999]", "too large"),
                        ("[" * 70 + "1" + "]" * 70, "nested too deeply")):
        type_and_enter(editor.fields["index"], text)
        assert editor.error.isVisible() and words in editor.error.text(), text
        assert snapshot(window) == before
    assert window.doc.params(node) == {}


def test_a_bad_shape_typed_in_the_editor_is_explained_and_changes_nothing(window, qtbot):
    add_op(window, qtbot, "reshape")
    editor = window.inspector.params_editor
    before = snapshot(window)
    for text in ("2, -3", "-1, -1", "two", "2.5"):
        type_and_enter(editor.fields["shape"], text)
        assert editor.error.isVisible() and editor.error.text(), text
        assert snapshot(window) == before, text


def test_label_and_value_refusals_while_built_change_nothing(window, qtbot, monkeypatch):
    ids = by_label(window)
    window.select([ids["x1"]])
    before = snapshot(window)
    refuse_building(monkeypatch, cmd.SetLabel, "no label for you")
    refuse_building(monkeypatch, cmd.SetValue, "no value for you")
    type_and_enter(window.inspector.label_edit, "renamed")
    assert window.statusBar().currentMessage() == "no label for you"
    type_and_enter(window.inspector.value_edit, "3.5")
    assert window.statusBar().currentMessage() == "no value for you"
    assert snapshot(window) == before


@pytest.mark.parametrize(
    ("name", "command_class", "keys"),
    [
        ("auto layout", "AutoLayout", (Qt.Key.Key_L, CTRL)),
        ("delete", "DeleteItems", (Qt.Key.Key_Delete,)),
        ("cut", "DeleteItems", (Qt.Key.Key_X, CTRL)),
        ("duplicate", "PasteNodes", (Qt.Key.Key_D, CTRL)),
        ("paste", "PasteNodes", (Qt.Key.Key_V, CTRL)),
        ("mark output", "SetOutput", (Qt.Key.Key_M, CTRL)),
    ],
)
def test_every_window_edit_survives_a_refusal_while_built(
    window, qtbot, monkeypatch, name, command_class, keys
):
    ids = by_label(window)
    window.select([ids["x1"]])
    if name == "paste":
        assert window.edits.copy()
    clipboard = QGuiApplication.clipboard().text()
    before = snapshot(window)
    refuse_building(monkeypatch, getattr(cmd, command_class), f"{name} refused")

    press(window, *keys)

    assert window.statusBar().currentMessage() == f"{name} refused"
    assert snapshot(window) == before
    assert QGuiApplication.clipboard().text() == clipboard, "a refused cut copies nothing"
    assert window.scene.selected_node_ids() == [ids["x1"]]
