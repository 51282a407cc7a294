"""A typed number past float64 (``1e999``) is refused in words wherever a value is typed.

The README promises that a nonsense value "gets a message and changes nothing"; the value box
used to store 1e999 as inf (and a 400-digit integer inside a tensor raised OverflowError).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.teach_helpers import click_node

MESSAGE = "too large: 1e999 overflows to inf in float64"


def _type_value(window, text: str) -> None:
    edit = window.inspector.value_edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("text, words", [
    ("1e999", MESSAGE),
    ("-1e999", MESSAGE),
    ("[2, 1e999]", MESSAGE),
    ("[1" + "0" * 400 + ", 2]", "(401 characters) overflows to inf in float64"),
])
def test_the_value_box_refuses_a_number_past_float64(window, qtbot, tmp_path, text, words):
    click_node(window, qtbot, "x1")
    before, steps = window.doc.to_data(), window.undo_stack.count()
    _type_value(window, text)
    error = window.inspector.value_error
    assert words in error.text() and error.isVisible()
    assert window.doc.to_data() == before and window.undo_stack.count() == steps
    window.inspector.grab().save(str(tmp_path / "inspector_too_large.png"))
    # inf typed as a word is still a number (it evaluates with a warning), and 1e308 fits.
    _type_value(window, "1e308")
    assert window.doc.value("x1") == 1e308 and error.text() == ""
    _type_value(window, "inf")
    assert window.doc.value("x1") == float("inf") and error.text() == ""


def test_the_expression_entry_refuses_a_number_past_float64(window):
    window.teaching.show_tab("expression")
    panel = window.teaching.panels["expression"]
    before = window.doc.to_data()
    panel.edit.setFocus()
    panel.edit.selectAll()
    QTest.keyClick(panel.edit, Qt.Key.Key_Delete)
    QTest.keyClicks(panel.edit, "a = 2.0")
    QTest.keyClick(panel.edit, Qt.Key.Key_Return)
    QTest.keyClicks(panel.edit, "L = a * 1e999")
    QTest.keyClick(panel.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert f"line 2, column 9: {MESSAGE}" in panel.message.text()
    assert window.doc.to_data() == before
