"""Editable fields for an op node's parameters (``sum``'s axis, ``reshape``'s shape, ...).

The inspector shows one ``ParamsEditor`` under the op's description. It never changes the
document: a finished edit emits ``edited(node id, params)`` with the node's whole new
``params`` dict, and the window pushes a ``SetParams`` command. Fields by parameter:

- ``axis``: a spin box (negative counts from the end); for reductions also an "all axes"
  check box (axis = null: reduce everything).
- ``keepdims``: a check box.
- ``shape``, ``axes``, ``index``: text, Enter applies. Shapes and axes are read with
  ``ast.literal_eval`` (``2, 3``, ``(2, 3)``, ``[2, -1]``, ``6``), the index with
  ``playground.graph.params.parse_index`` (``0``, ``1:3``, ``:, 0``, ``[0, 2]``); nothing is
  evaluated. Bad text shows an inline error and changes nothing.
- ``reduction``: a drop-down (mean, sum, none).
- ``exponent`` (powc, ``x**2``): text, Enter applies; a plain number like ``2``, ``-1`` or
  ``0.5``, read with ``float`` (a whole number stays whole, so the card reads ``**2``).
"""

from __future__ import annotations

import ast
import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.graph import params as P
from playground.graph.document import GraphDocument
from playground.graph.marks import ERROR_MARK
from playground.graph.validate import MAX_TENSOR_DIMS, overflowing_number, too_large
from playground.ops import OPS
from playground.ui.widgets.palette import is_dark

MAX_TEXT = 200
"""Longer parameter text is refused before parsing."""

TIPS = {
    "axis": "Which axis to work along: 0 is the first (rows of a matrix), 1 the second, "
            "-1 the last. Enter or the arrows apply.",
    "axis_all": "Reduce over every element (axis = none): the result is a single number",
    "keepdims": "Keep the reduced axis with size 1 (2×3 summed over axis 1 gives 2×1 "
                "instead of (2,)), so the result still lines up with the input",
    "shape": "The new shape, e.g. 2, 3 or (3, 2); -1 means 'whatever is left'. The number "
             "of elements must stay the same. Enter applies.",
    "axes": "The new order of the axes, e.g. 1, 0 (empty: reverse them all, the matrix "
            "transpose). Enter applies.",
    "index": "What to pick, as inside x[...]: 0, 1:3, :, 0, ..., -1 or a list like [0, 2]. "
             "Enter applies.",
    "reduction": "How the per-sample losses are combined",
    "exponent": "The constant power n in x**n, e.g. 2, -1 or 0.5: a number, not an input, "
                "so it has no gradient. Enter applies.",
}


class ParamTextError(ValueError):
    """Text in a parameter field that cannot be read; the message is for the user."""


def parse_param_text(kind: str, text: str) -> Any:
    """The document value for text typed in a shape, axes, index or exponent field."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ParamTextError(f"too long (more than {MAX_TEXT} characters)")
    if kind == "number":
        return _number(text)
    if kind == "index":
        try:
            P.parse_index(text)
        except P.IndexTextError as exc:
            raise ParamTextError(str(exc)) from None
        except OverflowError:  # numpy's own refusal of a list index: [99999999999999999999]
            raise ParamTextError("a number in the index is too large") from None
        except ValueError:  # [[[[...]]]]: more than numpy's 32 dimensions
            raise ParamTextError("the lists in the index are nested too deeply") from None
        return text
    if kind == "axes" and text.lower() in ("", "none", "null"):
        return None
    if not text:
        raise ParamTextError("write a shape like 2, 3 (or () for a single number)")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        example = "2, 3 or (3, 2)" if kind == "shape" else "1, 0"
        raise ParamTextError(f"write whole numbers separated by commas, like {example}") from None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, tuple | list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ParamTextError("only whole numbers, like 2, 3")
    return list(value)


def _number(text: str) -> int | float:
    """An exponent typed as text: ``2`` stays an int (the card reads ``**2``), ``0.5`` a float."""
    big = overflowing_number(text)
    if big is not None:  # the value box's words for the same mistake
        raise ParamTextError(too_large(big))
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ParamTextError("write a number, like 2, -1 or 0.5") from None
    if not math.isfinite(value):
        raise ParamTextError("write a finite number, like 2, -1 or 0.5")
    return int(value) if value.is_integer() and abs(value) < 1e16 else value


def param_text(kind: str, value: Any) -> str:
    """How a shape/axes/index/exponent value is written in its field."""
    if kind == "number":
        return P.number_text(value)
    if kind == "index":
        return str(value or "")
    if value is None:
        return ""
    return "(" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "") + ")"


class ParamsEditor(QWidget):
    edited = Signal(str, object)
    """(node id, the node's whole new params dict)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector_params")
        self.setAccessibleName("Parameters")
        self._doc: GraphDocument | None = None
        self._node: str | None = None
        self._op: str | None = None
        self.fields: dict[str, QWidget] = {}
        """Parameter key -> its main widget (spin box, check box, line edit, combo box)."""
        self.all_axes: QCheckBox | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        body = QWidget(self)
        self.form = QFormLayout(body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addWidget(body)
        self.error = QLabel(self)
        outer.addWidget(self.error)
        self.error.setObjectName("param_error")
        self.error.setAccessibleName("Parameter error")
        self.error.setWordWrap(True)
        self.error.hide()

    # --- what is shown ------------------------------------------------------------------

    @property
    def op(self) -> str | None:
        return self._op

    def set_node(self, doc: GraphDocument, node_id: str | None) -> bool:
        """Show ``node_id``'s parameters; False (and nothing shown) if it has none."""
        op = doc.op_name(node_id) if node_id is not None and node_id in doc else None
        if op is not None and not OPS[op].params:
            op = None
        same = (doc, node_id, op) == (self._doc, self._node, self._op)
        self._doc, self._node = doc, node_id
        if op != self._op:
            self._build(op)
        if not same:
            self.show_error(None)
        if op is not None:
            self._load(doc.effective_params(node_id))  # type: ignore[arg-type]
        return op is not None

    def _build(self, op: str | None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)  # deletes the row's widgets
        self.fields = {}
        self.all_axes = None
        self._op = op
        if op is None:
            return
        for key in OPS[op].params:
            kind = P.kind_of(op, key)
            field = self._field(key, kind)
            self.form.addRow("" if kind == "bool" else key, field)  # a check box says its key
            field.show()  # now, not on the next event-loop turn: a click may come first
        self.error.hide()

    def _field(self, key: str, kind: str) -> QWidget:
        tip = TIPS.get(key, "")
        if kind in ("axis", "axis_or_none"):
            spin = QSpinBox()
            spin.setRange(-MAX_TENSOR_DIMS, MAX_TENSOR_DIMS - 1)
            spin.setKeyboardTracking(False)  # typed digits apply on Enter, arrows at once
            spin.setObjectName(f"param_{key}")
            spin.setAccessibleName(key)
            spin.setToolTip(tip)
            spin.valueChanged.connect(lambda v, k=key: self._commit(k, int(v)))
            self.fields[key] = spin
            if kind == "axis":
                return spin
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(spin, 1)
            check = QCheckBox("all axes")
            check.setObjectName(f"param_{key}_all")
            check.setAccessibleName(f"{key}: all axes")
            check.setToolTip(TIPS["axis_all"])
            check.toggled.connect(lambda on, k=key: self._toggle_all(k, on))
            row.addWidget(check)
            self.all_axes = check
            return box
        if kind == "bool":
            check = QCheckBox(key)
            check.setObjectName(f"param_{key}")
            check.setAccessibleName(key)
            check.setToolTip(tip)
            check.toggled.connect(lambda on, k=key: self._commit(k, bool(on)))
            self.fields[key] = check
            return check
        if kind == "reduction":
            combo = QComboBox()
            combo.addItems(list(P.REDUCTIONS))
            combo.setObjectName(f"param_{key}")
            combo.setAccessibleName(key)
            combo.setToolTip(tip)
            combo.activated.connect(lambda i, k=key, c=combo: self._commit(k, c.itemText(i)))
            self.fields[key] = combo
            return combo
        edit = QLineEdit()
        edit.setObjectName(f"param_{key}")
        edit.setAccessibleName(key)
        edit.setToolTip(tip)
        edit.setPlaceholderText(
            {"axes": "reverse all", "index": "everything", "number": "2"}.get(kind, ""))
        edit.returnPressed.connect(lambda k=key, kd=kind, e=edit: self._commit_text(k, kd, e))
        edit.textEdited.connect(lambda _t: self.show_error(None))
        self.fields[key] = edit
        return edit

    def _load(self, values: dict[str, Any]) -> None:
        op = self._op
        assert op is not None
        for key, widget in self.fields.items():
            value = values.get(key)
            widget.blockSignals(True)
            try:
                if isinstance(widget, QSpinBox):
                    widget.setValue(0 if value is None else int(value))
                    widget.setEnabled(value is not None)
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QComboBox):
                    widget.setCurrentText(str(value))
                elif isinstance(widget, QLineEdit):
                    text = param_text(P.kind_of(op, key), value)
                    if not widget.hasFocus() or not widget.property("invalid"):
                        widget.setText(text)
            finally:
                widget.blockSignals(False)
        if self.all_axes is not None:
            self.all_axes.blockSignals(True)
            self.all_axes.setChecked(values.get("axis") is None)
            self.all_axes.blockSignals(False)

    def show_error(self, message: str | None) -> None:
        red = "#ff7b72" if is_dark(self) else "#c62828"
        self.error.setText(f"{ERROR_MARK} {message}" if message else "")
        self.error.setStyleSheet(f"color: {red};")
        self.error.setVisible(bool(message) and self._op is not None)
        for widget in self.fields.values():
            if isinstance(widget, QLineEdit):
                invalid = bool(message) and widget.hasFocus()
                widget.setProperty("invalid", invalid)
                widget.setStyleSheet(f"QLineEdit {{ border: 1px solid {red}; }}" if invalid else "")

    # --- edits --------------------------------------------------------------------------

    def _toggle_all(self, key: str, on: bool) -> None:
        spin = self.fields[key]
        spin.setEnabled(not on)
        self._commit(key, None if on else int(spin.value()))  # type: ignore[attr-defined]

    def _commit_text(self, key: str, kind: str, edit: QLineEdit) -> None:
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        try:
            value = parse_param_text(kind, edit.text())
        except ParamTextError as exc:
            self.show_error(f"{key}: {exc}")
            return
        self._commit(key, value)

    def _commit(self, key: str, value: Any) -> None:
        doc, node, op = self._doc, self._node, self._op
        if doc is None or node is None or op is None or node not in doc:
            return
        current = doc.params(node)
        new = {**current, key: value}
        try:
            new = P.normalize(op, new)
        except P.ParamError as exc:
            self.show_error(exc.for_user(op))
            return
        except (ValueError, ArithmeticError) as exc:  # a check that failed in its own words
            self.show_error(f"{key}: {exc}")
            return
        self.show_error(None)
        if new != current and P.effective(op, new) != P.effective(op, current):
            self.edited.emit(node, new)
