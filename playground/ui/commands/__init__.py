"""Every user edit as a ``QUndoCommand``. Commands touch only ``GraphDocument`` methods (and
the training tab's painted data, ``PaintedSet``'s, at the end).

Each command snapshots what it needs when it is built, so undo puts the document back exactly
(``doc.to_data()`` before == after undo). Names are readable, for the Edit menu and the undo
view: "Add tanh", "Connect f → L (right input)", "Move 3 nodes", "Delete 2 nodes".

The clipboard format is ``playground.graph.clipboard``: ``copy_nodes(doc, ids)`` gives plain,
JSON-able data (nodes and the wires between them); ``PasteNodes(doc, data, offset)`` adds a copy
with fresh ids (Paste, Duplicate) as one undo step. Every command is pushed by
``playground.ui.editor.Editor``.

The commands live in this package, one room per kind: ``edits`` (the graph), ``groups``,
``painting`` (the training tab's points); ``base`` holds what they share. Import them from
here.
"""

from playground.ui.commands.base import AUTO_LAYOUT_GAPS, EdgeKey, Pos, op_title
from playground.ui.commands.edits import (
    AddNode,
    AutoLayout,
    Connect,
    DeleteItems,
    Disconnect,
    MoveNodes,
    MoveWire,
    PasteNodes,
    ReplaceDocument,
    SetLabel,
    SetOutput,
    SetParams,
    SetValue,
)
from playground.ui.commands.groups import FeedGroupInput, GroupNodes, SetGroupLabel, Ungroup
from playground.ui.commands.painting import PAINT_MERGE_ID, SetPaintedPoints

__all__ = [
    "AUTO_LAYOUT_GAPS", "PAINT_MERGE_ID", "AddNode", "AutoLayout", "Connect", "DeleteItems",
    "Disconnect", "EdgeKey", "FeedGroupInput", "GroupNodes", "MoveNodes", "MoveWire",
    "PasteNodes", "Pos", "ReplaceDocument", "SetGroupLabel", "SetLabel", "SetOutput",
    "SetPaintedPoints", "SetParams", "SetValue", "Ungroup", "op_title",
]
