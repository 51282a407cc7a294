"""Room for the graph at 1280x800: the colour key folds, automatic fits stay readable, and the
training panel is a tab next to the canvas instead of a dock that squeezes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.ui.window.main_window import LEGEND_KEY
from tests.ui.window_helpers import new_window, settings_at

LEFT = Qt.MouseButton.LeftButton


def settle(qtbot, ms: int = 30) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


def node_rects(window) -> dict[str, QRect]:
    """Each node's card, in viewport coordinates."""
    view = window.view
    return {n: view.mapFromScene(view.graph_scene.node_item(n).sceneBoundingRect())
            .boundingRect() for n in window.doc.node_ids()}


def chain(n: int) -> GraphDocument:
    """x -> tanh -> tanh ... (n ops): wider than any canvas at a readable zoom."""
    doc = GraphDocument()
    prev = doc.add_node("value", label="x", value=0.5, pos=(0.0, 0.0))
    for i in range(n):
        node = doc.add_node("op", op="tanh", label=f"t{i}", pos=(180.0 * (i + 1), 0.0))
        doc.connect(prev, node, 0)
        prev = node
    return doc


# --- the colour key --------------------------------------------------------------------------


def test_the_key_explains_tensors_and_folds_on_a_short_canvas(qtbot, window):
    legend = window.view.legend
    assert legend.is_expanded()  # the first screen has room: the whole key
    tall = legend.height()
    window.teaching.open_lesson("chain")  # the Learn dock takes the bottom of the window
    settle(qtbot, 60)
    assert window.view.viewport().height() < legend.AUTO_FOLD_BELOW
    assert not legend.is_expanded() and legend.height() < 0.35 * tall
    # the folded key hides no node, and the graph still reads
    key = legend.geometry()
    for node, rect in node_rects(window).items():
        assert not rect.intersects(key), window.doc.label(node)
    assert window.view.zoom() >= 0.7
    # a click unfolds it anyway, another folds it
    QTest.mouseClick(legend, LEFT, pos=QPoint(10, 10))
    assert legend.is_expanded() and legend.height() == tall
    QTest.mouseClick(legend, LEFT, pos=QPoint(10, 10))
    assert not legend.is_expanded()


def test_folding_the_key_is_remembered(qtbot, tmp_path, dialogs):
    settings = tmp_path / "settings.ini"
    w = new_window(qtbot, settings, size=(1280, 800))
    legend = w.view.legend
    assert legend.is_expanded()
    QTest.mouseClick(legend, LEFT, pos=QPoint(10, 10))
    assert not legend.is_expanded()
    assert settings_at(settings).value(LEGEND_KEY, type=bool) is False
    w.training.shutdown()
    w.close()
    again = new_window(qtbot, settings, size=(1280, 800))
    assert not again.view.legend.is_expanded()
    QTest.mouseClick(again.view.legend, LEFT, pos=QPoint(10, 10))
    assert again.view.legend.is_expanded()
    assert settings_at(settings).value(LEGEND_KEY, type=bool) is True
    again.training.shutdown()


# --- automatic fits ------------------------------------------------------------------------


def test_a_graph_too_big_to_read_opens_at_a_readable_zoom_on_its_output(qtbot, window):
    window.files.install(chain(30), None, "chain")
    window.display.backward()
    settle(qtbot)
    view = window.view
    assert view.zoom() == pytest.approx(0.8)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    out = next(n for n in window.doc.node_ids() if window.doc.label(n) == "t29")
    assert seen.contains(view.graph_scene.node_item(out).sceneBoundingRect())
    view.fit_all()  # F: the whole graph, however small
    assert view.zoom() < 0.3


def test_a_graph_that_fits_opens_whole(qtbot, window):
    window.files.install(chain(3), None, "small")
    settle(qtbot)
    view = window.view
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(view.graph_scene.nodes_rect())
    assert 0.7 <= view.zoom() <= 1.25


# --- the training tab ------------------------------------------------------------------------


def test_training_is_a_tab_next_to_the_canvas(qtbot, window):
    tabs = window.centralWidget()
    assert tabs.objectName() == "central_tabs" and tabs.currentWidget() is window.view
    assert tabs.tabBar().isHidden()  # one tab: it looks like the canvas alone
    canvas_h = window.view.height()
    action = window.action("show_training")
    action.trigger()
    panel = window.training.panel
    assert tabs.currentWidget() is panel and not tabs.tabBar().isHidden()
    assert not window.inspector.isVisible() and not window.palette_dock.isVisible()
    action.trigger()  # again: back to the graph, the tab stays
    settle(qtbot)
    assert tabs.currentWidget() is window.view and tabs.count() == 2
    assert window.inspector.isVisible() and window.palette_dock.isVisible()
    # the panel does not make the window wider or squeeze the docks
    assert window.width() == 1280
    assert window.palette_dock.width() >= 150 and window.inspector.width() >= 250
    assert window.view.height() >= canvas_h - 40  # only the tab bar's height
    # a lesson (a new graph) shows the canvas
    action.trigger()
    window.teaching.open_lesson("chain")
    settle(qtbot)
    assert tabs.currentWidget() is window.view
    # the tab's close button removes it; the menu brings it back
    tabs.tabCloseRequested.emit(tabs.indexOf(panel))
    assert tabs.count() == 1 and tabs.currentWidget() is window.view
    action.trigger()
    assert tabs.currentWidget() is panel


def test_closing_on_the_training_tab_keeps_the_docks_for_next_time(qtbot, tmp_path, dialogs):
    settings = tmp_path / "settings.ini"
    w = new_window(qtbot, settings, size=(1280, 800))
    w.action("show_training").trigger()
    assert not w.inspector.isVisible()
    w.training.shutdown()
    w.close()
    again = new_window(qtbot, settings, size=(1280, 800))
    assert again.inspector.isVisible() and again.palette_dock.isVisible()
    again.training.shutdown()
