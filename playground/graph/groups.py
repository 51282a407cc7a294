"""Groups: any set of nodes shown as one composite node, nested, without changing a number.

A group is an overlay on the flat graph. Each node may name the group it sits in (its
``"group"`` attribute, absent at the top), and each group names its parent group (None at the
top), its label and its place. Evaluation, Backward, the gradient check and every number read
the flat graph, so a grouped graph computes *exactly* what the flattened one does: grouping
only decides what the canvas shows at each level.

A group's **ports** come from the wires that cross its edge (``ports(gid)``):

- its inputs: the outside nodes feeding a node inside, one port per outside node (``a`` feeding
  two nodes inside is one input, as a function's argument is used twice);
- its outputs: the inside nodes whose value leaves it (feeds an outside node, or is a result of
  the whole graph: the marked output or a node that feeds nothing).

A *scope* is where the canvas stands: None (the top) or a group id. ``children(scope)`` are the
nodes and groups directly in it; ``representative(item, scope)`` is what stands for a node there
(itself, or the group of that scope holding it).

``Groups`` is mixed into ``GraphDocument``; it uses the document's graph (``_g``), its group
table (``_groups``) and its events. Group ids and node ids share one namespace.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playground.graph.events import Event, GraphError

if TYPE_CHECKING:
    import networkx as nx

Pos = tuple[float, float]

GROUP_ATTR = "group"
"""The node attribute naming the group a node sits in (absent: the top)."""


@dataclass(frozen=True)
class Ports:
    """The wires crossing a group's edge, in the document's node order."""

    inputs: tuple[str, ...]
    """Outside nodes feeding the group (one port each)."""
    outputs: tuple[str, ...]
    """Inside nodes whose value leaves the group or is a result of the graph."""


class Groups:
    """Mixed into ``GraphDocument`` (which makes ``_g``, ``_groups``, ``_emit``, ...)."""

    _g: nx.MultiDiGraph
    _groups: dict[str, dict[str, Any]]
    _output: str | None
    _ports: dict[str, Ports] | None
    """Every group's ports, until the next change that can move them (the document's)."""

    def _emit(self, event: Event) -> None: ...  # pragma: no cover - GraphDocument's
    def new_id(self, prefix: str = "n") -> str: ...  # pragma: no cover
    def sinks(self) -> list[str]: ...  # pragma: no cover

    # --- reading -----------------------------------------------------------------------

    def groups(self) -> list[str]:
        """Every group id, in creation order."""
        return list(self._groups)

    def is_group(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._groups

    def group_info(self, gid: str) -> dict[str, Any]:
        """A copy of the group's attributes: label, pos, parent."""
        self._require_group(gid)
        return copy.deepcopy(self._groups[gid])

    def group_label(self, gid: str) -> str:
        self._require_group(gid)
        return self._groups[gid]["label"]

    def group_pos(self, gid: str) -> Pos:
        self._require_group(gid)
        return self._groups[gid]["pos"]

    def group_of(self, item_id: str) -> str | None:
        """The group a node or a group sits in (None: the top)."""
        if item_id in self._groups:
            return self._groups[item_id]["parent"]
        return self._g.nodes[item_id].get(GROUP_ATTR)

    def path(self, scope: str | None) -> list[str]:
        """The groups from the top down to ``scope`` (``[]`` for the top), for a breadcrumb."""
        chain: list[str] = []
        while scope is not None:
            chain.append(scope)
            scope = self._groups[scope]["parent"]
        return chain[::-1]

    def children(self, scope: str | None) -> tuple[list[str], list[str]]:
        """The nodes and the groups directly in ``scope``, in creation order."""
        if scope is not None:
            self._require_group(scope)
        nodes = [n for n, g in self._g.nodes(data=GROUP_ATTR) if g == scope]
        groups = [g for g, info in self._groups.items() if info["parent"] == scope]
        return nodes, groups

    def nested(self, gid: str) -> list[str]:
        """``gid`` and every group nested in it, each after its parent (creation order)."""
        self._require_group(gid)
        found = [gid]
        changed = True  # a parent may come after its child in the order: until nothing new
        while changed:
            changed = False
            for g, info in self._groups.items():
                if g not in found and info["parent"] in found:
                    found.append(g)
                    changed = True
        return found

    def inside(self, gid: str) -> set[str]:
        """Every node in ``gid`` or in a group nested in it."""
        self._require_group(gid)
        return {n for n in self._g.nodes if self._within(n, gid)}

    def _within(self, item_id: str, gid: str) -> bool:
        scope = self.group_of(item_id)
        while scope is not None:
            if scope == gid:
                return True
            scope = self._groups[scope]["parent"]
        return False

    def representative(self, item_id: str, scope: str | None) -> str | None:
        """What stands for ``item_id`` when the canvas shows ``scope``: the item itself when it
        sits directly in ``scope``, the group of ``scope`` that holds it, or None when it is
        outside ``scope``."""
        current = item_id
        while True:
            parent = self.group_of(current)
            if parent == scope:
                return current
            if parent is None:
                return None
            current = parent

    def ports(self, gid: str) -> Ports:
        """The group's inputs and outputs (see the module docstring). Every group's ports are
        found in one pass over the wires and kept until the next change of wires, members or
        output (the document forgets them): a card per group asks, and at 65,000 nodes one
        pass is 0.25 s."""
        self._require_group(gid)
        if self._ports is None:
            self._ports = self._all_ports()
        return self._ports[gid]

    def _all_ports(self) -> dict[str, Ports]:
        groups = self._groups
        depth: dict[str | None, int] = {None: 0}

        def depth_of(scope: str | None) -> int:
            # walked up iteratively: a file may nest groups thousands deep
            trail = []
            while scope not in depth:
                trail.append(scope)
                scope = groups[scope]["parent"]  # type: ignore[index]
            d = depth[scope]
            for g in reversed(trail):
                d += 1
                depth[g] = d
            return d

        of = dict(self._g.nodes(data=GROUP_ATTR))
        inputs: dict[str, dict[str, None]] = {g: {} for g in groups}
        outputs: dict[str, set[str]] = {g: set() for g in groups}
        for s, targets in self._g._succ.items():
            gs = of[s]
            for t in targets:  # a pair of nodes once, however many slots it feeds
                a, b = gs, of[t]
                if a == b:  # both in the same scope: the wire crosses no group's edge
                    continue
                da, db = depth_of(a), depth_of(b)
                # climb to the innermost group holding both: every group passed on t's side
                # takes s as an input, every one on s's side gives s as an output
                while db > da:
                    inputs[b][s] = None  # type: ignore[index]
                    b, db = groups[b]["parent"], db - 1  # type: ignore[index]
                while da > db:
                    outputs[a].add(s)  # type: ignore[index]
                    a, da = groups[a]["parent"], da - 1  # type: ignore[index]
                while a != b:
                    inputs[b][s] = None  # type: ignore[index]
                    outputs[a].add(s)  # type: ignore[index]
                    a, b = groups[a]["parent"], groups[b]["parent"]  # type: ignore[index]
        for r in set(self.sinks()) if self._output is None else {self._output}:
            g = of[r]
            while g is not None:
                outputs[g].add(r)
                g = groups[g]["parent"]
        order = {n: i for i, n in enumerate(self._g.nodes)}
        return {g: Ports(tuple(sorted(inputs[g], key=order.__getitem__)),
                         tuple(sorted(outputs[g], key=order.__getitem__)))
                for g in self._groups}

    def scope_graph(self, scope: str | None) -> nx.MultiDiGraph:
        """The graph ``scope`` shows: its nodes and groups, a wire between the items standing
        for each flat wire's ends (one per pair and slot; wires inside one group and from
        outside the scope left out). For laying a level out (``layout.graph_layout``)."""
        import networkx as nx

        nodes, groups = self.children(scope)
        g = nx.MultiDiGraph()
        g.add_nodes_from(nodes + groups)
        for s, t, k in self._g.edges(keys=True):
            rs, rt = self.representative(s, scope), self.representative(t, scope)
            if rs is None or rt is None or rs == rt:
                continue
            key = k if rt == t else 0
            if not g.has_edge(rs, rt, key):
                g.add_edge(rs, rt, key=key)
        return g

    # --- wiring to and from a group card ------------------------------------------------

    def level_loop_refusal(self, source: str, target: str, scope: str | None) -> str | None:
        """Why a wire ``source -> target``, with no cycle in the flat graph, would still close
        a loop among the cards of ``scope`` (a group card feeding itself through the level:
        as one card it would depend on itself), or None. Both ends plain nodes of ``scope``:
        always None (``connect_refusal`` finds their cycles)."""
        rs, rt = self.representative(source, scope), self.representative(target, scope)
        if rs is None or rt is None or (rs == source and rt == target):
            return None
        starts = self.inside(rt) if rt in self._groups else {rt}
        goals = self.inside(rs) if rs in self._groups else {rs}
        name = self.display_name  # type: ignore[attr-defined]
        card = rs if rs in self._groups else rt
        if starts & goals:
            return f"{name(card)} cannot feed itself"
        succ = self._g._succ
        seen, todo = set(starts), list(starts)
        while todo:
            for nxt in succ[todo.pop()]:
                if nxt in goals:
                    return (f"{name(rt)} already feeds {name(rs)}: this wire would close a "
                            f"loop between them (as one card, {name(card)} would depend on "
                            "itself)")
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return None

    def group_input_wires(self, gid: str, source: str) -> list[tuple[str, str, int]]:
        """The wires from ``source`` (outside ``gid``) into nodes inside it: what the group's
        input port for ``source`` stands for."""
        return sorted((source, t, k) for _, t, k in self._g.out_edges(source, keys=True)
                      if self._within(t, gid) and not self._within(source, gid))

    def group_input_refusal(self, gid: str, old: str, new: str) -> str | None:
        """Why feeding ``gid``'s input port for ``old`` from ``new`` (every wire from ``old``
        into the group then comes from ``new``) would be refused, or None."""
        self._require_group(gid)
        name = self.display_name  # type: ignore[attr-defined]
        if new not in self._g:
            return f"there is no node {new!r}"
        wires = self.group_input_wires(gid, old) if old in self._g else []
        if not wires:
            return f"{name(old)} does not feed {name(gid)}"
        if new == old:
            return None
        reason = self.level_loop_refusal(new, wires[0][1], self.group_of(gid))
        for _, t, k in wires:
            reason = reason or self.connect_refusal(  # type: ignore[attr-defined]
                new, t, k, replace=True)
        return reason

    # --- editing -----------------------------------------------------------------------

    def group_refusal(self, members: Iterable[str]) -> str | None:
        """Why ``add_group(members)`` would be refused, or None."""
        chosen = list(dict.fromkeys(members))
        if not chosen:
            return "select the nodes to group first"
        for m in chosen:
            if m not in self._g and m not in self._groups:
                return f"there is no node {m!r}"
        scopes = {self.group_of(m) for m in chosen}
        if len(scopes) > 1:
            return "the nodes to group must all sit at the same level (open their group first)"
        between = self._between(set(chosen), scopes.pop())
        if between:
            name = self.display_name(between)  # type: ignore[attr-defined]
            return (f"{name} takes a value from the selection and feeds one back into it: as "
                    f"one node the group would depend on itself. Add {name} to the selection, "
                    "or group less")
        return None

    def _between(self, members: set[str], scope: str | None) -> str | None:
        """An item of ``scope`` outside ``members`` on a path from a member to a member (a
        group of ``members`` would then feed itself), or None."""
        g = self.scope_graph(scope)

        def reach(step: Any) -> set[str]:
            seen: set[str] = set()
            todo = [m for m in members if m in g]
            while todo:
                for nxt in step(todo.pop()):
                    if nxt not in seen and nxt not in members:
                        seen.add(nxt)
                        todo.append(nxt)
            return seen

        both = reach(g.successors) & reach(g.predecessors)
        return min(both, key=list(g.nodes).index) if both else None

    def add_group(self, members: Iterable[str], *, label: str = "",
                  pos: Iterable[float] | None = None, group_id: str | None = None) -> str:
        """Put ``members`` (nodes and groups of one scope) into a new group there; returns its
        id. Without ``pos`` the group sits where its members' top-left one was."""
        chosen = list(dict.fromkeys(members))
        reason = self.group_refusal(chosen)
        if reason:
            raise GraphError(reason)
        if group_id is None:
            group_id = self.new_id("g")
        elif not isinstance(group_id, str) or not group_id:
            raise GraphError("a group id must be a non-empty string")
        elif group_id in self._g or group_id in self._groups:
            raise GraphError(f"there is already a node or group with id {group_id!r}")
        scope = self.group_of(chosen[0])
        if pos is None:
            pos = min(self._place(m) for m in chosen)
        x, y = pos
        self._groups[group_id] = {"label": str(label), "pos": (float(x), float(y)),
                                  "parent": scope}
        for m in chosen:
            self._set_scope(m, group_id)
        self._emit(Event("group_added", node=group_id))
        return group_id

    def insert_group(self, gid: str, *, label: str = "", pos: Iterable[float] = (0.0, 0.0),
                     parent: str | None = None, index: int | None = None) -> None:
        """Add an empty group ``gid`` in ``parent`` (undoing a delete puts a group back first,
        then its nodes with their ``group``); ``index``: its place in the creation order (an
        undo puts it back where it was, so ``to_data()`` is the same again)."""
        if not isinstance(gid, str) or not gid:
            raise GraphError("a group id must be a non-empty string")
        if gid in self._g or gid in self._groups:
            raise GraphError(f"there is already a node or group with id {gid!r}")
        if parent is not None:
            self._require_group(parent)
        x, y = pos
        self._groups[gid] = {"label": str(label), "pos": (float(x), float(y)), "parent": parent}
        if index is not None and index < len(self._groups) - 1:
            items = list(self._groups.items())
            items.insert(index, items.pop())
            self._groups = dict(items)
        self._emit(Event("group_added", node=gid))

    def delete_group(self, gid: str) -> None:
        """Remove an empty group (its nodes and groups were removed first)."""
        self._require_group(gid)
        nodes, groups = self.children(gid)
        if nodes or groups:
            raise GraphError(f"group {self.group_label(gid) or gid} is not empty")
        del self._groups[gid]
        self._emit(Event("group_removed", node=gid))

    def remove_group(self, gid: str) -> list[str]:
        """Ungroup: the group's direct members move up into its parent; returns them."""
        self._require_group(gid)
        parent = self._groups[gid]["parent"]
        nodes, groups = self.children(gid)
        for m in nodes + groups:
            self._set_scope(m, parent)
        del self._groups[gid]
        self._emit(Event("group_removed", node=gid))
        return nodes + groups

    def place_in(self, members: Iterable[str], gid: str | None) -> None:
        """Move nodes and groups into ``gid`` (None: the top), whatever level they were at:
        a node pasted while a group is open goes into it; undoing an ungroup puts the members
        back. One ``group_changed`` event (attr "members")."""
        chosen = list(dict.fromkeys(members))
        if gid is not None:
            self._require_group(gid)
        for m in chosen:
            if m not in self._g and m not in self._groups:
                raise GraphError(f"there is no node {m!r}")
            if m in self._groups and gid is not None and (
                    m == gid or m in self.walk_up(gid)):
                raise GraphError("a group cannot go inside itself")
        for m in chosen:
            self._set_scope(m, gid)
        self._emit(Event("group_changed", node=gid, attr="members"))

    def set_group_label(self, gid: str, label: str) -> None:
        self._require_group(gid)
        self._groups[gid]["label"] = str(label)
        self._emit(Event("group_changed", node=gid, attr="label"))

    def move_group(self, gid: str, pos: Iterable[float]) -> None:
        self._require_group(gid)
        x, y = pos
        self._groups[gid]["pos"] = (float(x), float(y))
        self._emit(Event("group_changed", node=gid, attr="pos"))

    def groups_data(self) -> list[dict[str, Any]]:
        """The group table as plain data, in creation order (for files and snapshots)."""
        return [{"id": g, "label": info["label"], "pos": list(info["pos"]),
                 "parent": info["parent"]} for g, info in self._groups.items()]

    def restore_groups(self, groups: Iterable[dict[str, Any]]) -> None:
        """Add the group table of ``groups_data()`` (trusted; nodes name their own group)."""
        for g in groups:
            x, y = g["pos"]
            self._groups[g["id"]] = {"label": g.get("label", ""), "pos": (float(x), float(y)),
                                     "parent": g.get("parent")}

    def _set_scope(self, item_id: str, scope: str | None) -> None:
        if item_id in self._groups:
            self._groups[item_id]["parent"] = scope
        elif scope is None:
            self._g.nodes[item_id].pop(GROUP_ATTR, None)
        else:
            self._g.nodes[item_id][GROUP_ATTR] = scope

    def _place(self, item_id: str) -> Pos:
        if item_id in self._groups:
            return self._groups[item_id]["pos"]
        return self._g.nodes[item_id]["pos"]

    def _require_group(self, gid: str) -> None:
        if gid not in self._groups:
                raise GraphError(f"there is no group {gid!r}")

    def walk_up(self, scope: str | None) -> Iterator[str]:
        """``scope`` and every group above it, innermost first."""
        while scope is not None:
            yield scope
            scope = self._groups[scope]["parent"]

    def all_ports(self) -> dict[str, Ports]:
        """``ports(g)`` of every group at once, in one pass over the wires: a wire from s to t
        is an input of the groups holding t but not s, and s an output of those holding s but
        not t (files and exports ask for every group; ``ports`` per group would be quadratic)."""
        chains: dict[str | None, tuple[str, ...]] = {None: ()}

        def chain(scope: str | None) -> tuple[str, ...]:
            """``scope`` and the groups above it (cached: nodes share their groups' chains)."""
            missing: list[str] = []
            while scope not in chains:
                missing.append(scope)  # type: ignore[arg-type]
                scope = self._groups[scope]["parent"]  # type: ignore[index]
            found = chains[scope]
            for g in reversed(missing):
                found = chains[g] = (g, *found)
            return found

        node_chain = {n: chain(g) for n, g in self._g.nodes(data=GROUP_ATTR)}
        inputs: dict[str, set[str]] = {g: set() for g in self._groups}
        outputs: dict[str, set[str]] = {g: set() for g in self._groups}
        for s, t in self._g.edges():
            cs, ct = node_chain[s], node_chain[t]
            if cs == ct:
                continue
            for g in set(ct).difference(cs):
                inputs[g].add(s)
            for g in set(cs).difference(ct):
                outputs[g].add(s)
        results = self.sinks() if self._output is None else [self._output]
        for r in results:
            for g in node_chain[r]:
                outputs[g].add(r)
        order = {n: i for i, n in enumerate(self._g.nodes)}
        return {g: Ports(tuple(sorted(inputs[g], key=order.__getitem__)),
                         tuple(sorted(outputs[g], key=order.__getitem__)))
                for g in self._groups}
