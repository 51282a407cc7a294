"""Issue 18 §3: a doubled separator in the hidden sizes is an error, not silently dropped."""
from playground.training.config import parse_hidden


def test_doubled_comma_is_refused_with_a_message() -> None:
    sizes, reason = parse_hidden("16,,16")
    assert sizes is None
    assert "empty size" in reason


def test_ordinary_separators_still_parse() -> None:
    assert parse_hidden("16, 16") == ((16, 16), "")
    assert parse_hidden("16 8") == ((16, 8), "")
    assert parse_hidden("16;8") == ((16, 8), "")
    assert parse_hidden("  ") == ((), "")
