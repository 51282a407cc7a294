"""Backward through a ``Tensor`` graph: the order of the walk and gradient accumulation.

The chain rule itself is ``playground.ops.chain.contributions``, shared with the scalar engine
and the document evaluator. Only ``add``, ``mul``, ``relu``, matrix ``matmul``, ``W.T``, the
full ``sum`` and ``mean``, and ``sub`` are inlined here: they are most nodes of a network, and tests
(``tests/engine/test_hot_paths.py``, ``test_tensor.py``, ``test_fused_ops.py``) check they
agree with the op table bit for bit. So is ``accumulate``'s commonest case: a node's first
gradient, a new array of its shape and dtype, is stored as it is (no call, no copy).

Numeric faults follow PyTorch: inf/nan, never an exception, and numpy emits no RuntimeWarning
(``quiet_set``/``quiet_reset`` turn its floating-point warnings off around forward and backward).
Gradients never alias each other: a leaf's ``grad`` is its own array, safe to update in place.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import numpy as np

from playground.ops.chain import contributions
from playground.ops.mathlib import ARRAY
from playground.ops.table import ADD, MUL, RELU, SUB
from playground.ops.tensor_ops import MATMUL, MEAN, SUM, TRANSPOSE, sum_to_shape

_A = ARRAY
_ndarray = np.ndarray
_asarray = np.asarray
_empty = np.empty
_dot = np.dot
_where = np.where
_NEEDS_ONE = (True,)
_creation_id = attrgetter("_id")

# --- silencing numpy's floating-point warnings ------------------------------------------
# ``np.errstate`` costs ~1.5 us per use, as much as a small op. numpy 2 keeps the error state
# in a context variable; setting it directly costs ~0.1 us. Fall back to errstate elsewhere.
try:
    from numpy._core._multiarray_umath import _extobj_contextvar, _make_extobj

    QUIET = _make_extobj(all="ignore")
    quiet_set = _extobj_contextvar.set
    quiet_reset = _extobj_contextvar.reset
except ImportError:  # pragma: no cover - older or newer numpy

    def quiet_set(_: Any = None) -> Any:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def quiet_reset(state: Any) -> None:
        state.__exit__(None, None, None)

    QUIET = None



def accumulate(x: Any, c: Any, g: Any) -> None:
    """``x.grad += c``: ``c`` is x's share of the gradient ``g`` that came down to a node
    (any array or number whose shape broadcasts to x's: it is summed back to x's shape).

    No two gradients ever share memory. ``c`` is ours to keep when it is a new array (not
    ``g`` itself, not a view of something: a transpose's or a reshape's vjp). A gradient
    passed on unchanged (``a + b`` hands its own to both inputs) may be shared by interior
    nodes, which only read it; a leaf gets a copy, and a second contribution makes a new array.
    """
    if c.__class__ is not _ndarray:
        c = _asarray(c)
    data = x.data
    if c.shape != data.shape:
        c = sum_to_shape(c, data.shape)
    fresh = c is not g and c.base is None
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
        old += c  # a leaf's grad (or a fresh interior one) is ours to update in place
    else:
        x.grad = _asarray(old + c)  # shared, or something a user assigned (``p.grad = 0``)
        x._gown = True


def backward(root: Any, seed: np.ndarray) -> None:
    """Fill ``grad`` on every recorded tensor ``root`` depends on, d root = ``seed`` (a new
    array of root's shape and dtype)."""
    if not root._inputs:  # a leaf: d root / d root, nothing else to reach
        accumulate(root, seed, None)
        return
    root.grad = None  # interior nodes hold the latest pass only; leaves accumulate
    accumulate(root, seed, None)
    tok = quiet_set(QUIET)
    try:
        for v in _order(root):
            inputs = v._inputs
            g = v.grad
            if g is None:
                continue
            op = v._op
            if op is ADD:
                # add's local derivatives (1, 1), inlined. Most often the gradient passes
                # unchanged to an interior node that has none yet: store it, no call (it is
                # shared, so not that node's).
                a, b = inputs
                if a is b:  # a + a
                    accumulate(a, g + g, g)
                    continue
                for x in inputs:
                    if x._inputs and x.grad is None:
                        xd = x.data
                        if xd.shape == g.shape and xd.dtype is g.dtype:
                            x.grad = g
                            x._gown = False
                            continue
                    if x.requires_grad:
                        accumulate(x, g, g)
            elif op is MUL:
                a, b = inputs
                if a is b:  # x * x: one contribution, d/da + d/db
                    ad = a.data
                    c = (ad + ad) * g
                    if (a.grad is None and c.__class__ is _ndarray and c.shape == ad.shape
                            and c.dtype is ad.dtype):
                        a.grad = c
                        a._gown = True
                    else:
                        accumulate(a, c, g)
                    continue
                # mul's local derivatives (b, a), inlined (tests check they are the table's)
                if a.requires_grad:
                    c = b.data * g
                    if (a.grad is None and c.__class__ is _ndarray
                            and c.shape == a.data.shape and c.dtype is a.data.dtype):
                        a.grad = c  # a new array: accumulate's first grad, without the call
                        a._gown = True
                    else:
                        accumulate(a, c, g)
                if b.requires_grad:
                    c = a.data * g
                    if (b.grad is None and c.__class__ is _ndarray
                            and c.shape == b.data.shape and c.dtype is b.data.dtype):
                        b.grad = c
                        b._gown = True
                    else:
                        accumulate(b, c, g)
            elif op is RELU:
                # relu's local derivative step(x) (1 where x > 0 or nan, else 0) read off the
                # output, and its mask (nothing passes the dead side, not even inf or nan) in
                # one where(): relu(x) != 0 exactly where step(x) = 1, and there the table's
                # step(x) * g is g itself. As torch's threshold_backward; tests check it
                # agrees with the table.
                x = inputs[0]
                c = _where(v.data, g, 0.0)
                if (x.grad is None and c.__class__ is _ndarray and c.shape == x.data.shape
                        and c.dtype is x.data.dtype):
                    x.grad = c
                    x._gown = True
                else:
                    accumulate(x, c, g)
            elif op is MATMUL and inputs[0].data.ndim == 2 and inputs[1].data.ndim == 2:
                # matrices: the table's vjp (g @ b.T, a.T @ g as np.dot), inlined
                a, b = inputs
                if a.requires_grad:
                    c = _dot(g, b.data.T)
                    if (a.grad is None and c.__class__ is _ndarray
                            and c.shape == a.data.shape and c.dtype is a.data.dtype):
                        a.grad = c
                        a._gown = True
                    else:
                        accumulate(a, c, g)
                if b.requires_grad:
                    c = _dot(a.data.T, g)
                    if (b.grad is None and c.__class__ is _ndarray
                            and c.shape == b.data.shape and c.dtype is b.data.dtype):
                        b.grad = c
                        b._gown = True
                    else:
                        accumulate(b, c, g)
            elif op is TRANSPOSE and v._params is None:  # W.T: the table's vjp, inlined
                accumulate(inputs[0], g.transpose(), g)
            elif op is SUM and v._params is None:
                # sum over all elements: the table's vjp (g broadcast to x's shape, a new
                # array), inlined; most often the L2 penalty's (p*p).sum()
                x = inputs[0]
                xd = x.data
                c = _empty(xd.shape, g.dtype)
                c[...] = g
                if x.grad is None and c.dtype is xd.dtype:
                    x.grad = c
                    x._gown = True
                else:
                    accumulate(x, c, g)
            elif op is MEAN and v._params is None:
                # mean over all elements: the table's vjp (g / n broadcast to x's shape, a new
                # array), inlined; the hinge loss's mean
                x = inputs[0]
                xd = x.data
                q = g / xd.size
                c = _empty(xd.shape, q.dtype)
                c[...] = q
                if x.grad is None and c.dtype is xd.dtype:
                    x.grad = c
                    x._gown = True
                else:
                    accumulate(x, c, g)
            elif op is SUB:
                # sub's local derivatives (1, -1), inlined: the table's local * grad
                a, b = inputs
                if a.requires_grad:
                    accumulate(a, 1.0 * g, g)
                if b.requires_grad:
                    accumulate(b, -1.0 * g, g)
            elif len(inputs) == 1:  # a recorded node's only input requires grad
                x = inputs[0]
                (c,) = contributions(op, (x.data,), v.data, g, _A, v._params, _NEEDS_ONE)
                accumulate(x, c, g)
            else:
                grads = contributions(op, [x.data for x in inputs], v.data, g, _A,
                                      v._params, tuple([x.requires_grad for x in inputs]))
                for x, c in zip(inputs, grads, strict=True):
                    if c is not None:
                        accumulate(x, c, g)
    finally:
        quiet_reset(tok)


def _order(root: Any) -> list[Any]:
    """The recorded (interior) nodes ``root`` depends on in decreasing creation order (so
    PyTorch's order), each but root with its ``grad`` reset to None. Every consumer of a node
    was created after it, so when the walk reaches a node its gradient is complete."""
    order = [root]
    seen = {root}
    add = seen.add
    emit = order.append
    for v in order:  # grows as it goes: a breadth-first sweep, sorted below
        for x in v._inputs:
            if x._inputs and x not in seen:
                add(x)
                x.grad = None
                emit(x)
    order.sort(key=_creation_id, reverse=True)
    return order


def topological_order(root: Any, reset_interior: bool = False) -> list[Any]:
    """Every recorded tensor ``root`` depends on (itself included), inputs before results.

    Only tensors that require grad are visited (constants take no gradient). An iterative
    depth-first post-order (inputs in order), so depth is unlimited. ``reset_interior`` sets
    the grad of every non-leaf to None (a fresh backward pass).
    """
    seen = {root}  # Tensor keeps identity hashing and equality (no __eq__)
    order: list[Any] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    push = stack.append
    while stack:
        v, expanded = stack.pop()
        if expanded:  # its inputs are all in the order
            order.append(v)
            continue
        push((v, True))
        if v._inputs and reset_interior:
            v.grad = None
        for x in reversed(v._inputs):
            if x not in seen and x.requires_grad:
                seen.add(x)
                push((x, False))
    return order
