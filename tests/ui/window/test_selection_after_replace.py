"""A new document starts with nothing selected (UX review item 2).

The selection used to be kept by node id: after clicking ``a`` in one graph and opening an
example that also has an ``a``, the example's ``a`` came up selected and the inspector showed
it instead of the example's explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.graph import io
from playground.graph.expr import parse
from tests.ui.window_helpers import by_label, view_point

LEFT = Qt.MouseButton.LeftButton


def _click_a(window) -> str:
    """Click the card named ``a`` (a real click on the canvas); its id."""
    a = by_label(window)["a"]
    window.view.ensure_node_visible(a)
    QTest.mouseClick(window.view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier,
                     view_point(window, a))
    window.sync_selection()
    assert window.scene.selected_node_ids() == [a]
    assert window.inspector.node == a
    return a


def _file_with_the_same_ids(window, tmp_path: Path) -> Path:
    """A file whose nodes reuse the open graph's ids, ``a`` among them."""
    path = tmp_path / "same_ids.json"
    io.save(window.doc, path, title="Same ids",
            description="A file that reuses the ids of the graph before.")
    return path


def _open_file(window, tmp_path: Path) -> None:
    assert window.files.open_path(_file_with_the_same_ids(window, tmp_path))


def _open_example(window, tmp_path: Path) -> None:
    assert window.files.open_example("a_plus_a")


def _new(window, tmp_path: Path) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.doc.node_ids() == []


def _lesson(window, tmp_path: Path) -> None:
    assert window.teaching.open_lesson("plus_times")  # it selects its own node, e


def _recovered(window, tmp_path: Path) -> None:
    # crash recovery (and the expression builder) replace the graph as one undo step
    doc = parse("a = 1.0\nb = 2.0\nL = a*b")
    assert window.editor.replace_document(doc, "Recover autosaved changes", recovery=True)


@pytest.mark.parametrize("replace", [_open_file, _open_example, _new, _lesson, _recovered],
                         ids=["open", "example", "new", "lesson", "recovery"])
def test_a_replaced_document_starts_with_nothing_selected(
        window, qtbot, tmp_path, dialogs, replace: Callable):
    assert window.files.open_example("lecture")
    a = _click_a(window)
    replace(window, tmp_path)
    qtbot.wait(10)  # the selection is followed once per event-loop turn
    # nothing, or the one node a lesson points at itself
    chosen = [by_label(window)["e"]] if replace is _lesson else []
    assert window.scene.selected_node_ids() == chosen
    assert window.inspector.node == (chosen[0] if chosen else None)
    if a in window.doc:
        item = window.scene.node_item(a)
        assert item is None or not item.isSelected()


def test_an_opened_example_shows_its_explanation_not_the_node_clicked_before(
        window, qtbot, dialogs):
    assert window.files.open_example("lecture")
    _click_a(window)
    assert window.files.open_example("a_plus_a")
    qtbot.wait(10)
    title = window.inspector.title.text()
    assert "Nothing selected" in title
    assert window.files.extras["title"] in title
