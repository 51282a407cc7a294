"""A numpy-backed autograd ``Tensor``, driven by the same op table as the scalar ``Value``.

PyTorch-like names: ``Tensor(data, requires_grad=False, dtype=None)``, ``.data``, ``.grad``,
``.backward()``, ``x @ w + b``, ``.relu()``, ``.sum(axis, keepdims)``, ``cross_entropy``...

How it works (five rooms; ``playground.engine.tensor`` is the face with every public name):
- ``tensor_core`` (here), the class: every op result is made by one node constructor,
  ``_node``. Element-wise ops evaluate ``op.forward(ARRAY, *arrays)`` with numpy
  broadcasting; their methods (``x.tanh()``, ``a - b``, ``2 - a``) are made from the op
  table by ``tensor_methods``, one per element-wise entry, also for entries registered later.
  Other ops (matmul, reductions,
  reshape, indexing, log-softmax, ...) live in ``playground.ops.tensor_ops`` with a
  vector-Jacobian product.
- ``tensor_backward``: the backward walk and gradient accumulation. The chain rule through an
  entry is ``playground.ops.chain.contributions``, shared with ``Value`` and the evaluator.
- ``tensor_methods``: the element-wise methods, one per op-table entry.
- ``tensor_functions``: the functional API (``tensor``, ``zeros``, ``concat``, ``softmax``,
  ``cross_entropy``, the fused ``linear``/``sumsq``/``hinge``...).

A node stores its op, its inputs and its parameters: no closures, so no reference cycles.
Only tensors that depend on a ``requires_grad`` leaf record a graph (and ``no_grad()`` turns
recording off). After ``backward()`` every recorded node holds its ``grad``; leaves accumulate
across passes like PyTorch's, interior nodes hold the latest pass. Numeric faults follow
PyTorch float64: ``1/0 = inf``, ``log(-1) = nan``; nothing raises and numpy emits no
RuntimeWarning. float32 stays float32: Python numbers take the tensor's dtype, gradients the
input's dtype.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from playground.engine import tensor_backward as _tb
from playground.ops import ARRAY, get
from playground.ops.loss_ops import SUMSQ
from playground.ops.table import ADD, MUL, RELU, Op
from playground.ops.tensor_ops import (
    CONCAT,
    GETITEM,
    MATMUL,
    MAX,
    MEAN,
    RESHAPE,
    SUM,
    TRANSPOSE,
)

__all__ = ["Tensor", "is_grad_enabled", "no_grad"]

_A = ARRAY
_ndarray = np.ndarray
_FLOAT64 = np.dtype(np.float64)
_asarray = np.asarray
_empty = np.empty
_add_reduce = np.add.reduce
_dot = np.dot
_new = object.__new__
_next_id = itertools.count().__next__
_quiet_set = _tb.quiet_set
_quiet_reset = _tb.quiet_reset
_IGNORE = _tb.QUIET


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


class Tensor:
    """An n-dimensional array with a gradient, remembering the op and inputs that produced it."""

    __slots__ = ("_gown", "_id", "_inputs", "_op", "_params", "data", "grad", "requires_grad")
    __array_ufunc__ = None  # ndarray (op) Tensor defers to Tensor's reflected operators

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None:
            arr = np.array(data, dtype=np.dtype(dtype))
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

    # --- ops -------------------------------------------------------------------------
    # Element-wise methods (__sub__, __rsub__, ..., exp, tanh, ...) are made from the op table
    # (``tensor_methods``); add, mul and relu are written out here, as the node
    # they make is most of a network's (tests check they agree with the table bit for bit).

    # Two 0-d float64 operands (a loss's terms: ``sum((p*p).sum() for p in params)``) are
    # added or multiplied as Python floats: the same IEEE double result, and Python's float
    # + and * never warn nor raise (inf, nan pass through), so no errstate switch and no
    # numpy ufunc call on 0-d arrays (~1 us each, as much as the rest of the node).

    def __add__(self, other: Any) -> Tensor:
        if other.__class__ is not Tensor:
            other = _lift(other, self.data.dtype)
        a = self.data
        b = other.data
        if a.dtype is _FLOAT64 and b.dtype is _FLOAT64 and a.shape == b.shape == ():
            out = _asarray(a.item() + b.item())
        else:
            tok = _quiet_set(_IGNORE)
            try:
                out = a + b
            finally:
                _quiet_reset(tok)
        return _node(out, ADD, (self, other), None, self.requires_grad or other.requires_grad)

    def __mul__(self, other: Any) -> Tensor:
        if other.__class__ is not Tensor:
            other = _lift(other, self.data.dtype)
        a = self.data
        b = other.data
        if a.dtype is _FLOAT64 and b.dtype is _FLOAT64 and a.shape == b.shape == ():
            out = _asarray(a.item() * b.item())
        else:
            tok = _quiet_set(_IGNORE)
            try:
                out = a * b
            finally:
                _quiet_reset(tok)
        return _node(out, MUL, (self, other), None, self.requires_grad or other.requires_grad)

    def __radd__(self, other: Any) -> Tensor:
        other = _lift(other, self.data.dtype)  # ``sum(tensors)`` starts with 0 + the first
        a = other.data
        b = self.data
        if a.dtype is _FLOAT64 and b.dtype is _FLOAT64 and a.shape == b.shape == ():
            out = _asarray(a.item() + b.item())
        else:
            tok = _quiet_set(_IGNORE)
            try:
                out = a + b
            finally:
                _quiet_reset(tok)
        return _node(out, ADD, (other, self), None, self.requires_grad)

    def __rmul__(self, other: Any) -> Tensor:
        other = _lift(other, self.data.dtype)
        a = other.data
        b = self.data
        if a.dtype is _FLOAT64 and b.dtype is _FLOAT64 and a.shape == b.shape == ():
            out = _asarray(a.item() * b.item())
        else:
            tok = _quiet_set(_IGNORE)
            try:
                out = a * b
            finally:
                _quiet_reset(tok)
        return _node(out, MUL, (other, self), None, self.requires_grad)

    def relu(self) -> Tensor:
        """max(0, x). Passes the gradient where the input was positive (op table entry
        'relu', its forward ``mathlib.ARRAY.relu`` inlined)."""
        tok = _quiet_set(_IGNORE)
        try:
            out = _maximum(self.data, 0)  # maximum keeps nan and maps -0.0 to 0.0
        finally:
            _quiet_reset(tok)
        return _node(out, RELU, (self,), None, self.requires_grad)

    def __matmul__(self, other: Any) -> Tensor:
        if other.__class__ is not Tensor:
            other = _lift(other, self.data.dtype)
        a = self.data
        b = other.data
        if a.ndim == 2 and b.ndim == 2:  # matrices: the table's forward (np.dot), inlined
            tok = _quiet_set(_IGNORE)
            try:
                out = _dot(a, b)
            finally:
                _quiet_reset(tok)
            return _node(out, MATMUL, (self, other), None,
                         self.requires_grad or other.requires_grad)
        return _apply(MATMUL, (self, other), None)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _apply(MATMUL, (_lift(other, self.data.dtype), self), None)

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Sum of the elements (over all of them, or along an axis)."""
        data = self.data
        if axis is None and not keepdims and data.dtype.kind == "f":
            # The table's forward (add.reduce over all axes) into a 0-d array of our own:
            # numpy would return a scalar, and wrapping it back costs more than the sum.
            out = _empty((), data.dtype)
            tok = _quiet_set(_IGNORE)
            try:
                _add_reduce(data, None, None, out)
            finally:
                _quiet_reset(tok)
            return _node(out, SUM, (self,), None, self.requires_grad)
        return _reduce(SUM, self, axis, keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Average of the elements (over all of them, or along an axis)."""
        return _reduce(MEAN, self, axis, keepdims)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Largest element (over all of them, or along an axis)."""
        return _reduce(MAX, self, axis, keepdims)

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
        if not axes:  # the matrix transpose (``W.T``): the table's forward, without a call
            return _node(self.data.transpose(), TRANSPOSE, (self,), None, self.requires_grad)
        return _apply(TRANSPOSE, (self,), {"axes": tuple(int(a) for a in axes)})

    def __getitem__(self, index: Any) -> Tensor:
        return _apply(GETITEM, (self,), {"index": _index(index)})

    def apply(self, name: str | Op, *others: Any, **params: Any) -> Tensor:
        """Apply any op of the table by name: ``a.apply("mul", b)``, ``x.apply("sum", axis=0)``."""
        op = get(name) if isinstance(name, str) else name
        if op.arity != 1 + len(others) and op not in _VARIADIC:
            raise TypeError(f"op {op.name!r} takes {op.arity} operands, got {1 + len(others)}")
        dtype = self.data.dtype
        inputs = (self, *(o if isinstance(o, Tensor) else _lift(o, dtype) for o in others))
        if op.elementwise and params and not op.params:
            raise TypeError(f"element-wise op {op.name!r} takes no parameters")
        return _apply(op, inputs, {**op.params, **params} or None)

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
        seed = _empty(data.shape, data.dtype)
        if gradient is None:
            if data.size != 1:
                raise RuntimeError(
                    f"backward() needs a gradient for a non-scalar tensor of shape {data.shape}"
                )
            seed.fill(1)
        else:
            seed[...] = _data(gradient)
        _tb.backward(self, seed)

    def zero_grad(self) -> None:
        """Set ``grad`` to None on this tensor and every recorded tensor it depends on."""
        if not self._inputs:  # a leaf (a parameter): the common case
            self.grad = None
            return
        for v in topological_order(self):
            v.grad = None


topological_order = _tb.topological_order
_maximum = np.maximum
_VARIADIC = (CONCAT, SUMSQ)  # any number of inputs in code (their canvas ports are fewer)


# --- the node constructor ------------------------------------------------------------------


def _node(out: Any, op: Op, inputs: tuple[Tensor, ...], params: dict[str, Any] | None,
          record: bool) -> Tensor:
    """THE constructor of op results: wrap ``out`` (an op's forward result), recording the op,
    its inputs and parameters when ``record`` (some input requires grad) and grad mode is on."""
    if out.__class__ is not _ndarray:
        out = _asarray(out)  # numpy gives scalars for 0-d results
    t = _new(Tensor)
    t.data = out
    t.grad = None
    if record and _grad_mode.enabled:
        t.requires_grad = True
        t._op = op
        t._inputs = inputs
        t._params = params
    else:
        t.requires_grad = False
        t._op = None
        t._inputs = ()
        t._params = None
    t._id = _next_id()  # creation order: backward's order (see tensor_backward)
    return t


def _apply(op: Op, inputs: tuple[Tensor, ...], params: dict[str, Any] | None) -> Tensor:
    """Run any table op's forward on the inputs' arrays and make its node."""
    tok = _quiet_set(_IGNORE)
    try:
        if params:
            out = op.forward(_A, *[x.data for x in inputs], **params)
        else:
            out = op.forward(_A, *[x.data for x in inputs])
    finally:
        _quiet_reset(tok)
    record = False
    for x in inputs:
        if x.requires_grad:
            record = True
            break
    return _node(out, op, inputs, params, record)


def _reduce(op: Op, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
    """``x.sum()``, ``mean`` and ``max``; the defaults (all axes) pass no keywords."""
    params = None if axis is None and not keepdims else {"axis": _axis(axis), "keepdims": keepdims}
    tok = _quiet_set(_IGNORE)
    try:
        out = op.forward(_A, x.data, **params) if params else op.forward(_A, x.data)
    finally:
        _quiet_reset(tok)
    return _node(out, op, (x,), params, x.requires_grad)


def _const(arr: np.ndarray) -> Tensor:
    """A leaf holding ``arr`` as it is (no copy, any dtype), requiring no grad."""
    return _node(arr, None, (), None, False)  # type: ignore[arg-type]


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
