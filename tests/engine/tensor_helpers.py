"""Finite-difference checking for ``Tensor`` functions (shared by the tensor test files)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from playground.engine.tensor import Tensor


def numerical_grad(
    f: Callable[[], Tensor], leaf: Tensor, h: float = 1e-6, weights: np.ndarray | None = None
) -> np.ndarray:
    """Central differences of ``sum(f() * weights)`` with respect to each element of ``leaf``."""
    grad = np.zeros_like(leaf.data)
    flat = leaf.data.reshape(-1)  # a view: nudging it nudges the leaf
    for i in range(flat.size):
        x = flat[i]
        flat[i] = x + h
        up = _reduce(f(), weights)
        flat[i] = x - h
        down = _reduce(f(), weights)
        flat[i] = x
        grad.reshape(-1)[i] = (up - down) / (2 * h)
    return grad


def _reduce(out: Tensor, weights: np.ndarray | None) -> float:
    return float(out.data.sum() if weights is None else (out.data * weights).sum())


def check(
    f: Callable[[], Tensor],
    leaves: Sequence[Tensor],
    seed: int = 0,
    rtol: float = 1e-6,
    atol: float = 1e-7,
) -> None:
    """Backward through ``f()`` with a random upstream gradient, against central differences."""
    out = f()
    weights = np.random.default_rng(seed).normal(size=out.shape)
    for leaf in leaves:
        leaf.grad = None
    out.backward(weights)
    for k, leaf in enumerate(leaves):
        assert leaf.grad is not None, f"leaf {k} got no gradient"
        assert leaf.grad.shape == leaf.shape, f"leaf {k}: grad shape {leaf.grad.shape}"
        expected = numerical_grad(f, leaf, weights=weights)
        np.testing.assert_allclose(leaf.grad, expected, rtol=rtol, atol=atol, err_msg=f"leaf {k}")


def rand(*shape: int, seed: int = 0, low: float = -2.0, high: float = 2.0) -> Tensor:
    rng = np.random.default_rng(seed)
    return Tensor(rng.uniform(low, high, size=shape), requires_grad=True)
