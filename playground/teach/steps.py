"""Step through forward and backward, one node at a time, with the real numbers.

``forward_steps(doc)`` walks the topological order (inputs first): each step computes one
node, ``e = a * b = 2.0000 * -3.0000 = -6.0000``.

``backward_steps(doc)`` walks the reversed topological order from the output: each step
finishes one node's gradient by the chain rule, from the nodes that consume it,
``dL/da = dL/de · de/da = -2.0000 · -3.0000 = 6.0000``; a node used by several consumers sums
what flows back along each wire, ``dL/da = 6.0000 (via e) + 1.0000 (via c) = 7.0000``.
Every consumer of a node comes before it in that order, so its gradient is final when the
step reaches it: that is why backward needs the topological order.

The local derivatives are the op table's own (``Op.local`` for the numbers, ``Op.local_text``
for the formula, ``Op.hint`` for why), and the numbers are ``evaluate``'s, so the text always
agrees with the grads on the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from playground.graph import params as P
from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.numbers import summary
from playground.ops import OPS, SCALAR
from playground.teach.text import (
    d,
    expression,
    input_name,
    name,
    output_name,
    substitute,
    the_output,
    wrap,
)

EdgeKey = tuple[str, str, int]

class TeachError(ValueError):
    """The graph cannot be stepped through (the message says why, for the user)."""


@dataclass(frozen=True)
class Contribution:
    """What flows back along one wire ``node -> consumer`` (into input ``slot``)."""

    consumer: str
    slot: int
    upstream: Any
    """d output / d consumer."""
    local: Any
    """d consumer / d node (None when the op has no element-wise local derivative)."""
    value: Any
    """upstream · local: the contribution."""
    local_formula: str
    """The local derivative in the graph's names ("b", "1 − o²")."""

    @property
    def edge(self) -> EdgeKey:
        return (self.source, self.consumer, self.slot)

    source: str = ""
    parts: tuple[GroupPart, ...] = ()
    """When ``consumer`` is a group (``group_steps``): one part per output of the group the
    gradient reaches ``source`` through, d output/d o · d o/d source; ``slot`` is -1."""

    @property
    def through_group(self) -> bool:
        return self.slot < 0


@dataclass(frozen=True)
class GroupPart:
    """One output ``o`` of a group, seen from one of its input ports ``n``: the gradient that
    reaches ``n`` from ``o`` through the group's inside."""

    output: str
    upstream: Any
    """d output / d o (o's grad)."""
    local: Any
    """d o / d n computed by the inside (None on the tensor engine: a Jacobian, not a number)."""
    value: Any
    """upstream · local (None when local is)."""


@dataclass(frozen=True)
class Step:
    """One step of forward or backward."""

    index: int
    """From 0."""
    node: str
    title: str
    lines: tuple[str, ...]
    """The explanation, the main equation first."""
    edges: tuple[EdgeKey, ...]
    """The wires this step's numbers flow along (forward: inputs; backward: to consumers)."""
    value: Any
    """The node's data (forward) or grad (backward)."""
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)
    edge_values: dict[EdgeKey, str] = field(default_factory=dict)
    """Text to show on each wire (backward: the gradient flowing along it)."""
    scope: str | None = None
    """The group whose inside this step is in (None: the top level; see ``group_steps``)."""
    opens: str | None = None
    """A group's step: the group (its local derivatives are computed by its inside, and the
    learner can step inside it)."""
    leaving: bool = False
    """A step inside a group that hands a gradient back out, to an input port outside it."""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def equation(self) -> str:
        return self.lines[0]


def _ready(doc: GraphDocument, ev: Evaluation | None, backward: bool) -> Evaluation:
    if ev is None or (backward and not ev.backward):
        ev = evaluate(doc, backward=backward)
    if ev.problems:
        raise TeachError(ev.problems[0])
    return ev


def forward_steps(doc: GraphDocument, ev: Evaluation | None = None) -> list[Step]:
    """One step per node in topological order (inputs first)."""
    ev = _ready(doc, ev, backward=False)
    steps: list[Step] = []
    for n in ev.order:
        r = ev.results[n]
        me = name(doc, n)
        edges: tuple[EdgeKey, ...] = ()
        if r.error is not None:
            lines = (f"{me}: cannot compute it: {r.error}",)
        elif doc.kind(n) == "value":
            lines = (
                f"{me} = {summary(r.data)}",
                f"{me} is a value you set: a leaf of the graph, nothing to compute.",
            )
        else:
            ins = doc.inputs(n)
            edges = tuple((s, n, k) for k, s in enumerate(ins) if s is not None)
            names = [wrap(name(doc, s)) for s in ins if s is not None]
            nums = [summary(ev.results[s].data) for s in ins if s is not None]
            symbolic, numeric = expression(doc, n, names), expression(doc, n, nums)
            ready = " and ".join(dict.fromkeys(names))
            head = f"{me} = {symbolic}" if doc.label(n) else symbolic
            lines = (
                f"{head} = {numeric} = {summary(r.data)}",
                f"{ready} came earlier in the topological order, so their data are ready.",
            )
        title = f"Forward step {len(steps) + 1} of {len(ev.order)}: {me}"
        steps.append(Step(len(steps), n, title, lines, edges, r.data))
    return steps


def backward_steps(doc: GraphDocument, ev: Evaluation | None = None) -> list[Step]:
    """One step per node the output depends on, in reversed topological order (output first)."""
    ev = _ready(doc, ev, backward=True)
    if not ev.backward or ev.output is None:
        raise TeachError("backward cannot run on this graph: " + _why(ev))
    out = ev.output
    upstream = nx.ancestors(doc.graph, out) | {out}
    order = [n for n in reversed(ev.order) if n in upstream]
    position = {n: i for i, n in enumerate(ev.order)}
    out_name = output_name(doc, out)
    steps: list[Step] = []
    for n in order:
        grad = ev.results[n].grad
        me = out_name if n == out else name(doc, n)
        title = f"Backward step {len(steps) + 1} of {len(order)}: {me}"
        if n == out:
            lines = (
                f"{d(out_name, out_name)} = 1",
                f"{the_output(out_name)}: nudging it by h moves it by h, so backward "
                "starts here with gradient 1.",
            )
            steps.append(Step(len(steps), n, title, lines, (), grad))
            continue
        contribs = _contributions(doc, ev, n, position)
        edges = tuple(c.edge for c in contribs)
        edge_values = {c.edge: summary(c.value) for c in contribs}
        lines = _backward_lines(doc, n, out_name, grad, contribs)
        steps.append(Step(len(steps), n, title, lines, edges, grad, tuple(contribs), edge_values))
    return steps


def _why(ev: Evaluation) -> str:
    if ev.problems:
        return ev.problems[0]
    errors = ev.errors()
    return next(iter(errors.values()), "no output")


def _contributions(
    doc: GraphDocument, ev: Evaluation, n: str, position: dict[str, int]
) -> list[Contribution]:
    scalar = ev.engine == "scalar"
    found = []
    for e in sorted(doc.consumers(n), key=lambda e: (position[e.target], e.slot)):
        key = (e.source, e.target, e.slot)
        if key not in ev.contributions:
            continue  # the consumer is not upstream of the output
        t = e.target
        op = OPS[doc.op_name(t)]
        ins = doc.inputs(t)
        words = {slot: wrap(name(doc, s)) for slot, s in zip(op.slots, ins, strict=True) if s}
        words["out"] = wrap(name(doc, t))
        # an element-wise op with a parameter (powc's exponent) needs it for its local derivative
        params = doc.effective_params(t) if op.params and op.local is not None else {}
        if "exponent" in params:  # powc's n·base^(n−1) with its number: 2·x^(2−1)
            words["n"] = P.number_text(params["exponent"])
        formula = substitute(op.local_text[e.slot], words) if op.local_text else "vjp"
        local = None
        if scalar and op.local is not None:
            data = [ev.results[s].data for s in ins]
            local = op.local(SCALAR, *data, ev.results[t].data, **params)[e.slot]
        found.append(
            Contribution(t, e.slot, ev.results[t].grad, local, ev.contributions[key], formula,
                         source=n)
        )
    return found


def _backward_lines(
    doc: GraphDocument, n: str, out: str, grad: Any, contribs: list[Contribution]
) -> tuple[str, ...]:
    me = name(doc, n)
    dn = d(out, me)

    def chain(c: Contribution) -> str:
        t = name(doc, c.consumer)
        if c.through_group:
            return group_chain(doc, out, me, c)
        if c.local is None:
            return f"{d(out, t)} through {t} = {summary(c.value)}"
        return (f"{d(out, t)} · {d(t, me)} = {summary(c.upstream)} · {summary(c.local)} "
                f"= {summary(c.value)}")

    def local_line(c: Contribution, head: bool = True) -> str:
        t = c.consumer
        if c.through_group:
            return group_local_line(doc, me, c)
        op = OPS[doc.op_name(t)]
        ins = doc.inputs(t)
        names = [wrap(name(doc, s)) for s in ins if s is not None]
        expr = expression(doc, t, names)
        hint = op.hint  # why the local derivative is what it is, from the op table
        why = f"because {name(doc, t)} = {expr}" + (f" ({hint})" if hint else "")
        if c.local is None:
            return f"{name(doc, t)} = {expr}: its vector-Jacobian product gives the gradient"
        if not head:
            return why[0].upper() + why[1:] + "."
        text = f"{d(name(doc, t), me)} = {c.local_formula}"
        if not _is_number(c.local_formula):
            text += f" = {summary(c.local)}"
        return f"{text}, {why}"

    if not contribs:
        return (f"{dn} = {summary(grad)}",)
    if len(contribs) == 1:
        c = contribs[0]
        dl_dl = name(doc, c.consumer) == out and c.local is not None and not c.through_group
        if dl_dl:  # dL/dL = 1: skip it
            value = "" if _is_number(c.local_formula) else f" = {summary(grad)}"
            return (f"{dn} = {c.local_formula}{value}", local_line(c, head=False))
        return (f"{dn} = {chain(c)}", local_line(c))
    parts = " + ".join(f"{summary(c.value)} ({_via(doc, c, contribs)})" for c in contribs)
    lines = [
        f"{dn} = {parts} = {summary(grad)}",
        f"{me} is used {len(contribs)} times, so the gradients flowing back along each of "
        "its wires add up (+=).",
    ]
    for c in contribs:
        lines.append(f"  {_via(doc, c, contribs)}: {chain(c)}")
        lines.append(f"    {local_line(c)}")
    return tuple(lines)


def _via(doc: GraphDocument, c: Contribution, all_: list[Contribution]) -> str:
    t = name(doc, c.consumer)
    if c.through_group:
        return f"via {t}"
    if sum(1 for o in all_ if o.consumer == c.consumer) > 1:
        slot = OPS[doc.op_name(c.consumer)].slots[c.slot]
        return f"via {t}, {input_name(slot, c.slot)}"
    return f"via {t}"


def group_chain(doc: GraphDocument, out: str, me: str, c: Contribution) -> str:
    """``dL/do · do/dn = 1.0000 · 0.5000 = 0.5000``: the chain rule through a group, whose
    local derivative do/dn its inside computes (one product per output of the group)."""
    if any(p.local is None for p in c.parts):
        return f"{d(out, name(doc, c.consumer))} through {name(doc, c.consumer)} = " \
               f"{summary(c.value)}"
    symbols = " + ".join(f"{d(out, name(doc, p.output))} · {d(name(doc, p.output), me)}"
                         for p in c.parts)
    numbers = " + ".join(f"{summary(p.upstream)} · {summary(p.local)}" for p in c.parts)
    return f"{symbols} = {numbers} = {summary(c.value)}"


def group_local_line(doc: GraphDocument, me: str, c: Contribution) -> str:
    """The local derivative of a group: its number, "computed by its inside"."""
    g = name(doc, c.consumer)
    if any(p.local is None for p in c.parts):
        return f"{g} is a group: its inside computes the gradient (double-click it to look inside)"
    known = ", ".join(f"{d(name(doc, p.output), me)} = {summary(p.local)}" for p in c.parts)
    return f"{known}, computed by its inside: {g} is a group (double-click it to look inside)"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
