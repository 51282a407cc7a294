"""The accumulation bug: a backward that assigns ``child.grad = local * out.grad`` instead of
accumulating ``child.grad += local * out.grad``.

A node used once gets one write either way, and the two agree. A node used several times
(``b = a + a``; ``a`` in ``d = a*b; e = a + b``) gets one write per use: ``=`` keeps only
the last one, ``+=`` adds them up. And a wrong grad spreads: every node below a wrong one gets
its wrong number passed on.

``accumulation_bug(doc)`` runs both, node by node in the same reversed topological order, and
says for each node whether the bug changed its grad, and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.numbers import summary
from playground.ops import OPS, SCALAR
from playground.teach.numeric import agree
from playground.teach.steps import TeachError
from playground.teach.text import input_name, name, obstacle


@dataclass(frozen=True)
class Write:
    """One ``grad`` write into a node: from ``consumer``'s backward, through input ``slot``."""

    consumer: str
    slot: int
    value: float


@dataclass(frozen=True)
class BugRow:
    node: str
    name: str
    correct: float
    buggy: float
    writes: tuple[Write, ...]
    why: str

    @property
    def wrong(self) -> bool:
        return not agree(self.correct, self.buggy, rtol=1e-9, atol=1e-12)


@dataclass(frozen=True)
class BugReport:
    output: str
    rows: list[BugRow]

    @property
    def wrong(self) -> list[BugRow]:
        return [r for r in self.rows if r.wrong]

    def row(self, label: str) -> BugRow:
        for r in self.rows:
            if r.name == label or r.node == label:
                return r
        raise KeyError(label)

    def summary(self) -> str:
        wrong = self.wrong
        if not wrong:
            return ("No node here is used twice, so '=' and '+=' give the same grads. "
                    "Try b = a + a.")
        names = ", ".join(r.name for r in wrong)
        many = len(wrong) > 1
        return (f"With '=' instead of '+=', {len(wrong)} grad{'s come' if many else ' comes'} "
                f"out wrong: {names}.")


def assign_backward(doc: GraphDocument, ev: Evaluation | None = None) -> tuple[
    dict[str, float], dict[str, list[Write]]
]:
    """The buggy backward: grads with ``=``, and every write each node received, in order."""
    ev = _scalar_eval(doc, ev)
    out = ev.output
    assert out is not None
    upstream = nx.ancestors(doc.graph, out) | {out}
    grads = {n: 0.0 for n in upstream}
    grads[out] = 1.0
    writes: dict[str, list[Write]] = {n: [] for n in upstream}
    for t in reversed(ev.order):
        if t not in upstream or doc.kind(t) != "op":
            continue
        op = OPS[doc.op_name(t)]
        ins = doc.inputs(t)
        local = op.local(SCALAR, *[ev.results[s].data for s in ins], ev.results[t].data)
        for slot, s in enumerate(ins):
            value = float(local[slot]) * grads[t]
            grads[s] = value  # THE BUG: '=' where backward must add ('+=')
            writes[s].append(Write(t, slot, value))
    return grads, writes


def accumulation_bug(doc: GraphDocument) -> BugReport:
    """Both backwards side by side, with the reason for every difference."""
    ev = _scalar_eval(doc, None)
    buggy, writes = assign_backward(doc, ev)
    out = ev.output
    assert out is not None
    rows = []
    order = [n for n in reversed(ev.order) if n in buggy]
    wrong: set[str] = set()
    for n in order:
        correct = float(ev.results[n].grad)  # type: ignore[arg-type]
        w = tuple(writes[n])
        row_wrong = not agree(correct, buggy[n], rtol=1e-9, atol=1e-12)
        why = _why(doc, n, out, w, correct, buggy[n], row_wrong, wrong)
        if row_wrong:
            wrong.add(n)
        rows.append(BugRow(n, name(doc, n), correct, buggy[n], w, why))
    return BugReport(out, rows)


def _why(doc: GraphDocument, n: str, out: str, writes: tuple[Write, ...], correct: float,
         buggy: float, is_wrong: bool, wrong: set[str]) -> str:
    if n == out:
        return "The output: its grad is set to 1 either way."

    def via(w: Write) -> str:
        t = name(doc, w.consumer)
        if sum(1 for o in writes if o.consumer == w.consumer) > 1:
            slot = OPS[doc.op_name(w.consumer)].slots[w.slot]
            return f"{summary(w.value)} via {t}, {input_name(slot, w.slot)}"
        return f"{summary(w.value)} via {t}"

    upstream_bad = sorted({name(doc, w.consumer) for w in writes if w.consumer in wrong})
    parts = []
    if len(writes) > 1:
        kept, lost = writes[-1], writes[:-1]
        total = " + ".join(summary(w.value) for w in writes)
        parts.append(
            f"Used {len(writes)} times. '=' kept only the last write ({via(kept)}) and lost "
            f"{', '.join(via(w) for w in lost)}. '+=' adds them: {total} = {summary(correct)}."
        )
    if upstream_bad:
        parts.append(f"It was handed a wrong grad by {', '.join(upstream_bad)}.")
    if not is_wrong:
        if len(writes) > 1:
            return ("Used several times, but by luck the lost writes add up to 0: "
                    + parts[0])
        return "Used once: one write, so '=' and '+=' agree."
    return " ".join(parts) or f"Wrong: {summary(buggy)} instead of {summary(correct)}."


def _scalar_eval(doc: GraphDocument, ev: Evaluation | None) -> Evaluation:
    if ev is None or not ev.backward:
        ev = evaluate(doc, backward=True)
    if ev.problems or not ev.backward or ev.output is None:
        raise TeachError(ev.problems[0] if ev.problems else "backward cannot run on this graph")
    upstream = nx.ancestors(doc.graph, ev.output) | {ev.output}
    blocking = [n for n in ev.errors() if n in upstream]  # a node off the output's path is none
    if blocking:
        raise TeachError(obstacle(doc, ev, blocking[0]))
    if ev.engine != "scalar":
        raise TeachError("the bug demo works on graphs of numbers only, not tensors")
    return ev
