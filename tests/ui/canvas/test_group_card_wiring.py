"""Wiring to and from a closed group's card (wiring.py, group_card.py): real mouse drags on
the canvas, the document, the undo stack and the bubble checked after each."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from playground.graph.document import GraphDocument
from playground.ui.canvas.group_card import GroupCard, OutsideCard
from playground.ui.canvas.items import output_key
from tests.ui.canvas.test_groups_on_canvas import (
    ALT,
    CTRL,
    EXP_PART,
    double_click,
    key,
    tanh_from_exp,
)
from tests.ui.canvas_helpers import body_point, drag, undo_texts, vp_point

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def port_point(card, port) -> QPointF:
    return card.mapToScene(card.port_offset(port.key))


def grouped(members=EXP_PART, label="tanh") -> tuple[GraphDocument, str]:
    """The lecture's tanh from exp with ``members`` grouped, and a free ``t`` (a tanh op,
    nothing wired) right of everything, to wire into."""
    doc = tanh_from_exp()
    right = max(doc.pos(n)[0] for n in doc.node_ids())
    doc.add_node("op", op="tanh", label="t", pos=(right + 220.0, 0.0), node_id="t")
    gid = doc.add_group(members, label=label)
    return doc, gid


def show(window, doc: GraphDocument) -> None:
    window.doc.replace_with(doc)
    window.editor.forget_history()
    window.display.backward()
    window.view.fit_all()


def test_a_wire_dragged_from_a_group_cards_output_port_comes_from_the_node_inside(window):
    doc, gid = grouped()
    show(window, doc)
    scene, view, stack = window.scene, window.view, window.undo_stack
    doc = window.doc
    card, t = scene.node_item(gid), scene.node_item("t")
    assert isinstance(card, GroupCard) and card.output_ids == ("o",)
    before = doc.to_data()
    drag(view, port_point(card, card.output_ports[0]), port_point(t, t.input_ports[0]))
    assert doc.input_of("t", 0) == "o"
    assert undo_texts(stack) == ["Connect o → t"]
    after = doc.to_data()
    # drawn from the group card's output port into t
    edge = scene.edge_item("o", "t", 0)
    assert (edge.from_id, edge.from_port, edge.to_id) == (gid, 0, "t")
    assert edge.ends()[0] == card.output_anchor(0)
    # the numbers: t = tanh(o)
    o = scene.evaluation.results["o"].data
    window.display.backward()
    assert abs(scene.evaluation.results["t"].data - math.tanh(o)) < 1e-12
    # undo/redo exact, also after opening the group and coming back out
    double_click(view, body_point(scene, gid, fy=0.6))
    assert scene.scope == gid
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.to_data() == before
    window.clear_selection()
    key(window, Qt.Key.Key_Up, ALT)
    assert scene.scope is None and scene.edge_item("o", "t", 0) is None
    key(window, Qt.Key.Key_Y, CTRL)
    assert doc.to_data() == after
    assert scene.edge_item("o", "t", 0).from_id == gid


def test_each_output_port_of_a_group_card_wires_from_its_own_node(window, qtbot):
    doc, gid = grouped(["e-1", "e+1"], "pair")
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, t = scene.node_item(gid), scene.node_item("t")
    assert card.output_ids == ("e-1", "e+1") and len(card.output_ports) == 2
    second = card.output_ports[1]
    a = port_point(card, second)
    b = port_point(t, t.input_ports[0])
    # while dragging: the preview starts at that port and the target port lights "ok"
    vp = view.viewport()
    QTest.mousePress(vp, LEFT, NONE, vp_point(view, a))
    QTest.mouseMove(vp, vp_point(view, (a + b) / 2))
    QTest.mouseMove(vp, vp_point(view, b))
    wire = scene._wiring.drag
    assert wire is not None and wire.source == "e+1"
    start = wire.preview.path().pointAtPercent(0.0)
    assert (start - a).manhattanLength() < 0.5
    assert t.port_states == {0: "ok"}
    QTest.mouseRelease(vp, LEFT, NONE, vp_point(view, b))
    assert doc.input_of("t", 0) == "e+1" and t.port_states == {}
    edge = scene.edge_item("e+1", "t", 0)
    assert (edge.from_id, edge.from_port) == (gid, 1)
    # hovering that wire lights the second output port, not the first
    QTest.mouseMove(vp, vp_point(view, edge.path().pointAtPercent(0.5)))
    qtbot.waitUntil(lambda: edge.hovered, timeout=2000)
    card = scene.node_item(gid)  # the level was drawn again for the new wire
    assert card.lit_ports == {output_key(1): {edge.key: "hover"}}


def test_hovering_a_group_cards_ports_marks_them_like_a_cards_ports(window, qtbot):
    doc, gid = grouped(["e-1", "e+1"], "pair")
    show(window, doc)
    scene, view = window.scene, window.view
    card = scene.node_item(gid)
    vp = view.viewport()
    for port in (card.input_ports[0], card.output_ports[1]):
        QTest.mouseMove(vp, vp_point(view, body_point(scene, gid, fy=0.6)))
        QTest.mouseMove(vp, vp_point(view, port_point(card, port)))
        qtbot.waitUntil(lambda p=port: card.hot_port == p.key, timeout=2000)
    assert "drag from here" in scene.tooltip_at(port_point(card, card.output_ports[1]))
    assert scene.tooltip_at(port_point(card, card.output_ports[1])).startswith(
        "output e+1 of group pair")


def test_a_group_output_wire_that_would_make_a_cycle_is_refused_in_a_bubble(window):
    doc, gid = grouped()
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, xw = scene.node_item(gid), scene.node_item("xw")
    before = doc.to_data()
    target = port_point(xw, xw.input_ports[0])
    drag(view, port_point(card, card.output_ports[0]), target)
    reason = "connecting o to xw would make a cycle: a value cannot depend on itself"
    assert window.editor.last_refusal is None  # refused by the canvas, before any edit
    assert scene.bubble.text == reason and window.statusBar().currentMessage() == reason
    assert doc.to_data() == before and window.undo_stack.count() == 0
    # onto a value: it has no inputs
    drag(view, port_point(card, card.output_ports[0]), body_point(scene, "x", fy=0.6))
    assert scene.bubble.text == "x is a value: it has no inputs"
    assert doc.to_data() == before and window.undo_stack.count() == 0


def test_a_group_output_into_a_card_that_feeds_the_group_is_a_loop_and_refused(window):
    # p = a*a and q = T + b in one group; T outside, feeding q. p -> T has no cycle in the
    # flat graph, but the group card would feed T, which feeds it: a loop on the canvas.
    doc = GraphDocument()
    for n, v, pos in (("a", 2.0, (0, 0)), ("b", 3.0, (0, 120))):
        doc.add_node("value", value=v, label=n, node_id=n, pos=pos)
    doc.add_node("op", op="mul", label="p", node_id="p", pos=(200, 0))
    doc.add_node("op", op="add", label="q", node_id="q", pos=(200, 120))
    doc.add_node("op", op="tanh", label="T", node_id="T", pos=(450, 260))
    for s, t, k in (("a", "p", 0), ("a", "p", 1), ("T", "q", 0), ("b", "q", 1)):
        doc.connect(s, t, k)
    gid = doc.add_group(["p", "q"], label="g")
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, T = scene.node_item(gid), scene.node_item("T")
    assert card.output_ids == ("p", "q")
    before = doc.to_data()
    drag(view, port_point(card, card.output_ports[0]), port_point(T, T.input_ports[0]))
    assert scene.bubble.text == ("T already feeds g: this wire would close a loop between "
                                 "them (as one card, g would depend on itself)")
    assert doc.to_data() == before and window.undo_stack.count() == 0


def test_a_wire_dropped_on_a_group_cards_body_is_refused_with_how_to_do_it(window):
    doc, gid = grouped()
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    before = doc.to_data()
    x = scene.node_item("x")
    drag(view, port_point(x, x.output_port), body_point(scene, gid, fy=0.6))
    text = scene.bubble.text
    assert text.startswith("tanh is closed, so it cannot tell which node inside should take x")
    assert "Drop the wire on one of its input ports" in text
    assert window.statusBar().currentMessage() == text
    assert doc.to_data() == before and window.undo_stack.count() == 0
    # a source already feeding the group: open it and wire there
    two = scene.node_item("two")
    drag(view, port_point(two, two.output_port), body_point(scene, gid, fy=0.6))
    assert scene.bubble.text == ("tanh is closed: open it (double-click) and wire two to the "
                                 "node inside that should take it")
    assert doc.to_data() == before and window.undo_stack.count() == 0


def test_a_wire_dropped_on_a_group_input_port_feeds_every_wire_of_that_port_in_one_step(
        window):
    doc, gid = grouped()
    show(window, doc)
    scene, view, doc, stack = window.scene, window.view, window.doc, window.undo_stack
    card = scene.node_item(gid)
    one = card.input_ports[card.input_ids.index("one")]
    before = doc.to_data()
    w = scene.node_item("w")
    drag(view, port_point(w, w.output_port), port_point(card, one))
    # one fed e-1 and e+1 inside: both now read w
    assert doc.input_of("e-1", 1) == "w" and doc.input_of("e+1", 1) == "w"
    assert not doc.consumers("one")
    assert undo_texts(stack) == ["Feed tanh's input one from w (2 wires)"]
    assert "one" not in scene.node_item(gid).input_ids  # the port is w's now
    after = doc.to_data()
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.to_data() == before
    key(window, Qt.Key.Key_Y, CTRL)
    assert doc.to_data() == after
    key(window, Qt.Key.Key_Z, CTRL)
    # dragged the other way, from the group's input port to an output: the same edit
    card = scene.node_item(gid)
    two = card.input_ports[card.input_ids.index("two")]
    b = scene.node_item("b")
    drag(view, port_point(card, two), port_point(b, b.output_port))
    assert doc.input_of("2n", 0) == "b"
    assert undo_texts(stack) == ["Feed tanh's input two from b"]
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.to_data() == before


def test_feeding_a_group_input_from_what_depends_on_the_group_is_refused(window):
    doc, gid = grouped(["e-1", "e+1"], "pair")
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, o = scene.node_item(gid), scene.node_item("o")
    before = doc.to_data()
    port = card.input_ports[card.input_ids.index("one")]
    drag(view, port_point(o, o.output_port), port_point(card, port))
    assert scene.bubble.text.startswith("pair already feeds o: this wire would close a loop")
    # and the group's own output into its own input
    drag(view, port_point(card, card.output_ports[0]), port_point(card, port))
    assert scene.bubble.text == "pair cannot feed itself"
    assert doc.to_data() == before and window.undo_stack.count() == 0


def test_from_an_empty_input_a_drop_on_a_group_output_port_or_single_output_body_wires(
        window):
    doc, gid = grouped(["e-1", "e+1"], "pair")
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, t = scene.node_item(gid), scene.node_item("t")
    before = doc.to_data()
    drag(view, port_point(t, t.input_ports[0]), body_point(scene, gid, fy=0.6))
    assert scene.bubble.text == ("pair has several outputs: drop the wire on the output port "
                                 "that should feed it")
    assert doc.to_data() == before
    drag(view, port_point(t, t.input_ports[0]), port_point(card, card.output_ports[1]))
    assert doc.input_of("t", 0) == "e+1"
    assert undo_texts(window.undo_stack) == ["Connect e+1 → t"]
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.to_data() == before
    # a group with one output: its body is that output
    doc2, gid2 = grouped()
    show(window, doc2)
    t = window.scene.node_item("t")
    drag(window.view, port_point(t, t.input_ports[0]), body_point(window.scene, gid2, fy=0.6))
    assert window.doc.input_of("t", 0) == "o"


def test_a_picked_up_wire_dropped_on_a_group_card_is_refused_and_stays_where_it_was(window):
    doc, gid = grouped()
    doc.connect("x", "t", 0)
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, t = scene.node_item(gid), scene.node_item("t")
    before = doc.to_data()
    port = card.input_ports[card.input_ids.index("one")]
    drag(view, port_point(t, t.input_ports[0]), port_point(card, port))
    assert "cannot tell which node inside should take x" in scene.bubble.text
    assert doc.to_data() == before and window.undo_stack.count() == 0
    assert scene.edge_item("x", "t", 0).isVisible()


def test_a_long_refusal_near_the_views_right_edge_is_shown_whole(window):
    doc, gid = grouped()
    show(window, doc)
    scene, view = window.scene, window.view
    view.set_zoom(1.0)
    card = scene.node_item(gid)
    target = body_point(scene, gid, fy=0.6)
    # scroll until the card's body sits 60 pixels from the view's right edge
    vp = view.viewport()
    view.centerOn(target - QPointF(vp.width() / 2 - 60, 0))
    assert vp.width() - 90 < vp_point(view, target).x() < vp.width()
    two = scene.node_item("two")
    source = port_point(two, two.output_port)
    drag(view, source, target)
    assert scene.bubble.text.startswith("tanh is closed: open it (double-click)")
    tip = vp_point(view, scene.bubble.scenePos())
    box = scene.bubble.box().translated(tip.x(), tip.y())
    assert vp.rect().contains(box.toRect()), (box, vp.rect())
    assert card is scene.node_item(gid)


def test_a_wire_from_a_group_that_gives_no_value_out_is_refused_in_words(window):
    doc = GraphDocument()
    doc.add_node("value", value=2.0, label="a", node_id="a", pos=(0, 0))
    doc.add_node("op", op="neg", label="p", node_id="p", pos=(200, 0))
    doc.add_node("op", op="tanh", label="q", node_id="q", pos=(450, 150))
    doc.connect("a", "p", 0)
    doc.set_output("q")  # p feeds nothing and is not the output: nothing leaves its group
    gid = doc.add_group(["p"], label="dead end")
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    card, q = scene.node_item(gid), scene.node_item("q")
    assert card.output_ids == ()
    before = doc.to_data()
    drag(view, port_point(card, card.output_port), port_point(q, q.input_ports[0]))
    assert scene.bubble.text == ("no value leaves dead end (none of its nodes is an output): "
                                 "ungroup it (Ctrl+Shift+G) to wire from a node inside")
    assert doc.to_data() == before and window.undo_stack.count() == 0


@pytest.mark.parametrize("source", ["two", "k"], ids=["from an outside card", "from inside"])
def test_a_wire_dropped_on_an_outside_cards_body_is_refused_and_changes_nothing(window, source):
    doc, gid = grouped()
    doc.disconnect("n", 1)  # n (an op outside, feeding the group) has a free input now
    doc.add_node("value", value=5.0, label="k", node_id="k", group=gid,
                 pos=(doc.pos("o")[0], doc.pos("o")[1] + 160.0))
    show(window, doc)
    scene, view, doc = window.scene, window.view, window.doc
    double_click(view, body_point(scene, gid, fy=0.6))
    assert scene.scope == gid
    n = scene.node_item("n")
    assert isinstance(n, OutsideCard) and doc.kind("n") == "op" and doc.input_of("n", 1) is None
    src = scene.node_item(source)
    view.centerOn((port_point(src, src.output_port) + body_point(scene, "n", fy=0.6)) / 2)
    before = doc.to_data()
    drag(view, port_point(src, src.output_port), body_point(scene, "n", fy=0.6))
    assert doc.input_of("n", 1) is None  # read-only here: nothing connected into it
    assert doc.to_data() == before and window.undo_stack.count() == 0
    text = scene.bubble.text
    assert text == ("n is outside this group and read-only here: go up a level (Alt+Up) to "
                    "wire into n")
    assert window.statusBar().currentMessage() == text
    # its output port still starts a wire: feeding one more node inside is an edit inside
    src, t = scene.node_item(source), scene.node_item("e+1")
    drag(view, port_point(src, src.output_port), port_point(t, t.input_ports[1]))
    assert doc.input_of("e+1", 1) == source and window.undo_stack.count() == 1
