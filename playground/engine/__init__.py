"""Autograd engines: the scalar ``Value`` (micrograd-compatible) and the numpy ``Tensor``.

No Qt, no matplotlib, no networkx: ``from playground.engine import Value`` works in a notebook.
"""

from playground.engine.gradcheck import check_grads, numerical_grads
from playground.engine.tensor import Tensor, no_grad
from playground.engine.value import Value, paused_gc, topological_order, zero_grad

__all__ = [
    "Tensor",
    "Value",
    "check_grads",
    "no_grad",
    "numerical_grads",
    "paused_gc",
    "topological_order",
    "zero_grad",
]
