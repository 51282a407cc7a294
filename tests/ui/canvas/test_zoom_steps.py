"""While the wheel turns, the canvas shows its last frame scaled: no card paints and no far-out
picture is drawn. The zoom the wheel rests at is drawn once, the same as a canvas drawing it
afresh. Past MAX_SCALE a new picture is taken; a click, a key or a zoom set in one go draws
at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.evaluate import evaluate
from playground.ui.canvas.items import NodeItem
from playground.ui.canvas.zoom_steps import MAX_SCALE, SETTLE_MS
from tests.ui.canvas.test_far_zoom_wires import (
    FAR,
    ROUNDING,
    canvas_at,
    grid_doc,
    largest_difference,
)
from tests.ui.canvas_helpers import make_canvas, turn_wheel

MID = 0.6
"""Cards paint themselves (above TEXT_ZOOM, in their far form below 50%)."""


def grid_at(qtbot, zoom: float):
    """A grid of 96 cards at ``zoom``, drawn."""
    scene, view, _stack = canvas_at(qtbot, grid_doc(), zoom)
    return scene, view


@pytest.fixture
def card_paints(monkeypatch) -> list[str]:
    """The id of each card that paints (itself or into its cache), from now on."""
    painted: list[str] = []
    real = NodeItem.paint

    def counted(self, painter, option, widget=None):
        painted.append(self.node_id)
        return real(self, painter, option, widget)

    monkeypatch.setattr(NodeItem, "paint", counted)
    return painted


def picture_draws(scene) -> list[float]:
    """The zooms the far-out picture is drawn afresh at (every box and wire), from now on."""
    picture = scene._overview._picture
    draws: list[float] = []
    real = picture._draw_afresh

    def counted(painter, draw, key, margin):
        draws.append(painter.worldTransform().m11())
        real(painter, draw, key, margin)

    picture._draw_afresh = counted
    return draws


def empty_point(scene, view) -> QPoint:
    """A viewport point with no card or wire within 12 pixels (a click there hovers nothing,
    selects nothing)."""
    for y in range(20, view.viewport().height() - 20, 7):
        for x in range(20, view.viewport().width() - 20, 7):
            near = view.mapToScene(QRect(x - 12, y - 12, 24, 24)).boundingRect()
            if not scene.items(near):
                return QPoint(x, y)
    raise AssertionError("no empty point in view")


def same_canvas_drawn_afresh(qtbot, scene, view) -> QImage:
    """What a new canvas on the same graph, at the same transform, paints."""
    scene2, view2, _stack = make_canvas(qtbot, scene.doc)
    scene2.set_evaluation(evaluate(scene.doc, backward=True))
    scene2.select_nodes(scene.selected_node_ids())
    view2.resize(view.size())
    view2.set_zoom(view.zoom())
    for bar, bar2 in ((view.horizontalScrollBar(), view2.horizontalScrollBar()),
                      (view.verticalScrollBar(), view2.verticalScrollBar())):
        bar2.setValue(bar.value())
    QApplication.processEvents()
    assert view2.viewportTransform() == view.viewportTransform()
    return view2.viewport().grab().toImage()


def on_show(scene, view) -> list[str]:
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    return sorted(n for n, item in scene.node_map.items()
                  if seen.intersects(item.sceneBoundingRect()))


def rest(qtbot) -> None:
    qtbot.wait(SETTLE_MS + 60)
    QApplication.processEvents()


def test_wheel_steps_paint_no_card_and_the_zoom_they_rest_at_is_drawn_once(qtbot, card_paints):
    scene, view = grid_at(qtbot, MID)
    vp = view.viewport()
    card_paints.clear()
    zoom = view.zoom()
    turn_wheel(view, vp.rect().center(), -120)
    turn_wheel(view, vp.rect().center(), -120)
    assert view.zoom() == pytest.approx(zoom / 1.0015 ** 240)
    stepped = vp.grab().toImage()
    assert card_paints == []  # the frame before the wheel turned, scaled
    rest(qtbot)
    settled = vp.grab().toImage()
    assert sorted(set(card_paints)) == on_show(scene, view)  # each card on show, at the new zoom
    fresh = same_canvas_drawn_afresh(qtbot, scene, view)
    assert largest_difference(settled, fresh) <= ROUNDING
    assert largest_difference(stepped, fresh) > ROUNDING  # the stand-in was not the drawing


def test_far_out_wheel_steps_draw_no_picture_and_the_zoom_they_rest_at_is_drawn_once(qtbot):
    scene, view = grid_at(qtbot, FAR)
    draws = picture_draws(scene)
    vp = view.viewport()
    turn_wheel(view, vp.rect().center(), -120)  # stays above 0.12, where boxes lose borders
    assert 0.12 < view.zoom() < FAR
    vp.grab()
    assert draws == []
    rest(qtbot)
    settled = vp.grab().toImage()
    assert draws == [view.zoom()]
    assert largest_difference(settled, same_canvas_drawn_afresh(qtbot, scene, view)) <= ROUNDING


def test_a_zoom_past_max_scale_of_the_picture_takes_a_new_one_once(qtbot, card_paints):
    """Scaled past MAX_SCALE a picture would be a patch in an empty view: a step takes a new
    one (one drawing of the cards on show), and the steps after it scale that one."""
    _scene, view = grid_at(qtbot, 1.0)
    vp = view.viewport()
    card_paints.clear()
    notch = 1.0015 ** 120
    first_new = next(k for k in range(1, 20) if notch ** k > MAX_SCALE)  # 8
    for k in range(1, first_new + 2):
        turn_wheel(view, vp.rect().center(), -120)
        vp.grab()
        if k < first_new:
            assert card_paints == [], k
        elif k == first_new:
            assert card_paints, "no new picture"
            drawn = len(card_paints)
    assert len(card_paints) == drawn  # the step after it: scaled again
    assert view.zoom() > 0.17  # cards all along (not the far-out boxes)


def test_a_click_during_the_steps_draws_at_once(qtbot, card_paints):
    scene, view = grid_at(qtbot, 0.4)  # the graph smaller than the view: room to click
    vp = view.viewport()
    card_paints.clear()
    turn_wheel(view, vp.rect().center(), 120)
    vp.grab()
    assert card_paints == []
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, pos=empty_point(scene, view))
    settled = vp.grab().toImage()
    assert sorted(set(card_paints)) == on_show(scene, view)  # drawn at the new zoom
    assert largest_difference(settled, same_canvas_drawn_afresh(qtbot, scene, view)) <= ROUNDING


def test_ctrl_minus_steps_like_the_wheel_and_rests_sharp(qtbot, card_paints):
    scene, view = grid_at(qtbot, MID)
    vp = view.viewport()
    card_paints.clear()
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == pytest.approx(MID / 1.25 ** 2)
    vp.grab()
    assert card_paints == []
    rest(qtbot)
    settled = vp.grab().toImage()
    assert sorted(set(card_paints)) == on_show(scene, view)
    assert largest_difference(settled, same_canvas_drawn_afresh(qtbot, scene, view)) <= ROUNDING


def test_fit_after_wheel_steps_is_drawn_at_once(qtbot, card_paints):
    """A zoom set in one go (F, the minimap, opening a graph) is drawn in its first repaint,
    even in the middle of a wheel's steps."""
    scene, view = grid_at(qtbot, MID)
    vp = view.viewport()
    turn_wheel(view, vp.rect().center(), 120)
    card_paints.clear()
    QTest.keyClick(view, Qt.Key.Key_F)
    image = vp.grab().toImage()
    assert sorted(set(card_paints)) == on_show(scene, view)
    assert largest_difference(image, same_canvas_drawn_afresh(qtbot, scene, view)) <= ROUNDING
