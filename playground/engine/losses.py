"""Loss functions, each for scalar ``Value``s and for ``Tensor``s (same maths, same names).

Scalar form: predictions are a list of ``Value`` (one output per sample) or a list of lists
(K outputs per sample); targets are plain numbers. Tensor form: predictions are a ``Tensor``
(n,) or (n, 1) (one output) or (n, K); targets a numpy array or list. Each function looks at
its first argument and picks the form. Every loss is a mean over samples except ``sse``.

=================  ==============================  ==========================================
name               targets                         formula (per sample, then mean)
=================  ==============================  ==========================================
``sse``            numbers (lecture: -1/+1)        sum of (pred - y)² (a sum, as in the lecture)
``mse``            numbers                         (pred - y)²
``svm``            -1/+1                           relu(1 - y·score) (micrograd's demo)
``bce``            0/1                             softplus(z) - y·z, stable for any z
``cross_entropy``  class index 0..K-1              logsumexp(z) - z[y], stable for any z
=================  ==============================  ==========================================

``l2(params, alpha)`` is ``alpha * sum(p²)`` over all parameters (micrograd's regulariser).

On Tensors, ``svm`` and ``l2`` are one graph node each, the op table's fused ``hinge`` and
``sumsq`` (same numbers as the chains of small ops they replace): on a small network like
micrograd's demo, the chains were a third of a training step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.tensor import Tensor, hinge, sumsq
from playground.engine.tensor import cross_entropy as _tensor_cross_entropy
from playground.engine.value import Value

__all__ = ["LOSSES", "LossInfo", "bce", "cross_entropy", "l2", "mse", "sse", "svm"]


def _is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor)


def _check_column(pred: Any) -> tuple[int, ...]:
    """The shape of a one-output Tensor prediction: (n,) or (n, 1), else ValueError."""
    shape = pred.data.shape
    if len(shape) == 1 or (len(shape) == 2 and shape[1] == 1):
        return shape
    raise ValueError(f"expected predictions of shape (n,) or (n, 1), got {shape}")


def _as_column(pred: Any) -> Any:
    """A one-output Tensor prediction as shape (n,)."""
    shape = _check_column(pred)
    return pred.reshape(shape[0]) if len(shape) == 2 else pred


def _targets(y: Any, dtype: Any) -> np.ndarray:
    return np.asarray(y, dtype=dtype).reshape(-1)


def _scalar_list(pred: Any) -> list[Value]:
    if isinstance(pred, Value):
        return [pred]
    return list(pred)


def _mean(terms: list[Value]) -> Value:
    # micrograd's demo: sum(losses) * (1.0 / len(losses))
    return sum(terms) * (1.0 / len(terms))  # type: ignore[return-value]


def sse(pred: Any, y: Any) -> Any:
    """Sum of squared errors, the lecture's ``sum((yout - ygt)**2 for ...)``."""
    if _is_tensor(pred):
        p = _as_column(pred)
        d = p - _targets(y, p.data.dtype)
        return (d * d).sum()
    preds = _scalar_list(pred)
    return sum((yout - ygt) ** 2 for ygt, yout in zip(_floats(y), preds, strict=True))


def mse(pred: Any, y: Any) -> Any:
    """Mean squared error."""
    if _is_tensor(pred):
        p = _as_column(pred)
        d = p - _targets(y, p.data.dtype)
        return (d * d).mean()
    preds = _scalar_list(pred)
    return _mean([(yout - ygt) ** 2 for ygt, yout in zip(_floats(y), preds, strict=True)])


def svm(scores: Any, y: Any) -> Any:
    """Max-margin (hinge) loss, micrograd's ``mean(relu(1 - y*score))``; ``y`` is -1/+1."""
    if scores.__class__ is Tensor or _is_tensor(scores):
        # One node (the op table's hinge): the same maths as the chain of five it replaces
        shape = _check_column(scores)
        return hinge(scores, _targets(y, scores.data.dtype).reshape(shape))
    preds = _scalar_list(scores)
    return _mean([(1 + -yi * si).relu() for yi, si in zip(_floats(y), preds, strict=True)])


def bce(logits: Any, y: Any) -> Any:
    """Binary cross-entropy on logits; ``y`` is 0/1.

    ``softplus(z) - y*z`` with ``softplus(z) = max(z, 0) + log(1 + exp(-|z|))``: exp never sees
    a positive number, so nothing overflows. ``max(z, 0)`` and ``|z|`` are written ``z*p`` and
    ``z*s`` with constants ``p = [z >= 0]``, ``s = ±1`` read off the data, so autograd takes one
    smooth branch per sample and the gradient is exactly ``sigmoid(z) - y``, at ``z = 0`` too
    (``relu(z) + relu(-z)`` would give 0 there: both kinks at once).
    """
    if _is_tensor(logits):
        z = _as_column(logits)
        t = _targets(y, z.data.dtype)
        p = (z.data >= 0).astype(z.data.dtype)
        return (z * p + (1.0 + (z * (1.0 - 2.0 * p)).exp()).log() - z * t).mean()
    preds = _scalar_list(logits)
    terms = []
    for yi, z in zip(_floats(y), preds, strict=True):
        p = 1.0 if z.data >= 0 else 0.0
        terms.append(z * p + (1 + (z * (1.0 - 2.0 * p)).exp()).log() - z * yi)
    return _mean(terms)


def cross_entropy(logits: Any, y: Any) -> Any:
    """Softmax cross-entropy for K classes; ``y`` holds class indices 0..K-1.

    Tensor form uses the engine's fused, stable ``cross_entropy``. Scalar form subtracts each
    row's largest logit as a constant before ``exp`` (which changes neither the value nor the
    gradient of log-sum-exp) and returns ``mean(logsumexp(z) - z[y])``.
    """
    if _is_tensor(logits):
        targets = np.asarray(y, dtype=np.int64).reshape(-1)
        if len(logits.shape) != 2:
            raise ValueError(f"cross_entropy expects logits of shape (n, K), got {logits.shape}")
        return _tensor_cross_entropy(logits, targets)
    rows = [list(r) if not isinstance(r, Value) else [r] for r in logits]
    terms = []
    for row, target in zip(rows, y, strict=True):
        k = int(target)
        if not 0 <= k < len(row):
            raise ValueError(f"class index {k} out of range for {len(row)} logits")
        m = max(v.data for v in row)
        if not math.isfinite(m):
            m = 0.0
        sum_exp: Any = sum((v - m).exp() for v in row)
        lse = sum_exp.log() + m
        terms.append(lse - row[k])
    return _mean(terms)


def l2(params: Sequence[Any], alpha: float) -> Any:
    """``alpha * sum(p * p)`` over every parameter (micrograd's ``reg_loss``)."""
    params = list(params)
    if params and not isinstance(params[0], Value):
        # One fused node for all the tensors (the op table's sumsq), then the scale: on a
        # small network the chain of (p * p).sum() nodes and their sum was a third of a step.
        return sumsq(*params) * alpha
    return alpha * sum(p * p for p in params)


def _floats(y: Any) -> list[float]:
    return np.asarray(y, dtype=np.float64).reshape(-1).tolist()


@dataclass(frozen=True)
class LossInfo:
    """What the trainer needs to know about a loss."""

    fn: Callable[[Any, Any], Any]
    targets: str
    """"signs" (-1/+1), "binary" (0/1) or "classes" (0..K-1)."""
    multiclass: bool
    """Whether it works with K > 2 classes (one output per class)."""
    description: str


LOSSES: dict[str, LossInfo] = {
    "svm": LossInfo(svm, "signs", False, "max-margin: mean(relu(1 - y·score)), y = ±1"),
    "mse": LossInfo(mse, "signs", False, "mean squared error against y = ±1"),
    "sse": LossInfo(sse, "signs", False, "sum of squared errors against y = ±1 (the lecture)"),
    "bce": LossInfo(bce, "binary", False, "binary cross-entropy on a logit, y = 0/1"),
    "cross_entropy": LossInfo(
        cross_entropy, "classes", True, "softmax cross-entropy, one output per class"
    ),
}
