"""How numbers are written, everywhere: the canvas, the inspector, the teaching text, DOT export.

One place, so a node, the step-through text and an exported DOT record show the same digits:

- ``number(x)``: 4 decimals like micrograd's ``draw_dot`` (``2.0000``), compact scientific when
  4 decimals would hide the number or make it long (``3.000e-5``, ``-1.235e8``), ``nan``,
  ``inf``; never ``-0.0000``. At most ``len(NUMBER_TEMPLATE)`` characters.
- ``summary(x)``: ``number`` for a number or a one-element tensor, a short vector in full
  (``[1.0000, -2.0000]``), else its shape and mean (``2×3 array, mean 0.1234``); None is ``—``.
- ``nested(x)``: every element of a tensor as ``number``, in nested lists.
- ``short(x)``: three significant digits, for tensor previews (``-0.183``, ``1.23e4``).
- ``signed(x)``: a change, with its sign (``+0.6000``).
- ``precise(x)``: up to 15 significant digits (finite differences: ``-3.99999999999956``).
- ``full(x)``: every digit (the shortest text that reads back as the same float), tensors
  element by element, for the inspector and tooltips.
- ``shape(x)``: ``2×3``; a vector of 4 is ``(4,)`` so it does not read as a number.

No Qt here: the headless teaching text and exports use it as the UI does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

NUMBER_TEMPLATE = "-8.888e-888"
"""As wide as the widest ``number()`` (the canvas sizes its value column with it)."""
NONE = "—"
"""What stands for no number (not computed yet, or an error)."""
VECTOR_ITEMS = 3
"""``summary`` writes a vector with at most this many elements in full."""


def _special(x: float) -> str | None:
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return None


def _sci(mantissa_exp: str) -> str:
    """``1.235e+08`` -> ``1.235e8`` (no plus sign, no leading zeros in the exponent)."""
    mantissa, exp = mantissa_exp.split("e")
    return f"{mantissa}e{int(exp)}"


def number(x: float) -> str:
    """``2.0000``, ``-1.235e8``, ``3.000e-5``, ``nan``, ``inf``; never ``-0.0000``."""
    x = float(x)
    special = _special(x)
    if special:
        return special
    ax = abs(x)
    if ax == 0 or 1e-3 <= ax < 1e5:
        text = f"{x:.4f}"
        return "0.0000" if text == "-0.0000" else text
    return _sci(f"{x:.3e}")


def summary(x: Any) -> str:
    """A number, or a tensor in a few words: ``[1.0000, -2.0000]``, ``2×3 array, mean 0.5``."""
    if x is None:
        return NONE
    if isinstance(x, np.ndarray):
        if x.size == 1:
            return number(x.reshape(-1)[0])
        if x.ndim == 1 and x.size <= VECTOR_ITEMS:
            return "[" + ", ".join(number(v) for v in x) + "]"
        if not x.size:
            return f"{shape(x)} empty"
        return f"{shape(x)} array, mean {number(np.mean(x))}"
    return number(x)


def nested(x: Any) -> str:
    """Every element as ``number``, in nested lists: ``[[1.0000, -2.0000], [0.5000, 0.0000]]``."""
    if x is None:
        return NONE
    if isinstance(x, np.ndarray) and x.ndim:
        return "[" + ", ".join(nested(v) for v in x) + "]"
    return number(x)


def short(x: float) -> str:
    """Three significant digits for tensor previews: ``1``, ``-0.183``, ``1.23e4``, ``nan``."""
    x = float(x)
    special = _special(x)
    if special:
        return special
    text = f"{x:.3g}"
    if "e" in text:
        text = _sci(text)
    return "0" if text == "-0" else text


def signed(x: float) -> str:
    """``+0.6000`` / ``-0.6000``: a change."""
    text = number(x)
    return text if text.startswith("-") or text in ("nan", "0.0000") else "+" + text


def precise(x: float | None) -> str:
    """Up to 15 significant digits, for finite differences (``-3.99999999999956``)."""
    if x is None:
        return NONE
    x = float(x)
    if not math.isfinite(x):
        return number(x)
    text = f"{x:.15g}"
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def full(x: Any, line_width: int = 1_000_000) -> str:
    """Every digit: ``-1.4999999999999993``; a tensor as nested lists of such numbers (up to
    1,000 elements, then numpy's ``...``), rows broken after ``line_width`` characters."""
    if x is None:
        return NONE
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=17, floatmode="unique", suppress=False, threshold=1000):
            return np.array2string(x, separator=", ", max_line_width=line_width)
    return repr(float(x))


def shape(x: Any) -> str:
    """``2×3``; a 1-D tensor of 4 is ``(4,)`` so it does not read as a number; a number ``()``."""
    dims = np.shape(x)
    if not dims:
        return "()"
    return f"({dims[0]},)" if len(dims) == 1 else "×".join(str(s) for s in dims)


def grad_range(results: Iterable[Any]) -> float:
    """The largest finite |grad| over node results: what the colour key spans."""
    best = 0.0
    for r in results:
        g = grad_scalar(r.grad)
        if g is not None and math.isfinite(g):
            best = max(best, abs(g))
    return best


def grad_scalar(g: Any) -> float | None:
    """One number that stands for a gradient's sign and size (arrays: the largest |element|)."""
    if g is None:
        return None
    if isinstance(g, np.ndarray):
        if g.size == 0:
            return 0.0
        flat = g.reshape(-1)
        with np.errstate(invalid="ignore"):
            i = int(np.nanargmax(np.abs(flat))) if not np.all(np.isnan(flat)) else 0
        return float(flat[i])
    return float(g)
