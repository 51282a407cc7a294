"""Adding an element-wise op is one table entry (+ its mathlib function and tests): Value and
Tensor gain its method on their own, also for an entry registered after they were imported."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from playground.engine import Tensor, Value
from playground.ops import OPS, Op, register
from playground.ops.table import unregister

H = 1e-6


@pytest.fixture
def softplus() -> Iterator[Op]:
    op = register(Op(
        "softplus_test", 1, "softplus", "Activations", ("x",),
        forward=lambda m, x: m.log(1.0 + m.exp(x)),
        local=lambda m, x, out: (m.sigmoid(x),),
        local_text=("σ(x)",),
        description="log(1 + e^x), a smooth relu (a throwaway entry of this test).",
        py="{0}.softplus_test()", torch="torch.nn.functional.softplus({0})",
    ))
    yield op
    unregister(op.name)


@pytest.fixture
def hypot() -> Iterator[Op]:
    op = register(Op(
        "hypot_test", 2, "hypot", "Functions", ("a", "b"),
        forward=lambda m, a, b: m.pow(a * a + b * b, 0.5),
        local=lambda m, a, b, out: (m.div(a, out), m.div(b, out)),
        local_text=("a/out", "b/out"),
        description="sqrt(a² + b²) (a throwaway entry of this test).",
        py="{0}.hypot_test({1})", torch="torch.hypot({0}, {1})",
    ))
    yield op
    unregister(op.name)


def _softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def test_a_new_unary_op_gives_value_its_method(softplus: Op) -> None:
    for x0 in (-2.0, -0.3, 0.0, 0.8, 3.0):
        x = Value(x0)
        y = x.softplus_test()
        assert y.op is softplus and y._prev == (x,)
        assert y.data == pytest.approx(_softplus(x0), rel=1e-12)
        (y * 2.0).backward()
        numeric = (_softplus(x0 + H) - _softplus(x0 - H)) / (2 * H)
        assert x.grad == pytest.approx(2.0 * numeric, rel=1e-7)


def test_a_new_unary_op_gives_tensor_its_method(softplus: Op) -> None:
    x0 = np.array([[-2.0, -0.3, 0.0], [0.8, 3.0, 1.5]])
    w = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])
    x = Tensor(x0, requires_grad=True)
    y = x.softplus_test()
    assert y.op is softplus
    np.testing.assert_allclose(y.data, np.log1p(np.exp(x0)), rtol=1e-12)
    (y * w).sum().backward()
    numeric = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[i] += H
        down[i] -= H
        numeric[i] = (np.sum(np.log1p(np.exp(up)) * w) - np.sum(np.log1p(np.exp(down)) * w)) / (
            2 * H)
    np.testing.assert_allclose(x.grad, numeric, rtol=1e-7, atol=1e-9)


def test_a_new_binary_op_works_on_values_tensors_and_numbers(hypot: Op) -> None:
    a, b = Value(3.0), Value(4.0)
    c = a.hypot_test(b)
    assert c.data == 5.0
    c.backward()
    assert (a.grad, b.grad) == (pytest.approx(0.6), pytest.approx(0.8))
    assert Value(3.0).hypot_test(4).data == 5.0  # a number becomes a constant operand
    # tensors broadcast, and each gradient is summed back to its input's shape
    ta = Tensor([[3.0], [6.0]], requires_grad=True)
    tb = Tensor([4.0, 8.0], requires_grad=True)
    out = ta.hypot_test(tb)
    np.testing.assert_allclose(out.data, np.hypot([[3.0], [6.0]], [4.0, 8.0]))
    out.sum().backward()
    a0, b0 = np.array([[3.0], [6.0]]), np.array([4.0, 8.0])
    r = np.hypot(a0, b0)
    np.testing.assert_allclose(ta.grad, (a0 / r).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(tb.grad, (b0 / r).sum(axis=0))


def test_unregistering_takes_the_methods_back(softplus: Op) -> None:
    assert hasattr(Value, "softplus_test") and hasattr(Tensor, "softplus_test")
    unregister(softplus.name)
    try:
        assert not hasattr(Value, "softplus_test") and not hasattr(Tensor, "softplus_test")
        assert "softplus_test" not in OPS
    finally:
        register(softplus)  # the fixture unregisters it again


def test_an_op_whose_method_name_is_taken_is_refused() -> None:
    before = dict(OPS)
    with pytest.raises(ValueError, match="already has"):
        register(Op(
            "backward", 1, "bw", "Functions", ("x",),
            forward=lambda m, x: x, local=lambda m, x, out: (1.0,), local_text=("1",),
            description="", py="{0}", torch="{0}",
        ))
    assert before == OPS
    assert callable(Value(1.0).backward) and callable(Tensor(1.0).backward)


def test_every_elementwise_op_of_the_table_is_a_method_of_both_engines() -> None:
    for op in OPS.values():
        for name, _ in op.methods:
            assert hasattr(Tensor, name), name
            if op.scalar:
                assert hasattr(Value, name), name
