"""The settings' fields: named widgets in form layouts, each with a red line for its problem.

``FieldRows`` registers every field by its ``TrainConfig`` name (the widget's objectName too),
adds a hidden error row under it, remembers which tab of the settings it is on and connects
its edits to one callback. ``show_problems`` puts each ``Problem`` under the field it names and
marks the tabs that have one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from playground.graph.marks import WARNING_MARK
from playground.training.config import Problem

__all__ = ["ERROR_STYLE", "NOTE_STYLE", "FieldRows", "combo", "spin"]

ERROR_STYLE = "color: #c62828; font-size: 11px;"
NOTE_STYLE = "color: #555555; font-size: 11px;"


def combo(items: Iterable[tuple[str, str]]) -> QComboBox:
    """A combo box of (data, text) items."""
    box = QComboBox()
    for data, text in items:
        box.addItem(text, data)
    return box


def spin(lo: int, hi: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    return box


class FieldRows:
    """The fields of the settings' tabs and their error rows; see the module docstring."""

    def __init__(self, tabs: QTabWidget, on_edit: Callable[..., None]) -> None:
        self.tabs = tabs
        self._on_edit = on_edit
        self.fields: dict[str, QWidget] = {}
        self._errors: dict[str, tuple[QFormLayout, int, QLabel]] = {}
        self._field_tab: dict[str, int] = {}
        self.only_when: dict[str, Callable[[], bool]] = {}
        """Field name -> whether its row is shown now (a hidden row shows no problem)."""

    @staticmethod
    def page(name: str) -> tuple[QWidget, QFormLayout]:
        """A tab page (objectName ``name``) with a form layout."""
        box = QWidget()
        box.setObjectName(name)
        form = QFormLayout(box)
        form.setContentsMargins(6, 6, 6, 6)
        form.setVerticalSpacing(4)
        form.setHorizontalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def row(self, form: QFormLayout, name: str, label: str, widget: QWidget, tip: str) -> None:
        """``widget`` as field ``name`` on the tab being built, labelled, with its error row."""
        widget.setObjectName(name)
        widget.setToolTip(tip)
        widget.setAccessibleName(label)
        self.register(name, widget)
        form.addRow(label, widget)
        self.error_row(form, name)
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._on_edit)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._on_edit)
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            widget.valueChanged.connect(self._on_edit)
            widget.setKeyboardTracking(False)

    def register(self, name: str, widget: QWidget) -> None:
        """``widget`` is field ``name``, on the tab being built (laid out by the caller)."""
        self.fields[name] = widget
        self._field_tab[name] = self.tabs.count()

    def error_row(self, form: QFormLayout, name: str) -> None:
        """The hidden red line under the row just added, for field ``name``'s problems."""
        error = QLabel()
        error.setObjectName(f"{name}_error")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        form.addRow(error)
        row = form.rowCount() - 1
        form.setRowVisible(row, False)
        self._errors[name] = (form, row, error)

    def show_problems(self, problems: list[Problem], palette_text: QColor) -> None:
        """Each problem in red under its field; fields without one are cleared; a tab with a
        problem gets the warning mark (``palette_text``: the colour of the others)."""
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(getattr(p, "field", ""), []).append(str(p))
        bad_tabs = set()
        for name, (form, row, label) in self._errors.items():
            texts = by_field.get(name)
            label.setText("\n".join(texts) if texts else "")
            shown = self.only_when.get(name)
            visible = bool(texts) and (shown is None or shown())
            form.setRowVisible(row, visible)
            if visible:
                bad_tabs.add(self._field_tab.get(name, 0))
        tabs = self.tabs
        for i in range(tabs.count()):
            title = tabs.tabText(i).removesuffix(f" {WARNING_MARK}")
            tabs.setTabText(i, f"{title} {WARNING_MARK}" if i in bad_tabs else title)
            tabs.tabBar().setTabTextColor(i, QColor("#c62828") if i in bad_tabs else palette_text)

    def error_text(self, name: str) -> str:
        """The problem shown under field ``name`` ("" when none)."""
        form, row, label = self._errors[name]
        return label.text() if form.isRowVisible(row) else ""
