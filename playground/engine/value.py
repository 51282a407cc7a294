"""A scalar autograd ``Value``, a drop-in for micrograd's, driven by the op table.

Differences from micrograd, all deliberate:
- No per-node ``_backward`` closure. A node stores its op-table entry and its children; backward
  looks up the op's local derivatives. Closures that reference their own node form reference
  cycles, and in micrograd's demo Python's cyclic garbage collector eats most of the run time.
- ``_prev`` is an ordered tuple (micrograd's set makes results vary in the last digits).
- Topological order is an iterative depth-first post-order (children before parents, operands
  in order), so a 1,000,000-deep chain is fine.
- Numeric faults follow PyTorch float64: ``1/0 = inf``, ``log(-1) = nan``; nothing raises.
- Calling ``backward()`` again accumulates into leaves, as PyTorch does; interior nodes hold the
  gradient of the latest pass. ``zero_grad()`` resets everything reachable.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias

from playground.ops import SCALAR
from playground.ops.chain import contributions
from playground.ops.table import ADD, MUL, POW, POWC, RELU, Op, install_methods

Number: TypeAlias = int | float
Operand: TypeAlias = "Value | int | float"

_S = SCALAR


class Value:
    """A scalar with a gradient, remembering the op and children that produced it."""

    # Children live in two slots instead of a tuple: one allocation per node instead of two,
    # which halves the work of Python's garbage collector in big graphs. No op has more than
    # two operands. Every store counts here (a network's forward pass is mostly node
    # construction): no creation counter, the backward order comes from a depth-first walk.
    __slots__ = ("_a", "_b", "_label", "_opdef", "data", "grad")

    def __init__(
        self,
        data: Any,
        _children: Iterable[Value] = (),
        _op: Op | str | None = None,
        label: str = "",
    ) -> None:
        self.data = float(data)
        self.grad = 0.0
        if _children:
            children = tuple(_children)
            if len(children) > 2:
                raise ValueError("a Value has at most two children")
            self._a = children[0] if children else None
            self._b = children[1] if len(children) == 2 else None
        else:  # a leaf: inputs, parameters, the numbers in ``2 * a``
            self._a = None
            self._b = None
        self._opdef: Op | _Custom | str | None = _op
        if label:
            self._label = label

    @property
    def label(self) -> str:
        # Unset on op results until someone names them: one store less per node.
        try:
            return self._label
        except AttributeError:
            return ""

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    # --- micrograd's private API, kept for code that reads it ---------------------------

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The children, in operand order."""
        a, b = self._a, self._b
        if a is None:
            return ()
        return (a,) if b is None else (a, b)

    @property
    def _op(self) -> str:
        op = self._opdef
        if op is None:
            return ""
        return op if isinstance(op, str) else op.symbol

    @property
    def op(self) -> Op | None:
        """The op-table entry that produced this value (None for leaves)."""
        op = self._opdef
        if isinstance(op, _PowBy):
            return POWC
        return op if isinstance(op, Op) else None

    @property
    def _params(self) -> dict[str, Any] | None:
        """The op's parameters (``x**2``'s exponent), as the table's keywords; else None."""
        op = self._opdef
        return {"exponent": op.exponent} if isinstance(op, _PowBy) else None

    @property
    def _backward(self) -> Callable[[], None]:
        """This node's local backward step, as a callable (micrograd-style)."""
        op = self._opdef
        if isinstance(op, _Custom):
            return op.backward
        return lambda: _local_backward(self)

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        # Lets micrograd-style code define its own op by assigning a closure.
        self._opdef = _Custom(self._op, fn)

    # --- ops ---------------------------------------------------------------------------

    def _apply(self, op: Op, other: Operand | None = None) -> Value:
        """The generic apply: run the op's scalar forward and record the node."""
        if op.arity == 1:
            return _node(op.forward(_S, self.data), self, None, op)
        if not isinstance(other, Value):
            other = _leaf(other)
        return _node(op.forward(_S, self.data, other.data), self, other, op)

    # The element-wise methods (__sub__, __rsub__, ..., exp, tanh, ...) are made from the op
    # table below the class (``_install``). add, mul and relu are most of the nodes of a
    # network, so they are written out here with ADD/MUL/RELU.forward inlined
    # (tests/engine/test_value.py checks they agree with the table).
    # The node construction is inlined too: a function call is a third of the cost here.
    def __add__(self, other: Operand) -> Value:
        if other.__class__ is not Value and not isinstance(other, Value):
            other = _leaf(other)
        v = _new(Value)
        v.data = self.data + other.data  # type: ignore[union-attr]
        v.grad = 0.0
        v._a = self
        v._b = other
        v._opdef = ADD
        return v

    def __mul__(self, other: Operand) -> Value:
        if other.__class__ is not Value and not isinstance(other, Value):
            other = _leaf(other)
        v = _new(Value)
        v.data = self.data * other.data  # type: ignore[union-attr]
        v.grad = 0.0
        v._a = self
        v._b = other
        v._opdef = MUL
        return v

    def __radd__(self, other: Number) -> Value:
        # ``sum(values)`` starts with 0 + the first: inlined like __add__
        other = _leaf(other)
        v = _new(Value)
        v.data = other.data + self.data
        v.grad = 0.0
        v._a = other
        v._b = self
        v._opdef = ADD
        return v

    def __rmul__(self, other: Number) -> Value:
        other = _leaf(other)
        v = _new(Value)
        v.data = other.data * self.data
        v.grad = 0.0
        v._a = other
        v._b = self
        v._opdef = MUL
        return v

    def relu(self) -> Value:
        # RELU.forward (SCALAR.relu) inlined: a hidden layer's worth of nodes per sample
        x = self.data
        v = _new(Value)
        v.data = 0.0 if x <= 0 else x
        v.grad = 0.0
        v._a = self
        v._b = None
        v._opdef = RELU
        return v

    def __pow__(self, other: Operand) -> Value:
        """``x**2`` as micrograd has it: a number exponent is a parameter of a one-input node
        (``_op`` "**2", no grad for the 2); ``x**y`` with a Value exponent is binary pow."""
        if isinstance(other, Value):
            return _node(POW.forward(_S, self.data, other.data), self, other, POW)
        return _pow_by(self, other)

    def apply(self, name: str, *others: Operand, **params: Any) -> Value:
        """Apply any scalar op of the table by name: ``a.apply("mul", b)``."""
        from playground.ops import get

        op = get(name)
        if not op.scalar:
            raise ValueError(f"op {name!r} works on tensors only")
        if op.arity != 1 + len(others):
            raise TypeError(f"op {name!r} takes {op.arity} operands, got {1 + len(others)}")
        if op is POWC:
            return _pow_by(self, params.get("exponent", POWC.params["exponent"]))
        if params:
            raise TypeError(f"op {name!r} takes no parameters")
        return self._apply(op, *others)

    # --- autograd ----------------------------------------------------------------------

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``grad`` of every node this value depends on, seeding d self / d self = 1."""
        if self._a is None:  # a leaf: d self / d self, nothing else to reach
            self.grad += gradient
            return
        with paused_gc():
            order = _backward_order(self)  # interior nodes only, their grads set to 0.0
            self.grad += gradient
            S = _S
            for v in reversed(order):
                op = v._opdef
                a = v._a
                b = v._b
                g = v.grad
                # add, mul and relu inline their local derivatives (1, 1), (b, a) and
                # step(x): most nodes of a network (tests check they agree with the table).
                if op is ADD:
                    a.grad += g
                    b.grad += g
                elif op is MUL:
                    a.grad += b.data * g
                    b.grad += a.data * g
                elif op is RELU:
                    # the table's mask: nothing passes the dead side, not even inf or nan
                    a.grad += 0.0 if a.data <= 0 else g
                elif op.__class__ is not Op:
                    if op.__class__ is _PowBy:  # x**n: powc's n·x^(n−1), 0 for n = 0 (mask)
                        n = op.exponent
                        a.grad += 0.0 if n == 0 else n * S.pow(a.data, op.less) * g
                    else:
                        _local_backward(v)
                elif op.mask is not None:  # where() semantics: the one chain rule
                    if b is None:
                        a.grad += contributions(op, (a.data,), v.data, g, S)[0]
                    else:
                        da, db = contributions(op, (a.data, b.data), v.data, g, S)
                        a.grad += da
                        b.grad += db
                # Unmasked entries (tanh, exp, sub, ...): contributions' float case written
                # out, local * grad; the call into it cost ~25% of a tanh/exp chain's
                # backward. tests/engine/test_hot_paths.py checks they agree bit for bit.
                elif b is None:
                    a.grad += op.local(S, a.data, v.data)[0] * g
                else:
                    da, db = op.local(S, a.data, b.data, v.data)
                    a.grad += da * g
                    b.grad += db * g
        make_room_for_graph(len(order))

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this value and everything it depends on."""
        for v in topological_order(self):
            v.grad = 0.0

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"


_new = object.__new__


def _node(data: float, a: Value | None, b: Value | None, op: Op) -> Value:
    """Fast constructor for op results (data is already a float)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v._a = a
    v._b = b
    v._opdef = op
    return v


def _leaf(x: Any) -> Value:
    """A constant operand (``Value(x)`` without the constructor's call)."""
    v = _new(Value)
    v.data = float(x)
    v.grad = 0.0
    v._a = None
    v._b = None
    v._opdef = None
    return v


def _method(op: Op, reflected: bool) -> Callable[..., Value]:
    """The method an element-wise entry gives Value: ``x.tanh()``, ``a - b`` or ``2 - a``."""
    forward = op.forward
    if op.arity == 1:

        def method(self: Value) -> Value:
            return _node(forward(_S, self.data), self, None, op)

    elif reflected:

        def method(self: Value, other: Number) -> Value:
            other = _leaf(other)
            return _node(forward(_S, other.data, self.data), other, self, op)

    else:

        def method(self: Value, other: Operand) -> Value:
            if other.__class__ is not Value and not isinstance(other, Value):
                other = _leaf(other)
            return _node(forward(_S, self.data, other.data), self, other, op)  # type: ignore[union-attr]

    method.__doc__ = f"{op.description} (op table entry {op.name!r})"
    method._op = op  # type: ignore[attr-defined]
    return method


_WRITTEN_OUT = frozenset({"__add__", "__radd__", "__mul__", "__rmul__", "relu", "__pow__"})
install_methods(Value, _method, _WRITTEN_OUT, accept=lambda op: op.scalar)


class _PowBy:
    """The op of a ``x**n`` node with a number n: powc, bound to its exponent. Its ``symbol``
    is micrograd's ``_op`` for it (``"**2"``, ``"**-1"``, ``"**0.5"``). Immutable, so nodes
    with the same exponent share one (``_POW_BY``)."""

    __slots__ = ("exponent", "less", "power", "symbol")

    def __init__(self, exponent: int | float) -> None:
        # the number as given (2 stays 2: a document made from it reads **2, as micrograd's _op)
        self.exponent = exponent
        self.power = float(exponent)
        self.less = exponent - 1.0  # powc's local n·x^(n−1), as the table computes it
        self.symbol = f"**{exponent}"


_POW_BY: dict[tuple[type, int | float], _PowBy] = {}
"""Shared ``_PowBy`` per exponent (int 2 and float 2.0 apart: their ``_op`` differ)."""


def _pow_by(base: Value, exponent: Any) -> Value:
    cls = exponent.__class__
    if cls is int or cls is float:  # the usual x**2: one dict look-up, no allocation
        op = _POW_BY.get((cls, exponent))
        if op is None:
            op = _PowBy(exponent)
            if len(_POW_BY) < 256:  # a nan never finds itself: do not let them pile up
                _POW_BY[(cls, exponent)] = op
    elif isinstance(exponent, bool) or not isinstance(exponent, int | float):
        raise TypeError(f"a Value's power is a number or a Value, not {type(exponent).__name__}")
    else:  # an int or float subclass (numpy.float64): as the number it is
        op = _PowBy(exponent)
    # POWC.forward is m.pow(x, exponent), called directly here
    return _node(_S.pow(base.data, op.power), base, None, op)  # type: ignore[arg-type]


class _Custom:
    """A node whose backward step the user assigned, micrograd-style (``out._backward = f``)."""

    __slots__ = ("backward", "symbol")

    def __init__(self, symbol: str, backward: Callable[[], None]) -> None:
        self.symbol = symbol
        self.backward = backward


def _local_backward(v: Value) -> None:
    """Accumulate ``child.grad += local_i * v.grad`` for each child of ``v``."""
    op = v._opdef
    if isinstance(op, _Custom):
        op.backward()
        return
    if isinstance(op, _PowBy):
        a = v._a
        a.grad += contributions(POWC, (a.data,), v.data, v.grad, _S, {"exponent": op.exponent})[0]
        return
    if not isinstance(op, Op):
        return  # a micrograd-style string op with no backward: treated as a constant
    prev = v._prev
    grads = contributions(op, [c.data for c in prev], v.data, v.grad, _S)
    for c, d in zip(prev, grads, strict=True):
        c.grad += d


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building or walking a big graph.

    Values (like a parsed file, a layout's lists, the canvas's items) form no cycles: the
    collector would only walk objects that all stay. Nested or as ``@paused_gc()``: the
    outermost restores the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


GC_THRESHOLD_CAP = 1_000_000


def make_room_for_graph(n_nodes: int) -> None:
    """Raise the collector's first threshold above the size of the graph just walked.

    Python runs a collection every 700 net allocations of tracked objects, and each one walks
    the young graph; a training step builds a whole new graph of the same size, so the
    collector would walk every node several times per step while finding nothing (nodes form
    no cycles). With the threshold above the graph size, a graph is built and freed between
    collections. Only ever raised, capped at ``GC_THRESHOLD_CAP``.
    """
    t0, t1, t2 = gc.get_threshold()
    want = min(2 * n_nodes, GC_THRESHOLD_CAP)
    if 0 < t0 < want:
        gc.set_threshold(want, t1, t2)


def _backward_order(root: Value) -> list[Value]:
    """The interior (non-leaf) nodes ``root`` depends on, children before parents, each with
    its ``grad`` reset to 0.0: backward's fresh start (leaves keep theirs and accumulate).

    An iterative depth-first post-order. The visit state lives in the nodes' own ``grad``
    slots, as two float zeros made for this call and told apart by identity: ``opened``
    (children being visited) and ``done`` (emitted). No set, no sort, no creation counter.
    """
    opened = float("0")  # new objects on every call: no node can hold them from a past walk
    done = float("0")
    order: list[Value] = []
    stack = [root]
    push = stack.append
    pop = stack.pop
    emit = order.append
    while stack:
        v = pop()
        g = v.grad
        if g is done:  # reached again through another parent
            continue
        if g is opened:  # its children are all done
            v.grad = done
            emit(v)
            continue
        while True:  # open v, then go straight down its first operand (a running sum's chain)
            v.grad = opened
            push(v)
            b = v._b
            if b is not None and b._a is not None and b.grad is not done:
                push(b)
            a = v._a
            if a._a is None or a.grad is done:
                break
            v = a
    return order


def topological_order(root: Value, zero_interior: bool = False) -> list[Value]:
    """Every value ``root`` depends on (itself included), children before parents.

    A depth-first post-order, operands in order (a node's first operand's subgraph comes
    before its second's), ``root`` last. ``zero_interior`` resets the grad of every non-leaf
    (backward's fresh start: leaves accumulate across passes, like PyTorch's). Iterative, so
    depth is unlimited.
    """
    seen: set[Value] = set()
    order: list[Value] = []
    stack: list[tuple[Value, bool]] = [(root, False)]
    push = stack.append
    while stack:
        v, expanded = stack.pop()
        if expanded:  # its children are all in the order
            order.append(v)
            continue
        if v in seen:  # pushed by two parents: visited through the other one already
            continue
        seen.add(v)
        push((v, True))
        a = v._a
        if a is None:
            continue
        if zero_interior:
            v.grad = 0.0
        b = v._b
        if b is not None and b not in seen:
            push((b, False))
        if a not in seen:
            push((a, False))
    return order


def zero_grad(*roots: Value) -> None:
    """Reset the gradients of every value the given roots depend on."""
    for r in roots:
        r.zero_grad()
