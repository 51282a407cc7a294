"""The ``Tensor``'s functional API: ``tensor``, ``zeros``, ``ones``, ``concat``, ``stack``,
``log_softmax``, ``softmax``, ``cross_entropy`` and the fused ops ``sumsq``, ``hinge`` and
``linear`` (one node each for a chain that would otherwise cost a node per op).

``playground.engine.tensor`` re-exports every name here: import them from there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from playground.engine.tensor_core import (
    _FLOAT64,
    _IGNORE,
    Tensor,
    _apply,
    _const,
    _lift,
    _node,
    _quiet_reset,
    _quiet_set,
)
from playground.ops import ARRAY
from playground.ops.loss_ops import CROSS_ENTROPY, HINGE, LOG_SOFTMAX, SUMSQ
from playground.ops.tensor_ops import CONCAT, LINEAR

_linear_forward = LINEAR.forward


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Same as ``Tensor(...)``, as ``torch.tensor``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    return Tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad)


def ones(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad)


def _tensors(xs: Iterable[Any]) -> tuple[Tensor, ...]:
    items = tuple(xs)
    for x in items:
        if x.__class__ is not Tensor:
            break
    else:
        if items:
            return items  # all tensors already (a model's parameters)
    if not items:
        raise ValueError("need at least one tensor")
    dtype = next((x.data.dtype for x in items if isinstance(x, Tensor)), np.dtype(np.float64))
    return tuple(_lift(x, dtype) if not isinstance(x, Tensor) else x for x in items)


def concat(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (``torch.cat``)."""
    return _apply(CONCAT, _tensors(tensors), {"axis": int(axis)})


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis (``torch.stack``)."""
    xs = _tensors(tensors)
    ndim = xs[0].ndim + 1
    ax = int(axis) % ndim
    parts = [x.reshape(*x.shape[:ax], 1, *x.shape[ax:]) for x in xs]
    return concat(parts, axis=ax)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """log(softmax(x)) along ``axis``, stable for large logits."""
    return _apply(LOG_SOFTMAX, (x,), {"axis": int(axis)})


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return log_softmax(x, axis).exp()


def cross_entropy(logits: Tensor, targets: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy (fused log-softmax + negative log-likelihood).

    ``logits`` is (N, C) (or (C,) for one sample); ``targets`` holds N class indices (ints),
    or class probabilities of the logits' shape. ``reduction``: "mean" (default), "sum" or
    "none" (one loss per sample).
    """
    if not isinstance(logits, Tensor):
        logits = Tensor(logits)
    t = targets.data if isinstance(targets, Tensor) else np.asarray(targets)
    return _apply(CROSS_ENTROPY, (logits, _const(t)), {"reduction": reduction})


def sumsq(*tensors: Any) -> Tensor:
    """Σx² over every element of every input, as one node: ``alpha * sumsq(*params)`` is an
    L2 penalty. The gradient of each input is ``2·x·g``."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    return _apply(SUMSQ, _tensors(tensors), None)


def hinge(scores: Any, targets: Any) -> Tensor:
    """micrograd's max-margin loss ``mean(relu(1 - targets * scores))`` as one node.

    ``targets`` (±1, a constant unless it is a Tensor) must broadcast to the scores' shape
    without stretching it: give (n, 1) targets for (n, 1) scores.
    """
    if not isinstance(scores, Tensor):
        scores = Tensor(scores)
    if not isinstance(targets, Tensor):
        targets = _lift(targets, scores.data.dtype)
    return _apply(HINGE, (scores, targets), None)


def linear(x: Any, w: Tensor, b: Tensor) -> Tensor:
    """``x @ w + b`` as one node (a dense layer before its activation), as PyTorch's addmm.

    Same numbers as the two nodes it replaces. ``b`` must fit the shape of ``x @ w``.
    """
    if w.__class__ is not Tensor:
        w = _lift(w, _FLOAT64)  # an array keeps its float dtype; a list becomes float64
    if x.__class__ is not Tensor:
        x = _lift(x, w.data.dtype)
    if b.__class__ is not Tensor:
        b = _lift(b, w.data.dtype)
    tok = _quiet_set(_IGNORE)
    try:
        out = _linear_forward(ARRAY, x.data, w.data, b.data)
    finally:
        _quiet_reset(tok)
    return _node(out, LINEAR, (x, w, b), None,
                 x.requires_grad or w.requires_grad or b.requires_grad)
