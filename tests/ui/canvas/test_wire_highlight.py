"""A hovered or selected wire is highlighted together with the two ports it joins."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from playground.ui.canvas import style as S
from tests.ui.canvas_helpers import lecture_doc, make_canvas, vp_point

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def port_colour(view, item, slot) -> QColor:
    """The colour painted at the centre of a port (a grab of the view, as the user sees it)."""
    at = vp_point(view, item.pos() + item.port_offset(slot))
    return view.viewport().grab().toImage().pixelColor(at)


def near(a: QColor, b: QColor, tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_hovering_a_wire_lights_it_and_its_two_ports(qtbot):
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    edge = scene.edge_item("e", "d", 0)
    e, d, c = scene.node_item("e"), scene.node_item("d"), scene.node_item("c")
    assert near(port_colour(view, e, None), S.BORDER)  # a plain connected port first
    vp = view.viewport()
    QTest.mouseMove(vp, vp_point(view, edge.path().pointAtPercent(0.5)))
    qtbot.waitUntil(lambda: edge.hovered)
    assert e.lit_ports == {None: {edge.key: "hover"}}
    assert d.lit_ports == {0: {edge.key: "hover"}}
    assert c.lit_ports == {}  # d's other input is not lit
    lit = S.WIRE.darker(150)
    assert near(port_colour(view, e, None), lit) and near(port_colour(view, d, 0), lit)
    assert near(port_colour(view, d, 1), S.BORDER)
    # the mouse leaves: the ports go back to plain
    QTest.mouseMove(vp, vp_point(view, scene.nodes_rect().bottomRight() + QPointF(60, 60)))
    qtbot.waitUntil(lambda: not edge.hovered)
    assert e.lit_ports == {} and d.lit_ports == {}
    assert near(port_colour(view, e, None), S.BORDER)


def test_a_selected_wire_keeps_its_ports_lit_until_it_is_deselected(qtbot):
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    edge = scene.edge_item("d", "L", 0)
    vp = view.viewport()
    on_wire = vp_point(view, edge.path().pointAtPercent(0.5))
    QTest.mouseMove(vp, on_wire)
    QTest.mouseClick(vp, LEFT, NONE, on_wire)
    assert scene.selected_edges() == [edge.key]
    away = vp_point(view, scene.nodes_rect().bottomRight() + QPointF(60, 60))
    QTest.mouseMove(vp, away)
    qtbot.waitUntil(lambda: not edge.hovered)
    d, L = scene.node_item("d"), scene.node_item("L")
    assert d.lit_ports == {None: {edge.key: "selected"}}
    assert L.lit_ports == {0: {edge.key: "selected"}}
    assert near(port_colour(view, L, 0), S.WIRE_SELECTED)
    QTest.mouseClick(vp, LEFT, NONE, away)  # a click on empty canvas clears the selection
    assert scene.selected_edges() == []
    assert d.lit_ports == {} and L.lit_ports == {}


def test_deleting_a_lit_wire_puts_its_ports_out(qtbot):
    doc = lecture_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    edge = scene.edge_item("d", "L", 0)
    vp = view.viewport()
    on_wire = vp_point(view, edge.path().pointAtPercent(0.5))
    QTest.mouseMove(vp, on_wire)
    QTest.mouseClick(vp, LEFT, NONE, on_wire)
    QTest.keyClick(vp, Qt.Key.Key_Delete)
    assert ("d", "L", 0) not in {(w.source, w.target, w.slot) for w in doc.edges()}
    assert scene.node_item("d").lit_ports == {} and scene.node_item("L").lit_ports == {}
