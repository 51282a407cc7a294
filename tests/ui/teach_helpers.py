"""Shared set-up for the teaching-tool UI tests (window with the Learn dock)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from tests.ui.window_helpers import by_label, install_dialogs, new_window, shown

__all__ = [
    "by_label", "click", "click_node", "inspector_grad", "open_example", "press", "shown",
    "teach_window",
]


def teach_window(qtbot, tmp_path, monkeypatch) -> Iterator:
    """For a fixture: a main window (neuron example loaded), dialogs replaced by recorders."""
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini")
    w.activateWindow()
    w.view.setFocus()
    yield w
    w.teaching.steps.pause()
    w.undo_stack.setClean()  # closing must not ask


def open_example(window, name: str) -> None:
    assert window.files.open_example(name, ask=False)


def press(window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press on the canvas, as a user with the canvas focused (window shortcuts)."""
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifier)


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def click_node(window, qtbot, node_id: str) -> None:
    """Select a node the way a user does: a left click on its card (scrolled into view)."""
    from tests.ui.window_helpers import view_point

    qtbot.wait(10)  # let a pending fit (the Learn dock just opened) run first
    window.view.ensureVisible(window.scene.node_item(node_id))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view_point(window, node_id))
    qtbot.waitUntil(lambda: window.inspector.node == node_id, timeout=2000)


def inspector_grad(window) -> str:
    """The grad row of the inspector, as the user reads it."""
    return window.inspector.grad_label.text()


def double_click_card(w, node_id: str) -> None:
    """A real double-click on ``node_id``'s card (a group card opens), below its title."""
    item = w.scene.node_item(node_id)
    w.view.ensureVisible(item)
    p = w.view.mapFromScene(item.mapToScene(QPointF(item.body.width() / 2,
                                                    item.body.height() * 0.6)))
    vp = w.view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(vp, left, none, p)
    QTest.mouseRelease(vp, left, none, p)
    QTest.mouseDClick(vp, left, none, p)
    QTest.mouseRelease(vp, left, none, p)
