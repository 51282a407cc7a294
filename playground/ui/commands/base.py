"""What every command shares: how a command names an op, an input, a set of nodes."""

from __future__ import annotations

from playground.graph.document import GraphDocument
from playground.ops import OPS
from playground.teach.text import input_name

AUTO_LAYOUT_GAPS = (200.0, 100.0)
"""Auto layout's column and row distances: room for a canvas card (about 131 × 69) and its
wires."""

Pos = tuple[float, float]
EdgeKey = tuple[str, str, int]


def op_title(op: str) -> str:
    """How a command names an op: "tanh", or "* (mul)" when the symbol is not the name."""
    entry = OPS[op]
    return entry.name if entry.symbol == entry.name else f"{entry.symbol} ({entry.name})"


def _slot_text(doc: GraphDocument, target: str, slot: int) -> str:
    """Which input of ``target`` a wire feeds, in the learner's words, as a suffix:
    `` (right input)``, `` (exponent input)``, `` (2nd input)`` for a one-letter port name;
    nothing for an op with one input."""
    names = doc.slot_names(target)
    if len(names) == 1 and slot == 0:
        return ""
    if not 0 <= slot < len(names):
        return f" (input {slot + 1})"
    return f" ({input_name(names[slot], slot)})"


def _nodes_text(doc: GraphDocument, ids: list[str], verb: str) -> str:
    if len(ids) == 1:
        return f"{verb} {doc.display_name(ids[0])}"
    return f"{verb} {len(ids)} nodes"
