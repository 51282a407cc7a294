"""Graph ▸ Group, Ungroup, Open Group and Up One Level: the groups' menu actions.

Each edit is one undo step through the editor (``Editor.group``/``ungroup``); a refusal (nothing
selected, nodes of different levels) is said in the status bar and in a bubble on the canvas,
as every refusal of an edit is. Moving between levels (``scene.set_scope``) is no edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.ui.window.parts import WindowParts


class GroupActions:
    def __init__(self, window: WindowParts) -> None:
        self.w = window

    def _selected(self) -> list[str]:
        return self.w.scene.selected_node_ids()

    def group(self) -> str | None:
        """Make the selected cards one group (named group1, group2, ...) and select it."""
        gid = self.w.editor.group(self._selected())
        if gid is not None:
            self.w.select([gid])
        return gid

    def ungroup(self) -> bool:
        groups = [g for g in self._selected() if self.w.doc.is_group(g)]
        if len(groups) != 1:
            self.w.editor.refuse("select one group card to ungroup")
            return False
        members = self.w.doc.children(groups[0])
        if not self.w.editor.ungroup(groups[0]):
            return False
        self.w.select(members[0] + members[1])
        return True

    def open_group(self) -> bool:
        """Step inside the one selected group card."""
        groups = [g for g in self._selected() if self.w.doc.is_group(g)]
        if len(groups) != 1:
            self.w.show_status("Select one group card to open it (or double-click it)")
            return False
        self.w.scene.set_scope(groups[0])
        return True

    def up(self) -> bool:
        """Show the level above the open group."""
        if not self.w.scene.go_up():
            self.w.show_status("The canvas shows the whole graph: there is no level above")
            return False
        return True
