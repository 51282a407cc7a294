"""Tensor against PyTorch float64: same values and gradients to 1e-10 (skipped without torch)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.tensor import Tensor, concat, cross_entropy, log_softmax, softmax, stack

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOL = {"rtol": 1e-10, "atol": 1e-12}


def pair(*shape: int, seed: int, low: float = -2.0, high: float = 2.0):
    data = np.random.default_rng(seed).uniform(low, high, size=shape)
    return Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)


def compare(ours_fn, torch_fn, ours_in, torch_in, seed: int = 0) -> None:
    """Forward values and gradients (for a random upstream gradient) must agree."""
    out, ref = ours_fn(*ours_in), torch_fn(*torch_in)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOL)
    upstream = np.random.default_rng(seed).normal(size=out.shape)
    out.backward(upstream)
    ref.backward(torch.tensor(upstream))
    for k, (t, r) in enumerate(zip(ours_in, torch_in, strict=True)):
        if r.requires_grad:
            np.testing.assert_allclose(t.grad, r.grad.numpy(), err_msg=f"input {k}", **TOL)


SHAPES = [((3,), (3,)), ((2, 1), (1, 3)), ((), (2, 3)), ((4, 1, 3), (2, 3))]
OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a**b, lambda a, b: a**b),
}


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize(("sa", "sb"), SHAPES, ids=str)
def test_binary_ops_match_torch(name: str, sa: tuple, sb: tuple) -> None:
    low = 0.5 if name == "pow" else -2.0
    a, ta = pair(*sa, seed=1, low=low)
    b, tb = pair(*sb, seed=2, low=0.5 if name == "div" else -2.0)
    ours, ref = OPS[name]
    compare(ours, ref, (a, b), (ta, tb))


UNARY = {
    "neg": (lambda x: -x, lambda x: -x),
    "exp": (lambda x: x.exp(), torch.exp),
    "log": (lambda x: x.log(), torch.log),
    "tanh": (lambda x: x.tanh(), torch.tanh),
    "relu": (lambda x: x.relu(), torch.relu),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_ops_match_torch(name: str) -> None:
    low = 0.1 if name == "log" else -3.0
    x, tx = pair(3, 4, seed=3, low=low)
    ours, ref = UNARY[name]
    compare(ours, ref, (x,), (tx,))


@pytest.mark.parametrize(
    ("sa", "sb"),
    [((2, 3), (3, 4)), ((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)), ((5, 2, 3), (3, 4)),
     ((5, 2, 3), (5, 3, 4)), ((2, 1, 2, 3), (4, 3, 2))],
    ids=str,
)
def test_matmul_matches_torch(sa: tuple, sb: tuple) -> None:
    a, ta = pair(*sa, seed=4)
    b, tb = pair(*sb, seed=5)
    compare(lambda a, b: a @ b, lambda a, b: a @ b, (a, b), (ta, tb))


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 2), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_torch(axis, keepdims: bool) -> None:
    x, tx = pair(2, 3, 4, seed=6)
    dim = axis if axis is not None else tuple(range(3))
    compare(lambda x: x.sum(axis=axis, keepdims=keepdims),
            lambda x: x.sum(dim=dim, keepdim=keepdims), (x,), (tx,))
    x, tx = pair(2, 3, 4, seed=6)
    compare(lambda x: x.mean(axis=axis, keepdims=keepdims),
            lambda x: x.mean(dim=dim, keepdim=keepdims), (x,), (tx,))
    x, tx = pair(2, 3, 4, seed=6)
    compare(lambda x: x.max(axis=axis, keepdims=keepdims),
            lambda x: torch.amax(x, dim=dim, keepdim=keepdims), (x,), (tx,))


def test_shape_ops_match_torch() -> None:
    x, tx = pair(2, 3, 4, seed=7)
    compare(lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6), (x,), (tx,))
    x, tx = pair(2, 3, 4, seed=7)
    compare(lambda x: x.transpose(2, 0, 1), lambda x: x.permute(2, 0, 1), (x,), (tx,))
    x, tx = pair(3, 5, seed=8)
    compare(lambda x: x.T, lambda x: x.T, (x,), (tx,))
    idx = np.array([0, 2, 2, 1, 0])
    x, tx = pair(3, 5, seed=9)
    compare(lambda x: x[idx, 1:4], lambda x: x[torch.tensor(idx), 1:4], (x,), (tx,))


def test_concat_stack_match_torch() -> None:
    a, ta = pair(2, 3, seed=10)
    b, tb = pair(4, 3, seed=11)
    compare(lambda a, b: concat([a, b]), lambda a, b: torch.cat([a, b]), (a, b), (ta, tb))
    a, ta = pair(2, 3, seed=12)
    b, tb = pair(2, 3, seed=13)
    compare(lambda a, b: stack([a, b], axis=1), lambda a, b: torch.stack([a, b], dim=1),
            (a, b), (ta, tb))


def test_softmax_family_matches_torch() -> None:
    x, tx = pair(4, 5, seed=14, low=-5, high=5)
    compare(lambda x: log_softmax(x, axis=1), lambda x: torch.log_softmax(x, dim=1), (x,), (tx,))
    x, tx = pair(4, 5, seed=14, low=-5, high=5)
    compare(lambda x: softmax(x, axis=0), lambda x: torch.softmax(x, dim=0), (x,), (tx,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch(reduction: str) -> None:
    targets = np.array([1, 0, 4, 4, 2, 3])
    x, tx = pair(6, 5, seed=15, low=-5, high=5)
    compare(lambda x: cross_entropy(x, targets, reduction=reduction),
            lambda x: F.cross_entropy(x, torch.tensor(targets), reduction=reduction),
            (x,), (tx,))


def test_cross_entropy_soft_targets_match_torch() -> None:
    probs = np.random.default_rng(16).dirichlet(np.ones(5), size=6)
    x, tx = pair(6, 5, seed=17)
    compare(lambda x: cross_entropy(x, probs),
            lambda x: F.cross_entropy(x, torch.tensor(probs)), (x,), (tx,))


def test_faults_match_torch_float64() -> None:
    """inf/nan where PyTorch float64 gives them, in values and gradients.

    Each expression is written once: Tensor and torch.Tensor share these names.
    """
    data = np.array([0.0, -1.0, 2.0, -0.0])
    for fn in [
        lambda x: (1 / x).sum(),
        lambda x: x.log().sum(),
        # (not at -0.0: torch takes x**0.5 as sqrt there, whose gradient is -inf, not +inf)
        lambda x: (x[:3] ** 0.5).sum(),
        lambda x: (x * 1e308 * 10).exp().sum(),
        lambda x: (x * 1e308 * 10 - x * 1e308 * 10).sum(),
        lambda x: (x / x).tanh().sum(),
    ]:
        x, tx = Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        out, r = fn(x), fn(tx)
        out.backward()
        r.backward()
        # (assert_allclose: nan must match nan, an infinity the same infinity)
        np.testing.assert_allclose(out.data, r.detach().numpy(), rtol=1e-14)
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-14)


def test_mlp_training_step_matches_torch() -> None:
    rng = np.random.default_rng(18)
    xs = rng.normal(size=(16, 8))
    ys = rng.integers(0, 3, size=16)
    shapes = [(8, 12), (12,), (12, 3), (3,)]
    init = [rng.normal(size=s) * 0.5 for s in shapes]
    ours = [Tensor(p, requires_grad=True) for p in init]
    ref = [torch.tensor(p, requires_grad=True) for p in init]
    for _ in range(3):
        w1, b1, w2, b2 = ours
        loss = cross_entropy((Tensor(xs) @ w1 + b1).tanh() @ w2 + b2, ys)
        loss.backward()
        t1, c1, t2, c2 = ref
        tloss = F.cross_entropy(torch.tanh(torch.tensor(xs) @ t1 + c1) @ t2 + c2,
                                torch.tensor(ys))
        tloss.backward()
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-12)
        for p, q in zip(ours, ref, strict=True):
            np.testing.assert_allclose(p.grad, q.grad.numpy(), **TOL)
            p.data -= 0.1 * p.grad
            p.grad = None
            with torch.no_grad():
                q -= 0.1 * q.grad
            q.grad = None
