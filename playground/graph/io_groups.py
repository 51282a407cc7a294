"""A version 2 file's groups, checked: the ``groups`` list, each node's ``group`` and the ports
a group lists, each problem a ``LoadError`` naming where it is
(``groups[1].parent: group 'g2' would sit inside itself: g2 → g3 → g2``).

``check_groups`` runs on the parsed data, before the document is built (ids, labels, places,
parents, nesting, which group each node names); ``check_ports`` runs on the built document,
since a group's ports follow from its wires and the graph's result (``Groups.all_ports``). The
ports are written for readers' convenience: a file may leave them out, but what it lists must
be exactly the wires that cross the group's edge. See docs/file-format.md, "Groups (version 2)".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playground.graph.io_base import LoadError
from playground.graph.io_check import item_id, pos_of
from playground.graph.quoting import brief
from playground.graph.quoting import kind as json_type

if TYPE_CHECKING:
    from playground.graph.document import GraphDocument

GROUP_KEYS = ("id", "label", "pos", "parent", "inputs", "outputs")
PORT_KEYS = ("inputs", "outputs")
MAX_CHAIN_SHOWN = 8
"""A nesting loop longer than this is shown cut (``g1 → g2 → … → g1``)."""


def check_groups(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]], node_groups: dict[str, Any],
    where_node: dict[str, int],
) -> list[dict[str, Any]]:
    """The validated groups (id, label, pos or None, parent) in file order; ``node_groups`` is
    each node's raw ``group`` value, set into ``nodes[n]["group"]`` once checked."""
    raw = data.get("groups", [])
    if not isinstance(raw, list):
        raise LoadError(f"groups: expected a list, found {json_type(raw)}")
    groups: list[dict[str, Any]] = []
    where: dict[str, int] = {}
    for i, g in enumerate(raw):
        at = f"groups[{i}]"
        gid = item_id(g, at)
        if gid in where:
            raise LoadError(f"{at}.id: duplicate group id {brief(gid)} (also groups[{where[gid]}])")
        if gid in nodes:
            raise LoadError(f"{at}.id: {brief(gid)} is already the id of a node "
                            f"(nodes[{where_node[gid]}]): groups and nodes share their ids")
        label = g.get("label", "")
        if label is None:
            label = ""
        if not isinstance(label, str):
            raise LoadError(f"{at}.label: expected a string, found {json_type(label)}")
        pos = pos_of(g["pos"], f"{at}.pos") if g.get("pos") is not None else None
        parent = g.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise LoadError(f"{at}.parent: expected a group id or null, found "
                            f"{json_type(parent)}")
        for key in PORT_KEYS:
            ports = g.get(key)
            if ports is not None and not isinstance(ports, list):
                raise LoadError(f"{at}.{key}: expected a list of node ids, found "
                                f"{json_type(ports)}")
        where[gid] = i
        groups.append({"id": gid, "label": label, "pos": pos, "parent": parent})
    parents = {g["id"]: g["parent"] for g in groups}
    for i, g in enumerate(groups):
        parent = g["parent"]
        if parent is not None and parent not in parents:
            raise LoadError(f"groups[{i}].parent: there is no group {brief(parent)}")
    _check_nesting(groups, parents)
    for n, gid in node_groups.items():
        at = f"nodes[{where_node[n]}].group"
        if gid is None:
            continue
        if not isinstance(gid, str):
            raise LoadError(f"{at}: expected a group id or null, found {json_type(gid)}")
        if gid not in parents:
            raise LoadError(f"{at}: there is no group {brief(gid)}")
        nodes[n]["group"] = gid
    return groups


def _check_nesting(groups: list[dict[str, Any]], parents: dict[str, str | None]) -> None:
    """No group inside itself: each parent chain is walked once (linear in the groups), the
    first group in file order on a loop is named, with the loop."""
    state: dict[str, int] = {}  # 1: on the chain being walked, 2: reaches the top
    index = {g["id"]: i for i, g in enumerate(groups)}
    for g in groups:
        chain: list[str] = []
        current: str | None = g["id"]
        while current is not None and current not in state:
            state[current] = 1
            chain.append(current)
            current = parents[current]
        if current is not None and state[current] == 1:  # the walk came back to itself
            loop = chain[chain.index(current):]
            start = min(range(len(loop)), key=lambda j: index[loop[j]])
            loop = loop[start:] + loop[:start]  # from the first of the loop in the file
            shown = [brief(x, 20).strip("'") for x in loop[:MAX_CHAIN_SHOWN]]
            if len(loop) > MAX_CHAIN_SHOWN:
                shown.append("…")
            path = " → ".join([*shown, shown[0]])
            raise LoadError(f"groups[{index[loop[0]]}].parent: group {brief(loop[0])} would "
                            f"sit inside itself: {path}")
        for x in chain:
            state[x] = 2


def check_ports(doc: GraphDocument, raw_groups: list[Any]) -> None:
    """The ``inputs`` and ``outputs`` a file lists for its groups, against the wires: each an
    existing node, on the right side of the group's edge, listed once, and all of them."""
    if not any(isinstance(g, dict) and (g.get("inputs") is not None
                                        or g.get("outputs") is not None) for g in raw_groups):
        return
    ports = doc.all_ports()
    order = {n: i for i, n in enumerate(doc.node_ids())}
    for i, g in enumerate(raw_groups):
        gid = g["id"]
        for key in PORT_KEYS:
            listed = g.get(key)
            if listed is not None:
                real = set(getattr(ports[gid], key))
                _check_port_list(doc, f"groups[{i}].{key}", gid, key, listed, real, order)


def _check_port_list(doc: GraphDocument, at: str, gid: str, key: str, listed: list[Any],
                     real: set[str], order: dict[str, int]) -> None:
    seen: dict[str, int] = {}
    name = brief(gid)
    for j, n in enumerate(listed):
        where = f"{at}[{j}]"
        if not isinstance(n, str):
            raise LoadError(f"{where}: expected a node id, found {json_type(n)}")
        if n not in doc:
            raise LoadError(f"{where}: there is no node {brief(n)}")
        inside = gid in doc.walk_up(doc.group_of(n))  # each port: its node's groups only
        if key == "outputs" and not inside:
            raise LoadError(f"{where}: {brief(n)} is not inside group {name}")
        if key == "inputs" and inside:
            raise LoadError(f"{where}: {brief(n)} is inside group {name}: an input comes "
                            "from outside it")
        if n in seen:
            raise LoadError(f"{where}: {brief(n)} is listed twice (also {at}[{seen[n]}])")
        seen[n] = j
        if n not in real:
            why = ("no wire from it goes into the group" if key == "inputs" else
                   "no wire from it leaves the group and it is not the graph's result")
            raise LoadError(f"{where}: {brief(n)} is not an {key[:-1]} of group {name}: {why}")
    missing = [n for n in real if n not in seen]
    if missing:
        first = min(missing, key=order.__getitem__)
        verb = "feeds a node inside" if key == "inputs" else "leaves"
        raise LoadError(f"{at}: {brief(first)} {verb} group {name} but is not listed "
                        f"(the {key} must match the wires)")
