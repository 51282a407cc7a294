"""Quoting a value from the user's input in a message, briefly.

A message that quotes what it refuses (an op name, a kind, an id, a number) must stay one
readable line whatever the input: a 10 MB op name quoted in full made the CLI print a
10-million-character line and the "Cannot open" dialog take minutes to lay out. ``brief``
is the one place that shortens: every message that quotes a value goes through it (the
loader's checks, the parameter checks, the clipboard).

``brief("x" * 10**7)`` -> ``'xxxx…' (10,000,000 characters)``: the quoted start, an ellipsis
and the full length, so the reader still sees what it was and how big.
"""

from __future__ import annotations

import math
from typing import Any

LIMIT = 60
"""At most this many characters of a quoted value are shown."""


def brief(value: Any, limit: int = LIMIT) -> str:
    """``value`` quoted as in a message: a string in quotes (``repr``), a number as written;
    longer than ``limit`` characters, cut with "…" and the full length in parentheses.

    Anything else is named by its kind (``a list``, ``an object``): quoting a structure in
    full could be as long as the file.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    huge = getattr(value, "text", None)  # io_check's placeholder for a number too big
    if isinstance(huge, str):
        return _cut(huge, limit, "characters")
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = _digits(value)
        if digits > limit:
            return f"a {digits:,}-digit number"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return kind(value)


def cut(text: str, limit: int = 300) -> str:
    """Free text (an exception's words, a caught message) cut to ``limit`` characters."""
    return _cut(text, limit, "characters")


def as_written(number: str, limit: int = LIMIT) -> str:
    """A number quoted as the user wrote it (``1e999``, no quotes), cut like ``brief``."""
    return _cut(number, limit, "characters")


def _cut(text: str, limit: int, unit: str) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} {unit})"


def _digits(n: int) -> int:
    """The number of decimal digits of ``n`` without ``str(n)`` (which Python refuses past
    4,300 digits, and which is slow for huge numbers)."""
    n = abs(n)
    if n < 10:
        return 1
    estimate = int(n.bit_length() * math.log10(2))  # the digits, or one fewer
    return estimate + 1 if n >= 10**estimate else estimate


def kind(x: Any) -> str:
    """What a JSON value is, in words (``a list``)."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "a boolean"
    if isinstance(x, int | float) or isinstance(getattr(x, "text", None), str):
        return "a number"
    if isinstance(x, str):
        return "a string"
    if isinstance(x, list | tuple):
        return "a list"
    if isinstance(x, dict):
        return "an object"
    return type(x).__name__


def found(x: Any) -> str:
    """What was found where something else was expected: a number or a string quoted
    (``1.5``, ``the string '1'``), anything else named by its kind (``a list``)."""
    if isinstance(x, str):
        return f"the string {brief(x)}"
    if (isinstance(x, int | float) and not isinstance(x, bool)) or hasattr(x, "text"):
        return brief(x)
    return kind(x)
