"""Step through one level of the groups at a time: a group is one step (issue 17 §1).

The canvas shows one scope at a time, the top (None) or the inside of a group, and
``backward_steps_at(doc, scope)`` gives that level's steps, in backward order:

- a node of the level steps as in ``steps.backward_steps``, except that a consumer hidden in a
  group reads "via tanh": ``dL/do · do/dn = 1.0000 · 0.5000``, where do/dn is the group's local
  derivative, *computed by its inside*;
- a group is one step: its local derivatives (d o/d n for each output o and input port n, with
  their numbers) "computed by its inside", and the chain rule it hands on,
  ``n.grad += dL/do · do/dn`` (``Step.opens`` names the group, to step inside it);
- inside a group (``scope=gid``) its own items come first, in backward order, then one step
  per input port hands what the inside found back out (``Step.leaving``), which is the number
  the outer level's ``via`` line used: the learner goes in, and comes back out where they were.

Every number summed is the flat evaluation's own (grads, and what flows along each wire), so a
level's sums agree with the canvas exactly. A group's local derivative d o/d n is computed by a
backward from o restricted to the inside that stops at the group's other outputs: it counts the
paths from n whose first output of the group is o. Then ``n.grad = Σ_o o.grad · do/dn`` holds
with o's grad as its card shows it, even when an output is also used inside (a path through
another output is counted in that output's term).

``forward_steps_at(doc, scope)`` is forward's counterpart: the level's nodes as
``steps.forward_steps`` computes them, inputs first, and a group as one step, its outputs
"computed by its inside".

A grouping can make a loop at a level (a group holding ``a`` and ``c`` of ``a → b → c``):
no order lets the group be one step there, so that level says so (``TeachError``).
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import Any

import networkx as nx

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation
from playground.graph.numbers import summary
from playground.ops import OPS, SCALAR
from playground.teach.steps import (
    Contribution,
    EdgeKey,
    GroupPart,
    Step,
    TeachError,
    _backward_lines,
    _contributions,
    _ready,
    _why,
    backward_steps,
    forward_steps,
    group_chain,
)
from playground.teach.text import d, name, output_name, the_output

__all__ = ["backward_steps_at", "forward_steps_at", "group_locals"]


def backward_steps_at(doc: GraphDocument, scope: str | None = None,
                      ev: Evaluation | None = None) -> list[Step]:
    """The backward steps of one level: the top (None) or a group's inside (its id)."""
    ev = _ready(doc, ev, backward=True)
    if not ev.backward or ev.output is None:
        raise TeachError("backward cannot run on this graph: " + _why(ev))
    if scope is not None and not doc.is_group(scope):
        raise TeachError(f"there is no group {scope!r}")
    if scope is None and not doc.groups():  # the same steps (a test checks), 10% sooner
        return backward_steps(doc, ev)
    return _Level(doc, ev, scope).steps()


def forward_steps_at(doc: GraphDocument, scope: str | None = None,
                     ev: Evaluation | None = None) -> list[Step]:
    """Forward one level at a time: the level's nodes as ``forward_steps`` computes them,
    inputs first, and a group as one step ("o = 0.7071, computed by its inside")."""
    ev = _ready(doc, ev, backward=False)
    if scope is not None and not doc.is_group(scope):
        raise TeachError(f"there is no group {scope!r}")
    if scope is None and not doc.groups():
        return forward_steps(doc, ev)
    return _forward_level(doc, ev, scope)


def _forward_level(doc: GraphDocument, ev: Evaluation, scope: str | None) -> list[Step]:
    flat = {s.node: s for s in forward_steps(doc, ev)}
    position = {n: i for i, n in enumerate(ev.order)}
    key: dict[str, int] = {}
    reps: dict[str, str | None] = {}
    for n in ev.order:
        r = reps[n] = doc.representative(n, scope)
        if r is not None:
            key[r] = min(key.get(r, position[n]), position[n])
    level = nx.DiGraph()
    level.add_nodes_from(key)
    for a, b in doc.graph.edges():
        ra, rb = reps[a], reps[b]
        if ra is not None and rb is not None and ra != rb:
            level.add_edge(ra, rb)
    if not nx.is_directed_acyclic_graph(level):
        raise TeachError(_loop_text(doc, level))
    order = list(nx.lexicographical_topological_sort(level, key=key.__getitem__))
    if not order:
        raise TeachError(f"{name(doc, scope or '')} is empty: there is no step to take in it")
    steps: list[Step] = []
    for item in order:
        title = f"Forward step {len(steps) + 1} of {len(order)}: {name(doc, item)}"
        if doc.is_group(item):
            steps.append(_group_forward(doc, ev, item, len(steps), title + " (a group)", scope))
        else:
            steps.append(replace(flat[item], index=len(steps), title=title, scope=scope))
    return steps


def _group_forward(doc: GraphDocument, ev: Evaluation, gid: str, index: int, title: str,
                   scope: str | None) -> Step:
    g = name(doc, gid)
    ports = doc.ports(gid)
    inner = doc.inside(gid)
    broken = [o for o in ports.outputs if ev.results[o].error is not None]
    if broken:
        lines: tuple[str, ...] = (
            f"{g}: cannot compute {name(doc, broken[0])}: {ev.results[broken[0]].error}",)
    else:
        outs = ", ".join(f"{name(doc, o)} = {summary(ev.results[o].data)}"
                         for o in ports.outputs)
        ins = ", ".join(f"{name(doc, n)} = {summary(ev.results[n].data)}"
                        for n in ports.inputs)
        lines = (f"{outs}, computed by its inside",
                 f"{g} is a group: one node here, a graph of its own inside"
                 + (f", fed {ins}" if ins else "") + ". Step inside to watch it compute.")
    edges = tuple((e.source, e.target, e.slot) for n in ports.inputs
                  for e in doc.consumers(n) if e.target in inner)
    first = ev.results[ports.outputs[0]].data if ports.outputs else None
    return Step(index, gid, title, lines, edges, first, scope=scope, opens=gid)


def _loop_text(doc: GraphDocument, level: nx.DiGraph) -> str:
    loop = [u for u, _v in nx.find_cycle(level)]
    names = " → ".join(name(doc, u) for u in [*loop, loop[0]])
    return (f"at this level the groups make a loop ({names}): a wire leaves a group and comes "
            "back into it, so the group cannot be one step. Ungroup it, or open it and step "
            "inside")


def group_locals(doc: GraphDocument, gid: str, ev: Evaluation) -> dict[str, dict[str, Any]]:
    """``{o: {n: do/dn}}`` for the group's outputs o and input ports n the output depends on:
    a backward from o through the inside that stops at the group's other outputs. A number on
    the scalar engine; None on the tensor engine (there it is a Jacobian, not one number)."""
    assert ev.output is not None
    upstream = nx.ancestors(doc.graph, ev.output) | {ev.output}
    return _Level(doc, ev, doc.group_of(gid)).locals(gid, upstream)


def _add(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a + b


class _Level:
    def __init__(self, doc: GraphDocument, ev: Evaluation, scope: str | None,
                 shared: _Level | None = None) -> None:
        self.doc, self.ev, self.scope = doc, ev, scope
        assert ev.output is not None
        self.out = ev.output
        self.out_name = output_name(doc, self.out)
        if shared is not None:  # the level above or below: the same graph, read once
            self.upstream, self.position = shared.upstream, shared.position
        else:
            self.upstream = nx.ancestors(doc.graph, self.out) | {self.out}
            self.position = {n: i for i, n in enumerate(ev.order)}
        self._above: _Level | None = None
        self._reps: dict[str, str | None] = {}
        self._locals: dict[str, dict[str, dict[str, Any]]] = {}
        self._inside: dict[str, set[str]] = {}
        self._ports: dict[str, Any] = {}

    def inside(self, gid: str) -> set[str]:
        if gid not in self._inside:  # each reads the whole graph: once per group
            self._inside[gid] = self.doc.inside(gid)
        return self._inside[gid]

    def ports(self, gid: str) -> Any:
        if gid not in self._ports:
            self._ports[gid] = self.doc.ports(gid)
        return self._ports[gid]

    def rep(self, n: str) -> str | None:
        if n not in self._reps:
            self._reps[n] = self.doc.representative(n, self.scope)
        return self._reps[n]

    # --- which items, in which order -------------------------------------------------------

    def order(self) -> list[str]:
        """The level's items in backward order: a consumer before what it consumes; among the
        items ready, the one whose latest node comes latest in the flat order (so with no
        group this is exactly the reversed topological order of ``backward_steps``)."""
        key: dict[str, int] = {}
        for n in self.upstream:
            r = self.rep(n)
            if r is not None:
                key[r] = max(key.get(r, -1), self.position[n])
        level = nx.DiGraph()
        level.add_nodes_from(key)
        for s, t in self.doc.graph.edges():
            if s in self.upstream and t in self.upstream:
                rs, rt = self.rep(s), self.rep(t)
                if rs is not None and rt is not None and rs != rt:
                    level.add_edge(rs, rt)
        if not nx.is_directed_acyclic_graph(level):
            raise TeachError(_loop_text(self.doc, level))
        waiting = {u: level.out_degree(u) for u in level}
        ready = [(-key[u], u) for u, k in waiting.items() if k == 0]
        heapq.heapify(ready)
        found: list[str] = []
        while ready:
            _k, u = heapq.heappop(ready)
            found.append(u)
            for p in level.predecessors(u):
                waiting[p] -= 1
                if waiting[p] == 0:
                    heapq.heappush(ready, (-key[p], p))
        return found

    def ports_out(self) -> list[str]:
        """Inside a group: its input ports that the inside hands a gradient back to."""
        if self.scope is None:
            return []
        inputs = [n for n in self.ports(self.scope).inputs
                  if n in self.upstream and self._wires_into(n, self.scope)]
        return sorted(inputs, key=self.position.__getitem__, reverse=True)

    def _wires_into(self, n: str, gid: str) -> list[EdgeKey]:
        inner = self.inside(gid)
        return [(e.source, e.target, e.slot) for e in self.doc.consumers(n)
                if e.target in inner and (e.source, e.target, e.slot) in self.ev.contributions]

    # --- the steps -------------------------------------------------------------------------

    def steps(self) -> list[Step]:
        items = self.order()
        leaving = self.ports_out()
        total = len(items) + len(leaving)
        if not items:
            raise TeachError(f"nothing inside {name(self.doc, self.scope or '')} feeds "
                             f"{self.out_name}: there is no step to take in it")
        steps: list[Step] = []
        for item in items:
            title = f"Backward step {len(steps) + 1} of {total}: {name(self.doc, item)}"
            if self.doc.is_group(item):
                steps.append(self.group_step(len(steps), item, title + " (a group)"))
            else:
                steps.append(self.node_step(len(steps), item, title))
        for n in leaving:
            title = (f"Backward step {len(steps) + 1} of {total}: back out of "
                     f"{name(self.doc, self.scope or '')}, to {name(self.doc, n)}")
            steps.append(self.leaving_step(len(steps), n, title))
        return steps

    def grad(self, n: str) -> Any:
        return self.ev.results[n].grad

    def contributions(self, n: str) -> tuple[list[Contribution], list[Contribution]]:
        """What flows back to ``n`` from its consumers at this level (a group's consumers
        merged into one "via the group"), and what comes from outside the scope."""
        here: list[Contribution] = []
        outside: list[Contribution] = []
        merged: dict[str, list[Contribution]] = {}
        for c in _contributions(self.doc, self.ev, n, self.position):
            r = self.rep(c.consumer)
            if r is None:
                outside.append(c)
            elif r == c.consumer:
                here.append(c)
            else:
                if r not in merged:
                    merged[r] = []
                    here.append(Contribution(r, -1, None, None, None, "", source=n))
                merged[r].append(c)
        return [self.through(c, merged[c.consumer]) if c.through_group else c
                for c in here], outside

    def through(self, c: Contribution, wires: list[Contribution]) -> Contribution:
        """One contribution for everything that flows back to ``c.source`` through group
        ``c.consumer``: the flat wires' sum, with the group's local derivatives as parts."""
        gid, n = c.consumer, c.source
        value: Any = 0.0
        for w in wires:
            value = value + w.value
        locals_ = self.locals(gid, self.upstream)
        parts = tuple(GroupPart(o, self.grad(o), row[n],
                                None if row[n] is None else self.grad(o) * row[n])
                      for o, row in locals_.items() if n in row)
        return Contribution(gid, -1, None, None, value, "computed by its inside", source=n,
                            parts=parts)

    def node_step(self, index: int, n: str, title: str) -> Step:
        doc, out_name = self.doc, self.out_name
        grad = self.grad(n)
        if n == self.out:
            lines = (f"{d(out_name, out_name)} = 1",
                     f"{the_output(out_name)}: nudging it by h moves it by h, so backward "
                     "starts here with gradient 1.")
            return Step(index, n, title, lines, (), grad, scope=self.scope)
        here, outside = self.contributions(n)
        edges = self._edges(n, here)
        edge_values = {e: summary(self.ev.contributions[e]) for e in edges}
        if outside:  # an output of the group we are in: its grad comes (partly) from outside
            lines = self._output_lines(n, grad, here, outside)
        else:
            lines = _backward_lines(doc, n, out_name, grad, here)
        return Step(index, n, title, lines, edges, grad, tuple(here), edge_values,
                    scope=self.scope)

    def _edges(self, n: str, contribs: list[Contribution]) -> tuple[EdgeKey, ...]:
        edges: list[EdgeKey] = []
        for c in contribs:
            edges += self._wires_into(n, c.consumer) if c.through_group else [c.edge]
        return tuple(edges)

    def _output_lines(self, n: str, grad: Any, here: list[Contribution],
                      outside: list[Contribution]) -> tuple[str, ...]:
        doc, g = self.doc, name(self.doc, self.scope or "")
        me = name(doc, n)
        came: Any = 0.0
        for c in outside:
            came = came + c.value
        if not here:
            return (f"{d(self.out_name, me)} = {summary(grad)}",
                    f"{me} is an output of {g}: its grad comes from outside the group, where "
                    "the steps outside found it.")
        inside = " + ".join(f"{summary(c.value)} (via {name(doc, c.consumer)})" for c in here)
        rest = _backward_lines(doc, n, self.out_name, grad, here)
        return (f"{d(self.out_name, me)} = {summary(came)} (from outside {g}) + {inside} "
                f"= {summary(grad)}",
                f"{me} is an output of {g} and is used inside it too: the gradients from both "
                "sides add up (+=).", *rest[1:])

    def group_step(self, index: int, gid: str, title: str) -> Step:
        doc, out_name = self.doc, self.out_name
        g = name(doc, gid)
        locals_ = self.locals(gid, self.upstream)
        outputs = list(locals_)
        ports = [n for n in self.ports(gid).inputs
                 if n in self.upstream and self._wires_into(n, gid)]
        sent = [self.through(Contribution(gid, -1, None, None, None, "", source=n),
                             [c for c in _contributions(doc, self.ev, n, self.position)
                              if self.rep(c.consumer) == gid])
                for n in ports]
        known = [f"{d(name(doc, p.output), name(doc, c.source))} = {summary(p.local)}"
                 for c in sent for p in c.parts if p.local is not None]
        head = (", ".join(known) + ", computed by its inside" if known
                else f"{g}: its local derivatives are computed by its inside")
        lines = [head,
                 f"{g} is a group: one node here, a graph of its own inside. Its local "
                 "derivative is what backward through that inside gives: press Step inside "
                 "to watch it."]
        edges: list[EdgeKey] = []
        for o in outputs:
            me = name(doc, o)
            if o == self.out:
                lines.append(f"  {d(out_name, me)} = 1: {me} is the output")
                continue
            from_ = [c for c in _contributions(doc, self.ev, o, self.position)
                     if self.rep(c.consumer) != gid]
            edges += [c.edge for c in from_]
            where = ", ".join(dict.fromkeys(name(doc, self.rep(c.consumer) or c.consumer)
                                            for c in from_))
            lines.append(f"  {d(out_name, me)} = {summary(self.grad(o))}"
                         + (f" (from {where})" if where else ""))
        for c in sent:
            lines.append(f"  {name(doc, c.source)}.grad += "
                         f"{group_chain(doc, out_name, name(doc, c.source), c)}")
        edge_values = {e: summary(self.ev.contributions[e]) for e in edges}
        value = self.grad(outputs[0]) if len(outputs) == 1 else tuple(map(self.grad, outputs))
        return Step(index, gid, title, tuple(lines), tuple(edges), value, tuple(sent),
                    edge_values, scope=self.scope, opens=gid)

    def leaving_step(self, index: int, n: str, title: str) -> Step:
        """Inside a group: what its inside sends back to input port ``n`` (outside it)."""
        doc, gid = self.doc, self.scope
        assert gid is not None
        me, g = name(doc, n), name(doc, gid)
        here, _outside = self.contributions(n)
        total: Any = 0.0
        for c in here:
            total = total + c.value
        detail = _backward_lines(doc, n, self.out_name, total, here)
        if self._above is None:  # one for every port: its group's local derivatives once
            self._above = _Level(doc, self.ev, doc.group_of(gid), shared=self)
        outer = self._above.through(Contribution(gid, -1, None, None, None, "", source=n),
                             [c for c in _contributions(doc, self.ev, n, self.position)
                              if doc.representative(c.consumer, gid) is not None])
        # "dL/dn = ..." would claim all of n's grad: n may be used outside too
        first = detail[0].removeprefix(f"{d(self.out_name, me)} = ")
        lines = [f"{me}.grad += {first}",
                 f"{me} is outside {g}: this is what {g}'s inside sends back to it, the number "
                 f"the step outside {g} used ({group_chain(doc, self.out_name, me, outer)}).",
                 *detail[1:]]
        edges = self._edges(n, here)
        edge_values = {e: summary(self.ev.contributions[e]) for e in edges}
        return Step(index, n, title, tuple(lines), edges, total, tuple(here), edge_values,
                    scope=gid, leaving=True)

    # --- a group's local derivatives ---------------------------------------------------------

    def locals(self, gid: str, upstream: set[str]) -> dict[str, dict[str, Any]]:
        if gid not in self._locals:
            self._locals[gid] = self._find_locals(gid, upstream)
        return self._locals[gid]

    def _find_locals(self, gid: str, upstream: set[str]) -> dict[str, dict[str, Any]]:
        doc, ev = self.doc, self.ev
        inner = self.inside(gid)
        outputs = [o for o in self.ports(gid).outputs if o in upstream]
        others = set(outputs)
        walk = sorted(inner & upstream, key=self.position.__getitem__, reverse=True)
        found: dict[str, dict[str, Any]] = {}
        for o in outputs:
            adjoint: dict[str, Any] = {o: 1.0}
            row: dict[str, Any] = {}
            for t in walk:
                if t not in adjoint or doc.kind(t) != "op":
                    continue
                local = self._local(t)
                for slot, s in enumerate(doc.inputs(t)):
                    if s is None or (s, t, slot) not in ev.contributions:
                        continue
                    part = None if local is None or adjoint[t] is None \
                        else adjoint[t] * local[slot]
                    if s not in inner:
                        row[s] = _add(row.get(s, 0.0), part)
                    elif s not in others:  # a path through another output is that output's
                        adjoint[s] = _add(adjoint.get(s, 0.0), part)
            found[o] = row
        return found

    def _local(self, t: str) -> tuple[Any, ...] | None:
        op = OPS[self.doc.op_name(t)]
        if self.ev.engine != "scalar" or op.local is None:
            return None
        params = self.doc.effective_params(t) if op.params else {}
        data = [self.ev.results[s].data for s in self.doc.inputs(t)]
        return op.local(SCALAR, *data, self.ev.results[t].data, **params)
