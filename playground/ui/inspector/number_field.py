"""How the inspector writes a number: to ``SIGNIFICANT`` digits (``readout``, like the canvas
when 4 decimals say it all), the exact value in a tooltip; tensors as a table that scrolls
both ways, with row and column headers (``NumberField``, ``matrix_view``); and the colours of
its problem, warning and muted lines."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.graph.numbers import NONE, full, number, precise, shape
from playground.ui.inspector.matrix_view import MatrixView
from playground.ui.widgets.palette import is_dark
from playground.ui.widgets.wrap_label import WrapLabel


def problem_colour(widget: QWidget) -> str:
    """A red that reads on the current (light or dark) palette."""
    return "#ff7b72" if is_dark(widget) else "#c62828"


def muted_colour(widget: QWidget) -> str:
    """A grey for words that are no problem (a node waiting for an input), light or dark."""
    return "#a8a8a8" if is_dark(widget) else "#5f5f5f"


def warning_colour(widget: QWidget) -> str:
    return "#e3b341" if is_dark(widget) else "#9a6700"


SIGNIFICANT = 12
"""Digits the inspector shows: more than the canvas's 4 decimals, fewer than a float's 17, so
rounding noise (0.9999999999999996) never shows; the tooltip has the exact value."""


def readout(x: float) -> str:
    """A scalar as the inspector shows it: the canvas's text (``numbers.number``) when that is
    already the value to ``SIGNIFICANT`` digits (``-3.0000``; ``1.0000`` for
    0.9999999999999996), else ``SIGNIFICANT`` digits (``0.123456789012``, ``1.23456789e-07``)."""
    x = float(x)
    if not math.isfinite(x):
        return number(x)
    rounded = float(f"{x:.{SIGNIFICANT}g}")
    canvas = number(x)
    return canvas if float(canvas) == rounded else precise(rounded)


def rounded_array(a: np.ndarray) -> np.ndarray:
    """Every element rounded to ``SIGNIFICANT`` digits, so ``full`` writes no rounding noise.
    Dividing (or multiplying) an integer by an exact power of ten rounds correctly."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(all="ignore"):
        ok = np.isfinite(a) & (a != 0)
        exp = np.floor(np.log10(np.abs(np.where(ok, a, 1.0))))
        k = SIGNIFICANT - 1 - exp
        up, down = 10.0 ** np.maximum(k, 0), 10.0 ** np.maximum(-k, 0)
        out = np.round(a * up / down) * down / up
    return np.where(ok & np.isfinite(out), out, a)  # 1e-300: 10**311 overflows, keep it


class NumberField(QWidget):
    """A number to ``SIGNIFICANT`` digits (``readout``), the exact value in the tooltip:
    selectable text for a scalar; for a tensor, its shape and a table of its elements (row and
    column headers, scroll bars both ways) so no row or column is cut off."""

    MAX_LINES = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.label = WrapLabel("", self)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.box = MatrixView(readout, self, max_rows=self.MAX_LINES)
        self.box.setObjectName("tensor_table")
        self.box.hide()
        layout.addWidget(self.label)
        layout.addWidget(self.box)
        layout.addStretch(1)  # spare height goes below the table, not between it and its caption
        self._rows_text = ""
        self._tip = ""

    def set_number(self, x: Any, suffix: str = "") -> None:
        if isinstance(x, np.ndarray) and x.size == 0:
            self.setText(f"{shape(x)} tensor, empty{suffix}")
        elif isinstance(x, np.ndarray):
            self.label.setText(f"{shape(x)} tensor{suffix}")
            self._set_exact(None)
            self._rows_text = full(rounded_array(x))  # what text() reads, row by row
            self.box.set_tensor(x)
            self.box.show()
        else:
            self.label.setText(NONE if x is None else readout(x) + suffix)
            self._set_exact(None if x is None else full(x))
            self.box.hide()

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self._set_exact(None)
        self.box.hide()

    def _set_exact(self, exact: str | None) -> None:
        tip = self._tip if exact is None else f"{self._tip}\nExact: {exact}"
        self.label.setToolTip(tip)

    def text(self) -> str:
        """What is shown: the scalar, or the tensor's caption and rows."""
        if self.box.isVisibleTo(self):
            return f"{self.label.text()}\n{self._rows_text}"
        return self.label.text()

    def setToolTip(self, text: str) -> None:
        self._tip = text
        self._set_exact(None)
