"""The Gradient check tab follows a rename at once: the leaf's row, the h table's title and
the d(out)/dx header say the new name, with no Check pressed (they kept the old label)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.window_helpers import by_label, new_window


def _rename(qtbot, window, node: str, text: str) -> None:
    window.select([node])
    edit = window.inspector.label_edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    qtbot.wait(10)
    assert window.doc.label(node) == text


def test_check_table_says_the_new_label_after_a_rename(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "s.ini")
    try:
        assert w.teaching.open_lesson("derivative")  # the check tab, x selected
        check = w.teaching.panels["check"]
        report = check.report
        x, f = by_label(w)["x"], by_label(w)["f"]
        assert check.selected_leaf() == x
        assert check.table.item(0, 0).text().startswith("x = ")

        _rename(qtbot, w, x, "speed")
        assert check.table.item(0, 0).text().startswith("speed = ")
        assert "speed" in check.sweep_title.text()
        assert check.selected_leaf() == x  # still the selected leaf
        assert [r.analytic for r in check.report.rows] == [r.analytic for r in report.rows]

        _rename(qtbot, w, f, "y")
        assert check.table.horizontalHeaderItem(1).text() == "dy/dx (backward)"

        QTest.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: f
        qtbot.wait(10)
        assert check.table.horizontalHeaderItem(1).text() == "df/dx (backward)"
        w.teaching.dock.grab().save(str(tmp_path / "check.png"))
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()
