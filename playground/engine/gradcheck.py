"""Finite-difference gradients for scalar functions of ``Value`` leaves.

The function is re-run with one leaf nudged at a time, so it must rebuild its graph from the
leaves on each call (``lambda: (a * b + c).tanh()``). Used by the tests and by the teaching
tools, which show the forward difference ``(f(x+h) - f(x)) / h`` next to the central one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from playground.engine.value import Value

Method = Literal["central", "forward"]


def numerical_grads(
    f: Callable[[], Value],
    leaves: Sequence[Value],
    h: float = 1e-6,
    method: Method = "central",
) -> list[float]:
    """d f / d leaf for each leaf, by finite differences. Leaf data is restored afterwards."""
    if not 0 < h < math.inf:
        raise ValueError(f"step h must be a positive finite number, got {h!r}")
    base = f().data if method == "forward" else 0.0
    grads = []
    for leaf in leaves:
        x = leaf.data
        try:
            leaf.data = x + h
            up = f().data
            if method == "forward":
                grads.append((up - base) / h)
            else:
                leaf.data = x - h
                down = f().data
                grads.append((up - down) / (2 * h))
        finally:
            leaf.data = x
    return grads


@dataclass(frozen=True)
class GradCheck:
    """Analytic against numerical gradients, leaf by leaf."""

    analytic: list[float]
    numerical: list[float]
    ok: list[bool]

    @property
    def all_ok(self) -> bool:
        return all(self.ok)

    @property
    def max_abs_error(self) -> float:
        errors = [abs(a - n) for a, n in zip(self.analytic, self.numerical, strict=True)]
        return max(errors, default=0.0)


def check_grads(
    f: Callable[[], Value],
    leaves: Sequence[Value],
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    method: Method = "central",
) -> GradCheck:
    """Run backward once and compare every leaf's grad with finite differences."""
    out = f()
    out.zero_grad()
    for leaf in leaves:  # a leaf f does not reach keeps a stale grad otherwise
        leaf.grad = 0.0
    out.backward()
    analytic = [leaf.grad for leaf in leaves]
    numerical = numerical_grads(f, leaves, h=h, method=method)
    ok = [_close(a, n, rtol, atol) for a, n in zip(analytic, numerical, strict=True)]
    return GradCheck(analytic, numerical, ok)


def _close(a: float, n: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(n):
        return math.isnan(a) and math.isnan(n)
    if math.isinf(a) or math.isinf(n):
        return a == n
    return math.isclose(a, n, rel_tol=rtol, abs_tol=atol)
