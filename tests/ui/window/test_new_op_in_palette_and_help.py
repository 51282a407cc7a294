"""A new element-wise op shows up in the palette and the Expression tab's help with no UI
edit: both read the op table (softplus, added for the test and removed after it)."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from playground.ui.window.palette import Palette
from tests.teach.helpers import registered_softplus
from tests.ui.teach_helpers import teach_window


@pytest.fixture
def softplus():
    yield from registered_softplus()


@pytest.fixture
def window(softplus, qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def test_the_palette_lists_a_new_op_under_its_category(qtbot, softplus):
    palette = Palette()
    qtbot.addWidget(palette)
    entry = palette.entry("op:softplus")
    assert entry.text(0) == "softplus" and entry.parent().text(0).startswith("Activations")
    palette.show()
    palette.filter.setFocus()
    QTest.keyClicks(palette.filter, "softp")
    assert palette.visible_payloads() == ["op:softplus"]


def test_the_expression_tab_lists_a_new_op(window):
    window.teaching.show_tab("expression")
    panel = window.teaching.panels["expression"]
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert any(".relu() .sigmoid() .softplus()). The last line" in t for t in texts)
