"""The main window driven with real events: palette, inspector, Backward, undo, files."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton

from playground.graph import io
from playground.ui.inspector.number_field import readout, rounded_array
from playground.ui.window.palette import NODE_MIME
from tests.ui.window_helpers import by_label, install_dialogs, new_window, shown


@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini")
    yield w
    w.undo_stack.setClean()  # closing must not ask


# --- first screen ----------------------------------------------------------------------


def test_opens_with_the_neuron_after_backward(window):
    ids = by_label(window)
    assert {"x1", "w1", "x2", "w2", "b", "n", "o"} <= set(ids)
    assert shown(window, ids["o"], "data") == "0.7071"
    expected = {"x1": "-1.5000", "w1": "1.0000", "x2": "0.5000", "w2": "0.0000", "b": "0.5000"}
    for label, text in expected.items():
        assert shown(window, ids[label], "grad") == text, label
    assert window.scene.grads_stale is False
    assert "Neuron" in window.windowTitle()
    assert not window.isWindowModified()
    assert window.view.objectName() == "canvas"
    assert window.palette_dock.objectName() == "palette"
    assert window.inspector.objectName() == "inspector"
    # every node is on screen and its numbers are drawn large enough to read
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.nodes_rect())
    assert window.view.zoom() >= 0.75


def test_actions_have_names_shortcuts_and_tooltips(window):
    wanted = {
        "new", "open", "save", "save_as", "export_png", "export_svg", "export_dot",
        "export_python", "export_torch", "quit", "undo", "redo", "cut", "copy", "paste",
        "duplicate", "delete", "select_all", "fit", "zoom_in", "zoom_out", "auto_layout",
        "forward", "backward", "zero_grad", "auto_forward", "mark_output", "about",
        "show_palette", "show_inspector",
    }
    assert wanted <= set(window.actions_by_name)
    for name in wanted:
        action = window.action(name)
        assert action.objectName() == name
        assert action.toolTip(), name
    for name in ("new", "open", "save", "undo", "redo", "cut", "copy", "paste", "delete",
                 "select_all", "forward", "backward", "zero_grad", "auto_layout", "fit"):
        assert not window.action(name).shortcut().isEmpty(), name
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Graph", "Learn", "Help"]
    examples = window.examples_menu.actions()
    assert "example_neuron" in {a.objectName() for a in examples}


# --- palette -------------------------------------------------------------------------------


def drop_on_canvas(window, payload: bytes, at) -> None:
    """What a palette drag delivers to the canvas: enter, move and drop events with its MIME."""
    viewport = window.view.viewport()
    entry = window.palette_dock.entry(payload.decode())
    mime = window.palette_dock.tree.mimeData([entry])
    assert bytes(mime.data(NODE_MIME)) == payload
    pos = QPointF(at)
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(at, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(at, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(pos, action, mime, buttons, mods)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()


def test_drag_from_palette_creates_the_node_at_the_drop_point(window):
    before = set(window.doc.node_ids())
    at = window.view.viewport().rect().center() + window.view.viewport().rect().topLeft()
    at.setY(40)
    drop_on_canvas(window, b"op:tanh", at)
    (new,) = set(window.doc.node_ids()) - before
    assert window.doc.op_name(new) == "tanh"
    item = window.scene.node_item(new)
    centre = window.view.mapFromScene(item.mapToScene(item.body.center()))
    assert abs(centre.x() - at.x()) <= 2 and abs(centre.y() - at.y()) <= 2
    assert window.undo_stack.undoText() == "Add tanh"


def test_double_click_in_palette_adds_at_the_view_centre(window, qtbot):
    tree = window.palette_dock.tree
    entry = window.palette_dock.entry("value")
    tree.scrollToItem(entry)
    rect = tree.visualItemRect(entry)
    before = set(window.doc.node_ids())
    # a real double-click: press, release, then the double-click press and release
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (new,) = set(window.doc.node_ids()) - before
    assert window.doc.kind(new) == "value"
    item = window.scene.node_item(new)
    centre = item.mapToScene(item.body.center())
    view_centre = window.view.mapToScene(window.view.viewport().rect().center())
    # the middle of the view, or the nearest spot where it hides no other node's numbers
    others = [window.scene.node_item(n).sceneBoundingRect() for n in before]
    assert not any(item.sceneBoundingRect().intersects(r) for r in others)
    assert (centre - view_centre).manhattanLength() <= 400
    assert window.scene.selected_node_ids() == [new]
    assert window.inspector.node == new


def test_added_nodes_go_to_the_centre_and_never_on_top_of_another(window):
    window.files.new()
    view_centre = window.view.mapToScene(window.view.viewport().rect().center())
    first = window.edits.add_at_centre("value")
    item = window.scene.node_item(first)
    assert (item.mapToScene(item.body.center()) - view_centre).manhattanLength() <= 3
    added = [first] + [window.edits.add_at_centre(p) for p in ("value", "op:mul", "op:tanh")]
    rects = [window.scene.node_item(n).sceneBoundingRect() for n in added]
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[i + 1:])


def test_palette_lists_every_op_and_filters(window, qtbot):
    from playground.ops import OPS

    palette = window.palette_dock
    assert palette.visible_payloads() == ["value"] + [f"op:{n}" for n in OPS]
    for name, op in OPS.items():
        entry = palette.entry(f"op:{name}")
        assert op.description in entry.toolTip(0)
    palette.filter.setFocus()
    QTest.keyClicks(palette.filter, "tan")
    assert palette.visible_payloads() == ["op:tanh"]
    before = set(window.doc.node_ids())
    QTest.keyClick(palette.filter, Qt.Key.Key_Return)
    (added,) = set(window.doc.node_ids()) - before
    assert window.doc.op_name(added) == "tanh"
    palette.filter.clear()
    assert len(palette.visible_payloads()) == len(OPS) + 1
    # a description matches at a word's start: "power" finds pow and powc, by what they do
    QTest.keyClicks(palette.filter, "power")
    assert palette.visible_payloads() == ["op:pow", "op:powc"]


# --- inspector, Backward, stale grads, undo --------------------------------------------------


def type_value(window, qtbot, node_id: str, text: str) -> None:
    window.select([node_id])
    edit = window.inspector.value_edit
    assert edit.isVisible()
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def test_edit_value_backward_and_undo_the_whole_sequence(window, qtbot):
    ids = by_label(window)
    start = window.doc.to_data()
    assert window.undo_stack.count() == 0

    # 1. edit x2 = 1: forward reruns at once, grads turn stale (greyed)
    type_value(window, qtbot, ids["x2"], "1")
    assert window.doc.value(ids["x2"]) == 1.0
    assert window.undo_stack.undoText() == "Edit value of x2"
    n = 2 * -3 + 1 * 1 + 6.881373587019543
    assert shown(window, ids["n"], "data") == f"{n:.4f}"
    assert shown(window, ids["o"], "data") == f"{math.tanh(n):.4f}"
    assert window.scene.grads_stale is True
    assert window.isWindowModified()
    assert not window.inspector.grad_label.isEnabled()  # greyed in the inspector too
    assert "stale" in window.inspector.grad_label.text()

    # 2. Backward from the toolbar button
    button = window.toolbar.widgetForAction(window.action("backward"))
    assert isinstance(button, QToolButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.scene.grads_stale is False
    dn = 1 - math.tanh(n) ** 2
    assert shown(window, ids["w2"], "grad") == f"{dn * 1.0:.4f}"   # do/dw2 = x2 * dn
    assert shown(window, ids["x1"], "grad") == f"{dn * -3.0:.4f}"
    assert window.inspector.grad_label.isEnabled()
    # x2 selected: do/dx2 = w2*dn, to 12 digits (inspector.readout), exact in the tooltip
    assert window.inspector.grad_label.text() == readout(dn * 1.0)
    assert repr(dn * 1.0) in window.inspector.grad_label.label.toolTip()

    # 3. rename and mark as output through the inspector
    window.select([ids["n"]])
    label = window.inspector.label_edit
    label.setFocus()
    label.selectAll()
    QTest.keyClicks(label, "sum")
    QTest.keyClick(label, Qt.Key.Key_Return)
    assert window.doc.label(ids["n"]) == "sum"
    QTest.mouseClick(window.inspector.output_check, Qt.MouseButton.LeftButton)
    assert window.doc.marked_output == ids["n"]
    after = window.doc.to_data()
    steps = window.undo_stack.count()
    assert steps == 3

    # undo everything, then redo everything
    for _ in range(steps):
        window.action("undo").trigger()
    assert window.doc.to_data() == start
    assert not window.isWindowModified()
    assert shown(window, ids["o"], "data") == "0.7071"
    for _ in range(steps):
        window.action("redo").trigger()
    assert window.doc.to_data() == after
    assert window.isWindowModified()


def test_bad_value_text_shows_an_error_and_changes_nothing(window, qtbot):
    ids = by_label(window)
    before = window.doc.to_data()
    for text in ("[1, [2]]", "2 +", "__import__('os')", "True", "[]"):
        type_value(window, qtbot, ids["x1"], text)
        assert window.doc.to_data() == before, text
        assert window.undo_stack.count() == 0
        assert window.inspector.value_error.isVisible(), text
        assert window.inspector.value_error.text()
    type_value(window, qtbot, ids["x1"], "-2.5")
    assert window.doc.value(ids["x1"]) == -2.5
    assert not window.inspector.value_error.isVisible()


def test_tensor_literal_is_accepted(window, qtbot):
    ids = by_label(window)
    type_value(window, qtbot, ids["b"], "[[1, 2], [3, 4]]")
    assert window.doc.value(ids["b"]) == [[1.0, 2.0], [3.0, 4.0]]
    assert window.inspector.value_edit.text() == "[[1, 2], [3, 4]]"


def test_auto_forward_off_waits_for_forward(window, qtbot):
    ids = by_label(window)
    window.action("auto_forward").setChecked(False)
    type_value(window, qtbot, ids["b"], "0")
    assert shown(window, ids["o"], "data") == "0.7071"  # not recomputed yet
    assert "Forward" in window.statusBar().currentMessage()
    window.action("forward").trigger()
    assert shown(window, ids["o"], "data") == f"{math.tanh(-6.0):.4f}"
    window.action("auto_forward").setChecked(True)


def test_zero_grads(window):
    ids = by_label(window)
    window.action("zero_grad").trigger()
    assert shown(window, ids["x1"], "grad") == "0.0000"
    assert shown(window, ids["o"], "data") == "0.7071"
    window.action("backward").trigger()
    assert shown(window, ids["x1"], "grad") == "-1.5000"


def test_problems_go_to_the_status_bar_not_dialogs(window, dialogs):
    window.action("new").trigger()
    window.edits.add_at_centre("value")
    window.edits.add_at_centre("value")
    window.select([])  # a selected one of them would be taken as the output
    window.action("backward").trigger()
    message = window.statusBar().currentMessage()
    assert "no consumer" in message and "mark one as the output" in message
    assert window.output_choice.isVisible()  # a notice over the canvas, not a dialog
    tanh = window.edits.add_at_centre("op:tanh")
    window.action("forward").trigger()
    assert "tanh(?) needs its 'x' input" in window.statusBar().currentMessage()
    assert window.scene.node_item(tanh) is not None
    assert [k for k in dialogs.kinds() if k != "question"] == []


def test_mark_as_output_action(window):
    ids = by_label(window)
    window.select([ids["n"]])
    action = window.action("mark_output")
    assert action.isEnabled() and not action.isChecked()
    action.trigger()
    assert window.doc.marked_output == ids["n"]
    assert window.inspector.output_check.isChecked()
    window.action("backward").trigger()
    assert shown(window, ids["b"], "grad") == "1.0000"  # dn/db


# --- edit menu -----------------------------------------------------------------------------


def test_copy_paste_duplicate_cut_delete_select_all(window):
    ids = by_label(window)
    n0 = len(window.doc)
    window.select([ids["x1"], ids["w1"], ids["x1*w1"]])
    window.action("copy").trigger()
    window.action("paste").trigger()
    assert len(window.doc) == n0 + 3
    assert window.undo_stack.undoText() == "Paste 3 nodes"
    pasted = window.scene.selected_node_ids()
    assert len(pasted) == 3 and not set(pasted) & set(ids.values())
    assert len(window.doc.edges()) == 9 + 2  # the wires between the copies came along
    window.action("duplicate").trigger()
    assert len(window.doc) == n0 + 6
    window.action("cut").trigger()
    assert len(window.doc) == n0 + 3
    assert window.undo_stack.undoText().startswith("Cut")
    window.action("select_all").trigger()
    assert len(window.scene.selected_node_ids()) == n0 + 3
    window.action("delete").trigger()
    assert len(window.doc) == 0
    window.action("undo").trigger()
    assert len(window.doc) == n0 + 3


# --- files ---------------------------------------------------------------------------------


def test_save_and_reopen_through_the_file_actions(window, dialogs, tmp_path, qtbot):
    ids = by_label(window)
    type_value(window, qtbot, ids["x1"], "4")
    assert window.isWindowModified()
    target = tmp_path / "mine.json"
    dialogs.save_files.append(str(tmp_path / "mine"))  # the suffix is added
    window.action("save").trigger()  # an example has no path yet: Save asks where
    assert target.is_file()
    assert not window.isWindowModified()
    assert "mine.json" in window.windowTitle()
    saved = window.doc.to_data()
    assert io.load(target).to_data() == saved

    dialogs.answers.append(QMessageBox.StandardButton.Discard)
    window.action("new").trigger()
    assert len(window.doc) == 0
    dialogs.open_files.append(str(target))
    window.action("open").trigger()
    assert window.doc.to_data() == saved
    assert window.current_path == target
    assert not window.isWindowModified()
    assert shown(window, ids["x1"], "data") == "4.0000"

    # the file is now a recent file
    window.recent_menu.aboutToShow.emit()
    recent = [a for a in window.recent_menu.actions() if a.objectName().startswith("recent_")]
    assert recent and recent[0].toolTip() == str(target.resolve())

    # Save again writes to the same file, without asking
    type_value(window, qtbot, ids["x1"], "5")
    asked = dialogs.kinds().count("save_dialog")
    window.action("save").trigger()
    assert dialogs.kinds().count("save_dialog") == asked
    assert io.load(target).value(ids["x1"]) == 5.0


def test_corrupt_file_shows_the_error_and_keeps_the_document(window, dialogs, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-playground", "version": 1, "nodes": [}')
    before = window.doc.to_data()
    title = window.windowTitle()
    dialogs.open_files.append(str(bad))
    window.action("open").trigger()
    assert window.doc.to_data() == before
    assert window.windowTitle() == title
    (text,) = dialogs.texts("critical")
    assert "bad.json" in text and "not JSON" in text
    assert "not JSON" in window.statusBar().currentMessage()
    assert "question" not in dialogs.kinds()  # nothing was replaced, so nothing to ask


def test_unsaved_changes_prompt(window, dialogs, tmp_path, qtbot):
    ids = by_label(window)
    type_value(window, qtbot, ids["x1"], "7")
    edited = window.doc.to_data()

    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    window.action("new").trigger()
    assert window.doc.to_data() == edited  # cancelled

    dialogs.answers.append(QMessageBox.StandardButton.Save)
    dialogs.save_files.append(str(tmp_path / "kept.json"))
    window.action("new").trigger()
    assert (tmp_path / "kept.json").is_file()
    assert len(window.doc) == 0
    assert dialogs.kinds().count("question") == 2

    window.edits.add_at_centre("value")
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    assert window.close() is False
    assert window.isVisible()
    dialogs.answers.append(QMessageBox.StandardButton.Discard)
    assert window.close() is True


def test_modified_mark_follows_the_undo_stack(window, qtbot):
    assert not window.isWindowModified()
    window.edits.add_at_centre("op:exp")
    assert window.isWindowModified()
    window.action("undo").trigger()
    assert not window.isWindowModified()
    window.action("redo").trigger()
    assert window.isWindowModified()


def test_exports_write_files(window, dialogs, tmp_path):
    for kind, name in (("png", "g.png"), ("svg", "g.svg"), ("dot", "g.dot"),
                       ("python", "g.py"), ("torch", "g_torch.py")):
        dialogs.save_files.append(str(tmp_path / name))
        window.action(f"export_{kind}").trigger()
        out = tmp_path / name
        assert out.is_file() and out.stat().st_size > 0, kind
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "grad" in (tmp_path / "g.dot").read_text()
    assert "critical" not in dialogs.kinds()


def test_window_state_persists(qtbot, tmp_path, dialogs):
    settings_file = tmp_path / "persist.ini"
    first = new_window(qtbot, settings_file)
    first.inspector.hide()
    first.resize(720, 520)  # inside the offscreen screen (800 x 600)
    first.undo_stack.setClean()
    assert first.close()
    second = new_window(qtbot, settings_file, example=False, size=None)
    assert second.inspector.isHidden()
    assert (second.width(), second.height()) == (720, 520)
    second.inspector.show()


def test_inspector_shows_tensors_row_by_row(window, qtbot):
    window.files.open_example("tensor_layer", ask=False)
    window.action("backward").trigger()
    window.select(["W"])
    text = window.inspector.grad_label.text()
    caption, *rows = text.splitlines()
    assert caption == "3×2 tensor"
    assert len(rows) == 3  # one line per row, never wrapped
    grad = window.display.evaluation.results["W"].grad
    assert repr(float(rounded_array(grad)[0, 0])) in rows[0]  # 12 digits, as scalars


def test_own_colours_follow_a_dark_palette(window, qtbot):
    from PySide6.QtGui import QColor, QPalette

    ids = by_label(window)
    type_value(window, qtbot, ids["x1"], "oops")
    light = window.inspector.value_error.styleSheet()
    dark = QPalette(window.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    old = QApplication.palette()
    QApplication.setPalette(dark)
    try:
        # palette changes arrive as posted events
        qtbot.waitUntil(lambda: window.inspector.value_error.styleSheet() != light)
        icon = window.action("zero_grad").icon().pixmap(24, 24).toImage()
        inks = {icon.pixelColor(x, y).lightness() for x in range(24) for y in range(24)
                if icon.pixelColor(x, y).alpha() > 200}
        assert inks and max(inks) > 180  # drawn in the light text colour now
    finally:
        QApplication.setPalette(old)


def test_dragging_a_palette_entry_with_the_mouse_starts_a_copy_drag(window, monkeypatch):
    """Mouse press + move on the palette starts a QDrag carrying the node MIME; delivering it
    to the canvas adds the node (the drag's own event loop is replaced: it needs a real
    windowing system)."""
    from PySide6.QtGui import QDrag

    started = []

    def fake_exec(drag, *args):
        started.append((bytes(drag.mimeData().data(NODE_MIME)), drag.pixmap().isNull()))
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", fake_exec)
    tree = window.palette_dock.tree
    entry = window.palette_dock.entry("op:sigmoid")
    tree.scrollToItem(entry)
    start = tree.visualItemRect(entry).center()
    QTest.mousePress(tree.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for dx in (5, 15, 30, 60):
        QTest.mouseMove(tree.viewport(), start + QPoint(dx, 0))
    QTest.mouseRelease(tree.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(60, 0))
    assert started == [(b"op:sigmoid", False)]
    before = set(window.doc.node_ids())
    at = window.view.viewport().rect().center()
    drop_on_canvas(window, b"op:sigmoid", at)
    (new,) = set(window.doc.node_ids()) - before
    assert window.doc.op_name(new) == "sigmoid"


def test_a_refused_backward_leaves_the_same_stale_grad_on_the_card_and_in_the_inspector(
    window, qtbot
):
    ids = by_label(window)
    x1 = ids["x1"]
    before = shown(window, x1, "grad")  # the start example is back-propagated: do/dx1
    window.select([ids["n"]])
    window.edits.delete()  # o now waits for its input: Backward cannot run
    window.select([x1])
    QTest.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert "Backward did not run" in window.statusBar().currentMessage()
    assert shown(window, x1, "grad") == before  # the card keeps the old grad, grey
    assert window.scene.grads_stale is True
    assert window.inspector.grad_label.text().startswith(before)  # and so does the inspector
    assert "stale" in window.inspector.grad_label.text()
    assert not window.inspector.grad_label.isEnabled()
