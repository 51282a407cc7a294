"""The softmax family and the losses: tensor-only entries with a vector-Jacobian product, as in
``tensor_ops`` (same conventions), kept apart because they are one job: log-softmax and
cross-entropy, and the fused losses the library's training uses (``sumsq``, ``hinge``).
Registered after ``tensor_ops`` (imported below), so the palette keeps its order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from playground.ops.table import Op, register
from playground.ops.tensor_ops import (
    CATEGORY,
    _add_reduce,
    _less_equal,
    _logical_not,
    _max_reduce,
    _mean_forward,
    sum_to_shape,
)

# --- softmax family -----------------------------------------------------------------------


def _rows_short(x: Any, axis: int) -> bool:
    """Reducing 2-D ``x`` along a short last axis (class scores: 10 per row)? numpy then runs
    one slow inner loop per row (28 us for a max over 256 x 10); reducing a transposed copy
    along its first axis is 3-6x faster."""
    return x.ndim == 2 and axis in (1, -1) and x.shape[1] <= 32 and x.shape[0] > x.shape[1]


def _max_keep(x: Any, axis: int) -> Any:
    """``x.max(axis, keepdims=True)`` (the same maxima, nan included)."""
    if _rows_short(x, axis):
        return _max_reduce(np.ascontiguousarray(x.T), axis=0).reshape(-1, 1)
    return _max_reduce(x, axis=axis, keepdims=True)


def _sum_keep(x: Any, axis: int) -> Any:
    """``x.sum(axis, keepdims=True)``; along a short last axis the terms are added in order."""
    if _rows_short(x, axis):
        return _add_reduce(np.ascontiguousarray(x.T), axis=0).reshape(-1, 1)
    return _add_reduce(x, axis=axis, keepdims=True)


def _log_softmax_forward(m: Any, x: Any, axis: int = -1) -> Any:
    # Shift by the max so exp never overflows: log_softmax(x) = x - max - log Σ exp(x - max).
    shifted = x - _max_keep(x, axis)
    return shifted - np.log(_sum_keep(np.exp(shifted), axis))


def _log_softmax_vjp(g: Any, out: Any, x: Any, axis: int = -1, needs=None):
    return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)


LOG_SOFTMAX = register(Op(
    "log_softmax", 1, "log softmax", CATEGORY, ("x",),
    forward=_log_softmax_forward,
    local=None,
    local_text=("g − softmax(x)·Σg",),
    description="log(softmax(x)) along an axis, computed stably (shifted by the max).",
    py="log_softmax({0}, axis={axis})", torch="torch.log_softmax({0}, dim={axis})",
    vjp=_log_softmax_vjp, params={"axis": -1}, scalar=False,
))


def _ce_targets(targets: Any, logits: Any, rows: int, classes: int, check: bool = True) -> Any:
    """Targets as class indices (N,) or probabilities (N, C). ``check`` (the forward pass)
    rejects bad ones; the backward pass sees the same targets again and skips the checks."""
    if targets.dtype.kind == "f" and targets.ndim < logits.ndim:  # class indices as floats
        if check and not np.all(np.mod(targets, 1) == 0):
            raise ValueError("cross_entropy: class indices must be whole numbers")
        targets = targets.astype(np.intp)
    if targets.dtype.kind in "iu":
        t = np.reshape(targets, (-1,))
        if check:
            if t.shape[0] != rows:
                raise ValueError(f"cross_entropy: {t.shape[0]} targets for {rows} rows of logits")
            if t.size and (t.min() < 0 or t.max() >= classes):
                raise IndexError(f"cross_entropy: a target is outside 0..{classes - 1}")
        return t.astype(np.intp, copy=False)
    probs = targets if targets.ndim == 2 else targets[None, :]
    if check and probs.shape != (rows, classes):
        raise ValueError(f"cross_entropy: targets {targets.shape} do not match {logits.shape}")
    return probs


def _rows(logits: Any) -> Any:
    return logits if logits.ndim == 2 else logits[None, :]


def _cross_entropy_forward(m: Any, logits: Any, targets: Any, reduction: str = "mean") -> Any:
    x = _rows(logits)
    logp = _log_softmax_forward(None, x, axis=-1)
    t = _ce_targets(targets, logits, *x.shape)
    losses = -logp[np.arange(logp.shape[0]), t] if t.ndim == 1 else -(t * logp).sum(axis=1)
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses if logits.ndim == 2 else losses[0]
    raise ValueError(f"cross_entropy: reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def _cross_entropy_vjp(g: Any, out: Any, logits: Any, targets: Any, reduction: str = "mean",
                       needs=None):
    x = _rows(logits)
    n = x.shape[0]
    t = _ce_targets(targets, logits, *x.shape, check=False)
    # softmax(x) straight from the shifted exponentials: one exp and a division, where
    # exp(log_softmax(x)) would take a log, a subtraction and a second exp.
    d = np.exp(x - _max_keep(x, 1))
    d /= _sum_keep(d, 1)
    if t.ndim == 1:
        d[np.arange(n), t] -= 1.0
    else:
        d = d * t.sum(axis=1, keepdims=True) - t  # soft targets: d/dz of -Σ t·log softmax(z)
    if reduction == "mean":
        d *= g / n
    elif reduction == "sum":
        d *= g
    else:
        d *= np.reshape(g, (n, 1))
    return d.reshape(logits.shape).astype(logits.dtype, copy=False), None


CROSS_ENTROPY = register(Op(
    "cross_entropy", 2, "CE", CATEGORY, ("logits", "targets"),
    forward=_cross_entropy_forward,
    local=None,
    local_text=("(softmax(logits) − onehot(targets)) · g / N", "none (class labels)"),
    description="Softmax cross-entropy of class logits against integer labels (or class "
    "probabilities), averaged over the batch. Fused and stable: logits of 1000 are fine.",
    py="cross_entropy({0}, {1})", torch="torch.nn.functional.cross_entropy({0}, {1})",
    vjp=_cross_entropy_vjp, params={"reduction": "mean"}, scalar=False,
))


# --- fused losses -------------------------------------------------------------------------
# One node each for what would otherwise be a chain of small ones: on tiny tensors (micrograd's
# demo) every node costs about as much as the arithmetic, so a loss built from 5-20 nodes is a
# third of a training step. The maths is the chain's, in the same order, so the results agree
# bit for bit with it (the tests check that, and against PyTorch).


def _sumsq_forward(m: Any, *xs: Any) -> Any:
    # vdot is one BLAS dot product per input: no x*x temporary, no separate reduction.
    total = None
    for x in xs:
        s = np.vdot(x, x)
        total = s if total is None else total + s
    return np.asarray(total)


def _sumsq_vjp(g: Any, out: Any, *xs: Any, needs=None):
    k = 2.0 * g.item()  # d/dx Σx² = 2x; a Python float keeps float32 inputs float32
    if needs is None:
        return [x * k for x in xs]
    return [x * k if n else None for x, n in zip(xs, needs, strict=True)]


SUMSQ = register(Op(
    "sumsq", 1, "Σx²", CATEGORY, ("x",),
    # Any number of inputs in code (``sumsq(*model.parameters())``: an L2 penalty in one
    # node); one port on the canvas.
    forward=_sumsq_forward,
    local=None,
    local_text=("2·x·g",),
    description="Sum of the squares of all the elements (of all the inputs): the L2 penalty "
    "of weight decay, in one node.",
    py="sumsq({0})", torch="({0} ** 2).sum()",
    vjp=_sumsq_vjp, scalar=False,
))


def _hinge_check(scores: Any, targets: Any) -> None:
    """Targets must broadcast to the scores' shape without stretching it: (n,) targets against
    (n, 1) scores would silently make an (n, n) table of every score against every target."""
    shape = scores.shape
    if targets.shape != shape and np.broadcast_shapes(shape, targets.shape) != shape:
        raise ValueError(
            f"hinge: targets of shape {targets.shape} do not fit scores of shape {shape} "
            "(give them the scores' shape)"
        )


def _hinge_forward(m: Any, scores: Any, targets: Any) -> Any:
    _hinge_check(scores, targets)
    margin = 1.0 - targets * scores
    return _mean_forward(None, np.maximum(margin, 0))  # relu (nan stays nan), then the mean


def _hinge_vjp(g: Any, out: Any, scores: Any, targets: Any, needs=None):
    margin = 1.0 - targets * scores
    # The chain's order, so the result is the same bit for bit: mean's g/n, times relu's
    # step (0 at the kink, 1 for nan: the table's), negated by 1 - u, times u = t·s's other
    # factor.
    live = _logical_not(_less_equal(margin, 0))
    dm = live * -(g / (margin.size or 1))
    if not math.isfinite(g):  # relu's mask (the table's): the dead side passes nothing, not nan
        dm[~live] = 0
    ds = dt = None
    if needs is None or needs[0]:
        ds = dm * targets  # the scores' shape: targets never stretch it (checked forward)
    if needs is None or needs[1]:
        dt = sum_to_shape(dm * scores, targets.shape)
    return ds, dt


HINGE = register(Op(
    "hinge", 2, "hinge", CATEGORY, ("scores", "targets"),
    forward=_hinge_forward,
    local=None,
    local_text=("−targets·g/n where 1 − targets·scores > 0, else 0",
                "−scores·g/n where 1 − targets·scores > 0, else 0"),
    description="Max-margin (hinge) loss: the mean of relu(1 − targets·scores), targets ±1. "
    "micrograd's SVM loss in one node.",
    py="hinge({0}, {1})", torch="torch.relu(1 - {1} * {0}).mean()",
    vjp=_hinge_vjp, scalar=False,
))
