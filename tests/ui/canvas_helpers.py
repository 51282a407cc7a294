"""Shared helpers for the canvas tests: documents built in code, real mouse gestures."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QUndoStack, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument


def lecture_doc() -> GraphDocument:
    """a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f (= -8), laid out like the example file."""
    doc = GraphDocument()
    for nid, label, value, pos in [
        ("a", "a", 2.0, (0, -50)),
        ("b", "b", -3.0, (0, 50)),
        ("c", "c", 10.0, (180, 50)),
        ("f", "f", -2.0, (360, 50)),
    ]:
        doc.add_node("value", label=label, value=value, pos=pos, node_id=nid)
    ops = [("e", "mul", (180, -50)), ("d", "add", (360, -50)), ("L", "mul", (540, 0))]
    for nid, op, pos in ops:
        doc.add_node("op", op=op, label=nid, pos=pos, node_id=nid)
    for s, t, k in [("a", "e", 0), ("b", "e", 1), ("e", "d", 0), ("c", "d", 1),
                    ("d", "L", 0), ("f", "L", 1)]:
        doc.connect(s, t, k)
    doc.set_output("L")
    return doc


def make_canvas(qtbot, doc: GraphDocument):
    from playground.ui.canvas import GraphScene, GraphView
    from playground.ui.editor import Editor

    editor = Editor(doc)
    stack = editor.stack
    scene = GraphScene(doc, editor)
    view = GraphView(scene)
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    qtbot.waitExposed(view)
    view.fit_all()
    view.reset_zoom()
    rect = scene.nodes_rect()
    view.centerOn(rect.center() if not rect.isEmpty() else QPointF(0, 0))
    return scene, view, stack


def vp_point(view, scene_pos: QPointF) -> QPoint:
    return view.mapFromScene(scene_pos)


def drag(view, p1: QPointF, p2: QPointF, *, steps: int = 8,
         button=Qt.MouseButton.LeftButton, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at scene point ``p1``, move in steps, release at ``p2`` (real mouse events)."""
    vp = view.viewport()
    a, b = vp_point(view, p1), vp_point(view, p2)
    QTest.mousePress(vp, button, modifiers, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(vp, a + (b - a) * (i / steps))
    QTest.mouseRelease(vp, button, modifiers, b)


def click(view, p: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifiers, vp_point(view, p))


def body_point(scene, node_id: str, fx: float = 0.5, fy: float = 0.2) -> QPointF:
    """A point on a node's card (default: in its header row, away from the ports)."""
    item = scene.node_item(node_id)
    b = item.body
    return item.mapToScene(QPointF(b.width() * fx, b.height() * fy))


def undo_texts(stack: QUndoStack) -> list[str]:
    return [stack.text(i) for i in range(stack.count())]


def number_point(scene, node_id: str) -> QPointF:
    """The middle of a value's data number, where a sideways drag changes it (scrub.py)."""
    item = scene.node_item(node_id)
    return item.mapToScene(item.scrub_zone().center())


def turn_wheel(view, at: QPoint, delta: int) -> None:
    """One notch (delta 120 = one click of a wheel) at ``at`` in viewport pixels."""
    vp = view.viewport()
    event = QWheelEvent(QPointF(at), QPointF(vp.mapToGlobal(at)), QPoint(), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)
