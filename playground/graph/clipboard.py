"""The clipboard format: selected nodes and the wires between them as plain, JSON-able data.

``copy_nodes(doc, ids)`` makes it; ``clipboard_problem(data)`` says why text from the clipboard
is not such data (or None); ``paste_nodes(doc, data, offset, scope=...)`` adds a copy with fresh
ids into ``scope`` (a group, None: the top) and says which id became which. Copy, Paste and
Duplicate use these through the ``PasteNodes`` command (``playground.ui.commands``), so a paste
is one undo step.

    {"format": "backprop-playground-clipboard", "version": 1,
     "nodes": [{"id": "a", "kind": "value", "value": 2.0, "label": "a", "pos": [0, 0], ...}],
     "edges": [{"source": "a", "target": "e", "slot": 0}]}

Groups: ``ids`` may name groups; a group is copied whole, its nodes and nested groups with it.
The data is then version 2, with ``"groups": [{"id", "label", "pos", "parent"}]`` (a parent
not copied becomes null) and a ``"group"`` on each node inside a copied group. Pasted, every
group gets a fresh id, and what sat at the copy's top sits in the paste's scope. Data without
groups (version 1, from before groups) pastes as it always did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from playground.graph.document import GraphDocument, GraphError
from playground.graph.groups import GROUP_ATTR
from playground.graph.io_base import LoadError
from playground.graph.io_groups import check_groups
from playground.graph.io_text import find_unencodable
from playground.graph.names import free_letter, free_variant, is_constant_label
from playground.graph.quoting import brief
from playground.ops import OPS

CLIPBOARD_MIME = "application/x-backprop-playground-graph"
"""Clipboard MIME type for ``json.dumps(copy_nodes(...))``."""

CLIPBOARD_FORMAT = "backprop-playground-clipboard"


def copy_nodes(doc: GraphDocument, ids: Iterable[str]) -> dict[str, Any]:
    """The nodes and groups ``ids`` (a group with everything inside it) and the wires between
    them, as plain JSON-able data."""
    wanted = list(dict.fromkeys(ids))
    picked = {g for g in wanted if doc.is_group(g)}
    groups = [g for g in doc.groups() if g in picked or any(
        a in picked for a in doc.walk_up(doc.group_of(g)))]  # the picked, and those inside
    copied = set(groups)
    inside = {n for g in picked for n in doc.inside(g)}
    chosen = [n for n in doc.node_ids() if n in inside] + [
        n for n in wanted if n in doc and n not in inside]
    keep = set(chosen)
    nodes = []
    for n in chosen:
        attrs = doc.node(n)
        attrs["pos"] = list(attrs["pos"])
        if attrs.get(GROUP_ATTR) not in copied:  # it lands in the paste's scope
            attrs.pop(GROUP_ATTR, None)
        nodes.append({"id": n, **attrs})
    edges = [
        {"source": e.source, "target": e.target, "slot": e.slot}
        for e in doc.edges()
        if e.source in keep and e.target in keep
    ]
    data: dict[str, Any] = {"format": CLIPBOARD_FORMAT, "version": 1, "nodes": nodes,
                            "edges": edges}
    if groups:
        data["version"] = 2
        data["groups"] = [
            {**g, "parent": g["parent"] if g["parent"] in copied else None}
            for g in doc.groups_data() if g["id"] in copied
        ]
    return data


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
    if data.get("groups") is not None:
        problem = _groups_problem(data, nodes)
        if problem:
            return problem
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


def _groups_problem(data: Mapping[str, Any], nodes: list[dict[str, Any]]) -> str | None:
    """Why the clipboard's groups are damaged (the file's checks: ids, nesting, each node's
    group), or None."""
    try:
        check_groups({"groups": data["groups"]}, {n["id"]: {} for n in nodes},
                     {n["id"]: n.get(GROUP_ATTR) for n in nodes},
                     {n["id"]: i for i, n in enumerate(nodes)})
    except LoadError as exc:
        return f"the clipboard data is damaged: {exc}"
    return None


def paste_nodes(
    doc: GraphDocument,
    data: Mapping[str, Any],
    offset: tuple[float, float] = (0.0, 0.0),
    new_ids: dict[str, str] | None = None,
    scope: str | None = None,
) -> dict[str, str]:
    """Add a copy of clipboard ``data`` (checked by ``clipboard_problem`` first) to ``doc``,
    shifted by ``offset``, into group ``scope`` (None: the top); returns copied id -> new id,
    groups included. ``new_ids`` given: reuse those ids (a redo makes the same nodes and
    groups again), filling in any missing."""
    if scope is not None and not doc.is_group(scope):
        raise GraphError(f"there is no group {scope!r} to paste into")
    new_ids = {} if new_ids is None else new_ids
    dx, dy = offset
    groups = _parents_first(data.get("groups") or [])
    for g in groups:
        new = new_ids.get(g["id"]) or doc.new_id("g")
        new_ids[g["id"]] = new
        x, y = g.get("pos") or (0.0, 0.0)
        parent = g.get("parent")
        doc.insert_group(new, label=g.get("label") or "", pos=(float(x) + dx, float(y) + dy),
                         parent=scope if parent is None else new_ids[parent])
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
            group=scope if not groups or n.get(GROUP_ATTR) is None else new_ids[n[GROUP_ATTR]],
        )
    for e in data["edges"]:
        doc.connect(new_ids[e["source"]], new_ids[e["target"]], e["slot"])
    return new_ids


def _parents_first(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``groups`` ordered so each comes after its parent (copied in creation order, an inner
    group may come first), otherwise as they were."""
    by_id = {g["id"]: g for g in groups}
    out: list[dict[str, Any]] = []
    placed: set[str] = set()
    for g in groups:
        chain = []
        while g is not None and g["id"] not in placed:
            chain.append(g)
            g = by_id.get(g.get("parent"))  # type: ignore[arg-type]
        for h in reversed(chain):
            placed.add(h["id"])
            out.append(h)
    return out


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
