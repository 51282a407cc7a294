"""Learn ▸ Practice driven from the keyboard: F9, typing, Enter, Esc, Alt+N. The lecture graph's
grads are the reference's (../shared/reference/README.md: L = -8, dL/da = 6 ...)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.teach.random_expr import OP_SETS
from tests.ui.teach_helpers import (
    click_node,
    inspector_grad,
    open_example,
    press,
    shown,
    teach_window,
)

#: The lecture's grads (reference README), in the order backward finishes them.
LECTURE = [("L", "1"), ("f", "4"), ("d", "-2"), ("e", "-2"), ("c", "-2"), ("b", "-4"),
           ("a", "6")]
SHOTS = os.environ.get("PRACTICE_SHOTS")  # a folder: save screenshots there to look at


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def panel(w):
    return w.teaching.practice


def type_answer(qtbot, w, text: str) -> None:
    """Type into the focused answer box, as the learner does, and press Enter."""
    box = panel(w).answer
    assert box.hasFocus() or w.focusWidget() is box, "the answer box should have the cursor"
    for ch in text:
        if ch.isascii():
            QTest.keyClicks(box, ch)
        else:  # QTest aborts on a character no key makes: send the key event a layout would
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(box, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                      ch))
    QTest.keyClick(box, Qt.Key.Key_Return)


def feedback(w) -> str:
    return panel(w).feedback.toPlainText()


def start_on_lecture(qtbot, w) -> None:
    open_example(w, "lecture")
    w.display.backward()  # the grads are on the canvas before practice hides them
    assert shown(w, "a", "grad") == "6.0000"
    press(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: panel(w).answer.hasFocus(), timeout=2000)


def save(qtbot, w, name: str) -> None:
    if SHOTS:
        qtbot.wait(50)  # the layouts settle, as they do between a learner's keys
        w.grab().save(os.path.join(SHOTS, name))


def test_f9_hides_the_grads_and_asks_for_the_output_first(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    assert w.teaching.dock.isVisible()
    assert w.teaching.tabs.currentWidget() is panel(w)
    assert {shown(w, n, "grad") for n, _ in LECTURE} == {"—"}
    assert panel(w).prompt.text() == "dL/dL ="
    assert w.teaching.overlay.highlight_nodes == ["L"]
    assert w.teaching.overlay.node_tag("L") == "dL/dL = ?"
    click_node(w, qtbot, "a")  # the inspector keeps the secret too
    assert inspector_grad(w) == "— (hidden while you practise: type it in the Practice tab)"


def test_the_lecture_graph_answered_right_scores_full(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    for i, (node, grad) in enumerate(LECTURE):
        assert w.teaching.overlay.highlight_nodes == [node]
        assert panel(w).prompt.text().startswith(f"dL/d{node} =")
        type_answer(qtbot, w, grad)
        assert "Right" in feedback(w)
        # the grad just answered is on the canvas; the next ones are still hidden
        assert float(shown(w, node, "grad")) == float(grad)
        for later, _ in LECTURE[i + 1:]:
            assert shown(w, later, "grad") == "—"
        if i == 3:
            save(qtbot, w, "practice_right.png")
    assert panel(w).score.text() == "Score 7 / 7 (right first time)"
    assert "7 of 7 right at the first try" in feedback(w)
    assert panel(w).title.text() == "Practice: done"
    assert feedback(w).count("7 of 7 right at the first try") == 1
    assert {shown(w, n, "grad") for n, _ in LECTURE} != {"—"}
    save(qtbot, w, "practice_done.png")
    # the cursor is still in the tab: Esc leaves, and the canvas is the document's again
    QTest.keyClick(w.focusWidget(), Qt.Key.Key_Escape)
    assert w.display.owner is None
    assert "Stopped" in feedback(w)


def test_a_wrong_answer_gets_the_chain_rule_with_numbers_and_is_marked(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    for _node, grad in LECTURE[:6]:
        type_answer(qtbot, w, grad)
    assert panel(w).prompt.text() == "dL/da ="
    type_answer(qtbot, w, "-6")
    text = feedback(w)
    assert "Not -6.0000" in text
    assert "dL/da = dL/de · de/da = -2.0000 · ?" in text
    assert "? is de/da" in text
    overlay = w.teaching.overlay
    assert overlay.highlight_nodes == ["a"]
    assert overlay.colour.name() == overlay.colour_hex("wrong")
    assert overlay.node_tag("a") == "✖ -6.0000"
    assert set(overlay.marks) == {"e"}  # where a's grad comes from
    assert shown(w, "a", "grad") == "—"
    save(qtbot, w, "practice_wrong_hint.png")
    # a second wrong try names the local derivative; the score keeps the miss
    panel(w).answer.clear()
    type_answer(qtbot, w, "3")
    assert "de/da = b = -3.0000" in feedback(w)
    panel(w).answer.clear()
    type_answer(qtbot, w, "6")
    assert shown(w, "a", "grad") == "6.0000"
    assert panel(w).score.text() == "Score 6 / 7 (right first time)"
    assert "a needed more than one" in feedback(w)


def test_text_that_is_not_a_number_gets_a_hint_not_a_crash(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    type_answer(qtbot, w, "one")
    assert "“one” is not a number" in feedback(w)
    assert panel(w).prompt.text() == "dL/dL ="  # still asking the same
    panel(w).answer.clear()
    QTest.keyClick(panel(w).answer, Qt.Key.Key_Return)  # nothing typed
    assert "Type a number first" in feedback(w)
    type_answer(qtbot, w, "1")  # a non-number cost nothing
    assert panel(w).score.text() == "Score 1 / 7 (right first time)"
    type_answer(qtbot, w, "−12/3")  # a typographic minus and a fraction are numbers
    assert "Right" in feedback(w) or "Not -4.0000" in feedback(w)
    assert "Not -4.0000" in feedback(w)  # dL/df is 4, not -4


def test_esc_stops_and_brings_the_grads_back(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    type_answer(qtbot, w, "1")
    QTest.keyClick(panel(w).answer, Qt.Key.Key_Escape)
    assert w.display.owner is None
    assert shown(w, "a", "grad") == "6.0000"
    assert w.teaching.overlay.highlight_nodes == []
    assert "Stopped" in feedback(w)
    assert not panel(w).answer.isEnabled()
    # F9 starts a new round, from the output again
    press(w, Qt.Key.Key_F9)
    assert panel(w).prompt.text() == "dL/dL ="
    assert shown(w, "a", "grad") == "—"


def test_an_edit_stops_practice(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    node = next(n for n in w.doc.node_ids() if w.doc.label(n) == "a")
    w.editor.set_value(node, 3.0)
    w.display.flush()
    assert panel(w).session is None
    assert "Practice stopped: the graph changed" in feedback(w)


def test_step_backward_takes_the_canvas_and_the_practice_tab_resumes_after(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    type_answer(qtbot, w, "1")
    press(w, Qt.Key.Key_F7)  # the Step-through tab comes up: practice pauses
    assert w.display.owner is w.teaching.steps
    assert w.teaching.overlay.highlight_nodes == ["L"]  # the step's, not practice's
    press(w, Qt.Key.Key_F9)
    assert w.display.owner is panel(w)
    assert panel(w).prompt.text() == "dL/df ="
    assert shown(w, "f", "grad") == "—"


def test_new_expression_from_the_keyboard_makes_a_graph_to_practise(qtbot, window):
    w = window
    press(w, Qt.Key.Key_F9)  # the neuron on the canvas
    p = panel(w)
    p.next_seed = 7
    p.ops.setCurrentText(next(k for k in OP_SETS if OP_SETS[k] == ("add", "mul")))
    p.depth.setValue(2)
    QTest.keyClick(p.answer, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Reuse a node
    assert p.reuse.isChecked()
    QTest.keyClick(p.answer, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert p.session is not None and p.running
    labels = {w.doc.label(n) for n in w.doc.node_ids()}
    assert "L" in labels and "a" in labels
    assert any(len(w.doc.consumers(n)) >= 2 for n in w.doc.node_ids())  # a node reused
    assert p.answer.hasFocus()
    # every grad the session asks for is the graph's Backward grad; typing them all scores
    expected = w.display.backward_evaluation()
    w.teaching.show_tab("practice")
    while p.session is not None and not p.session.done:
        q = p.session.current
        type_answer(qtbot, w, repr(expected.results[q.node].grad))
    assert p.score.text() == f"Score {p.session.total} / {p.session.total} (right first time)"
    # Undo brings the neuron back (and ends the round)
    w.undo_stack.undo()
    w.display.flush()
    assert "o" in {w.doc.label(n) for n in w.doc.node_ids()}
    assert p.session is None


def test_an_empty_canvas_gets_a_message_and_alt_n_still_makes_a_graph(qtbot, window):
    w = window
    w.files.new()
    press(w, Qt.Key.Key_F9)
    assert "Cannot practise on this graph" in feedback(w)
    assert panel(w).session is None
    QTest.keyClick(w.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert panel(w).running
    assert panel(w).prompt.text() == "dL/dL ="


def test_another_tab_gets_the_real_grads_and_coming_back_resumes(qtbot, window):
    w = window
    start_on_lecture(qtbot, w)
    type_answer(qtbot, w, "1")
    w.teaching.show_tab("check")
    assert shown(w, "f", "grad") == "4.0000"
    w.teaching.show_tab("practice")
    assert shown(w, "f", "grad") == "—"
    assert shown(w, "L", "grad") == "1.0000"
    assert panel(w).prompt.text() == "dL/df ="
