"""The chain rule written once (``playground.ops.chain.contributions``): local derivative times
the gradient from above, the mask, un-broadcasting, and the vjp ops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.ops import ARRAY, OPS, SCALAR
from playground.ops.chain import contributions

ELEMENTWISE = [name for name, op in OPS.items() if op.elementwise]
POINTS = {1: [(0.7,), (-1.3,), (2.5,)], 2: [(0.7, 1.9), (-1.3, 0.4), (2.5, -0.6)]}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalar_and_array_contributions_agree(name: str) -> None:
    op = OPS[name]
    for point in POINTS[op.arity]:
        out = op.forward(SCALAR, *point)
        got = contributions(op, point, out, 0.37, SCALAR)
        arrays = [np.array(x) for x in point]
        with np.errstate(all="ignore"):
            want = contributions(op, arrays, op.forward(ARRAY, *arrays), np.array(0.37), ARRAY)
        assert len(got) == op.arity
        for g, w in zip(got, want, strict=True):
            assert g == pytest.approx(float(w), rel=1e-15, abs=0.0, nan_ok=True)


def test_a_contribution_is_the_local_derivative_times_the_gradient() -> None:
    mul, tanh = OPS["mul"], OPS["tanh"]
    assert contributions(mul, (3.0, -2.0), -6.0, 0.5, SCALAR) == (-1.0, 1.5)
    out = math.tanh(0.3)
    assert contributions(tanh, (0.3,), out, 2.0, SCALAR) == ((1 - out) * (1 + out) * 2.0,)


def test_the_mask_blocks_even_an_infinite_gradient() -> None:
    relu = OPS["relu"]
    assert contributions(relu, (-1.0,), 0.0, math.inf, SCALAR) == (0.0,)  # not 0 * inf = nan
    assert contributions(relu, (2.0,), 2.0, math.inf, SCALAR) == (math.inf,)
    x = np.array([-1.0, 0.0, 2.0])
    with np.errstate(all="ignore"):  # array callers silence numpy (0 * inf is computed)
        (c,) = contributions(relu, (x,), np.maximum(x, 0), np.full(3, np.inf), ARRAY)
    np.testing.assert_array_equal(c, [0.0, 0.0, np.inf])
    # pow at exponent 0 passes nothing to its base, as torch's where()
    pw = OPS["pow"]
    (db, _) = contributions(pw, (0.0, 0.0), 1.0, math.inf, SCALAR)
    assert db == 0.0


def test_array_contributions_are_summed_back_to_each_input_shape() -> None:
    a = np.arange(3.0).reshape(3, 1)
    b = np.array([1.0, 2.0, 4.0, 8.0])
    g = np.ones((3, 4))
    da, db = contributions(OPS["mul"], (a, b), a * b, g, ARRAY)
    assert da.shape == (3, 1) and db.shape == (4,)
    np.testing.assert_array_equal(da, [[15.0], [15.0], [15.0]])
    np.testing.assert_array_equal(db, [3.0, 3.0, 3.0, 3.0])


def test_needs_skips_inputs_that_take_no_gradient() -> None:
    a, b = np.ones((2, 3)), np.ones((3, 4))
    g = np.ones((2, 4))
    assert contributions(OPS["mul"], (2.0, 3.0), 6.0, 1.0, SCALAR, needs=(False, True)) == (
        None, 2.0)
    da, db = contributions(OPS["matmul"], (a, b), a @ b, g, ARRAY, needs=(True, False))
    assert db is None
    np.testing.assert_array_equal(da, g @ b.T)


def test_vjp_ops_take_their_parameters() -> None:
    x = np.arange(6.0).reshape(2, 3)
    (dx,) = contributions(OPS["sum"], (x,), x.sum(axis=1), np.array([1.0, 2.0]), ARRAY,
                          {"axis": 1, "keepdims": False})
    np.testing.assert_array_equal(dx, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])
