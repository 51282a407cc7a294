"""A tensor in the inspector as a table: one cell per element, row and column headers, scroll
bars both ways, so a 3×2 grad is read whole and a 100×100 one can be scrolled through.

The model formats a cell only when the view asks for it (a big tensor costs nothing until it
is scrolled to); cells say each element to ``SIGNIFICANT`` digits (``readout``), the tooltip
has the exact value and its index. More than two dimensions are stacked into rows of the last
one (the canvas's ``grid_view`` order), each row headed by its leading indices ("0,1").
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontDatabase, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from playground.graph.numbers import full

Index = QModelIndex | QPersistentModelIndex

SAMPLE = 64
"""Rows and columns whose texts set the column width (the rest are alike in width)."""


def as_rows(x: np.ndarray) -> np.ndarray:
    """``x`` as rows × columns: a number one cell, a vector one row, more dimensions stacked
    into rows of the last one."""
    if x.ndim == 0:
        return x.reshape(1, 1)
    return x.reshape(1, -1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])


class MatrixModel(QAbstractTableModel):
    """The elements of one tensor, formatted on demand by ``fmt``."""

    def __init__(self, fmt: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._fmt = fmt
        self._x = np.zeros((0,))
        self._rows = np.zeros((0, 0))

    def set_tensor(self, x: np.ndarray) -> None:
        self.beginResetModel()
        self._x = x
        self._rows = as_rows(x)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default)
        return 0 if parent.isValid() else self._rows.shape[0]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows.shape[1]

    def element_index(self, row: int) -> str:
        """Row ``row``'s leading indices: "0" for a matrix, "0,1" past two dimensions."""
        if self._x.ndim <= 2:
            return str(row)
        return ",".join(str(int(i)) for i in np.unravel_index(row, self._x.shape[:-1]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = float(self._rows[index.row(), index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._fmt(v)
        if role == Qt.ItemDataRole.ToolTipRole:
            at = f"[{self.element_index(index.row())}, {index.column()}]" \
                if self._x.ndim >= 2 else f"[{index.column()}]"
            return f"{at} = {full(v)}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(section)
        return self.element_index(section) if self._x.ndim >= 2 else ""

    def sample_texts(self) -> list[str]:
        """Texts of the top-left corner, to size the columns by."""
        corner = self._rows[:SAMPLE, :SAMPLE]
        return [self._fmt(float(v)) for v in corner.reshape(-1)]


class MatrixView(QTableView):
    """A read-only table of a tensor's elements (see the module docstring); at most
    ``max_rows`` rows tall before it scrolls."""

    def __init__(self, fmt: Any, parent: QWidget | None = None, max_rows: int = 8) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        self.matrix = MatrixModel(fmt, self)
        self.setModel(self.matrix)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(False)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setHighlightSections(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    def set_tensor(self, x: np.ndarray) -> None:
        self.matrix.set_tensor(x)
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(t) for t in self.matrix.sample_texts()),
                     default=0)
        self.horizontalHeader().setDefaultSectionSize(widest + 14)
        self.verticalHeader().setVisible(x.ndim >= 2)
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for its rows (up to ``max_rows``), plus a horizontal scroll bar only
        when the columns are wider than the room it has."""
        rows = min(self.matrix.rowCount(), self.max_rows)
        vertical = self.verticalHeader()
        wide = (self.matrix.columnCount() * self.horizontalHeader().defaultSectionSize()
                + (vertical.sizeHint().width() if vertical.isVisible() else 0)
                + 2 * self.frameWidth())
        if self.matrix.rowCount() > rows:
            wide += self.verticalScrollBar().sizeHint().width()
        bar = self.horizontalScrollBar().sizeHint().height() if wide > self.width() else 0
        self.setFixedHeight(rows * vertical.defaultSectionSize()
                            + self.horizontalHeader().sizeHint().height()
                            + bar + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()  # a narrower inspector may now need the scroll bar
