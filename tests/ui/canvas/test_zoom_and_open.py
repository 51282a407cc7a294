"""Readable when a graph opens and at every zoom: the wheel zooms about the cursor, opening
frames the graph at a readable zoom, and far out the cards keep their name and number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.canvas_helpers import turn_wheel


def settle(qtbot, ms: int = 30) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


# --- the wheel -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["left edge", "top right", "middle"])
def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot, window, where):
    view = window.view
    vp = view.viewport().rect()
    at = {"left edge": QPoint(30, vp.height() // 2),
          "top right": QPoint(vp.width() - 60, 60),
          "middle": vp.center() + QPoint(37, -23)}[where]
    start = view.zoom()
    for delta in [-120] * 6 + [120] * 12 + [-120] * 4:  # out to ~0.3x, in to ~2.5x, back
        before = view.mapToScene(at)
        turn_wheel(view, at, delta)
        after = view.mapToScene(at)
        # the same scene point under the cursor, within a pixel on screen
        assert (after - before).manhattanLength() * view.zoom() <= 1.0, (delta, view.zoom())
    assert view.zoom() != pytest.approx(start)  # it did zoom
    assert view.fit_mode is None  # a resize now keeps the learner's zoom


# --- opening a graph -------------------------------------------------------------------------


def open_example_from_menu(qtbot, window, name: str) -> None:
    """File ▸ Open Example ▸ ``name``, as a click on the menu entry does."""
    action = next(a for a in window.examples_menu.actions() if a.objectName() == f"example_{name}")
    action.trigger()
    settle(qtbot, 60)  # the second fit, once the window has its final size, and the map


def card_on_screen(window, node_id: str):
    view = window.view
    return view.mapFromScene(window.scene.node_item(node_id).sceneBoundingRect()).boundingRect()


def _without_view(tmp_path, name: str):
    """The example ``name`` as a file with no ``view`` (so no frame of its own)."""
    import json

    from playground.graph.examples import example_path

    data = json.loads(example_path(name).read_text(encoding="utf-8"))
    data.pop("view", None)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_big_graph_with_no_frame_opens_readable_on_its_output_with_a_map(
        qtbot, window, dialogs, tmp_path):
    dialogs.open_files.append(str(_without_view(tmp_path, "micrograd_readme")))
    window.action("open").trigger()  # File ▸ Open; the file dialog answers with the path
    settle(qtbot, 60)
    view = window.view
    assert view.zoom() >= 0.8
    vp = view.viewport().rect()
    out = card_on_screen(window, window.scene.output_id())
    assert vp.contains(out)
    # neither the map nor the colour key hides it
    assert not out.intersects(view.minimap.geometry())
    assert not out.intersects(view.legend.geometry())
    # part of the graph is out of view: the map shows where, and a click there goes there
    hidden = [n for n in window.doc.node_ids() if not vp.contains(card_on_screen(window, n))]
    assert hidden and view.minimap.isVisible()
    far = min(hidden, key=lambda n: window.scene.node_item(n).sceneBoundingRect().left())
    spot = view.minimap.to_map(window.scene.node_item(far).sceneBoundingRect()).center()
    qtbot.mouseClick(view.minimap, Qt.MouseButton.LeftButton, pos=spot.toPoint())
    settle(qtbot)
    assert vp.contains(card_on_screen(window, far))
    assert view.zoom() >= 0.8 and view.fit_mode is None  # moved, not shrunk; a resize keeps it


@pytest.mark.parametrize("name", ["lecture", "neuron", "xy_plus_z", "shared_nodes",
                                  "polynomial", "a_plus_a", "tensor_layer"])
def test_a_small_example_opens_whole_without_a_map(qtbot, window, name):
    open_example_from_menu(qtbot, window, name)
    view = window.view
    assert view.zoom() >= 0.8
    vp = view.viewport().rect()
    for n in window.doc.node_ids():
        assert vp.contains(card_on_screen(window, n)), window.doc.label(n)
    assert not view.minimap.isVisible()


def test_a_file_opens_on_its_output_at_a_readable_zoom(qtbot, window, dialogs, tmp_path):
    from playground.graph import io
    from tests.ui.canvas.test_room_for_the_graph import chain

    path = tmp_path / "long.json"
    doc = chain(30)
    io.save(doc, path)
    dialogs.open_files.append(str(path))
    window.action("open").trigger()  # File ▸ Open; the file dialog answers with the path
    assert window.current_path == path
    settle(qtbot, 60)
    view = window.view
    assert view.zoom() >= 0.8
    last = window.doc.label(window.scene.output_id())
    assert last == "t29"
    assert view.viewport().rect().contains(card_on_screen(window, window.scene.output_id()))
    assert view.minimap.isVisible()


def test_a_lesson_opens_readable_with_its_output_in_view(qtbot, window):
    window.teaching.open_lesson("chain")  # the Learn dock takes the bottom of the window
    settle(qtbot, 60)
    view = window.view
    assert view.zoom() >= 0.8
    assert view.viewport().rect().contains(card_on_screen(window, window.scene.output_id()))


# --- far out ---------------------------------------------------------------------------------


def far_card_pixels(window, node_id: str, image):
    """The grab's pixels inside a card, 2 px in from its outline."""
    view = window.view
    item = window.scene.node_item(node_id)
    rect = view.mapFromScene(item.mapToScene(item.body)).boundingRect().adjusted(2, 2, -2, -2)
    return [image.pixelColor(x, y) for x in range(rect.left(), rect.right() + 1)
            for y in range(rect.top(), rect.bottom() + 1)]


def test_far_out_a_card_shows_its_name_and_data_on_its_grad_colour(qtbot, window):
    view, scene = window.view, window.scene
    view.set_zoom(0.2)
    view.centerOn(scene.nodes_rect().center())
    settle(qtbot)
    image = view.viewport().grab().toImage()
    assert not scene.overview  # each card paints itself: type still reads here
    strong = 0
    for n in window.doc.node_ids():
        item = scene.node_item(n)
        assert item.painted_form == "far", window.doc.label(n)
        pixels = far_card_pixels(window, n, image)
        rgbs = [p.rgb() for p in pixels]
        fill = QColor.fromRgb(max(set(rgbs), key=rgbs.count))  # the card's main colour
        # not an empty outline: the name and number are drawn inside, in a contrasting ink
        ink = [p for p in pixels if abs(p.lightness() - fill.lightness()) > 60]
        assert len(ink) >= 8, (window.doc.label(n), len(ink))
        # the card is filled with its grad colour: blue for +, orange for -
        d = item.display()
        if d.grad_value is not None and abs(d.grad_value) > 0.3 * d.max_abs:
            strong += 1
            if d.grad_value > 0:
                assert fill.blue() > fill.red() + 30, window.doc.label(n)
            else:
                assert fill.red() > fill.blue() + 30, window.doc.label(n)
    assert strong >= 2  # the neuron after Backward has strong grads of both signs
    # further out, the same cards are boxes painted in batches; back in, the full card
    view.set_zoom(0.1)
    assert scene.overview
    view.set_zoom(1.0)
    view.viewport().grab()
    assert not scene.overview
    assert all(scene.node_item(n).painted_form == "card" for n in window.doc.node_ids()
               if view.viewport().rect().intersects(
                   view.mapFromScene(scene.node_item(n).sceneBoundingRect()).boundingRect()))


def test_the_map_follows_a_card_dragged_out_of_its_old_extent(qtbot, window):
    from tests.ui.canvas_helpers import body_point, drag

    open_example_from_menu(qtbot, window, "micrograd_readme")
    view, scene, minimap = window.view, window.scene, window.view.minimap
    out = scene.output_id()
    view.ensure_node_visible(out)  # the example opens framed on its inputs
    settle(qtbot)
    below = scene.nodes_rect().bottom() + 150  # lower than any card was
    start = body_point(scene, out)
    drag(view, start, QPointF(start.x(), below))  # real mouse events: one Move step
    settle(qtbot, 80)
    assert window.doc.pos(out)[1] > scene.nodes_rect().bottom() - 200
    # the map was re-read: the graph as it is now (the moved card its lowest) sits centred
    # in the map, as a map is drawn (it would hang low if the old extent were still used)
    whole = QRectF()
    for n in window.doc.node_ids():
        item = scene.node_item(n)
        whole = whole.united(item.body.translated(item.pos()))
    shown = minimap.to_map(whole)
    assert QRectF(minimap.rect()).adjusted(-1, -1, 1, 1).contains(shown)
    assert abs(shown.top() - (minimap.height() - shown.bottom())) < 1.0
    assert abs(shown.left() - (minimap.width() - shown.right())) < 1.0


# --- a file's own frame (UX review item 7) -----------------------------------------------------


def _on_screen(window, *labels: str) -> bool:
    vp = window.view.viewport().rect()
    ids = {window.doc.label(n): n for n in window.doc.node_ids()}
    return all(vp.contains(card_on_screen(window, ids[label])) for label in labels)


def test_micrograd_readme_opens_on_a_and_b_which_its_text_is_about(qtbot, window):
    open_example_from_menu(qtbot, window, "micrograd_readme")
    assert "dg/da" in window.files.extras["description"]
    view = window.view
    assert view.zoom() >= 0.8
    assert _on_screen(window, "a", "b")
    for n in ("a", "b"):  # not under the map or the key either
        card = card_on_screen(window, next(i for i in window.doc.node_ids()
                                           if window.doc.label(i) == n))
        assert not card.intersects(view.minimap.geometry())
        assert not card.intersects(view.legend.geometry())
    assert view.minimap.isVisible()  # the rest, the output g among it, is on the map


def test_a_framed_example_keeps_its_frame_when_the_canvas_shrinks_and_f_fits_all(
        qtbot, window):
    open_example_from_menu(qtbot, window, "micrograd_readme")
    window.teaching.show_tab("steps")  # the Learn dock takes the bottom of the window
    settle(qtbot, 80)
    assert window.view.zoom() >= 0.8 and _on_screen(window, "a", "b")
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_F)  # Fit: the whole graph, frame or not
    settle(qtbot)
    vp = window.view.viewport().rect()
    assert all(vp.contains(card_on_screen(window, n)) for n in window.doc.node_ids())


def test_the_next_graph_does_not_inherit_a_frame(qtbot, window):
    from playground.graph.expr import parse

    open_example_from_menu(qtbot, window, "micrograd_readme")
    assert window.view.frame
    # the Expression builder's graph replaces it (one undo step), framed by the usual rule
    assert window.editor.replace_document(parse("a = 1.0\nb = 2.0\nL = a*b"), "Build L")
    assert window.view.frame == ()
    window.view.fit_readable()
    assert _on_screen(window, "a", "b", "L")


def test_a_frame_naming_no_node_of_the_file_is_ignored(qtbot, window, dialogs, tmp_path):
    import json

    path = _without_view(tmp_path, "micrograd_readme")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["view"] = {"frame": ["nosuch", 3], "zoom": "big"}
    path.write_text(json.dumps(data), encoding="utf-8")
    dialogs.open_files.append(str(path))
    window.action("open").trigger()
    settle(qtbot, 60)
    assert window.files.path == path and not dialogs.texts("critical")
    view = window.view
    assert view.zoom() >= 0.8  # the usual rule: readable, from the output end
    assert view.viewport().rect().contains(card_on_screen(window, window.scene.output_id()))
