"""A file's literals checked: their sizes counted before any number is read one by one (the
per-literal and per-file caps), a rectangular grid of floats accepted a level at a time, and
anything else walked number by number with a message naming its place
(``nodes[0].value[3][1]``). ``playground.graph.io_check`` calls these."""

from __future__ import annotations

import itertools
import math
from typing import Any

from playground.graph.io_base import SPECIAL_FLOATS, LoadError, _Huge
from playground.graph.limits import MAX_FILE_NUMBERS, MAX_LITERAL_ELEMENTS
from playground.graph.quoting import brief
from playground.graph.quoting import kind as json_type
from playground.graph.validate import MAX_TENSOR_DIMS


def _count_literals(nodes_raw: list) -> set[int]:
    """Refuse a literal of more than ``MAX_LITERAL_ELEMENTS`` numbers, or literals of more
    than ``MAX_FILE_NUMBERS`` together, before any number is checked one by one: a 63 MiB
    file's literal of 33,000,000 numbers took 44 s and 1.7 GB to refuse after that, and 33
    literals of 1,000,000 took 52 s and 1.9 GB to load (issue 18 §1). Returns the ids of
    the literals found to be whole float grids (``_float_grid``): nothing more to check."""
    total = 0
    grids: set[int] = set()
    for i, n in enumerate(nodes_raw):
        if not (n.__class__ is dict and n.get("kind") == "value"):
            continue
        raw = n.get("value")
        if raw.__class__ is not list:
            total += 1
            continue
        grid = _float_grid(raw, MAX_LITERAL_ELEMENTS)
        if grid is not None:
            grids.add(id(raw))
        count = (len(grid[1]) if grid is not None
                 else _count_numbers(raw, MAX_LITERAL_ELEMENTS))
        if count > MAX_LITERAL_ELEMENTS:
            whole = math.prod(_shape(raw))  # exact for a rectangular literal
            many = (f"{whole:,}" if whole > MAX_LITERAL_ELEMENTS
                    else f"more than {MAX_LITERAL_ELEMENTS:,}")
            raise LoadError(f"nodes[{i}].value: a tensor of {many} numbers: over the "
                            f"{MAX_LITERAL_ELEMENTS:,} limit for one literal")
        total += count
        if total > MAX_FILE_NUMBERS:
            raise LoadError(f"nodes[{i}].value: the file's literals hold {total:,} numbers "
                            f"with this one: over the {MAX_FILE_NUMBERS:,} limit for a file")
    return grids


def _count_numbers(x: list, limit: int) -> int:
    """The numbers in the nested list ``x``, or ``limit + 1`` when there are more. The count
    stops just past ``limit``, and at anything but a number or a non-empty list within
    ``MAX_TENSOR_DIMS`` (there ``_literal``, walking in the same order, stops with its
    reason), so it stays short whatever the file holds."""
    count = 0

    def walk(v: list, depth: int) -> bool:  # False: stopped (past the limit, or no number)
        nonlocal count
        for c in v:
            k = c.__class__
            if k is float or k is int:  # not bool (its own class), not _Huge
                count += 1
                if count > limit:
                    return False
            elif k is list and c and depth < MAX_TENSOR_DIMS:
                if not walk(c, depth + 1):
                    return False
            elif k is str and c.strip().lower() in SPECIAL_FLOATS:  # "nan", "inf", "-inf"
                count += 1
                if count > limit:
                    return False
            else:
                return False
        return True

    walk(x, 1)
    return count


_FLOAT_ONLY = {float}
_PLAIN_NUMBERS = ({float}, {int}, {int, float})


def _float_grid(x: list, limit: int) -> tuple[tuple[int, ...], list[float]] | None:
    """``x``'s shape and its numbers in order, when ``x`` is a rectangular nested list of
    floats (no int, string, bool, too-large number) of at most ``MAX_TENSOR_DIMS`` dimensions
    and ``limit`` numbers; else None, and the careful walk decides. One nesting level at a
    time, so a (1,000,000, 1) column takes C loops, not a million Python calls."""
    level: list[Any] = [x]
    shape: list[int] = []
    while True:
        kinds = set(map(type, level))
        if kinds == _FLOAT_ONLY:
            return tuple(shape), level
        if kinds != {list} or len(shape) >= MAX_TENSOR_DIMS:
            return None
        lengths = set(map(len, level))
        if len(lengths) != 1:
            return None  # ragged: the walk names the row
        n = lengths.pop()
        if n == 0 or len(level) * n > limit:
            return None
        shape.append(n)
        level = list(itertools.chain.from_iterable(level))


def _literal(x: Any, at: Any, depth: int = 0) -> Any:
    """A number or a rectangular nested list of numbers, with "nan"/"inf" strings decoded.
    ``at`` is where ``x`` is: a string, or (where its list is, index) for an item, worded
    (``_where``) only for a message, since a literal may hold a million numbers."""
    if isinstance(x, bool):
        raise LoadError(f"{_where(at)}: expected a number, found a boolean")
    if isinstance(x, _Huge):
        raise LoadError(f"{_where(at)}: {brief(x)} is too large for a float")
    if isinstance(x, int):
        try:
            return float(x)
        except OverflowError:
            raise LoadError(f"{_where(at)}: {brief(x, 0)} is too large for a float") from None
    if isinstance(x, float):
        return x
    if isinstance(x, str):
        special = SPECIAL_FLOATS.get(x.strip().lower())
        if special is None:
            raise LoadError(f"{_where(at)}: expected a number, found the string {brief(x)}")
        return special
    if isinstance(x, list):
        if depth >= MAX_TENSOR_DIMS:
            raise LoadError(f"{_where(at)}: a tensor of more than {MAX_TENSOR_DIMS} dimensions")
        if not x:
            raise LoadError(f"{_where(at)}: an empty list is not a tensor")
        kinds = set(map(type, x))  # a row of plain numbers (the bulk of any literal): at once
        if kinds == _FLOAT_ONLY:
            return list(x)
        if kinds in _PLAIN_NUMBERS:
            try:
                return list(map(float, x))
            except OverflowError:  # an integer too large: the walk below says which
                pass
        items = [_literal(v, (at, j), depth + 1) for j, v in enumerate(x)]
        first = _shape(items[0])
        for j, item in enumerate(items):
            s = _shape(item)
            if s != first:
                where = _where(at)
                raise LoadError(
                    f"{where}[{j}]: ragged tensor: shape {_fmt_shape(s)} where "
                    f"{where}[0] has shape {_fmt_shape(first)}"
                )
        return items
    raise LoadError(f"{_where(at)}: expected a number or a list of numbers, found "
                    f"{json_type(x)}")


def _where(at: Any) -> str:
    """``nodes[0].value[3][1]`` from ``(("nodes[0].value", 3), 1)``."""
    indices = []
    while isinstance(at, tuple):
        at, j = at
        indices.append(j)
    return at + "".join(f"[{j}]" for j in reversed(indices))


def _shape(x: Any) -> tuple[int, ...]:
    shape = []
    while isinstance(x, list):
        shape.append(len(x))
        x = x[0]
    return tuple(shape)


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "() (a number)" if not shape else str(shape)
