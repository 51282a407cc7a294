"""The table of runs under the training plots: one row per recorded run, newest first.

Each row shows the run's colour and number, what it changed from the run before (its label; the
tooltip lists every change and, for a run that stopped early, why), how it ended, its final
train and test loss and score (accuracy, or R² on a regression), its steps and its computing
time. The first column's box shows or hides the run's curves; a double-click on a row, or
"Load settings" with a row selected, puts the run's settings back into the form.

The table only reports what the learner asked (``visibility_changed``, ``load_requested``);
the panel owns the runs (``playground.training.runs.RunHistory``) and which are hidden, and
calls ``show_runs`` with both.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.training.runs import RunRecord
from playground.ui.training.run_colors import run_color

__all__ = ["COLUMNS", "RunTable"]

COLUMNS = ("run", "changed", "end", "train loss", "train acc", "test loss", "test acc",
           "steps", "time")
EMPTY_HINT = ("Runs you finish are listed here, each in its own colour: tick to show or hide "
              "its curves, double-click to load its settings.")
OUTCOME_WORDS = {"done": "done", "stopped": "stopped", "diverged": "diverged"}


class RunTable(QWidget):
    """The runs as a table with a "Load settings" button; see the module docstring."""

    visibility_changed = Signal(int, bool)
    """(run number, shown) when its box is ticked or unticked."""
    load_requested = Signal(int)
    """The run whose settings go back into the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("run_table")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("run_table_rows")
        self.table.setAccessibleName("Runs")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemDoubleClicked.connect(self._double_clicked)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.hint = QLabel(EMPTY_HINT)
        self.hint.setObjectName("run_table_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666666;")
        self.load_button = QPushButton("Load settings")
        self.load_button.setObjectName("load_run")
        self.load_button.setToolTip("Put the selected run's settings back into the form")
        self.load_button.setEnabled(False)
        self.load_button.clicked.connect(self._load_selected)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.hint, 1)
        bar.addWidget(self.load_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._numbers: list[int] = []
        self._locked = False

    def under(self, above: QWidget) -> QSplitter:
        """A vertical splitter with ``above`` (the plots) over this table: the table starts
        about six rows high, the plots take the rest, and the learner can drag the line."""
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("plot_split")
        split.addWidget(above)
        split.addWidget(self)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setChildrenCollapsible(False)
        row = self.fontMetrics().height()
        self.setMinimumHeight(4 * row + 24)
        split.setSizes([500, 7 * row + 24])
        return split

    # --- what the panel says -------------------------------------------------------------

    def show_runs(self, records: list[RunRecord], hidden: set[int]) -> None:
        """One row per run, newest first; ``hidden``: the numbers whose box is unticked."""
        selected = self.selected_number()
        rows = list(reversed(records))
        blocker = QSignalBlocker(self.table)
        try:
            self.table.setRowCount(len(rows))
            for i, r in enumerate(rows):
                self._fill(i, r, r.number not in hidden)
        finally:
            del blocker
        self._numbers = [r.number for r in rows]
        if selected in self._numbers:
            self.table.selectRow(self._numbers.index(selected))
        self.hint.setText(EMPTY_HINT if not rows else
                          "Tick to show a run's curves; double-click a row (or select it and "
                          "press Load settings) to train it again.")
        self._selection_changed()

    def set_locked(self, locked: bool) -> None:
        """While a run is under way the form is locked: nothing can be loaded into it."""
        self._locked = locked
        self._selection_changed()

    # --- reading it (tests) --------------------------------------------------------------

    def numbers(self) -> list[int]:
        """The run numbers, top row first."""
        return list(self._numbers)

    def cell(self, number: int, column: str) -> str:
        return self.table.item(self._numbers.index(number), COLUMNS.index(column)).text()

    def is_shown(self, number: int) -> bool:
        item = self.table.item(self._numbers.index(number), 0)
        return item.checkState() == Qt.CheckState.Checked

    def box_rect(self, number: int):
        """Where run ``number``'s show/hide box is, in the table's viewport."""
        return self.table.visualItemRect(self.table.item(self._numbers.index(number), 0))

    def selected_number(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._numbers):
            return None
        return self._numbers[rows[0].row()]

    # --- rows ----------------------------------------------------------------------------

    def _fill(self, row: int, r: RunRecord, shown: bool) -> None:
        regression = r.task == "regression"
        score = _r2 if regression else _percent
        f = r.final
        texts = [f"#{r.number}", r.label, OUTCOME_WORDS.get(r.outcome, r.outcome),
                 _loss(f.loss), score(f.accuracy), _loss(f.test_loss), score(f.test_accuracy),
                 str(r.steps), _seconds(r.elapsed)]
        changes = "\n".join(f"• {c}" for c in r.changes) or r.label
        tip = f"Run #{r.number}: {changes}"
        if r.stopped_reason:
            tip += f"\n\n{r.stopped_reason}"
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            if column >= 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        first = self.table.item(row, 0)
        first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        first.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
        first.setIcon(_swatch(run_color(r.number)))
        if r.diverged:
            self.table.item(row, 2).setForeground(QColor("#b3261e"))
        if regression:  # the header says "acc": say R² on the cell itself
            for column in (4, 6):
                self.table.item(row, column).setToolTip(tip + "\n\n(score: R²)")

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or item.row() >= len(self._numbers):
            return
        self.visibility_changed.emit(self._numbers[item.row()],
                                     item.checkState() == Qt.CheckState.Checked)

    def _double_clicked(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 and not self._locked:  # a double-click on the box toggles it
            self.load_requested.emit(self._numbers[item.row()])

    def _selection_changed(self) -> None:
        self.load_button.setEnabled(self.selected_number() is not None and not self._locked)

    def _load_selected(self) -> None:
        number = self.selected_number()
        if number is not None and not self._locked:
            self.load_requested.emit(number)


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def _loss(x: float | None) -> str:
    if x is None:
        return "–"
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else "inf"
    return f"{x:.4g}"


def _percent(x: float | None) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.0%}"


def _r2(x: float | None) -> str:
    return "–" if x is None or not math.isfinite(x) else f"R² {x:.3f}"


def _seconds(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.0f} s"
