"""powc's exponent in the inspector: a text field typed with real keys, one undoable SetParams,
the card's **n following it, and text that is not a finite number refused inline."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.window_helpers import install_dialogs, new_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini")
    w.files.open_example("polynomial", ask=False)  # f = 3x² − 4x + 5 at x = 3: x² is powc
    w.action("backward").trigger()
    yield w
    w.undo_stack.setClean()


def square(window) -> str:
    (node,) = [n for n in window.doc.node_ids() if window.doc.op_name(n) == "powc"]
    return node


def type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def result(window, label: str):
    (node,) = [n for n in window.doc.node_ids() if window.doc.label(n) == label]
    return window.display.evaluation.results[node]


def test_the_exponent_field_edits_the_power_and_undo_restores_it(window):
    node = square(window)
    window.select([node])
    editor = window.inspector.params_editor
    assert editor.isVisible()
    edit = editor.fields["exponent"]
    assert edit.text() == "2"
    assert window.scene.node_item(node).symbol == "**2"
    assert result(window, "f").data == 20.0

    type_into(edit, "3")  # f = 3·27 − 12 + 5
    assert window.doc.params(node) == {"exponent": 3}
    assert window.undo_stack.undoText() == "Set exponent of powc to 3"
    assert window.scene.node_item(node).symbol == "**3"
    assert "**3  (powc)" in window.inspector.title.text()  # the title names it as the card
    assert result(window, "f").data == 74.0

    type_into(edit, "0.5")
    assert window.doc.params(node) == {"exponent": 0.5}
    assert window.scene.node_item(node).symbol == "**0.5"

    window.action("undo").trigger()
    window.action("undo").trigger()
    assert window.doc.params(node) in ({}, {"exponent": 2})
    assert edit.text() == "2" and window.scene.node_item(node).symbol == "**2"
    assert result(window, "f").data == 20.0


@pytest.mark.parametrize(("bad", "message"), [
    ("two", "write a number, like 2, -1 or 0.5"),
    ("inf", "write a finite number"),
    ("nan", "write a finite number"),
    ("", "write a number"),
    ("__import__('os')", "write a number"),
    ("1" * 30, "is too large for exponent"),
    ("1e999", "too large: 1e999 overflows to inf in float64"),  # the value box's words
])
def test_text_that_is_not_a_finite_number_is_refused_inline(window, bad, message):
    node = square(window)
    window.select([node])
    editor = window.inspector.params_editor
    before, count = window.doc.to_data(), window.undo_stack.count()
    type_into(editor.fields["exponent"], bad)
    assert editor.error.isVisible() and message in editor.error.text(), editor.error.text()
    assert window.doc.to_data() == before and window.undo_stack.count() == count
