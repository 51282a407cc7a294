"""The status bar's words about the document's numbers: problems, and why Backward did not run.

Headless (no Qt): functions of the document and an evaluation, with today's node names.
"""

from __future__ import annotations

from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import Evaluation
from playground.graph.evaluate_text import pending_text
from playground.graph.names import OUTPUT, derivative, in_words

NOT_RUN = "Backward did not run: "


def _namer(doc: GraphDocument):
    return lambda node_id: doc.display_name(node_id) if node_id in doc else node_id


def graph_problem(doc: GraphDocument, evaluation: Evaluation) -> str | None:
    """Why Backward cannot start, as evaluate words it, with today's names."""
    try:
        out = doc.output_node()
    except GraphError as exc:
        return str(exc)
    waiting = pending_text(evaluation.results, out, _namer(doc))
    if waiting:
        return f"cannot run backward: {waiting}"
    if out in evaluation.errors():
        error = evaluation.results[out].error
        return f"cannot run backward: {doc.display_name(out)} has a problem ({error})"
    return None


def not_run_reason(doc: GraphDocument, evaluation: Evaluation) -> str:
    """Why Backward did not run, with today's names: the output waiting for an input said
    plainly ("L waits for e, which needs its 'right' input"), else the first problem."""
    out = evaluation.output
    if out is not None:
        waiting = pending_text(evaluation.results, out, _namer(doc))
        if waiting:
            return waiting
    return problem_text(doc, evaluation, fresh_names=True) or "nothing to do"


def forward_pending(doc: GraphDocument, evaluation: Evaluation) -> str:
    """What an explicit Forward says about nodes still waiting for an input ("" if none)."""
    roots = [n for n, r in evaluation.results.items() if r.pending and r.waits_for == n]
    if not roots:
        return ""
    more = f" (and {len(roots) - 1} more waiting for input)" if len(roots) > 1 else ""
    return f"Forward: {pending_text(evaluation.results, roots[0], _namer(doc))}{more}"


def problem_text(doc: GraphDocument, evaluation: Evaluation, fresh_names: bool = False) -> str:
    """The first problem in words (a node waiting for an input is none). ``fresh_names``:
    after a rename, say a graph-level problem (worded with the names of when it was found)
    again from the document."""
    if evaluation.problems:
        first = evaluation.problems[0]
        if fresh_names:
            first = graph_problem(doc, evaluation) or first
        return first[:1].upper() + first[1:]
    errors = {n: r.error for n, r in evaluation.results.items()
              if r.error is not None and not r.pending}  # being built is no problem
    if errors:
        n = len(errors)
        first_id, first = next(iter(errors.items()))
        name = doc.display_name(first_id) if first_id in doc else first_id
        more = f" (and {n - 1} more)" if n > 1 else ""
        return f"{name}: {first}{more}"
    return ""


def backward_done(doc: GraphDocument, evaluation: Evaluation) -> str:
    out = evaluation.output
    name = output_words(doc, out)
    return f"Backward from {name}: every grad is {derivative(name, 'node')}"


def output_words(doc: GraphDocument, out: str | None) -> str:
    """The output's name in a sentence: written out in full (``x*tanh(x + b)``, not the card's
    ``x*…``), or "the output" when that is too long for the status bar."""
    if out is None or out not in doc:
        return OUTPUT
    return in_words(doc, out, OUTPUT)


def state_words(doc: GraphDocument, evaluation: Evaluation | None, grads_stale: bool) -> str:
    """The status bar's state label for the document's numbers."""
    if evaluation is None or not evaluation.results:
        return ""
    if grads_stale:
        return "grads stale: press Backward"
    if evaluation.backward:
        return f"grads: {derivative(output_words(doc, evaluation.output), 'node')}"
    return "data up to date · no grads yet"
