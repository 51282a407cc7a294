"""Messages in the window: the status bar elides, View ▸ Messages keeps them, and a refusal
made on the canvas is said there in a bubble (real mouse and key events)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from playground.ui.window.messages import KEEP, MessageLog
from tests.ui.window_helpers import by_label

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier

LONG = ("Backward did not run: o depends on n, whose input is missing, and the values a learner "
        "typed make tanh's argument very large and negative; press Forward to see every number "
        "again after fixing the wire that feeds n")


def drag(view, a: QPointF, b: QPointF, steps: int = 8) -> None:
    vp = view.viewport()
    p, q = view.mapFromScene(a), view.mapFromScene(b)
    QTest.mousePress(vp, LEFT, NONE, p)
    for i in range(1, steps + 1):
        QTest.mouseMove(vp, p + (q - p) * (i / steps))
    QTest.mouseRelease(vp, LEFT, NONE, q)


def double_click(view, at: QPointF) -> None:
    vp, p = view.viewport(), view.mapFromScene(at)
    QTest.mousePress(vp, LEFT, NONE, p)
    QTest.mouseRelease(vp, LEFT, NONE, p)
    QTest.mouseDClick(vp, LEFT, NONE, p)
    QTest.mouseRelease(vp, LEFT, NONE, p)


def test_a_long_status_text_is_elided_before_the_state_label(window, qtbot):
    bar = window.statusBar()
    window.show_status(LONG)
    qtbot.waitUntil(lambda: window.state_label.width() > 20)  # laid out
    state = window.state_label.geometry()
    rect = bar.message_rect()
    shown = bar.shown_message()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= rect.width()
    assert rect.right() < state.left() - 8  # a clear gap, not "…negativ(data up to date"
    assert bar.currentMessage() == LONG and bar.toolTip() == LONG  # the whole of it
    # The pixels between the message and the state label are the bar's own background.
    image = bar.grab().toImage()
    background = image.pixelColor(rect.right() + 4, bar.height() // 2)
    for x in range(rect.right() + 2, state.left() - 1):
        assert image.pixelColor(x, bar.height() // 2) == background
    window.show_status("short")
    assert bar.shown_message() == "short" and bar.toolTip() == ""


def test_view_messages_lists_the_refusals_newest_first(window, qtbot):
    scene, view = window.scene, window.view
    ids = by_label(window)
    view.reset_zoom()
    view.centerOn(scene.node_item(ids["n"]).sceneBoundingRect().center())
    # 1. A wire that would make a cycle: o's output onto the first input of n.
    port = scene.node_item(ids["n"]).input_anchor(0)
    drag(view, scene.node_item(ids["o"]).output_anchor(), port)
    cycle = scene.bubble.text
    assert "would make a cycle" in cycle
    tip = scene.bubble.scenePos()
    assert abs(tip.x() - port.x()) < 1 and abs(tip.y() - port.y()) < 1
    # 2. A name another node has, typed on b's card.
    item = scene.node_item(ids["b"])
    view.centerOn(item.sceneBoundingRect().center())
    double_click(view, item.mapToScene(QPointF(item.body.width() / 2, 5)))
    QTest.keyClicks(view, "w1")
    QTest.keyClick(view, Qt.Key.Key_Return)
    clash = "w1 is already the name of another node: pick another name"
    assert scene.bubble.text == clash and window.doc.label(ids["b"]) == "b"
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert window.statusBar().currentMessage() == clash

    action = window.action("show_messages")
    assert action.text().replace("&", "") == "Messages"
    view_menu = window.menuBar().findChild(type(window.menuBar().actions()[0].menu()),
                                           "menu_view")
    assert action in view_menu.actions()
    action.trigger()
    dock = window.messages.dock
    qtbot.waitUntil(dock.isVisible)
    lines = [dock.list.item(i).text() for i in range(dock.list.count())]
    assert lines[0].endswith(f"✖ {clash}")
    assert any(line.endswith(f"✖ {cycle}") for line in lines[1:])
    assert lines.index(next(x for x in lines if cycle in x)) > 0  # older: further down
    dock.resize(700, 200)
    dock.grab().save("/tmp/15edit_messages.png")


def test_a_message_said_again_counts_up_and_the_log_keeps_the_newest():
    log = MessageLog()
    log.add("a value cannot depend on itself")
    log.add("a value cannot depend on itself")
    assert len(log.entries) == 1 and log.lines()[0].endswith("(×2)")
    for i in range(KEEP + 50):
        log.add(f"message {i}")
    assert len(log.entries) == KEEP
    assert log.entries[0].text == f"message {KEEP + 49}"
    assert log.entries[-1].text == "message 50"


def test_a_refusal_typed_in_the_inspector_stays_out_of_the_canvas(window, qtbot):
    """The bubble is for what the learner does on the canvas; the Inspector's own field is
    where they look when they type there (the status bar and the log still say it)."""
    ids = by_label(window)
    window.select([ids["b"]])
    edit = window.inspector.label_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    QTest.keyClicks(edit, "w1")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    clash = "w1 is already the name of another node: pick another name"
    assert window.doc.label(ids["b"]) == "b"
    assert window.statusBar().currentMessage() == clash
    assert window.scene.bubble is None
    assert window.messages.log.entries[0].text == clash


def test_a_refusal_while_the_canvas_has_the_keys_is_said_at_the_mouse(window, qtbot):
    scene, view = window.scene, window.view
    ids = by_label(window)
    item = scene.node_item(ids["b"])
    at = item.mapToScene(item.body.center())
    QTest.mouseClick(view.viewport(), LEFT, NONE, view.mapFromScene(at))  # focus, mouse there
    assert view.hasFocus()
    window.editor.set_label(ids["b"], "w1")  # as a canvas action asking the editor would
    assert scene.bubble is not None
    assert scene.bubble.text == "w1 is already the name of another node: pick another name"
    tip = scene.bubble.scenePos()
    assert abs(tip.x() - at.x()) < 1 and abs(tip.y() - at.y()) < 1
    assert window.messages.log.entries[0].refusal
