"""The display model's one way to compute numbers (the seam for incremental evaluation).

``PlainEvaluator`` has the shape of ``playground.graph.incremental.IncrementalEvaluator``
(``note``, ``forward``, ``backward``, ``preview``) but evaluates the whole graph each time; the
display model computes the document's numbers only through it (``DisplayModel._evaluator``,
made by ``make_evaluator``), so a faster evaluator drops in with one line. ``evaluate_copy``
is the tools' what-if (a nudged value, forward and backward), not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.graph.document import Event, GraphDocument
from playground.graph.evaluate import Evaluation, evaluate


def copy_with(doc: GraphDocument, values: Mapping[str, Any] | None = None) -> GraphDocument:
    """A scratch copy of ``doc`` with some values replaced (the document is untouched)."""
    copy = GraphDocument.from_data(doc.to_data())
    for node, value in (values or {}).items():
        copy.set_value(node, value)
    return copy


class PlainEvaluator:
    def __init__(self, doc: GraphDocument) -> None:
        self.doc = doc
        self._scratch: GraphDocument | None = None
        """A copy of the document for previews, kept while the document does not change."""
        self._replaced: set[str] = set()

    def note(self, event: Event) -> None:
        if (event.kind, event.attr) not in (("node_changed", "pos"), ("node_changed", "label")):
            self._scratch = None

    def forward(self) -> Evaluation:
        return evaluate(self.doc, backward=False)

    def backward(self) -> Evaluation:
        return evaluate(self.doc, backward=True)

    def preview(self, values: Mapping[str, Any]) -> Evaluation:
        """Forward with ``values`` (node id -> value) replaced; the document is untouched.
        One scratch copy serves a whole drag: each call only sets the values."""
        scratch = self._scratch
        if scratch is None:
            scratch = self._scratch = copy_with(self.doc)
            self._replaced = set()
        for node in self._replaced - set(values):
            scratch.set_value(node, self.doc.value(node))
        for node, value in values.items():
            scratch.set_value(node, value)
        self._replaced = set(values)
        return evaluate(scratch, backward=False)


def make_evaluator(doc: GraphDocument) -> PlainEvaluator:
    """The evaluator the display model uses for ``doc`` (the one line to change)."""
    return PlainEvaluator(doc)


def evaluate_copy(doc: GraphDocument, values: Mapping[str, Any] | None,
                  backward: bool) -> Evaluation:
    """``doc``'s numbers with ``values`` replaced (a fresh copy; ``doc`` is untouched)."""
    return evaluate(copy_with(doc, values) if values else doc, backward=backward)
