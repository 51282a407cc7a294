"""Help ▸ Keyboard Shortcuts: every shortcut, read from the window's actions themselves.

Nothing here lists keys by hand: ``shortcut_rows`` walks the window's QActions (the ones in
``actions_by_name`` and every other QAction the window owns: the Learn menu's, the Training
tab's), keeps those with ``shortcuts()``, and names each by the menu that holds it. A new
action with a shortcut shows up here without anyone remembering to add it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

OTHER = "Other"
"""The group of actions that no menu holds (they still work from the keyboard)."""


@dataclass(frozen=True)
class ShortcutRow:
    menu: str
    command: str
    keys: str


def plain(text: str) -> str:
    """A menu text as read: no mnemonic ampersands, no trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("…", "").strip()


def keys_text(action: QAction) -> str:
    """All of an action's shortcuts, as this platform writes them (Redo has two on Linux)."""
    return " or ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
        if not s.isEmpty()
    )


def _menu_of(window: Any) -> dict[int, tuple[int, str]]:
    """id(action) -> (order, "Edit" or "File ▸ Export"), walking the menu bar in order."""
    found: dict[int, tuple[int, str]] = {}

    def walk(menu: QMenu, path: str) -> None:
        for act in menu.actions():
            sub = act.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} ▸ {plain(sub.title())}")
            elif id(act) not in found:
                found[id(act)] = (len(found), path)

    for act in window.menuBar().actions():
        menu = act.menu()
        if isinstance(menu, QMenu):
            walk(menu, plain(menu.title()))
    return found


def shortcut_rows(window: Any) -> list[ShortcutRow]:
    """One row per action that has a shortcut, in menu order; actions in no menu last."""
    actions: dict[int, QAction] = {}
    for act in [*window.actions_by_name.values(), *window.findChildren(QAction)]:
        if act.shortcuts() and keys_text(act):
            actions.setdefault(id(act), act)
    where = _menu_of(window)
    last = len(where)
    ordered = sorted(actions.values(), key=lambda a: where.get(id(a), (last, OTHER))[0])
    return [ShortcutRow(where.get(id(a), (last, OTHER))[1], plain(a.text()), keys_text(a))
            for a in ordered]


class ShortcutsDialog(QDialog):
    """A table of every shortcut: menu, command, keys (rebuilt each time it is opened)."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(600, 600)

    def refresh(self) -> None:
        rows = shortcut_rows(self.window_)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate((row.menu, row.command, row.keys)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(i, j, item)

    def rows(self) -> list[tuple[str, str, str]]:
        """What the table shows, row by row."""
        return [tuple(self.table.item(i, j).text() for j in range(3))  # type: ignore[misc]
                for i in range(self.table.rowCount())]


def show_shortcuts(window: Any) -> ShortcutsDialog:
    """Open (or raise) the window's shortcuts dialog, freshly read from its actions."""
    dialog = window.findChild(ShortcutsDialog, "shortcuts_dialog")
    if dialog is None:
        dialog = ShortcutsDialog(window, window)
    dialog.refresh()
    dialog.show()
    dialog.raise_()
    return dialog
