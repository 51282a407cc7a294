"""``Editor``: the one way the UI changes the document.

Every user edit goes through here as an undoable command (``playground.ui.commands``), behind
one refusal guard: a command that refuses its input (a ``GraphError`` while it is built or in
its ``redo``) changes nothing, leaves the undo stack as it was, and its sentence goes out on
``refused`` for the status bar. Anything else a command raises is a bug: it is taken off the
stack and re-raised for the error handler. (Orange canvas's ``SchemeEditWidget`` plays the same
part: the scene and the tools ask it; they never touch the stack.)

The canvas calls the verbs below (``add_node``, ``connect``, ``move_nodes``, ...) through the
``playground.ui.canvas.editing.Editing`` protocol, so it needs neither the commands nor this
module.

``PaintEditor`` is the same guard for the training tab's painted data, on that tab's own undo
stack.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from playground.graph.document import GraphDocument, GraphError
from playground.training.painted import PaintedSet, PaintError
from playground.ui import commands as cmd

Builder = Callable[[], QUndoCommand]
Pos = tuple[float, float]


class Guard(QObject):
    """Pushes undo commands onto one stack behind the refusal guard (see the module
    docstring); ``refusals``: the exceptions that mean "refused" rather than "a bug"."""

    refused = Signal(str)
    """A refusal in words (a cycle, a bad parameter, ...): nothing changed."""
    refusals: tuple[type[Exception], ...] = (GraphError,)

    def __init__(self, stack: QUndoStack | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = stack if stack is not None else QUndoStack(self)
        self.last_refusal: str | None = None
        """The message of the last refused edit (None: the last edit went through)."""

    # --- the guard ------------------------------------------------------------------------

    def push(self, command: QUndoCommand | Builder) -> bool:
        """Push an undo command; False (and ``refused``) if it refuses, with nothing changed.

        ``command`` may be a function that builds it (``lambda: cmd.SetParams(...)``), so that
        a refusal while it is built is caught too.

        Qt keeps a command on the stack even when its ``redo`` raises (and PySide reports the
        exception later, prefixed "Error calling Python override ..."). So ``redo`` runs
        through a guard that keeps the exception; the command is then taken off the stack
        again (obsolete: ``undo()`` drops it without calling its ``undo``).
        """
        self.last_refusal = None
        if not isinstance(command, QUndoCommand):
            built = self.build(command)
            if built is None:
                return False
            command = built
        failure: list[Exception] = []
        redo = command.redo

        def guarded_redo(_self: QUndoCommand) -> None:
            if failure:
                return
            try:
                redo()
            except Exception as exc:
                failure.append(exc)

        command.redo = types.MethodType(guarded_redo, command)  # Qt calls the instance's redo
        stack = self.stack
        stack.push(command)
        if not failure:
            command.redo = redo
            return True
        if stack.index() > 0 and stack.command(stack.index() - 1) is command:
            command.setObsolete(True)
            stack.undo()
        if not isinstance(failure[0], self.refusals):
            raise failure[0]
        self.refuse(failure[0])
        return False

    def build(self, make: Builder) -> QUndoCommand | None:
        """Build a command; None (and ``refused``) if it refuses while it is built.

        Commands check their input when they are built (``SetParams``, ``PasteNodes``,
        ``Disconnect`` raise ``GraphError``): the same refusal as a ``redo`` that raises, with
        the document and the undo stack untouched. Anything else propagates.
        """
        try:
            return make()
        except self.refusals as exc:
            self.refuse(exc)
            return None

    def refuse(self, exc: Exception | str) -> None:
        """Say why an edit did not happen (also for refusals found before any command)."""
        self.last_refusal = str(exc)
        self.refused.emit(self.last_refusal)

    # --- history --------------------------------------------------------------------------

    def forget_history(self) -> None:
        """A new document: nothing to undo, and it counts as saved."""
        self.stack.clear()
        self.stack.setClean()

    def mark_saved(self) -> None:
        self.stack.setClean()

    def last_command(self) -> QUndoCommand | None:
        """The command the next Undo would undo (None if there is none)."""
        index = self.stack.index()
        return self.stack.command(index - 1) if index > 0 else None



class Editor(Guard):
    """The graph's edits: the verbs the canvas and the tools ask for."""

    def __init__(
        self, doc: GraphDocument, stack: QUndoStack | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(stack, parent)
        self.doc = doc

    # --- verbs (what the canvas and the tools ask for) ---------------------------------------

    def add_node(
        self, kind: str, op: str | None, *, label: str = "", pos: Pos = (0.0, 0.0),
        value: Any = None, group: str | None = None,
    ) -> str | None:
        """Add a node (into ``group``, the open group, if given); its id, or None if it was
        refused (an unknown op, ...)."""
        command = self.build(lambda: cmd.AddNode(self.doc, kind, op, label=label, pos=pos,
                                                 value=value, group=group))
        return command.node_id if command is not None and self.push(command) else None

    def delete(self, nodes: Iterable[str], edges: Iterable[tuple[str, str, int]] = ()) -> bool:
        nodes, edges = list(nodes), list(edges)
        return self.push(lambda: cmd.DeleteItems(self.doc, nodes, edges))

    def connect(self, source: str, target: str, slot: int) -> bool:
        return self.push(lambda: cmd.Connect(self.doc, source, target, slot))

    def disconnect(self, target: str, slot: int) -> bool:
        return self.push(lambda: cmd.Disconnect(self.doc, target, slot))

    def move_wire(self, old: tuple[str, str, int], new: tuple[str, str, int]) -> bool:
        """Unplug wire ``old`` and plug its source into ``new`` (one undo step)."""
        return self.push(lambda: cmd.MoveWire(self.doc, old, new))

    def feed_group_input(self, gid: str, old: str, new: str) -> bool:
        """Feed the group's input port for ``old`` from ``new``: every wire from ``old`` into
        the group comes from ``new`` (one undo step)."""
        return self.push(lambda: cmd.FeedGroupInput(self.doc, gid, old, new))

    def move_nodes(self, moves: Mapping[str, tuple[Pos, Pos]]) -> bool:
        """``moves``: node id -> (old position, new position); the items are already there."""
        return self.push(lambda: cmd.MoveNodes(self.doc, dict(moves)))

    def set_value(self, node: str, value: Any) -> bool:
        return self.push(lambda: cmd.SetValue(self.doc, node, value))

    def set_label(self, node: str, label: str) -> bool:
        """Rename a node, or a group (its card's name)."""
        if self.doc.is_group(node):
            return self.push(lambda: cmd.SetGroupLabel(self.doc, node, label))
        return self.push(lambda: cmd.SetLabel(self.doc, node, label))

    def group(self, members: Iterable[str]) -> str | None:
        """Make ``members`` (nodes and groups of one level) one group named "group" and the
        first free number, as one undo step; its id, or None if it was refused."""
        taken = {self.doc.group_label(g) for g in self.doc.groups()}
        label = next(f"group{i}" for i in range(1, len(taken) + 2) if f"group{i}" not in taken)
        command = self.build(lambda: cmd.GroupNodes(self.doc, list(members), label))
        return command.group_id if command is not None and self.push(command) else None

    def ungroup(self, gid: str) -> bool:
        """Put the group's members back in its level (one undo step)."""
        return self.push(lambda: cmd.Ungroup(self.doc, gid))

    def set_params(self, node: str, params: dict[str, Any]) -> bool:
        return self.push(lambda: cmd.SetParams(self.doc, node, params))

    def set_output(self, node: str | None) -> bool:
        return self.push(lambda: cmd.SetOutput(self.doc, node))

    def auto_layout(self, positions: Mapping[str, Pos] | None = None, text: str = "") -> bool:
        def make() -> QUndoCommand:
            command = cmd.AutoLayout(self.doc, positions)
            if text:
                command.setText(text)
            return command
        return self.push(make)

    def paste(self, data: Any, offset: Pos, verb: str = "Paste", group: str | None = None
              ) -> list[str] | None:
        """Paste clipboard data (``verb``: "Duplicate" names the step so; ``group``: the open
        group it goes into); the new node and group ids, or None if it was refused."""
        command = self.build(lambda: cmd.PasteNodes(self.doc, data, offset=offset, verb=verb,
                                                    group=group))
        if command is None or not self.push(command):
            return None
        return list(command.new_ids.values())

    def replace_document(self, new: GraphDocument, text: str, *, recovery: bool = False) -> bool:
        """Swap the whole graph for ``new`` as one undo step (Undo brings the old one back)."""
        return self.push(lambda: cmd.ReplaceDocument(self.doc, new, text, recovery=recovery))


class PaintEditor(Guard):
    """The training tab's painted data: its edits on the tab's own undo stack (the graph's
    stack is the canvas's: Ctrl+Z on the Training tab must not undo a graph edit the learner
    cannot see, nor painting mark the graph as changed)."""

    refusals = (PaintError,)

    def set_points(self, painted: PaintedSet, points: tuple, text: str,
                   merge_key: str = "") -> bool:
        """Replace the painted points as one undo step named ``text`` (steps with the same
        ``merge_key``, an eraser drag's, merge into one)."""
        if tuple(points) == painted.points:
            return False
        return self.push(lambda: cmd.SetPaintedPoints(painted, tuple(points), text, merge_key))
