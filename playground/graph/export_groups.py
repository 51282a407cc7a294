"""How an exported script writes a graph's groups as functions: which group becomes a ``def``,
what each body computes in which order, and which groups must be written out flat.

A group is a function of its ports (``Groups.ports``): its inputs are the parameters, its
outputs what it returns, and it is called where it sits (a nested group is a call inside its
parent's function). That needs the group's inside to be computable in one go: a group whose
values leave it and come back in through another node (``a`` inside, ``b`` outside, ``c``
inside, ``a → b → c``), or two groups each needing the other's result, cannot each be one
call. Such a group is written out flat where it sits (its nodes become its parent's, its own
groups may still be calls), and the script's header says which and why. Numbers never change:
a function computes the same operations on the same values as the flat script.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import networkx as nx

from playground.graph.document import GraphDocument
from playground.graph.groups import Ports


@dataclass
class Body:
    """What one scope computes, in order: ``("node", id)`` or ``("call", group id)``."""

    scope: str | None
    items: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class GroupPlan:
    """The bodies of the top level and of every group written as a function."""

    top: Body
    functions: dict[str, Body]
    """Group id -> its function's body, in the order the functions are first called."""
    ports: dict[str, Ports]
    flattened: list[str]
    """The groups written out flat (in creation order): they cannot be one call."""

    def flat_order(self) -> list[str]:
        """Every node in the order the functions compute them (each call's body where the
        call is): a flat script in this order makes the same ops in the same sequence."""
        out: list[str] = []
        stack = [iter(self.top.items)]  # no recursion: groups may nest thousands deep
        while stack:
            for kind, item in stack[-1]:
                if kind == "node":
                    out.append(item)
                else:
                    stack.append(iter(self.functions[item].items))
                    break
            else:
                stack.pop()
        return out


def plan_groups(doc: GraphDocument, order: list[str]) -> GroupPlan:
    """The plan for ``doc`` whose flat evaluation order is ``order``."""
    position = {n: i for i, n in enumerate(order)}
    created = {g: i for i, g in enumerate(doc.groups())}
    ports = doc.all_ports()
    chain: dict[str, list[str]] = {}  # node -> its groups, outermost first
    members_of: dict[str | None, list[str]] = {None: list(order)}  # the nodes inside, in order
    for n in order:
        groups = list(doc.walk_up(doc.group_of(n)))
        chain[n] = groups[::-1]
        for g in groups:
            members_of.setdefault(g, []).append(n)
    flattened: set[str] = set()
    functions: dict[str, Body] = {}

    sources = {n: [s for s in doc.inputs(n) if s is not None] for n in order}

    def body(scope: str | None) -> Body:
        depth = 0 if scope is None else len(doc.path(scope))
        members = members_of.get(scope, [])
        inside = set(members)
        while True:
            item_of = {n: _item(chain[n][depth:], n, flattened) for n in members}
            first: dict[str, int] = {}  # an item's place: its first node's in the flat order
            for n in members:
                first.setdefault(item_of[n], position[n])
            after: dict[str, set[str]] = {item: set() for item in first}
            for n in members:
                for s in sources[n]:
                    if s in inside and item_of[s] != item_of[n]:
                        after[item_of[s]].add(item_of[n])
            items = _in_order(after, first)
            if items is not None:
                break
            cycle = nx.find_cycle(nx.DiGraph(after))  # only when there is one
            on_it = [u for u, _ in cycle if doc.is_group(u)]
            flattened.add(max(on_it, key=created.__getitem__))  # the newest: fewest nested
        out = Body(scope)
        for item in items:
            out.items.append(("call" if doc.is_group(item) else "node", item))
        return out

    top = body(None)
    pending = [g for kind, g in top.items if kind == "call"]
    while pending:  # each called group's body, in the order they are first met
        g = pending.pop(0)
        functions[g] = body(g)
        pending += [h for kind, h in functions[g].items if kind == "call"]
    return GroupPlan(top, functions, ports, sorted(flattened, key=created.__getitem__))


def _in_order(after: dict[str, set[str]], first: dict[str, int]) -> list[str] | None:
    """The items in an order where each comes after those it needs, the earliest in the flat
    order first (Kahn's, by a heap); None when they need each other in a loop."""
    needs = dict.fromkeys(after, 0)
    for targets in after.values():
        for t in targets:
            needs[t] += 1
    ready = [(first[i], i) for i, k in needs.items() if k == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, item = heapq.heappop(ready)
        out.append(item)
        for t in after[item]:
            needs[t] -= 1
            if needs[t] == 0:
                heapq.heappush(ready, (first[t], t))
    return out if len(out) == len(after) else None


def _item(groups_below: list[str], node: str, flattened: set[str]) -> str:
    """What stands for ``node`` in a body: the outermost group below the body's scope that is
    written as a function, else the node itself."""
    for g in groups_below:
        if g not in flattened:
            return g
    return node
