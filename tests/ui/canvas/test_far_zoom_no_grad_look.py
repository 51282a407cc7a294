"""Far out, a box with no grad yet is a plain box with an edge, not the stale grey (UX review,
item 4: the far-out "no grad" grey #c9cdd3 looked like the key's stale grey). Measured on
grabbed pixels in light and dark; the colour key shows the same box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.ui.canvas import style as S
from playground.ui.canvas.legend import legend_size, paint_legend
from playground.ui.window import theme
from tests.ui.canvas_helpers import make_canvas
from tests.ui.window.test_theme import contrast

FAR = 0.1  # below 0.12: boxes are fills, without the card's border


def two_branches() -> GraphDocument:
    """L = a * b is the output; c -> tanh is a branch Backward never reaches (grad 0)."""
    doc = GraphDocument()
    doc.add_node("value", label="a", value=2.0, pos=(0, 0), node_id="a")
    doc.add_node("value", label="b", value=-3.0, pos=(0, 300), node_id="b")
    doc.add_node("op", op="mul", label="L", pos=(400, 150), node_id="L")
    doc.connect("a", "L", 0)
    doc.connect("b", "L", 1)
    doc.add_node("value", label="c", value=0.5, pos=(0, 700), node_id="c")
    doc.add_node("op", op="tanh", label="t", pos=(400, 700), node_id="t")
    doc.connect("c", "t", 0)
    doc.set_output("L")
    return doc


@pytest.fixture
def system_afterwards():
    yield
    theme.apply("system")
    QApplication.processEvents()


def box_pixels(view, scene, node: str) -> tuple[QColor, QColor]:
    """The box's left edge (its first column, middle row) and its centre, grabbed."""
    item = scene.node_item(node)
    box = view.mapFromScene(item.mapToScene(item.body).boundingRect()).boundingRect()
    image: QImage = view.viewport().grab().toImage()
    return (image.pixelColor(QPoint(box.left(), box.center().y())),
            image.pixelColor(box.center()))


@pytest.mark.parametrize("name", ["light", "dark"])
def test_far_out_a_box_with_no_grad_is_plain_with_an_edge_unlike_stale(qtbot, name,
                                                                        system_afterwards):
    doc = two_branches()
    scene, view, _stack = make_canvas(qtbot, doc)
    theme.apply(name)
    QApplication.processEvents()
    scene.set_evaluation(evaluate(doc, backward=False))  # no grads yet
    view.set_zoom(FAR)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    ground = view.ground()
    edge, centre = box_pixels(view, scene, "a")
    assert contrast(edge, ground) >= 3.0, (edge.name(), ground.name())  # it shows
    assert centre == S.WHITE, centre.name()  # inside: the card's own colour, as up close
    assert edge == S.NONE_LINE  # one colour, as the key draws it
    # Backward, then an edit: a and b are stale (grey fill, no edge); c keeps no grad
    scene.set_evaluation(evaluate(doc, backward=True))
    scene.set_evaluation(evaluate(doc, backward=True), grads_stale=True)
    QApplication.processEvents()
    stale_edge, stale_centre = box_pixels(view, scene, "a")
    none_edge, none_centre = box_pixels(view, scene, "c")
    assert stale_centre == S.STALE_FILL and stale_edge != S.NONE_LINE  # a fill, no edge
    assert none_edge == S.NONE_LINE and none_centre == S.WHITE
    assert contrast(none_edge, stale_centre) >= 2.0, (none_edge.name(), stale_centre.name())
    # further out the box is a few pixels: the edge colour filled in, still unlike stale
    view.set_zoom(0.04)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    assert box_pixels(view, scene, "c")[1] == S.NONE_LINE
    assert box_pixels(view, scene, "a")[1] == S.STALE_FILL
    # the whole colour key shows that box: its edge colour around the card colour
    w, h = legend_size(scene.style)
    image = QImage(int(w) + 2, int(h) + 2, QImage.Format.Format_RGB32)
    image.fill(ground)
    painter = QPainter(image)
    paint_legend(painter, scene.style, QPointF(0, 0), 0.0, "none")
    painter.end()
    found = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    assert S.NONE_LINE.rgb() in found


@pytest.mark.parametrize("name", ["light", "dark"])
def test_far_out_the_box_edges_and_the_outputs_frame_take_the_themes_colours(
        qtbot, name, system_afterwards):
    """Between 12% and 17% a box has the card's border, and the output its thick frame, in
    the theme's colours (pens made at import kept the light ones: in dark the output's
    near-black frame vanished on the dark canvas)."""
    doc = two_branches()
    scene, view, _stack = make_canvas(qtbot, doc)
    theme.apply(name)
    QApplication.processEvents()
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(0.15)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    assert scene.overview and S.dark == (name == "dark")
    frame, _ = box_pixels(view, scene, "L")  # the output
    edge, _ = box_pixels(view, scene, "a")
    canvas = view.ground()
    assert contrast(frame, canvas) >= 3.0, (frame.name(), canvas.name())
    assert abs(frame.lightness() - S.OUTPUT.lightness()) <= 40, (frame.name(), S.OUTPUT.name())
    assert abs(edge.lightness() - S.BORDER.lightness()) <= 60, (edge.name(), S.BORDER.name())
