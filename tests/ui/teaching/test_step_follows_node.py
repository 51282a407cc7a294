"""Step-through keeps its current node on screen: the view scrolls to a node that is off the
canvas (with a margin), and does not move when the node is already in view. A fit leaves the
graph's top row on screen when the colour key will fold."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt

from playground.ui import commands as cmd
from tests.ui.teach_helpers import open_example, press, teach_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def on_screen(w, node: str) -> bool:
    view = w.view
    rect = view.mapFromScene(w.scene.node_item(node).sceneBoundingRect()).boundingRect()
    return QRect(view.viewport().rect()).contains(rect)


def scroll(w) -> tuple[int, int]:
    return w.view.horizontalScrollBar().value(), w.view.verticalScrollBar().value()


def test_each_step_brings_its_node_into_view(window, qtbot):
    w = window
    open_example(w, "lecture")
    w.resize(1024, 700)
    press(w, Qt.Key.Key_F7)
    qtbot.wait(50)  # the dock opened: let the refit run
    # the learner zooms in on L and pans: a, b, c are now off the canvas
    w.view.set_zoom(1.6)
    w.view.centerOn(w.scene.node_item("L").sceneBoundingRect().center())
    assert on_screen(w, "L") and not on_screen(w, "a")
    before = scroll(w)
    steps = w.teaching.steps
    while steps.index < len(steps.steps) - 1:
        at = scroll(w)
        visible_before = on_screen(w, steps.steps[steps.index + 1].node)
        press(w, Qt.Key.Key_F7)
        qtbot.wait(5)
        node = steps.steps[steps.index].node
        assert on_screen(w, node), node
        if visible_before:
            assert scroll(w) == at, f"the view jumped although {node} was in view"
    assert steps.steps[steps.index].node == "a" and scroll(w) != before
    w.grab().save("/tmp/round2/4_step_follows_a.png")


def test_opening_the_dock_keeps_the_top_row_when_the_key_folds(window, qtbot):
    w = window
    w.resize(1440, 900)
    open_example(w, "lecture")
    # a value far above the rest: fitting the graph and the whole colour key would need a
    # zoom under the readable one; the key folds instead and the whole graph shows
    stray = w.edits.add_at_centre("value")
    x, y = w.doc.pos("a")
    w.undo_stack.push(cmd.MoveNodes(w.doc, {stray: (w.doc.pos(stray), (x, y - 380))}))
    press(w, Qt.Key.Key_F7)  # the Learn dock opens, the canvas shrinks and refits
    qtbot.wait(50)
    assert w.view.viewport().height() >= w.view.legend.AUTO_FOLD_BELOW  # not short
    hidden = [n for n in w.doc.node_ids() if not on_screen(w, n)]
    assert hidden == []
    w.grab().save("/tmp/round2/4_fit_top_row.png")

