"""The expression entry's messages for text Python itself refuses: our words, not Python's."""

from __future__ import annotations

import pytest

from playground.graph.expr import ExprError, parse


@pytest.mark.parametrize(
    ("text", "line"),
    [("x = " + "1" * 5_000, 1), ("y = 2.0\nz = y * " + "7" * 4_400, 2)],
)
def test_a_5000_digit_number_is_too_long_in_our_words(text: str, line: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    message = str(info.value)
    assert "number too long" in message
    assert f"line {line}" in message
    assert "sys." not in message and "set_int_max_str_digits" not in message


def test_a_300_digit_number_is_read_and_a_400_digit_one_is_too_large() -> None:
    doc = parse("x = 1" + "0" * 300)
    assert [doc.value(n) for n in doc.node_ids()] == [1e300]
    with pytest.raises(ExprError, match=r"too large: 10+… \(401 characters\) overflows to inf"):
        parse("x = 1" + "0" * 400)


@pytest.mark.parametrize("text", ["x = 1e999", "x = -1e999", "x = [2.0, 1e999]",
                                  "y = 2\nx = y*1e999"])
def test_a_number_past_float64_is_refused_not_read_as_inf(text: str) -> None:
    with pytest.raises(ExprError, match="too large: 1e999 overflows to inf in float64"):
        parse(text)


def test_text_with_an_unpaired_surrogate_is_refused_in_words() -> None:
    with pytest.raises(ExprError, match="unpaired surrogate") as info:
        parse("x\ud800 = 1")
    assert "codec" not in str(info.value)
