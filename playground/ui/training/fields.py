"""The settings' fields: named widgets in form layouts, each with a red line for its problem.

``FieldRows`` registers every field by its ``TrainConfig`` name (the widget's objectName too),
adds a hidden error row under it, remembers which tab of the settings it is on and connects
its edits to one callback. ``show_problems`` puts each ``Problem`` under the field it names and
marks the tabs that have one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QColor, QValidator
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

__all__ = ["ERROR_STYLE", "NOTE_STYLE", "FieldRows", "RangeDouble", "RangeSpin", "combo",
           "decimal", "range_problems", "spin"]

ERROR_STYLE = "color: #c62828; font-size: 11px;"
NOTE_STYLE = "color: #555555; font-size: 11px;"


def combo(items: Iterable[tuple[str, str]]) -> QComboBox:
    """A combo box of (data, text) items."""
    box = QComboBox()
    for data, text in items:
        box.addItem(text, data)
    return box


WIDE = 2**31 - 1
"""How far a number field takes what is typed: Qt's spin boxes silently put back the last value
(or refuse the key) for a number outside their range, so the learner's 0 steps became 100
with no word. The fields take any number; the form says which are outside ``allowed``."""


def _outside(value: float, allowed: tuple[float, float], what: str, text: str) -> str:
    lo, hi = allowed
    if value < lo:
        return f"{what} must be at least {text.format(lo)}"
    if value > hi:
        return f"{what} can be at most {text.format(hi)}"
    return ""


class _ArrowsInRange:
    """Mixed into a spin box whose ``allowed`` range is narrower than what it takes typed:
    the arrows step inside ``allowed`` only."""

    allowed: tuple[float, float]

    def stepBy(self, steps: int) -> None:
        super().stepBy(steps)
        self.setValue(self.usable())

    def usable(self) -> float:
        """The number, or the nearest allowed one (what a config is built from meanwhile)."""
        return min(max(self.value(), self.allowed[0]), self.allowed[1])

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flag = QAbstractSpinBox.StepEnabledFlag
        on = flag.StepNone
        if self.value() < self.allowed[1]:
            on |= flag.StepUpEnabled
        if self.value() > self.allowed[0]:
            on |= flag.StepDownEnabled
        return on


class RangeSpin(_ArrowsInRange, QSpinBox):
    """A whole-number field that takes any number typed; ``allowed`` is its range, which the
    arrows keep to and ``problem`` names. A special value text (``setSpecialValueText``) names
    the lowest allowed value, as Qt's does its minimum ("full batch" for 0)."""

    def __init__(self, lo: int, hi: int, value: int) -> None:
        super().__init__()
        self.allowed = (lo, hi)
        self._special = ""
        self.setRange(-WIDE, WIDE)
        self.setValue(value)

    def setSpecialValueText(self, text: str) -> None:
        # Qt's own shows at the field's minimum, which here is far below the allowed range.
        self._special = text
        self.setValue(self.value())
        self.lineEdit().setText(self.textFromValue(self.value()))

    def specialValueText(self) -> str:
        return self._special

    def textFromValue(self, value: int) -> str:
        if self._special and value == self.allowed[0]:
            return self._special
        return super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        if self._special and text == self._special:
            return self.allowed[0]
        return super().valueFromText(text)

    def validate(self, text: str, pos: int) -> object:
        if self._special and text and self._special.startswith(text):
            state = (QValidator.State.Acceptable if text == self._special
                     else QValidator.State.Intermediate)
            return state, text, pos
        return super().validate(text, pos)

    def problem(self, what: str) -> str:
        """"steps must be at least 1" when the number is outside ``allowed`` ("" inside)."""
        return _outside(self.value(), self.allowed, what, "{:,}" + self.suffix())


class RangeDouble(_ArrowsInRange, QDoubleSpinBox):
    """``RangeSpin`` for a decimal number."""

    def __init__(self, lo: float, hi: float, value: float, step: float, decimals: int) -> None:
        super().__init__()
        self.allowed = (lo, hi)
        self.setDecimals(decimals)
        self.setRange(-1e6, 1e6)
        self.setSingleStep(step)
        self.setValue(value)

    def problem(self, what: str) -> str:
        return _outside(self.value(), self.allowed, what, "{:g}")


def spin(lo: int, hi: int, value: int) -> RangeSpin:
    box = RangeSpin(lo, hi, value)
    box.setGroupSeparatorShown(True)
    box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    return box


def decimal(lo: float, hi: float, value: float, step: float, decimals: int = 2) -> RangeDouble:
    return RangeDouble(lo, hi, value, step, decimals)


def range_problems(fields: dict[str, QWidget], words: dict[str, str]) -> list[Problem]:
    """A problem for each field named in ``words`` (field -> how a message names it) whose
    number is outside its allowed range."""
    out = []
    for name, what in words.items():
        box = fields.get(name)
        if isinstance(box, RangeSpin | RangeDouble):
            why = box.problem(what)
            if why:
                out.append(Problem(name, why))
    return out


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
