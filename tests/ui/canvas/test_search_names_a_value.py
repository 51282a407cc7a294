"""Typing a name on the canvas offers a Value of that name first (UX review item 11).

A learner typed ``x`` and Enter, as if naming a value, and got an ``exp`` card: the search
listed every op with an x in it, exp first.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.ui.canvas_helpers import lecture_doc, make_canvas, undo_texts


def _type_on_canvas(qtbot, text: str):
    doc = lecture_doc()
    _scene, view, stack = make_canvas(qtbot, doc)
    view.setFocus()
    QTest.mouseMove(view.viewport(), QPoint(420, 520))
    QTest.keyClick(view, text[0])  # a letter on the canvas opens the search with it
    popup = view.search
    assert popup.isVisible() and popup.edit.text() == text[0]
    QTest.keyClicks(popup.edit, text[1:])
    return doc, stack, popup


def test_a_letter_no_op_starts_with_adds_a_value_of_that_name(qtbot):
    doc, stack, popup = _type_on_canvas(qtbot, "x")
    first = popup.current()
    assert (first.kind, first.title, first.label) == ("value", "Value named x", "x")
    assert "exp" in [c.op for c in popup.matches()]  # still there, lower down
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert undo_texts(stack) == ["Add value x"]
    new = doc.node_ids()[-1]
    assert doc.kind(new) == "value" and doc.label(new) == "x"


def test_a_longer_name_is_a_value_too(qtbot):
    doc, _stack, popup = _type_on_canvas(qtbot, "loss")
    assert popup.current().title == "Value named loss"
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert doc.label(doc.node_ids()[-1]) == "loss"


def test_text_an_op_starts_with_lists_the_ops_first_then_the_value(qtbot):
    _doc, stack, popup = _type_on_canvas(qtbot, "ta")
    matches = popup.matches()
    assert popup.current().op == "tanh"  # as before: Enter adds tanh
    titles = [c.title for c in matches]
    named = titles.index("Value named ta")
    starting = [i for i, c in enumerate(matches)
                if c.kind == "op" and (c.op.startswith("ta") or c.title.startswith("ta"))]
    assert starting and named == max(starting) + 1  # right after the ops that start with it
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert undo_texts(stack) == ["Add tanh"]


def test_a_name_a_node_has_becomes_a_free_one(qtbot):
    doc, stack, popup = _type_on_canvas(qtbot, "c")  # the lecture graph has a c
    assert popup.current().op in ("concat", "cross_entropy")  # ops start with c: first
    named = next(c for c in popup.matches() if c.label is not None)
    assert named.title == "Value named c2"
    row = popup.matches().index(named)
    for _ in range(row):
        QTest.keyClick(popup.edit, Qt.Key.Key_Down)
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert undo_texts(stack) == ["Add value c2"]
    assert doc.label(doc.node_ids()[-1]) == "c2"


def test_text_that_cannot_be_a_name_offers_no_named_value(qtbot):
    _doc, _stack, popup = _type_on_canvas(qtbot, "x*")
    assert all(c.label is None for c in popup.matches())
