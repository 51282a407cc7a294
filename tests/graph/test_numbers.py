"""One way to write numbers: 4 decimals like draw_dot, compact scientific form when needed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.graph import numbers as N


@pytest.mark.parametrize(
    "x, text",
    [
        (2.0, "2.0000"),
        (-8.0, "-8.0000"),
        (0.0, "0.0000"),
        (-0.0, "0.0000"),
        (-0.00001 / 1e9, "-1.000e-14"),
        (-1e-9 / 1e9, "-1.000e-18"),
        (0.8813735870195432, "0.8814"),
        (99999.9, "99999.9000"),
        (123456789.0, "1.235e8"),
        (0.000012345, "1.234e-5"),
        (-3.2e-300, "-3.200e-300"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (np.float64(0.5), "0.5000"),
    ],
)
def test_number(x: float, text: str) -> None:
    assert N.number(x) == text
    assert len(text) <= len(N.NUMBER_TEMPLATE)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_number_is_short_and_never_negative_zero(x: float) -> None:
    text = N.number(x)
    assert len(text) <= len(N.NUMBER_TEMPLATE)
    assert text != "-0.0000"
    if math.isfinite(x) and abs(x) < 1e300:  # 1.7975e308 rounds to 1.798e308, past max float
        assert math.isclose(float(text), x, rel_tol=1e-3, abs_tol=5e-5)


def test_summary_for_numbers_and_tensors() -> None:
    assert N.summary(None) == N.NONE == "—"
    assert N.summary(-1.5) == "-1.5000"
    assert N.summary(np.array([[3.0]])) == "3.0000"
    assert N.summary(np.array([1.0, -2.0])) == "[1.0000, -2.0000]"
    assert N.summary(np.array([1.0, -2.0, 0.0])) == "[1.0000, -2.0000, 0.0000]"
    assert N.summary(np.ones((2, 3))) == "2×3 array, mean 1.0000"
    assert N.summary(np.zeros(4)) == "(4,) array, mean 0.0000"
    assert N.summary(np.zeros((0, 2))) == "0×2 empty"


def test_nested_writes_every_element_like_number() -> None:
    x = np.array([[1.0, -2.0], [0.5, -0.0]])
    assert N.nested(x) == "[[1.0000, -2.0000], [0.5000, 0.0000]]"
    assert N.nested(np.float64(2.0)) == "2.0000"
    assert N.nested(None) == "—"


def test_short_signed_precise_shape() -> None:
    assert [N.short(v) for v in (1.0, -0.18349, 12345.0, -0.0, math.nan)] == [
        "1", "-0.183", "1.23e4", "0", "nan"]
    assert N.signed(0.6) == "+0.6000" and N.signed(-0.6) == "-0.6000"
    assert N.signed(0.0) == "0.0000" and N.signed(math.nan) == "nan"
    assert N.precise(-3.99999999999956) == "-3.99999999999956"
    assert N.precise(2.0) == "2.0" and N.precise(None) == "—"
    assert N.shape(np.zeros((2, 3))) == "2×3" and N.shape(np.zeros(4)) == "(4,)"
    assert N.shape(1.0) == "()"


def test_full_keeps_every_digit() -> None:
    assert N.full(-1.4999999999999993) == "-1.4999999999999993"
    assert N.full(None) == "—"
    text = N.full(np.array([0.1, 1 / 3]))
    assert text == "[0.1               , 0.3333333333333333]" or "0.3333333333333333" in text
    assert "..." in N.full(np.zeros(2000)) and "..." not in N.full(np.zeros(999))
