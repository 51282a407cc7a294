"""The inspector dock: edit the selected node and read its numbers at full precision.

It never changes the document itself: each edit is announced by a signal
(``label_edited``, ``value_edited``, ``params_edited``, ``output_toggled``) and the window turns
it into an undo command. Bad value or parameter text shows an inline error and changes nothing.
An op with parameters (sum's axis, reshape's shape, ...) gets editable fields
(``playground.ui.inspector.params_editor``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFormLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.graph import params as P
from playground.graph.document import Event, GraphDocument
from playground.graph.evaluate_text import pending_text
from playground.graph.marks import ERROR_MARK, WARNING_MARK
from playground.ops import OPS
from playground.ui.inspector import literals
from playground.ui.inspector.group_panel import GroupPanel
from playground.ui.inspector.number_field import (
    SIGNIFICANT,
    NumberField,
    muted_colour,
    problem_colour,
    warning_colour,
)
from playground.ui.inspector.params_editor import ParamsEditor
from playground.ui.inspector.selection_panel import SelectionPanel
from playground.ui.inspector.words import AUTO_OUTPUT, GUIDE, esc, grad_meaning, only_sink
from playground.ui.widgets.wrap_label import WrapLabel


class Inspector(QDockWidget):
    label_edited = Signal(str, str)
    """(node id, new label)"""
    value_edited = Signal(str, object)
    """(node id, parsed literal)"""
    params_edited = Signal(str, object)
    """(node id, the op node's whole new params dict)"""
    output_toggled = Signal(str, bool)
    """(node id, whether it should be the marked output)"""
    open_group_requested = Signal(str)
    """The selected group's Open button: show its inside (group id)."""

    def __init__(self, doc: GraphDocument, parent: QWidget | None = None) -> None:
        super().__init__("Inspector", parent)
        self.setObjectName("inspector")
        self.setAccessibleName("Inspector")
        self._doc = doc
        self._node: str | None = None
        self._group: str | None = None
        """The selected group card's group (then ``_node`` is None): ``group_panel`` shows it."""
        self._evaluation: Any = None
        self._grad_source: Any = None  # the evaluation whose results give the grads shown
        self._grads_stale = False
        self._notes: Mapping[str, str] = {}
        self._previewing = False  # a scrub's preview: grads are stale "from before the drag"
        self._about = ("", "")
        self._unsubscribe = doc.subscribe(self._on_event)

        body = QWidget(self)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 8, 8, 8)
        self.title = WrapLabel("", body)
        self.title.setObjectName("inspector_title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.title)

        self.form_widget = QWidget(body)
        form = QFormLayout(self.form_widget)
        form.setContentsMargins(0, 4, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        self.label_edit = QLineEdit(self.form_widget)
        self.label_edit.setObjectName("inspector_label")
        self.label_edit.setAccessibleName("Label")
        self.label_edit.setToolTip("The node's name, shown on the canvas (Enter to apply)")
        self.label_edit.setPlaceholderText("no label")
        form.addRow("&Label", self.label_edit)

        self.value_edit = QLineEdit(self.form_widget)
        self.value_edit.setObjectName("inspector_value")
        self.value_edit.setAccessibleName("Value")
        self.value_edit.setToolTip(
            "A number (2, -3.5, 1e-3) or a tensor literal like [[1, 2], [3, 4]]; Enter applies"
        )
        form.addRow("&Value", self.value_edit)
        self.value_error = WrapLabel("", self.form_widget)
        self.value_error.setObjectName("inspector_value_error")
        self.value_error.setAccessibleName("Value error")
        form.addRow("", self.value_error)

        self.op_label = WrapLabel("", self.form_widget)
        self.op_label.setObjectName("inspector_op")
        self.op_label.setAccessibleName("Operation")
        form.addRow("Op", self.op_label)

        self.params_editor = ParamsEditor(self.form_widget)
        self.params_editor.edited.connect(self.params_edited)
        form.addRow("Params", self.params_editor)

        self.inputs_label = WrapLabel("", self.form_widget)
        self.inputs_label.setObjectName("inspector_inputs")
        self.inputs_label.setAccessibleName("Inputs")
        form.addRow("Inputs", self.inputs_label)

        self.data_label = NumberField(self.form_widget)
        self.data_label.setObjectName("inspector_data")
        self.data_label.setAccessibleName("Data")
        self.data_label.setToolTip(f"The forward result, to {SIGNIFICANT} significant digits")
        form.addRow("data", self.data_label)

        self.grad_label = NumberField(self.form_widget)
        self.grad_label.setObjectName("inspector_grad")
        self.grad_label.setAccessibleName("Gradient")
        self.grad_label.setToolTip("d output / d this node, from the last Backward")
        form.addRow("grad", self.grad_label)

        self.meaning_label = WrapLabel("", self.form_widget)
        self.meaning_label.setObjectName("inspector_meaning")
        self.meaning_label.setAccessibleName("What the gradient means")
        form.addRow("", self.meaning_label)

        self.problem_label = WrapLabel("", self.form_widget)
        self.problem_label.setObjectName("inspector_problem")
        self.problem_label.setAccessibleName("Problem")
        form.addRow("", self.problem_label)

        self.output_check = QCheckBox("Backward starts here (output)", self.form_widget)
        self.output_check.setObjectName("inspector_output")
        self.output_check.setAccessibleName("Mark as output")
        self.output_check.setToolTip(
            "Backward computes d(this node)/d(every node). Needed when several nodes have no "
            "consumer."
        )
        form.addRow(self.output_check)  # the whole width: its text does not wrap
        self.output_note = WrapLabel(AUTO_OUTPUT, self.form_widget)
        self.output_note.setObjectName("inspector_output_note")
        self.output_note.setAccessibleName("Why Backward starts here")
        self.output_note.setIndent(self.output_check.style().pixelMetric(
            self.output_check.style().PixelMetric.PM_IndicatorWidth) + 6)
        form.addRow(self.output_note)

        outer.addWidget(self.form_widget)
        self.group_panel = GroupPanel(body)
        self.group_panel.label_edited.connect(self.label_edited)
        self.group_panel.open_requested.connect(self.open_group_requested)
        outer.addWidget(self.group_panel)
        self.selection_panel = SelectionPanel(body)  # several cards: how many, Group, Delete
        outer.addWidget(self.selection_panel)
        outer.addStretch(1)
        self.guide = WrapLabel(GUIDE, body)
        self.guide.setObjectName("inspector_guide")
        self.guide.setTextFormat(Qt.TextFormat.RichText)
        self.guide.setAccessibleName("How to use the playground")
        outer.addWidget(self.guide)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(260)
        scroll.setWidget(body)
        self.setWidget(scroll)

        self.label_edit.returnPressed.connect(self._commit_label)
        self.label_edit.editingFinished.connect(self._commit_label)
        self.value_edit.returnPressed.connect(self._commit_value)
        self.value_edit.textEdited.connect(lambda _t: self._show_value_error(None))
        self.output_check.clicked.connect(self._toggle_output)
        self.set_node(None)

    # --- what is shown ------------------------------------------------------------------

    @property
    def node(self) -> str | None:
        return self._node

    @property
    def group(self) -> str | None:
        """The selected group card's group, when its page is on show."""
        return self._group

    def set_about(self, title: str = "", description: str = "") -> None:
        """What the open graph is (a file's title and description), shown while no node is
        selected."""
        self._about = (title or "", description or "")
        if self._node is None:
            self._refresh_fields()

    def set_node(self, node_id: str | None) -> None:
        """Show ``node_id`` (None: nothing selected; a group id: that group's page)."""
        self._group = node_id if self._doc.is_group(node_id) else None
        if node_id is not None and node_id not in self._doc:
            node_id = None
        self._node = node_id
        self._show_value_error(None)
        self._refresh_fields()
        self._refresh_numbers()

    def set_selection(self, ids: list[str]) -> None:
        """Show the selected cards: one node or group (``set_node``), several (how many and
        what can be done with them: ``selection_panel``), or none."""
        several = self.selection_panel.count
        self.selection_panel.show_ids(self._doc, ids)
        node = ids[0] if len(ids) == 1 else None
        if several or self.selection_panel.count or node != (self._node or self._group):
            self.set_node(node)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh()
        super().changeEvent(event)

    def refresh(self) -> None:
        """Redraw everything (e.g. after a light/dark palette change: colours follow it)."""
        self._show_value_error(self.value_error.text().removeprefix(f"{ERROR_MARK} ") or None)
        self._refresh_fields()
        self._refresh_numbers()

    def show_numbers(self, shown: Any) -> None:
        """Show the numbers the display model shows (a ``Shown``). ``shown.notes`` (node id -> a
        few words) is what a teaching tool that shows its own numbers says about a node's grad
        ("not reached yet"); such a grad gets no "if it goes up by h" sentence."""
        ev = self._evaluation = shown.evaluation
        # Stale grads after an edit are the last Backward's evaluation's (``shown.grads``),
        # not in the forward evaluation on show; otherwise the evaluation holds its grads.
        self._grad_source = (ev if shown.grads is None or getattr(ev, "backward", False)
                             else shown.grads)
        self._grads_stale = shown.grads_stale
        self._notes = dict(shown.notes)
        self._previewing = shown.preview
        self._refresh_numbers()

    def _on_event(self, event: Event) -> None:
        if self._group is not None:
            if not self._doc.is_group(self._group):
                self.set_node(None)
            else:
                self._refresh_fields()  # its name, its ports
            return
        if self._node is None:
            if event.kind in ("reset", "node_added", "node_removed"):
                self._refresh_fields()  # the hint depends on whether the graph is empty
            return
        if self._node not in self._doc:
            self.set_node(None)
            return
        if (
            event.kind in ("reset", "output_changed")
            or event.node == self._node
            or event.kind.startswith("edge")
        ):
            self._refresh_fields()
        elif event.kind in ("node_added", "node_removed"):
            self._refresh_output()  # a new or removed node changes which nodes are sinks

    def _refresh_fields(self) -> None:
        node = self._node
        doc = self._doc
        self.form_widget.setVisible(node is not None)
        self.group_panel.setVisible(self._group is not None)
        several = node is None and self._group is None and self.selection_panel.count > 1
        self.selection_panel.setVisible(several)
        if several:
            self.title.setText(self.selection_panel.title())
            return
        if self._group is not None:
            self.title.setText(f"<b>▣ {esc(doc.display_name(self._group))}</b> &nbsp;·&nbsp; "
                               "group")
            self.group_panel.show_group(doc, self._group, self._evaluation, self._grad_source)
            return
        if node is None:
            n = len(doc)
            about = ""
            if n and self._about[1]:
                heading = f"<b>{esc(self._about[0])}</b><br>" if self._about[0] else ""
                about = f"{heading}{esc(self._about[1])}<br><br>"
            self.title.setText(
                f"{about}<b>Nothing selected</b><br>Click a node to edit it and read its data "
                "and grad at full precision." if n else
                "<b>Empty graph</b><br>Drag a node from the palette onto the canvas."
            )
            return
        is_value = doc.kind(node) == "value"
        op = OPS[doc.op_name(node)] if not is_value else None
        symbol = P.symbol(op.name, doc.params(node)) if op else ""  # powc: **2, as the card
        what = "Value" if is_value else (
            op.name if symbol == op.name else f"{symbol}  ({op.name})")
        self.title.setText(f"<b>{esc(doc.display_name(node))}</b> &nbsp;·&nbsp; {esc(what)}")
        if not self.label_edit.hasFocus() or self.label_edit.text() == doc.label(node):
            self.label_edit.setText(doc.label(node))
        self._set_row_visible(self.value_edit, is_value)
        self._set_row_visible(self.value_error, is_value and bool(self.value_error.text()))
        if is_value:
            self.value_edit.setText(literals.format_literal(doc.value(node)))
        self._set_row_visible(self.op_label, not is_value)
        self._set_row_visible(self.inputs_label, not is_value)
        self._set_row_visible(self.params_editor, self.params_editor.set_node(doc, node))
        if op is not None:
            derivs = "".join(
                f"\n  ∂out/∂{name} = {text}"
                for name, text in zip(op.slots, op.local_text, strict=False)
            )
            self.op_label.setText(
                op.description + (f"\nLocal derivatives:{derivs}" if derivs else "")
            )
            fed = doc.inputs(node)
            parts = []
            for name, source in zip(op.slots, fed, strict=True):
                src = doc.display_name(source) if source is not None else "— not connected"
                parts.append(f"{name} ← {src}")
            self.inputs_label.setText("\n".join(parts))
        self._refresh_output()

    def _refresh_output(self) -> None:
        """The output box: checked when Backward starts here, whether the learner marked it or
        it is the automatic choice (nothing marked, the only sink): then it is greyed, with
        the reason under it, since unchecking it could not change where Backward starts."""
        node, doc = self._node, self._doc
        if node is None or node not in doc:
            return
        auto = doc.marked_output is None and not doc.consumers(node) and only_sink(doc, node)
        self.output_check.setChecked(doc.marked_output == node or auto)
        self.output_check.setEnabled(not auto)
        self._set_row_visible(self.output_note, auto)

    def _refresh_numbers(self) -> None:
        node = self._node
        if self._group is not None:
            self.group_panel.show_group(self._doc, self._group, self._evaluation,
                                        self._grad_source)
        if node is None:
            return
        result = None
        if self._evaluation is not None:
            result = self._evaluation.results.get(node)
        if result is None:
            self.data_label.setText("— (press Forward)")
            self.grad_label.setText("—")
            self._set_row_visible(self.meaning_label, False)
            self._set_problem(None, None)
            return
        self.data_label.set_number(result.data if result.error is None else None)
        note = self._notes.get(node)
        grad, source = result.grad, self._grad_source
        if source is not self._evaluation:
            from_source = source.results.get(node)
            grad = None if from_source is None else from_source.grad
        if grad is None:
            backward_ran = bool(getattr(source, "backward", False))
            self.grad_label.setText(
                f"— ({note})" if note
                else "— (the output does not depend on it)"
                if backward_ran and result.error is None
                else "— (press Backward)"
            )
        else:
            stale = ("" if not self._grads_stale
                     else "  (stale: from before the drag)" if self._previewing
                     else "  (stale: the graph changed, press Backward)")
            self.grad_label.set_number(grad, f"  ({note})" if note else stale)
        self.grad_label.setEnabled(not self._grads_stale)
        self._set_meaning(node, grad)
        if result.pending:  # being built, not wrong: said in grey, without a mark
            self._set_waiting(pending_text(self._evaluation.results, node, self._name))
        else:
            self._set_problem(result.error, result.warning)

    def _set_meaning(self, node: str, grad: Any) -> None:
        """One sentence that reads the grad: how the output moves when this node moves."""
        ev = self._evaluation
        out = getattr(ev, "output", None)
        text = ""
        if (
            grad is not None
            and not self._grads_stale
            and node not in self._notes
            and out is not None
            and out in self._doc
            and isinstance(grad, float)
            and math.isfinite(grad)
        ):
            text = grad_meaning(self._doc, node, out, grad)
        self.meaning_label.setText(text)
        self._set_row_visible(self.meaning_label, bool(text))

    def _name(self, node_id: str) -> str:
        return self._doc.display_name(node_id) if node_id in self._doc else node_id

    def _set_waiting(self, text: str | None) -> None:
        """A node still waiting for an input: why it has no number yet, muted."""
        self.problem_label.setText(f"Waiting for input: {text}" if text else "")
        self.problem_label.setStyleSheet(f"color: {muted_colour(self)};")
        self._set_row_visible(self.problem_label, bool(text))

    def _set_problem(self, error: str | None, warning: str | None) -> None:
        if error:
            self.problem_label.setText(f"{ERROR_MARK} {error}")
            self.problem_label.setStyleSheet(f"color: {problem_colour(self)};")
        elif warning:
            self.problem_label.setText(f"{WARNING_MARK} {warning}")
            self.problem_label.setStyleSheet(f"color: {warning_colour(self)};")
        else:
            self.problem_label.setText("")
        self._set_row_visible(self.problem_label, bool(error or warning))

    def _set_row_visible(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def _show_value_error(self, message: str | None) -> None:
        self.value_error.setText(f"{ERROR_MARK} {message}" if message else "")
        self.value_error.setStyleSheet(f"color: {problem_colour(self)};")
        is_value = self._node is not None and self._doc.kind(self._node) == "value"
        self._set_row_visible(self.value_error, bool(message) and is_value)
        self.value_edit.setProperty("invalid", bool(message))
        self.value_edit.setStyleSheet(
            f"QLineEdit {{ border: 1px solid {problem_colour(self)}; }}" if message else ""
        )

    # --- edits --------------------------------------------------------------------------

    def _commit_label(self) -> None:
        node = self._node
        if node is None or node not in self._doc:
            return
        text = self.label_edit.text().strip()
        if text != self._doc.label(node):
            self.label_edited.emit(node, text)

    def _commit_value(self) -> None:
        node = self._node
        if node is None or node not in self._doc or self._doc.kind(node) != "value":
            return
        try:
            value = literals.parse_literal(self.value_edit.text())
        except literals.LiteralError as exc:
            self._show_value_error(str(exc))
            return
        self._show_value_error(None)
        if not literals.same_literal(value, self._doc.value(node)):
            self.value_edited.emit(node, value)

    def _toggle_output(self, checked: bool) -> None:
        if self._node is not None:
            self.output_toggled.emit(self._node, checked)
