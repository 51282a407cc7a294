"""While a value's number is dragged on the canvas, the inspector and the status bar's grads
label follow the preview (they kept the old value and "grads: dL/d(node)" until release, next
to a canvas showing the new value and grey grads); Esc puts them back, release keeps the new
value. Real mouse and key events on the main window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from tests.ui.canvas_helpers import number_point, vp_point
from tests.ui.window_helpers import new_window

LEFT = Qt.MouseButton.LeftButton


def _move(view, at: QPoint) -> None:
    vp = view.viewport()
    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(at), QPointF(vp.mapToGlobal(at)),
                        Qt.MouseButton.NoButton, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, event)


def _window(qtbot, tmp_path):
    w = new_window(qtbot, tmp_path / "s.ini", example=False)
    doc = GraphDocument()
    a = doc.add_node("value", value=2.0, label="a", pos=(0.0, 0.0))
    b = doc.add_node("value", value=-3.0, label="b", pos=(0.0, 150.0))
    m = doc.add_node("op", op="mul", label="L", pos=(260.0, 60.0))
    doc.connect(a, m, 0)
    doc.connect(b, m, 1)
    w.files.install(doc, None, "test")
    w.display.backward()
    w.view.fit_readable()
    qtbot.wait(10)
    return w, a, b


def _start_drag(qtbot, w, node: str, dx: int) -> QPoint:
    view = w.view
    at = vp_point(view, number_point(w.scene, node))
    QTest.mousePress(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, at)
    qtbot.wait(10)
    w.sync_selection()
    for i in range(1, 11):
        _move(view, at + QPoint(dx * i // 10, 0))
    assert w.scene.scrubbing
    return at + QPoint(dx, 0)


def test_inspector_follows_a_scrub_and_esc_puts_it_back(qtbot, tmp_path, dialogs):
    w, a, _b = _window(qtbot, tmp_path)
    try:
        assert w.state_label.text() == "grads: dL/d(node)"
        _start_drag(qtbot, w, a, 40)  # +0.4
        new = w.scene.evaluation.results[a].data
        assert new != 2.0
        assert w.inspector.node == a
        assert float(w.inspector.data_label.text()) == new  # the canvas's number
        # the Backward's grad dL/da = b, said stale
        assert w.inspector.grad_label.text() == "-3.0000  (stale: from before the drag)"
        assert not w.inspector.grad_label.isEnabled()  # grey, as on the canvas
        assert w.state_label.text() == "grads stale: press Backward"
        w.grab().save(str(tmp_path / "mid.png"))

        QTest.keyClick(w.view, Qt.Key.Key_Escape)
        assert w.doc.value(a) == 2.0
        assert float(w.inspector.data_label.text()) == 2.0
        assert "stale" not in w.inspector.grad_label.text()
        assert w.inspector.grad_label.isEnabled()
        assert w.state_label.text() == "grads: dL/d(node)"
    finally:
        QTest.mouseRelease(w.view.viewport(), LEFT)
        w.training.shutdown()
        w.undo_stack.setClean()


def test_release_keeps_the_dragged_value_in_the_inspector(qtbot, tmp_path, dialogs):
    w, a, _b = _window(qtbot, tmp_path)
    try:
        end = _start_drag(qtbot, w, a, -30)
        QTest.mouseRelease(w.view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, end)
        value = w.doc.value(a)
        assert value != 2.0
        assert float(w.inspector.data_label.text()) == value
        assert w.inspector.grad_label.text() == (
            "-3.0000  (stale: the graph changed, press Backward)")
        assert w.state_label.text() == "grads stale: press Backward"
        extra = w.editor.add_node("value", None, value=1.0, label="x", pos=(0.0, 300.0))
        w.select([extra])  # added after Backward: no grad of that Backward
        assert w.inspector.grad_label.text() == "— (the output does not depend on it)"
        w.select([a])
        w.undo_stack.undo()  # the node goes, the value stays: still stale
        assert "the graph changed" in w.inspector.grad_label.text()
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()
