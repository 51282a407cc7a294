"""Plain data for the document: a literal as nested lists of floats, a position as two
floats, op parameters normalised; whatever a caller hands in (numpy arrays, tuples, ints).
``GraphError`` says why a value cannot be one."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterable
from typing import Any

from playground.graph import params as P
from playground.graph.events import GraphError

Literal_ = float | int | list
Pos = tuple[float, float]


def plain_params(op: str, params: Any) -> dict[str, Any]:
    try:
        return P.normalize(op, params)
    except P.ParamError as exc:
        raise GraphError(exc.for_user(op)) from None


def plain_pos(pos: Iterable[float]) -> Pos:
    x, y = pos
    return (float(x), float(y))


def plain_literal(value: Any) -> Literal_:
    """Numbers stay numbers (bool excluded); nested sequences become nested lists."""
    if value.__class__ is list:
        copied = _copy_float_lists(value)
        if copied is not None:
            return copied
    if isinstance(value, bool):
        raise GraphError("a value must be a number or nested lists of numbers, not a boolean")
    if isinstance(value, int | float):
        return float(value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return plain_literal(value.tolist())
    if isinstance(value, list | tuple):
        return [plain_literal(v) for v in value]
    raise GraphError(
        f"a value must be a number or nested lists of numbers, not {type(value).__name__}"
    )


def _copy_float_lists(value: list) -> list | None:
    """A copy of ``value`` when it is lists nested to one depth with only floats at the
    bottom (what a loaded file holds), made by C loops a level at a time: the per-number
    walk below took 4 s for a (1,000,000, 1) literal. None for anything else."""
    level: list[Any] = value
    depth = 1
    while True:
        kinds = set(map(type, level))
        if kinds == {float}:
            break
        if kinds != {list}:
            return None
        level = list(itertools.chain.from_iterable(level))
        depth += 1
    gc_was = gc.isenabled()
    gc.disable()  # a million new lists set off collections costing more than the copy
    try:
        return _copy_lists(value, depth)
    finally:
        if gc_was:
            gc.enable()


def _copy_lists(value: list, depth: int) -> list:
    if depth == 1:
        return value.copy()
    if depth == 2:
        return list(map(list, value))
    return [_copy_lists(v, depth - 1) for v in value]
