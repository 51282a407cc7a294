"""An edit after Backward repaints only the cards downstream of it, and every card's grad turns
grey, also the ones out of view (their cached pictures are dropped, not repainted now); a scrub
repaints only the dragged value's downstream on each move."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from playground.graph.document import GraphDocument
from playground.ui import commands as C
from playground.ui.canvas import style as S
from playground.ui.canvas.items import NodeItem
from playground.ui.display import DisplayModel
from tests.ui.canvas_helpers import make_canvas


def wide_doc() -> GraphDocument:
    """Two chains far apart: a -> ... -> y on the left, k feeding the last op, and z -> ... -> w
    3,000 units to the right, all summed into L (so Backward reaches every node)."""
    doc = GraphDocument()
    doc.add_node("value", label="a", value=0.5, pos=(0, 0), node_id="a")
    prev = "a"
    for i in range(4):
        doc.add_node("op", op="tanh", label=f"t{i}", pos=(180 * (i + 1), 0), node_id=f"t{i}")
        doc.connect(prev, f"t{i}", 0)
        prev = f"t{i}"
    doc.add_node("value", label="k", value=2.0, pos=(720, 120), node_id="k")
    doc.add_node("op", op="mul", label="y", pos=(900, 0), node_id="y")
    doc.connect(prev, "y", 0)
    doc.connect("k", "y", 1)
    doc.add_node("value", label="z", value=-1.5, pos=(3000, 0), node_id="z")
    doc.add_node("op", op="exp", label="w", pos=(3180, 0), node_id="w")
    doc.connect("z", "w", 0)
    doc.add_node("op", op="add", label="L", pos=(1100, 60), node_id="L")
    doc.connect("y", "L", 0)
    doc.connect("w", "L", 1)
    doc.set_output("L")
    return doc


def grad_row_colour(view, item: NodeItem) -> QColor:
    """The most common colour along the card's grad row, as the viewport shows it."""
    image = view.viewport().grab().toImage()
    top = item.style.row_h + (item.body.height() - item.style.row_h) * 0.5
    y = top + (item.body.height() - top) * 0.5
    colours = Counter()
    for x in range(4, int(item.body.width()) - 4, 2):
        p = view.mapFromScene(item.mapToScene(QPointF(x, y)))
        colours[image.pixelColor(p).name()] += 1
    return QColor(colours.most_common(1)[0][0])


def test_an_edit_after_backward_repaints_the_downstream_cards_and_greys_all(qtbot, monkeypatch):
    doc = wide_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    display = DisplayModel(doc, stack)
    scene.connect_display(display)
    display.backward()
    view.centerOn(scene.node_item("w"))  # the right-hand chain is painted (and cached) ...
    qtbot.wait(20)
    w = scene.node_item("w")
    assert grad_row_colour(view, w) != S.STALE_FILL
    view.centerOn(scene.node_item("k"))  # ... then out of view
    qtbot.wait(20)
    stack.push(C.SetValue(doc, "k", 3.0))  # the first edit: every grad turns stale
    qtbot.wait(20)
    assert scene.grad_state() == "stale"
    assert grad_row_colour(view, scene.node_item("t1")) == S.STALE_FILL  # in view, upstream
    assert scene.node_item("L").display_lines()[-2] == f"data {doc_L(doc)}"
    view.centerOn(w)
    qtbot.wait(20)
    assert grad_row_colour(view, w) == S.STALE_FILL  # not the picture cached before the edit
    view.centerOn(scene.node_item("k"))
    qtbot.wait(20)

    refreshed: list[str] = []
    original = NodeItem.refresh
    monkeypatch.setattr(NodeItem, "refresh",
                        lambda self: (refreshed.append(self.node_id), original(self))[1])
    stack.push(C.SetValue(doc, "k", 4.0))  # grads already stale: only the numbers change
    assert sorted(refreshed) == ["L", "k", "y"]
    assert scene.evaluation.results["y"].data == 4.0 * scene.evaluation.results["t3"].data
    assert scene.node_item("y").display().grad_state == "stale"
    refreshed.clear()
    stack.undo()
    assert sorted(refreshed) == ["L", "k", "y"]
    refreshed.clear()
    stack.undo()  # back at the numbers of the Backward: its grads are right again, in colour
    assert scene.grad_state() == "fresh"
    qtbot.wait(20)
    assert grad_row_colour(view, scene.node_item("t1")) != S.STALE_FILL
    view.centerOn(w)
    qtbot.wait(20)
    assert grad_row_colour(view, w) != S.STALE_FILL


def doc_L(doc: GraphDocument) -> str:
    import math

    x = 0.5
    for _ in range(4):
        x = math.tanh(x)
    return f"{x * 3.0 + math.exp(-1.5):.4f}"


def test_each_scrub_move_repaints_only_the_dragged_values_downstream(qtbot, monkeypatch):
    doc = wide_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    display = DisplayModel(doc, stack)
    scene.connect_display(display)
    display.backward()
    k = scene.node_item("k")
    view.centerOn(k)
    qtbot.wait(20)
    vp = view.viewport()
    start = view.mapFromScene(k.mapToScene(k.scrub_zone().center()))
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(vp, left, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):  # past the slop: the drag starts, every grad turns grey
        QTest.mouseMove(vp, start + QPoint(4 * step, 0))
    assert scene.scrubbing and scene.grad_state() == "stale"

    refreshed: list[str] = []
    original = NodeItem.refresh
    monkeypatch.setattr(NodeItem, "refresh",
                        lambda self: (refreshed.append(self.node_id), original(self))[1])
    QTest.mouseMove(vp, start + QPoint(60, 0))
    assert sorted(refreshed) == ["L", "k", "y"]
    new_k = display.shown.evaluation.results["k"].data
    assert new_k > 2.0
    assert scene.evaluation.results["y"].data == new_k * scene.evaluation.results["t3"].data
    assert doc.value("k") == 2.0  # a preview: the document is untouched until release
    QTest.mouseRelease(vp, left, Qt.KeyboardModifier.NoModifier, start + QPoint(60, 0))
    assert doc.value("k") == new_k
    assert scene.evaluation.results["y"].data == new_k * scene.evaluation.results["t3"].data


def far_colour(view, item: NodeItem) -> str:
    """The most common colour over the card, as the viewport shows it (zoomed out: its fill)."""
    image = view.viewport().grab().toImage()
    colours: Counter[str] = Counter()
    body = item.body
    for i in range(1, 10):
        for j in range(1, 6):
            p = view.mapFromScene(item.mapToScene(QPointF(body.width() * i / 10,
                                                          body.height() * j / 6)))
            colours[image.pixelColor(p).name()] += 1
    return colours.most_common(1)[0][0]


def test_a_card_out_of_view_zoomed_out_turns_grey_too(qtbot):
    """Zoomed out, a card is painted in its far form (its grad colour), kept per card. The
    first edit after Backward greys every card: one out of view when it happens shows grey
    when zoomed out to again, not the colour kept from before (the kept looks are forgotten
    all at once, not card by card)."""
    doc = wide_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    display = DisplayModel(doc, _stack)
    scene.connect_display(display)
    display.backward()
    w = scene.node_item("w")
    view.resetTransform()
    view.scale(0.3, 0.3)  # far form: below card_paint.SIMPLE_LOD
    view.centerOn(w)
    qtbot.wait(20)
    assert w.painted_form in ("far", "colour")
    fresh = far_colour(view, w)
    view.resetTransform()
    view.centerOn(scene.node_item("k"))  # zoomed in far from w
    qtbot.wait(20)
    _stack.push(C.SetValue(doc, "k", 3.0))  # the first edit: every grad turns stale
    qtbot.wait(20)
    view.scale(0.3, 0.3)
    view.centerOn(w)
    qtbot.wait(20)
    assert far_colour(view, w) != fresh
    assert QColor(far_colour(view, w)) == S.STALE_FILL
