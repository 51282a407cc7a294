"""Zoomed far out (the overview: boxes and wires painted in batches), the picture still shows
the wires and the coloured boxes, a dragged card takes its wires along, and zooming back in
gives back the cards and the wire items."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from tests.ui.canvas_helpers import click, drag, make_canvas, undo_texts

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


ROUNDING = 8
"""How far (of 255) a pixel of a patched picture may be from a fresh one's: a wire drawn again
inside a clip is stepped from the clip's edge (3-4 seen where wires cross); a wire left behind
or missing is 150-255."""


def largest_difference(a: QImage, b: QImage) -> int:
    """The largest difference of one colour channel between two same-sized images (0-255)."""
    assert a.size() == b.size()
    arrays = []
    for image in (a, b):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        raw = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
        arrays.append(raw.reshape(image.height(), image.bytesPerLine()).astype(int))
    return int(np.abs(arrays[0] - arrays[1]).max())


def canvas_at(qtbot, doc: GraphDocument, zoom: float):
    """``doc`` on a canvas after Backward, at ``zoom``, centred on its cards and drawn."""
    scene, view, stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(zoom)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    view.viewport().grab()
    return scene, view, stack


def far_canvas(qtbot):
    scene, view, stack = canvas_at(qtbot, long_wire_doc(), FAR)
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


def test_far_out_a_dragged_cards_wires_are_drawn_apart_and_folded_back_at_release(qtbot) -> None:
    """While a card is dragged far out, its wires are stroked one by one (so no patch of the
    batch is joined again on every step): the picture mid-drag shows the wire where it goes
    now and not where it was, and the release folds it back into the batch, drawn the same."""
    scene, view, stack = far_canvas(qtbot)
    batch = scene._overview._wires
    y = scene.node_item("y")
    vp = view.viewport()
    before = middle_of_wire(scene, view)
    start = view.mapFromScene(y.mapToScene(y.body.center()))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QApplication.processEvents()
    assert batch.loose == []  # a press alone takes nothing out
    for k in range(1, 9):
        QTest.mouseMove(vp, start + QPoint(0, -30 * k))
        QApplication.processEvents()
    assert batch.loose == [("x", "y", 0)]
    during = middle_of_wire(scene, view)
    assert during.y() < before.y() - 80
    image = vp.grab().toImage()
    assert wire_ink(image, during) > 40  # the loose wire follows the card
    assert wire_ink(image, before) < 15  # no ghost where it was
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(0, -240))
    QApplication.processEvents()
    assert undo_texts(stack) == ["Move y"]
    assert batch.loose == []  # back in the batch
    after = middle_of_wire(scene, view)
    image = vp.grab().toImage()
    assert wire_ink(image, after) > 40
    assert wire_ink(image, before) < 15
    # undo moves it back, drawn by the batch where it was at first
    stack.undo()
    QApplication.processEvents()
    image = vp.grab().toImage()
    assert wire_ink(image, before) > 40
    assert wire_ink(image, after) < 15


def test_far_out_the_picture_after_a_drag_is_the_one_a_fresh_canvas_paints(qtbot) -> None:
    """Folding the dragged wires back leaves nothing behind: the same document opened afresh
    at the same zoom and scroll paints the same pixels (to ROUNDING)."""
    scene, view, stack = far_canvas(qtbot)
    y = scene.node_item("y")
    start = y.mapToScene(y.body.center())
    drag(view, start, start + QPointF(-700, -1600))
    QApplication.processEvents()
    assert undo_texts(stack) == ["Move y"]
    dragged = view.viewport().grab().toImage()
    scene2, view2, _stack2 = make_canvas(qtbot, scene.doc)
    scene2.set_evaluation(evaluate(scene.doc, backward=True))
    scene2.select_nodes(scene.selected_node_ids())  # the dragged box stays selected
    view2.resize(view.size())
    view2.set_zoom(FAR)
    for bar, bar2 in ((view.horizontalScrollBar(), view2.horizontalScrollBar()),
                      (view.verticalScrollBar(), view2.verticalScrollBar())):
        bar2.setValue(bar.value())
    QApplication.processEvents()
    assert view2.viewport().size() == view.viewport().size()
    assert view2.viewportTransform() == view.viewportTransform()
    assert largest_difference(view2.viewport().grab().toImage(), dragged) <= ROUNDING


def grid_doc(columns: int = 8, rows: int = 12) -> GraphDocument:
    """Columns of + and * fed by the column before (as benchmarks/canvas_scale.py builds)."""
    doc = GraphDocument()
    prev: list[str] = []
    for col in range(columns):
        layer = []
        for r in range(rows):
            pos = (col * 200.0, r * 100.0)
            if not prev:
                n = doc.add_node("value", label=f"x{r}", value=r / 7 - 0.4, pos=pos)
            else:
                n = doc.add_node("op", op="add" if r % 2 else "mul", pos=pos)
                doc.connect(prev[r], n, 0)
                doc.connect(prev[(r + 1) % rows], n, 1)
            layer.append(n)
        prev = layer
    doc.set_output(prev[0])
    return doc


def test_far_out_the_kept_picture_after_a_pan_a_selection_and_a_move_is_a_fresh_one(qtbot):
    """The far picture is kept between repaints and patched where something changed (a
    selected box, a moved card and its wires) and shifted when the view pans: after each, it
    shows what a canvas drawing everything afresh shows."""
    doc = grid_doc()
    scene, view, stack = canvas_at(qtbot, doc, FAR)  # the picture is drawn and kept
    assert scene.overview
    vp = view.viewport()
    nodes = doc.node_ids()

    def same_as_fresh() -> None:
        QApplication.processEvents()
        kept = vp.grab().toImage()
        scene._overview.changed()  # drop the kept picture: everything drawn afresh
        fresh = vp.grab().toImage()
        assert largest_difference(kept, fresh) <= ROUNDING

    # a pan of a few pixels (within the kept margin)
    bar = view.horizontalScrollBar()
    bar.setValue(bar.value() + 6)
    vp.grab()
    bar.setValue(bar.value() - 4)
    same_as_fresh()
    # a click selects a box: its colour changes
    centre = scene.node_item(nodes[40]).mapToScene(scene.node_item(nodes[40]).body.center())
    click(view, centre)
    assert scene.selected_node_ids() == [nodes[40]]
    same_as_fresh()
    # a card moved (an undoable edit): its box and its wires elsewhere
    old = doc.pos(nodes[50])
    assert scene.editor.move_nodes({nodes[50]: (old, (old[0] + 90.0, old[1] + 450.0))})
    same_as_fresh()
    stack.undo()
    same_as_fresh()
    # dragged with the mouse, then released
    box = scene.node_item(nodes[60])
    start = box.mapToScene(box.body.center())
    drag(view, start, start + QPointF(300, 700))
    assert undo_texts(stack)[-1].startswith("Move")
    same_as_fresh()


def test_far_out_a_big_scene_drops_its_index_and_a_click_still_picks_its_box(qtbot):
    """Far out, a repaint asks the scene's index for nearly everything: a plain list of the
    items (overview.far_without_index) walks quicker than any BSP tree. Hit tests ask the
    overview's box table instead, and zooming back in gives the BSP index back."""
    from PySide6.QtWidgets import QGraphicsScene

    index = QGraphicsScene.ItemIndexMethod
    doc = grid_doc(columns=40, rows=40)  # 1,600 cards, ~3,100 wires
    scene, view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    near_depth = scene.bspTreeDepth()
    view.set_zoom(FAR)
    QApplication.processEvents()
    assert scene.overview
    assert scene.itemIndexMethod() == index.NoIndex
    box = scene.node_item(doc.node_ids()[850])
    view.centerOn(box)
    QApplication.processEvents()
    click(view, box.mapToScene(box.body.center()))
    assert scene.selected_node_ids() == [box.node_id]
    # its neighbour below, 100 units (15 pixels) away, and the gap between them
    below = scene.node_item(doc.node_ids()[851])
    click(view, below.mapToScene(below.body.center()))
    assert scene.selected_node_ids() == [below.node_id]
    gap = QPointF(box.mapToScene(box.body.center()).x(),
                  (box.mapToScene(box.body.bottomLeft()).y()
                   + below.mapToScene(below.body.topLeft()).y()) / 2)
    assert scene.node_at(gap) is None
    assert "x" in scene.tooltip_at(scene.node_item(doc.node_ids()[3]).mapToScene(
        scene.node_item(doc.node_ids()[3]).body.center()))
    # the colour key asks whether a card lies under it: the same answers as with the index
    first = scene.node_item(doc.node_ids()[0]).sceneBoundingRect()
    rects = [first, first.translated(0, -first.height() - 5), QRectF(-900, -900, 800, 800),
             QRectF(3000, 1000, 2000, 50)]
    far = [scene.any_card_in(r) for r in rects]
    view.set_zoom(1.0)
    QApplication.processEvents()
    assert not scene.overview
    assert scene.itemIndexMethod() == index.BspTreeIndex
    assert scene.bspTreeDepth() == near_depth
    assert far == [scene.any_card_in(r) for r in rects] == [True, False, False, True]


def test_far_out_without_index_a_card_dragged_onto_a_wire_sends_it_around_at_release(qtbot):
    """Far out (no scene index: the router files the wires itself), a card dragged onto a
    long wire with real mouse events: the wire is routed around it at the release."""
    from PySide6.QtWidgets import QGraphicsScene

    from tests.ui.canvas.test_wire_routes import cards_under

    doc = grid_doc(columns=40, rows=40)
    doc.add_node("value", label="a", value=0.5, pos=(0, 6000), node_id="a")
    doc.add_node("op", op="tanh", label="b", pos=(3000, 6000), node_id="b")
    doc.connect("a", "b", 0)
    doc.add_node("value", label="c", value=2.0, pos=(1500, 7000), node_id="c")
    scene, view, stack = make_canvas(qtbot, doc)
    view.set_zoom(FAR)
    view.centerOn(QPointF(1500, 6500))
    QApplication.processEvents()
    assert scene.itemIndexMethod() == QGraphicsScene.ItemIndexMethod.NoIndex
    edge = scene.edge_item("a", "b", 0)
    assert cards_under(scene, edge) == [] and edge.around == frozenset()
    card = scene.node_item("c")
    start = card.mapToScene(card.body.center())
    on_wire = QPointF(start.x(), edge.path().pointAtPercent(0.5).y())
    drag(view, start, on_wire)
    assert undo_texts(stack)[-1].startswith("Move")
    assert card.mapToScene(card.body.center()).y() < start.y() - 800  # it did move
    assert cards_under(scene, edge) == [] and "c" in edge.around
    stack.undo()  # and back: straight again
    assert edge.around == frozenset()


def test_fitted_far_out_hairline_wires_unsmoothed_look_as_smoothed_and_boxes_stay_smooth(
        qtbot, monkeypatch):
    """At or below overview_wires.HAIRLINE_ZOOM a wire is a tenth of a pixel: it is stroked
    without antialiasing (half the time). The picture stays the antialiased one to within a
    faint hairline's shade, the wires still show, and the boxes drawn after them are still
    antialiased (their edges would be up to 190 of 255 off)."""
    from playground.ui.canvas import overview_wires

    doc = grid_doc(columns=20, rows=20)
    scene, view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(0.04)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    assert scene.overview

    def picture() -> QImage:
        scene._overview.changed()  # drawn afresh at the grab
        return view.viewport().grab().toImage()

    hairline = picture()
    monkeypatch.setattr(overview_wires, "HAIRLINE_ZOOM", 0.0)  # antialiased as at 0.15x
    smooth = picture()
    # not the same strokes (so the hint was off for them), yet within a hairline's shade
    assert 0 < largest_difference(hairline, smooth) <= 48
