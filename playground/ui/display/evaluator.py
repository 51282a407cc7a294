"""The display model's one way to compute numbers.

The display model computes the document's numbers only through the evaluator
``make_evaluator`` gives (``DisplayModel._evaluator``): an
``playground.graph.incremental.IncrementalEvaluator`` (``note`` every event; ``forward``
recomputes only downstream of the noted edits; ``backward``; ``preview`` of replaced values,
recomputing only their downstream). ``evaluate_copy`` is the tools' what-if (a nudged value,
forward and backward), not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.incremental import IncrementalEvaluator


def copy_with(doc: GraphDocument, values: Mapping[str, Any] | None = None) -> GraphDocument:
    """A scratch copy of ``doc`` with some values replaced (the document is untouched)."""
    copy = GraphDocument.from_data(doc.to_data())
    for node, value in (values or {}).items():
        copy.set_value(node, value)
    return copy


def make_evaluator(doc: GraphDocument) -> IncrementalEvaluator:
    """The evaluator the display model uses for ``doc``: an edit recomputes only its
    downstream, a preview only the previewed values' downstream."""
    return IncrementalEvaluator(doc)


def evaluate_copy(doc: GraphDocument, values: Mapping[str, Any] | None,
                  backward: bool) -> Evaluation:
    """``doc``'s numbers with ``values`` replaced (a fresh copy; ``doc`` is untouched)."""
    return evaluate(copy_with(doc, values) if values else doc, backward=backward)
