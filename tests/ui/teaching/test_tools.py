"""Gradient check, wiggle, the accumulation bug and expression entry, driven through the UI;
the numbers shown are the lecture's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from playground.graph.expr import parse
from playground.ui.teaching.bug_panel import COLUMNS
from playground.ui.teaching.common import bad_fill
from tests.ui.teach_helpers import (
    by_label,
    click,
    click_node,
    inspector_grad,
    open_example,
    press,
    shown,
    teach_window,
)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def table(widget) -> list[list[str]]:
    return [[widget.item(r, c).text() for c in range(widget.columnCount())]
            for r in range(widget.rowCount())]


def row_of(rows: list[list[str]], leaf: str) -> list[str]:
    return next(r for r in rows if r[0].split(" = ")[0] == leaf)


def type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


# --- gradient check ---------------------------------------------------------------------


def test_numerical_check_with_h_0001_on_the_lecture(window):
    w = window
    open_example(w, "lecture")
    w.action("show_check").trigger()
    check = w.teaching.panels["check"]
    assert check.objectName() == "gradient_check" and check.isVisible()
    type_into(check.h_edit, "0.001")
    rows = table(check.table)
    b = row_of(rows, "b")
    assert b[0] == "b = -3.0000"
    assert b[1] == "-4.0"  # backward
    assert b[2].startswith("-3.99999")  # (f(x+h) - f(x)) / h, as in the lecture
    assert b[4] == "✓ both"
    # every node, as the lecture checks them: the leaves, then e, d and L
    assert [r[0].split(" = ")[0] for r in rows] == ["a", "b", "c", "f", "e", "d", "L"]
    assert row_of(rows, "d")[1] == "-2.0" and row_of(rows, "d")[4] == "✓ both"
    assert "agree" in check.summary.text()


def test_too_large_an_h_shows_up_on_a_curve(window):
    w = window
    assert w.teaching.open_lesson("derivative")
    check = w.teaching.panels["check"]
    assert w.teaching.tabs.currentWidget() is check
    x = row_of(table(check.table), "x")
    assert x[1] == "14.0" and x[2].startswith("14.003")
    type_into(check.h_edit, "0.1")
    x = row_of(table(check.table), "x")
    assert x[2].startswith("14.3") and x[3].startswith("14.0") and x[4] == "~ one of two"
    assert "miss" in check.summary.text()
    sweep = {r[0]: r for r in table(check.sweep)}
    assert sweep["0.1"][1].startswith("14.3") and sweep["1e-15"][1] != "14"
    assert "How h matters for x" in check.sweep_title.text()


def test_bad_h_is_refused_in_words(window):
    w = window
    w.teaching.show_tab("check")
    check = w.teaching.panels["check"]
    check.h_edit.setText("0")
    assert not check.run()
    assert "positive number" in check.summary.text()


def sweep_forward(check, h: str) -> str:
    return {r[0]: r for r in table(check.sweep)}[h][1]


def test_the_h_table_follows_a_new_document_and_check(window):
    # Once, after a check on the lecture (row 0 = a), Help ▸ Lessons ▸ 1 still said
    # "How h matters for a (backward: 6.0)" with row 0 = x selected, and Check did not help.
    w = window
    open_example(w, "lecture")
    w.action("show_check").trigger()
    check = w.teaching.panels["check"]
    click_row(check.table, 0)
    assert "How h matters for a</b> (backward: 6.0)" in check.sweep_title.text()
    w.findChild(QAction, "lesson_derivative").trigger()
    assert check.selected_leaf() == "x"
    assert "How h matters for x</b> (backward: 14.0)" in check.sweep_title.text()
    assert sweep_forward(check, "0.001").startswith("14.003")  # x's numbers, not a's 6
    click(check.run_button)
    assert "for x</b> (backward: 14.0)" in check.sweep_title.text()
    assert sweep_forward(check, "0.1").startswith("14.3")
    open_example(w, "a_plus_a")  # another graph with the tab on screen: row 0 is its a
    assert check.selected_leaf() == "a"
    assert "for a</b> (backward: 2.0)" in check.sweep_title.text()
    assert sweep_forward(check, "0.001").startswith("2")


def test_a_hidden_check_is_refreshed_when_shown(window):
    w = window
    open_example(w, "lecture")
    w.action("show_check").trigger()
    check = w.teaching.panels["check"]
    w.teaching.show_tab("steps")
    w.files.install(parse("x = 3.0\nf = 3*x**2 - 4*x + 5"), None, "poly")
    w.action("show_check").trigger()
    assert table(check.table)[0][0] == "x = 3.0000"
    assert "for x</b> (backward: 14.0)" in check.sweep_title.text()


def test_a_big_new_graph_does_not_keep_the_old_graphs_check(window):
    from playground.graph.document import GraphDocument
    from playground.ui.teaching.check_panel import MAX_WORK

    w = window
    open_example(w, "lecture")
    w.action("show_check").trigger()
    check = w.teaching.panels["check"]
    assert table(check.table)[0][0] == "a = 2.0000"
    doc = GraphDocument()  # a sum of n leaves: n leaves × (2n − 1) nodes > MAX_WORK
    n = int((MAX_WORK / 2) ** 0.5) + 2
    total = doc.add_node("value", label="v0", value=1.0)
    for i in range(1, n):
        leaf = doc.add_node("value", label=f"v{i}", value=1.0)
        add = doc.add_node("op", op="add")
        doc.connect(total, add, 0)
        doc.connect(leaf, add, 1)
        total = add
    w.files.install(doc, None, "big")
    assert check.table.rowCount() == 0 and check.sweep.rowCount() == 0
    assert "a =" not in check.sweep_title.text()
    assert "press <b>Check</b>" in check.summary.text()


# --- wiggle -----------------------------------------------------------------------------


def test_wiggle_a_with_the_slider(window):
    w = window
    open_example(w, "lecture")
    w.action("show_wiggle").trigger()
    panel = w.teaching.panels["wiggle"]
    assert panel.set_leaf("a")
    panel.slider.setFocus()
    QTest.keyClick(panel.slider, Qt.Key.Key_PageUp)  # one page: 10 ticks of ±1 = +0.1
    assert panel.dx() == 0.1
    text = panel.readout.text()
    assert "dL = +0.6000" in text
    assert "dL/da · dx = 6.0000 · 0.1000 = +0.6000" in text
    assert shown(w, "a", "data") == "2.1000" and shown(w, "L", "data") == "-7.4000"
    assert w.teaching.overlay.node_tag("L") == "moved +0.6000"
    assert w.doc.value("a") == 2.0  # nothing changed yet
    click(panel.apply_button)
    assert w.doc.value("a") == 2.1 and panel.slider.value() == 0
    w.action("undo").trigger()
    assert w.doc.value("a") == 2.0


def test_an_edit_elsewhere_ends_a_wiggle_and_the_canvas_shows_the_document(window):
    w = window
    open_example(w, "lecture")
    w.action("show_wiggle").trigger()
    panel = w.teaching.panels["wiggle"]
    assert panel.set_leaf("a")
    panel.slider.setFocus()
    QTest.keyClick(panel.slider, Qt.Key.Key_PageUp)  # a nudged by +0.1, on show
    assert shown(w, "a", "data") == "2.1000" and w.teaching.owner is panel
    w.inspector.value_edited.emit("c", 11.0)  # an edit from the inspector: c = 11
    assert w.doc.value("c") == 11.0
    assert panel.slider.value() == 0 and w.teaching.owner is None
    assert w.display.shown.owner == "none"
    assert shown(w, "a", "data") == "2.0000" and shown(w, "L", "data") == "-10.0000"
    assert w.teaching.overlay.items() == []


def test_wiggle_on_a_curve_misses_by_the_bend(window):
    w = window
    assert w.teaching.open_lesson("derivative")
    panel = w.teaching.panels["wiggle"]
    x = by_label(w)["x"]
    w.teaching.show_tab("wiggle")
    assert panel.set_leaf(x)
    panel.set_dx(0.1)
    assert "df = +1.4300" in panel.readout.text()
    assert "+1.4000" in panel.readout.text() and "bends" in panel.readout.text()
    click(panel.reset_button)
    assert shown(w, x, "data") == "3.0000" and w.teaching.overlay.items() == []


# --- accumulation bug ---------------------------------------------------------------------


def test_the_bug_switch_on_a_plus_a(window):
    w = window
    w.action("show_bug").trigger()
    bug = w.teaching.panels["bug"]
    click(bug.open_a)
    assert "a + a" in w.windowTitle()
    assert shown(w, "a", "grad") == "2.0000"
    click(bug.switch)
    assert bug.switch.isChecked()
    assert shown(w, "a", "grad") == "1.0000"  # the bug's answer
    assert w.teaching.overlay.node_tag("a") == "should be 2.0000"
    rows = {r[0]: r for r in table(bug.table)}
    assert rows["a"][1] == "2.0000" and rows["a"][2].startswith("1.0000") and "✗" in rows["a"][2]
    assert "Used 2 times" in rows["a"][3]
    assert "1 grad comes out wrong: a" in bug.summary.text()
    click(bug.switch)
    assert shown(w, "a", "grad") == "2.0000" and w.teaching.overlay.items() == []


def visible_columns(widget) -> list[str]:
    return [widget.horizontalHeaderItem(c).text() for c in range(widget.columnCount())
            if not widget.isColumnHidden(c)]


def test_the_bug_tab_shows_the_right_grads_before_the_switch(window):
    # The table was once empty until the box was ticked.
    w = window
    open_example(w, "lecture")
    w.action("show_bug").trigger()
    bug = w.teaching.panels["bug"]
    assert visible_columns(bug.table) == ["node", "with += (right)"]
    rows = {r[0]: r[1] for r in table(bug.table)}
    assert rows == {"L": "1.0000", "f": "4.0000", "d": "-2.0000", "c": "-2.0000",
                    "e": "-2.0000", "b": "-4.0000", "a": "6.0000"}
    assert "Tick 'Backward with the bug'" in bug.summary.text()
    click(bug.open_a)  # another graph, switch still off: its right grads
    assert {r[0]: r[1] for r in table(bug.table)} == {"b": "1.0000", "a": "2.0000"}
    click(bug.switch)  # the '=' column and the reasons appear
    assert visible_columns(bug.table) == list(COLUMNS)
    assert table(bug.table)[1][2].startswith("1.0000")
    click(bug.switch)
    assert visible_columns(bug.table) == ["node", "with += (right)"]
    assert {r[0]: r[1] for r in table(bug.table)} == {"b": "1.0000", "a": "2.0000"}
    w.teaching.show_tab("steps")
    open_example(w, "tensor_layer")  # refilled when shown again: here, why it cannot
    w.action("show_bug").trigger()
    assert bug.table.rowCount() == 0 and "numbers only" in bug.summary.text()


def test_the_bug_on_shared_nodes(window, qtbot):
    w = window
    w.teaching.show_tab("bug")
    bug = w.teaching.panels["bug"]
    click(bug.switch)
    click(bug.open_shared)
    qtbot.waitUntil(lambda: bug.report is not None and bug.report.output == "f")
    rows = {r[0]: r for r in table(bug.table)}
    assert {n for n, r in rows.items() if "✗" in r[2]} == {"a", "b"}
    assert rows["a"][1] == "-3.0000" and rows["b"][1] == "-8.0000"
    assert shown(w, "a", "grad") == rows["a"][2].split()[0]


# --- expression entry -----------------------------------------------------------------------


def test_expression_entry_builds_L_minus_8_and_undo_restores(window):
    w = window
    before = w.doc.to_data()
    press(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    panel = w.teaching.panels["expression"]
    assert panel.objectName() == "expression_entry" and panel.isVisible()
    panel.edit.setFocus()
    panel.edit.selectAll()
    QTest.keyClick(panel.edit, Qt.Key.Key_Delete)
    for i, line in enumerate(["a = 2.0", "b = -3.0", "c = 10.0", "f = -2.0", "L = (a*b + c) * f"]):
        if i:
            QTest.keyClick(panel.edit, Qt.Key.Key_Return)
        QTest.keyClicks(panel.edit, line)
    click(panel.build_button)
    ids = by_label(w)
    assert shown(w, ids["L"], "data") == "-8.0000"
    assert "L = -8.0000" in panel.message.text()
    w.action("backward").trigger()
    assert shown(w, ids["a"], "grad") == "6.0000" and shown(w, ids["b"], "grad") == "-4.0000"
    assert w.undo_stack.undoText().startswith("Build L = (a*b + c) * f")
    w.action("undo").trigger()
    assert w.doc.to_data() == before


def test_expression_tab_lists_the_ops_it_understands(window):
    window.teaching.show_tab("expression")
    panel = window.teaching.panels["expression"]
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert ("One assignment per line: numbers make values, expressions make ops "
            "(+ − * / ** and .tanh() .exp() .log() .relu() .sigmoid()). "
            "The last line is the output.") in texts


def test_expression_errors_point_at_the_position(window):
    w = window
    w.teaching.show_tab("expression")
    panel = w.teaching.panels["expression"]
    before = w.doc.to_data()
    panel.set_text("a = 2.0\nb = -3.0\nc = 10.0\nL = (a*b + c) * f")
    panel.edit.setFocus()
    QTest.keyClick(panel.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "line 4, column 17: unknown name 'f'" in panel.message.text()
    cursor = panel.edit.textCursor()
    assert cursor.blockNumber() == 3 and cursor.positionInBlock() == 16
    assert len(panel.edit.extraSelections()) == 1
    assert w.doc.to_data() == before
    # the learner clears the editor: the mistake was in the old text, its message goes too
    panel.edit.selectAll()
    QTest.keyClick(panel.edit, Qt.Key.Key_Delete)
    assert panel.text() == "" and panel.message.text() == ""
    assert panel.edit.extraSelections() == []
    QTest.keyClicks(panel.edit, "x = (")
    click(panel.build_button)
    assert "not valid Python" in panel.message.text()
    QTest.keyClick(panel.edit, Qt.Key.Key_Backspace)  # any edit, not only clearing
    assert panel.message.text() == ""


# --- gradient check on tensors ---------------------------------------------------------------

LAYER = ["X = [[1.0, 2.0], [-1.0, 3.0]]", "W = [[1.0, -2.0], [0.5, 0.5]]",
         "R = (X @ W).relu()", "s = R.sum()"]
# By hand: Y = X @ W = [[2, -1], [0.5, 3.5]], M = (Y > 0) = [[1, 0], [1, 1]],
# ds/dW = Xᵀ @ M = [[0, -1], [5, 3]], ds/dX = M @ Wᵀ = [[1, 0.5], [-1, 1]].
HAND_W = {"W[0, 0]": 0.0, "W[0, 1]": -1.0, "W[1, 0]": 5.0, "W[1, 1]": 3.0}


def build(window, lines: list[str]) -> None:
    """Type the lines into the Expression tab and press Build, as a user does."""
    press(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    panel = window.teaching.panels["expression"]
    panel.edit.setFocus()
    panel.edit.selectAll()
    QTest.keyClick(panel.edit, Qt.Key.Key_Delete)
    for i, line in enumerate(lines):
        if i:
            QTest.keyClick(panel.edit, Qt.Key.Key_Return)
        QTest.keyClicks(panel.edit, line)
    click(panel.build_button)


def click_row(table_widget, row: int) -> None:
    item = table_widget.item(row, 0)
    QTest.mouseClick(table_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=table_widget.visualItemRect(item).center())


def headers(widget) -> list[str]:
    return [widget.horizontalHeaderItem(c).text() for c in range(widget.columnCount())]


def open_tensor_check(window) -> object:
    build(window, LAYER)
    window.action("show_check").trigger()
    check = window.teaching.panels["check"]
    type_into(check.h_edit, "0.001")
    return check


def test_gradient_check_on_matmul_relu_sum_element_by_element(window):
    w = window
    check = open_tensor_check(w)
    assert headers(check.table)[:2] == ["leaf", "max |backward − numeric|"]
    rows = table(check.table)
    assert [r[0] for r in rows] == ["W: 2×2", "X: 2×2"]
    assert all(r[4] == "✓ 4/4" for r in rows)
    assert float(row_of_leaf(rows, "W")[1]) < 1e-9  # relu is straight here: exact
    assert "agree" in check.summary.text() and "every element" in check.summary.text()
    click_row(check.table, 0)  # W, element by element on the right
    assert "W element by element" in check.sweep_title.text()
    assert headers(check.sweep) == ["element", "backward", "(f(x+h) − f(x−h)) / 2h", "off by"]
    elements = {r[0]: r for r in table(check.sweep)}
    assert set(elements) == set(HAND_W)
    for name, hand in HAND_W.items():
        assert float(elements[name][1]) == hand  # backward, to the hand-computed value
        assert abs(float(elements[name][2]) - hand) < 1e-9  # and the central difference
    click_row(check.table, 1)
    x = {r[0]: float(r[1]) for r in table(check.sweep)}
    assert x == {"X[0, 0]": 1.0, "X[0, 1]": 0.5, "X[1, 0]": -1.0, "X[1, 1]": 1.0}


def test_a_wrong_backward_shows_up_red_at_its_worst_element(window, monkeypatch):
    from dataclasses import replace

    import playground.teach.tensor_check as tc

    real = tc.evaluate

    def wrong_backward(doc, backward=False):  # as if backward lost part of W's grad
        ev = real(doc, backward=backward)
        if not backward:
            return ev
        w_id = next(n for n in doc.node_ids() if doc.label(n) == "W")
        grad = ev.results[w_id].grad.copy()
        grad[1, 0] = 4.0
        return replace(ev, results={**ev.results, w_id: replace(ev.results[w_id], grad=grad)})

    monkeypatch.setattr(tc, "evaluate", wrong_backward)
    check = open_tensor_check(window)
    w_row = row_of_leaf(table(check.table), "W")
    assert w_row[3] == "W[1, 0]: 4.0000 vs 5.0000" and w_row[4] == "✗ 1 of 4 miss"
    assert float(w_row[1]) == 1.0 and float(w_row[2]) == 0.2
    assert check.table.item(0, 4).background().color() == bad_fill(check)
    assert "miss" in check.summary.text() and "W[1, 0]" in check.summary.text()


def test_the_check_follows_an_edit_into_relus_kink_and_back_to_numbers(window, qtbot):
    from playground.ui import commands as cmd

    w = window
    check = open_tensor_check(w)
    w_id = by_label(w)["W"]
    w.undo_stack.push(cmd.SetValue(w.doc, w_id, [[1.0, -2.0], [-0.5, 0.5]]))  # Y[0, 0] = 0
    qtbot.waitUntil(lambda: "✗" in row_of_leaf(table(check.table), "W")[4])
    assert "At a kink" in check.summary.text()
    open_example(w, "lecture")  # a graph of numbers: the scalar check's columns come back
    qtbot.waitUntil(lambda: check.report is not None and check.report.out_name == "L")
    assert headers(check.table)[2] == "(f(x+h) − f(x)) / h"
    assert row_of(table(check.table), "b")[4] == "✓ both"


def test_wiggle_and_the_bug_refuse_tensors_in_words(window):
    w = window
    open_example(w, "tensor_layer")
    w.action("show_wiggle").trigger()
    wiggle = w.teaching.panels["wiggle"]
    assert wiggle.leaf.count() == 0
    assert "this graph has tensors" in wiggle.readout.text()
    assert "Gradient check" in wiggle.readout.text()
    w.action("show_bug").trigger()
    bug = w.teaching.panels["bug"]
    click(bug.switch)
    assert "numbers only, not tensors" in bug.summary.text()
    w.action("show_check").trigger()  # while the check works on the same graph
    check = w.teaching.panels["check"]
    assert check.report is not None and check.report.all_ok
    assert {r[0] for r in table(check.table)} == {"W: 3×2", "X: 2×3", "b: (2,)"}


def test_the_inspector_shows_the_bugs_grad_as_the_canvas_does(window, qtbot):
    w = window
    w.action("show_bug").trigger()
    bug = w.teaching.panels["bug"]
    click(bug.open_a)
    click(bug.switch)
    click_node(w, qtbot, "a")
    assert shown(w, "a", "grad") == "1.0000"
    assert inspector_grad(w) == "1.0000  (with the bug; right: 2.0000)"
    click(bug.switch)
    assert shown(w, "a", "grad") == "2.0000" and inspector_grad(w) == "2.0000"


def row_of_leaf(rows: list[list[str]], leaf: str) -> list[str]:
    return next(r for r in rows if r[0].split(": ")[0] == leaf)
