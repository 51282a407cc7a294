"""Ops that are not element-wise: they exist on tensors only and carry a vector-Jacobian product.

Each entry's ``forward(m, *inputs, **params)`` runs on numpy arrays (``m`` is ``mathlib.ARRAY``)
and its ``vjp(g, out, *inputs, needs=..., **params)`` maps the output's gradient ``g`` to one
gradient per input, each of that input's shape. ``needs`` holds one flag per input; a vjp may
return ``None`` for an input whose flag is false (matmul skips the product it would not use).
Inputs that are not differentiable (cross-entropy's targets) always get ``None``.

Templates: ``{0}``, ``{1}`` are the inputs, ``{axis}`` etc. the op's parameters.
The ``Tensor`` engine (``playground.engine.tensor``) is the only evaluator of these entries;
the scalar ``Value`` does not support them (``scalar=False``).

Numeric faults follow PyTorch: inf/nan, never an exception. The engine silences numpy's
floating-point warnings around every forward and backward, so vjps stay plain numpy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from playground.ops.table import Op, register

Axis = int | tuple[int, ...] | None
# The ufunc reductions themselves: ndarray.sum/max/mean go through Python-level wrappers.
_add_reduce = np.add.reduce
_max_reduce = np.maximum.reduce
_dot = np.dot
_logical_not = np.logical_not
_less_equal = np.less_equal
CATEGORY = "Tensor"


def _norm_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Reduction axes as a sorted tuple of non-negative ints (``None`` = all)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int | np.integer):
        return (int(axis) % ndim if ndim else 0,)
    return tuple(sorted(int(a) % ndim for a in axis))


def _expand_reduced(g: Any, x_shape: tuple[int, ...], axis: Axis, keepdims: bool) -> Any:
    """Put back the reduced axes of a reduction's output (as size 1) so it broadcasts to x."""
    if keepdims or axis is None:  # a full reduction's 0-d output broadcasts as it is
        return g
    axes = _norm_axes(axis, len(x_shape))
    return g.reshape(tuple([1 if i in axes else n for i, n in enumerate(x_shape)]))


def _broadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """``g`` stretched to ``shape``, as a new array (np.broadcast_to costs 4x more per call)."""
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


_ONES: dict[tuple[int, Any], Any] = {}


def _ones(n: int, dtype: Any) -> Any:
    """A read-only vector of n ones, cached (bias gradients ask for the same few sizes)."""
    key = (n, dtype)
    v = _ONES.get(key)
    if v is None:
        if len(_ONES) > 64:
            _ONES.clear()
        v = np.ones(n, dtype=dtype)
        v.flags.writeable = False
        _ONES[key] = v
    return v


def sum_to_shape(g: Any, shape: tuple[int, ...]) -> Any:
    """Undo numpy broadcasting: sum ``g`` over the axes along which ``shape`` was stretched."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if gshape[lead:] == shape:  # only leading axes were added (a bias row): no reshape
        if lead == 1 and len(gshape) == 2 and g.dtype.kind == "f":
            # A column sum as ones @ g (BLAS): add.reduce along axis 0 runs one inner loop
            # per row, 3x slower for a (100, 16) batch of bias gradients.
            return _dot(_ones(gshape[0], g.dtype), g)  # np.dot: matmul's result, faster
        return _add_reduce(g, axis=0 if lead == 1 else tuple(range(lead)))
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    return _add_reduce(g, axis=axes, keepdims=True).reshape(shape)


# --- matmul -------------------------------------------------------------------------------


def _matmul_vjp(g: Any, out: Any, a: Any, b: Any, needs: tuple[bool, ...] = (True, True)):
    if a.ndim == 2 and b.ndim == 2:  # the common case: no reshaping, BLAS takes the transposes
        # np.dot: the same BLAS product as @ for matrices, with less overhead per call
        da = _dot(g, b.T) if needs[0] else None
        db = _dot(a.T, g) if needs[1] else None
        return da, db
    # General case: numpy's rules. 1-D operands are promoted to matrices and stacked
    # (batch) dimensions broadcast, so each gradient is summed back to its operand's shape.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g
    if b.ndim == 1:  # b's dropped axis was the last one, a's the one before it
        g2 = np.expand_dims(g2, -1)
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    da = db = None
    if needs[0]:
        da = sum_to_shape(np.asarray(g2 @ np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
    if needs[1]:
        db = sum_to_shape(np.asarray(np.swapaxes(a2, -1, -2) @ g2), b2.shape).reshape(b.shape)
    return da, db


def _matmul_forward(m: Any, a: Any, b: Any) -> Any:
    if a.ndim == 2 and b.ndim == 2:
        return _dot(a, b)  # the same product as a @ b, at a lower cost per call
    return a @ b


MATMUL = register(Op(
    "matmul", 2, "@", CATEGORY, ("left", "right"),
    forward=_matmul_forward,
    local=None,
    local_text=("g @ rightᵀ", "leftᵀ @ g"),
    description="Matrix product left @ right (vectors and stacks of matrices as in numpy).",
    py="({0} @ {1})", torch="({0} @ {1})",
    vjp=_matmul_vjp, scalar=False, operator="@",
))


def _linear_forward(m: Any, x: Any, w: Any, b: Any) -> Any:
    y = _dot(x, w) if x.ndim == 2 and w.ndim == 2 else x @ w
    if y.__class__ is np.ndarray and b.dtype is y.dtype and b.shape == y.shape[-b.ndim:]:
        # The product is a new array of the result's shape and dtype: add the bias in place
        # (same numbers as y + b, one array fewer to allocate and fill, like torch's addmm).
        y += b
        return y
    out = y + b
    if out.shape != np.shape(y):
        raise ValueError(
            f"linear: a bias of shape {b.shape} does not fit x @ W of shape {np.shape(y)}"
        )
    return out


def _linear_vjp(g: Any, out: Any, x: Any, w: Any, b: Any, needs=None):
    # The chain x @ W -> + b: the sum hands g unchanged to the product and summed over the
    # broadcast axes to the bias (so the results agree bit for bit with the two nodes).
    if needs is None:
        needs = (True, True, True)
    dx, dw = _matmul_vjp(g, None, x, w, needs[:2])
    return dx, dw, sum_to_shape(g, b.shape) if needs[2] else None


LINEAR = register(Op(
    "linear", 3, "linear", CATEGORY, ("x", "W", "b"),
    forward=_linear_forward,
    local=None,
    local_text=("g @ Wᵀ", "xᵀ @ g", "g summed over the rows"),
    description="A dense layer before its activation, x @ W + b, in one node (PyTorch fuses "
    "it too: addmm). The bias must fit x @ W's shape.",
    py="linear({0}, {1}, {2})", torch="({0} @ {1} + {2})",
    vjp=_linear_vjp, scalar=False,
))


# --- reductions ---------------------------------------------------------------------------


def _sum_vjp(g: Any, out: Any, x: Any, axis: Axis = None, keepdims: bool = False, needs=None):
    dx = np.empty(x.shape, dtype=g.dtype)
    dx[...] = g if axis is None or keepdims else _expand_reduced(g, x.shape, axis, keepdims)
    return (dx,)


def _count(x: Any, axis: Axis) -> int:
    if axis is None:
        return x.size
    n = 1
    for a in _norm_axes(axis, x.ndim):
        n *= x.shape[a]
    return n


def _mean_forward(m: Any, x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    # What x.mean() computes (float32 stays float32), without its Python-level overhead.
    return _add_reduce(x, axis=axis, keepdims=keepdims) / _count(x, axis)


def _mean_vjp(g: Any, out: Any, x: Any, axis: Axis = None, keepdims: bool = False, needs=None):
    return (_broadcast(_expand_reduced(g, x.shape, axis, keepdims) / _count(x, axis), x.shape),)


def _max_vjp(g: Any, out: Any, x: Any, axis: Axis = None, keepdims: bool = False, needs=None):
    # Like torch.amax: the gradient is shared equally among tied maxima.
    outk = _expand_reduced(out, x.shape, axis, keepdims)
    gk = _expand_reduced(g, x.shape, axis, keepdims)
    mask = x == outk
    count = mask.sum(axis=axis, keepdims=True) if axis is not None else mask.sum()
    return (mask * (gk / count).astype(x.dtype, copy=False),)


SUM = register(Op(
    "sum", 1, "Σ", CATEGORY, ("x",),
    forward=lambda m, x, axis=None, keepdims=False: _add_reduce(x, axis=axis, keepdims=keepdims),
    local=None,
    local_text=("g broadcast back to x's shape",),
    description="Sum of the elements (over all of them, or along an axis).",
    py="{0}.sum(axis={axis}, keepdims={keepdims})",
    torch="{0}.sum(dim={axis}, keepdim={keepdims})",
    vjp=_sum_vjp, params={"axis": None, "keepdims": False}, scalar=False, method=True,
))
MEAN = register(Op(
    "mean", 1, "mean", CATEGORY, ("x",),
    forward=_mean_forward,
    local=None,
    local_text=("g / n broadcast back to x's shape",),
    description="Average of the elements (over all of them, or along an axis).",
    py="{0}.mean(axis={axis}, keepdims={keepdims})",
    torch="{0}.mean(dim={axis}, keepdim={keepdims})",
    vjp=_mean_vjp, params={"axis": None, "keepdims": False}, scalar=False, method=True,
))
MAX = register(Op(
    "max", 1, "max", CATEGORY, ("x",),
    forward=lambda m, x, axis=None, keepdims=False: _max_reduce(x, axis=axis, keepdims=keepdims),
    local=None,
    local_text=("g where x is the maximum (shared among ties), else 0",),
    description="Largest element (over all of them, or along an axis).",
    py="{0}.max(axis={axis}, keepdims={keepdims})",
    torch="torch.amax({0}, dim={axis}, keepdim={keepdims})",
    vjp=_max_vjp, params={"axis": None, "keepdims": False}, scalar=False,
))


# --- shape --------------------------------------------------------------------------------


def _reshape_vjp(g: Any, out: Any, x: Any, shape: tuple[int, ...] = (), needs=None):
    return (g.reshape(x.shape),)


def _transpose_forward(m: Any, x: Any, axes: tuple[int, ...] | None = None) -> Any:
    # The array's own method: np.transpose is a Python-level wrapper around it (x @ W.T is
    # how users write a layer, so this runs on every layer of every step).
    return x.transpose(axes)


def _transpose_vjp(g: Any, out: Any, x: Any, axes: tuple[int, ...] | None = None, needs=None):
    if axes is None:
        return (g.transpose(),)
    return (g.transpose(np.argsort([a % x.ndim for a in axes])),)


def _is_basic_index(index: Any) -> bool:
    """True if ``index`` uses only ints, slices, None and Ellipsis (no element repeats)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(
        i is None or i is Ellipsis or isinstance(i, int | slice | np.integer) for i in items
    )


def _getitem_vjp(g: Any, out: Any, x: Any, index: Any = None, needs=None):
    dx = np.zeros(x.shape, dtype=x.dtype)
    if _is_basic_index(index):
        dx[index] = g
    else:
        np.add.at(dx, index, g)  # integer arrays may repeat an element: contributions add up
    return (dx,)


RESHAPE = register(Op(
    "reshape", 1, "reshape", CATEGORY, ("x",),
    forward=lambda m, x, shape=(): np.reshape(x, shape),
    local=None,
    local_text=("g reshaped back to x's shape",),
    description="The same elements, in a new shape.",
    py="{0}.reshape({shape})", torch="{0}.reshape({shape})",
    vjp=_reshape_vjp, params={"shape": ()}, scalar=False,
))
TRANSPOSE = register(Op(
    "transpose", 1, "ᵀ", CATEGORY, ("x",),
    forward=_transpose_forward,
    local=None,
    local_text=("g transposed back",),
    description="Permute the axes (reverse them by default: the matrix transpose).",
    py="{0}.transpose({axes})", torch="{0}.permute({axes})",
    vjp=_transpose_vjp, params={"axes": None}, scalar=False,
))
GETITEM = register(Op(
    "getitem", 1, "[ ]", CATEGORY, ("x",),
    forward=lambda m, x, index=(): x[index],
    local=None,
    local_text=("g scattered back to the selected positions (repeats add up)",),
    description="Indexing and slicing: x[index], integer arrays included.",
    py="{0}[{index}]", torch="{0}[{index}]",
    vjp=_getitem_vjp, params={"index": ()}, scalar=False,
))


def _concat_vjp(g: Any, out: Any, *xs: Any, axis: int = 0, needs=None):
    ax = axis % g.ndim
    bounds = np.cumsum([x.shape[ax] for x in xs])[:-1]
    parts = np.split(g, bounds, axis=ax)
    if needs is None:
        return tuple(parts)
    return tuple(p if n else None for p, n in zip(parts, needs, strict=True))


CONCAT = register(Op(
    "concat", 2, "concat", CATEGORY, ("left", "right"),
    # Any number of inputs in code (Tensor's concat); two ports on the canvas.
    forward=lambda m, *xs, axis=0: np.concatenate(xs, axis=axis),
    local=None,
    local_text=("g's slice for left", "g's slice for right"),
    description="Join tensors along an existing axis.",
    py="concat([{0}, {1}], axis={axis})", torch="torch.cat([{0}, {1}], dim={axis})",
    vjp=_concat_vjp, params={"axis": 0}, scalar=False,
))


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
