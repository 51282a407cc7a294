"""Numbers on the canvas: 4 decimals like draw_dot, compact scientific form when needed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.ui.canvas.style import NUMBER_TEMPLATE, format_data, format_number, grad_fill


@pytest.mark.parametrize(
    "x, text",
    [
        (2.0, "2.0000"),
        (-8.0, "-8.0000"),
        (0.0, "0.0000"),
        (-0.0, "0.0000"),
        (-1e-9 / 1e9, "-1.000e-18"),
        (0.8813735870195432, "0.8814"),
        (99999.9, "99999.9000"),
        (123456789.0, "1.235e8"),
        (0.000012345, "1.234e-5"),
        (-3.2e-300, "-3.200e-300"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
    ],
)
def test_format_number(x: float, text: str) -> None:
    assert format_number(x) == text
    assert len(text) <= len(NUMBER_TEMPLATE)


def test_format_data_for_tensors() -> None:
    assert format_data(np.array([1.0, -2.0])) == "[1.0000, -2.0000]"
    assert format_data(np.array([[3.0]])) == "3.0000"
    assert format_data(np.ones((2, 3))) == "2×3 μ 1.0000"
    assert format_data(None) == "—"


def test_grad_colours_blue_positive_orange_negative_stronger_when_larger(qapp) -> None:
    big_pos, small_pos = grad_fill(6.0, 6.0), grad_fill(1.0, 6.0)
    big_neg = grad_fill(-6.0, 6.0)
    assert big_pos.blue() > big_pos.red()
    assert big_neg.red() > big_neg.blue()
    assert big_pos.lightness() < small_pos.lightness() < 255
    assert grad_fill(0.0, 6.0).name() == "#ffffff"
