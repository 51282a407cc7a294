"""The canvas driven with real mouse and keyboard events (offscreen)."""

from __future__ import annotations

import math
import random

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.ops import OPS
from playground.ui import commands as C
from playground.ui.canvas import MIME_NODE, EdgeItem, NodeItem
from tests.ui.canvas_helpers import (
    body_point,
    click,
    drag,
    lecture_doc,
    make_canvas,
    undo_texts,
    vp_point,
)


def assert_mirrors(scene, doc: GraphDocument) -> None:
    QApplication.processEvents()  # cards take their new names once the edit is over
    assert {i.node_id for i in scene.node_items()} == set(doc.node_ids())
    assert {e.key for e in scene.edge_items()} == {(e.source, e.target, e.slot)
                                                  for e in doc.edges()}
    assert len([i for i in scene.items() if isinstance(i, NodeItem)]) == len(doc)
    assert len([i for i in scene.items() if isinstance(i, EdgeItem)]) == len(doc.edges())
    for item in scene.node_items():
        assert (item.pos().x(), item.pos().y()) == doc.pos(item.node_id)
        assert item.label == doc.display_name(item.node_id)  # the name the card shows
    for edge in scene.edge_items():
        p1, p2 = edge.ends()
        s, t = scene.node_item(edge.source), scene.node_item(edge.target)
        assert (p1 - s.output_anchor()).manhattanLength() < 1e-6
        assert (p2 - t.input_anchor(edge.slot)).manhattanLength() < 1e-6


def test_scene_mirrors_document_through_random_edits(qtbot) -> None:
    doc = lecture_doc()
    scene, _view, stack = make_canvas(qtbot, doc)
    assert_mirrors(scene, doc)
    rng = random.Random(3)
    ops = list(OPS)
    for _ in range(80):
        ids = doc.node_ids()
        r = rng.random()
        if r < 0.25 or not ids:
            stack.push(C.AddNode(doc, "op", rng.choice(ops), pos=(rng.randrange(900), 300)))
        elif r < 0.45:
            t = rng.choice([n for n in ids if doc.kind(n) == "op"] or ids)
            s = rng.choice(ids)
            if doc.kind(t) == "op":
                k = rng.randrange(doc.n_slots(t))
                if doc.connect_refusal(s, t, k, replace=True) is None and doc.input_of(t, k) != s:
                    stack.push(C.Connect(doc, s, t, k))
        elif r < 0.55:
            stack.push(C.DeleteItems(doc, [rng.choice(ids)]))
        elif r < 0.7:
            n = rng.choice(ids)
            stack.push(C.MoveNodes(doc, {n: (doc.pos(n), (rng.uniform(0, 900), 5.0))}))
        elif r < 0.8:
            n, label = rng.choice(ids), rng.choice(["", "x", "longer name"])
            if doc.name_clash(n, label) is None:  # a taken name is refused, not set
                stack.push(C.SetLabel(doc, n, label))
        elif r < 0.9 and stack.canUndo():
            stack.undo()
        else:
            doc.replace_with(lecture_doc()) if rng.random() < 0.1 else None
        assert_mirrors(scene, doc)


def test_wire_two_ports_with_the_mouse(qtbot) -> None:
    doc = lecture_doc()
    stack_doc = doc
    stack_doc.disconnect("L", 1)
    scene, view, stack = make_canvas(qtbot, doc)
    f, L = scene.node_item("f"), scene.node_item("L")
    drag(view, f.output_anchor(), L.input_anchor(1))
    assert doc.input_of("L", 1) == "f"
    assert undo_texts(stack) == ["Connect f → L (right input)"]
    assert scene.edge_item("f", "L", 1) is not None
    assert_mirrors(scene, doc)
    # The live preview is gone.
    assert not [i for i in scene.items() if type(i).__name__ == "WireItem"]
    stack.undo()
    assert doc.input_of("L", 1) is None
    assert scene.edge_item("f", "L", 1) is None


def test_wire_preview_follows_the_mouse_and_empty_drop_cancels(qtbot) -> None:
    doc = lecture_doc()
    doc.disconnect("L", 1)
    scene, view, stack = make_canvas(qtbot, doc)
    before = doc.to_data()
    vp = view.viewport()
    start = scene.node_item("f").output_anchor()
    a = vp_point(view, start)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, a + QPoint(60, 90))
    wires = [i for i in scene.items() if type(i).__name__ == "WireItem"]
    assert len(wires) == 1
    end = wires[0].path().pointAtPercent(1.0)
    assert (end - view.mapToScene(a + QPoint(60, 90))).manhattanLength() < 2
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       a + QPoint(60, 90))
    assert doc.to_data() == before
    assert stack.count() == 0
    assert not [i for i in scene.items() if type(i).__name__ == "WireItem"]


def test_a_cycle_is_refused_with_a_message_and_nothing_made(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    messages: list[str] = []
    scene.status_message.connect(messages.append)
    before = doc.to_data()
    drag(view, scene.node_item("L").output_anchor(), scene.node_item("e").input_anchor(0))
    assert doc.to_data() == before
    assert stack.count() == 0
    assert messages and "cycle" in messages[-1]
    assert scene.edge_item("a", "e", 0) is not None and scene.edge_item("a", "e", 0).isVisible()


def test_a_value_has_no_inputs(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    messages: list[str] = []
    scene.status_message.connect(messages.append)
    drag(view, scene.node_item("e").output_anchor(), body_point(scene, "f", 0.5, 0.6))
    assert stack.count() == 0
    assert messages == ["f is a value: it has no inputs"]


def test_dropping_on_a_filled_slot_replaces_in_one_step(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    before = doc.to_data()
    drag(view, scene.node_item("c").output_anchor(), scene.node_item("e").input_anchor(0))
    assert doc.input_of("e", 0) == "c"
    assert doc.input_of("d", 1) == "c"  # c still feeds d too
    assert undo_texts(stack) == ["Connect c → e (left input), replacing a"]
    assert_mirrors(scene, doc)
    stack.undo()
    assert doc.to_data() == before
    assert_mirrors(scene, doc)


def test_dropping_on_a_node_body_fills_its_first_free_input(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    stack.push(C.AddNode(doc, "op", "tanh", pos=(700, 150)))
    t = doc.node_ids()[-1]
    drag(view, scene.node_item("L").output_anchor(), body_point(scene, t, 0.6, 0.7))
    assert doc.input_of(t, 0) == "L"


def test_pick_up_a_wire_and_drop_it_on_empty_space_disconnects(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    port = scene.node_item("L").input_anchor(1)
    drag(view, port, port + QPointF(-40, 120))
    assert doc.input_of("L", 1) is None
    assert undo_texts(stack) == ["Disconnect f → L (right input)"]
    stack.undo()
    assert doc.input_of("L", 1) == "f"
    assert scene.edge_item("f", "L", 1).isVisible()


def test_drag_moves_all_selected_nodes_in_one_undo_step(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    before = doc.to_data()
    click(view, body_point(scene, "a"))
    click(view, body_point(scene, "b"), Qt.KeyboardModifier.ControlModifier)
    assert set(scene.selected_node_ids()) == {"a", "b"}
    start = body_point(scene, "a")
    drag(view, start, start + QPointF(-60, 40))
    assert undo_texts(stack) == ["Move 2 nodes"]
    assert doc.pos("a") == (-60.0, -10.0)
    assert doc.pos("b") == (-60.0, 90.0)
    assert_mirrors(scene, doc)  # the wires followed
    stack.undo()
    assert doc.to_data() == before
    assert_mirrors(scene, doc)


def test_edges_follow_a_node_while_it_is_dragged(qtbot) -> None:
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    vp = view.viewport()
    a = vp_point(view, body_point(scene, "e"))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, a + QPoint(10, 10))
    QTest.mouseMove(vp, a + QPoint(30, 70))
    e = scene.node_item("e")
    _p1, p2 = scene.edge_item("a", "e", 0).ends()
    assert (p2 - e.input_anchor(0)).manhattanLength() < 1e-6
    assert doc.pos("e") == (180.0, -50.0)  # the document changes only at release
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       a + QPoint(30, 70))
    assert doc.pos("e") == (210.0, 20.0)


def test_rubber_band_selects(qtbot) -> None:
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    a, b = scene.node_item("a"), scene.node_item("b")
    top_left = a.mapToScene(a.body.topLeft()) + QPointF(-30, -30)
    bottom_right = b.mapToScene(b.body.bottomRight()) + QPointF(20, 20)
    drag(view, top_left, bottom_right)
    assert set(scene.selected_node_ids()) == {"a", "b"}
    assert doc.pos("a") == (0.0, -50.0)


def test_delete_key_and_undo_restore_nodes_and_edges(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    before = doc.to_data()
    click(view, body_point(scene, "e"))
    click(view, body_point(scene, "d"), Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert "e" not in doc and "d" not in doc
    assert undo_texts(stack) == ["Delete 2 nodes"]
    assert_mirrors(scene, doc)
    stack.undo()
    assert doc.to_data() == before
    assert_mirrors(scene, doc)


def test_selected_wire_deletes_as_disconnect(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    edge = scene.edge_item("c", "d", 1)
    click(view, edge.path().pointAtPercent(0.5))
    assert scene.selected_edges() == [("c", "d", 1)]
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert doc.input_of("d", 1) is None
    assert undo_texts(stack) == ["Disconnect c → d (right input)"]


def _drop(view, payload: bytes, at: QPoint) -> None:
    mime = QMimeData()
    mime.setData(MIME_NODE, payload)
    vp = view.viewport()
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(at, actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(at, actions, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, move)
    assert move.isAccepted()
    drop = QDropEvent(QPointF(at), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, drop)


@pytest.mark.parametrize("payload, kind, op", [(b"op:mul", "op", "mul"), (b"value", "value", None)])
def test_drop_a_palette_payload_creates_the_node_there(qtbot, payload, kind, op) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    at = QPoint(500, 500)
    _drop(view, payload, at)
    new = [n for n in doc.node_ids() if n not in lecture_doc()]
    assert len(new) == 1
    assert doc.kind(new[0]) == kind and doc.op_name(new[0]) == op
    item = scene.node_item(new[0])
    centre = item.mapToScene(item.body.center())
    assert (centre - view.mapToScene(at)).manhattanLength() < 3
    assert stack.count() == 1
    if kind == "value":
        assert doc.label(new[0]) == "g"  # the first free letter
        assert undo_texts(stack) == ["Add value g"]
    else:
        assert undo_texts(stack) == ["Add * (mul)"]


def test_bad_drop_payload_is_a_message(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    messages: list[str] = []
    scene.status_message.connect(messages.append)
    _drop(view, b"op:nosuch", QPoint(300, 300))
    assert stack.count() == 0 and messages


def test_tab_search_adds_the_highlighted_node_at_the_cursor(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    view.setFocus()
    QTest.mouseMove(view.viewport(), QPoint(420, 520))
    QTest.keyClick(view, Qt.Key.Key_Tab)
    popup = view.search
    assert popup.isVisible()
    assert [c.op for c in popup.matches()][:2] == [None, "add"]  # Value first, every op
    assert len(popup.matches()) == 1 + len(OPS)
    QTest.keyClicks(popup.edit, "tan")
    assert popup.current().op == "tanh"
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert undo_texts(stack) == ["Add tanh"]
    new = doc.node_ids()[-1]
    item = scene.node_item(new)
    centre = item.mapToScene(item.body.center())
    assert (centre - view.mapToScene(QPoint(420, 520))).manhattanLength() < 3


def test_typing_a_letter_opens_search_and_esc_closes(qtbot) -> None:
    doc = lecture_doc()
    _scene, view, stack = make_canvas(qtbot, doc)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier)
    assert view.search.isVisible()
    assert view.search.edit.text() == "s"
    titles = [c.op for c in view.search.matches()]
    assert titles[:2] == ["sub", "sigmoid"] or "sigmoid" in titles
    QTest.keyClick(view.search.edit, Qt.Key.Key_Down)
    QTest.keyClick(view.search.edit, Qt.Key.Key_Escape)
    assert not view.search.isVisible()
    assert stack.count() == 0


def test_grads_painted_come_from_the_evaluation(qtbot) -> None:
    doc = lecture_doc()
    scene, _view, _stack = make_canvas(qtbot, doc)
    a = scene.node_item("a")
    assert a.display_lines() == ["a", "data —", "grad —"]
    scene.set_evaluation(evaluate(doc))
    assert a.display_lines() == ["a", "data 2.0000", "grad —"]
    scene.set_evaluation(evaluate(doc, backward=True))
    assert a.display_lines() == ["a", "data 2.0000", "grad 6.0000"]
    assert scene.node_item("L").display_lines() == ["*", "L", "data -8.0000", "grad 1.0000"]
    assert scene.node_item("b").display().grad_state == "fresh"
    assert math.isclose(scene.max_abs_grad, 6.0)
    # An edit: forward again with the old grads kept, greyed.
    doc.set_value("a", 3.0)
    scene.set_evaluation(evaluate(doc), grads_stale=True)
    assert a.display_lines() == ["a", "data 3.0000", "grad 6.0000"]
    assert a.display().grad_state == "stale"
    assert scene.grad_state() == "stale"
    scene.set_evaluation(evaluate(doc), grads_stale=False)  # e.g. Zero grads
    assert a.display_lines()[-1] == "grad —"


def test_output_is_marked_and_nan_gets_a_badge_with_a_reason(qtbot) -> None:
    doc = GraphDocument()
    x = doc.add_node("value", label="x", value=-1.0, pos=(0, 0))
    lg = doc.add_node("op", op="log", label="y", pos=(200, 0))
    doc.connect(x, lg, 0)
    scene, _view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    d = scene.node_item(lg).display()
    assert d.is_output
    assert d.warning and "log of a negative number" in d.warning
    assert "log of a negative number" in scene.node_item(lg).tooltip_text()
    assert scene.node_item(lg).display_lines()[-2] == "data nan"


def test_error_node_explains_why(qtbot) -> None:
    doc = GraphDocument()
    m = doc.add_node("op", op="mul", label="m", pos=(0, 0))
    scene, _view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc))
    assert "not connected" in scene.node_item(m).tooltip_text()
    assert scene.node_item(m).display().error


def test_edge_tooltip_tells_the_gradient_that_flowed(qtbot) -> None:
    doc = lecture_doc()
    scene, _view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    edge = scene.edge_item("a", "e", 0)
    text = scene.tooltip_at(edge.path().pointAtPercent(0.5))
    assert "a → e" in text and "6.0000" in text


def test_zoom_pan_and_fit(qtbot) -> None:
    doc = lecture_doc()
    _scene, view, _stack = make_canvas(qtbot, doc)
    assert view.zoom() == pytest.approx(1.0)
    vp = view.viewport()
    centre = QPointF(vp.rect().center())
    wheel = QWheelEvent(centre, QPointF(view.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, wheel)
    assert view.zoom() > 1.1
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() < 1.0
    QTest.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(1.0)
    # Middle-drag pans.
    before = view.mapToScene(vp.rect().center())
    drag(view, view.mapToScene(QPoint(300, 300)), view.mapToScene(QPoint(400, 350)),
         button=Qt.MouseButton.MiddleButton)
    after = view.mapToScene(vp.rect().center())
    assert (before - after - QPointF(100, 50)).manhattanLength() < 2
    # Space + left drag pans too (and selects nothing, moves nothing).
    QTest.keyPress(view, Qt.Key.Key_Space)
    before = view.mapToScene(vp.rect().center())
    drag(view, view.mapToScene(QPoint(300, 300)), view.mapToScene(QPoint(250, 300)))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(vp.rect().center())
    assert (after - before - QPointF(50, 0)).manhattanLength() < 2
    assert doc.to_data() == lecture_doc().to_data()
    # F fits everything.
    view.set_zoom(0.2)
    QTest.keyClick(view, Qt.Key.Key_F)
    visible = view.mapToScene(vp.rect()).boundingRect()
    assert visible.contains(_scene.nodes_rect())


def test_numbers_are_readable_at_100_percent(qtbot) -> None:
    doc = lecture_doc()
    scene, _view, _stack = make_canvas(qtbot, doc)
    assert scene.style.font.pointSizeF() >= 10
    from PySide6.QtGui import QFontInfo

    assert QFontInfo(scene.style.font).family()


def test_grab_paints_without_errors(qtbot, tmp_path) -> None:
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    image = view.grab().toImage()
    assert not image.isNull()
    # Something blue (a's positive grad) and something orange (b's negative grad) is painted.
    item_a, item_b = scene.node_item("a"), scene.node_item("b")
    pa = view.mapFromScene(item_a.mapToScene(QPointF(8, item_a.body.bottom() - 4)))
    pb = view.mapFromScene(item_b.mapToScene(QPointF(8, item_b.body.bottom() - 4)))
    ca, cb = image.pixelColor(pa), image.pixelColor(pb)
    assert ca.blue() > ca.red() + 60
    assert cb.red() > cb.blue() + 60


def test_zoomed_far_out_nodes_are_batched_boxes_and_still_interactive(qtbot) -> None:
    doc = lecture_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(0.12)  # below TEXT_ZOOM: even the far form's type would not read
    view.centerOn(scene.nodes_rect().center())
    assert scene.overview
    image = view.grab().toImage()
    a = scene.node_item("a")
    p = view.mapFromScene(a.mapToScene(a.body.center()))
    colour = image.pixelColor(p)
    assert colour.blue() > colour.red() + 60  # a's grad (+6) is the strongest blue
    # Still selectable and movable, one undo step, and the box follows.
    start = a.mapToScene(a.body.center())
    drag(view, start, start + QPointF(80, 0))
    assert undo_texts(stack) == ["Move a"]
    assert doc.pos("a") == pytest.approx((80.0, -50.0), abs=4.5)
    view.reset_zoom()
    assert not scene.overview
