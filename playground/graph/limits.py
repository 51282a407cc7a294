"""Every limit that bounds the memory and time any input can take, in one place.

Reading a graph file (``io.load_file``): only a regular file is opened (a FIFO would block the
reader forever, ``/dev/zero`` never ends), and it may hold at most ``MAX_FILE_BYTES``. A
literal (a value node's tensor) holds at most ``MAX_LITERAL_ELEMENTS`` numbers, in a file
(``io_check``) and in the document (``validate.literal_problem``), and a file's literals
together at most ``MAX_FILE_NUMBERS``; a file's are counted before they are read number by
number.

Evaluating on the tensor engine (``evaluate._Run``): before a node is computed, its result's
shape is worked out from its inputs' shapes (``result_shape``: numpy broadcasting for
element-wise ops, the op table's ``shape`` rule for the others), and the node is refused with
its own error when

- its result would pass ``NODE_BYTES`` ("result would be 10000×10000 float64 = 763 MiB: over
  the 256 MiB limit");
- with backward, the arrays its backward step makes at once would pass ``NODE_BYTES``;
- the numbers the evaluation holds so far, this node's included, would pass ``GRAPH_BYTES``:
  every result, and with backward every gradient and what each wire carried back.

``GRAPH_BYTES`` is 512 MiB, not more, because the window holds two evaluations side by side
(the forward one on show and the last Backward's), and the process must stay under 1 GB of
resident memory for any file of 1 MB (issue 18; ``tests/graph/test_memory_budget.py``).
The scalar engine (plain floats, 8 bytes a node) is never estimated: a file's size bounds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from playground.ops import Op

MiB = 1 << 20
MAX_FILE_BYTES = 64 * MiB
"""A graph file larger than this is refused before it is read."""
MAX_LITERAL_ELEMENTS = 1_000_000
"""Numbers in one literal (a value node's tensor): 7.6 MiB as float64."""
MAX_FILE_NUMBERS = 4 * MAX_LITERAL_ELEMENTS
"""Numbers in all of a file's literals together (30.5 MiB as float64). A file under
``MAX_FILE_BYTES`` can write 33,000,000: loading 33 literals of a million took 52 s and
1.9 GB, since each number is a Python float on its way into an array."""
NODE_BYTES = 256 * MiB
"""A node's result, or the arrays its backward step makes."""
GRAPH_BYTES = 512 * MiB
"""Everything one evaluation holds: results, gradients, what the wires carried back."""
ITEM_BYTES = 8
"""Every tensor the evaluator makes is float64."""

Shape = tuple[int, ...]


class BudgetError(Exception):
    """A node refused before it was computed; the message is for the user."""


def size_text(nbytes: int) -> str:
    """``763 MiB``, ``1.5 GiB``, ``12 KiB``: a size the way the limits are written."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1 << 10)):
        if nbytes >= scale:
            value = nbytes / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{nbytes} bytes"


def shape_text(shape: Shape) -> str:
    return "×".join(str(n) for n in shape) if shape else "a number"


def elements(shape: Shape) -> int:
    return math.prod(shape)


def result_shape(op: Op, shapes: Sequence[Shape], params: dict[str, Any] | None) -> Shape | None:
    """The shape ``op`` gives these input shapes, without computing anything; None when the
    rule cannot tell (the inputs do not fit: the op itself then says why, computing nothing
    large). An op with no rule gives at most as many numbers as its inputs together."""
    try:
        if op.shape is not None:
            return tuple(op.shape(*shapes, **(params or {})))
        if op.elementwise:
            return tuple(np.broadcast_shapes(*shapes))
    except (ValueError, TypeError, IndexError):
        return None
    return None


def backward_elements(op: Op, shapes: Sequence[Shape], out: int) -> int:
    """How many numbers the backward step through one node makes at once (beyond the
    gradient coming down): element-wise, each input's local derivative and its product with
    the gradient, at the result's size, before the broadcast axes are summed away; matmul,
    the products before the batch axes are summed (for matrices, the inputs' sizes)."""
    if op.elementwise:
        return (len(shapes) + 1) * out
    if op.name in ("matmul", "linear") and len(shapes) >= 2 and shapes[0] and shapes[1]:
        a, b = shapes[0], shapes[1]
        a2 = (1, *a) if len(a) == 1 else a
        b2 = (*b, 1) if len(b) == 1 else b
        try:
            batch = elements(tuple(np.broadcast_shapes(a2[:-2], b2[:-2])))
        except ValueError:
            batch = 1
        return batch * (elements(a2[-2:]) + elements(b2[-2:])) + out
    return sum(elements(s) for s in shapes) + out


class Budget:
    """What one evaluation on the tensor engine holds, node by node (``held``, in bytes).

    ``check`` refuses a node before it is computed and returns what it will hold."""

    def __init__(self, held: int = 0) -> None:
        self.held = held

    def check(self, op: Op, shapes: Sequence[Shape], params: dict[str, Any] | None,
              backward: bool) -> int:
        out_shape = result_shape(op, shapes, params)
        inputs = sum(elements(s) for s in shapes)
        out = elements(out_shape) if out_shape is not None else inputs
        nbytes = out * ITEM_BYTES
        if nbytes > NODE_BYTES:
            what = (f"{shape_text(out_shape)} float64 = " if out_shape is not None else "")
            raise BudgetError(f"result would be {what}{size_text(nbytes)}: over the "
                              f"{size_text(NODE_BYTES)} limit for one node")
        cost = nbytes
        if backward:
            work = backward_elements(op, shapes, out) * ITEM_BYTES
            if work > NODE_BYTES:
                raise BudgetError(f"backward would make {size_text(work)} of arrays here: over "
                                  f"the {size_text(NODE_BYTES)} limit for one node")
            # its gradient (the result's size) and what each wire carries back (each input's)
            cost += nbytes + inputs * ITEM_BYTES
            peak = self.held + cost + work
        else:
            peak = self.held + cost
        if peak > GRAPH_BYTES:
            raise BudgetError(
                f"the graph's numbers would reach {size_text(peak)} with this node: over the "
                f"{size_text(GRAPH_BYTES)} limit for a graph")
        self.held += cost
        return cost

    def leaf(self, shape: Shape, backward: bool) -> int:
        """A literal (already within ``MAX_LITERAL_ELEMENTS``): its numbers, and its
        gradient with backward."""
        cost = elements(shape) * ITEM_BYTES * (2 if backward else 1)
        if self.held + cost > GRAPH_BYTES:
            raise BudgetError(
                f"the graph's numbers would reach {size_text(self.held + cost)} with this "
                f"literal: over the {size_text(GRAPH_BYTES)} limit for a graph")
        self.held += cost
        return cost
