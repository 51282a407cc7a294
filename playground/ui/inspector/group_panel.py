"""The Inspector's page for a selected group card: its name, its inputs and outputs with their
numbers, and an Open button.

A group is an overlay on the flat graph (``playground.graph.groups``): its inputs are the
outside nodes feeding it, its outputs the inside nodes whose value leaves it; the numbers shown
are theirs, the very numbers of the flat graph. The page edits nothing itself: a new name goes
out on ``label_edited`` (the window hands it to the editor, one undo step) and Open on
``open_requested`` (the window asks the canvas to step inside).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QWidget

from playground.graph.document import GraphDocument
from playground.graph.numbers import summary
from playground.ui.widgets.wrap_label import WrapLabel


class GroupPanel(QWidget):
    label_edited = Signal(str, str)
    """(group id, new name)"""
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector_group")
        self.gid: str | None = None
        form = QFormLayout(self)
        form.setContentsMargins(0, 4, 0, 0)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("inspector_group_name")
        self.name_edit.setAccessibleName("Group name")
        self.name_edit.setToolTip("The group's name, on its card and in the breadcrumb "
                                  "(Enter to apply; F2 on the canvas renames it there)")
        form.addRow("&Name", self.name_edit)
        self.inside_label = WrapLabel("", self)
        self.inside_label.setObjectName("inspector_group_inside")
        form.addRow("Inside", self.inside_label)
        self.inputs_label = WrapLabel("", self)
        self.inputs_label.setObjectName("inspector_group_inputs")
        self.inputs_label.setAccessibleName("Group inputs")
        form.addRow("Inputs", self.inputs_label)
        self.outputs_label = WrapLabel("", self)
        self.outputs_label.setObjectName("inspector_group_outputs")
        self.outputs_label.setAccessibleName("Group outputs")
        form.addRow("Outputs", self.outputs_label)
        self.open_button = QPushButton("Open group", self)
        self.open_button.setObjectName("inspector_group_open")
        self.open_button.setToolTip("Show what is inside (or double-click the card)")
        form.addRow(self.open_button)
        self.name_edit.returnPressed.connect(self._commit)
        self.open_button.clicked.connect(self._open)

    def show_group(self, doc: GraphDocument, gid: str, evaluation: Any, grads: Any) -> None:
        self.gid = gid
        label = doc.group_label(gid)
        if not self.name_edit.hasFocus():
            self.name_edit.setText(label)
        self.name_edit.setPlaceholderText(doc.display_name(gid))
        ports = doc.ports(gid)
        n = len(doc.inside(gid))
        self.inside_label.setText(f"{n} node{'' if n == 1 else 's'}: the same numbers as "
                                  "without the group")

        def row(node: str, with_grad: bool) -> str:
            r = evaluation.results.get(node) if evaluation is not None else None
            g = grads.results.get(node) if grads is not None else None
            data = summary(r.data) if r is not None and r.data is not None else "—"
            text = f"{doc.display_name(node)}: data {data}"
            if with_grad:
                grad = summary(g.grad) if g is not None and g.grad is not None else "—"
                text += f", grad {grad}"
            return text

        self.inputs_label.setText("\n".join(row(s, False) for s in ports.inputs) or "none")
        self.outputs_label.setText("\n".join(row(s, True) for s in ports.outputs) or "none")

    def _commit(self) -> None:
        if self.gid is not None:
            self.label_edited.emit(self.gid, self.name_edit.text().strip())

    def _open(self) -> None:
        if self.gid is not None:
            self.open_requested.emit(self.gid)
