"""Input-slot names never sit on a wire: a connected port's name shows only while the node is
hovered or selected (on a chip over the wires), an open port always says its name.

``b = a + a`` ran both wires right through "right"; the lecture's e -> d wire through "left".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.graph.layout import layered_layout
from playground.ui.canvas import slot_names
from tests.ui.window_helpers import by_label, new_window, view_point


def _hover(window, point: QPoint) -> None:
    """A mouse move with no button, sent to the viewport itself (QTest.mouseMove goes to
    whatever window is under that point of the offscreen screen: maybe another test's)."""
    vp = window.view.viewport()
    QApplication.sendEvent(vp, QMouseEvent(
        QEvent.Type.MouseMove, QPointF(point), QPointF(vp.mapToGlobal(point)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def test_connected_names_only_on_hover_open_names_always(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "s.ini", example=False)
    try:
        assert w.files.open_example("a_plus_a")
        w.view.fit_readable()
        b = w.scene.node_item(by_label(w)["b"])
        assert b.connected == {0, 1}
        assert slot_names.visible_slots(b, selected=False) == []  # no name on the wires

        _hover(w, view_point(w, b.node_id))
        qtbot.waitUntil(lambda: b.hovered)
        assert slot_names.visible_slots(b, selected=False) == [0, 1]
        w.view.viewport().grab().save(str(tmp_path / "hover.png"))
        _hover(w, QPoint(2, 2))  # away: gone again
        qtbot.waitUntil(lambda: not b.hovered)
        assert slot_names.visible_slots(b, selected=False) == []

        QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view_point(w, b.node_id))
        assert b.isSelected()
        assert slot_names.visible_slots(b, selected=True) == [0, 1]

        w.scene.clearSelection()
        _hover(w, QPoint(6, 30))
        qtbot.waitUntil(lambda: not b.hovered)
        w.editor.disconnect(b.node_id, 1)  # cut the wire into "right"
        assert slot_names.visible_slots(b, selected=False) == [1]
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()


def test_open_port_names_clear_the_column_to_the_left(qtbot, tmp_path, dialogs):
    """After Auto Layout, an open port's name stays off the nodes of the column before."""
    w = new_window(qtbot, tmp_path / "s.ini", example=False)
    try:
        doc = GraphDocument()
        ids = [doc.add_node("value", value=float(i), label=name)
               for i, name in enumerate(("base", "x", "y"))]
        p = doc.add_node("op", op="pow", label="p")
        s = doc.add_node("op", op="sub", label="s")
        doc.connect(ids[0], p, 0)  # exponent open
        doc.connect(ids[1], s, 0)  # right open
        doc.connect(p, s, 1)
        for n, xy in layered_layout(doc).items():
            doc.move(n, xy)
        w.files.install(doc, None, "open ports")
        items = [w.scene.node_item(n) for n in doc.node_ids()]
        for item in items:
            if item.kind != "op":
                continue
            for slot in slot_names.visible_slots(item, selected=False):
                rect = item.mapRectToScene(slot_names.name_rect(item, slot))
                others = [o for o in items if o is not item]
                assert not any(o.mapRectToScene(o.body).intersects(rect) for o in others)
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()
