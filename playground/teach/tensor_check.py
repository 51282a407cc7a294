"""The gradient check for graphs with tensors: element by element, by central differences.

For each value the output depends on, and each of its elements (or an evenly spread sample of
them on big tensors), nudge that one element by ±h, run forward again and take
``(f(x+h) − f(x−h)) / 2h``; compare it with the grad backward gave for that element.
A tensor output is handled as Backward handles it: the function checked is the sum of its
elements (Backward seeds it with ones).

Per leaf the report gives the largest absolute and relative error and the *worst* element:
the one furthest outside the agree tolerance (the same tolerance as the scalar check), so a
failing check always names an element that fails. Forward runs through ``evaluate`` on a copy
of the document, so the check uses exactly the numbers the canvas shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.numbers import number, precise, shape
from playground.teach.numeric import ATOL, RTOL, agree
from playground.teach.steps import TeachError
from playground.teach.text import name, obstacle, output_name

MAX_ELEMENTS = 400
"""Elements checked over all leaves, about (each leaf gets at least one): each costs two
forward runs of the graph."""
MAX_BAD_LISTED = 3


def shape_text(dims: tuple[int, ...]) -> str:
    """``2×3``, ``(4,)``: as the canvas writes a tensor's shape."""
    return shape(np.broadcast_to(0.0, dims))


def element_name(leaf: str, index: tuple[int, ...]) -> str:
    """``W[1, 0]``; a number (0-d) is just its name."""
    return f"{leaf}[{', '.join(str(i) for i in index)}]" if index else leaf


@dataclass(frozen=True)
class ElementCheck:
    index: tuple[int, ...]
    analytic: float
    numerical: float

    @property
    def ok(self) -> bool:
        return agree(self.analytic, self.numerical)

    @property
    def abs_error(self) -> float:
        return abs(self.analytic - self.numerical)

    @property
    def rel_error(self) -> float:
        """|backward − numeric| / the larger of the two (0 when both are 0)."""
        scale = max(abs(self.analytic), abs(self.numerical))
        if math.isnan(self.abs_error):
            return math.nan
        return self.abs_error / scale if scale else 0.0

    @property
    def badness(self) -> float:
        """The error in units of the agree tolerance: above 1 means it does not agree."""
        if not math.isfinite(self.abs_error):  # nan or inf somewhere
            return 0.0 if self.ok else math.inf
        return self.abs_error / (ATOL + RTOL * max(abs(self.analytic), abs(self.numerical)))


@dataclass(frozen=True)
class TensorLeafCheck:
    node: str
    name: str
    shape: tuple[int, ...]
    elements: tuple[ElementCheck, ...]
    """The elements checked, in index order (all of them unless the tensor is big)."""

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def bad(self) -> list[ElementCheck]:
        return [e for e in self.elements if not e.ok]

    @property
    def ok(self) -> bool:
        return not self.bad

    @property
    def worst(self) -> ElementCheck:
        return max(self.elements, key=lambda e: e.badness)

    @property
    def max_abs_error(self) -> float:
        return _max(e.abs_error for e in self.elements)

    @property
    def max_rel_error(self) -> float:
        return _max(e.rel_error for e in self.elements)

    @property
    def shape_text(self) -> str:
        return "a number" if not self.shape else shape_text(self.shape)

    def element(self, index: tuple[int, ...]) -> ElementCheck:
        for e in self.elements:
            if e.index == tuple(index):
                return e
        raise KeyError(index)

    def mark(self) -> str:
        """"✓ 6/6", "✗ 2 of 6 miss"; "(sample)" when not every element was checked."""
        n = len(self.elements)
        sample = "" if n == self.size else f" (of {self.size})"
        if self.ok:
            return f"✓ {n}/{n}{sample}"
        return f"✗ {len(self.bad)} of {n}{sample} miss"


@dataclass(frozen=True)
class TensorCheckReport:
    output: str
    out_name: str
    out_shape: tuple[int, ...]
    h: float
    rows: list[TensorLeafCheck]

    @property
    def all_ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def checked(self) -> int:
        return sum(len(r.elements) for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.size for r in self.rows)

    def row(self, label: str) -> TensorLeafCheck:
        for r in self.rows:
            if r.name == label or r.node == label:
                return r
        raise KeyError(label)

    def summary(self) -> str:
        some = "" if self.checked == self.total else (
            f" (checked {self.checked} of {self.total} elements, spread evenly: each one "
            "re-runs the whole graph twice)")
        summed = ""
        if self.out_shape:
            summed = (f" {self.out_name} is a {shape_text(self.out_shape)} tensor: like "
                      "Backward, the check differentiates the sum of its elements.")
        if self.all_ok:
            return (f"h = {precise(self.h)}: backward and the central difference agree (within "
                    f"{RTOL:.1%}) for every element of every leaf{some}.{summed}")
        bad = [(r, e) for r in self.rows for e in r.bad]
        listed = ", ".join(
            f"{element_name(r.name, e.index)} (backward {number(e.analytic)}, numeric "
            f"{number(e.numerical)})" for r, e in bad[:MAX_BAD_LISTED])
        more = f" and {len(bad) - MAX_BAD_LISTED} more" if len(bad) > MAX_BAD_LISTED else ""
        return (f"h = {precise(self.h)}: the central difference misses for {listed}{more}"
                f"{some}. At a kink (relu at 0, max at a tie) a difference straddles two "
                f"slopes; elsewhere, try another h.{summed}")


def tensor_gradient_check(
    doc: GraphDocument, h: float = 1e-3, max_elements: int = MAX_ELEMENTS
) -> TensorCheckReport:
    """Backward's grad of every leaf against central differences, element by element."""
    if not 0 < h < math.inf:
        raise TeachError(f"h must be a positive number, got {h!r}")
    ev = _backward(doc)
    out = ev.output
    assert out is not None  # _backward checked it
    leaves = _leaves(doc, out, ev)
    copy = GraphDocument.from_data(doc.to_data())  # nudged here; the user's stays as it is
    share = max(1, max_elements // max(1, len(leaves)))
    rows = [_check_leaf(copy, ev, out, n, name(doc, n), h, share) for n in leaves]
    out_shape = np.shape(ev.results[out].data)
    return TensorCheckReport(out, output_name(doc, out), tuple(out_shape), h, rows)


def _backward(doc: GraphDocument) -> Evaluation:
    ev = evaluate(doc, backward=True)
    errors = ev.errors()  # in topological order: the first is where the trouble starts
    if ev.output is not None:  # a broken node the output does not use is no obstacle
        upstream = nx.ancestors(doc.graph, ev.output) | {ev.output}
        errors = {n: e for n, e in errors.items() if n in upstream}
    if errors:
        raise TeachError(obstacle(doc, ev, next(iter(errors))))
    if ev.problems:
        raise TeachError(ev.problems[0])
    if not ev.backward or ev.output is None:
        raise TeachError("backward cannot run on this graph")
    return ev


def _leaves(doc: GraphDocument, out: str, ev: Evaluation) -> list[str]:
    """The values the output depends on through wires a gradient flows along, labelled ones
    first, in a stable order. Class labels (cross-entropy's targets) are not differentiable,
    as in PyTorch: nudging one makes it no class at all, so there is nothing to compare."""
    flows = nx.DiGraph([(s, t) for s, t, _slot in ev.contributions])
    found = [n for n in nx.ancestors(doc.graph, out)
             if doc.kind(n) == "value" and n in flows and nx.has_path(flows, n, out)]
    if doc.kind(out) == "value":
        found.append(out)
    return sorted(found, key=lambda n: (not doc.label(n), name(doc, n), n))


def _check_leaf(
    copy: GraphDocument, ev: Evaluation, out: str, leaf: str, leaf_name: str, h: float,
    share: int,
) -> TensorLeafCheck:
    base = np.array(copy.value(leaf), dtype=np.float64)
    grad = np.broadcast_to(np.asarray(ev.results[leaf].grad, dtype=np.float64), base.shape)
    flat = _sample(base.size, share)
    elements = []
    try:
        for i in flat:
            index = tuple(int(k) for k in np.unravel_index(i, base.shape))
            up = _output_sum(copy, out, leaf, base, i, h)
            down = _output_sum(copy, out, leaf, base, i, -h)
            elements.append(ElementCheck(index, float(grad.flat[i]), (up - down) / (2 * h)))
    finally:
        copy.set_value(leaf, _literal(base))
    return TensorLeafCheck(leaf, leaf_name, base.shape, tuple(elements))


def _sample(size: int, share: int) -> list[int]:
    """Every flat index, or ``share`` of them spread evenly (first and last included)."""
    if size <= share:
        return list(range(size))
    return sorted({round(x) for x in np.linspace(0, size - 1, share).tolist()})


def _output_sum(
    doc: GraphDocument, out: str, leaf: str, base: np.ndarray, i: int, dx: float
) -> float:
    nudged = base.copy()
    nudged.flat[i] += dx
    doc.set_value(leaf, _literal(nudged))
    data = evaluate(doc).results[out].data
    if data is None:  # the nudge broke forward (log of a negative, ...): no number
        return math.nan
    return float(np.sum(data))


def _max(values: Iterable[float]) -> float:
    """The largest, or nan if any is nan (``max`` would depend on the order)."""
    found = list(values)
    return math.nan if any(math.isnan(v) for v in found) else max(found, default=0.0)


def _literal(x: np.ndarray) -> Any:
    return float(x) if x.ndim == 0 else x.tolist()
