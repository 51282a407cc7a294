"""Text <-> literal values (no Qt): what the value box reads and shows.

``parse_literal`` turns what a learner types into a document literal, safely (``float`` and
``ast.literal_eval``, never ``eval``), or says what is wrong with it.
"""

from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

from playground.graph.validate import literal_problem, overflowing_number, too_large

HINT = "type a number like -3.5, or a tensor like [[1, 2], [3, 4]]"


class LiteralError(ValueError):
    """Text that is not a literal; the message is for the user."""


def parse_literal(text: str) -> float | list:
    """A number or a (rectangular) nested list of numbers, from text. Raises LiteralError."""
    cleaned = text.strip().replace("−", "-")
    if not cleaned:
        raise LiteralError(f"empty: {HINT}")
    big = overflowing_number(cleaned)
    if big is not None:  # float() would say inf, and the README says nonsense changes nothing
        raise LiteralError(too_large(big))
    try:
        return float(cleaned)  # also "1e-3", "inf", "nan"
    except ValueError:
        pass
    try:
        value = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise LiteralError(f"not a number or tensor: {HINT}") from None
    if isinstance(value, tuple):
        value = list(value)
    problem = literal_problem(value)
    if problem:
        if problem.startswith("bad literal: "):
            problem = problem[len("bad literal: ") :]
        raise LiteralError(f"{problem}: {HINT}")
    return _plain(value)


def _plain(value: Any) -> float | list:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return float(value)


def format_literal(value: Any) -> str:
    """How a literal is shown in the value box: round-trips through ``parse_literal``."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_literal(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value)) if value is not None else ""


def is_finite(x: Any) -> bool:
    if x is None:
        return True
    if isinstance(x, np.ndarray):
        return bool(np.all(np.isfinite(x)))
    return math.isfinite(float(x))


def same_literal(a: Any, b: Any) -> bool:
    """Equal literals, counting nan as equal to nan (so re-entering nan is no edit)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_literal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b
