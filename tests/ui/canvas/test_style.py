"""Canvas colours (numbers: playground.graph.numbers, tested in tests/graph/test_numbers.py)."""

from __future__ import annotations

from playground.ui.canvas.style import grad_fill


def test_grad_colours_blue_positive_orange_negative_stronger_when_larger(qapp) -> None:
    big_pos, small_pos = grad_fill(6.0, 6.0), grad_fill(1.0, 6.0)
    big_neg = grad_fill(-6.0, 6.0)
    assert big_pos.blue() > big_pos.red()
    assert big_neg.red() > big_neg.blue()
    assert big_pos.lightness() < small_pos.lightness() < 255
    assert grad_fill(0.0, 6.0).name() == "#ffffff"
