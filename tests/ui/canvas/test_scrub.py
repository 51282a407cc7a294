"""Dragging a value's data number sideways (scrubbing), with real mouse and key events.

The canvas is wired to an ``EvaluationController`` as in the window, so what the scene shows
after a release is the display model's evaluation, grads stale as after an inspector edit.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.ui import commands as C
from playground.ui.canvas import scrub, scrub_look
from playground.ui.display import DisplayModel
from tests.ui.canvas_helpers import (
    body_point,
    click,
    drag,
    lecture_doc,
    make_canvas,
    number_point,
    undo_texts,
    vp_point,
)

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def canvas(qtbot, doc: GraphDocument | None = None, *, backward: bool = True):
    doc = lecture_doc() if doc is None else doc
    scene, view, stack = make_canvas(qtbot, doc)
    ctl = DisplayModel(doc, stack)
    scene.connect_display(ctl)
    messages: list[str] = []
    scene.status_message.connect(messages.append)
    if backward:
        ctl.backward()
    else:
        ctl.forward()
    return doc, scene, view, stack, ctl, messages


def shown(scene, node_id: str) -> float:
    return scene.evaluation.results[node_id].data


def lecture_L(a: float = 2.0, b: float = -3.0, c: float = 10.0, f: float = -2.0) -> float:
    return (a * b + c) * f


def press(view, p: QPointF, modifiers=NONE) -> QPoint:
    at = vp_point(view, p)
    QTest.mousePress(view.viewport(), LEFT, modifiers, at)
    return at


def move(view, at: QPoint, modifiers=NONE, buttons=LEFT) -> None:
    """A mouse move with the left button held and ``modifiers`` (QTest.mouseMove has none),
    sent to the viewport itself: QTest.mouseMove without a button goes to whichever window
    is under that point of the (offscreen) screen, maybe another test's leftover window."""
    vp = view.viewport()
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(at), QPointF(vp.mapToGlobal(at)),
                        Qt.MouseButton.NoButton, buttons, modifiers)
    QApplication.sendEvent(vp, event)


def hover(view, p: QPointF) -> None:
    move(view, vp_point(view, p), buttons=Qt.MouseButton.NoButton)


def move_by(view, start: QPoint, dx: int, *, steps: int = 8, modifiers=NONE) -> QPoint:
    for i in range(1, steps + 1):
        move(view, start + QPoint(round(dx * i / steps), 0), modifiers)
    return start + QPoint(dx, 0)


def release(view, at: QPoint, modifiers=NONE) -> None:
    QTest.mouseRelease(view.viewport(), LEFT, modifiers, at)


# --- the gesture -------------------------------------------------------------------------


def test_dragging_the_number_previews_live_and_release_is_one_undo_step(qtbot) -> None:
    doc, scene, view, stack, _ctl, messages = canvas(qtbot)
    start = press(view, number_point(scene, "a"))
    for i in range(1, 9):  # 40 px right, in steps: 0.01 a pixel for a = 2
        move(view, start + QPoint(5 * i, 0))
        a = 2.0 + 0.05 * i
        assert shown(scene, "a") == pytest.approx(a, abs=1e-12)
        assert shown(scene, "e") == pytest.approx(a * -3.0, abs=1e-12)
        assert shown(scene, "L") == pytest.approx(lecture_L(a), abs=1e-12)
        assert doc.value("a") == 2.0  # the document waits for the release
        assert stack.count() == 0  # no undo entry per mouse move
    assert scene.scrubbing
    assert scene.grad_state() == "stale"  # the grads belong to a = 2
    # dL/da = b * f = 6: L moved by 6 * 0.4 (L is linear in a, so exactly)
    assert messages[-1] == ("a: 2.0000 → 2.4000 (Δ +0.4000); L changed by +2.4000 ≈ "
                            "grad·Δ = 6.0000 × 0.4000 = +2.4000")
    release(view, start + QPoint(40, 0))
    assert not scene.scrubbing
    assert doc.value("a") == 2.4
    assert undo_texts(stack) == ["Edit value of a"]
    assert shown(scene, "L") == pytest.approx(lecture_L(2.4))
    assert scene.grad_state() == "stale"  # as after an inspector edit: press Backward
    assert scene.node_item("a").display().grad == 6.0  # kept, greyed
    assert scene.selected_node_ids() == ["a"]
    stack.undo()
    assert doc.value("a") == 2.0
    assert shown(scene, "L") == -8.0
    stack.redo()
    assert doc.value("a") == 2.4


def test_the_output_change_is_compared_with_grad_times_delta(qtbot) -> None:
    """A curved function: the change and grad·Δ differ a little, as they should."""
    doc = GraphDocument()
    doc.add_node("value", label="x", value=0.5, pos=(0, 0), node_id="x")
    doc.add_node("op", op="tanh", label="y", pos=(200, 0), node_id="y")
    doc.connect("x", "y", 0)
    _doc, scene, view, stack, _ctl, messages = canvas(qtbot, doc)
    start = press(view, number_point(scene, "x"))
    end = move_by(view, start, -20)  # x = 0.5: 0.001 a pixel -> x = 0.48
    x_new = 0.48
    assert shown(scene, "x") == pytest.approx(x_new)
    grad = 1 - math.tanh(0.5) ** 2
    change = math.tanh(x_new) - math.tanh(0.5)
    delta = x_new - 0.5
    assert messages[-1] == (f"x: 0.5000 → 0.4800 (Δ -0.0200); y changed by {change:.4f} ≈ "
                            f"grad·Δ = {grad:.4f} × -0.0200 = {grad * delta:.4f}")
    release(view, end)
    assert doc.value("x") == x_new
    assert undo_texts(stack) == ["Edit value of x"]


def test_shift_is_fine_and_ctrl_coarse(qtbot) -> None:
    doc, scene, view, stack, _ctl, _messages = canvas(qtbot)
    start = press(view, number_point(scene, "a"), SHIFT)
    release(view, move_by(view, start, 40, modifiers=SHIFT), SHIFT)
    assert doc.value("a") == 2.04  # 0.001 a pixel
    start = press(view, number_point(scene, "b"), CTRL)
    release(view, move_by(view, start, -30, modifiers=CTRL), CTRL)
    assert doc.value("b") == -6.0  # 0.1 a pixel
    # switching while dragging: 20 px normal, then 20 px fine
    start = press(view, number_point(scene, "f"))
    mid = move_by(view, start, 20)
    release(view, move_by(view, mid, 20, modifiers=SHIFT), SHIFT)
    assert doc.value("f") == pytest.approx(-2.0 + 0.2 + 0.02)
    assert undo_texts(stack) == ["Edit value of a", "Edit value of b", "Edit value of f"]
    assert shown(scene, "L") == pytest.approx(lecture_L(2.04, -6.0, 10.0, -1.78))


def test_the_step_follows_the_value_s_magnitude(qtbot) -> None:
    doc, scene, view, _stack, _ctl, _m = canvas(qtbot)
    start = press(view, number_point(scene, "c"))  # c = 10: 0.1 a pixel
    release(view, move_by(view, start, 25))
    assert doc.value("c") == 12.5
    assert scrub.magnitude(0.0) == 0.1 and scrub.magnitude(0.05) == 0.1
    assert scrub.magnitude(-3.0) == 1.0 and scrub.magnitude(37.0) == 10.0
    # on the step grid the result is clean (no 2.0999999999999996); off it, the tail stays
    drag_ = scrub.ScrubDrag("a", 0, 2.0, False, steps=1000, unit=0.1)
    assert drag_.value() == 2.1
    drag_ = scrub.ScrubDrag("a", 0, 1 / 3, False, steps=10, unit=0.1)
    assert drag_.value() == 1 / 3 + 0.001


def test_esc_cancels_and_restores_the_old_numbers(qtbot) -> None:
    doc, scene, view, stack, _ctl, messages = canvas(qtbot)
    before = scene.evaluation
    start = press(view, number_point(scene, "a"))
    end = move_by(view, start, 30)
    assert shown(scene, "a") == pytest.approx(2.3)
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not scene.scrubbing
    assert scene.evaluation is before  # the numbers and the fresh grads come back
    assert shown(scene, "a") == 2.0 and shown(scene, "L") == -8.0
    assert scene.grad_state() == "fresh"
    assert messages[-1] == "a: back to 2.0000 (Esc: nothing changed)"
    assert scene.selected_node_ids() == ["a"]  # Esc ended the drag, not the selection
    move_by(view, end, 40)  # the button is still down: nothing happens any more
    assert shown(scene, "a") == 2.0
    release(view, end + QPoint(40, 0))
    assert doc.value("a") == 2.0
    assert stack.count() == 0
    assert QApplication.overrideCursor() is None


def test_dragging_back_to_the_start_changes_nothing(qtbot) -> None:
    doc, scene, view, stack, _ctl, _m = canvas(qtbot)
    start = press(view, number_point(scene, "a"))
    mid = move_by(view, start, 30)
    release(view, move_by(view, mid, -30))
    assert doc.value("a") == 2.0
    assert stack.count() == 0
    assert scene.grad_state() == "fresh"


# --- clicks and moves still work ------------------------------------------------------------


def test_a_plain_click_on_the_number_selects(qtbot) -> None:
    doc, scene, view, stack, _ctl, _m = canvas(qtbot)
    click(view, number_point(scene, "a"))
    assert scene.selected_node_ids() == ["a"]
    click(view, number_point(scene, "b"))
    assert scene.selected_node_ids() == ["b"]
    click(view, number_point(scene, "a"), CTRL)  # Ctrl-click adds, as on the rest of the card
    assert sorted(scene.selected_node_ids()) == ["a", "b"]
    click(view, number_point(scene, "a"), CTRL)
    assert scene.selected_node_ids() == ["b"]
    assert stack.count() == 0 and doc.value("a") == 2.0
    # a small jitter or a vertical drag is still a click
    drag(view, number_point(scene, "c"), number_point(scene, "c") + QPointF(1, 25))
    assert scene.selected_node_ids() == ["c"]
    assert stack.count() == 0 and doc.value("c") == 10.0


def test_a_drag_on_the_card_s_body_still_moves_the_node(qtbot) -> None:
    doc, scene, view, stack, _ctl, _m = canvas(qtbot)
    old = doc.pos("a")
    drag(view, body_point(scene, "a"), body_point(scene, "a") + QPointF(60, 30))
    assert doc.pos("a") == (old[0] + 60, old[1] + 30)
    assert undo_texts(stack) == ["Move a"]
    assert doc.value("a") == 2.0
    # the grad row moves it too
    drag(view, body_point(scene, "a", fy=0.85), body_point(scene, "a", fy=0.85) + QPointF(-60, 0))
    assert doc.pos("a") == (old[0], old[1] + 30)
    # an op's data row is no number to drag: it moves the op
    e_old = doc.pos("e")
    p = body_point(scene, "e", fx=0.7, fy=0.5)
    drag(view, p, p + QPointF(40, 0))
    assert doc.pos("e") == (e_old[0] + 40, e_old[1])
    assert undo_texts(stack) == ["Move a", "Move a", "Move e"]


def test_a_tensor_value_is_not_scrubbed(qtbot) -> None:
    doc = GraphDocument()
    doc.add_node("value", label="v", value=[1.0, 2.0], pos=(0, 0), node_id="v")
    _doc, scene, view, stack, _ctl, _m = canvas(qtbot, doc, backward=False)
    item = scene.node_item("v")
    assert not item.scrubbable()
    p = number_point(scene, "v")
    drag(view, p, p + QPointF(40, 0))
    assert doc.value("v") == [1.0, 2.0]
    assert undo_texts(stack) == ["Move v"]


# --- what the learner sees ------------------------------------------------------------------


def test_hovering_the_number_shows_the_affordance(qtbot) -> None:
    _doc, scene, view, _stack, _ctl, _m = canvas(qtbot)
    item = scene.node_item("a")
    hover(view, body_point(scene, "a"))
    assert item.hovered and not item.scrub_hover
    assert item.cursor().shape() != scrub_look.CURSOR
    hover(view, number_point(scene, "a"))
    assert item.scrub_hover
    assert item.cursor().shape() == scrub_look.CURSOR
    assert scrub_look.TOOLTIP in item.tooltip_text()
    assert scrub_look.TOOLTIP not in scene.node_item("e").tooltip_text()
    # while dragging, the whole app shows ↔ (the mouse soon leaves the card)
    start = press(view, number_point(scene, "a"))
    end = move_by(view, start, 12)
    assert item.scrubbing
    assert QApplication.overrideCursor().shape() == scrub_look.CURSOR
    release(view, end)
    assert not item.scrubbing
    assert QApplication.overrideCursor() is None


def test_status_text_without_fresh_grads(qtbot) -> None:
    _doc, scene, view, _stack, _ctl, messages = canvas(qtbot, backward=False)
    start = press(view, number_point(scene, "a"))
    release(view, move_by(view, start, 10))
    assert messages[-1] == ("a: 2.0000 → 2.1000 (Δ +0.1000); L changed by +0.6000 "
                            "(press Backward to see the grad that predicts it)")
    assert scrub.change_text("a", 1.0, 1.5, out_name="L", out_change=0.2, grads="stale") == (
        "a: 1.0000 → 1.5000 (Δ +0.5000); L changed by +0.2000 "
        "(grads are stale: press Backward to compare with grad·Δ)")
    assert scrub.change_text("a", 1.0, 1.5, out_name="L", out_change=0.0,
                             grads="unreached").endswith("(L does not depend on a)")


def test_stale_grads_at_the_start_are_not_used_for_a_prediction(qtbot) -> None:
    doc, scene, view, _stack, _ctl, messages = canvas(qtbot)
    start = press(view, number_point(scene, "a"))
    release(view, move_by(view, start, 10))
    assert scene.grad_state() == "stale"
    start = press(view, number_point(scene, "a"))
    release(view, move_by(view, start, 10))
    assert doc.value("a") == 2.2
    assert messages[-1].endswith("(grads are stale: press Backward to compare with grad·Δ)")


# --- the rest of the app during a drag ------------------------------------------------------


def test_a_backward_mid_drag_keeps_the_preview_and_esc_returns_to_it(qtbot) -> None:
    doc, scene, view, stack, ctl, _m = canvas(qtbot)
    start = press(view, number_point(scene, "a"))
    end = move_by(view, start, 20)
    fresh = ctl.backward()  # e.g. Ctrl+B while the mouse is down: grads at a = 2
    assert shown(scene, "a") == pytest.approx(2.2)
    assert shown(scene, "L") == pytest.approx(lecture_L(2.2))
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert scene.evaluation is fresh
    release(view, end)
    assert stack.count() == 0 and doc.value("a") == 2.0


def test_an_edit_mid_drag_ends_the_drag(qtbot) -> None:
    doc, scene, view, stack, _ctl, _m = canvas(qtbot)
    start = press(view, number_point(scene, "a"))
    end = move_by(view, start, 20)
    stack.push(C.SetValue(doc, "c", 5.0))  # e.g. an undo, or the inspector
    assert not scene.scrubbing
    assert shown(scene, "a") == 2.0
    assert shown(scene, "L") == pytest.approx(lecture_L(c=5.0))
    release(view, move_by(view, end, 20))
    assert doc.value("a") == 2.0
    assert undo_texts(stack) == ["Edit value of c"]
    assert QApplication.overrideCursor() is None


def test_the_preview_matches_an_evaluation_of_the_edited_document(qtbot) -> None:
    doc, scene, view, _stack, _ctl, _m = canvas(qtbot)
    start = press(view, number_point(scene, "f"))
    end = move_by(view, start, -37)
    edited = GraphDocument.from_data(doc.to_data())
    edited.set_value("f", -2.37)
    expected = evaluate(edited)
    for n in doc.node_ids():
        assert shown(scene, n) == pytest.approx(expected.results[n].data, abs=1e-12)
    release(view, end)
    assert doc.value("f") == -2.37


def test_in_the_window_the_status_bar_and_the_inspector_follow(window, qtbot) -> None:
    """The neuron after Backward: drag w1 by 30 px (0.01 a pixel)."""
    ids = {window.doc.label(n): n for n in window.doc.node_ids()}
    w1, o = ids["w1"], ids["o"]
    scene, view = window.scene, window.view
    grad = scene.evaluation.results[w1].grad
    before = scene.evaluation.results[o].data
    start = press(view, number_point(scene, w1))
    end = move_by(view, start, 30)
    after = scene.evaluation.results[o].data
    assert window.doc.value(w1) == -3.0
    assert window.statusBar().currentMessage() == (
        f"w1: -3.0000 → -2.7000 (Δ +0.3000); o changed by +{after - before:.4f} ≈ "
        f"grad·Δ = {grad:.4f} × 0.3000 = +{grad * 0.3:.4f}")
    release(view, end)
    assert window.doc.value(w1) == -2.7
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Edit value of w1"
    qtbot.waitUntil(lambda: window.inspector.node == w1)  # follows the selection
    qtbot.waitUntil(lambda: window.inspector.value_edit.text() == "-2.7")
    assert window.state_label.text() == "grads stale: press Backward"
    window.undo_stack.undo()
    assert window.doc.value(w1) == -3.0
    assert scene.evaluation.results[o].data == before


def test_zoomed_out_too_far_to_read_the_number_a_drag_moves_the_card(qtbot) -> None:
    doc, scene, view, stack, _ctl, _m = canvas(qtbot)
    view.set_zoom(0.3)  # cards are plain boxes: no number to grab
    view.centerOn(scene.nodes_rect().center())
    item = scene.node_item("a")
    hover(view, number_point(scene, "a"))
    assert not item.scrub_hover
    old = doc.pos("a")
    p = number_point(scene, "a")
    drag(view, p, p + QPointF(100, 0))
    assert doc.value("a") == 2.0
    assert doc.pos("a")[0] > old[0]
    assert undo_texts(stack) == ["Move a"]
