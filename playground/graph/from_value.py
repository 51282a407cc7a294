"""Engine to document: show a graph built in code with ``Value`` (micrograd-style) as a graph.

``from_value(root)`` makes one node per ``Value`` that ``root`` depends on, keeps labels (a
label becomes the node id when it is unique), wires operands to slots in order, marks
``root`` as the output and lays the result out. A value made by an op the table does not
know (micrograd-style code that assigns its own ``_backward``) cannot be re-run by the graph:
it becomes a value node holding its data, labelled with its label or op symbol.
"""

from __future__ import annotations

import re

from playground.engine.value import Value, topological_order
from playground.graph.document import GraphDocument
from playground.graph.layout import layered_layout

_ID_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def from_value(root: Value, *, layout: bool = True) -> GraphDocument:
    """A new document holding ``root``'s whole graph."""
    if not isinstance(root, Value):
        raise TypeError(f"from_value needs a Value, got {type(root).__name__}")
    order = topological_order(root)
    doc = GraphDocument()
    label_count: dict[str, int] = {}
    for v in order:
        if v.label:
            label_count[v.label] = label_count.get(v.label, 0) + 1
    ids: dict[int, str] = {}
    for v in order:
        label = v.label
        wanted = label if label and label_count[label] == 1 and _ID_OK.match(label) else None
        op = v.op
        children = v._prev
        if op is not None and op.scalar and len(children) == op.arity:
            node = doc.add_node(
                "op", op=op.name, label=label, node_id=_unique(doc, wanted, op.name)
            )
            for slot, child in enumerate(children):
                doc.connect(ids[id(child)], node, slot)
        else:
            shown = label or (v._op if children else "")
            node = doc.add_node(
                "value", value=v.data, label=shown, node_id=_unique(doc, wanted, "v")
            )
        ids[id(v)] = node
    doc.set_output(ids[id(root)])
    if layout:
        for n, p in layered_layout(doc).items():
            doc.move(n, p)
    return doc


def _unique(doc: GraphDocument, wanted: str | None, prefix: str) -> str:
    if wanted and wanted not in doc:
        return wanted
    return doc.new_id(prefix)
