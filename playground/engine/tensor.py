"""A numpy-backed autograd ``Tensor``, driven by the same op table as the scalar ``Value``.

PyTorch-like names: ``Tensor(data, requires_grad=False, dtype=None)``, ``.data``, ``.grad``,
``.backward()``, ``x @ w + b``, ``.relu()``, ``.sum(axis, keepdims)``, ``cross_entropy``...

How it works:
- Element-wise ops evaluate ``op.forward(ARRAY, *arrays)`` with numpy broadcasting. Backward
  multiplies the op's ``local`` derivatives (``op.local(ARRAY, *arrays, out)``) by the upstream
  gradient and sums over the broadcast axes (un-broadcasting) to each input's shape.
- Other ops (matmul, reductions, reshape, indexing, log-softmax, ...) live in
  ``playground.ops.tensor_ops`` with a vector-Jacobian product.
- A node stores its op, its inputs and its parameters: no closures, so no reference cycles.
  Backward visits nodes in decreasing creation order (a heap; a node is always created after
  its inputs): no recursion, so depth is unlimited.
- Only tensors that depend on a ``requires_grad`` leaf record a graph (and ``no_grad()``
  turns recording off). After ``backward()`` every recorded node holds its ``grad``; leaves
  accumulate across passes like PyTorch's, interior nodes hold the latest pass.
- Numeric faults follow PyTorch float64: ``1/0 = inf``, ``log(-1) = nan``; nothing raises and
  numpy emits no RuntimeWarning.
- float32 stays float32: Python numbers take the tensor's dtype, gradients the input's dtype.

Gradients never alias each other: a leaf's ``grad`` is its own array, safe to update in place.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from heapq import heappop, heappush
from operator import attrgetter
from typing import Any

import numpy as np

from playground.ops import ARRAY, get
from playground.ops.table import ADD, DIV, EXP, LOG, MUL, NEG, POW, RELU, SIGMOID, SUB, TANH, Op
from playground.ops.tensor_ops import (
    CONCAT,
    CROSS_ENTROPY,
    GETITEM,
    HINGE,
    LINEAR,
    LOG_SOFTMAX,
    MATMUL,
    MAX,
    MEAN,
    RESHAPE,
    SUM,
    SUMSQ,
    TRANSPOSE,
    sum_to_shape,
)

__all__ = [
    "Tensor",
    "concat",
    "cross_entropy",
    "hinge",
    "is_grad_enabled",
    "linear",
    "log_softmax",
    "no_grad",
    "ones",
    "softmax",
    "stack",
    "sumsq",
    "tensor",
    "zeros",
]

_A = ARRAY
_ndarray = np.ndarray
_FLOAT64 = np.dtype(np.float64)
_asarray = np.asarray
_new = object.__new__
_next_id = itertools.count().__next__

# --- silencing numpy's floating-point warnings ------------------------------------------
# ``np.errstate`` costs ~1.5 us per use, as much as a small op. numpy 2 keeps the error state
# in a context variable; setting it directly costs ~0.1 us. Fall back to errstate elsewhere.
try:
    from numpy._core._multiarray_umath import _extobj_contextvar, _make_extobj

    _IGNORE = _make_extobj(all="ignore")
    _quiet_set = _extobj_contextvar.set
    _quiet_reset = _extobj_contextvar.reset
except ImportError:  # pragma: no cover - older or newer numpy

    def _quiet_set(_: Any = None) -> Any:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def _quiet_reset(state: Any) -> None:
        state.__exit__(None, None, None)

    _IGNORE = None


class _GradMode(threading.local):
    enabled = True


_grad_mode = _GradMode()


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block (in this thread), results record no graph, as ``torch.no_grad``."""
    previous = _grad_mode.enabled
    _grad_mode.enabled = False
    try:
        yield
    finally:
        _grad_mode.enabled = previous


def is_grad_enabled() -> bool:
    return _grad_mode.enabled


def _as_dtype(dtype: Any) -> np.dtype:
    return np.dtype(dtype)


def _binary_method(op: Op, reflected: bool = False) -> Any:
    """``Tensor.__add__`` and friends: ``Tensor._binary`` specialised to one op, inlined."""
    forward = op.forward
    if reflected:

        def method(self: Tensor, other: Any) -> Tensor:
            # other (op) self, with other a number or an array: a constant
            const = _lift(other, self.data.dtype)
            tok = _quiet_set(_IGNORE)
            try:
                out = forward(_A, const.data, self.data)
            finally:
                _quiet_reset(tok)
            if out.__class__ is not _ndarray:
                out = _asarray(out)
            t = _new(Tensor)
            t.data = out
            t.grad = None
            if self.requires_grad and _grad_mode.enabled:
                t.requires_grad = True
                t._op = op
                t._inputs = (const, self)
            else:
                t.requires_grad = False
                t._op = None
                t._inputs = ()
            t._params = None
            t._id = _next_id()
            return t

    else:

        def method(self: Tensor, other: Any) -> Tensor:
            if other.__class__ is not Tensor:
                other = _lift(other, self.data.dtype)
            tok = _quiet_set(_IGNORE)
            try:
                out = forward(_A, self.data, other.data)
            finally:
                _quiet_reset(tok)
            if out.__class__ is not _ndarray:
                out = _asarray(out)
            t = _new(Tensor)
            t.data = out
            t.grad = None
            if (self.requires_grad or other.requires_grad) and _grad_mode.enabled:
                t.requires_grad = True
                t._op = op
                t._inputs = (self, other)
            else:
                t.requires_grad = False
                t._op = None
                t._inputs = ()
            t._params = None
            t._id = _next_id()
            return t

    method.__doc__ = f"{op.description} (op table entry {op.name!r})"
    return method


def _unary_method(op: Op) -> Any:
    """``Tensor.relu`` and friends: ``Tensor._unary`` specialised to one op."""
    forward = op.forward

    def method(self: Tensor) -> Tensor:
        tok = _quiet_set(_IGNORE)
        try:
            out = forward(_A, self.data)
        finally:
            _quiet_reset(tok)
        if out.__class__ is not _ndarray:
            out = _asarray(out)
        t = _new(Tensor)
        t.data = out
        t.grad = None
        if self.requires_grad and _grad_mode.enabled:
            t.requires_grad = True
            t._op = op
            t._inputs = (self,)
        else:
            t.requires_grad = False
            t._op = None
            t._inputs = ()
        t._params = None
        t._id = _next_id()
        return t

    method.__name__ = op.name
    method.__doc__ = f"{op.description} (op table entry {op.name!r})"
    return method


def _reduction_method(op: Op) -> Any:
    """``Tensor.sum``, ``mean`` and ``max``: ``_apply1`` specialised to one op, inlined."""
    forward = op.forward

    def method(
        self: Tensor, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        tok = _quiet_set(_IGNORE)
        try:
            if axis is None and not keepdims:  # the defaults: no keywords to pass
                params = _FULL_REDUCTION
                out = forward(_A, self.data)
            else:
                params = {"axis": _axis(axis), "keepdims": keepdims}
                out = forward(_A, self.data, **params)
        finally:
            _quiet_reset(tok)
        if out.__class__ is not _ndarray:
            out = _asarray(out)
        t = _new(Tensor)
        t.data = out
        t.grad = None
        if self.requires_grad and _grad_mode.enabled:
            t.requires_grad = True
            t._op = op
            t._inputs = (self,)
            t._params = params
        else:
            t.requires_grad = False
            t._op = None
            t._inputs = ()
            t._params = None
        t._id = _next_id()
        return t

    method.__name__ = op.name
    method.__doc__ = f"{op.description} ``axis``: None (all), an int or a tuple of ints."
    return method


class Tensor:
    """An n-dimensional array with a gradient, remembering the op and inputs that produced it."""

    __slots__ = ("_gown", "_id", "_inputs", "_op", "_params", "data", "grad", "requires_grad")
    __array_ufunc__ = None  # ndarray (op) Tensor defers to Tensor's reflected operators

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None:
            arr = np.array(data, dtype=_as_dtype(dtype))
        else:
            arr = np.array(data)
            if arr.dtype.kind != "f":
                arr = arr.astype(np.float64)
        if requires_grad and arr.dtype.kind not in "fc":
            raise TypeError(f"only floating-point tensors can require grad, not {arr.dtype}")
        self.data: np.ndarray = arr
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self._op: Op | None = None
        self._inputs: tuple[Tensor, ...] = ()
        self._params: dict[str, Any] | None = None
        self._id = _next_id()

    # --- array-like properties ---------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    def numel(self) -> int:
        return self.data.size

    @property
    def T(self) -> Tensor:
        return self.transpose()

    @property
    def op(self) -> Op | None:
        """The op-table entry that produced this tensor (None for leaves and constants)."""
        return self._op

    @property
    def is_leaf(self) -> bool:
        return not self._inputs

    def item(self) -> float:
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The data array itself (shared, as ``torch.Tensor.numpy``)."""
        return self.data

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, with no gradient history."""
        return _const(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __float__(self) -> float:
        return float(self.data.item())

    def __int__(self) -> int:
        return int(self.data.item())

    def __bool__(self) -> bool:
        return bool(self.data)  # numpy's rule: one element, or ambiguous (ValueError)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the data (no graph), for plotting and friends."""
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ""
        if self.data.dtype != np.float64:
            extra += f", dtype={self.data.dtype}"
        if self.requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    # --- element-wise ops, from the op table --------------------------------------------

    def _binary(self, op: Op, other: Any) -> Tensor:
        if other.__class__ is not Tensor:
            other = _lift(other, self.data.dtype)
        tok = _quiet_set(_IGNORE)
        try:
            out = op.forward(_A, self.data, other.data)
        finally:
            _quiet_reset(tok)
        # _result(), inlined: this is most of the nodes of a network
        if out.__class__ is not _ndarray:
            out = _asarray(out)
        t = _new(Tensor)
        t.data = out
        t.grad = None
        if (self.requires_grad or other.requires_grad) and _grad_mode.enabled:
            t.requires_grad = True
            t._op = op
            t._inputs = (self, other)
        else:
            t.requires_grad = False
            t._op = None
            t._inputs = ()
        t._params = None
        t._id = _next_id()
        return t

    def _rbinary(self, op: Op, other: Any) -> Tensor:
        return _lift(other, self.data.dtype)._binary(op, self)

    def _unary(self, op: Op) -> Tensor:
        tok = _quiet_set(_IGNORE)
        try:
            out = op.forward(_A, self.data)
        finally:
            _quiet_reset(tok)
        if out.__class__ is not _ndarray:
            out = _asarray(out)
        t = _new(Tensor)
        t.data = out
        t.grad = None
        if self.requires_grad and _grad_mode.enabled:
            t.requires_grad = True
            t._op = op
            t._inputs = (self,)
        else:
            t.requires_grad = False
            t._op = None
            t._inputs = ()
        t._params = None
        t._id = _next_id()
        return t

    # Built by _binary_method: each operator is one call frame, straight into the op table.
    __add__ = _binary_method(ADD)
    __radd__ = _binary_method(ADD, reflected=True)
    __sub__ = _binary_method(SUB)
    __rsub__ = _binary_method(SUB, reflected=True)
    __mul__ = _binary_method(MUL)
    __rmul__ = _binary_method(MUL, reflected=True)
    __truediv__ = _binary_method(DIV)
    __rtruediv__ = _binary_method(DIV, reflected=True)
    __pow__ = _binary_method(POW)
    __rpow__ = _binary_method(POW, reflected=True)
    __matmul__ = _binary_method(MATMUL)
    __rmatmul__ = _binary_method(MATMUL, reflected=True)

    __neg__ = _unary_method(NEG)
    exp = _unary_method(EXP)
    log = _unary_method(LOG)
    tanh = _unary_method(TANH)
    relu = _unary_method(RELU)
    sigmoid = _unary_method(SIGMOID)

    # --- other ops (playground.ops.tensor_ops) ------------------------------------------

    sum = _reduction_method(SUM)
    mean = _reduction_method(MEAN)
    max = _reduction_method(MAX)

    def reshape(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        return _apply(RESHAPE, (self,), {"shape": tuple(int(n) for n in shape)})

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    def transpose(self, *axes: Any) -> Tensor:
        """Reverse the axes, or permute them: ``x.transpose(1, 0, 2)`` (numpy's meaning)."""
        if len(axes) == 1 and isinstance(axes[0], tuple | list):
            axes = tuple(axes[0])
        perm = tuple(int(a) for a in axes) if axes else None
        return _apply(TRANSPOSE, (self,), {"axes": perm})

    def __getitem__(self, index: Any) -> Tensor:
        return _apply(GETITEM, (self,), {"index": _index(index)})

    def apply(self, name: str | Op, *others: Any, **params: Any) -> Tensor:
        """Apply any op of the table by name: ``a.apply("mul", b)``, ``x.apply("sum", axis=0)``."""
        op = get(name) if isinstance(name, str) else name
        if op.arity != 1 + len(others) and op not in _VARIADIC:
            raise TypeError(f"op {op.name!r} takes {op.arity} operands, got {1 + len(others)}")
        dtype = self.data.dtype
        inputs = (self, *(o if isinstance(o, Tensor) else _lift(o, dtype) for o in others))
        if op.elementwise:
            if params:
                raise TypeError(f"element-wise op {op.name!r} takes no parameters")
            return inputs[0]._binary(op, inputs[1]) if op.arity == 2 else self._unary(op)
        return _apply(op, inputs, {**op.params, **params})

    # --- comparisons and friends: no gradient ------------------------------------------

    def __gt__(self, other: Any) -> Tensor:
        return _const(self.data > _data(other))

    def __ge__(self, other: Any) -> Tensor:
        return _const(self.data >= _data(other))

    def __lt__(self, other: Any) -> Tensor:
        return _const(self.data < _data(other))

    def __le__(self, other: Any) -> Tensor:
        return _const(self.data <= _data(other))

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return _const(np.asarray(self.data.argmax(axis=axis, keepdims=keepdims)))

    # --- autograd ----------------------------------------------------------------------

    def backward(self, gradient: Any = None) -> None:
        """Fill ``grad`` on every recorded tensor this one depends on.

        With no ``gradient`` the tensor must hold one element (a loss); otherwise ``gradient``
        is d loss / d self, broadcastable to this tensor's shape.
        """
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad")
        data = self.data
        if gradient is None:
            if data.size != 1:
                raise RuntimeError(
                    f"backward() needs a gradient for a non-scalar tensor of shape {data.shape}"
                )
            seed = _empty(data.shape, data.dtype)
            seed.fill(1)
        else:
            seed = _empty(data.shape, data.dtype)
            seed[...] = _data(gradient)
        inputs = self._inputs
        if inputs:
            self.grad = None  # interior nodes hold the latest pass only; leaves accumulate
        _accumulate(self, seed, True)
        if not inputs:
            return
        # Visit nodes in decreasing creation order: every consumer of a node was created
        # after it, so by the time a node comes off the heap its gradient is complete.
        # One pass, no separate topological sort; only recorded (interior) nodes are pushed.
        heap = [(-self._id, self)]
        seen = {self}
        pop = heappop
        push = heappush
        tok = _quiet_set(_IGNORE)
        try:
            while heap:
                v = pop(heap)[1]
                inputs = v._inputs
                for x in inputs:
                    if x._inputs and x not in seen:
                        seen.add(x)
                        x.grad = None
                        push(heap, (-x._id, x))
                g = v.grad
                if g is None:
                    continue
                op = v._op
                local = op.local  # type: ignore[union-attr]
                if local is None:
                    if len(inputs) == 2:
                        _vjp_step2(v, op, inputs, g)  # type: ignore[arg-type]
                    else:
                        _vjp_step(v, op, inputs, g)  # type: ignore[arg-type]
                elif len(inputs) == 2:
                    a, b = inputs
                    # add's and mul's local derivatives, (1, 1) and (b, a), inlined: they are
                    # most nodes of a network (tests check this agrees with the table)
                    if op is ADD:
                        # Most often the gradient passes unchanged to an interior node that
                        # has none yet: store it, no call (it is shared, so not ours).
                        if a is not b:
                            shape = g.shape
                            dtype = g.dtype
                            ad = a.data
                            if a._inputs and a.grad is None and ad.shape == shape and (
                                ad.dtype is dtype
                            ):
                                a.grad = g
                                a._gown = False
                                a = None
                            bd = b.data
                            if b._inputs and b.grad is None and bd.shape == shape and (
                                bd.dtype is dtype
                            ):
                                b.grad = g
                                b._gown = False
                                b = None
                            if a is not None and a.requires_grad:
                                _contribute(a, 1.0, g)
                            if b is not None and b.requires_grad:
                                _contribute(b, 1.0, g)
                            continue
                        da = db = 1.0
                    elif op is MUL:
                        da, db = b.data, a.data
                    else:
                        da, db = local(_A, a.data, b.data, v.data)
                        if op.mask is not None:  # pow: blocked where torch's where() blocks
                            da, db = _masked(op, (a, b), v, (da, db), g)
                            g = _ONE_PASS
                    if a is b:  # x * x: one contribution, d/da + d/db
                        _contribute(a, da + db, g)
                        continue
                    if a.requires_grad:
                        _contribute(a, da, g)
                    if b.requires_grad:
                        _contribute(b, db, g)
                elif op is RELU:
                    # relu's local derivative step(x) (0 where x <= 0, else 1; 1 for nan)
                    # inlined as a mask read off the output: relu(x) != 0 exactly where
                    # step(x) = 1, nan included. The same product, two numpy calls fewer.
                    a = inputs[0]
                    live = _not_equal(v.data, 0)
                    c = live * g
                    if c.size:
                        # The table's mask: torch passes nothing through the dead side, not
                        # even inf or nan, where 0 * inf = nan. c·c is not finite exactly
                        # when some product is (or overflows: harmless), at BLAS speed.
                        flat = c.reshape(-1)
                        if not _isfinite(_dot(flat, flat)):
                            c[~live] = 0
                    if a.grad is None and c.dtype is a.data.dtype and a._inputs:
                        a.grad = c
                        a._gown = True
                    else:
                        _accumulate(a, c, True)
                else:
                    a = inputs[0]
                    d = local(_A, a.data, v.data)[0]
                    if op.mask is not None:
                        (d,) = _masked(op, inputs, v, (d,), g)
                        g = _ONE_PASS
                    _contribute(a, d, g)
        finally:
            _quiet_reset(tok)

    def zero_grad(self) -> None:
        """Set ``grad`` to None on this tensor and every recorded tensor it depends on."""
        if not self._inputs:  # a leaf (a parameter): the common case
            self.grad = None
            return
        for v in topological_order(self):
            v.grad = None


_empty = np.empty
_not_equal = np.not_equal
_dot = np.dot
_isfinite = math.isfinite
_ONE_PASS = 1.0
"""The upstream gradient once ``_masked`` has multiplied it in (a Python float: float32
stays float32)."""


def _masked(op: Op, inputs: Sequence[Tensor], v: Tensor, local: Sequence[Any],
            g: np.ndarray) -> list[Any]:
    """Each input's ``local * g``, 0 where the op's mask blocks the gradient (PyTorch's
    where(): there even an inf or nan ``g`` gives 0). The caller multiplies by 1 after."""
    blocked = op.mask(_A, *(x.data for x in inputs), v.data)  # type: ignore[misc]
    out = []
    for d, off in zip(local, blocked, strict=True):
        c = _asarray(d * g)
        if _asarray(off).any():
            c = np.where(off, np.zeros((), c.dtype), c)
        out.append(c)
    return out
_VARIADIC = (CONCAT, SUMSQ)  # any number of inputs in code (their canvas ports are fewer)
_NEEDS_ONE = (True,)
_NO_PARAMS: dict[str, Any] = {}
_FULL_REDUCTION: dict[str, Any] = {"axis": None, "keepdims": False}  # shared: never mutated


def _contribute(x: Tensor, d: Any, g: np.ndarray) -> None:
    """Element-wise chain rule: ``x.grad += un-broadcast(d * g)``, ``d`` the local derivative.

    ``_accumulate`` inlined: this runs for most nodes of a network.
    """
    if d.__class__ is float:
        if d == 1.0:
            c = g
        elif d == -1.0:
            c = -g
        else:
            c = g * d
    else:
        c = d * g
    if c.__class__ is not _ndarray:
        c = _asarray(c)
    data = x.data
    if c.shape != data.shape:
        c = sum_to_shape(c, data.shape)
        fresh = True
    else:
        fresh = c is not g
    dtype = data.dtype
    if c.dtype is not dtype and c.dtype != dtype:
        c = c.astype(dtype)
        fresh = True
    old = x.grad
    if old is None:
        if not fresh and not x._inputs:
            c = c.copy()
            fresh = True
        x.grad = c
        x._gown = fresh
    elif old.__class__ is _ndarray and (not x._inputs or x._gown):
        old += c
    else:
        x.grad = _asarray(old + c)
        x._gown = True


def _vjp_step(v: Tensor, op: Op, inputs: tuple[Tensor, ...], g: np.ndarray) -> None:
    """Chain rule through an op's vector-Jacobian product."""
    params = v._params
    if len(inputs) == 1:  # v requires grad, so its only input does
        x = inputs[0]
        if params is _FULL_REDUCTION or not params:  # the defaults: no keywords to pass
            c = op.vjp(g, v.data, x.data, needs=_NEEDS_ONE)[0]  # type: ignore[misc]
        else:
            c = op.vjp(g, v.data, x.data, needs=_NEEDS_ONE, **params)[0]  # type: ignore[misc]
        if c.__class__ is not _ndarray:
            c = _asarray(c)
        # A vjp returns new arrays or views (reshape, transpose, split): views are not ours.
        if x.grad is None and x._inputs and c.dtype is x.data.dtype:  # the common case
            x.grad = c
            x._gown = c.base is None and c is not g
        else:
            _accumulate(x, c, c.base is None and c is not g)
        return
    if len(inputs) == 3 and not params:  # linear: x, W, b
        a, b, c = inputs
        ra, rb, rc = a.requires_grad, b.requires_grad, c.requires_grad
        da, db, dc = op.vjp(g, v.data, a.data, b.data, c.data, needs=(ra, rb, rc))  # type: ignore[misc]
        if ra and da is not None:
            _give(a, da, g)
        if rb and db is not None:
            _give(b, db, g)
        if rc and dc is not None:
            _give(c, dc, g)
        return
    needs = tuple(map(_get_requires_grad, inputs))
    if params:
        grads = op.vjp(g, v.data, *map(_get_data, inputs), needs=needs, **params)  # type: ignore[misc]
    else:
        grads = op.vjp(g, v.data, *map(_get_data, inputs), needs=needs)  # type: ignore[misc]
    for x, c, need in zip(inputs, grads, needs, strict=True):
        if need and c is not None:
            _give(x, c, g)


def _give(x: Tensor, c: Any, g: np.ndarray) -> None:
    """``x.grad += c`` for a vjp's result ``c`` (``g`` the gradient it came from)."""
    if c.__class__ is not _ndarray:
        c = _asarray(c)
    fresh = c.base is None and c is not g  # views (reshape, split...) and g itself are not ours
    if fresh and x.grad is None and c.dtype is x.data.dtype:  # the common case
        x.grad = c
        x._gown = True
    else:
        _accumulate(x, c, fresh)


_NEEDS = {(True, True): (True, True), (True, False): (True, False),
          (False, True): (False, True), (False, False): (False, False)}


def _vjp_step2(v: Tensor, op: Op, inputs: tuple[Tensor, ...], g: np.ndarray) -> None:
    """``_vjp_step`` for two inputs (matmul, hinge, cross-entropy): no lists, no zip."""
    a, b = inputs
    ra = a.requires_grad
    rb = b.requires_grad
    params = v._params
    if params:
        da, db = op.vjp(g, v.data, a.data, b.data, needs=_NEEDS[ra, rb], **params)  # type: ignore[misc]
    else:
        da, db = op.vjp(g, v.data, a.data, b.data, needs=_NEEDS[ra, rb])  # type: ignore[misc]
    if ra and da is not None:
        if da.__class__ is not _ndarray:
            da = _asarray(da)
        fresh = da.base is None and da is not g
        if fresh and a.grad is None and da.dtype is a.data.dtype:  # the common case
            a.grad = da
            a._gown = True
        else:
            _accumulate(a, da, fresh)
    if rb and db is not None:
        if db.__class__ is not _ndarray:
            db = _asarray(db)
        fresh = db.base is None and db is not g
        if fresh and b.grad is None and db.dtype is b.data.dtype:
            b.grad = db
            b._gown = True
        else:
            _accumulate(b, db, fresh)


def _accumulate(x: Tensor, c: np.ndarray, fresh: bool) -> None:
    """``x.grad += c``, without ever letting two gradients share memory.

    ``fresh`` says ``c`` is a new array nobody else holds. A gradient passed through unchanged
    (``a + b`` hands its own gradient to both inputs) is not fresh: interior nodes may share
    it (they only read it), a leaf gets a copy, and a second contribution makes a new array.
    """
    dtype = x.data.dtype
    if c.dtype is not dtype and c.dtype != dtype:
        c = c.astype(dtype)
        fresh = True
    old = x.grad
    if old is None:
        if not fresh and not x._inputs:
            c = c.copy()
            fresh = True
        x.grad = c
        x._gown = fresh
    elif old.__class__ is _ndarray and (not x._inputs or x._gown):
        old += c  # a leaf's grad (or a fresh interior one) is ours to update in place
    else:
        x.grad = _asarray(old + c)  # shared, or something a user assigned (``p.grad = 0``)
        x._gown = True


_creation_id = attrgetter("_id")
_get_data = attrgetter("data")
_get_requires_grad = attrgetter("requires_grad")


def topological_order(root: Tensor, reset_interior: bool = False) -> list[Tensor]:
    """Every recorded tensor ``root`` depends on (itself included), inputs before results.

    Only tensors that require grad are visited (constants take no gradient). Iterative, so
    depth is unlimited; inputs are created before results, so creation order is topological.
    ``reset_interior`` sets the grad of every non-leaf to None (a fresh backward pass).
    """
    seen = {root}  # Tensor keeps identity hashing and equality (no __eq__)
    stack = [root]
    nodes = []
    push = stack.append
    add = seen.add
    while stack:
        v = stack.pop()
        nodes.append(v)
        inputs = v._inputs
        if not inputs:
            continue
        if reset_interior:
            v.grad = None
        for x in inputs:
            if x not in seen and x.requires_grad:
                add(x)
                push(x)
    nodes.sort(key=_creation_id)
    return nodes


# --- construction helpers ------------------------------------------------------------------


def _result(out: Any, op: Op, inputs: tuple[Tensor, ...], params: dict[str, Any] | None) -> Tensor:
    """Wrap an op's output array, recording the graph if any input requires grad."""
    if out.__class__ is not _ndarray:
        out = _asarray(out)
    t = _new(Tensor)
    t.data = out
    t.grad = None
    for x in inputs:
        if x.requires_grad:
            if _grad_mode.enabled:
                t.requires_grad = True
                t._op = op
                t._inputs = inputs
                t._params = params
                t._id = _next_id()
                return t
            break
    t.requires_grad = False
    t._op = None
    t._inputs = ()
    t._params = None
    t._id = _next_id()
    return t


def _apply(op: Op, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> Tensor:
    """Run a table op's forward on the inputs' arrays and record the node."""
    tok = _quiet_set(_IGNORE)
    try:
        if params:
            out = op.forward(_A, *map(_get_data, inputs), **params)
        else:
            out = op.forward(_A, *map(_get_data, inputs))
    finally:
        _quiet_reset(tok)
    return _result(out, op, inputs, params)


def _apply1(op: Op, x: Tensor, params: dict[str, Any]) -> Tensor:
    """``_apply`` for one input (reductions: the common case, kept short)."""
    tok = _quiet_set(_IGNORE)
    try:
        if params is _FULL_REDUCTION:  # the reductions' defaults: no keywords to pass
            out = op.forward(_A, x.data)
        else:
            out = op.forward(_A, x.data, **params)
    finally:
        _quiet_reset(tok)
    if out.__class__ is not _ndarray:
        out = _asarray(out)
    t = _new(Tensor)
    t.data = out
    t.grad = None
    if x.requires_grad and _grad_mode.enabled:
        t.requires_grad = True
        t._op = op
        t._inputs = (x,)
        t._params = params
    else:
        t.requires_grad = False
        t._op = None
        t._inputs = ()
        t._params = None
    t._id = _next_id()
    return t


def _const(arr: np.ndarray) -> Tensor:
    """A leaf holding ``arr`` as it is (no copy, any dtype), requiring no grad."""
    t = _new(Tensor)
    t.data = arr
    t.grad = None
    t.requires_grad = False
    t._op = None
    t._inputs = ()
    t._params = None
    t._id = _next_id()
    return t


def _lift(x: Any, dtype: np.dtype) -> Tensor:
    """An operand that is not a Tensor, as a constant tensor.

    Numbers (and 0-d or integer arrays) take the other operand's floating dtype, so float32
    stays float32; float arrays keep their own dtype (numpy promotion applies).
    """
    cls = x.__class__
    if cls is float or cls is int:  # the common case first: 1 - t, 0.5 * t
        return _const(_asarray(x, dtype=dtype if dtype.kind == "f" else _FLOAT64))
    if isinstance(x, Tensor):
        return x
    if dtype.kind != "f":
        dtype = _FLOAT64
    if isinstance(x, _ndarray):
        if x.ndim and x.dtype.kind in "fc":
            return _const(x)
        return _const(x.astype(dtype))
    return _const(np.asarray(x, dtype=dtype))


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _axis(axis: Any) -> Any:
    if axis is None or axis.__class__ is int:
        return axis
    if isinstance(axis, np.integer):
        return int(axis)
    return tuple(int(a) for a in axis)


def _index(index: Any) -> Any:
    """Indices as numpy wants them: Tensors and lists become arrays."""
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, Tensor):
        index = index.data
        return index.astype(np.intp) if index.dtype.kind == "f" else index
    if isinstance(index, list):
        return np.asarray(index)
    return index


# --- functions -----------------------------------------------------------------------------


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
    return _apply(SUMSQ, _tensors(tensors), _NO_PARAMS)


def hinge(scores: Any, targets: Any) -> Tensor:
    """micrograd's max-margin loss ``mean(relu(1 - targets * scores))`` as one node.

    ``targets`` (±1, a constant unless it is a Tensor) must broadcast to the scores' shape
    without stretching it: give (n, 1) targets for (n, 1) scores.
    """
    if not isinstance(scores, Tensor):
        scores = Tensor(scores)
    if not isinstance(targets, Tensor):
        targets = _lift(targets, scores.data.dtype)
    return _apply(HINGE, (scores, targets), _NO_PARAMS)


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
        out = _linear_forward(_A, x.data, w.data, b.data)
    finally:
        _quiet_reset(tok)
    if out.__class__ is not _ndarray:
        out = _asarray(out)
    t = _new(Tensor)
    t.data = out
    t.grad = None
    if (x.requires_grad or w.requires_grad or b.requires_grad) and _grad_mode.enabled:
        t.requires_grad = True
        t._op = LINEAR
        t._inputs = (x, w, b)
    else:
        t.requires_grad = False
        t._op = None
        t._inputs = ()
    t._params = None
    t._id = _next_id()
    return t


_linear_forward = LINEAR.forward
