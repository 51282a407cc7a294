"""Search-to-add: a small popup listing "Value" and every op, filtered as you type.

Typed text that no op's name or symbol starts with (``x``, ``loss``) is more likely a name
than a search: the first entry is then "Value named x", which adds a Value labelled so (typing
``x`` + Enter used to add ``exp``, the first op with an x in it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.ops import OPS

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
"""Typed text a value can be named (a letter, then letters, digits, ``_``)."""


@dataclass(frozen=True)
class Choice:
    kind: str
    op: str | None
    title: str
    description: str
    label: str | None = None
    """A value's own name ("Value named x"); None: the next free letter."""

    @property
    def haystack(self) -> str:
        return f"{self.op or 'value'} {self.title} {self.description}".lower()


def choices() -> list[Choice]:
    """Value first, then every op of the table, in table order."""
    out = [Choice("value", None, "Value", "a number you set (a leaf: weights, inputs)")]
    for op in OPS.values():
        title = op.name if op.symbol == op.name else f"{op.symbol}  {op.name}"
        out.append(Choice("op", op.name, title, op.description))
    return out


def rank(query: str, items: list[Choice],
         free_label: Callable[[str], str] | None = None) -> list[Choice]:
    """Matches for ``query``: name prefix first, then name/symbol, then description.

    A query that could name a value gets "Value named …" (its label from ``free_label``,
    which may make it free, ``a`` -> ``a2``): first when nothing starts with it, else right
    after the entries that do."""
    q = query.strip().lower()
    if not q:
        return list(items)
    scored = []
    for i, c in enumerate(items):
        name = (c.op or "value").lower()
        if name.startswith(q) or c.title.lower().startswith(q):
            score = 0
        elif q in name or q in c.title.lower():
            score = 1
        elif q in c.haystack:
            score = 2
        else:
            continue
        scored.append((score, i, c))
    text = query.strip()
    if _NAME.match(text):
        label = free_label(text) if free_label is not None else text
        taken = f" ({text} is another node's name)" if label != text else ""
        named = Choice("value", None, f"Value named {label}",
                       f"a number you set, labelled {label}{taken}", label)
        scored.append((0.5, -1, named))  # after the names that start with it
    return [c for _, _, c in sorted(scored, key=lambda t: t[:2])]


class NodeSearchPopup(QFrame):
    """A line edit over a list; Enter emits ``chosen(kind, op, label)``, Esc closes."""

    chosen = Signal(str, object, object)
    """kind, op, and a value's label (None: the next free letter)."""
    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("node_search")
        self.setAccessibleName("Add a node")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("node_search_edit")
        self.edit.setPlaceholderText("Add a node: type a name (tanh, *, value…)")
        self.edit.setAccessibleName("Search nodes to add")
        self.edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("node_search_list")
        self.list.setAccessibleName("Matching nodes")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Descriptions wrap to the popup's width: a learner reads them, never scrolls sideways.
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self._all = choices()
        self.free_label: Callable[[str], str] | None = None
        """The label a value named from the typed text gets (the canvas: a free one)."""
        self.edit.textChanged.connect(self._refilter)
        self.edit.installEventFilter(self)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.list.itemClicked.connect(lambda _item: self.accept())
        self.resize(self.WIDTH, self.HEIGHT)
        self.hide()

    WIDTH, HEIGHT = 380, 260  # at most; a small canvas gets a smaller popup

    def fit_into(self, width: int, height: int) -> None:
        """Never larger than the ``width`` x ``height`` it is shown in (less a margin)."""
        self.resize(max(120, min(self.WIDTH, width - 8)), max(100, min(self.HEIGHT, height - 8)))

    def open(self, text: str = "") -> None:
        self.edit.setText(text)
        self._refilter(text)
        self.show()
        self.raise_()
        self.edit.setFocus()

    def matches(self) -> list[Choice]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())]

    def current(self) -> Choice | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def accept(self) -> None:
        choice = self.current()
        self.close_popup()
        if choice is not None:
            self.chosen.emit(choice.kind, choice.op, choice.label)

    def close_popup(self) -> None:
        if self.isVisible():
            self.hide()
            self.closed.emit()

    def _refilter(self, text: str) -> None:
        self.list.clear()
        for c in rank(text, self._all, self.free_label):
            item = QListWidgetItem(f"{c.title} — {c.description}")
            item.setData(Qt.ItemDataRole.UserRole, c)
            item.setToolTip(c.description)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key == Qt.Key.Key_Escape:
                self.close_popup()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                row = self.list.currentRow()
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1,
                        Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[Qt.Key(key)]
                if self.list.count():
                    self.list.setCurrentRow(max(0, min(self.list.count() - 1, row + step)))
                return True
        if (
            obj is self.edit
            and event.type() == QEvent.Type.FocusOut
            and self.isVisible()
            and not self.list.underMouse()  # clicks in its own list do not close it
        ):
            self.close_popup()
        return super().eventFilter(obj, event)
