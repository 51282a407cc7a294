"""Numbers the training plots can draw: curves and axis limits kept finite and in range.

A diverging run reports losses up to ~1e230 (and a test loss of nan or inf). matplotlib's
``LogLocator`` puts its ticks a whole stride of decades beyond the limits, so on a short axis
limits near 1e231 give a tick of 10**400 = inf, and formatting it raises ``OverflowError`` on
every draw and resize. Everything the loss plot gets goes through here first: values are
clipped to ``[-CAP, CAP]`` (inf included; nan stays nan, a gap in the line), and limits stay
within ``FLOOR``..``CAP``, so even two ticks 200 decades apart stay below float's 1e308.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["CAP", "FLOOR", "LOG_SPAN", "loss_range", "nice_ceiling", "shown", "wants_log"]

CAP = 1e100
"""The largest magnitude drawn: a bigger loss is drawn at the cap (it diverged anyway)."""
FLOOR = 1e-100
"""The smallest positive loss a log axis reaches down to."""
LOG_SPAN = 1e3
"""Losses whose largest is more than this many times their smallest get a log axis: on a
linear one everything below a thousandth of the top is a flat line on the floor."""


def wants_log(values: Sequence[float] | np.ndarray) -> bool:
    """Whether these losses span more than ``LOG_SPAN`` (their positive, finite ones)."""
    v = shown(values)
    v = v[np.isfinite(v) & (v > 0)]
    return len(v) >= 2 and float(v.max()) > LOG_SPAN * float(v.min())


def shown(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``values`` as floats that are safe to draw: ±inf and anything beyond ±CAP at ±CAP."""
    a = np.asarray(values, dtype=float)
    return np.clip(a, -CAP, CAP)  # clip keeps nan, turns ±inf into ±CAP


def loss_range(values: Sequence[float] | np.ndarray, log: bool) -> tuple[float, float]:
    """Finite y-limits for these losses, in 'nice' steps so they change rarely (each change is
    a full redraw): decades on a log axis, 1-1.5-2-3-5-7 on a linear one from 0."""
    v = shown(values)
    v = v[np.isfinite(v)]
    if log:
        positive = np.clip(v[v > 0], FLOOR, CAP)
        if not len(positive):
            return 1e-3, 1.0
        lo = 10.0 ** math.floor(math.log10(positive.min()))
        hi = 10.0 ** math.ceil(math.log10(positive.max()))
        return max(lo, FLOOR), min(max(hi, lo * 10), CAP)
    if not len(v):
        return 0.0, 1.0
    top = float(v.max())
    return min(0.0, float(v.min())), nice_ceiling(top * 1.05) if top > 0 else 1.0


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 (times a power of ten) that is >= x."""
    if x <= 0 or not math.isfinite(x):
        return 1.0
    e = 10.0 ** math.floor(math.log10(x))
    for m in (1, 1.5, 2, 3, 5, 7, 10):
        if m * e >= x:
            return m * e
    return 10 * e
