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


def _matmul_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """numpy's rule for ``a @ b``'s shape: a 1-D operand is promoted to a matrix (and its axis
    dropped again), stacked axes broadcast. ValueError when the shapes do not fit."""
    if not a or not b:
        raise ValueError("matmul needs at least one axis on each side")
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        raise ValueError(f"matmul: inner sizes {a2[-1]} and {b2[-2]} differ")
    out = (*np.broadcast_shapes(a2[:-2], b2[:-2]), a2[-2], b2[-1])
    if len(b) == 1:
        out = out[:-1]
    if len(a) == 1:
        out = (*out[:-2], out[-1]) if len(b) > 1 else out[:-1]
    return out


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
    vjp=_matmul_vjp, scalar=False, operator="@", shape=_matmul_shape,
))


def _bias_fits(b: tuple[int, ...], y: tuple[int, ...]) -> bool:
    """Whether a bias of shape ``b`` broadcasts to ``y`` without widening it."""
    return len(b) <= len(y) and all(n in (1, k) for n, k in zip(b[::-1], y[::-1], strict=False))


def _linear_forward(m: Any, x: Any, w: Any, b: Any) -> Any:
    # The bias is checked against x @ W's shape before anything is computed: a bias that
    # widens the result (shape (40, 1, 1) against a 2000×2000 product) made an array 40 times
    # larger before it was refused, and the shape rule, refusing it too, leaves the memory
    # budget nothing to check (issue 18 §1). Shapes that do not fit the product: numpy says why.
    xs, ws, bs = x.shape, w.shape, b.shape
    if len(xs) == 2 and len(ws) == 2:
        ys: tuple[int, ...] | None = (xs[0], ws[1]) if xs[1] == ws[0] else None
    else:
        try:
            ys = _matmul_shape(xs, ws)
        except ValueError:
            ys = None
    if ys is not None and bs != ys[len(ys) - len(bs):] and not _bias_fits(bs, ys):
        raise ValueError(f"linear: a bias of shape {bs} does not fit x @ W of shape {ys}")
    y = _dot(x, w) if x.ndim == 2 and w.ndim == 2 else x @ w
    if y.__class__ is np.ndarray and b.dtype is y.dtype and bs == y.shape[-b.ndim:]:
        # The product is a new array of the result's shape and dtype: add the bias in place
        # (same numbers as y + b, one array fewer to allocate and fill, like torch's addmm).
        y += b
        return y
    return y + b


def _linear_shape(x: tuple[int, ...], w: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """x @ W's shape; ValueError (as the forward) for a bias that does not fit it."""
    y = _matmul_shape(x, w)
    if not _bias_fits(b, y):
        raise ValueError(f"linear: a bias of shape {b} does not fit x @ W of shape {y}")
    return y


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
    vjp=_linear_vjp, scalar=False, shape=_linear_shape,
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


_NO_BYTES = np.dtype([])  # a structured dtype with no fields: 0 bytes an element


def _getitem_shape(x: tuple[int, ...], index: Any = ()) -> tuple[int, ...]:
    """``x[index]``'s shape by numpy's rules, without making the result. Basic indexing is a
    view, so numpy's own indexing of an array of 0-byte elements gives it at no cost. With
    integer lists, they and any plain ints broadcast into one block of axes, in place when
    they are next to each other, else first; numpy would walk every picked element even at
    0 bytes, so the block is worked out here and only the rest is probed."""
    items = index if isinstance(index, tuple) else (index,)
    arrays = [i.shape for i in items if isinstance(i, np.ndarray)]
    if not arrays:
        return np.empty(x, dtype=_NO_BYTES)[index].shape
    block = tuple(np.broadcast_shapes(*arrays))
    picks = [k for k, i in enumerate(items)
             if isinstance(i, np.ndarray | int | np.integer) and not isinstance(i, bool)]
    rest = np.empty(x, dtype=_NO_BYTES)[
        tuple(0 if isinstance(i, np.ndarray) else i for i in items)].shape
    if picks != list(range(picks[0], picks[-1] + 1)):
        return (*block, *rest)  # separated by a slice, None or ...: the block goes first
    before = items[: picks[0]]
    at = sum(1 for i in before if i is None or isinstance(i, slice))
    if any(i is Ellipsis for i in before):
        used = sum(1 for i in items if i is not None and i is not Ellipsis)
        at += len(x) - used
    return (*rest[:at], *block, *rest[at:])


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
    vjp=_getitem_vjp, params={"index": ()}, scalar=False, shape=_getitem_shape,
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
