"""The Inspector while several cards are selected (selection_panel.py): their count in words,
Group and Delete buttons that are the window's own actions (one undo step each), a hint.
Real clicks on the canvas and on the buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.ui.canvas.group_card import GroupCard
from playground.ui.inspector.selection_panel import count_words
from tests.ui.canvas.test_groups_on_canvas import (
    EXP_PART,
    group_exp_part,
    key,
    load,
    select_by_clicks,
)
from tests.ui.canvas_helpers import body_point, click, undo_texts

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def title(window, qtbot, text: str) -> None:
    """Wait for the Inspector's title to say ``text`` (it follows the selection once per turn
    of the event loop)."""
    qtbot.waitUntil(lambda: text in window.inspector.title.text(), timeout=2000)


def test_five_selected_nodes_are_counted_with_group_and_delete_at_hand(window, qtbot):
    load(window)
    select_by_clicks(window, EXP_PART)
    title(window, qtbot, "5 nodes selected")
    insp = window.inspector
    panel = insp.selection_panel
    assert "Nothing selected" not in insp.title.text()
    assert panel.isVisible() and not insp.form_widget.isVisible()
    assert panel.group_button.text() == "Group (Ctrl+G)"
    assert panel.delete_button.text() == "Delete (Del)"
    assert panel.hint.isVisible() and "Ctrl+click" in panel.hint.text()
    window.clear_selection()
    title(window, qtbot, "Nothing selected")
    assert not panel.isVisible()


def test_the_group_button_groups_them_in_one_undo_step(window, qtbot):
    load(window)
    before = window.doc.to_data()
    select_by_clicks(window, EXP_PART)
    title(window, qtbot, "5 nodes selected")
    qtbot.mouseClick(window.inspector.selection_panel.group_button, LEFT)
    (gid,) = window.doc.groups()
    assert isinstance(window.scene.node_item(gid), GroupCard)
    assert undo_texts(window.undo_stack) == ["Group 5 nodes as group1"]
    qtbot.waitUntil(lambda: window.inspector.group == gid, timeout=2000)  # the new card's page
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.to_data() == before


def test_after_ungroup_the_five_nodes_left_selected_are_counted(window, qtbot):
    gid = group_exp_part(window)
    click(window.view, body_point(window.scene, gid, fy=0.6))
    key(window, Qt.Key.Key_G, CTRL | SHIFT)
    title(window, qtbot, "5 nodes selected")


def test_nodes_and_groups_are_counted_apart_and_delete_takes_them_all(window, qtbot):
    gid = group_exp_part(window)
    before = window.doc.to_data()
    view, scene = window.view, window.scene
    click(view, body_point(scene, gid, fy=0.6))
    for n in ("x", "w", "b"):
        click(view, body_point(scene, n, fy=0.6), CTRL)
    title(window, qtbot, "3 nodes and 1 group selected")
    steps = window.undo_stack.count()
    qtbot.mouseClick(window.inspector.selection_panel.delete_button, LEFT)
    assert not window.doc.groups() and "x" not in window.doc and "e" not in window.doc
    assert window.undo_stack.count() == steps + 1
    title(window, qtbot, "Nothing selected")
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.to_data() == before


def test_a_group_the_editor_refuses_is_said_and_changes_nothing(window, qtbot):
    load(window)
    before = window.doc.to_data()
    select_by_clicks(window, ["e", "e+1", "o"])  # e-1 sits between them
    title(window, qtbot, "3 nodes selected")
    qtbot.mouseClick(window.inspector.selection_panel.group_button, LEFT)
    assert window.editor.last_refusal.startswith("e-1 takes a value from the selection")
    assert window.statusBar().currentMessage().startswith("e-1 takes a value")
    assert window.doc.to_data() == before and window.undo_stack.count() == 0
    assert sorted(window.scene.selected_node_ids()) == ["e", "e+1", "o"]  # kept to fix


def test_count_words():
    assert count_words(5, 0) == "5 nodes"
    assert count_words(1, 1) == "1 node and 1 group"
    assert count_words(0, 2) == "2 groups"
    assert count_words(3, 1) == "3 nodes and 1 group"
