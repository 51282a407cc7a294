"""Numbers you can check by hand: finite differences per leaf, and wiggling one value.

A ``Replay`` rebuilds a document's scalar graph from ``Value`` leaves, so the engine's own
``numerical_grads`` (``playground.engine.gradcheck``) can nudge a leaf and re-run it.

- ``gradient_check(doc, h)``: for every leaf the output depends on, the grad backward gives next
  to the forward difference ``(f(x+h) - f(x)) / h`` (the lecture's formula) and the central one
  ``(f(x+h) - f(x-h)) / 2h``, each with an agree mark.
- ``h_sweep(doc, leaf)``: the same for one leaf and many h. A large h measures the slope of a
  chord, not of the curve (off by about f''·h/2); a tiny h loses the digits to rounding (f is
  known to ~1e-16 relative, and dividing by h magnifies that). Somewhere between they agree.
- ``wiggle(doc, leaf, dx)``: nudge one value, re-run forward and compare how much the output
  actually moved with what the grad predicted, ``dL ≈ grad · dx``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from playground.engine.gradcheck import numerical_grads
from playground.engine.value import Value
from playground.graph.document import GraphDocument, GraphError
from playground.graph.numbers import precise, signed, summary
from playground.ops import OPS
from playground.teach.steps import TeachError
from playground.teach.text import d, name

RTOL = 1e-3
"""Relative tolerance of the agree mark (0.1%)."""
ATOL = 1e-6
SWEEP = (1.0, 0.1, 0.01, 1e-3, 1e-5, 1e-8, 1e-11, 1e-13, 1e-15)


def agree(analytic: float, numerical: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    if math.isnan(analytic) or math.isnan(numerical):
        return False
    if math.isinf(analytic) or math.isinf(numerical):
        return analytic == numerical
    return abs(analytic - numerical) <= atol + rtol * max(abs(analytic), abs(numerical))


class Replay:
    """A scalar document as engine ``Value``s, re-runnable after its leaves change."""

    def __init__(self, doc: GraphDocument) -> None:
        try:
            out = doc.output_node()
        except GraphError as exc:
            raise TeachError(str(exc)) from None
        g = doc.graph
        needed = nx.ancestors(g, out) | {out}
        self.doc = doc
        self.output = out
        self.order = [n for n in nx.topological_sort(g) if n in needed]
        self.leaves: dict[str, Value] = {}
        self.inputs: dict[str, list[str]] = {}
        for n in self.order:
            if doc.kind(n) == "value":
                literal = doc.value(n)
                if not isinstance(literal, int | float):
                    raise TeachError("this works on graphs of numbers only, not tensors")
                self.leaves[n] = Value(float(literal), label=name(doc, n))
                continue
            op = OPS[doc.op_name(n)]
            if not op.scalar:
                raise TeachError(f"{op.name} works on tensors: this needs a graph of numbers")
            fed = doc.inputs(n)
            if None in fed:
                raise TeachError(f"{name(doc, n)} has an input that is not connected")
            self.inputs[n] = fed  # type: ignore[assignment]

    def run(self) -> Value:
        """Forward from the current leaf data; returns the output ``Value``."""
        values: dict[str, Value] = dict(self.leaves)
        for n in self.order:
            ins = self.inputs.get(n)
            if ins is None:
                continue
            op = OPS[self.doc.op_name(n)]
            a = values[ins[0]]
            values[n] = a._apply(op) if op.arity == 1 else a._apply(op, values[ins[1]])
        return values[self.output]

    def grads(self) -> dict[str, float]:
        """d output / d leaf, by the engine's backward."""
        out = self.run()
        for leaf in self.leaves.values():
            leaf.grad = 0.0
        out.backward()
        return {n: v.grad for n, v in self.leaves.items()}


@dataclass(frozen=True)
class LeafCheck:
    node: str
    name: str
    data: float
    analytic: float
    forward: float
    central: float

    @property
    def forward_ok(self) -> bool:
        return agree(self.analytic, self.forward)

    @property
    def central_ok(self) -> bool:
        return agree(self.analytic, self.central)

    @property
    def mark(self) -> str:
        """"✓" both agree, "~" only the central difference does, "✗" neither."""
        if self.forward_ok and self.central_ok:
            return "✓"
        return "~" if self.central_ok or self.forward_ok else "✗"


@dataclass(frozen=True)
class GradCheckReport:
    output: str
    out_name: str
    h: float
    rows: list[LeafCheck]
    total_leaves: int = 0
    """How many leaves the output depends on (``rows`` may hold fewer: ``max_leaves``)."""

    @property
    def all_ok(self) -> bool:
        return all(r.forward_ok and r.central_ok for r in self.rows)

    def row(self, label: str) -> LeafCheck:
        for r in self.rows:
            if r.name == label or r.node == label:
                return r
        raise KeyError(label)

    def summary(self) -> str:
        bad = [r.name for r in self.rows if not (r.forward_ok and r.central_ok)]
        some = ""
        if self.total_leaves > len(self.rows):
            some = (f" (checked {len(self.rows)} of {self.total_leaves} leaves: each one "
                    "re-runs the whole graph)")
        if not bad:
            return (f"h = {precise(self.h)}: backward and both finite differences agree "
                    f"(within {RTOL:.1%}) for every leaf{some}.")
        return (f"h = {precise(self.h)}: the finite differences miss for {', '.join(bad)}"
                f"{some}. Too large an h measures a chord, too small an h loses digits to "
                "rounding.")


def gradient_check(
    doc: GraphDocument, h: float = 1e-3, max_leaves: int | None = None
) -> GradCheckReport:
    """Backward against forward and central differences, for every leaf (see module doc).

    ``max_leaves`` caps the work on big graphs (labelled leaves first): each leaf costs three
    forward runs of the whole graph.
    """
    if not 0 < h < math.inf:
        raise TeachError(f"h must be a positive number, got {h!r}")
    replay = Replay(doc)
    analytic = replay.grads()
    ids = list(replay.leaves)
    total = len(ids)
    if max_leaves is not None and total > max_leaves:
        ids = sorted(ids, key=lambda n: not doc.label(n))[: max(1, max_leaves)]
    leaves = [replay.leaves[n] for n in ids]
    fwd = numerical_grads(replay.run, leaves, h=h, method="forward")
    cen = numerical_grads(replay.run, leaves, h=h, method="central")
    rows = [
        LeafCheck(n, name(doc, n), replay.leaves[n].data, analytic[n], f, c)
        for n, f, c in zip(ids, fwd, cen, strict=True)
    ]
    return GradCheckReport(replay.output, name(doc, replay.output), h, rows, total)


@dataclass(frozen=True)
class SweepRow:
    h: float
    forward: float
    central: float
    analytic: float

    @property
    def forward_error(self) -> float:
        return abs(self.forward - self.analytic)

    @property
    def central_error(self) -> float:
        return abs(self.central - self.analytic)

    @property
    def forward_ok(self) -> bool:
        return agree(self.analytic, self.forward)


def h_sweep(doc: GraphDocument, leaf: str, hs: Sequence[float] = SWEEP) -> list[SweepRow]:
    """Forward and central differences of one leaf for each h (see module doc)."""
    replay = Replay(doc)
    if leaf not in replay.leaves:
        raise TeachError(f"{name(doc, leaf)} is not a value the output depends on")
    g = replay.grads()[leaf]
    v = [replay.leaves[leaf]]
    rows = []
    for h in hs:
        f = numerical_grads(replay.run, v, h=h, method="forward")[0]
        c = numerical_grads(replay.run, v, h=h, method="central")[0]
        rows.append(SweepRow(h, f, c, g))
    return rows


@dataclass(frozen=True)
class Wiggle:
    node: str
    name: str
    out_name: str
    x: float
    dx: float
    out_before: float
    out_after: float
    grad: float

    @property
    def actual(self) -> float:
        return self.out_after - self.out_before

    @property
    def predicted(self) -> float:
        return self.grad * self.dx

    def lines(self) -> list[str]:
        o, n = self.out_name, self.name
        return [
            f"{n}: {summary(self.x)} → {summary(self.x + self.dx)}  (dx = {signed(self.dx)})",
            f"{o} actually moved: {summary(self.out_before)} → {summary(self.out_after)}, "
            f"d{o} = {signed(self.actual)}",
            f"the grad predicted: {d(o, n)} · dx = {summary(self.grad)} · {summary(self.dx)} "
            f"= {signed(self.predicted)}",
            self.verdict(),
        ]

    def verdict(self) -> str:
        if self.dx == 0:
            return "Move the slider: the grad says how fast the output moves per unit of dx."
        gap = self.actual - self.predicted
        if agree(self.predicted, self.actual, rtol=1e-6, atol=1e-9):
            return ("Exactly as predicted: along this path the output is a straight line "
                    f"in {self.name}.")
        return (f"Off by {summary(gap)}: the grad is the slope at {summary(self.x)}, and the curve "
                "bends away from it; the smaller dx, the better the prediction.")


def wiggle(doc: GraphDocument, leaf: str, dx: float) -> Wiggle:
    """Nudge value ``leaf`` by ``dx``: the output's actual change and ``grad · dx``."""
    replay = Replay(doc)
    if leaf not in replay.leaves:
        raise TeachError(f"{name(doc, leaf)} is not a value the output depends on")
    grad = replay.grads()[leaf]
    v = replay.leaves[leaf]
    x = v.data
    before = replay.run().data
    try:
        v.data = x + dx
        after = replay.run().data
    finally:
        v.data = x
    return Wiggle(leaf, name(doc, leaf), name(doc, replay.output), x, dx, before, after, grad)
