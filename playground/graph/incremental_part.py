"""Recompute a part of a forward pass: the nodes downstream of an edit (``incremental.py``).

``forward_part`` is ``_Run._forward(part)`` and ``_Run._results(part)`` fused, for a part
whose nodes outside ``starts`` have the op and the wires they had at the last forward (only
numbers upstream of them changed). It returns the results that differ from the old ones: a
node whose number and warning come out the same keeps its old result, the same object (the
canvas repaints only the cards whose result is a new one).

On the scalar engine such a node reuses the sources recorded at the last forward
(``run.inputs``) and skips the checks ``_forward`` makes of a node it sees for the first
time. *In place* (the evaluator's own run, not a preview's fork, which shares these objects)
it also keeps its engine node and only sets its ``data`` (and its children, which a start
may have replaced), and an edited value's leaf gets its new number the same way: no ``Value``
is built. The number is computed by the very expression ``Value._apply`` uses
(``op.forward``; ``+`` and ``*`` are ADD's and MUL's forward), so it is the same bit for bit
(tests/graph/test_incremental.py). A node in ``starts`` that is not a number literal, one
with parameters (powc's exponent), one that had a problem, or one whose input now has one
goes through ``_forward`` and ``_results`` themselves, which word it.

When an in-place pass took that fast way for every node, it also returns a *program*: the
part as (node, its engine node, its inputs' engine nodes, op), with no look-up left. Editing
the same value again (a drag of its number, the same edit repeated) runs the program
(``run_program``) instead: 0.1 µs a node instead of 1. The program holds engine nodes, so it
is right only while no engine node of the run was replaced: the evaluator drops it after any
pass that replaced one (a pass that returned no program), a full forward or a structural
edit (a new order, so a new part).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from playground.engine.value import Value, _node
from playground.graph.evaluate import _Run
from playground.graph.evaluate_results import _FROM_INPUT, NodeResult
from playground.ops import OPS, SCALAR
from playground.ops.table import ADD, MUL, Op

_S = SCALAR

Program = list[tuple[str, Value, Value, "Value | None", Op]]
"""(node, its engine node, its inputs' engine nodes (the second None for one input), op)."""


def forward_part(run: _Run, part: list[str], starts: set[str], old: Mapping[str, NodeResult],
                 in_place: bool) -> tuple[dict[str, NodeResult] | None, Program | None]:
    """Recompute ``part`` (in the order) in ``run``: the results that differ from ``old``
    (None on a cycle, as ``_forward``) and, in place, the program when there is one (see the
    module doc)."""
    values = run.values
    if run.engine != "scalar":
        for n in part:
            values.pop(n, None)
        if not run._forward(part):
            return None, None
        return run._results(part, None), None
    inputs, nodes, ops = run.inputs, run.nodes, OPS
    fresh: dict[str, NodeResult] = {}
    program: Program | None = [] if in_place else None
    step = program.append if program is not None else None
    for n in part:
        if n in starts:
            if in_place and _leaf_in_place(run, n):
                fresh.update(run._results([n], None))
                continue
        else:
            fed = inputs.get(n)
            if fed is not None:
                op = ops.get(nodes[n]["op"])
                va = values.get(fed[0])
                vn = values.get(n) if in_place else None
                if (op is not None and op.scalar and not op.params and va is not None
                        and (vn is not None or not in_place)):
                    vb = None if len(fed) == 1 else values.get(fed[1])
                    if vb is not None or len(fed) == 1:
                        if vn is None:  # a preview's fork: a new engine node
                            x = va.data
                            d = op.forward(_S, x) if vb is None else op.forward(_S, x, vb.data)
                            vn = values[n] = _node(d, va, vb, op)
                            _result(run, n, d, va, vb, old.get(n), fresh)
                        else:
                            _step(run, n, vn, va, vb, op, old, fresh)
                            if step is not None:
                                step((n, vn, va, vb, op))
                        continue
        program = step = None  # an engine node is replaced: no program
        inputs.pop(n, None)
        values.pop(n, None)
        if not run._forward([n]):
            return None, None
        fresh.update(run._results([n], None))
    return fresh, program


def run_program(run: _Run, program: Program, starts: set[str],
                old: Mapping[str, NodeResult]) -> dict[str, NodeResult] | None:
    """``forward_part`` again for the part ``program`` was made from, with the same starts:
    the results that differ from ``old``; None when a start is no longer a number literal
    (then ``forward_part`` words it)."""
    values, nodes = run.values, run.nodes
    for s in starts:
        attrs = nodes[s]
        literal = attrs.get("value")
        if (attrs["kind"] != "value" or values.get(s) is None
                or literal.__class__ not in (float, int)):
            return None
    fresh: dict[str, NodeResult] = {}
    for s in starts:
        _leaf_in_place(run, s)
        fresh.update(run._results([s], None))
    for n, vn, va, vb, op in program:
        _step(run, n, vn, va, vb, op, old, fresh)
    return fresh


def _leaf_in_place(run: _Run, n: str) -> bool:
    """Give value node ``n``'s engine leaf its literal, if it has one and the literal is a
    number (as ``_Run._leaf`` makes it: ``float(value)``)."""
    attrs = run.nodes[n]
    leaf = run.values.get(n)
    literal = attrs.get("value")
    if attrs["kind"] != "value" or leaf is None or literal.__class__ not in (float, int):
        return False
    leaf.data = float(literal)
    return True


def _step(run: _Run, n: str, vn: Value, va: Value, vb: Value | None, op: Op,
          old: Mapping[str, NodeResult], fresh: dict[str, NodeResult]) -> None:
    """Recompute node ``n`` in place: its engine node ``vn`` gets its new number; its result
    goes into ``fresh`` unless it is the old one's."""
    x = va.data
    if vb is None:
        d = op.forward(_S, x)
    else:
        y = vb.data
        d = x + y if op is ADD else x * y if op is MUL else op.forward(_S, x, y)
    was = vn.data
    vn.data = d
    vn._a = va
    vn._b = vb
    # A finite number equal to the last one (and not a zero of the other sign): the node's
    # result stands, warnings included (a finite number has none).
    if d == was and d.__class__ is float and math.isfinite(d) and (
            d or math.copysign(1.0, d) == math.copysign(1.0, was)):
        return
    _result(run, n, d, va, vb, old.get(n), fresh)


def _result(run: _Run, n: str, d: Any, va: Value, vb: Value | None, o: NodeResult | None,
            fresh: dict[str, NodeResult]) -> None:
    """Node ``n``'s result as ``_Run._results`` makes it, into ``fresh`` unless ``o`` (its old
    result) says the same."""
    if d.__class__ is not float:  # not what a scalar op gives; _results words any value
        fresh.update(run._results([n], None))
        return
    warning = None
    if not math.isfinite(d):  # as _results words it
        x = va.data
        if (x.__class__ is float and not math.isfinite(x)) or (
                vb is not None and vb.data.__class__ is float and not math.isfinite(vb.data)):
            warning = _FROM_INPUT["nan" if d != d else "-inf" if d < 0 else "inf"]
        else:
            warning = run._why_nonfinite(n, d)
    if o is not None and o.error is None and o.warning == warning:
        od = o.data
        # the same number bit for bit: 0.0 and -0.0 differ; nan is nan (but for its sign)
        if od.__class__ is float and (
                (od == d and (d or math.copysign(1.0, d) == math.copysign(1.0, od)))
                or (d != d and od != od and math.copysign(1.0, d) == math.copysign(1.0, od))):
            return
    fresh[n] = NodeResult(d, None, None, warning)
