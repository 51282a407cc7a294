"""What every part of the file checks shares: the one error a bad graph file raises, the
strings that stand for nan and infinity, and the mark of a number too large for a float."""

from __future__ import annotations

import math

SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class LoadError(ValueError):
    """A file that is not a valid graph; the message says what and where."""


class _Huge:
    """A JSON number too large for a float (reported with its location later)."""

    def __init__(self, text: str) -> None:
        self.text = text
