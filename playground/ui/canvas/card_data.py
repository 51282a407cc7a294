"""What a card and a tooltip say about the numbers on show: the canvas's display-data side.

Functions of the document and of what the scene paints (the evaluation on show, the one whose
grads are drawn, whether they are stale); the scene hands their answers to its items.
"""

from __future__ import annotations

from typing import Any

from playground.graph import params as P
from playground.graph.document import GraphDocument
from playground.graph.numbers import grad_range, grad_scalar, summary
from playground.ops import OPS
from playground.ui.canvas.card_text import Display


def card_display(doc: GraphDocument, node_id: str, evaluation: Any, grads: Any,
                 grads_stale: bool, max_abs: float, output: str | None) -> Display:
    """What ``node_id``'s card shows (data from ``evaluation``, the grad from ``grads``)."""
    kind = doc.kind(node_id)
    op = doc.op_name(node_id)
    symbol = P.symbol(op, doc.params(node_id)) if op in OPS else (op or "")
    r = evaluation.results.get(node_id) if evaluation is not None else None
    grad, state = None, "none"
    if grads is not None:
        gr = grads.results.get(node_id)
        if gr is not None:
            grad = gr.grad
            if grad is not None:
                state = "stale" if grads_stale else "fresh"
            elif gr.error is None and not grads_stale:
                state = "unreached"
    return Display(
        kind=kind,
        symbol=symbol,
        label=doc.display_name(node_id),
        data=None if r is None else r.data,
        grad=grad,
        grad_state=state,
        grad_value=grad_scalar(grad),
        max_abs=max_abs,
        error=None if r is None else r.error,
        warning=None if r is None else r.warning,
        is_output=node_id == output,
        hint=param_hint(doc, node_id, op),
        pending=r is not None and r.pending,
        waiting=waiting_words(doc, r),
    )


def waiting_words(doc: GraphDocument, r: Any) -> tuple[str, ...]:
    """A pending node's data-row words, longest first: "needs left, right" (then "needs
    both"), or "waits for e" upstream; "waiting" when nothing longer fits."""
    if r is None or not r.pending or r.waits_for is None:
        return ()
    if r.needs:
        short = () if len(r.needs) < 2 else (
            "needs both" if len(r.needs) == 2 else "needs inputs",)
        return ("needs " + ", ".join(r.needs), *short, "waiting")
    root = r.waits_for
    return ("waits for " + (doc.display_name(root) if root in doc else root), "waiting")


def param_hint(doc: GraphDocument, node_id: str, op: str | None) -> str:
    """The parameter hint of an op node's title (``axis=0``), "" for most nodes."""
    if op is None or op not in OPS or not OPS[op].params:
        return ""
    return P.hint(op, doc.params(node_id))


def max_abs_grad(grads: Any) -> float:
    """What the grad colours span: the largest finite |grad| of ``grads`` (0 without)."""
    if grads is None:
        return 0.0
    fixed = getattr(grads, "grad_scale", None)  # a step-through keeps the full backward's
    if fixed is not None:
        return fixed
    return grad_range(grads.results.values())


def port_tooltip(doc: GraphDocument, port: Any) -> str:
    name = doc.display_name(port.node_id)
    if getattr(port.node, "is_group", False):  # wiring.py: what a group card's ports do
        if port.is_output:
            return (f"output {doc.display_name(port.source)} of group {name}: drag from here "
                    "to an input")
        ids = getattr(port.node, "input_ids", ())
        fed = doc.display_name(ids[port.slot]) if port.slot < len(ids) else "?"
        return (f"input {fed} of group {name}: drop another output here to feed the group "
                f"from it instead of {fed}")
    if port.is_output:
        return f"output of {name}: drag from here to an input"
    slot_name = port.node.slot_names[port.slot or 0]
    fed = doc.input_of(port.node_id, port.slot or 0)
    if fed is None:
        return f"input '{slot_name}' of {name}: drag an output here"
    return (f"input '{slot_name}' of {name}, fed by {doc.display_name(fed)}: "
            "drag to move or unplug the wire")


def edge_tooltip(doc: GraphDocument, edge: Any, grads: Any, grads_stale: bool) -> str:
    name = doc.slot_names(edge.target)[edge.slot]
    text = (f"{doc.display_name(edge.source)} → {doc.display_name(edge.target)} "
            f"(input '{name}')")
    contributions = getattr(grads, "contributions", None) if grads is not None else None
    if contributions and edge.key in contributions:
        stale = " (stale)" if grads_stale else ""
        text += (f"\ngradient flowing back along this wire: "
                 f"{summary(contributions[edge.key])}{stale}")
    return text
