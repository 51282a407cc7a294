"""What evaluation says about a node, in words: why it has no number yet (waiting for an
input), which inputs are missing, and why an op gave nan or inf. Names are passed in (or made by
a function), so the texts always use the names the canvas shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from playground.ops import OPS, Op


def slots_text(slots: tuple[str, ...]) -> str:
    """"its 'right' input", "its 'left' and 'right' inputs"."""
    names = [f"'{s}'" for s in slots]
    if len(names) == 1:
        return f"its {names[0]} input"
    return f"its {', '.join(names[:-1])} and {names[-1]} inputs"


def waiting_text(name: str, root: str | None, needs: tuple[str, ...]) -> str:
    """Why a pending node has no number, with the names given: "e needs its 'right' input",
    or (``root`` upstream lacks the input) "L waits for e, which needs its 'right' input"."""
    if root is None:
        return f"{name} needs {slots_text(needs)}"
    return f"{name} waits for {root}, which needs {slots_text(needs)}"


def pending_text(results: Mapping[str, Any], node: str, name: Any) -> str | None:
    """``waiting_text`` for ``node`` from an evaluation's results, names made by
    ``name(node_id)``; None when ``node`` is not pending."""
    r = results.get(node)
    if r is None or not r.pending or r.waits_for is None:
        return None
    root = r.waits_for
    needs = r.needs if root == node else getattr(results.get(root), "needs", ())
    return waiting_text(name(node), None if root == node else name(root), needs)


def missing_text(op: Op, fed: list[Any]) -> str:
    missing = [f"'{op.slots[i]}'" for i, s in enumerate(fed) if s is None]
    if len(missing) == 1:
        return f"input {missing[0]} is not connected"
    return f"inputs {' and '.join(missing)} are not connected"


_NEG_INF = float("-inf")


def nonfinite_kind(x: Any) -> str:
    """``nan``, ``inf``, ``-inf`` or ``inf and -inf``: what is not finite in ``x``."""
    if x.__class__ is float:  # most nodes of a scalar graph: no numpy call
        if x != x:
            return "nan"
        return "-inf" if x == _NEG_INF else "inf"
    arr = np.atleast_1d(np.asarray(x))
    if np.any(np.isnan(arr)):
        return "nan"
    infinite = arr[np.isinf(arr)]
    if infinite.size == 0:
        return "inf"  # as before for a finite x (callers only ask about non-finite ones)
    if np.all(infinite < 0):
        return "-inf"
    return "inf" if np.all(infinite > 0) else "inf and -inf"


def nonfinite_reason(op: str, ins: list[Any]) -> str | None:
    """Why an op with finite inputs gave nan or inf: the op table's classic case
    (``Op.nonfinite``), else an overflow."""
    nonfinite = OPS[op].nonfinite if op in OPS else None
    if nonfinite is not None:
        with np.errstate(all="ignore"):
            reason = nonfinite(*(np.asarray(x, dtype=np.float64) for x in ins))
        if reason:
            return reason
    return "the number is too large for a float"
