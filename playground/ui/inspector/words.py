"""What the Inspector says in words: the How-to guide, the sentence that reads a grad, the note
under an automatic output. Text only (no widgets), so it reads and tests on its own."""

from __future__ import annotations

from typing import Any

from playground.graph.document import GraphDocument
from playground.graph.names import OUTPUT, derivative, in_words
from playground.graph.numbers import signed

GUIDE = (
    "<b>How to</b><ul style='margin-left:-24px'>"
    "<li>Add: drag from the palette, double-click it, or press Tab on the canvas.</li>"
    "<li>Wire: drag from a node's output port (right) to an input port (left).</li>"
    "<li>Edit: double-click a name or a number on its card (F2 renames the selected "
    "card), or select a node and type here; Enter applies.</li>"
    "<li><b>Backward</b> (Ctrl+B): every grad becomes d(output)/d(node); "
    "<span style='color:#0877bd'>blue</span> is positive, "
    "<span style='color:#e8710a'>orange</span> negative.</li>"
    "<li>Grey grads are stale: the graph changed since Backward.</li>"
    "<li>Group: select nodes, Ctrl+G: one card; double-click it to open it, F2 to "
    "rename it.</li></ul>"
)


def _unbroken(text: str) -> str:
    """``text`` with no-break spaces: a wrapping label keeps it on one line (up to 40
    characters: a longer one would push the dock wider)."""
    return text.replace(" ", "\u00a0") if len(text) <= 40 else text


AUTO_OUTPUT = ("Automatic: the only node whose result no other node uses. Mark another "
               "node to start from it instead.")
"""Under the checked, greyed output box when nothing is marked and this is the only sink."""


def grad_meaning(doc: GraphDocument, node: str, out: str, grad: Any) -> str:
    """One sentence that reads ``node``'s finite ``grad``: how ``out`` moves when it moves.

    Names in full, not the card's "x*…" (which reads as dx times something), with no-break
    spaces: the label wraps between words, never inside a name."""
    them = in_words(doc, out, OUTPUT)
    me = _unbroken(in_words(doc, node, "this node"))
    if node == out:
        return f"Backward starts here: {_unbroken(derivative(them, them))} = 1."
    if grad == 0:
        return f"Nudging {me} does not change {_unbroken(them)} (to first order)."
    return f"If {me} goes up by a small h, {_unbroken(them)} changes by about {signed(grad)}·h."


def only_sink(doc: GraphDocument, node: str) -> bool:
    """Whether ``node`` is the only node no other node uses (stops at the second sink)."""
    graph = doc.graph
    return all(other == node or graph.out_degree(other) for other in graph.nodes)


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
