"""The lesson tasks, checked without Qt: ``check(task, doc, answer, start)`` -> ``Verdict``.

Every right answer is computed from the graph the learner has in front of them, never read from
the lesson file, so a learner who changes a leaf first is checked against the changed graph:

- ``grad``: type d(output)/d(node) (predicted before pressing Backward);
- ``data``: type the node's value;
- ``best_h``: of the step sizes ``hs``, type the one whose forward difference (f(x+h) − f(x))/h
  comes closest to the node's grad (too large bends with the curve, too small loses digits);
- ``wrong_order_grad``: type the grad the node gets when backward visits the nodes inputs-first
  (the order is wrong: a node hands on its grad before it has received it);
- ``bug_grad``: type the grad the node gets from a backward that assigns instead of adding;
- ``pileup_grad``: type the node's grad after two forward + backward passes with no zero_grad
  between them (as a training loop that forgets zero_grad does on its second step);
- ``increase_output``: no typing: make the output larger than it was when the lesson opened,
  e.g. by nudging the leaves along their grads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.numbers import summary
from playground.ops import OPS, SCALAR
from playground.teach.bug import assign_backward
from playground.teach.lesson_files import KINDS, Task
from playground.teach.numeric import Replay, h_sweep
from playground.teach.steps import TeachError

__all__ = ["KINDS", "Verdict", "answer", "check", "inputs_first_backward", "read_number"]
DECIMALS = 4
"""Answers are checked to this many decimals, as the card and canvas show them."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str


def node_id(doc: GraphDocument, label: str) -> str:
    for n in doc.node_ids():
        if doc.label(n) == label:
            return n
    raise TeachError(f"this graph has no node named {label}: open the lesson again")


def read_number(text: str) -> float | None:
    """The learner's answer as a float; None for text that is not one number."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def output_value(doc: GraphDocument) -> float | None:
    ev = evaluate(doc)
    if ev.output is None or not ev.ok():
        return None
    data = ev.results[ev.output].data
    return float(data) if isinstance(data, int | float) else None


def answer(task: Task, doc: GraphDocument) -> float:
    """The right answer to ``task`` on ``doc``, computed by the engine."""
    n = node_id(doc, task.node)
    if task.kind in ("grad", "data"):
        ev = evaluate(doc, backward=True)
        if not ev.ok() or ev.output is None:
            raise TeachError(ev.problems[0] if ev.problems else "the graph has an error")
        value = ev.results[n].grad if task.kind == "grad" else ev.results[n].data
        if value is None:
            raise TeachError(f"{task.node} does not feed the output")
        return float(value)  # type: ignore[arg-type]
    if task.kind == "best_h":
        rows = h_sweep(doc, n, task.hs)
        return min(rows, key=lambda r: (r.forward_error, -r.h)).h
    if task.kind == "wrong_order_grad":
        return inputs_first_backward(doc)[n]
    if task.kind == "bug_grad":
        return assign_backward(doc)[0][n]
    if task.kind == "pileup_grad":
        replay = Replay(doc)
        for _ in range(2):  # forward builds a new graph each time; the leaves keep their grad
            replay.run().backward()
        return replay.leaves[n].grad
    raise TeachError(f"the task {task.kind!r} has no typed answer")


def inputs_first_backward(doc: GraphDocument) -> dict[str, float]:
    """Backward with ``+=`` but visiting nodes in forward (inputs-first) order: every node hands
    its grad on before its consumers have given it one, so most grads stay 0."""
    ev = evaluate(doc, backward=True)
    if not ev.ok() or ev.output is None or ev.engine != "scalar":
        raise TeachError("this needs a finished graph of numbers")
    out = ev.output
    upstream = nx.ancestors(doc.graph, out) | {out}
    grads = {n: 0.0 for n in upstream}
    grads[out] = 1.0
    for t in ev.order:  # THE POINT: not reversed
        if t not in upstream or doc.kind(t) != "op":
            continue
        ins = doc.inputs(t)
        local = OPS[doc.op_name(t)].local(
            SCALAR, *[ev.results[s].data for s in ins], ev.results[t].data)
        for slot, s in enumerate(ins):
            grads[s] += float(local[slot]) * grads[t]
    return grads


def _close(got: float, want: float, kind: str) -> bool:
    if kind == "best_h":  # an h is right when it is the same power of ten, give or take
        return got > 0 and abs(math.log10(got) - math.log10(want)) < 0.05
    return abs(got - want) <= 0.5 * 10 ** -DECIMALS + 1e-9 * abs(want)


def check(task: Task, doc: GraphDocument, text: str = "",
          start: float | None = None) -> Verdict:
    """Whether the learner did ``task`` on ``doc``: ``text`` is their typed answer, ``start``
    the output's value when the lesson opened (for ``increase_output``). Never raises."""
    try:
        if task.kind == "increase_output":
            now = output_value(doc)
            if now is None:
                return Verdict(False, "The graph has a problem: fix it, then check again.")
            if start is None or now <= start:
                return Verdict(False, f"{task.node} is {summary(now)}, not bigger than "
                                      f"{summary(start if start is not None else now)} yet. "
                                      "Nudge a leaf a little in the direction of its grad.")
            return Verdict(True, f"Yes: {task.node} went from {summary(start)} to "
                                 f"{summary(now)}.")
        got = read_number(text)
        if got is None:
            return Verdict(False, "Type one number, like -1.5 or 1e-8.")
        want = answer(task, doc)
        show = (lambda x: f"{x:g}") if task.kind == "best_h" else summary
        if _close(got, want, task.kind):
            return Verdict(True, f"Right: {show(want)}.")
        hint = "too big" if got > want else "too small"
        return Verdict(False, f"Not quite: {show(got)} is {hint}. Try again.")
    except TeachError as exc:
        return Verdict(False, str(exc))
