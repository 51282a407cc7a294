"""The clipboard format: selected nodes and the wires between them as plain, JSON-able data.

``copy_nodes(doc, ids)`` makes it; ``clipboard_problem(data)`` says why text from the clipboard
is not such data (or None); ``paste_nodes(doc, data, offset)`` adds a copy with fresh ids and
says which id became which. Copy, Paste and Duplicate use these through the ``PasteNodes``
command (``playground.ui.commands``), so a paste is one undo step.

    {"format": "backprop-playground-clipboard", "version": 1,
     "nodes": [{"id": "a", "kind": "value", "value": 2.0, "label": "a", "pos": [0, 0], ...}],
     "edges": [{"source": "a", "target": "e", "slot": 0}]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from playground.graph.document import GraphDocument, GraphError
from playground.graph.io_text import find_unencodable
from playground.graph.names import free_letter, free_variant, is_constant_label
from playground.graph.quoting import brief
from playground.ops import OPS

CLIPBOARD_MIME = "application/x-backprop-playground-graph"
"""Clipboard MIME type for ``json.dumps(copy_nodes(...))``."""

CLIPBOARD_FORMAT = "backprop-playground-clipboard"


def copy_nodes(doc: GraphDocument, ids: Iterable[str]) -> dict[str, Any]:
    """The nodes ``ids`` and the wires between them, as plain JSON-able data."""
    chosen = [n for n in dict.fromkeys(ids) if n in doc]
    keep = set(chosen)
    nodes = []
    for n in chosen:
        attrs = doc.node(n)
        attrs["pos"] = list(attrs["pos"])
        nodes.append({"id": n, **attrs})
    edges = [
        {"source": e.source, "target": e.target, "slot": e.slot}
        for e in doc.edges()
        if e.source in keep and e.target in keep
    ]
    return {"format": CLIPBOARD_FORMAT, "version": 1, "nodes": nodes, "edges": edges}


def clipboard_problem(data: Any) -> str | None:
    """Why ``data`` is not something ``copy_nodes`` made, or None."""
    if not isinstance(data, dict) or data.get("format") != CLIPBOARD_FORMAT:
        return "the clipboard holds no playground nodes"
    nodes, edges = data.get("nodes"), data.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return "the clipboard data is damaged"
    ids = set()
    for n in nodes:
        if not isinstance(n, dict) or not isinstance(n.get("id"), str):
            return "the clipboard data is damaged"
        if n.get("kind") == "op" and n.get("op") not in OPS:
            return f"unknown op {brief(n.get('op'))} on the clipboard"
        if n.get("kind") not in ("value", "op"):
            return "the clipboard data is damaged"
        ids.add(n["id"])
    seen = set()
    for e in edges:
        if not isinstance(e, dict) or e.get("source") not in ids or e.get("target") not in ids:
            return "the clipboard data is damaged"
        key = (e["target"], e.get("slot"))
        if key in seen or not isinstance(e.get("slot"), int):
            return "the clipboard data is damaged"
        seen.add(key)
    unsavable = find_unencodable(data)
    if unsavable is not None:  # JSON's "\ud800": it could be pasted but never saved
        return f"the clipboard's {unsavable[0]}: {unsavable[1]}"
    # Text pasted from elsewhere can still be refused by the document (a bad literal, an edge
    # into a value, a cycle): try it on a scratch document, so a paste cannot fail halfway.
    scratch = GraphDocument()
    try:
        for n in nodes:
            x, y = n.get("pos", (0.0, 0.0))
            scratch.add_node(n["kind"], op=n.get("op"), label=n.get("label", ""),
                             value=n.get("value"), pos=(float(x), float(y)), node_id=n["id"],
                             params=n.get("params"))
        for e in edges:
            scratch.connect(e["source"], e["target"], e["slot"])
    except (GraphError, TypeError, ValueError) as exc:
        return f"the clipboard data is damaged: {exc}"
    return None


def paste_nodes(
    doc: GraphDocument,
    data: Mapping[str, Any],
    offset: tuple[float, float] = (0.0, 0.0),
    new_ids: dict[str, str] | None = None,
) -> dict[str, str]:
    """Add a copy of clipboard ``data`` (checked by ``clipboard_problem`` first) to ``doc``,
    shifted by ``offset``; returns copied id -> new id. ``new_ids`` given: reuse those ids
    (a redo makes the same nodes again), filling in any missing."""
    new_ids = {} if new_ids is None else new_ids
    dx, dy = offset
    taken = {doc.display_name(n) for n in doc.node_ids()}
    for n in data["nodes"]:
        new = new_ids.get(n["id"]) or doc.new_id()
        new_ids[n["id"]] = new
        x, y = n.get("pos", (0.0, 0.0))
        label = _copy_name(n.get("label", ""), n["kind"], taken)
        doc.add_node(
            n["kind"],
            op=n.get("op"),
            label=label,
            value=n.get("value"),
            pos=(float(x) + dx, float(y) + dy),
            node_id=new,
            params=n.get("params"),
        )
    for e in data["edges"]:
        doc.connect(new_ids[e["source"]], new_ids[e["target"]], e["slot"])
    return new_ids


def _copy_name(label: str, kind: str, taken: set[str]) -> str:
    """A pasted copy's name: its own if no node has it (cut and paste keeps a's name), else a
    value takes the next free letter and a named op its name numbered (``L`` -> ``L2``). A
    constant keeps its number; an unnamed op stays unnamed (named after its inputs)."""
    if not label or is_constant_label(label) or label not in taken:
        new = label
    elif kind == "value":
        new = free_letter(taken)
    else:
        new = free_variant(label, taken)
    if new:
        taken.add(new)
    return new
