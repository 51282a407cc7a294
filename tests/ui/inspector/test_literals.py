"""What the inspector's value box accepts (headless: no Qt here)."""

from __future__ import annotations

import math

import pytest

from playground.ui.inspector.literals import LiteralError, format_literal, parse_literal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", 2.0), (" -3.5 ", -3.5), ("1e-3", 0.001), ("−2", -2.0), ("6.881373587019543",
                                                                         6.881373587019543),
        ("[1, 2]", [1.0, 2.0]), ("[[1, 2], [3, 4]]", [[1.0, 2.0], [3.0, 4.0]]),
        ("(1, 2)", [1.0, 2.0]), ("[[1.5], [-2]]", [[1.5], [-2.0]]),
    ],
)
def test_accepts_numbers_and_tensors(text, value):
    assert parse_literal(text) == value


def test_nan_and_inf_are_numbers():
    assert math.isnan(parse_literal("nan"))
    assert parse_literal("-inf") == -math.inf


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"), ("abc", "not a number"), ("2 +", "not a number"),
        ("__import__('os').system('x')", "not a number"), ("True", "boolean"),
        ("[1, [2]]", "ragged"), ("[]", "at least one"), ("'2'", "str"),
        ("{'a': 1}", "dict"), ("[" * 200 + "]" * 200, ""),
    ],
)
def test_refuses_with_a_reason(text, why):
    with pytest.raises(LiteralError) as info:
        parse_literal(text)
    assert why in str(info.value)
    assert "[[1, 2], [3, 4]]" in str(info.value)  # says what would work


@pytest.mark.parametrize("value", [2.0, -3.5, 6.881373587019543, 1e-30, [[1.0, 2.5], [3.0, 4.0]]])
def test_format_round_trips(value):
    assert parse_literal(format_literal(value)) == value
