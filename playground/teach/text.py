"""How the teaching tools write numbers, names and derivatives.

Numbers use 4 decimals like micrograd's ``draw_dot`` (and the canvas), so the text and the
nodes show the same digits. Names are what the canvas shows: a node's label, else its id.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from playground.graph.document import GraphDocument

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def num(x: Any) -> str:
    """``2.0000``, ``-1.2346e6``, ``3.000e-5``, ``nan``; arrays as ``2×3 array, mean 0.1234``."""
    if x is None:
        return "—"
    if isinstance(x, np.ndarray):
        if x.size == 1:
            return num(float(x.reshape(-1)[0]))
        if x.ndim == 1 and x.size <= 3:
            return "[" + ", ".join(num(float(v)) for v in x) + "]"
        shape = "×".join(str(s) for s in x.shape)
        return f"{shape} array, mean {num(float(np.mean(x)))}" if x.size else f"{shape} empty"
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    ax = abs(x)
    if ax == 0 or 1e-3 <= ax < 1e5:
        text = f"{x:.4f}"
        return "0.0000" if text == "-0.0000" else text
    mantissa, exp = f"{x:.3e}".split("e")
    return f"{mantissa}e{int(exp)}"


def precise(x: float) -> str:
    """Up to 15 significant digits, for finite differences (``-3.99999999999956``)."""
    if x is None:
        return "—"
    x = float(x)
    if not math.isfinite(x):
        return num(x)
    text = f"{x:.15g}"
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def signed(x: float) -> str:
    """``+0.6000`` / ``-0.6000``: a change."""
    text = num(x)
    return text if text.startswith("-") or text in ("nan", "0.0000") else "+" + text


NAME_MAX = 20
"""An unlabelled op is named by its expression (``e*f``) up to this length, else by its id."""


def name(doc: GraphDocument, node_id: str) -> str:
    """How the text names a node: its label; an unlabelled op fed by named nodes by its short
    expression (``e*f``: the canvas shows it as ``*`` wired to e and f); else its id (what the
    canvas shows on an unlabelled value)."""
    if node_id not in doc:
        return node_id
    label = doc.label(node_id)
    if label or doc.kind(node_id) != "op":
        return label or node_id
    ins = doc.inputs(node_id)
    if any(s is None or not (doc.label(s) or doc.kind(s) == "value") for s in ins):
        return node_id
    from playground.ops import OPS

    op = OPS[doc.op_name(node_id)]
    parts = [wrap(doc.label(s) or s) for s in ins if s is not None]
    expr = f"{parts[0]}{op.symbol}{parts[1]}" if len(parts) == 2 else f"{op.symbol}({parts[0]})"
    return expr if len(expr) <= NAME_MAX else node_id


def wrap(label: str) -> str:
    """A name fit for ``dL/d<name>``: ``x1`` stays, ``x1*w1 + x2*w2`` gets parentheses."""
    return label if _IDENT.match(label) else f"({label})"


def d(out: str, of: str) -> str:
    """``dL/da``."""
    return f"d{wrap(out)}/d{wrap(of)}"


def substitute(formula: str, names: dict[str, str]) -> str:
    """Replace whole words of ``formula`` (slot names, ``out``) by node names."""
    if not names:
        return formula
    words = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z0-9_])"
    )
    return pattern.sub(lambda m: names[m.group(1)], formula)
