"""The notice over the canvas when Backward cannot run: why, and what to press.

Backward starts from one node: the marked output, else the only node whose result nothing
uses (a *sink*). With two sinks and no mark (a stray node next to the graph), pressing Backward
used to leave only a status-bar line. ``OutputChoice`` is a small non-modal panel at the top of
the canvas instead:

- several sinks: one button per candidate, most likely first (the node with the most nodes
  feeding it: the stray node has none), "Run backward from L". Choosing one marks it as the
  output (an undo step, so Ctrl+Z takes the mark back) and runs Backward;
- any other reason (a cycle, an output with a problem, an empty graph): the reason.

It takes the keyboard focus (its first button), so Enter runs Backward from the likeliest node,
Tab moves between the buttons and Esc dismisses it (the focus goes back to the canvas). It never
blocks: the canvas stays usable, and the window hides the panel once the graph changes so that
it no longer applies.
"""

from __future__ import annotations

import networkx as nx
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from playground.graph.document import GraphDocument

MAX_BUTTONS = 3
"""Candidates offered as buttons; the rest are named in the text (select one, Ctrl+B)."""


def ranked_sinks(doc: GraphDocument) -> list[str]:
    """The nodes Backward could start from (``doc.output_candidates``), the likeliest first:
    most nodes feeding it, then by name."""
    graph = doc.graph
    sinks = doc.output_candidates()
    return sorted(sinks, key=lambda n: (-len(nx.ancestors(graph, n)), doc.display_name(n), n))


class OutputChoice(QFrame):
    chosen = Signal(str)
    """A node id: run Backward from it (the window marks it as the output first)."""

    def __init__(self, canvas: QAbstractScrollArea) -> None:
        super().__init__(canvas)
        self.setObjectName("output_choice")
        self.setAccessibleName("Backward did not run")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#output_choice { background: #eef5fc; border: 1px solid #0877bd;"
            " border-radius: 5px; }"
            "#output_choice QLabel { color: #102a43; background: transparent; }"
        )
        self._canvas = canvas
        self.candidates: list[str] = []
        self.title = QLabel(self)
        self.title.setObjectName("output_choice_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.text = QLabel(self)
        self.text.setObjectName("output_choice_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons_row = QHBoxLayout()
        self.buttons_row.setSpacing(6)
        self.buttons: list[QPushButton] = []
        self.dismiss = QPushButton("Dismiss", self)
        self.dismiss.setObjectName("output_choice_dismiss")
        self.dismiss.setToolTip("Close this notice (Esc)")
        self.dismiss.setAutoDefault(True)
        self.dismiss.clicked.connect(self.close_notice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(self.buttons_row)
        self.hide()
        canvas.installEventFilter(self)

    # --- what it says -----------------------------------------------------------------------

    def offer(self, doc: GraphDocument, candidates: list[str]) -> None:
        """Ask which of ``candidates`` (node ids, likeliest first) Backward starts from."""
        self.candidates = list(candidates)
        names = [doc.display_name(n) for n in candidates]
        self.title.setText("Where should Backward start?")
        listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
        more = ""
        if len(names) > MAX_BUTTONS:
            more = (f" (or select one of the others, {', '.join(names[MAX_BUTTONS:])}, "
                    "and press Ctrl+B)")
        have = "both have" if len(names) == 2 else "have"
        self.text.setText(
            f"{listed} {have} no consumer (nothing uses their result), so Backward does not "
            f"know where to start. Choose one{more}: it becomes the marked output (Ctrl+Z "
            "takes the mark back)."
        )
        self._set_buttons([(n, f"Run backward from {name}")
                           for n, name in zip(candidates[:MAX_BUTTONS], names, strict=False)])
        self._show()

    def explain(self, reason: str) -> None:
        """Backward did not run for ``reason`` (no choice to offer)."""
        self.candidates = []
        self.title.setText("Backward did not run")
        self.text.setText(reason[:1].upper() + reason[1:])
        self._set_buttons([])
        self._show()

    def _set_buttons(self, entries: list[tuple[str, str]]) -> None:
        row = self.buttons_row
        while row.count():  # the old buttons and the stretch (Dismiss stays, re-added below)
            row.takeAt(0)
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        for node, text in entries:
            button = QPushButton(text, self)
            button.setObjectName(f"output_choice_{node}")
            button.setAutoDefault(True)  # Enter clicks the focused button
            button.clicked.connect(lambda _c=False, n=node: self.chosen.emit(n))
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        row.addWidget(self.dismiss)

    # --- showing ------------------------------------------------------------------------------

    def _show(self) -> None:
        self.show()
        self.place()
        self.raise_()
        (self.buttons[0] if self.buttons else self.dismiss).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def place(self) -> None:
        """At the top middle of the canvas: 480 px wide, or what its buttons need, at most
        the canvas's width."""
        area = self._canvas.viewport().geometry()
        want = max(480, self.buttons_row.sizeHint().width() + 24)
        width = max(200, min(want, area.width() - 24))
        self.setFixedWidth(width)
        self.setFixedHeight(self.layout().totalHeightForWidth(width))
        self.move(area.left() + (area.width() - width) // 2, area.top() + 10)

    def close_notice(self) -> None:
        """Hide it; if it had the keyboard focus, the canvas gets it back."""
        focus = QApplication.focusWidget()
        inside = focus is not None and (focus is self or self.isAncestorOf(focus))
        self.hide()
        self.candidates = []
        if inside:
            self._canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_notice()
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._canvas and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False
