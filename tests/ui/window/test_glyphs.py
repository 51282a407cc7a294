"""Every character the app writes exists in its font (else Qt draws an empty box, silently).

DejaVu Sans is the one font sure to be on a Linux desktop (``fonts-dejavu-core``; Qt ships
none). Emoji such as ⛔ are not in it. The scan reads every string literal in ``playground``
(docstrings aside: nobody sees them) and the example files, and checks each non-ASCII
character against the app's font and the fixed-width font (numbers and the step-through
formulas use it).
"""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QRawFont

import playground
from playground.graph.marks import ERROR_MARK, WARNING_MARK
from playground.ops import OPS

PACKAGE = Path(playground.__file__).parent
EXAMPLES = PACKAGE.parent / "resources" / "examples"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                found.add(id(body[0].value))
    return found


def shown_characters() -> dict[str, str]:
    """Each non-ASCII character in a string the app may show -> one place it comes from."""
    chars: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docs:
                for c in node.value:
                    if ord(c) > 127:
                        chars.setdefault(c, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    for path in sorted(EXAMPLES.glob("*.json")):
        for c in path.read_text(encoding="utf-8"):
            if ord(c) > 127:
                chars.setdefault(c, path.name)
    for op in OPS.values():
        for c in op.symbol + op.description:
            if ord(c) > 127:
                chars.setdefault(c, f"op {op.name}")
    return chars


def missing(font: QFont, chars: dict[str, str]) -> list[str]:
    raw = QRawFont.fromFont(font)
    assert raw.isValid(), f"no font file for {font.family()!r}"
    return [f"U+{ord(c):04X} {c} {unicodedata.name(c, '?')} (from {where})"
            for c, where in sorted(chars.items()) if not raw.supportsCharacter(ord(c))]


def test_the_scan_finds_the_strings_the_app_shows():
    chars = shown_characters()
    for c in ("—", "→", "·", "×", "∂", "Σ", ERROR_MARK, WARNING_MARK):
        assert c in chars, c
    assert "⛔" not in chars  # an emoji: DejaVu has no glyph for it


def test_every_character_is_in_the_app_font(qapp):
    chars = shown_characters()
    assert missing(qapp.font(), chars) == []
    assert missing(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont), chars) == []


def test_every_character_is_in_dejavu_sans(qapp):
    font = QFont("DejaVu Sans")
    if QFontInfo(font).family() != "DejaVu Sans":
        pytest.skip("DejaVu Sans is not installed here")
    assert missing(font, shown_characters()) == []
    assert missing(font, {"⛔": "the check itself"}) != []  # it does find a missing glyph
