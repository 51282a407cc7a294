"""Zoomed far out (the overview: boxes and wires painted in batches), the picture still shows
the wires and the coloured boxes, a dragged card takes its wires along, and zooming back in
gives back the cards and the wire items."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from tests.ui.canvas_helpers import drag, make_canvas, undo_texts

FAR = 0.15  # below TEXT_ZOOM (the overview), with a wire still a few grey pixels wide


def long_wire_doc() -> GraphDocument:
    """x = 0.5 far up and left, y = tanh(x) far down and right: one long wire between them."""
    doc = GraphDocument()
    doc.add_node("value", label="x", value=0.5, pos=(0, 0), node_id="x")
    doc.add_node("op", op="tanh", label="y", pos=(3000, 2000), node_id="y")
    doc.connect("x", "y", 0)
    doc.set_output("y")
    return doc


def wire_ink(image: QImage, at: QPoint, reach: int = 4) -> int:
    """How much darker than the canvas the pixels around ``at`` are (the grid is faint)."""
    total = 0
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            total += max(0, 235 - image.pixelColor(at + QPoint(dx, dy)).lightness())
    return total


def far_canvas(qtbot):
    doc = long_wire_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(FAR)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    assert scene.overview
    return scene, view, stack


def middle_of_wire(scene, view) -> QPoint:
    edge = scene.edge_item("x", "y", 0)
    return view.mapFromScene(edge.path().pointAtPercent(0.5))


def test_far_out_the_picture_shows_the_wires_and_the_coloured_boxes(qtbot) -> None:
    scene, view, stack = far_canvas(qtbot)
    mid = middle_of_wire(scene, view)
    with_wire = view.viewport().grab().toImage()
    assert wire_ink(with_wire, mid) > 40
    # the box is painted in its grad colour (x's grad is tanh'(0.5) = 0.79 > 0: blue)
    x = scene.node_item("x")
    box = with_wire.pixelColor(view.mapFromScene(x.mapToScene(x.body.center())))
    assert box.blue() > box.red() + 60
    # without the wire, the same spot is bare canvas: the ink was the wire's
    assert scene.editor.disconnect("y", 0)
    QApplication.processEvents()
    bare = view.viewport().grab().toImage()
    assert wire_ink(bare, mid) < 15
    stack.undo()
    QApplication.processEvents()
    assert wire_ink(view.viewport().grab().toImage(), mid) > 40


def test_far_out_a_dragged_card_takes_its_wire_along(qtbot) -> None:
    scene, view, stack = far_canvas(qtbot)
    before = middle_of_wire(scene, view)
    y = scene.node_item("y")
    start = y.mapToScene(y.body.center())
    drag(view, start, start + QPointF(0, -1600))  # up by 240 px on screen
    assert undo_texts(stack) == ["Move y"]
    QApplication.processEvents()
    after = middle_of_wire(scene, view)
    assert after.y() < before.y() - 80
    image = view.viewport().grab().toImage()
    assert wire_ink(image, after) > 40  # the wire is drawn where it goes now
    assert wire_ink(image, before) < 15  # and no longer where it went before


def test_zooming_back_in_gives_back_the_cards_and_the_wire_items(qtbot) -> None:
    scene, view, _stack = far_canvas(qtbot)
    edge = scene.edge_item("x", "y", 0)
    assert not edge.isVisible()  # far out the batch draws it, not the item
    view.set_zoom(1.0)
    view.centerOn(edge.path().pointAtPercent(0.5))
    image = view.viewport().grab().toImage()
    assert not scene.overview
    assert edge.isVisible()
    assert wire_ink(image, view.mapFromScene(edge.path().pointAtPercent(0.5))) > 40
    view.centerOn(scene.node_item("x"))
    view.viewport().grab()
    assert scene.node_item("x").painted_form == "card"


def test_far_out_each_drag_step_repaints_where_the_wire_was_and_is(qtbot) -> None:
    """The batch draws hidden items, which repaint nothing by themselves: each step of a drag
    must ask Qt to repaint the wire's old and new place (else a ghost wire stays)."""
    scene, view, stack = far_canvas(qtbot)
    repainted: list = []
    scene.changed.connect(repainted.extend)
    edge = scene.edge_item("x", "y", 0)
    y = scene.node_item("y")
    vp = view.viewport()
    start = view.mapFromScene(y.mapToScene(y.body.center()))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QApplication.processEvents()
    for k in range(1, 6):
        was = edge.sceneBoundingRect()
        repainted.clear()
        QTest.mouseMove(vp, start + QPoint(0, -30 * k))
        QApplication.processEvents()
        now = edge.sceneBoundingRect()
        assert now != was  # the wire moved with the card
        for rect in (was, now):
            assert any(r.contains(rect.adjusted(1, 1, -1, -1)) for r in repainted), (k, rect)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(0, -150))
    assert undo_texts(stack) == ["Move y"]


def test_far_out_a_selected_wire_is_drawn_in_its_selected_colour(qtbot) -> None:
    scene, view, _stack = far_canvas(qtbot)
    mid = middle_of_wire(scene, view)
    plain = wire_ink(view.viewport().grab().toImage(), mid)
    scene.select_edges([("x", "y", 0)])
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    selected_ink = wire_ink(image, mid)
    assert selected_ink > plain * 1.5  # the selected pen is twice as wide
    colours = [image.pixelColor(mid + QPoint(dx, dy)) for dx in range(-4, 5) for dy in range(-4, 5)]
    assert any(c.red() > c.blue() + 20 and c.green() > c.blue() + 10 for c in colours)  # yellow


def test_far_out_a_light_dark_switch_paints_the_boxes_afresh(qtbot) -> None:
    """The unchanged far picture is blitted from a pixmap: a theme switch must not reuse it."""
    from playground.ui.window import theme

    scene, view, _stack = far_canvas(qtbot)
    x = scene.node_item("x")
    at = view.mapFromScene(x.mapToScene(x.body.center()))
    light = view.viewport().grab().toImage().pixelColor(at)
    try:
        theme.apply("dark")
        QApplication.processEvents()
        dark = view.viewport().grab().toImage().pixelColor(at)
    finally:
        theme.apply("system")
        QApplication.processEvents()
    assert dark.lightness() < light.lightness() - 30, (light.name(), dark.name())


def test_far_out_a_press_on_a_port_moves_the_box_and_never_picks_up_its_wire(qtbot) -> None:
    # Far out a port is under a pixel and not drawn: a press there, as on the rest of the box,
    # moves the box. It once picked up the wire and dropped it off the port: a Disconnect (on
    # a 10,000-node graph, seconds of renaming) where the learner meant to move a box.
    scene, view, stack = far_canvas(qtbot)
    port = scene.node_item("y").input_ports[0].scenePos()
    drag(view, port, port + QPointF(0, -1600))
    QApplication.processEvents()
    assert undo_texts(stack) == ["Move y"]
    assert scene.doc.inputs("y") == ["x"]  # still wired
    view.set_zoom(1.0)  # near, the same press picks up the wire, as it should
    view.centerOn(port)
    QApplication.processEvents()
    assert not scene.overview
    assert scene.port_near(scene.node_item("y").input_ports[0].scenePos()) is not None
