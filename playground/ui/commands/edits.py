"""The graph edits: add, delete, wire, move, set, lay out, paste, replace the whole graph."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand

from playground.engine.value import paused_gc
from playground.graph import params as P
from playground.graph.clipboard import clipboard_problem, paste_nodes
from playground.graph.document import GraphDocument, GraphError
from playground.graph.layout import layered_layout
from playground.ops import OPS
from playground.ui.commands.base import (
    AUTO_LAYOUT_GAPS,
    EdgeKey,
    Pos,
    _nodes_text,
    _slot_text,
    op_title,
)


class AddNode(QUndoCommand):
    """Add one node ("Add value a", "Add tanh"). ``node_id`` is known after the first redo."""

    def __init__(
        self,
        doc: GraphDocument,
        kind: str,
        op: str | None = None,
        *,
        label: str = "",
        value: Any = None,
        pos: Iterable[float] = (0.0, 0.0),
        node_id: str | None = None,
        group: str | None = None,
    ) -> None:
        if kind == "value":
            text = f"Add value {label}".rstrip()
        elif op in OPS:
            text = f"Add {op_title(op)}"
        else:
            raise GraphError(f"unknown op {op!r}")
        super().__init__(text)
        self.doc = doc
        self.kind = kind
        self.op = op
        self.label = label
        self.value = value
        self.pos = tuple(float(v) for v in pos)
        self.node_id = node_id
        self.group = group
        """The open group it goes into (None: the top level)."""

    def redo(self) -> None:
        self.node_id = self.doc.add_node(
            self.kind,  # type: ignore[arg-type]
            op=self.op,
            label=self.label,
            value=self.value,
            pos=self.pos,
            node_id=self.node_id,
            group=self.group,
        )

    def undo(self) -> None:
        assert self.node_id is not None
        self.doc.remove_node(self.node_id)


class DeleteItems(QUndoCommand):
    """Delete nodes (with every wire touching them) and wires, as one step.

    Undo brings back the nodes with their ids, attributes and wires, and the output mark. A
    group among ``node_ids`` goes with everything inside it (nested groups too), and comes back
    with it.
    """

    def __init__(
        self, doc: GraphDocument, node_ids: Iterable[str], edges: Iterable[EdgeKey] = ()
    ) -> None:
        super().__init__()
        self.doc = doc
        chosen = list(dict.fromkeys(node_ids))
        self.groups = [g for top in chosen if doc.is_group(top) for g in doc.nested(top)]
        """Every group going, each after its parent (undo inserts them in this order)."""
        self.group_info = {g: (doc.group_info(g), doc.groups().index(g)) for g in self.groups}
        inner = [n for g in chosen if doc.is_group(g) for n in sorted(doc.inside(g))]
        self.node_ids = [n for n in dict.fromkeys(chosen + inner) if not doc.is_group(n)]
        gone = set(self.node_ids)
        self.nodes = {n: doc.node(n) for n in self.node_ids}
        touching: dict[EdgeKey, None] = {}
        for e in doc.edges():
            if e.source in gone or e.target in gone:
                touching[(e.source, e.target, e.slot)] = None
        self.loose_edges = [
            tuple(e) for e in dict.fromkeys(edges) if e[0] not in gone and e[1] not in gone
        ]
        self.edges = list(touching) + [e for e in self.loose_edges if e not in touching]
        self.old_output: str | None = doc.marked_output
        if self.groups and len(chosen) == 1:
            self.setText(f"Delete group {doc.display_name(chosen[0])}")
        elif self.node_ids:
            self.setText(_nodes_text(doc, self.node_ids, "Delete"))
        elif len(self.loose_edges) == 1:
            s, t, k = self.loose_edges[0]
            self.setText(
                f"Disconnect {doc.display_name(s)} → {doc.display_name(t)}"
                f"{_slot_text(doc, t, k)}"
            )
        else:
            self.setText(f"Delete {len(self.loose_edges)} wires")

    def redo(self) -> None:
        self.old_output = self.doc.marked_output
        for _s, t, k in self.loose_edges:
            self.doc.disconnect(t, k)
        for n in self.node_ids:
            self.doc.remove_node(n)
        for g in reversed(self.groups):  # innermost first: each is empty by then
            self.doc.delete_group(g)

    def undo(self) -> None:
        for g in self.groups:
            info, index = self.group_info[g]
            self.doc.insert_group(g, label=info["label"], pos=info["pos"],
                                  parent=info["parent"], index=index)
        for n in self.node_ids:
            attrs = copy.deepcopy(self.nodes[n])
            self.doc.add_node(node_id=n, **attrs)
        for s, t, k in self.edges:
            self.doc.connect(s, t, k)
        if self.doc.marked_output != self.old_output:
            self.doc.set_output(self.old_output)


class Connect(QUndoCommand):
    """Feed ``source`` into ``slot`` of ``target``; a wire already there is replaced (one step)."""

    def __init__(self, doc: GraphDocument, source: str, target: str, slot: int) -> None:
        super().__init__()
        self.doc = doc
        self.source, self.target, self.slot = source, target, slot
        self.old_source: str | None = doc.input_of(target, slot) if target in doc else None
        text = (
            f"Connect {doc.display_name(source)} → {doc.display_name(target)}"
            f"{_slot_text(doc, target, slot)}"
        )
        if self.old_source is not None and self.old_source != source:
            text += f", replacing {doc.display_name(self.old_source)}"
        self.setText(text)

    def redo(self) -> None:
        self.old_source = self.doc.input_of(self.target, self.slot)
        if self.old_source == self.source:
            self.setObsolete(True)  # already wired like that: nothing to do or undo
            return
        self.doc.connect(self.source, self.target, self.slot, replace=True)

    def undo(self) -> None:
        if self.old_source == self.source:
            return
        self.doc.disconnect(self.target, self.slot)
        if self.old_source is not None:
            self.doc.connect(self.old_source, self.target, self.slot)


class Disconnect(QUndoCommand):
    """Empty ``slot`` of ``target``."""

    def __init__(self, doc: GraphDocument, target: str, slot: int) -> None:
        super().__init__()
        self.doc = doc
        self.target, self.slot = target, slot
        source = doc.input_of(target, slot)
        if source is None:
            raise GraphError(f"input {slot} of {doc.display_name(target)} is not connected")
        self.source: str = source
        self.setText(
            f"Disconnect {doc.display_name(source)} → {doc.display_name(target)}"
            f"{_slot_text(doc, target, slot)}"
        )

    def redo(self) -> None:
        self.source = self.doc.disconnect(self.target, self.slot)

    def undo(self) -> None:
        self.doc.connect(self.source, self.target, self.slot)


class MoveWire(QUndoCommand):
    """Unplug wire ``old`` and plug its source into ``new`` (one step, all or nothing)."""

    def __init__(self, doc: GraphDocument, old: EdgeKey, new: EdgeKey) -> None:
        super().__init__(
            f"Move wire {doc.display_name(old[0])} → {doc.display_name(new[1])} "
            f"(slot {new[2]}: {doc.slot_names(new[1])[new[2]]})"
        )
        self.unplug = Disconnect(doc, old[1], old[2])
        self.plug = Connect(doc, *new)

    def redo(self) -> None:
        self.unplug.redo()
        try:
            self.plug.redo()
        except Exception:
            self.unplug.undo()  # half a move is no move
            raise

    def undo(self) -> None:
        self.plug.undo()
        self.unplug.undo()


class MoveNodes(QUndoCommand):
    """Move nodes: ``moves`` maps id -> (old position, new position). One drag = one step."""

    def __init__(self, doc: GraphDocument, moves: Mapping[str, tuple[Pos, Pos]]) -> None:
        super().__init__()
        self.doc = doc
        self.moves = {
            n: (tuple(map(float, old)), tuple(map(float, new))) for n, (old, new) in moves.items()
        }
        self.setText(_nodes_text(doc, list(self.moves), "Move"))

    def redo(self) -> None:
        _place_all(self.doc, {n: new for n, (_old, new) in self.moves.items()})

    def undo(self) -> None:
        _place_all(self.doc, {n: old for n, (old, _new) in self.moves.items()})


def _pos(doc: GraphDocument, n: str) -> Pos:
    return doc.group_pos(n) if doc.is_group(n) else doc.pos(n)


def _place_all(doc: GraphDocument, places: Mapping[str, Pos]) -> None:
    """Move nodes and group cards to ``places``, the nodes as one ``move_many`` (the canvas
    then routes each wire once, not once per moved end: Auto layout of 10,000 nodes)."""
    with paused_gc():  # the canvas re-routes thousands of wires: new paths, all kept
        doc.move_many({n: p for n, p in places.items() if not doc.is_group(n)})
    for n, p in places.items():
        if doc.is_group(n):
            doc.move_group(n, p)


class SetValue(QUndoCommand):
    """Change a value node's literal ("Edit value of a")."""

    def __init__(self, doc: GraphDocument, node_id: str, value: Any) -> None:
        super().__init__(f"Edit value of {doc.display_name(node_id)}")
        self.doc = doc
        self.node_id = node_id
        self.old = doc.value(node_id)
        self.new = copy.deepcopy(value)

    def redo(self) -> None:
        self.doc.set_value(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.set_value(self.node_id, self.old)


class SetParams(QUndoCommand):
    """Change an op node's parameters ("Set axis of sum to 0").

    ``params`` replaces what the node overrides (``{}``: the op's defaults). It is checked
    up front: a ``GraphError`` is raised before anything is pushed.
    """

    def __init__(self, doc: GraphDocument, node_id: str, params: Mapping[str, Any] | None) -> None:
        op = doc.op_name(node_id)
        if op is None:
            raise GraphError(f"{doc.display_name(node_id)} is a value: it has no parameters")
        try:
            new = P.normalize(op, dict(params or {}))
        except P.ParamError as exc:
            raise GraphError(exc.for_user(op)) from None
        self.doc = doc
        self.node_id = node_id
        self.old = doc.params(node_id)
        self.new = new
        label = doc.label(node_id)
        name = f"{label} ({op})" if label else op
        super().__init__(P.describe_change(op, name, self.old, self.new))

    def redo(self) -> None:
        self.doc.set_params(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.set_params(self.node_id, self.old)


class SetLabel(QUndoCommand):
    """Rename a node ("Rename a to x")."""

    def __init__(self, doc: GraphDocument, node_id: str, label: str) -> None:
        old_name = doc.display_name(node_id)
        clash = doc.name_clash(node_id, str(label))
        if clash:
            raise GraphError(clash)
        super().__init__(f"Rename {old_name} to {label}" if label else f"Clear label of {old_name}")
        self.doc = doc
        self.node_id = node_id
        self.old = doc.label(node_id)
        self.new = str(label)

    def redo(self) -> None:
        self.doc.set_label(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.set_label(self.node_id, self.old)


class SetOutput(QUndoCommand):
    """Mark where Backward starts ("Mark L as output"); None clears the mark."""

    def __init__(self, doc: GraphDocument, node_id: str | None) -> None:
        if node_id is None:
            text = "Clear the output mark"
        else:
            text = f"Mark {doc.display_name(node_id)} as output"
        super().__init__(text)
        self.doc = doc
        self.node_id = node_id
        self.old = doc.marked_output

    def redo(self) -> None:
        self.doc.set_output(self.node_id)

    def undo(self) -> None:
        self.doc.set_output(self.old)


class AutoLayout(QUndoCommand):
    """Move every node to ``positions`` (id -> (x, y)); by default a layered layout."""

    def __init__(
        self, doc: GraphDocument, positions: Mapping[str, Iterable[float]] | None = None
    ) -> None:
        super().__init__("Auto layout")
        self.doc = doc
        if positions is None:
            positions = layered_layout(doc, *AUTO_LAYOUT_GAPS)
        self.old = {n: _pos(doc, n) for n in positions}
        self.new = {n: tuple(map(float, p)) for n, p in positions.items()}

    def redo(self) -> None:
        _place_all(self.doc, {n: p for n, p in self.new.items() if _pos(self.doc, n) != p})

    def undo(self) -> None:
        _place_all(self.doc, {n: p for n, p in self.old.items() if _pos(self.doc, n) != p})


# --- clipboard (the format is playground.graph.clipboard) --------------------------------


class PasteNodes(QUndoCommand):
    """Add a copy of clipboard ``data`` with fresh ids, shifted by ``offset``, into the open
    ``group`` (None: the top); copied groups come along whole, under fresh ids.

    ``new_ids`` maps each copied id to its new id (filled by the first redo). Raises
    ``GraphError`` up front if ``data`` is not clipboard data.
    """

    def __init__(
        self,
        doc: GraphDocument,
        data: Mapping[str, Any],
        offset: Iterable[float] = (40.0, 40.0),
        verb: str = "Paste",
        group: str | None = None,
    ) -> None:
        problem = clipboard_problem(data)
        if problem:
            raise GraphError(problem)
        if group is not None and not doc.is_group(group):
            raise GraphError(f"there is no group {group!r} to paste into")
        n = len(data["nodes"])
        super().__init__(f"{verb} {n} node" + ("" if n == 1 else "s"))
        self.doc = doc
        self.data = copy.deepcopy(dict(data))
        dx, dy = (float(v) for v in offset)
        self.offset = (dx, dy)
        self.new_ids: dict[str, str] = {}
        self.group = group
        """The open group the copy goes into (None: the top level)."""

    def redo(self) -> None:
        paste_nodes(self.doc, self.data, self.offset, self.new_ids, scope=self.group)

    def undo(self) -> None:
        for new in self.new_ids.values():
            if new in self.doc:
                self.doc.remove_node(new)
        for new in reversed(self.new_ids.values()):  # groups were made parents first
            if self.doc.is_group(new):
                self.doc.delete_group(new)


class ReplaceDocument(QUndoCommand):
    """Swap the whole graph for another (an expression built, autosaved changes recovered);
    undo puts the old one back exactly. ``recovery``: this is the autosave's recovery step."""

    def __init__(
        self, doc: GraphDocument, new: GraphDocument, text: str, *, recovery: bool = False
    ) -> None:
        super().__init__(text)
        self.doc = doc
        self.recovery = recovery
        self.before = GraphDocument()
        self.before.replace_with(doc)
        self.after = GraphDocument()
        self.after.replace_with(new)

    def redo(self) -> None:
        self.doc.replace_with(self.after)

    def undo(self) -> None:
        self.doc.replace_with(self.before)
