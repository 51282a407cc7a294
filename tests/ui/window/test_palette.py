"""The node palette: one entry per op of the table, each naming its op once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from playground.ops import OPS
from playground.ui.window.palette import Palette


def test_every_entry_names_its_op_once(qtbot):
    palette = Palette()
    qtbot.addWidget(palette)
    texts = {e.data(0, Qt.ItemDataRole.UserRole): e.text(0) for e in palette.entries()}
    # it once read "log softmax    log_softmax": the symbol is the name, spelt with a space
    assert texts["op:log_softmax"] == "log_softmax"
    assert texts["op:mul"] == "*    mul" and texts["op:concat"] == "concat"
    for name in OPS:
        words = texts[f"op:{name}"].replace("_", " ").split()
        assert len(words) == len(set(words)), texts[f"op:{name}"]
        assert texts[f"op:{name}"].endswith(name)


def test_the_filter_still_finds_an_op_by_its_symbol(qtbot):
    palette = Palette()
    qtbot.addWidget(palette)
    palette.show()
    palette.filter.setFocus()
    QTest.keyClicks(palette.filter, "log soft")
    assert palette.visible_payloads() == ["op:log_softmax"]
