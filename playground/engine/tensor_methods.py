"""The ``Tensor``'s element-wise methods, made from the op table: one per element-wise entry
(``x.tanh()``; ``a - b`` and ``2 - a`` for an entry with ``operator="-"``), kept in step with
``OPS`` by ``table.watch`` (an entry registered later gets its method too; ``unregister``
takes it back). add, mul and relu are written out in the class (hot paths, tested against
the table bit for bit), so they are skipped here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playground.engine.tensor_core import (
    _A,
    _IGNORE,
    Tensor,
    _lift,
    _node,
    _quiet_reset,
    _quiet_set,
)
from playground.ops.table import Op, install_methods


def _method(op: Op, reflected: bool) -> Callable[..., Tensor]:
    """The method an element-wise entry gives Tensor: ``x.tanh()``, ``a - b`` or ``2 - a``."""
    forward = op.forward
    if op.arity == 1:

        def method(self: Tensor) -> Tensor:
            tok = _quiet_set(_IGNORE)
            try:
                out = forward(_A, self.data)
            finally:
                _quiet_reset(tok)
            return _node(out, op, (self,), None, self.requires_grad)

    elif reflected:

        def method(self: Tensor, other: Any) -> Tensor:
            other = _lift(other, self.data.dtype)  # a number or an array: a constant
            tok = _quiet_set(_IGNORE)
            try:
                out = forward(_A, other.data, self.data)
            finally:
                _quiet_reset(tok)
            return _node(out, op, (other, self), None, self.requires_grad)

    else:

        def method(self: Tensor, other: Any) -> Tensor:
            if other.__class__ is not Tensor:
                other = _lift(other, self.data.dtype)
            tok = _quiet_set(_IGNORE)
            try:
                out = forward(_A, self.data, other.data)
            finally:
                _quiet_reset(tok)
            return _node(out, op, (self, other), None,
                         self.requires_grad or other.requires_grad)

    method.__doc__ = f"{op.description} (op table entry {op.name!r})"
    method._op = op  # type: ignore[attr-defined]
    return method


_WRITTEN_OUT = frozenset({"__add__", "__radd__", "__mul__", "__rmul__", "relu"})
install_methods(Tensor, _method, _WRITTEN_OUT)


