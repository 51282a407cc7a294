"""Engine to document: show a graph built in code with ``Value`` (micrograd-style) as a graph.

``from_value(root)`` makes one node per ``Value`` that ``root`` depends on, keeps labels (a
label becomes the node id when it is unique), wires operands to slots in order, marks
``root`` as the output and lays the result out. ``x**2`` (ours, or a node whose ``_op`` is
"**2" as micrograd writes it) becomes powc, the exponent a parameter, not a node. A value made
by an op the table does not know (micrograd-style code that assigns its own ``_backward``)
cannot be re-run by the graph: it becomes a value node holding its data, labelled with its
label or op symbol.

``root`` may also be micrograd's own ``Value`` (``pip install micrograd``): its graph is read
through ``data``, ``_prev``, ``_op`` and ``label`` (``+``, ``*``, ``ReLU``, ``**n``; its
children are a set, so ``a + a`` has one child, and its binary ops are all commutative).
"""

from __future__ import annotations

import math
import re

from playground.engine.value import Value, topological_order
from playground.graph.document import GraphDocument
from playground.graph.layout import layered_layout
from playground.ops import OPS

_ID_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def from_value(root: Value, *, layout: bool = True) -> GraphDocument:
    """A new document holding ``root``'s whole graph."""
    if not isinstance(root, Value):
        if not all(hasattr(root, k) for k in ("data", "_prev", "_op")):
            raise TypeError(f"from_value needs a Value, got {type(root).__name__}")
        root = _from_micrograd(root)
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
        params = _micrograd_power(v) if op is None else v._params
        if params is not None:  # x**2: powc, the exponent a parameter (no node)
            op = OPS["powc"]
        if op is not None and op.scalar and len(children) == op.arity:
            node = doc.add_node(
                "op", op=op.name, label=label, node_id=_unique(doc, wanted, op.name),
                params=params,
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


_POWER = re.compile(r"^\*\*(.+)$")


def _micrograd_power(v: object) -> dict[str, int | float] | None:
    """``{"exponent": 2}`` for a node made micrograd's way with ``x**2`` (``_op`` ``"**2"``,
    one child), else None."""
    if len(v._prev) != 1 or not isinstance(v._op, str):  # type: ignore[attr-defined]
        return None
    m = _POWER.match(v._op)  # type: ignore[attr-defined]
    if not m:
        return None
    try:
        n = float(m[1])
    except ValueError:
        return None
    if not math.isfinite(n):
        return None
    return {"exponent": int(n) if n.is_integer() and abs(n) < 1e15 else n}


_MICROGRAD_OPS = {"+": "add", "*": "mul", "ReLU": "relu"}


def _from_micrograd(root: object) -> Value:
    """Our ``Value`` graph with the numbers and labels of micrograd's graph under ``root``."""
    made: dict[int, Value] = {}
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:  # children first, iteratively (a long chain is fine)
        v, expanded = stack.pop()
        if id(v) in made:
            continue
        children = list(getattr(v, "_prev", ()))
        if not expanded:
            stack.append((v, True))
            stack.extend((c, False) for c in children if id(c) not in made)
            continue
        kids = [made[id(c)] for c in children]
        op = _MICROGRAD_OPS.get(v._op)  # type: ignore[attr-defined]
        power = _micrograd_power(v)
        if power is not None and len(kids) == 1:
            new = kids[0] ** power["exponent"]
        elif op == "relu" and len(kids) == 1:
            new = kids[0].relu()
        elif op in ("add", "mul") and 1 <= len(kids) <= 2:
            a, b = kids if len(kids) == 2 else (kids[0], kids[0])  # the set held a + a once
            new = a + b if op == "add" else a * b
        else:  # a leaf, or an op we cannot re-run: its number, named by its op
            new = Value(v.data, label=getattr(v, "label", "") or (v._op if children else ""))  # type: ignore[attr-defined]
        if getattr(v, "label", ""):
            new.label = v.label  # type: ignore[attr-defined]
        made[id(v)] = new
    return made[id(root)]


def _unique(doc: GraphDocument, wanted: str | None, prefix: str) -> str:
    if wanted and wanted not in doc:
        return wanted
    return doc.new_id(prefix)
