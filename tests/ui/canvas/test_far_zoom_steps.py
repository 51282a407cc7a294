"""Far out, while the wheel turns, each step shows the kept picture scaled (no fresh drawing of
every box and wire); once the zoom settles the picture is drawn sharp, the same as a canvas
that drew it afresh. A step past INTERIM_SCALE is drawn afresh at once."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.evaluate import evaluate
from playground.ui.canvas.view import ZOOM_SETTLE_MS
from tests.ui.canvas.test_far_zoom_wires import FAR, ROUNDING, grid_doc, largest_difference
from tests.ui.canvas_helpers import make_canvas, turn_wheel


def far_grid(qtbot):
    """A grid of 96 cards far out, its picture drawn; and a list of the zooms the overview
    drew its picture afresh at (every box and wire) since."""
    doc = grid_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    scene.set_evaluation(evaluate(doc, backward=True))
    view.set_zoom(FAR)
    view.centerOn(scene.nodes_rect().center())
    QApplication.processEvents()
    assert scene.overview
    view.viewport().grab()  # the picture is drawn and kept
    picture = scene._overview._picture
    draws: list[float] = []
    real = picture._draw_afresh

    def counted(painter, draw, key, margin):
        draws.append(painter.worldTransform().m11())
        real(painter, draw, key, margin)

    picture._draw_afresh = counted
    return scene, view, draws


def centre_colours(image: QImage, view, scene) -> list[tuple[int, int, int]]:
    """The colour ``image`` has at each card's centre (where the view now puts it)."""
    out = []
    for item in scene.node_map.values():
        c = image.pixelColor(view.mapFromScene(item.mapToScene(item.body.center())))
        out.append((c.red(), c.green(), c.blue()))
    return out


def fresh_picture(view, scene) -> QImage:
    scene._overview.changed()  # drop the kept picture: the next paint draws everything
    return view.viewport().grab().toImage()


def mean_difference(a: QImage, b: QImage) -> float:
    arrays = []
    for image in (a, b):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        raw = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
        arrays.append(raw.reshape(image.height(), image.bytesPerLine()).astype(int))
    return float(np.abs(arrays[0] - arrays[1]).mean())


def test_far_out_wheel_steps_show_the_kept_picture_scaled_then_the_settled_zoom_sharp(qtbot):
    scene, view, draws = far_grid(qtbot)
    vp = view.viewport()
    middle = vp.rect().center()
    zoom = view.zoom()
    turn_wheel(view, middle, -120)  # out one notch (staying above 0.12, where boxes lose
    assert 0.12 < view.zoom() < zoom * 0.85  # their border: a scaled picture keeps it)
    stepped = vp.grab().toImage()
    assert draws == []  # no box or wire drawn: the last picture, scaled
    qtbot.wait(ZOOM_SETTLE_MS + 50)  # the wheel rests: the next repaint is sharp
    QApplication.processEvents()
    settled = vp.grab().toImage()
    assert draws == [view.zoom()]  # drawn once, at the zoom the wheel stopped at
    fresh = fresh_picture(view, scene)
    assert largest_difference(settled, fresh) <= ROUNDING
    # Every box was where the new zoom puts it, in its colour (to the blur of the scaling).
    for a, b in zip(centre_colours(stepped, view, scene), centre_colours(fresh, view, scene),
                    strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 24, (a, b)
    # The scaled stand-in was close to the sharp picture, but not it.
    assert 0 < mean_difference(stepped, fresh) < 3


def test_far_out_a_zoom_past_twice_the_kept_picture_draws_it_afresh_at_once(qtbot):
    """Scaled more than INTERIM_SCALE (2x) a picture would blur: that step draws afresh, and
    the steps after it scale the new picture."""
    scene, view, draws = far_grid(qtbot)
    vp = view.viewport()
    zoom = view.zoom()
    for _ in range(6):  # 1.0015 ** -120 = 1 / 1.197 a notch: past 1/2 at the fourth
        turn_wheel(view, vp.rect().center(), -120)
        vp.grab()
        assert scene.overview
    assert len(draws) == 1
    assert draws[0] < zoom / 2 and draws[0] > view.zoom()
    qtbot.wait(ZOOM_SETTLE_MS + 50)
    QApplication.processEvents()
    vp.grab()
    assert len(draws) == 2 and draws[-1] == view.zoom()


def test_far_out_ctrl_minus_steps_like_the_wheel_and_settle_sharp(qtbot):
    scene, view, draws = far_grid(qtbot)
    vp = view.viewport()
    QTest.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    vp.grab()
    assert draws == []
    qtbot.wait(ZOOM_SETTLE_MS + 50)
    QApplication.processEvents()
    settled = vp.grab().toImage()
    assert len(draws) == 1
    assert largest_difference(settled, fresh_picture(view, scene)) <= ROUNDING


def test_far_out_a_zoom_set_in_one_go_is_drawn_sharp_at_once(qtbot):
    """Only a zoom that may go on (the wheel, Ctrl +/-) shows a stand-in: a zoom set in one
    go (a fit, the minimap, a lesson opening) is drawn sharp in its first repaint."""
    scene, view, draws = far_grid(qtbot)
    vp = view.viewport()
    view.set_zoom(FAR * 0.9)
    image = vp.grab().toImage()
    assert draws == [view.zoom()]
    assert largest_difference(image, fresh_picture(view, scene)) <= ROUNDING
