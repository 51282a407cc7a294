"""Small documents shared by the graph tests."""

from __future__ import annotations

import random
from typing import Any

from playground.graph import GraphDocument
from playground.ops import OPS


def values(doc: GraphDocument, **literals: Any) -> None:
    for name, v in literals.items():
        doc.add_node("value", label=name, value=v, node_id=name)


def op(doc: GraphDocument, node_id: str, name: str, *inputs: str, label: str = "") -> str:
    doc.add_node("op", op=name, label=label or node_id, node_id=node_id)
    for slot, source in enumerate(inputs):
        doc.connect(source, node_id, slot)
    return node_id


def lecture() -> GraphDocument:
    """a=2, b=-3, c=10, e=a*b, d=e+c, f=-2, L=d*f."""
    doc = GraphDocument()
    values(doc, a=2.0, b=-3.0, c=10.0, f=-2.0)
    op(doc, "e", "mul", "a", "b")
    op(doc, "d", "add", "e", "c")
    op(doc, "L", "mul", "d", "f")
    return doc


def random_graph(
    n: int,
    seed: int = 0,
    ops: tuple[str, ...] = ("add", "mul", "sub", "tanh", "sigmoid", "relu"),
    window: int = 20,
) -> GraphDocument:
    """A random connected-ish DAG of ``n`` nodes whose last node is the output."""
    rng = random.Random(seed)
    doc = GraphDocument()
    ids = [doc.add_node("value", value=rng.uniform(-1, 1), node_id=f"v{i}") for i in range(8)]
    while len(ids) < n:
        name = rng.choice(ops)
        nid = doc.add_node("op", op=name, node_id=f"o{len(ids)}")
        for slot in range(OPS[name].arity):
            doc.connect(rng.choice(ids[-window:]), nid, slot)
        ids.append(nid)
    doc.set_output(ids[-1])
    return doc
