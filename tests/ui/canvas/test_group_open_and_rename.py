"""Opening and renaming a group card (scene_mouse.py, card_edit.py, Edit ▸ Rename's F2, the
Inspector's Name field) and what opening frames (view.py): real mouse clicks and keys on the
window, the document and the undo stack checked after each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.ui.canvas.group_card import OutsideCard
from playground.ui.window.shortcuts import shortcut_rows
from tests.ui.canvas.test_groups_on_canvas import (
    EXP_PART,
    double_click,
    group_exp_part,
    key,
    load,
)
from tests.ui.canvas_helpers import body_point, click, undo_texts

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def card_point(scene, gid: str, fx: float, fy: float) -> QPointF:
    return body_point(scene, gid, fx=fx, fy=fy)


@pytest.mark.parametrize("where", [(0.5, 0.1), (0.2, 0.05), (0.8, 0.5), (0.5, 0.9)],
                         ids=["title", "title's left end", "data row", "grad row"])
def test_a_double_click_anywhere_on_a_group_card_opens_it(window, where):
    gid = group_exp_part(window)
    scene, view = window.scene, window.view
    before = window.doc.to_data()
    double_click(view, card_point(scene, gid, *where))
    assert scene.scope == gid  # opened, as the How-to says
    assert scene.card_editor is None  # no rename field
    assert window.doc.to_data() == before and undo_texts(window.undo_stack) == [
        "Group 5 nodes as group1"]


def test_f2_renames_the_selected_group_card_and_esc_leaves_it(window):
    gid = group_exp_part(window)  # the new card is selected
    scene, view, doc = window.scene, window.view, window.doc
    view.setFocus()
    key(window, Qt.Key.Key_F2)
    editor = scene.card_editor
    assert editor is not None and editor.selectedText() == "group1"
    QTest.keyClicks(view, "zzz")
    key(window, Qt.Key.Key_Escape)
    assert scene.card_editor is None and doc.group_label(gid) == "group1"
    key(window, Qt.Key.Key_F2)
    QTest.keyClicks(view, "tanh")
    key(window, Qt.Key.Key_Return)
    assert doc.group_label(gid) == "tanh" and scene.node_item(gid).label == "tanh"
    assert undo_texts(window.undo_stack)[-1] == "Rename group group1 to tanh"
    assert scene.scope is None  # renamed, not opened
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.group_label(gid) == "group1"


def test_f2_renames_a_selected_node_in_place_too(window):
    load(window)
    scene, view, doc = window.scene, window.view, window.doc
    click(view, body_point(scene, "e", fy=0.6))
    key(window, Qt.Key.Key_F2)
    assert scene.card_editor is not None and scene.card_editor.selectedText() == "e"
    QTest.keyClicks(view, "exp2n")
    key(window, Qt.Key.Key_Return)
    assert doc.label("e") == "exp2n" and scene.node_item("e").display_lines()[1] == "exp2n"
    assert undo_texts(window.undo_stack) == ["Rename e to exp2n"]


def test_f2_with_none_or_several_cards_selected_says_what_to_do(window):
    load(window)
    scene, view = window.scene, window.view
    window.clear_selection()
    view.setFocus()
    key(window, Qt.Key.Key_F2)
    assert scene.card_editor is None
    assert window.statusBar().currentMessage().startswith("Select one card to rename it")
    click(view, body_point(scene, "e", fy=0.6))
    click(view, body_point(scene, "o", fy=0.6), CTRL)
    key(window, Qt.Key.Key_F2)
    assert scene.card_editor is None and window.undo_stack.count() == 0


def test_f2_far_out_puts_the_cursor_in_the_inspectors_name_field(window, qtbot):
    gid = group_exp_part(window)
    window.activateWindow()
    window.view.set_zoom(0.3)  # far form: the card's header is a few pixels high
    key(window, Qt.Key.Key_F2)
    field = window.inspector.group_panel.name_edit
    assert window.scene.card_editor is None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    assert field.selectedText() == "group1"
    QTest.keyClicks(field, "tanh")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.doc.group_label(gid) == "tanh"
    assert undo_texts(window.undo_stack)[-1] == "Rename group group1 to tanh"


def test_the_inspectors_name_field_renames_a_group_in_one_undo_step(window, qtbot):
    gid = group_exp_part(window)
    qtbot.waitUntil(lambda: window.inspector.group == gid, timeout=2000)
    field = window.inspector.group_panel.name_edit
    field.selectAll()
    QTest.keyClicks(field, "tanh")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.doc.group_label(gid) == "tanh"
    assert window.view.breadcrumb.parts() == ["Graph"]
    double_click(window.view, body_point(window.scene, gid, fy=0.1))
    assert window.view.breadcrumb.parts() == ["Graph", "▣ tanh"]


def test_rename_is_in_the_edit_menu_and_the_shortcuts_list_with_f2(window):
    rows = {(r.menu, r.command): r.keys for r in shortcut_rows(window)}
    assert rows[("Edit", "Rename")] == "F2"
    from playground.ui.inspector.words import GUIDE
    assert "double-click it to open it, F2 to rename it" in GUIDE


# --- what opening a group frames ----------------------------------------------------------


def open_in_canvas_of(window, qtbot, width: int, height: int) -> str:
    """The exp part grouped, the window sized so, then the group opened by a double-click."""
    gid = group_exp_part(window)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=2000)
    QApplication.processEvents()
    window.view.fit_all()
    double_click(window.view, body_point(window.scene, gid, fy=0.6))
    assert window.scene.scope == gid
    QApplication.processEvents()
    return gid


def on_screen(window, node_id: str):
    view = window.view
    return view.mapFromScene(window.scene.node_item(node_id).sceneBoundingRect()).boundingRect()


def test_opening_a_group_frames_its_outside_inputs_too_when_they_read_at_80_percent(
        window, qtbot):
    open_in_canvas_of(window, qtbot, 1700, 900)
    view, scene = window.view, window.scene
    outside = [n for n, i in scene.node_map.items() if isinstance(i, OutsideCard)]
    assert sorted(outside) == ["n", "one", "two"]
    vp = view.viewport().rect()
    assert view.zoom() >= 0.8
    for n in [*outside, *EXP_PART]:
        assert vp.contains(on_screen(window, n)), n
        assert not on_screen(window, n).intersects(view.breadcrumb.geometry()), n
    assert not view.minimap.isVisible()


def test_opening_a_group_in_a_small_canvas_stays_readable_at_its_output_end(window, qtbot):
    open_in_canvas_of(window, qtbot, 900, 600)
    view = window.view
    assert view.zoom() == pytest.approx(0.8)  # not shrunk past reading to show everything
    vp = view.viewport().rect()
    assert vp.contains(on_screen(window, "o"))  # the value leaving the group: Backward's end
    assert view.fit_mode == "readable"  # a resize fits again by the same rule
    window.resize(1700, 900)
    qtbot.waitUntil(lambda: view.viewport().width() > 1000, timeout=2000)
    QApplication.processEvents()
    vp = view.viewport().rect()
    assert all(vp.contains(on_screen(window, n)) for n in ("n", "one", "two", *EXP_PART))


def test_a_group_without_the_graphs_output_opens_at_the_card_whose_value_leaves_it(
        window, qtbot):
    load(window)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=2000)
    gid = window.editor.group(["xw", "n", "2n", "e"])  # o, the graph's output, stays outside
    assert gid is not None and window.doc.ports(gid).outputs == ("e",)
    window.view.fit_all()
    double_click(window.view, body_point(window.scene, gid, fy=0.6))
    QApplication.processEvents()
    view = window.view
    assert window.scene.scope == gid and view.zoom() == pytest.approx(0.8)
    assert view.viewport().rect().contains(on_screen(window, "e"))
