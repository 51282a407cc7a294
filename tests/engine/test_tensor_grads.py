"""Every Tensor op's gradient against central finite differences, over broadcasting shapes."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.tensor import Tensor, concat, cross_entropy, log_softmax, softmax, stack
from tests.engine.tensor_helpers import check, rand

BROADCAST_PAIRS = [
    ((3,), (3,)),
    ((2, 3), (2, 3)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((4, 1, 3), (2, 3)),
    ((3,), (2, 3)),
    ((2, 3), (3,)),
]

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize(("sa", "sb"), BROADCAST_PAIRS, ids=str)
def test_binary_elementwise_broadcasting(name: str, sa: tuple, sb: tuple) -> None:
    fn = BINARY[name]
    if name == "pow":  # positive bases keep the exponent's gradient (out * log a) finite
        a, b = rand(*sa, seed=1, low=0.5, high=2.0), rand(*sb, seed=2)
    elif name == "div":
        a, b = rand(*sa, seed=1), rand(*sb, seed=2, low=0.5, high=2.0)
    else:
        a, b = rand(*sa, seed=1), rand(*sb, seed=2)
    check(lambda: fn(a, b), [a, b])


UNARY = {
    "neg": (lambda x: -x, -2.0, 2.0),
    "exp": (lambda x: x.exp(), -2.0, 2.0),
    "log": (lambda x: x.log(), 0.2, 3.0),
    "tanh": (lambda x: x.tanh(), -2.0, 2.0),
    "relu": (lambda x: x.relu(), -2.0, 2.0),  # random points are never exactly at the kink
    "sigmoid": (lambda x: x.sigmoid(), -4.0, 4.0),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 3)], ids=str)
def test_unary_elementwise(name: str, shape: tuple) -> None:
    fn, low, high = UNARY[name]
    x = rand(*shape, seed=3, low=low, high=high)
    check(lambda: fn(x), [x])


@pytest.mark.parametrize("other", [2.5, 3, np.float64(0.5)])
def test_numbers_on_either_side(other: float) -> None:
    x = rand(2, 3, seed=4, low=0.5, high=2.0)
    for fn in (
        lambda: x + other, lambda: other + x, lambda: x - other, lambda: other - x,
        lambda: x * other, lambda: other * x, lambda: x / other, lambda: other / x,
        lambda: x**other, lambda: other**x,
    ):
        check(fn, [x])


def test_arrays_on_either_side() -> None:
    x = rand(2, 3, seed=5, low=0.5, high=2.0)
    arr = np.random.default_rng(6).uniform(0.5, 2.0, size=(3,))
    for fn in (
        lambda: x + arr, lambda: arr + x, lambda: arr - x, lambda: arr * x,
        lambda: arr / x, lambda: x**arr, lambda: arr**x,
    ):
        out = fn()
        assert isinstance(out, Tensor)
        check(fn, [x])


def test_same_tensor_twice_accumulates() -> None:
    a = rand(2, 3, seed=7)
    check(lambda: a * a + a, [a])
    check(lambda: (a + a).tanh() * a, [a])


# --- matmul ---------------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((2, 3), (3, 4)),
    ((3,), (3, 4)),
    ((2, 3), (3,)),
    ((3,), (3,)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES, ids=str)
def test_matmul(sa: tuple, sb: tuple) -> None:
    a, b = rand(*sa, seed=8), rand(*sb, seed=9)
    check(lambda: a @ b, [a, b])


def test_matmul_with_constant_skips_its_gradient() -> None:
    x = Tensor(np.random.default_rng(10).normal(size=(4, 3)))
    w = rand(3, 2, seed=11)
    check(lambda: x @ w, [w])
    assert x.grad is None
    arr = np.random.default_rng(12).normal(size=(2, 4))
    check(lambda: arr @ (x @ w), [w])


# --- reductions -----------------------------------------------------------------------------

AXES = [None, 0, 1, -1, (0, 2), (-1, 0)]


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name: str, axis, keepdims: bool) -> None:
    x = rand(2, 3, 4, seed=13)
    check(lambda: getattr(x, name)(axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_reductions_of_vectors_and_scalars(name: str) -> None:
    v = rand(5, seed=14)
    check(lambda: getattr(v, name)(), [v])
    check(lambda: getattr(v, name)(axis=0), [v])
    s = rand(seed=15)
    check(lambda: getattr(s, name)(), [s])


def test_max_shares_gradient_among_ties() -> None:
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [1, 0, 0]])
    x.grad = None
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])


# --- shape ops ------------------------------------------------------------------------------


def test_reshape_transpose() -> None:
    x = rand(2, 3, 4, seed=16)
    check(lambda: x.reshape(6, 4), [x])
    check(lambda: x.reshape((4, -1)), [x])
    check(lambda: x.flatten(), [x])
    check(lambda: x.transpose(), [x])
    check(lambda: x.transpose(1, 2, 0), [x])
    check(lambda: x.transpose((2, 0, 1)), [x])
    m = rand(3, 5, seed=17)
    check(lambda: m.T @ m, [m])
    assert x.transpose(1, 2, 0).shape == (3, 4, 2)


INDICES = [
    1,
    -1,
    slice(1, None),
    (slice(None), 2),
    (0, slice(None, None, 2)),
    (Ellipsis, 1),
    (None, 1),
    np.array([0, 2, 2, 1]),  # repeated rows: contributions add up
    (np.array([0, 1, 1]), np.array([3, 0, 0])),
    (slice(None), np.array([1, 1, 3])),
    np.array([[1, 0], [1, 1]]),
    [2, 0, 2],
    np.array([True, False, True]),
]


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_getitem(index) -> None:
    x = rand(3, 4, seed=18)
    check(lambda: x[index], [x])


def test_getitem_repeated_index_accumulates() -> None:
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 0, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_getitem_with_tensor_index() -> None:
    x = rand(4, 3, seed=19)
    idx = Tensor([3, 1, 3], dtype=np.int64)
    check(lambda: x[idx], [x])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_and_stack(axis: int) -> None:
    a, b, c = rand(2, 3, seed=20), rand(2, 3, seed=21), rand(2, 3, seed=22)
    check(lambda: concat([a, b, c], axis=axis), [a, b, c])
    check(lambda: stack([a, b, c], axis=axis), [a, b, c])


def test_concat_with_constants() -> None:
    a = rand(2, 3, seed=23)
    const = np.ones((1, 3))
    check(lambda: concat([const, a, Tensor(const)]), [a])
    assert concat([const, a]).shape == (3, 3)


# --- softmax family ---------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_log_softmax_and_softmax(axis: int) -> None:
    x = rand(3, 4, seed=24)
    check(lambda: log_softmax(x, axis=axis), [x])
    check(lambda: softmax(x, axis=axis), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_grad(reduction: str) -> None:
    logits = rand(5, 4, seed=25)
    targets = np.array([0, 3, 3, 1, 2])
    check(lambda: cross_entropy(logits, targets, reduction=reduction), [logits])


def test_cross_entropy_soft_targets_and_single_sample() -> None:
    logits = rand(3, 4, seed=26)
    probs = np.random.default_rng(27).dirichlet(np.ones(4), size=3)
    check(lambda: cross_entropy(logits, probs), [logits])
    one = rand(4, seed=28)
    check(lambda: cross_entropy(one, 2), [one])


def test_a_small_network() -> None:
    rng = np.random.default_rng(29)
    x = Tensor(rng.normal(size=(6, 3)))
    w1, b1 = rand(3, 5, seed=30), rand(5, seed=31)
    w2, b2 = rand(5, 4, seed=32), rand(4, seed=33)
    y = np.array([0, 1, 2, 3, 1, 0])

    def loss() -> Tensor:
        h = (x @ w1 + b1).tanh()
        return cross_entropy(h @ w2 + b2, y) + 1e-2 * (w1 * w1).sum()

    check(loss, [w1, b1, w2, b2])
