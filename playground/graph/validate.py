"""Checks on documents and literals, as structured problems (no exceptions)."""

from __future__ import annotations

import math
from typing import Any

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
    return None


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
