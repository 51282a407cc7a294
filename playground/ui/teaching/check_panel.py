"""The Gradient check tab: backward's grad of every node next to two finite differences.

Every node the output depends on is checked, the leaves and the interior nodes, nudged as the
lecture nudges d (``d.data += h``, then only its downstream is recomputed). The forward
difference ``(f(x+h) - f(x)) / h`` is the lecture's; the central one ``(f(x+h) - f(x-h)) / 2h``
is what a careful check uses; each verdict allows for the error its h makes
(``playground.teach.numeric.Differences``). h is editable, and for the selected node a second
table tries many h: too large measures a chord, too small loses the digits.

A graph with tensors is checked element by element with the central difference
(``playground.teach.tensor_check``): one row per leaf with its largest errors and worst element,
and the selected leaf's elements on the right (``tensor_tables``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from playground.graph.names import derivative
from playground.graph.numbers import precise, summary
from playground.teach import (
    GradCheckReport,
    TeachError,
    TensorCheckReport,
    gradient_check,
    h_sweep,
    tensor_gradient_check,
)
from playground.teach.numeric import LOOSEST
from playground.teach.tensor_check import MAX_ELEMENTS
from playground.teach.text import name, output_name
from playground.ui.teaching.common import (
    bad_colour,
    bad_fill,
    esc,
    good_colour,
    good_fill,
    table_item,
)
from playground.ui.teaching.tensor_tables import fill_elements, fill_leaves, set_columns

COLUMNS = ("node", "grad (backward)", "(f(x+h) − f(x)) / h", "(f(x+h) − f(x−h)) / 2h",
           "agree?")
SWEEP_COLUMNS = ("h", "forward diff", "off by", "central diff")
MARKS = {"✓": "✓ both", "~": "~ one of two", "✗": "✗ neither"}
MAX_WORK = 1_000_000
"""Nodes × nodes: re-check on every edit only below this; Check itself checks at most
MAX_WORK / nodes nodes (each re-runs at most the whole graph four times)."""
TENSOR_WORK = 20_000
"""Elements × nodes × 2 for a tensor graph: Check nudges at most TENSOR_WORK / (2 · nodes)
elements (and never more than ``MAX_ELEMENTS``), so a re-check after an edit stays quick."""


class GradientCheckPanel(QWidget):
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradient_check")
        self.teaching = teaching
        self.report: GradCheckReport | TensorCheckReport | None = None
        self._dirty = True
        """The graph changed since the tables were filled."""

        self.h_edit = QLineEdit("0.001", self)
        self.h_edit.setObjectName("check_h")
        self.h_edit.setAccessibleName("Step h")
        self.h_edit.setToolTip("The nudge h of the finite differences, e.g. 0.001, 1e-8, 0.1")
        validator = QDoubleValidator(0.0, 1e6, 20, self.h_edit)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.h_edit.setValidator(validator)
        self.h_edit.setFixedWidth(110)
        self.h_edit.returnPressed.connect(self.run)
        h_label = QLabel("h =", self)
        h_label.setBuddy(self.h_edit)
        self.run_button = QPushButton("Check", self)
        self.run_button.setObjectName("check_run")
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel(self)
        self.summary.setObjectName("check_summary")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(h_label)
        top.addWidget(self.h_edit)
        top.addWidget(self.run_button)
        top.addWidget(self.summary, 1)

        self.table = _table(self, "check_table", COLUMNS)
        self.table.itemSelectionChanged.connect(self._sweep_selected)
        self.sweep_title = QLabel(self)
        self.sweep_title.setObjectName("check_sweep_title")
        self.sweep_title.setWordWrap(True)
        self.sweep = _table(self, "check_sweep", SWEEP_COLUMNS)
        right = QVBoxLayout()
        right.addWidget(self.sweep_title)
        right.addWidget(self.sweep, 1)
        tables = QHBoxLayout()
        tables.addWidget(self.table, 13)
        tables.addLayout(right, 7)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(tables, 1)

    # --- running -------------------------------------------------------------------------

    def h(self) -> float | None:
        try:
            h = float(self.h_edit.text().replace(",", "."))
        except ValueError:
            return None
        return h if h > 0 else None

    def set_h(self, h: float) -> None:
        self.h_edit.setText(f"{h:g}")
        self.run()

    def run(self) -> bool:
        h = self.h()
        if h is None:
            self._say(f"<span style='color:{bad_colour(self)}'>h must be a positive number, "
                      f"like 0.001 or 1e-8</span> (agree = within the error that h makes, at most "
                      f"{LOOSEST:.0%})")
            return False
        self.teaching.display.flush()
        self._dirty = False
        try:
            report = self._check(h)
        except TeachError as exc:
            self._clear(f"<span style='color:{bad_colour(self)}'>{esc(str(exc))}</span>")
            return False
        self._show(report)
        return True

    def relabel(self) -> None:
        """A node was renamed: the tables say the new names (the numbers stay; no re-check)."""
        report = self.report
        if report is None:
            return
        doc = self.teaching.doc
        rows = [replace(r, name=name(doc, r.node)) for r in report.rows]
        renamed = replace(report, rows=rows, out_name=output_name(doc, report.output))
        if renamed != report:
            self._show(renamed)

    def _show(self, report: GradCheckReport | TensorCheckReport) -> None:
        """Fill both tables and the summary for ``report`` (the selected leaf stays)."""
        keep = self.selected_leaf()
        self.report = report
        # The table is refilled and re-selected without signals, then the right table is
        # filled once, for this report: a selection signal only comes when the row *changes*,
        # and row 0 of a new graph is still row 0 (it kept the old graph's leaf on show).
        self.table.blockSignals(True)
        try:
            self.table.clearSelection()
            if isinstance(report, TensorCheckReport):
                fill_leaves(self.table, report, self)
            else:
                self._fill(report)
            rows = [r.node for r in report.rows]
            self._select_row(keep if keep in rows else (rows[0] if rows else None))
        finally:
            self.table.blockSignals(False)
        self._sweep_selected()
        text = esc(report.summary()).replace(
            "agree", f"<b style='color:{good_colour(self)}'>agree</b>", 1)
        self._say(re.sub(r"\bmiss(es)?\b",
                         lambda m: f"<b style='color:{bad_colour(self)}'>{m[0]}</b>", text,
                         count=1))

    def _clear(self, message: str) -> None:
        """No report: both tables empty, ``message`` (HTML) above them."""
        self.report = None
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        self.sweep.setRowCount(0)
        self.sweep_title.setText("")
        self._say(message)

    def _check(self, h: float) -> GradCheckReport | TensorCheckReport:
        doc = self.teaching.doc
        nodes = max(1, len(doc))
        if self._has_tensors():
            budget = min(MAX_ELEMENTS, max(1, TENSOR_WORK // (2 * nodes)))
            return tensor_gradient_check(doc, h, max_elements=budget)
        return gradient_check(doc, h, max_leaves=max(1, MAX_WORK // nodes))

    def _has_tensors(self) -> bool:
        """Whether the graph runs on the tensor engine (as the canvas's numbers were made)."""
        ev = self.teaching.display.evaluation
        if ev is None:
            ev = self.teaching.display.evaluate_copy()
        return ev.engine == "tensor"

    def graph_changed(self) -> None:
        """The graph changed (an edit, or another document): the tables describe the old one.
        Re-check now when the tab is on screen and the graph is small; a big graph's tables
        are cleared (Check checks it); a hidden tab re-checks when it is shown."""
        self._dirty = True
        if self.isVisible():
            self._refresh()

    def _refresh(self) -> None:
        doc = self.teaching.doc
        if len(doc) == 0:
            self._dirty = False
            self._clear("The graph is empty: build one, then Check compares its grads.")
            return
        if len(doc) * len(doc) <= MAX_WORK:  # every node is checked, each re-runs its downstream
            self.run()
        else:
            self._clear("The graph changed: press <b>Check</b> to compare its grads with "
                        "finite differences (a graph this big is not re-checked on every "
                        "edit).")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._refresh()

    # --- tables --------------------------------------------------------------------------

    def _fill(self, report: GradCheckReport) -> None:
        t = self.table
        set_columns(t, COLUMNS)
        t.setRowCount(len(report.rows))
        t.horizontalHeaderItem(1).setText(f"{derivative(report.out_name, 'x')} (backward)")
        for i, r in enumerate(report.rows):
            cells = [f"{r.name} = {summary(r.data)}", precise(r.analytic), precise(r.forward),
                     precise(r.central), MARKS[r.mark]]
            for j, text in enumerate(cells):
                item = table_item(text, mono_font=j in (1, 2, 3))
                if j == 0:
                    item.setData(Qt.ItemDataRole.UserRole, r.node)
                ok = {2: r.forward_ok, 3: r.central_ok, 4: r.mark == "✓"}.get(j)
                if j == 2:
                    item.setToolTip(_band_tip(r.forward, r.analytic, r.diff.forward_band))
                elif j == 3:
                    item.setToolTip(_band_tip(r.central, r.analytic, r.diff.central_band))
                elif j == 0 and not r.leaf:
                    item.setToolTip(f"{r.name} is computed: the check moves its output by h "
                                    "and recomputes only what lies downstream of it")
                if ok is not None:
                    item.setBackground(good_fill(self) if ok else bad_fill(self))
                t.setItem(i, j, item)
        t.resizeColumnsToContents()

    def selected_leaf(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select_leaf(self, node: str | None) -> None:
        """Select ``node``'s row and show its details on the right (also when it was
        selected already: the right table then shows it again, for the current report)."""
        self.table.blockSignals(True)
        try:
            self._select_row(node)
        finally:
            self.table.blockSignals(False)
        self._sweep_selected()

    def _select_row(self, node: str | None) -> None:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == node:
                self.table.selectRow(i)
                return
        self.table.clearSelection()

    def _sweep_selected(self) -> None:
        node = self.selected_leaf()
        if node is None or self.report is None:
            self.sweep.setRowCount(0)
            self.sweep_title.setText("Select a node to see how the choice of h matters."
                                     if not isinstance(self.report, TensorCheckReport) else
                                     "Select a leaf to see it element by element.")
            return
        if isinstance(self.report, TensorCheckReport):
            self.sweep_title.setText(fill_elements(self.sweep, self.report.row(node), self))
            return
        set_columns(self.sweep, SWEEP_COLUMNS)
        try:
            rows = h_sweep(self.teaching.doc, node)
        except TeachError as exc:
            self.sweep_title.setText(str(exc))
            return
        r = self.report.row(node)
        self.sweep_title.setText(
            f"<b>How h matters for {esc(r.name)}</b> (backward: {precise(r.analytic)}). "
            "Large h: the slope of a chord. Tiny h: rounding eats the digits.")
        s = self.sweep
        s.setRowCount(len(rows))
        for i, row in enumerate(rows):
            cells = [f"{row.h:g}", f"{row.forward:.12g}", f"{row.forward_error:.0e}",
                     f"{row.central:.12g}"]
            for j, text in enumerate(cells):
                item = table_item(text, mono_font=True)
                if j in (1, 2):
                    item.setBackground(good_fill(self) if row.forward_ok else bad_fill(self))
                s.setItem(i, j, item)
        s.resizeColumnsToContents()

    def _say(self, html: str) -> None:
        self.summary.setText(html)


def _band_tip(numerical: float, analytic: float, band: float) -> str:
    """Why the cell is green or red: how far off it is, and how far off this h may be."""
    return (f"off by {abs(numerical - analytic):.2g}; at this h a difference may be off by "
            f"{band:.2g} (the curve's bend over h, and rounding), and a match counts only "
            f"within {LOOSEST:.0%}")


def _table(parent: QWidget, name: str, columns: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(columns), parent)
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(list(columns))
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 6)
    return t
