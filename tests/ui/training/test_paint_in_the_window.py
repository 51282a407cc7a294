"""Painted data in the main window: Ctrl+Z on the Training tab undoes painting (not the graph),
and the painted set comes back with the app's session (the window's settings file)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from playground.ui.training.tab import SESSION_KEY
from tests.ui.training.test_paint import LEFT_SIDE, RIGHT, RIGHT_SIDE, click_preview, paint_mode
from tests.ui.window_helpers import new_window

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
