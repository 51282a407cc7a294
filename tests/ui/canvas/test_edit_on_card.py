"""Editing on the card (card_edit.py) and messages where they happen (bubble.py), with real
mouse and key events sent to the canvas's viewport."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from playground.ui.canvas import bubble as bubble_module
from playground.ui.canvas.card_edit import read_number
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


def canvas(qtbot):
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    display = DisplayModel(doc, stack)
    scene.connect_display(display)
    display.backward()
    messages: list[str] = []
    scene.status_message.connect(messages.append)
    return doc, scene, view, stack, messages


def double_click(view, p: QPointF) -> None:
    """What a real mouse sends: press, release, double-click, release (QTest.mouseDClick
    sends only the double-click event). The first press lands on the number as a scrub
    would begin: it must stay a click."""
    vp, at = view.viewport(), vp_point(view, p)
    QTest.mousePress(vp, LEFT, NONE, at)
    QTest.mouseRelease(vp, LEFT, NONE, at)
    QTest.mouseDClick(vp, LEFT, NONE, at)
    QTest.mouseRelease(vp, LEFT, NONE, at)


def type_in(view, text: str, end=Qt.Key.Key_Return) -> None:
    """Keys as the learner types them: to the canvas, which hands them to the card's editor."""
    QTest.keyClicks(view, text)
    if end is not None:
        QTest.keyClick(view, end)


def data_of(scene, node_id: str) -> float:
    return scene.evaluation.results[node_id].data


def bubble_near(scene, view, point: QPointF, within: float = 2.0) -> str:
    """The bubble's text, checking that it is on show, in view, pointing at ``point``."""
    b = scene.bubble
    assert b is not None, "no bubble on the canvas"
    assert b.isVisible() and b.opacity() == 1.0
    tip = b.scenePos()
    assert abs(tip.x() - point.x()) <= within and abs(tip.y() - point.y()) <= within, (
        tip, point)
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.contains(tip)
    return b.text


def test_double_click_on_a_value_number_edits_it_and_one_undo_restores_it(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, number_point(scene, "a"))
    editor = scene.card_editor
    assert editor is not None and editor.text() == "2.0" and editor.selectedText() == "2.0"
    type_in(view, "3.5")
    assert scene.card_editor is None
    assert doc.value("a") == 3.5
    assert undo_texts(stack) == ["Edit value of a"]
    # The numbers downstream follow: L = (a*b + c) * f = (3.5*-3 + 10) * -2.
    assert data_of(scene, "L") == (3.5 * -3.0 + 10.0) * -2.0
    stack.undo()
    assert doc.value("a") == 2.0 and data_of(scene, "L") == -8.0


def test_double_click_on_a_card_name_renames_it_in_one_undo_step(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, body_point(scene, "a", fy=0.15))
    assert scene.card_editor is not None and scene.card_editor.text() == "a"
    type_in(view, "x")  # the old name is selected: typing replaces it
    assert doc.label("a") == "x"
    assert scene.node_item("a").display_lines()[0] == "x"
    assert undo_texts(stack) == ["Rename a to x"]
    stack.undo()
    assert doc.label("a") == "a"


def test_an_op_card_is_named_on_its_header(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, body_point(scene, "d", fx=0.8, fy=0.15))
    assert scene.card_editor is not None
    type_in(view, "sum")
    assert doc.label("d") == "sum" and undo_texts(stack) == ["Rename d to sum"]


def test_text_that_is_not_a_number_keeps_the_value_and_says_why_at_the_card(qtbot):
    doc, scene, view, stack, messages = canvas(qtbot)
    double_click(view, number_point(scene, "b"))
    type_in(view, "two")
    assert doc.value("b") == -3.0 and stack.count() == 0
    assert data_of(scene, "b") == -3.0
    editor = scene.card_editor
    assert editor is not None and editor.text() == "two"  # left to fix
    top = editor.graphicsProxyWidget().sceneBoundingRect()
    text = bubble_near(scene, view, QPointF(top.center().x(), top.top()))
    assert text == "'two' is not a number: type a number like -3.5 or 1e-3 (b stays -3.0000)"
    assert messages[-1] == text
    # Fixed and entered again: it goes through.
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_in(view, "-4")
    assert doc.value("b") == -4.0 and stack.count() == 1


def test_a_number_too_large_for_float64_is_refused_at_the_card(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, number_point(scene, "c"))
    type_in(view, "1e999")
    assert doc.value("c") == 10.0 and stack.count() == 0
    assert scene.bubble.text == ("too large: 1e999 overflows to inf in float64 "
                                 "(c stays 10.0000)")


def test_a_name_another_node_has_is_refused_at_the_card(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, body_point(scene, "a", fy=0.15))
    type_in(view, "b")
    assert doc.label("a") == "a" and stack.count() == 0
    assert scene.card_editor is not None
    assert scene.bubble.text == "b is already the name of another node: pick another name"


def test_escape_cancels_the_edit(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, number_point(scene, "f"))
    type_in(view, "9", end=Qt.Key.Key_Escape)
    assert scene.card_editor is None
    assert doc.value("f") == -2.0 and stack.count() == 0
    assert scene.node_item("f").isSelected()  # Esc closed the editor, not the selection


def test_clicking_elsewhere_commits_the_edit(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    double_click(view, number_point(scene, "a"))
    type_in(view, "5", end=None)
    click(view, body_point(scene, "c", fy=0.15))
    assert scene.card_editor is None
    assert doc.value("a") == 5.0 and undo_texts(stack) == ["Edit value of a"]


def test_a_sideways_drag_on_the_number_still_scrubs(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    p = number_point(scene, "a")
    drag(view, p, p + QPointF(40, 0))
    assert scene.card_editor is None
    assert doc.value("a") != 2.0 and undo_texts(stack) == ["Edit value of a"]


def test_a_double_click_on_the_grad_row_brings_the_inspector(qtbot):
    _doc, scene, view, _stack, _ = canvas(qtbot)
    activated: list[str] = []
    scene.node_activated.connect(activated.append)
    double_click(view, body_point(scene, "a", fy=0.85))
    assert activated == ["a"] and scene.card_editor is None


def test_wiring_a_cycle_is_refused_in_a_bubble_at_the_port(qtbot):
    doc, scene, view, stack, messages = canvas(qtbot)
    # L's output onto e's first input: e feeds d, which feeds L.
    start = scene.node_item("L").output_anchor()
    port = scene.node_item("e").input_anchor(0)
    drag(view, start, port)
    assert stack.count() == 0 and doc.input_of("e", 0) == "a"
    text = bubble_near(scene, view, port)
    assert "would make a cycle" in text and messages[-1] == text
    # The box sits above e's card, its pointer reaching down: e's name stays readable.
    b, card = scene.bubble, scene.node_item("e")
    box = b.deviceTransform(view.viewportTransform()).mapRect(b.box())
    card_top = view.mapFromScene(card.mapToScene(card.body.topLeft())).y()
    assert box.bottom() <= card_top


def test_a_wire_dropped_on_a_value_says_it_has_no_inputs_there(qtbot):
    _doc, scene, view, stack, _ = canvas(qtbot)
    start = scene.node_item("a").output_anchor()
    target = body_point(scene, "c", fy=0.15)
    drag(view, start, target)
    assert stack.count() == 0
    assert bubble_near(scene, view, target) == "c is a value: it has no inputs"


def test_a_bubble_fades_and_goes(qtbot, monkeypatch):
    monkeypatch.setattr(bubble_module, "HOLD_MS", 30)
    monkeypatch.setattr(bubble_module, "PER_CHAR_MS", 0)
    monkeypatch.setattr(bubble_module, "FADE_MS", 60)
    _doc, scene, _view, _stack, _ = canvas(qtbot)
    scene.show_bubble("hello", body_point(scene, "a"))
    b = scene.bubble
    assert b is not None
    qtbot.waitUntil(lambda: b.opacity() < 1.0, timeout=2000)  # fading
    qtbot.waitUntil(lambda: scene.bubble is None, timeout=2000)
    assert b.scene() is None


def test_a_new_bubble_replaces_the_old_and_stays_readable_zoomed_out(qtbot):
    _doc, scene, view, _stack, _ = canvas(qtbot)
    first = scene.show_bubble("first", body_point(scene, "a"))
    view.set_zoom(0.5)
    second = scene.show_bubble("second", body_point(scene, "c"))
    assert first.scene() is None and scene.bubble is second
    # Ignores the zoom: as wide on screen at 50% as it is in its own coordinates.
    own = second.boundingRect()
    on_screen = second.deviceTransform(view.viewportTransform()).mapRect(own)
    assert abs(on_screen.width() - own.width()) <= 0.5
    card = scene.node_item("c")
    card_on_screen = card.deviceTransform(view.viewportTransform()).mapRect(card.body)
    assert abs(card_on_screen.width() - card.body.width() * 0.5) <= 0.5


def test_read_number_says_why():
    assert read_number(" −2.5 ") == -2.5
    assert read_number("1e-3") == 0.001
    for text, why in [("", "nothing typed"), ("abc", "is not a number"),
                      ("1e999", "too large: 1e999 overflows to inf in float64"),
                      ("nan", "not a finite number"), ("[1, 2]", "Inspector")]:
        try:
            read_number(text)
        except ValueError as exc:
            assert why in str(exc)
        else:
            raise AssertionError(f"{text!r} was accepted")


def test_zoomed_out_a_double_click_brings_the_inspector_instead(qtbot):
    _doc, scene, view, _stack, _ = canvas(qtbot)
    view.set_zoom(0.3)  # cards are boxes here: no text to edit on
    view.centerOn(scene.node_item("a").sceneBoundingRect().center())
    activated: list[str] = []
    scene.node_activated.connect(activated.append)
    double_click(view, number_point(scene, "a"))
    assert activated == ["a"] and scene.card_editor is None


def test_zoomed_in_the_editor_covers_the_number_it_edits(qtbot):
    doc, scene, view, stack, _ = canvas(qtbot)
    view.set_zoom(1.5)
    view.centerOn(scene.node_item("a").sceneBoundingRect().center())
    double_click(view, number_point(scene, "a"))
    editor = scene.card_editor
    assert editor is not None
    zone = scene.node_item("a").scrub_zone()
    on_card = editor.graphicsProxyWidget().mapRectToParent(editor.graphicsProxyWidget().rect())
    assert on_card.contains(zone.center()) and on_card.top() == zone.top()
    type_in(view, "0.25")
    assert doc.value("a") == 0.25 and stack.count() == 1
