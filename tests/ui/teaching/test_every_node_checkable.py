"""Issue 14 §3: the gradient check and Wiggle offer every node, nudged as the lecture nudges d
(``d.data += h``, then recompute L), driven through the UI with real clicks and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.teach_helpers import by_label, click, open_example, shown, teach_window
from tests.ui.teaching.test_tools import click_row, row_of, table, type_into


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def test_the_neuron_at_the_default_h_has_no_miss_and_checks_its_interior_nodes(window):
    w = window
    open_example(w, "neuron")
    w.action("show_check").trigger()
    check = w.teaching.panels["check"]
    click(check.run_button)  # the default h, 0.001
    assert check.h_edit.text() == "0.001"
    rows = table(check.table)
    names = [r[0].split(" = ")[0] for r in rows]
    assert {"x1", "w1", "x2", "w2", "b", "x1*w1", "x2*w2", "n", "o"} <= set(names)
    assert all(r[4] == "✓ both" for r in rows), [(r[0], r[4]) for r in rows]
    assert "miss" not in check.summary.text() and "agree" in check.summary.text()
    # the lecture's numbers: x1 -1.5 (forward difference -1.5032: the bend of tanh over h)
    x1 = row_of(rows, "x1")
    assert x1[1] == "-1.5" and x1[2].startswith("-1.5031")
    n = row_of(rows, "n")
    assert n[1] == "0.5" and n[3].startswith("0.50000")
    # an interior node's sweep: too large an h misses, the lecture's h does not
    click_row(check.table, names.index("n"))
    assert "How h matters for n</b>" in check.sweep_title.text()
    sweep = {r[0]: r for r in table(check.sweep)}
    assert sweep["0.001"][1].startswith("0.4996")
    type_into(check.h_edit, "0.1")
    assert "miss" in check.summary.text()


def test_wiggle_an_op_moves_only_its_downstream_and_cannot_be_applied(window):
    w = window
    open_example(w, "lecture")
    w.action("show_wiggle").trigger()
    panel = w.teaching.panels["wiggle"]
    items = [panel.leaf.itemText(i) for i in range(panel.leaf.count())]
    assert items[:4] == ["a", "b", "c", "f"] and {"e", "d", "L"} <= set(items)
    panel.leaf.setFocus()
    QTest.keyClicks(panel.leaf, "d")  # the combo box jumps to the item typed
    assert panel.current_leaf() == by_label(w)["d"]
    panel.slider.setFocus()
    QTest.keyClick(panel.slider, Qt.Key.Key_PageUp)  # d.data += 0.1
    text = panel.readout.text()
    assert "dL = -0.2000" in text and "dL/dd · dx = -2.0000 · 0.1000 = -0.2000" in text
    # the canvas: d and L move, e and the leaves upstream do not
    assert shown(w, "d", "data") == "4.1000" and shown(w, "L", "data") == "-8.2000"
    assert shown(w, "e", "data") == "-6.0000" and shown(w, "a", "data") == "2.0000"
    assert shown(w, "a", "grad") == "6.0000"  # the grads at the nudged point, through d
    assert not panel.apply_button.isEnabled() and "computed from its inputs" in text
    click(panel.reset_button)
    assert shown(w, "d", "data") == "4.0000" and w.doc.value("a") == 2.0
