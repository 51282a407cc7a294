"""Numbers you can check by hand: finite differences per node, and wiggling one node.

A ``Replay`` rebuilds a document's scalar graph from engine ``Value``s. As in the lecture
(``d.data += h``, then recompute L), any node can be nudged, a leaf or an interior node: its
output moves by h and only what lies downstream of it is recomputed (``Replay.nudged``).

- ``gradient_check(doc, h)``: for every node the output depends on, the grad backward gives
  next to the forward difference ``(f(n+h) - f(n)) / h`` (the lecture's formula) and the
  central one ``(f(n+h) - f(n-h)) / 2h``, each with a verdict that fits its h
  (``Differences``).
- ``h_sweep(doc, node)``: the same for one node and many h. A large h measures the slope of a
  chord, not of the curve (off by about f''·h/2); a tiny h loses the digits to rounding (f is
  known to ~1e-16 relative, and dividing by h magnifies that). Somewhere between they agree.
- ``wiggle(doc, node, dx)``: nudge one node, re-run what is downstream of it and compare how
  much the output actually moved with what the grad predicted, ``dL ≈ grad · dx``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from playground.engine.value import Value
from playground.graph import names
from playground.graph.document import GraphDocument, GraphError
from playground.graph.numbers import precise, signed, summary
from playground.ops import OPS
from playground.teach.steps import TeachError
from playground.teach.text import d, name, output_name

RTOL = 1e-3
"""Relative tolerance of ``agree`` (0.1%): the wiggle's verdict and the tensor check's."""
ATOL = 1e-6
SWEEP = (1.0, 0.1, 0.01, 1e-3, 1e-5, 1e-8, 1e-11, 1e-13, 1e-15)

UNIT_ROUNDOFF = sys.float_info.epsilon / 2
"""u = 2⁻⁵³: one float64 operation is exact to within a relative u."""
SAFETY = 2.0
"""The error estimates of ``Differences`` are first order: allow twice what they predict."""
LOOSEST = 0.01
"""A verdict is never looser than 1% of the grad: an h whose error may be larger (a chord too
wide, or rounding at a tiny h) cannot confirm a grad, whatever the numbers happen to be."""


def agree(analytic: float, numerical: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    if math.isnan(analytic) or math.isnan(numerical):
        return False
    if math.isinf(analytic) or math.isinf(numerical):
        return analytic == numerical
    return abs(analytic - numerical) <= atol + rtol * max(abs(analytic), abs(numerical))


class Replay:
    """A scalar document as engine ``Value``s, re-runnable with one node nudged."""

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
        self._place = {n: i for i, n in enumerate(self.order)}
        self._parts: dict[str, list[str]] = {}

    @property
    def nodes(self) -> list[str]:
        """Every node the output depends on, the output included, inputs first."""
        return self.order

    def values(self) -> dict[str, Value]:
        """Forward from the current leaf data: every node's ``Value``."""
        values: dict[str, Value] = dict(self.leaves)
        for n in self.order:
            if n in self.inputs:
                values[n] = self._apply(n, values)
        return values

    def _apply(self, n: str, values: dict[str, Value]) -> Value:
        op = OPS[self.doc.op_name(n)]
        ins = self.inputs[n]
        a = values[ins[0]]
        return a._apply(op) if op.arity == 1 else a._apply(op, values[ins[1]])

    def run(self) -> Value:
        """Forward from the current leaf data; returns the output ``Value``."""
        return self.values()[self.output]

    def grads(self) -> dict[str, float]:
        """d output / d node for every node (leaves and interior), by the engine's backward."""
        values = self.values()
        for v in values.values():
            v.grad = 0.0
        values[self.output].backward()
        return {n: v.grad for n, v in values.items()}

    def downstream(self, node: str) -> list[str]:
        """The nodes that depend on ``node``, in order: what a nudge of it recomputes."""
        part = self._parts.get(node)
        if part is None:
            below = nx.descendants(self.doc.graph, node) & self._place.keys()
            part = self._parts[node] = sorted(below, key=self._place.__getitem__)
        return part

    def nudged(self, base: dict[str, Value], node: str, delta: float) -> float:
        """The output's data with ``node``'s output moved by ``delta`` (``n.data += h``, as
        the lecture does it), recomputing only ``downstream(node)``; the rest is ``base``."""
        changed = _Overlay(base)
        changed[node] = Value(base[node].data + delta)
        for n in self.downstream(node):
            changed[n] = self._apply(n, changed)
        return changed[self.output].data


class _Overlay(dict):
    """New values over ``base`` without copying it: a nudge costs its downstream part only."""

    def __init__(self, base: dict[str, Value]) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, key: str) -> Value:
        return self.base[key]


@dataclass(frozen=True)
class Differences:
    """A node's output nudged by ±h and ±2h, and what that says about dL/dn.

    The verdict fits h. By Taylor, f(n+h) = f + f'·h + f''·h²/2 + f'''·h³/6 + ..., so
    - the forward difference is off by about |f''|·h/2 (the slope of a chord), the central one
      by about |f'''|·h²/6. f'' and f''' are estimated from these same nudges (second and
      third differences): a curve that bends a lot gets a wider band, a straight line none;
    - rounding: a run of f is exact only to about u·(ops)·(largest number it meets), and n + h
      is not exactly h away from n (off by u·|n|); dividing by h magnifies both.
    A difference agrees when it is within SAFETY times that band, and the band is no wider
    than LOOSEST of the grad (ATOL for a grad near zero). So the lecture's h = 0.001 confirms
    the neuron's grads (the forward difference of x1 is 0.2% off, all of it the bend of tanh),
    and h = 0.1 or 1e-15 cannot confirm anything that curves.
    """

    h: float
    x: float
    analytic: float
    f0: float
    up: float
    down: float
    up2: float
    down2: float
    noise: float
    """One run's rounding error of the output: u · (ops recomputed + 1) · largest |number|."""

    @property
    def forward(self) -> float:
        return (self.up - self.f0) / self.h

    @property
    def central(self) -> float:
        return (self.up - self.down) / (2 * self.h)

    def _rounding(self) -> float:
        step = abs(self.analytic) * UNIT_ROUNDOFF * abs(self.x)
        return (2 * self.noise + step) / self.h

    @property
    def forward_band(self) -> float:
        """How far the forward difference may be from the true slope at this h."""
        bend = abs(self.up - 2 * self.f0 + self.down) / (2 * self.h)  # |f''|·h/2
        return SAFETY * (bend + self._rounding())

    @property
    def central_band(self) -> float:
        """How far the central difference may be from the true slope at this h."""
        # |f'''|·h²/6, with f''' ≈ (f(n+2h) − 2f(n+h) + 2f(n−h) − f(n−2h)) / 2h³
        bend = abs(self.up2 - 2 * self.up + 2 * self.down - self.down2) / (12 * self.h)
        return SAFETY * (bend + self._rounding() / 2)

    def _ok(self, numerical: float, band: float) -> bool:
        a = self.analytic
        if math.isnan(a) or math.isnan(numerical) or math.isnan(band):
            return False
        if math.isinf(a) or math.isinf(numerical):
            return a == numerical
        err = abs(a - numerical)
        if err <= 1e-12 * max(abs(a), abs(numerical)):  # the same number, to rounding
            return True
        # never looser than 1% of the grad; a grad near zero is judged to ATOL, as before
        return err <= band <= max(LOOSEST * max(abs(a), abs(numerical)), ATOL)

    @property
    def forward_ok(self) -> bool:
        return self._ok(self.forward, self.forward_band)

    @property
    def central_ok(self) -> bool:
        return self._ok(self.central, self.central_band)


def differences(replay: Replay, base: dict[str, Value], analytic: float, node: str,
                h: float) -> Differences:
    """Nudge ``node`` by h, −h, 2h and −2h (downstream only) and keep the outputs."""
    up, down, up2, down2 = (replay.nudged(base, node, k * h) for k in (1.0, -1.0, 2.0, -2.0))
    part = replay.downstream(node)
    biggest = max(abs(base[n].data) for n in (node, *part))
    noise = UNIT_ROUNDOFF * (len(part) + 1) * (biggest if math.isfinite(biggest) else 0.0)
    return Differences(h, base[node].data, analytic, base[replay.output].data, up, down, up2,
                       down2, noise)


@dataclass(frozen=True)
class LeafCheck:
    """One node's check: a leaf, or an interior node nudged as the lecture nudges d."""

    node: str
    name: str
    data: float
    analytic: float
    diff: Differences
    leaf: bool = True

    @property
    def forward(self) -> float:
        return self.diff.forward

    @property
    def central(self) -> float:
        return self.diff.central

    @property
    def forward_ok(self) -> bool:
        return self.diff.forward_ok

    @property
    def central_ok(self) -> bool:
        return self.diff.central_ok

    @property
    def mark(self) -> str:
        """"✓" both agree, "~" only one of them does, "✗" neither."""
        if self.forward_ok and self.central_ok:
            return "✓"
        return "~" if self.central_ok or self.forward_ok else "✗"


NodeCheck = LeafCheck
"""The same row: every node is checkable, not only the leaves."""


@dataclass(frozen=True)
class GradCheckReport:
    output: str
    out_name: str
    h: float
    rows: list[LeafCheck]
    total_leaves: int = 0
    """How many nodes the output depends on (``rows`` may hold fewer: ``max_leaves``)."""

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
            some = (f" (checked {len(self.rows)} of {self.total_leaves} nodes: each one "
                    "re-runs what lies downstream of it)")
        if not bad:
            return (f"h = {precise(self.h)}: backward and both finite differences agree for "
                    "every node, within what this h allows (the curve's bend over h, and "
                    f"rounding){some}.")
        return (f"h = {precise(self.h)}: the finite differences miss for {', '.join(bad)}"
                f"{some}. Too large an h measures a chord, too small an h loses digits to "
                "rounding.")


def gradient_check(
    doc: GraphDocument, h: float = 1e-3, max_leaves: int | None = None
) -> GradCheckReport:
    """Backward against forward and central differences, for every node (see module doc).

    ``max_leaves`` caps the work on big graphs (named nodes first, leaves before interior
    ones): each node costs four runs of what lies downstream of it.
    """
    if not 0 < h < math.inf:
        raise TeachError(f"h must be a positive number, got {h!r}")
    replay = Replay(doc)
    analytic = replay.grads()
    base = replay.values()
    ids = list(replay.nodes)
    total = len(ids)
    if max_leaves is not None and total > max_leaves:
        ranked = sorted(ids, key=lambda n: (not doc.label(n), n not in replay.leaves))
        chosen = set(ranked[: max(1, max_leaves)])
        ids = [n for n in ids if n in chosen]
    rows = [
        LeafCheck(n, name(doc, n), base[n].data, analytic[n],
                  differences(replay, base, analytic[n], n, h), n in replay.leaves)
        for n in ids
    ]
    return GradCheckReport(replay.output, output_name(doc, replay.output), h, rows, total)


@dataclass(frozen=True)
class SweepRow:
    h: float
    diff: Differences

    @property
    def forward(self) -> float:
        return self.diff.forward

    @property
    def central(self) -> float:
        return self.diff.central

    @property
    def analytic(self) -> float:
        return self.diff.analytic

    @property
    def forward_error(self) -> float:
        return abs(self.forward - self.analytic)

    @property
    def central_error(self) -> float:
        return abs(self.central - self.analytic)

    @property
    def forward_ok(self) -> bool:
        return self.diff.forward_ok

    @property
    def central_ok(self) -> bool:
        return self.diff.central_ok


def h_sweep(doc: GraphDocument, node: str, hs: Sequence[float] = SWEEP) -> list[SweepRow]:
    """Forward and central differences of one node for each h (see module doc)."""
    replay = Replay(doc)
    if node not in replay.nodes:
        raise TeachError(f"{name(doc, node)} is not a node the output depends on")
    g = replay.grads()[node]
    base = replay.values()
    return [SweepRow(h, differences(replay, base, g, node, h)) for h in hs]


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
    leaf: bool = True
    """False: an op's output nudged (its inputs stay; only its downstream moves)."""

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
            f"{names.d(o)} = {signed(self.actual)}",
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


def wiggle(doc: GraphDocument, node: str, dx: float) -> Wiggle:
    """Nudge ``node``'s output by ``dx`` (a value, or an op as the lecture nudges d): the
    output's actual change, recomputed downstream of it, and ``grad · dx``."""
    replay = Replay(doc)
    if node not in replay.nodes:
        raise TeachError(f"{name(doc, node)} is not a node the output depends on")
    grad = replay.grads()[node]
    base = replay.values()
    before = base[replay.output].data
    after = replay.nudged(base, node, dx) if dx else before
    return Wiggle(node, name(doc, node), output_name(doc, replay.output), base[node].data, dx,
                  before, after, grad, node in replay.leaves)
