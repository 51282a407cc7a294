"""playground.engine.gradcheck: finite differences and the analytic-vs-numerical check."""

from __future__ import annotations

import math

import pytest

from playground.engine import Value, check_grads, numerical_grads


def _sin_with_wrong_backward(x: Value) -> Value:
    """A micrograd-style custom op whose backward is wrong: it says d sin = sin."""
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward() -> None:
        x.grad += math.sin(x.data) * out.grad  # should be cos

    out._backward = _backward
    return out


def _sin(x: Value) -> Value:
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward() -> None:
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward
    return out


def test_central_differences_match_the_analytic_gradient() -> None:
    a, b, c = Value(0.7), Value(-1.3), Value(0.25)

    def f() -> Value:
        return (a * b + c.tanh()) * a.exp() / (b**2 + 1)

    out = f()
    out.backward()
    num = numerical_grads(f, [a, b, c])
    for leaf, n in zip((a, b, c), num, strict=True):
        assert math.isclose(leaf.grad, n, rel_tol=1e-8, abs_tol=1e-10)


def test_forward_differences_are_first_order_central_second_order() -> None:
    x = Value(2.0)
    h = 1e-3

    def f() -> Value:
        return x**3

    (fwd,) = numerical_grads(f, [x], h=h, method="forward")
    (cen,) = numerical_grads(f, [x], h=h, method="central")
    # ((x+h)^3 - x^3)/h = 3x^2 + 3xh + h^2 ; ((x+h)^3 - (x-h)^3)/2h = 3x^2 + h^2
    assert math.isclose(fwd, 12.0 + 6.0 * h + h * h, rel_tol=1e-9)
    assert math.isclose(cen, 12.0 + h * h, rel_tol=1e-9)
    assert abs(cen - 12.0) < abs(fwd - 12.0) / 1000


def test_numerical_grads_default_is_central() -> None:
    x = Value(2.0)
    assert numerical_grads(lambda: x**3, [x], h=1e-3) == numerical_grads(
        lambda: x**3, [x], h=1e-3, method="central"
    )


def test_unused_leaf_has_zero_numerical_gradient() -> None:
    a, unused = Value(1.0), Value(5.0)
    assert numerical_grads(lambda: a * a, [a, unused])[1] == 0.0


def test_check_grads_ok() -> None:
    a, b = Value(0.3), Value(-0.8)
    result = check_grads(lambda: (a * b).sigmoid() + _sin(a) * b.exp(), [a, b])
    assert result.all_ok
    assert result.ok == [True, True]
    assert len(result.analytic) == len(result.numerical) == 2
    assert result.max_abs_error < 1e-7
    assert result.analytic == [a.grad, b.grad]


def test_check_grads_detects_a_wrong_gradient() -> None:
    a, b = Value(0.9), Value(0.4)
    result = check_grads(lambda: _sin_with_wrong_backward(a) * 3 + b * b, [a, b])
    assert not result.all_ok
    assert result.ok == [False, True]  # b's path is right, a's is not
    assert math.isclose(result.analytic[0], 3 * math.sin(0.9), rel_tol=1e-12)
    assert math.isclose(result.numerical[0], 3 * math.cos(0.9), rel_tol=1e-7)
    assert math.isclose(result.max_abs_error, 3 * abs(math.sin(0.9) - math.cos(0.9)), rel_tol=1e-6)


def test_check_grads_detects_a_kink() -> None:
    """At relu's kink the central difference is the mean of both slopes, not PyTorch's 0."""
    x = Value(0.0)
    result = check_grads(lambda: x.relu(), [x])
    assert result.analytic == [0.0]
    assert math.isclose(result.numerical[0], 0.5)
    assert not result.all_ok


def test_check_grads_starts_from_zero_grads() -> None:
    a, unused = Value(1.5), Value(2.0)
    a.grad, unused.grad = 123.0, 7.0  # stale, e.g. from an earlier backward
    result = check_grads(lambda: a * a, [a, unused])
    assert result.analytic == [3.0, 0.0]
    assert result.all_ok


def test_check_grads_nan_and_inf() -> None:
    x = Value(0.0)
    # log at 0: analytic 1/0 = inf, numerical (log h - nan) -> nan: a mismatch, not a crash
    result = check_grads(lambda: x.log(), [x])
    assert result.analytic == [math.inf]
    assert not result.all_ok
    y = Value(-1.0)
    result = check_grads(lambda: (y * 0.5).log() * 0.0 + y.log(), [y])  # nan everywhere
    assert all(math.isnan(v) for v in result.numerical)


def test_empty_leaf_list() -> None:
    x = Value(1.0)
    result = check_grads(lambda: x * 2, [])
    assert result.all_ok and result.max_abs_error == 0.0


@pytest.mark.parametrize("h", [0.0, -1e-3, math.nan, math.inf, -math.inf])
def test_bad_step_is_refused(h: float) -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="step"):
        numerical_grads(lambda: x * x, [x], h=h)
    with pytest.raises(ValueError, match="step"):
        check_grads(lambda: x * x, [x], h=h)
    assert x.data == 1.0


@pytest.mark.parametrize("method", ["central", "forward"])
def test_leaf_data_restored_after_success(method: str) -> None:
    a, b = Value(0.1), Value(1 / 3)
    numerical_grads(lambda: a * b + a.exp(), [a, b], h=1e-4, method=method)
    assert a.data == 0.1 and b.data == 1 / 3  # bit for bit, not x + h - h


@pytest.mark.parametrize(
    "method,fail_at_call",
    # central calls f twice per leaf; forward once for the base, then once per leaf
    [("central", n) for n in (1, 2, 3, 4)] + [("forward", n) for n in (1, 2, 3)],
)
def test_leaf_data_restored_when_f_raises(method: str, fail_at_call: int) -> None:
    a, b = Value(0.1), Value(1 / 3)
    calls = 0

    def f() -> Value:
        nonlocal calls
        calls += 1
        if calls == fail_at_call:
            raise RuntimeError("f failed")
        return a * b

    with pytest.raises(RuntimeError, match="f failed"):
        numerical_grads(f, [a, b], h=1e-3, method=method)
    assert calls == fail_at_call
    assert a.data == 0.1 and b.data == 1 / 3
