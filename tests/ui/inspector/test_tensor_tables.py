"""The inspector shows a tensor's data and grad whole: a table with row and column headers
that scrolls both ways (the tensor example's W grad used to be cut off on the right)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.numbers import full
from playground.ui.inspector.number_field import readout
from tests.ui.teach_helpers import click_node


def _cells(table) -> list[list[str]]:
    model = table.model()
    return [[model.index(i, j).data() for j in range(model.columnCount())]
            for i in range(model.rowCount())]


def _shown(table, row: int, col: int) -> bool:
    """Whether cell (row, col) is inside the table's visible area."""
    rect = table.visualRect(table.model().index(row, col))
    return table.viewport().rect().contains(rect)


def _inside(widget, outer) -> bool:
    rect = QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size())
    return outer.rect().contains(rect)


def test_w_grad_is_a_table_that_scrolls_to_its_last_column(window, qtbot, tmp_path):
    window.files.open_example("tensor_layer", ask=False)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    click_node(window, qtbot, "W")
    grad = window.display.evaluation.results["W"].grad
    table = window.inspector.grad_label.box
    QApplication.processEvents()
    window.inspector.grab().save(str(tmp_path / "inspector_W.png"))
    assert table.isVisible() and _inside(table, window.inspector)
    model = table.model()
    assert (model.rowCount(), model.columnCount()) == grad.shape == (3, 2)
    assert [model.headerData(j, Qt.Orientation.Horizontal) for j in range(2)] == ["0", "1"]
    assert [model.headerData(i, Qt.Orientation.Vertical) for i in range(3)] == ["0", "1", "2"]
    assert _cells(table) == [[readout(v) for v in row] for row in grad]
    assert model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == f"[2, 1] = {full(grad[2, 1])}"
    # Every row is in view; the last column can be reached with the keyboard.
    assert all(_shown(table, i, 0) for i in range(3))  # three rows: no vertical scrolling
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(model.index(0, 0)).center())
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert table.currentIndex().row() == 2 and table.currentIndex().column() == 1
    assert _shown(table, 2, 1)
    # The data table is there too, with the same headers.
    data = window.inspector.data_label.box
    assert _cells(data) == [[readout(v) for v in row] for row in np.asarray(
        window.display.evaluation.results["W"].data)]


def test_a_big_tensor_scrolls_down_and_right(window, qtbot, tmp_path):
    click_node(window, qtbot, "x1")
    rows = [[round(i * 0.37 - j * 1.1, 3) for j in range(9)] for i in range(20)]
    edit = window.inspector.value_edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, str(rows))
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert window.doc.value("x1") == rows
    table = window.inspector.data_label.box
    qtbot.waitUntil(table.isVisible)
    QApplication.processEvents()
    window.inspector.grab().save(str(tmp_path / "inspector_big.png"))
    assert _inside(table, window.inspector)
    assert table.height() < 20 * table.verticalHeader().defaultSectionSize()  # it scrolls
    assert not _shown(table, 19, 8)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(0, 0)).center())
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert _shown(table, 19, 8)
    assert table.model().index(19, 8).data() == readout(rows[19][8])
    assert table.verticalScrollBar().value() > 0
