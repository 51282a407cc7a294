"""Checks on documents and literals, as structured problems (no exceptions).

``literal_problem(value)`` says why a value node's literal is unusable (evaluate and the
inspector use it); ``validate(doc)`` lists every structural problem of a document as
``Problem`` records (kind, message, node, edge, slot) for a problems list or highlights.
Files are checked separately, with locations, by ``io.load``. ``overflowing_number(text)``
finds a typed number that float64 cannot hold (``1e999``): the inspector and the expression
entry refuse it with ``too_large(...)``'s words instead of storing inf.
"""

from __future__ import annotations

import io
import math
import tokenize
from dataclasses import dataclass
from typing import Any

import networkx as nx

from playground.graph.document import GraphDocument, GraphError
from playground.graph.limits import MAX_LITERAL_ELEMENTS
from playground.graph.quoting import as_written
from playground.ops import OPS

MAX_TENSOR_DIMS = 32


def literal_problem(value: Any) -> str | None:
    """Why ``value`` is not a usable literal (a number, or a rectangular nested list), or None.

    nan and inf are usable (they give a warning when evaluated, not an error).
    """
    if isinstance(value, bool):
        return "bad literal: a boolean is not a number"
    if isinstance(value, int | float):
        return None
    if not isinstance(value, list | tuple):
        return f"bad literal: {type(value).__name__} is not a number"
    try:
        shape = _shape(value, 0)
    except _Bad as exc:
        return f"bad literal: {exc}"
    if 0 in shape:
        return "bad literal: a tensor needs at least one number"
    if math.prod(shape) > MAX_LITERAL_ELEMENTS:
        return (f"bad literal: {math.prod(shape):,} numbers: over the "
                f"{MAX_LITERAL_ELEMENTS:,} limit for one literal")
    return None


def too_large(number: str) -> str:
    """The one message for a typed number past float64 (typing ``inf`` is how to get inf)."""
    return f"too large: {as_written(number, 20)} overflows to inf in float64"


def overflowing_number(text: str) -> str | None:
    """The first number written in ``text`` (Python syntax: ``1e999``, ``[2, 1e400]``, a
    400-digit integer) that becomes inf as a float64, or None. Text that does not tokenize
    is None here: whoever parses it says what is wrong."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NUMBER and _overflows(tok.string):
                return tok.string
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _overflows(number: str) -> bool:
    try:
        return math.isinf(float(number))  # decimals and exponents: 1e999 -> inf
    except ValueError:
        pass
    try:
        float(int(number, 0))  # 0x..., 0b...: ints, which float() refuses past ~1.8e308
    except OverflowError:
        return True
    except ValueError:
        return False  # 2j and the like: not a float at all; the parser says so
    return False


class _Bad(Exception):
    pass


def _shape(value: Any, depth: int) -> tuple[int, ...]:
    if depth > MAX_TENSOR_DIMS:
        raise _Bad(f"nested more than {MAX_TENSOR_DIMS} levels deep")
    if isinstance(value, bool):
        raise _Bad("a boolean is not a number")
    if isinstance(value, int | float):
        return ()
    if not isinstance(value, list | tuple):
        raise _Bad(f"{type(value).__name__} is not a number")
    if not value:
        return (0,)
    shapes = [_shape(v, depth + 1) for v in value]
    first = shapes[0]
    for i, s in enumerate(shapes):
        if s != first:
            raise _Bad(
                f"ragged tensor: item {i} has shape {_fmt(s)} but item 0 has shape {_fmt(first)}"
            )
    return (len(value), *first)


def _fmt(shape: tuple[int, ...]) -> str:
    return "a number" if not shape else str(shape)


def literal_shape(value: Any) -> tuple[int, ...] | None:
    """The shape of a valid literal (``()`` for a number), or None if it is not valid."""
    if literal_problem(value) is not None:
        return None
    return () if isinstance(value, int | float) else _shape(value, 0)


def is_finite_literal(value: Any) -> bool:
    if isinstance(value, int | float):
        return math.isfinite(value)
    return all(is_finite_literal(v) for v in value)


# --- whole documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing that stops a document from being evaluated, for lists and highlights."""

    kind: str
    """empty, unknown_op, bad_literal, missing_input, bad_slot, cycle, no_output."""
    message: str
    node: str | None = None
    edge: tuple[str, str, int] | None = None
    slot: int | None = None


def validate(doc: GraphDocument, need_output: bool = False) -> list[Problem]:
    """Every structural problem of ``doc`` (no maths is run), in document order.

    Cycles and bad slots cannot be made through ``GraphDocument``'s methods, but this checks
    the graph itself, so it also catches what a buggy caller smuggled in. ``need_output``
    adds a problem when Backward would not know where to start.
    """
    g = doc.graph
    problems: list[Problem] = []
    if len(g) == 0:
        return [Problem("empty", "the graph is empty: add a node first")]
    for n, attrs in g.nodes(data=True):
        name = _display(doc, n)
        if attrs.get("kind") == "value":
            reason = literal_problem(attrs.get("value"))
            if reason:
                problems.append(Problem("bad_literal", f"{name}: {reason}", node=n))
            continue
        op = OPS.get(attrs.get("op"))  # type: ignore[arg-type]
        if op is None:
            problems.append(
                Problem("unknown_op", f"{name}: unknown op {attrs.get('op')!r}", node=n)
            )
            continue
        fed = set()
        for s, _, k in g.in_edges(n, keys=True):
            if not isinstance(k, int) or not 0 <= k < op.arity:
                problems.append(
                    Problem("bad_slot", f"{name} has no input {k!r}", node=n, edge=(s, n, k))
                )
            else:
                fed.add(k)
        for slot in range(op.arity):
            if slot not in fed:
                problems.append(
                    Problem(
                        "missing_input",
                        f"{name}: input '{op.slots[slot]}' is not connected",
                        node=n,
                        slot=slot,
                    )
                )
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        pass
    else:
        names = " -> ".join(_display(doc, s) for s, *_ in cycle)
        s, t, k = cycle[0][:3]
        problems.append(
            Problem("cycle", f"the graph has a cycle ({names})", node=s, edge=(s, t, k))
        )
    if need_output:
        try:
            doc.output_node()
        except GraphError as exc:
            problems.append(Problem("no_output", str(exc)))
    return problems


def _display(doc: GraphDocument, n: str) -> str:
    try:
        return doc.display_name(n)
    except Exception:
        return n
