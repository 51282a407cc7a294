"""The display model's one way to compute numbers.

The display model computes the document's numbers only through the evaluator
``make_evaluator`` gives (``DisplayModel._evaluator``): an
``playground.graph.incremental.IncrementalEvaluator`` (``note`` every event; ``forward``
recomputes only downstream of the noted edits; ``backward``; ``preview`` of replaced values,
recomputing only their downstream). ``evaluate_copy`` is the tools' what-if (a nudged value,
forward and backward; or an op's output nudged, as the lecture nudges d), not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.incremental import IncrementalEvaluator


def copy_with(doc: GraphDocument, values: Mapping[str, Any] | None = None) -> GraphDocument:
    """A scratch copy of ``doc`` with some values replaced (the document is untouched)."""
    copy = GraphDocument.from_data(doc.to_data())
    for node, value in (values or {}).items():
        copy.set_value(node, value)
    return copy


def evaluate_nudged(doc: GraphDocument, node: str, dx: float, backward: bool) -> Evaluation:
    """``doc``'s numbers with ``node``'s output moved by ``dx`` (``d.data += h``): in a scratch
    copy, ``node``'s consumers are fed ``node + dx`` instead, so everything downstream moves,
    nothing upstream does, and the grads flow back through the added 1 unchanged. The copy's
    extra nodes are dropped; ``node`` shows its nudged data."""
    copy = GraphDocument.from_data(doc.to_data())
    try:
        output: str | None = copy.output_node()
    except GraphError:
        output = None
    step = copy.add_node("value", value=float(dx))
    moved = copy.add_node("op", op="add")
    edges = [(e.target, e.slot) for e in copy.consumers(node)]
    for target, slot in edges:
        copy.disconnect(target, slot)
        copy.connect(moved, target, slot)
    copy.connect(node, moved, 0)
    copy.connect(step, moved, 1)
    copy.set_output(moved if output == node else output)
    ev = evaluate(copy, backward=backward)
    results = {n: r for n, r in ev.results.items() if n not in (step, moved)}
    mine, shifted = results.get(node), ev.results.get(moved)
    if mine is not None and shifted is not None:
        results[node] = replace(mine, data=shifted.data)
    order = [n for n in ev.order if n not in (step, moved)]
    out = node if ev.output == moved else ev.output
    # the wire node → target flowed through the added +: its gradient is the + → target one
    contributions = {((node if k[0] == moved else k[0]), k[1], k[2]): v
                     for k, v in ev.contributions.items() if k[1] != moved}
    return replace(ev, results=results, order=order, output=out, contributions=contributions)


def make_evaluator(doc: GraphDocument) -> IncrementalEvaluator:
    """The evaluator the display model uses for ``doc``: an edit recomputes only its
    downstream, a preview only the previewed values' downstream."""
    return IncrementalEvaluator(doc)


def evaluate_copy(doc: GraphDocument, values: Mapping[str, Any] | None,
                  backward: bool) -> Evaluation:
    """``doc``'s numbers with ``values`` replaced (a fresh copy; ``doc`` is untouched)."""
    return evaluate(copy_with(doc, values) if values else doc, backward=backward)
