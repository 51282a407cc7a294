"""Wires go around cards: on any layout, while a card is dragged, and after Auto layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from playground.graph import io
from playground.graph import routing as R
from playground.graph.examples import resource_path
from playground.graph.expr import parse
from playground.ui import commands as C
from tests.ui.canvas_helpers import body_point, make_canvas, vp_point

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def cards_under(scene, edge) -> list[str]:
    """The cards (not the wire's own two) whose body the painted wire passes through."""
    path = edge.path()
    pts = [path.pointAtPercent(i / 400) for i in range(401)]
    out = []
    for item in scene.node_items():
        if item.node_id in (edge.source, edge.target):
            continue
        body = item.body.translated(item.pos()).adjusted(1, 1, -1, -1)
        if any(body.contains(p) for p in pts):
            out.append(item.node_id)
    return out


def ids(doc, *labels: str) -> list[str]:
    by_label = {doc.display_name(n): n for n in doc.node_ids()}
    return [by_label[name] for name in labels]


def in_a_row(doc):
    """The tanh example laid out as a learner might: every card on one row."""
    x, one, plus, tanh, y = ids(doc, "x", "1", "x + 1", "tanh(x + 1)", "y")
    for n, p in ((x, (0, 0)), (one, (0, 160)), (plus, (230, 0)), (tanh, (460, 0)),
                 (y, (690, 0))):
        doc.move(n, p)
    return x, plus, tanh, y


def test_the_wire_from_x_to_y_goes_around_plus_and_tanh_on_one_row(qtbot):
    doc = parse("x = 3.0\ny = x * (x + 1).tanh()")
    x, plus, tanh, y = in_a_row(doc)
    scene, _view, _stack = make_canvas(qtbot, doc)
    edge = scene.edge_item(x, y, 0)
    # the plain curve would run under both cards: the check can fail
    a, b = edge.ends()
    plain = R.curve_points((a.x(), a.y()), (b.x(), b.y()))
    boxes = [(r.left(), r.top(), r.right(), r.bottom()) for r in
             (scene.node_item(n).body.translated(scene.node_item(n).pos()) for n in (plus, tanh))]
    assert R.hits(plain, boxes)
    assert cards_under(scene, edge) == []
    assert edge.around >= {plus, tanh}
    assert all(cards_under(scene, e) == [] for e in scene.edge_items())


def test_a_wire_reroutes_while_a_card_is_dragged_onto_it(qtbot):
    doc = parse("x = 3.0\ny = x * (x + 1).tanh()")
    x, plus, tanh, y = in_a_row(doc)
    doc.move(plus, (230, 260))
    doc.move(tanh, (460, 260))  # the wire x -> y runs straight: nothing in its way
    scene, view, _stack = make_canvas(qtbot, doc)
    edge = scene.edge_item(x, y, 0)
    assert edge.around == frozenset() and cards_under(scene, edge) == []
    vp = view.viewport()
    start = vp_point(view, body_point(scene, tanh))
    end = vp_point(view, body_point(scene, tanh) + QPointF(0, -260))
    QTest.mousePress(vp, LEFT, NONE, start)
    for i in range(1, 11):
        QTest.mouseMove(vp, start + (end - start) * (i / 10))
        # every step: the wire stays off the card being dragged, before any release
        assert cards_under(scene, edge) == [], i
    assert doc.pos(tanh) == (460, 260)  # the document has not moved yet
    assert tanh in edge.around
    # and back away: the wire goes straight again
    QTest.mouseMove(vp, start)
    QTest.mouseRelease(vp, LEFT, NONE, start)
    assert edge.around == frozenset()


def test_undo_of_a_move_reroutes_the_wires(qtbot):
    doc = parse("x = 3.0\ny = x * (x + 1).tanh()")
    x, plus, tanh, y = in_a_row(doc)
    scene, _view, stack = make_canvas(qtbot, doc)
    edge = scene.edge_item(x, y, 0)
    stack.push(C.MoveNodes(doc, {plus: ((230.0, 0.0), (230.0, 300.0)),
                                 tanh: ((460.0, 0.0), (460.0, 300.0))}))
    assert edge.around == frozenset()
    stack.undo()
    assert cards_under(scene, edge) == [] and edge.around >= {plus, tanh}


def test_deleting_the_card_in_the_way_lets_the_wire_go_straight(qtbot):
    doc = parse("x = 3.0\ny = x * (x + 1).tanh()")
    x, plus, tanh, y = in_a_row(doc)
    scene, _view, stack = make_canvas(qtbot, doc)
    stack.push(C.DeleteItems(doc, [plus, tanh], []))
    edge = scene.edge_item(x, y, 0)
    assert edge.around == frozenset()
    assert edge.path().elementCount() == 4  # the plain S-curve: a move and one cubic


@pytest.mark.parametrize("name", sorted(p.name for p in resource_path("examples").glob("*.json")))
def test_after_auto_layout_no_wire_passes_under_a_card(qtbot, name):
    doc = io.load(resource_path("examples") / name)
    scene, _view, stack = make_canvas(qtbot, doc)
    stack.push(C.AutoLayout(doc))
    for edge in scene.edge_items():
        assert cards_under(scene, edge) == [], edge.key


def test_plan_keeps_to_the_gaps():
    # two cards stacked with a gap between them, in the way of a level wire at y = 40; the
    # router is handed the cards grown by MARGIN, as the scene does
    cards = [(100.0, 0.0, 200.0, 60.0), (100.0, 90.0, 200.0, 150.0)]
    m = R.MARGIN
    boxes = [(a - m, b - m, c + m, d + m) for a, b, c, d in cards]
    runs = R.plan((0.0, 40.0), (300.0, 40.0), boxes, (-200.0, 300.0))
    assert runs is not None
    poly = R.points((0.0, 40.0), (300.0, 40.0), runs)
    assert not R.hits(poly, cards)
    assert all(60.0 + m <= y <= 90.0 - m for _, _, y in runs)  # through the gap, not round
    # no gap inside the window: ask again with a taller one
    assert R.plan((0.0, 40.0), (300.0, 40.0), [(100.0, -50.0, 200.0, 200.0)], (-40.0, 120.0)) \
        is None


def test_a_drag_of_many_cards_draws_plain_wires_until_the_release(qtbot, monkeypatch):
    from playground.ui.canvas import scene_mouse

    monkeypatch.setattr(scene_mouse, "MANY_ROUTED", 1)  # two cards count as many here
    doc = parse("x = 3.0\ny = x * (x + 1).tanh()")
    x, plus, tanh, y = in_a_row(doc)
    doc.move(plus, (230, 260))
    doc.move(tanh, (460, 260))
    scene, view, _stack = make_canvas(qtbot, doc)
    scene.select_nodes([plus, tanh])
    edge = scene.edge_item(x, y, 0)
    vp = view.viewport()
    start = vp_point(view, body_point(scene, tanh))
    end = vp_point(view, body_point(scene, tanh) + QPointF(0, -260))
    QTest.mousePress(vp, LEFT, NONE, start)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    assert edge.around == frozenset()  # not routed during the drag: the cards sit on it
    assert cards_under(scene, edge) != []
    QTest.mouseRelease(vp, LEFT, NONE, end)
    assert doc.pos(tanh) != (460, 260)
    assert cards_under(scene, edge) == [] and edge.around >= {plus, tanh}
