"""Painted data in the main window: Ctrl+Z, Edit ▸ Undo and the toolbar's Undo on the Training
tab undo painting (not the graph), and the painted set comes back with the app's session (the
window's settings file)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from playground.ui.training.tab import SESSION_KEY
from tests.ui.teach_helpers import press
from tests.ui.training.test_paint import LEFT_SIDE, RIGHT, RIGHT_SIDE, click_preview, paint_mode
from tests.ui.window_helpers import by_label, new_window

CTRL = Qt.KeyboardModifier.ControlModifier


def open_panel(qtbot, window):
    window.action("show_training").trigger()
    qtbot.waitUntil(lambda: window.training.is_current())
    return window.training.panel


def test_ctrl_z_on_the_training_tab_undoes_painting_and_leaves_the_graph_alone(qtbot, window):
    graph_edits = window.undo_stack.count()
    doc_before = window.doc.to_data()
    panel = open_panel(qtbot, window)
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    click_preview(qtbot, preview, RIGHT_SIDE[:1], RIGHT)
    assert len(panel.form.painted) == 3
    panel.form.data.preview.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert len(panel.form.painted) == 2
    assert window.undo_stack.count() == graph_edits and window.doc.to_data() == doc_before
    assert window.undo_stack.isClean()  # painting never marks the graph as changed
    # back on the Graph tab, Ctrl+Z is the graph's again, and painting's keys are asleep
    window.training.show_canvas()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert len(panel.form.painted) == 2


def click_edit_menu(qtbot, window, name: str) -> None:
    """Open the Edit menu and click its entry ``name`` with the mouse, as a learner does."""
    menu = window.findChild(QMenu, "menu_edit")
    action = window.action(name)
    menu.popup(window.mapToGlobal(QPoint(20, 20)))
    qtbot.waitExposed(menu)
    assert action.isEnabled(), f"Edit ▸ {action.text()} is off"
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible())


def click_toolbar(qtbot, window, name: str) -> None:
    button = window.toolbar.widgetForAction(window.action(name))
    assert button.isEnabled(), f"the toolbar's {name} button is off"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def menu_text(window, name: str) -> str:
    return window.action(name).text().replace("&", "")


def test_edit_undo_and_the_toolbar_undo_painting_on_the_training_tab_and_the_graph_elsewhere(
        qtbot, window):
    ids = by_label(window)
    window.select([ids["x1"]])
    press(window, Qt.Key.Key_Delete)  # a graph edit to undo later
    assert ids["x1"] not in window.doc
    graph_edits, doc_before = window.undo_stack.count(), window.doc.to_data()
    panel = open_panel(qtbot, window)
    preview = paint_mode(qtbot, panel)
    assert not window.action("undo").isEnabled()  # nothing painted yet: nothing to undo here
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    assert len(panel.form.painted) == 2
    # the Edit menu says what it will undo: the last point, not the graph's Delete
    assert menu_text(window, "undo") == "Undo Add a class 0 point"
    assert window.action("undo").toolTip() == "Undo Add a class 0 point (Ctrl+Z)"
    click_edit_menu(qtbot, window, "undo")
    assert len(panel.form.painted) == 1
    click_toolbar(qtbot, window, "undo")
    assert len(panel.form.painted) == 0
    assert menu_text(window, "redo") == "Redo Add a class 0 point"
    click_toolbar(qtbot, window, "redo")
    assert len(panel.form.painted) == 1
    assert panel.form.paint_tools.undo.text() == "Undo Add a class 0 point"  # the panel's too
    assert window.undo_stack.count() == graph_edits and window.doc.to_data() == doc_before
    # the Graph tab: Undo is the graph's again, painting stays as it is
    window.training.show_canvas()
    qtbot.waitUntil(lambda: not window.training.is_current())
    assert menu_text(window, "undo").startswith("Undo Delete")
    click_edit_menu(qtbot, window, "undo")
    assert ids["x1"] in window.doc
    assert len(panel.form.painted) == 1
    # and back on the Training tab it is the painting's once more
    window.training.show()
    qtbot.waitUntil(window.training.is_current)
    assert menu_text(window, "undo") == "Undo Add a class 0 point"
    click_toolbar(qtbot, window, "undo")
    assert len(panel.form.painted) == 0 and ids["x1"] in window.doc


def test_the_painted_set_comes_back_with_the_session(qtbot, tmp_path, dialogs):
    settings = tmp_path / "settings.ini"
    window = new_window(qtbot, settings, size=(1280, 800))
    panel = open_panel(qtbot, window)
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE)
    click_preview(qtbot, preview, RIGHT_SIDE, RIGHT)
    points = panel.form.painted.points
    window.undo_stack.setClean()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    window.training.shutdown()

    again = new_window(qtbot, settings, size=(1280, 800))
    panel2 = open_panel(qtbot, again)
    assert panel2.form.dataset.currentData() == "painted"
    assert panel2.form.painted.points == points
    assert panel2.state.ok and panel2.state.dataset.n_samples == 8
    assert panel2.form.paint_editor.stack.count() == 0  # a fresh session: nothing to undo
    again.training.shutdown()
    again.undo_stack.setClean()


def test_unreadable_saved_training_settings_give_the_defaults_and_a_word(qtbot, tmp_path,
                                                                        dialogs):
    settings = tmp_path / "settings.ini"
    window = new_window(qtbot, settings, size=(1280, 800))
    window.settings.setValue(SESSION_KEY, '{"dataset": "painted", "painted": [[0, "x", 1]]}')
    panel = open_panel(qtbot, window)
    assert panel.form.dataset.currentData() == "moons"
    assert "could not be read" in panel.message_text()
    assert "painted point 1" in panel.message_text()
    window.training.shutdown()
    window.undo_stack.setClean()
