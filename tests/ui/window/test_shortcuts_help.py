"""Help ▸ Keyboard Shortcuts lists every shortcut, read from the actions themselves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from playground.ui.window.shortcuts import ShortcutsDialog


def _open_from_help_menu(window, qtbot) -> ShortcutsDialog:
    """Alt+H opens Help; a click on "Keyboard Shortcuts" opens the dialog."""
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    menu = window.findChild(QMenu, "menu_help")
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    act = window.action("shortcuts")
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(act).center())
    dialog = window.findChild(ShortcutsDialog, "shortcuts_dialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=2000)
    return dialog


def _keys(act: QAction) -> str:
    return " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                       for s in act.shortcuts())


def test_keyboard_shortcuts_lists_every_action_with_a_shortcut(window, qtbot, tmp_path):
    # An action added later, by anyone, with a shortcut: the list must pick it up by itself.
    extra = QAction("Frobnicate", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(extra)
    dialog = _open_from_help_menu(window, qtbot)
    rows = dialog.rows()
    dialog.grab().save(str(tmp_path / "shortcuts.png"))
    commands = {(command, keys) for _menu, command, keys in rows}
    with_keys = [a for a in window.findChildren(QAction) if _keys(a)]
    assert len(with_keys) >= 20
    for act in with_keys:
        text = act.text().replace("&", "").replace("…", "").strip()
        assert (text, _keys(act)) in commands, (text, _keys(act))
    assert ("Other", "Frobnicate", "Ctrl+Alt+J") in rows
    # Named by the menu that holds it; Redo's two keys both listed; Learn's actions too.
    assert ("Graph", "Backward", "Ctrl+B") in rows
    assert any(m == "Edit" and c == "Redo" and " or " in k for m, c, k in rows)
    assert any(m == "Learn" for m, _c, _k in rows)
    assert len(rows) == len({id(a) for a in with_keys})  # each once

    # Its own key (F1) opens it again, closed with Escape.
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_F1)
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    QApplication.processEvents()
    dialog.close()
