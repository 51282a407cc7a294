"""Graphs the teaching tests share."""

from __future__ import annotations

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path
from playground.graph.expr import parse

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
