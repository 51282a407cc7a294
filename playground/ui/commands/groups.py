"""Group, ungroup and rename a group (``playground.graph.groups``: an overlay, no number
changes); feed a group's input port from another node (wires, so numbers do change)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QUndoCommand

from playground.graph.document import GraphDocument, GraphError
from playground.ui.commands.base import _nodes_text
from playground.ui.commands.edits import Connect


class GroupNodes(QUndoCommand):
    """Make nodes and groups of one level one group ("Group 3 nodes as group1")."""

    def __init__(self, doc: GraphDocument, members: Iterable[str], label: str) -> None:
        self.members = list(dict.fromkeys(members))
        reason = doc.group_refusal(self.members)
        if reason:
            raise GraphError(reason)
        super().__init__(f"{_nodes_text(doc, self.members, 'Group')} as {label}")
        self.doc, self.label = doc, label
        self.group_id: str | None = None

    def redo(self) -> None:
        self.group_id = self.doc.add_group(self.members, label=self.label,
                                           group_id=self.group_id)

    def undo(self) -> None:
        assert self.group_id is not None
        self.doc.remove_group(self.group_id)


class Ungroup(QUndoCommand):
    """Put a group's members back in its level; undo makes the group again."""

    def __init__(self, doc: GraphDocument, gid: str) -> None:
        if not doc.is_group(gid):
            raise GraphError("select a group to ungroup")
        super().__init__(f"Ungroup {doc.display_name(gid)}")
        self.doc, self.gid = doc, gid
        self.info, self.index = doc.group_info(gid), doc.groups().index(gid)
        self.members: list[str] = []

    def redo(self) -> None:
        self.members = self.doc.remove_group(self.gid)

    def undo(self) -> None:
        info = self.info
        self.doc.insert_group(self.gid, label=info["label"], pos=info["pos"],
                              parent=info["parent"], index=self.index)
        self.doc.place_in(self.members, self.gid)


class SetGroupLabel(QUndoCommand):
    def __init__(self, doc: GraphDocument, gid: str, label: str) -> None:
        super().__init__(f"Rename group {doc.display_name(gid)} to {label or 'group'}")
        self.doc, self.gid, self.new, self.old = doc, gid, str(label), doc.group_label(gid)

    def redo(self) -> None:
        self.doc.set_group_label(self.gid, self.new)

    def undo(self) -> None:
        self.doc.set_group_label(self.gid, self.old)


class FeedGroupInput(QUndoCommand):
    """A wire dropped on a closed group's input port: the port (every wire from ``old`` into
    a node inside ``gid``) is fed from ``new`` instead. One step, all or nothing: "Feed
    group1's input n from x (2 wires)"."""

    def __init__(self, doc: GraphDocument, gid: str, old: str, new: str) -> None:
        reason = doc.group_input_refusal(gid, old, new)
        if reason:
            raise GraphError(reason)
        wires = doc.group_input_wires(gid, old)
        many = f" ({len(wires)} wires)" if len(wires) > 1 else ""
        super().__init__(f"Feed {doc.display_name(gid)}'s input {doc.display_name(old)} "
                         f"from {doc.display_name(new)}{many}")
        self.steps = [] if new == old else [Connect(doc, new, t, k) for _, t, k in wires]

    def redo(self) -> None:
        done: list[Connect] = []
        try:
            for step in self.steps:
                step.redo()
                done.append(step)
        except Exception:
            for step in reversed(done):  # half a port re-fed is no edit
                step.undo()
            raise

    def undo(self) -> None:
        for step in reversed(self.steps):
            step.undo()
