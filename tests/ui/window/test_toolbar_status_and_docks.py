"""The main window: a toolbar that stays put, a Backward that says what it
needs, status messages that follow the graph, docks and canvas at 1024x700, plain file errors,
the file's description only for its own graph, and graph actions off on the Training tab.

Real mouse and keyboard events where a learner would use them; real files on disk.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton

from playground.graph.document import GraphDocument
from playground.ui import commands as cmd
from tests.ui.canvas_helpers import drag, lecture_doc
from tests.ui.teach_helpers import press
from tests.ui.window_helpers import by_label, new_window, shown, view_point

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini", size=(1440, 900))
    w.activateWindow()
    w.view.setFocus()
    yield w
    w.training.shutdown()
    w.undo_stack.setClean()


def settle(qtbot, ms: int = 60) -> None:
    QApplication.processEvents()
    qtbot.wait(ms)
    QApplication.processEvents()


def unmarked_lecture() -> GraphDocument:
    """L = (a*b + c) * f with nothing marked: L is the output only because it is the sink."""
    doc = lecture_doc()
    doc.set_output(None)
    return doc


def click_node(window, node_id: str, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(window.view.viewport(), LEFT, modifiers, view_point(window, node_id))


def type_enter(widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def toolbar_buttons(window) -> dict[str, QToolButton]:
    bar = window.toolbar
    out = {}
    for act in bar.actions():
        button = bar.widgetForAction(act)
        if isinstance(button, QToolButton) and act.objectName():
            out[act.objectName()] = button
    return out


# --- 1. the toolbar stays put --------------------------------------------------------------


def test_toolbar_buttons_keep_their_place_while_undo_texts_change(window, qtbot):
    before = {n: b.geometry() for n, b in toolbar_buttons(window).items()}
    ids = by_label(window)
    click_node(window, ids["x1"])
    settle(qtbot, 10)
    type_enter(window.inspector.value_edit, "3.5")  # an undoable edit: "Edit value of x1"
    assert window.undo_stack.count() == 1
    press(window, Qt.Key.Key_Z, CTRL)  # undo it: Redo now has a text
    press(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot, 10)
    after = {n: b.geometry() for n, b in toolbar_buttons(window).items()}
    assert after == before
    undo, redo = window.action("undo"), window.action("redo")
    assert toolbar_buttons(window)["undo"].text() == "Undo"
    assert toolbar_buttons(window)["redo"].text() == "Redo"
    # the description is in the Edit menu's entry and the button's tooltip
    assert undo.text().replace("&", "") == "Undo Edit value of x1"
    assert undo.toolTip() == "Undo Edit value of x1 (Ctrl+Z)"
    assert redo.toolTip().startswith("Nothing to redo")


# --- 2. Backward with two nodes that could be the output -------------------------------------


def wired_tanh(window, source: str) -> str:
    """A second result: tanh(source), which nothing uses (a node with no wire at all does not
    compete with L for the output; see test_a_node_just_dropped_does_not_take_backward)."""
    tanh = window.edits.add_at_centre("op:tanh")
    window.undo_stack.push(cmd.Connect(window.doc, source, tanh, 0))
    return tanh


def two_sinks(window, qtbot) -> dict[str, str]:
    window.files.install(unmarked_lecture(), None, "lecture")
    ids = {window.doc.label(n) or n: n for n in window.doc.node_ids()}
    ids["tanh"] = wired_tanh(window, ids["a"])  # a second sink
    settle(qtbot, 10)
    return ids


def test_a_node_just_dropped_does_not_take_backward(window, qtbot):
    """A learner drops the next node (it is selected) and presses Ctrl+B: Backward runs from
    the finished result, not from the lone new node, and no notice asks."""
    window.files.install(unmarked_lecture(), None, "lecture")
    ids = by_label(window)
    stray = window.edits.add_at_centre("value")
    window.select([stray])
    settle(qtbot, 10)
    press(window, Qt.Key.Key_B, CTRL)
    assert not window.output_choice.isVisible()
    assert window.doc.marked_output is None  # nothing marked: L is the output by itself
    assert shown(window, ids["a"], "grad") == "6.0000"
    assert shown(window, ids["L"], "grad") == "1.0000"


def test_backward_starts_from_the_selected_one_of_two_sinks(window, qtbot):
    ids = two_sinks(window, qtbot)
    click_node(window, ids["L"])
    assert window.scene.selected_node_ids() == [ids["L"]]
    press(window, Qt.Key.Key_B, CTRL)
    assert window.doc.marked_output == ids["L"]  # an undo step: Ctrl+Z takes it back
    assert shown(window, ids["a"], "grad") == "6.0000"
    assert "Backward from L" in window.statusBar().currentMessage()
    assert not window.output_choice.isVisible()
    press(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.marked_output is None


def test_backward_asks_which_node_and_enter_takes_the_likeliest(window, qtbot):
    ids = two_sinks(window, qtbot)
    window.select([])
    press(window, Qt.Key.Key_B, CTRL)
    choice = window.output_choice
    assert choice.isVisible() and choice.candidates == [ids["L"], ids["tanh"]]
    assert [b.text() for b in choice.buttons] == ["Run backward from L",
                                                  "Run backward from tanh(a)"]
    assert QApplication.focusWidget() is choice.buttons[0]  # keyboard-ready
    # it sits over the canvas, clear of the toolbar and the docks
    assert window.view.geometry().contains(
        choice.geometry().translated(window.view.pos()).topLeft())
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not choice.isVisible()
    assert window.doc.marked_output == ids["L"]
    assert shown(window, ids["f"], "grad") == "4.0000"


def test_the_backward_notice_goes_with_esc_or_when_the_graph_no_longer_needs_it(window, qtbot):
    ids = two_sinks(window, qtbot)
    window.select([])
    press(window, Qt.Key.Key_B, CTRL)
    choice = window.output_choice
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not choice.isVisible() and QApplication.focusWidget() is window.view
    press(window, Qt.Key.Key_B, CTRL)
    assert choice.isVisible()
    click_node(window, ids["tanh"])
    press(window, Qt.Key.Key_Delete)  # the stray node goes: L is the only sink again
    settle(qtbot)
    assert not choice.isVisible()
    # a mouse click on a candidate button works as well
    tanh = wired_tanh(window, ids["b"])
    window.select([])
    press(window, Qt.Key.Key_B, CTRL)
    QTest.mouseClick(choice.buttons[1], LEFT)
    assert window.doc.marked_output == tanh and not choice.isVisible()


def test_inspector_shows_the_automatic_output_as_checked(window, qtbot):
    window.files.install(unmarked_lecture(), None, "lecture")
    ids = by_label(window)
    click_node(window, ids["L"])
    settle(qtbot, 10)
    check, note = window.inspector.output_check, window.inspector.output_note
    assert check.isChecked() and not check.isEnabled()
    assert note.isVisible() and "Automatic" in note.text()
    press(window, Qt.Key.Key_B, CTRL)
    assert "Backward starts here: dL/dL = 1." in window.inspector.meaning_label.text()
    assert check.isChecked()  # no contradiction with the sentence above it
    window.edits.add_at_centre("value")  # a second sink: L is no longer the automatic output
    window.select([ids["L"]])
    settle(qtbot, 10)
    assert not check.isChecked() and check.isEnabled() and not note.isVisible()
    QTest.mouseClick(check, LEFT, pos=QPoint(8, check.height() // 2))
    assert window.doc.marked_output == ids["L"]
    assert check.isChecked() and check.isEnabled() and not note.isVisible()


# --- 3. status messages follow the graph ------------------------------------------------------


def test_a_fixed_problem_leaves_the_status_bar(window, qtbot):
    doc = unmarked_lecture()
    doc.disconnect("e", 1)
    window.files.install(doc, None, "lecture")
    window.action("forward").trigger()
    assert window.statusBar().currentMessage() == "Forward: e needs its 'right' input"
    scene = window.scene
    drag(window.view, scene.node_item("b").output_anchor(), scene.node_item("e").input_anchor(1))
    settle(qtbot, 10)
    assert window.doc.input_of("e", 1) == "b"
    assert "needs" not in window.statusBar().currentMessage()
    # a node just dropped is being built, not a problem: the status bar keeps quiet; Forward
    # says what it waits for
    window.files.install(unmarked_lecture(), None, "lecture")
    window.edits.add_at_centre("op:tanh")
    settle(qtbot, 10)
    assert "needs" not in window.statusBar().currentMessage()
    assert "not connected" not in window.statusBar().currentMessage()
    window.action("forward").trigger()
    assert "tanh(?) needs its 'x' input" in window.statusBar().currentMessage()


# --- 4. 1024x700: docks, canvas, toolbar, colour key -------------------------------------------


def test_docks_keep_readable_widths_at_1024_and_get_them_back_at_1440(window, qtbot):
    palette, inspector = window.palette_dock, window.inspector
    window.resize(1024, 700)
    settle(qtbot)
    window.teaching.open_lesson("derivative")  # the Learn dock at the bottom
    settle(qtbot)
    window.training.show()  # the Training tab hides the docks ...
    settle(qtbot)
    window.training.show_canvas()  # ... and brings them back
    settle(qtbot)
    assert window.width() == 1024  # the hidden training panel does not widen the window
    tree = palette.tree
    assert palette.width() >= palette.readable_width()
    assert tree.viewport().width() >= tree.sizeHintForColumn(0)  # no entry is cut
    assert not tree.horizontalScrollBar().isVisible()
    assert inspector.width() >= 260
    window.resize(1440, 900)
    settle(qtbot)
    assert palette.width() >= 190 and inspector.width() >= 280


def test_a_fitted_canvas_stays_fitted_on_resize_until_the_learner_zooms(window, qtbot):
    small = lecture_doc()
    for node in ("c", "d", "f", "L"):
        small.remove_node(node)  # a, b, e = a*b: fits whole even on a small canvas
    window.files.install(small, None, "small")
    settle(qtbot)
    view = window.view

    def all_seen() -> bool:
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        return seen.contains(view.graph_scene.nodes_rect())

    def view_state():
        return (round(view.zoom(), 6), view.mapToScene(view.viewport().rect().center()))

    assert all_seen()
    window.resize(1024, 700)
    settle(qtbot)
    assert all_seen()  # fitted again to the smaller canvas
    # a graph too wide to read whole: shown as opening it would show it, from its output end
    window.files.install(unmarked_lecture(), None, "lecture")
    window.resize(1440, 900)
    settle(qtbot)
    window.resize(1024, 700)
    settle(qtbot)
    shown_now = view_state()
    view.fit_readable()
    assert view_state() == shown_now
    press(window, Qt.Key.Key_Plus, CTRL)
    press(window, Qt.Key.Key_Plus, CTRL)
    zoom = view.zoom()
    window.resize(1100, 760)
    settle(qtbot)
    assert view.zoom() == pytest.approx(zoom)  # the learner's zoom is kept


def test_every_toolbar_button_stays_in_view_when_narrow(window, qtbot):
    buttons = toolbar_buttons(window)
    assert all(b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
               for b in buttons.values())
    for width in (1024, 900):
        window.resize(width, 700)
        settle(qtbot)
        bar = window.toolbar
        assert bar.sizeHint().width() <= bar.width(), width
        for name, button in buttons.items():
            assert button.isVisible(), (width, name)  # nothing behind »
        # the main actions keep their words
        assert buttons["backward"].toolButtonStyle() == (
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        assert buttons["open"].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    window.resize(1440, 900)
    settle(qtbot)
    assert buttons["open"].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon


def test_a_window_opened_at_1024_shows_every_toolbar_button(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "narrow.ini", size=(1024, 700))
    settle(qtbot)
    buttons = toolbar_buttons(w)
    assert all(b.isVisible() for b in buttons.values())
    assert buttons["forward"].toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    w.training.shutdown()


def test_the_colour_key_folds_while_nodes_lie_under_it(window, qtbot):
    window.files.install(unmarked_lecture(), None, "lecture")
    settle(qtbot)
    legend, view = window.view.legend, window.view
    assert legend.is_expanded()
    key = legend.geometry()
    for n in window.doc.node_ids():  # the fit left room for the whole key
        assert not view.mapFromScene(view.graph_scene.node_item(n).sceneBoundingRect()) \
            .boundingRect().intersects(key)
    # pan (middle button) until node a sits where the key is
    vp = view.viewport()
    start = view_point(window, "a")
    target = QPoint(key.left() + 40, key.top() + 20)
    QTest.mousePress(vp, Qt.MouseButton.MiddleButton, pos=start)
    for i in range(1, 9):
        QTest.mouseMove(vp, start + (target - start) * (i / 8))
    QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, pos=target)
    settle(qtbot)
    assert not legend.is_expanded()
    assert view.fit_mode is None  # panned: resizes keep this view
    press(window, Qt.Key.Key_F)  # fit again: room for the key, which unfolds
    settle(qtbot)
    assert legend.is_expanded()


# --- 5. files that cannot be opened ---------------------------------------------------------


@pytest.mark.parametrize("content, detail", [
    (b"\xb8\x00 not a graph", "not UTF-8 text: byte 0xb8"),
    (b'{"format": "backprop-playground" "version": 1}', "Expecting ',' delimiter"),
])
def test_a_damaged_file_gets_a_plain_first_line(window, dialogs, tmp_path, content, detail):
    path = tmp_path / "bad.bpg"
    path.write_bytes(content)
    dialogs.open_files.append(str(path))
    press(window, Qt.Key.Key_O, CTRL)
    (text,) = dialogs.texts("critical")
    plain = text.split("</p>")[0]
    assert "This file is not a Backprop Playground graph, or it is damaged." in plain
    assert detail not in plain and detail in text  # the loader's words, as details
    assert "bad.bpg" in text and "unchanged" in text
    assert "o" in by_label(window)  # the neuron is still open


def test_a_missing_file_says_so(window, dialogs, tmp_path):
    assert not window.files.open_path(tmp_path / "gone.json")
    (text,) = dialogs.texts("critical")
    assert "not found" in text.split("</p>")[0]


def test_the_open_dialog_offers_json_and_all_files(window, monkeypatch):
    seen = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (seen.append(a[3]), ("", ""))[1])
    press(window, Qt.Key.Key_O, CTRL)
    (filters,) = seen
    assert "*.json" in filters.split(";;")[0] and filters.split(";;")[-1] == "All files (*)"


# --- 6. the file's description belongs to its graph -----------------------------------------


def test_a_graph_built_from_an_expression_drops_the_examples_description(window, qtbot,
                                                                          tmp_path):
    inspector = window.inspector
    window.select([])
    assert "One tanh neuron" in inspector.title.text()  # the neuron example's description
    window.teaching.show_tab("expression")
    panel = window.teaching.panels["expression"]
    panel.set_text("a = 2\nb = -3\nL = a * b")
    QTest.mouseClick(panel.build_button, LEFT)
    assert window.doc.label(window.doc.output_node()) == "L"
    settle(qtbot, 10)
    window.select([])
    assert "One tanh neuron" not in inspector.title.text()
    assert "Nothing selected" in inspector.title.text()
    out = tmp_path / "mine.json"
    assert window.files._write(out)
    saved = json.loads(out.read_text())
    assert "description" not in saved and "title" not in saved
    press(window, Qt.Key.Key_Z, CTRL)  # back to the neuron: its description comes back
    settle(qtbot, 10)
    assert "One tanh neuron" in inspector.title.text()


# --- 8. the Training tab switches the graph's actions off -----------------------------------


def test_graph_actions_are_off_on_the_training_tab(window, qtbot):
    ids = by_label(window)
    window.select([ids["x1"]])
    press(window, Qt.Key.Key_Delete)  # something to undo
    assert ids["x1"] not in window.doc
    names = ("forward", "backward", "zero_grad", "auto_layout", "fit", "delete", "undo",
             "step_forward", "step_backward")
    window.training.show()
    settle(qtbot, 10)
    assert not any(window.action(n).isEnabled() for n in names)
    n = len(window.doc)
    QTest.keyClick(window.training.panel, Qt.Key.Key_Z, CTRL)  # no hidden undo
    assert len(window.doc) == n
    window.training.show_canvas()
    settle(qtbot, 10)
    assert all(window.action(n).isEnabled() for n in names)
    assert not window.action("redo").isEnabled()  # nothing to redo: still off
    press(window, Qt.Key.Key_Z, CTRL)
    assert ids["x1"] in window.doc


def test_recovered_changes_keep_the_files_description(window, qtbot, tmp_path):

    window.files.install(unmarked_lecture(), None, "lecture.json",
                         {"title": "Lecture", "description": "The lecture's graph."})
    edited = unmarked_lecture()
    edited.add_node("value", label="extra", value=1.0, pos=(0.0, 300.0))
    # as autosave.recover does
    window.editor.replace_document(edited, "Recover autosaved changes", recovery=True)
    settle(qtbot, 10)
    window.select([])
    assert "The lecture's graph." in window.inspector.title.text()
    out = tmp_path / "recovered.json"
    assert window.files._write(out)
    assert json.loads(out.read_text())["description"] == "The lecture's graph."
