"""A learner's first session, start to finish, with real mouse and keyboard events only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.canvas_helpers import drag
from tests.ui.window_helpers import install_dialogs, new_window, shown


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini", example=False)
    yield w
    w.undo_stack.setClean()


def palette_drop(window, payload: str, at: QPoint) -> str:
    """Drag a palette entry to viewport point ``at``: the palette's own MIME data, real events."""
    before = set(window.doc.node_ids())
    mime = window.palette_dock.tree.mimeData([window.palette_dock.entry(payload)])
    vp = window.view.viewport()
    copy, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(vp, QDragEnterEvent(at, copy, mime, left, none))
    QApplication.sendEvent(vp, QDragMoveEvent(at, copy, mime, left, none))
    QApplication.sendEvent(vp, QDropEvent(QPointF(at), copy, mime, left, none))
    (new,) = set(window.doc.node_ids()) - before
    return new


def wire(window, source: str, target: str, slot: int) -> None:
    scene = window.scene
    start = scene.node_item(source).output_anchor()
    end = scene.node_item(target).input_anchor(slot)
    drag(window.view, start, end)


def type_into(widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def test_build_wire_edit_backward_then_undo_and_redo_everything(window, qtbot):
    window.action("new").trigger()
    assert len(window.doc) == 0
    window.view.reset_zoom()
    window.view.centerOn(0, 0)
    vp = window.view.viewport().rect()
    cx, cy = vp.center().x(), vp.center().y()

    a = palette_drop(window, "value", QPoint(cx - 260, cy - 80))
    b = palette_drop(window, "value", QPoint(cx - 260, cy + 80))
    mul = palette_drop(window, "op:mul", QPoint(cx + 60, cy))
    assert window.doc.op_name(mul) == "mul"

    wire(window, a, mul, 0)
    wire(window, b, mul, 1)
    assert window.doc.inputs(mul) == [a, b]

    window.select([a])
    type_into(window.inspector.value_edit, "2")
    window.select([b])
    type_into(window.inspector.value_edit, "-3")
    window.select([mul])
    type_into(window.inspector.label_edit, "L")
    assert shown(window, mul, "data") == "-6.0000"
    assert shown(window, a, "grad") == "—"  # no Backward yet

    button = window.toolbar.widgetForAction(window.action("backward"))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert shown(window, a, "grad") == "-3.0000"   # dL/da = b
    assert shown(window, b, "grad") == "2.0000"    # dL/db = a
    assert shown(window, mul, "grad") == "1.0000"
    assert window.statusBar().currentMessage().startswith("Backward from L")

    final = window.doc.to_data()
    names = [window.undo_stack.text(i) for i in range(window.undo_stack.count())]
    assert names[:3] == ["Add value a", "Add value b", "Add * (mul)"]
    assert names[3].startswith("Connect a → ") and names[4].startswith("Connect b → ")
    assert names[5:] == ["Edit value of a", "Edit value of b", "Rename a*b to L"]

    while window.undo_stack.canUndo():
        window.action("undo").trigger()
    assert len(window.doc) == 0
    assert not window.isWindowModified()
    while window.undo_stack.canRedo():
        window.action("redo").trigger()
    assert window.doc.to_data() == final
    assert shown(window, mul, "data") == "-6.0000"
    # redo re-created the very graph Backward ran on: its grads are right again, not stale
    assert not window.scene.grads_stale
    assert shown(window, a, "grad") == "-3.0000"
    window.action("undo").trigger()  # one step back (the rename: no number changes)...
    assert not window.scene.grads_stale
    window.action("undo").trigger()  # ...b's value: now they are stale
    assert window.scene.grads_stale
    window.action("backward").trigger()
    assert not window.scene.grads_stale


def test_wire_refusal_is_explained_in_the_status_bar(window):
    window.action("new").trigger()
    window.view.reset_zoom()
    window.view.centerOn(0, 0)
    vp = window.view.viewport().rect()
    cx, cy = vp.center().x(), vp.center().y()
    t1 = palette_drop(window, "op:tanh", QPoint(cx - 200, cy))
    t2 = palette_drop(window, "op:tanh", QPoint(cx + 120, cy))
    wire(window, t1, t2, 0)
    assert window.doc.inputs(t2) == [t1]
    steps = window.undo_stack.count()
    wire(window, t2, t1, 0)  # would close a loop
    assert window.doc.inputs(t1) == [None]
    assert window.undo_stack.count() == steps
    assert "cycle" in window.statusBar().currentMessage()


def test_tab_search_adds_a_node(window, qtbot):
    window.action("new").trigger()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()  # the canvas's search box
    assert focus is not None and focus is not window.view
    QTest.keyClicks(focus, "tanh")
    QTest.keyClick(focus, Qt.Key.Key_Return)
    ops = [window.doc.op_name(n) for n in window.doc.node_ids()]
    assert ops == ["tanh"]
