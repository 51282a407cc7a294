"""The Inspector's page while several cards are selected: how many, and what can be done.

The title counts them in words ("5 nodes selected", "3 nodes and 1 group selected"). Two
buttons trigger the window's own actions, Graph ▸ Group (Ctrl+G) and Edit ▸ Delete (Del):
the same QActions as the menus and keys, so each is one undo step through the editor and a
refusal is said as theirs are. A line under them says what else the selection is for. The page
edits nothing itself and knows nothing of the window: the window hands it the actions
(``use_actions``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from playground.graph.document import GraphDocument
from playground.ui.widgets.wrap_label import WrapLabel

HINT = "Drag one to move them all; Ctrl+click a card to add or remove it."


def count_words(nodes: int, groups: int) -> str:
    """ "5 nodes", "1 group", "3 nodes and 1 group" (nothing: "nothing")."""
    parts = [f"{n} {word}{'' if n == 1 else 's'}"
             for n, word in ((nodes, "node"), (groups, "group")) if n]
    return " and ".join(parts) or "nothing"


class SelectionPanel(QWidget):
    """Shown by the Inspector (``set_selection``) when more than one card is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector_selection")
        self.count = 0
        """How many cards are selected (0 while fewer than two are: the page is hidden)."""
        self.words = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        self.group_button = QPushButton("Group", self)
        self.group_button.setObjectName("inspector_selection_group")
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("inspector_selection_delete")
        for button in (self.group_button, self.delete_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.hint = WrapLabel(HINT, self)
        self.hint.setObjectName("inspector_selection_hint")
        self.hint.setAccessibleName("What a selection is for")
        layout.addWidget(self.hint)
        self._actions: dict[QPushButton, QAction] = {}
        self.group_button.clicked.connect(lambda: self._trigger(self.group_button))
        self.delete_button.clicked.connect(lambda: self._trigger(self.delete_button))

    def use_actions(self, group: QAction, delete: QAction) -> None:
        """The window's Group and Delete actions: the buttons trigger them and say their
        keys ("Group (Ctrl+G)", "Delete (Del)") and tips."""
        for button, action in ((self.group_button, group), (self.delete_button, delete)):
            self._actions[button] = action
            text = action.text().replace("&", "")
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setText(f"{text} ({keys})" if keys else text)
            button.setToolTip(action.statusTip())
            button.setAccessibleName(text)

    def show_ids(self, doc: GraphDocument, ids: Sequence[str]) -> None:
        """Count ``ids`` (the selected cards; fewer than two: the page is not for them)."""
        self.count = len(ids) if len(ids) > 1 else 0
        groups = sum(1 for i in ids if doc.is_group(i)) if self.count else 0
        self.words = count_words(self.count - groups, groups) if self.count else ""

    def title(self) -> str:
        return f"<b>{self.words} selected</b>"

    def _trigger(self, button: QPushButton) -> None:
        action = self._actions.get(button)
        if action is not None and action.isEnabled():
            action.trigger()
