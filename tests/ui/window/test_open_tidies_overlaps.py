"""Opening a file whose nodes overlap: arranged as an undo step, so Ctrl+Z gives back the file's
positions, and the document counts as modified. Real files, File ▸ Open and real keys."""

from __future__ import annotations

import os
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.ui.window.file_actions import TIDY_TEXT
from tests.ui.window_helpers import new_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def overlapping_doc() -> GraphDocument:
    """a * b + c, every node at nearly the same spot (a file written for smaller cards)."""
    doc = GraphDocument()
    for i, (label, value) in enumerate((("a", 2.0), ("b", -3.0), ("c", 10.0))):
        doc.add_node("value", label=label, value=value, node_id=label, pos=(i * 5.0, i * 5.0))
    doc.add_node("op", op="mul", label="e", node_id="e", pos=(20.0, 10.0))
    doc.add_node("op", op="add", label="d", node_id="d", pos=(30.0, 0.0))
    doc.connect_all([("a", "e", 0), ("b", "e", 1), ("e", "d", 0), ("c", "d", 1)])
    return doc


def positions(doc: GraphDocument) -> dict[str, tuple[float, float]]:
    return {n: doc.pos(n) for n in doc.node_ids()}


def press(window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, key, modifier)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini", example=False)
    yield w
    w.training.shutdown()
    w.undo_stack.setClean()


def open_with_ctrl_o(window, dialogs, path) -> None:
    dialogs.open_files.append(str(path))
    press(window, Qt.Key.Key_O, CTRL)
    assert window.current_path == path


def test_overlapping_file_is_arranged_as_an_undo_step(window, dialogs, tmp_path, qtbot):
    path = tmp_path / "overlap.json"
    io.save(overlapping_doc(), path)
    in_file = positions(io.load(path))

    open_with_ctrl_o(window, dialogs, path)

    stack = window.undo_stack
    arranged = positions(window.doc)
    assert arranged != in_file
    assert stack.canUndo() and stack.undoText() == TIDY_TEXT and stack.count() == 1
    assert window.isWindowModified(), "what is shown is not what the file holds"
    assert window.windowTitle().startswith("overlap.json[*]")  # Qt shows [*] as "*"
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Opened {path}")
    assert "arranged with Auto Layout — Undo" in message and "restore" in message
    items = [window.scene.node_item(n).sceneBoundingRect() for n in window.doc.node_ids()]
    assert not any(a.intersects(b) for i, a in enumerate(items) for b in items[i + 1:])

    press(window, Qt.Key.Key_Z, CTRL)
    assert positions(window.doc) == in_file
    assert stack.isClean() and not window.isWindowModified()
    for n, pos in in_file.items():  # the canvas follows the document
        item_pos = window.scene.node_item(n).pos()
        assert (item_pos.x(), item_pos.y()) == pytest.approx(pos)

    press(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert positions(window.doc) == arranged and window.isWindowModified()

    press(window, Qt.Key.Key_S, CTRL)  # Save keeps the arranged positions; now it is clean
    assert positions(io.load(path)) == arranged
    assert stack.isClean() and not window.isWindowModified()
    assert window.doc.to_data() == io.load(path).to_data()


def test_a_file_without_overlaps_opens_clean_with_nothing_to_undo(window, dialogs, tmp_path):
    doc = overlapping_doc()
    for i, n in enumerate(doc.node_ids()):
        doc.move(n, (i * 400.0, 0.0))
    path = tmp_path / "apart.json"
    io.save(doc, path)
    open_with_ctrl_o(window, dialogs, path)
    assert positions(window.doc) == positions(doc)
    assert window.undo_stack.count() == 0 and not window.isWindowModified()
    assert window.statusBar().currentMessage() == f"Opened {path}"


def test_a_graph_the_app_makes_is_still_arranged_silently(window):
    """Lessons, the training network and show() have no file to differ from: no undo step."""
    assert window.files.install(overlapping_doc(), None, "made here") is True
    assert window.undo_stack.count() == 0 and window.undo_stack.isClean()
    assert positions(window.doc) != positions(overlapping_doc())


def test_opening_a_file_removes_an_old_leftover_of_a_killed_save(window, dialogs, tmp_path):
    path = tmp_path / "g.json"
    io.save(overlapping_doc(), path)
    stale = tmp_path / ".g.json.k1ll3d00.tmp"
    fresh = tmp_path / ".g.json.s4v1ng00.tmp"
    other = tmp_path / ".h.json.k1ll3d00.tmp"
    for p in (stale, fresh, other):
        p.write_text("{")
    then = time.time() - 600
    for p in (stale, other):
        os.utime(p, (then, then))
    open_with_ctrl_o(window, dialogs, path)
    assert not stale.exists() and fresh.exists() and other.exists()
