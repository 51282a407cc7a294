"""Graphs the teaching tests share."""

from __future__ import annotations

from collections.abc import Iterator

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path
from playground.graph.expr import parse
from playground.ops import Op, register
from playground.ops.table import unregister

#: a feeds e = a*b and c = a + 10: dL/da = 6 (via e) + 1 (via c) = 7.
TWO_CONSUMERS = """\
a = 2.0
b = -3.0
f = -2.0
e = a*b
c = a + 10.0
L = e*f + c
"""


def example(name: str) -> GraphDocument:
    return io.load(example_path(name))


def ids(doc: GraphDocument) -> dict[str, str]:
    """label -> node id (labelled nodes only)."""
    return {doc.label(n): n for n in doc.node_ids() if doc.label(n)}


def expression(text: str) -> GraphDocument:
    return parse(text)


def softplus_op() -> Op:
    """A throwaway element-wise op, as someone adding one would write its table entry."""
    return Op(
        "softplus", 1, "softplus", "Activations", ("x",),
        forward=lambda m, x: m.log(1.0 + m.exp(x)),
        local=lambda m, x, out: (m.sigmoid(x),),
        local_text=("σ(x)",),
        description="log(1 + e^x), a smooth relu.",
        py="{0}.softplus()", torch="torch.nn.functional.softplus({0})",
        method=True, listed=11, hint="softplus's slope is σ(x)",
    )


def registered_softplus() -> Iterator[Op]:
    """For a fixture: softplus in the op table during the test, gone afterwards."""
    op = register(softplus_op())
    try:
        yield op
    finally:
        unregister(op.name)  # the engines take back the methods they made for it
