"""The Gradient check tab's two tables for a graph with tensors (``TensorCheckReport``).

Left: one row per leaf, with its largest absolute and relative error and its worst element.
Right: the selected leaf element by element, backward next to the central difference.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWidget

from playground.graph.numbers import number, precise
from playground.teach import TensorCheckReport, TensorLeafCheck, element_name
from playground.ui.teaching.common import bad_fill, esc, good_fill, table_item

LEAF_COLUMNS = ("leaf", "max |backward − numeric|", "max relative error",
                "worst element: backward vs numeric", "agree?")
ELEMENT_COLUMNS = ("element", "backward", "(f(x+h) − f(x−h)) / 2h", "off by")


def set_columns(table: QTableWidget, columns: tuple[str, ...]) -> None:
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(list(columns))


def error_text(x: float) -> str:
    """An error in scientific notation: ``6.6e-07``; ``nan`` when a difference broke."""
    return "nan" if x != x else f"{x:.1e}"


def fill_leaves(table: QTableWidget, report: TensorCheckReport, widget: QWidget) -> None:
    set_columns(table, LEAF_COLUMNS)
    table.setRowCount(len(report.rows))
    for i, r in enumerate(report.rows):
        worst = r.worst
        cells = [
            f"{r.name}: {r.shape_text}",
            error_text(r.max_abs_error),
            error_text(r.max_rel_error),
            f"{element_name(r.name, worst.index)}: {number(worst.analytic)} vs "
            f"{number(worst.numerical)}",
            r.mark(),
        ]
        for j, text in enumerate(cells):
            item = table_item(text, mono_font=j in (1, 2, 3))
            if j == 0:
                item.setData(Qt.ItemDataRole.UserRole, r.node)
            if j in (3, 4):
                item.setBackground(good_fill(widget) if r.ok else bad_fill(widget))
            table.setItem(i, j, item)
    table.resizeColumnsToContents()


def fill_elements(table: QTableWidget, row: TensorLeafCheck, widget: QWidget) -> str:
    """The leaf's elements in ``table``; returns the title above it (HTML)."""
    set_columns(table, ELEMENT_COLUMNS)
    table.setRowCount(len(row.elements))
    for i, e in enumerate(row.elements):
        cells = [element_name(row.name, e.index), precise(e.analytic), precise(e.numerical),
                 error_text(e.abs_error)]
        for j, text in enumerate(cells):
            item = table_item(text, mono_font=j > 0)
            if j:
                item.setBackground(good_fill(widget) if e.ok else bad_fill(widget))
            table.setItem(i, j, item)
    table.resizeColumnsToContents()
    n = len(row.elements)
    which = (f"all {n} elements" if n == row.size
             else f"{n} of its {row.size} elements, spread evenly")
    return (f"<b>{esc(row.name)} element by element</b> ({which}): backward's grad next to "
            "the central difference, nudging that one element by ±h.")
