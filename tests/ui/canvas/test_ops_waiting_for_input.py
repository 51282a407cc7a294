"""An op whose inputs are not all wired yet is being built, not wrong: no red badge or border,
its data row says what it needs, the status bar keeps quiet; Backward says why it did not run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.ui.canvas import style as S
from tests.ui.canvas_helpers import drag, lecture_doc
from tests.ui.teach_helpers import press
from tests.ui.window_helpers import by_label, new_window, shown


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini", size=(1240, 780))
    w.activateWindow()
    w.view.setFocus()
    yield w
    w.training.shutdown()
    w.undo_stack.setClean()


def settle(qtbot, ms: int = 30) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


def red_pixels(window, node_id: str) -> int:
    """Pixels of the error red in the node's card (its badge and border), as painted."""
    item = window.scene.node_item(node_id)
    rect = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    image = window.view.viewport().grab(rect).toImage()
    red = S.ERROR
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = QColor(image.pixel(x, y))
            if (abs(c.red() - red.red()) < 30 and abs(c.green() - red.green()) < 30
                    and abs(c.blue() - red.blue()) < 30):
                count += 1
    return count


def add_by_search(window, qtbot, text: str) -> str:
    """Tab on the canvas, type, Enter: the node a learner drops while building."""
    before = set(window.doc.node_ids())
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    box = QApplication.focusWidget()
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot)
    (new,) = set(window.doc.node_ids()) - before
    return new


def test_a_dropped_op_waits_for_input_without_an_error(window, qtbot):
    window.files.install(lecture_doc(), None, "lecture")
    settle(qtbot)
    ids = by_label(window)
    status = window.statusBar().currentMessage()
    m = add_by_search(window, qtbot, "mul")
    item = window.scene.node_item(m)
    window.view.ensureVisible(item, 60, 60)
    settle(qtbot)
    d = item.display()
    assert d.pending and d.problem is None
    assert shown(window, m, "data") == "needs both"  # "needs left, right" does not fit
    assert red_pixels(window, m) == 0  # no red "!" badge, no red border
    assert "✖" not in item.tooltip_text() and "waiting for input" in item.tooltip_text()
    message = window.statusBar().currentMessage()
    assert "connected" not in message and "needs" not in message and message in (status, "")
    window.scene.select_nodes([m])
    settle(qtbot)
    assert window.inspector.problem_label.text().startswith("Waiting for input:")
    assert "✖" not in window.inspector.problem_label.text()

    # one wire, by mouse: it needs only the other input now
    drag(window.view, window.scene.node_item(ids["a"]).output_anchor(), item.input_anchor(0))
    settle(qtbot)
    assert window.doc.input_of(m, 0) == ids["a"]
    assert shown(window, m, "data") == "needs right"
    assert red_pixels(window, m) == 0

    # a real error still shows red: a bad literal
    window.doc.set_value(ids["c"], [])
    settle(qtbot)
    assert window.scene.node_item(ids["c"]).display().problem
    assert red_pixels(window, ids["c"]) > 20
    assert window.statusBar().currentMessage().startswith("c: bad literal")


def test_backward_says_which_input_the_output_waits_for(window, qtbot):
    doc = lecture_doc()
    doc.disconnect("e", 1)
    window.files.install(doc, None, "lecture")
    settle(qtbot)
    ids = by_label(window)
    assert shown(window, ids["L"], "data") == "waits for e"
    assert shown(window, ids["e"], "data") == "needs right"
    assert "connected" not in window.statusBar().currentMessage()
    press(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert window.statusBar().currentMessage() == (
        "Backward did not run: L waits for e, which needs its 'right' input")
    assert window.output_choice.isVisible()
    assert window.output_choice.text.text() == "L waits for e, which needs its 'right' input"
    press(window, Qt.Key.Key_F5)
    settle(qtbot)
    assert window.statusBar().currentMessage() == "Forward: e needs its 'right' input"
