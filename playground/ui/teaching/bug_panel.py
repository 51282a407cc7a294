"""The Accumulation bug tab: backward with '=' instead of '+=', side by side with the real one.

Switched off, the table lists every node's grad with '+=' (the right numbers, as Backward
gives them) and says to tick the switch. Switched on, the '=' column and the reasons appear,
the canvas shows the grads the buggy backward computes, and the nodes whose grad came out wrong
glow red with the right number under them.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.graph.numbers import summary
from playground.teach import BugReport, TeachError, accumulation_bug
from playground.ui.teaching.common import bad_colour, bad_fill, esc, mono, muted_colour
from playground.ui.widgets.flow_layout import FlowLayout

CODE = (
    "<span style='font-family:\"{mono}\"'>"
    "right:&nbsp; child.grad <b>+=</b> local * out.grad<br>"
    "bug:&nbsp;&nbsp;&nbsp; child.grad <b>&nbsp;=</b> local * out.grad</span>"
)
COLUMNS = ("node", "with += (right)", "with = (bug)", "why")
BUG_COLUMNS = (2, 3)
"""Shown only with the switch on."""
MAX_IDLE_NODES = 5_000
"""The '+=' table follows every edit only on graphs up to this size (the switch always runs)."""
WIDE = 700
"""From this width the code and the summary sit side by side."""
IDLE_TEXT = (
    "A node used twice (b = a + a) gets one gradient from each use, and they must add up: "
    "the table shows every grad with '+=', as Backward computes it. <b>Tick 'Backward with "
    "the bug'</b> to add what '=' gives, and see which grads come out wrong and why."
)


class BugPanel(QWidget):
    display_kind = "bug demo"
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accumulation_bug")
        self.teaching = teaching
        self.report: BugReport | None = None
        self.switch = QCheckBox("Backward with the bug: '=' instead of '+='", self)
        self.switch.setObjectName("bug_switch")
        self.switch.setToolTip("Show the grads a backward that writes '=' instead of '+=' "
                               "would compute")
        self.switch.toggled.connect(self._toggled)
        self._own_open = False
        """True while this tab opens its own example: the switch then stays on."""
        code = QLabel(CODE.format(mono=mono().family()), self)
        code.setTextFormat(Qt.TextFormat.RichText)
        self.open_a = QPushButton("Open b = a + a", self)
        self.open_a.setObjectName("bug_open_a_plus_a")
        self.open_a.clicked.connect(lambda: self.open_example("a_plus_a"))
        self.open_shared = QPushButton("Open d = a*b; e = a + b; f = d*e", self)
        self.open_shared.setToolTip("The example d = a*b; e = a + b; f = d*e")
        self.open_shared.setObjectName("bug_open_shared")
        self.open_shared.clicked.connect(lambda: self.open_example("shared_nodes"))
        # The switch and the two examples wrap in a narrow dock (one row was ~630 px wide).
        top = FlowLayout(spacing=8)
        top.addWidget(self.switch)
        top.addWidget(self.open_a)
        top.addWidget(self.open_shared)
        self.summary = QLabel(self)
        self.summary.setObjectName("bug_summary")
        self.summary.setWordWrap(True)
        self.middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.middle.addWidget(code)
        self.middle.addWidget(self.summary, 1)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("bug_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(self.middle)
        layout.addWidget(self.table, 1)
        self._dirty = True
        """The graph changed since the '+=' table was filled."""
        self._idle()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Narrow: the summary goes under the code, so it wraps over the whole width instead
        # of a thin column of many lines.
        wide = event.size().width() >= WIDE
        self.middle.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                 else QBoxLayout.Direction.TopToBottom)
        self.middle.setSpacing(16 if wide else 4)

    @property
    def on(self) -> bool:
        return self.switch.isChecked()

    def set_on(self, on: bool) -> None:
        self.switch.setChecked(on)

    def open_example(self, name: str) -> None:
        self._own_open = True
        try:
            with self.teaching.keep_card():
                opened = self.teaching.window.files.open_example(name)
        finally:
            self._own_open = False
        if opened:
            self.teaching.display.backward()  # the bug, if on, runs again on its own

    def document_replaced(self) -> None:
        """Another document was opened (lesson, example, file, new, network, expression): the
        switch goes off, so its wrong grads never pass for that document's Backward. Only
        this tab's own examples keep it on. The display model's evaluation that follows the
        reset gives the canvas back (the display model ends the bug's show)."""
        if not self._own_open:
            self._switch_off_quietly()

    def _switch_off_quietly(self) -> None:
        """Untick without ``_toggled``: the caller's evaluation gives the canvas back."""
        if not self.on:
            return
        self.switch.blockSignals(True)
        self.switch.setChecked(False)
        self.switch.blockSignals(False)
        self.report = None
        self._dirty = True
        self.teaching.bug_mode_changed(False)

    # --- state ---------------------------------------------------------------------------

    def _toggled(self, on: bool) -> None:
        self.teaching.bug_mode_changed(on)
        if on:
            self.show_bug()
        else:
            self.teaching.restore(self)
            self._idle()

    def graph_changed(self) -> None:
        """The graph changed: refill the '+=' table (now if the tab is on screen, else when
        it is shown). With the switch on, ``interrupted`` runs the bug again instead."""
        self._dirty = True
        if self.isVisible() and not self.on:
            self._idle()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty and not self.on:
            self._idle()

    def interrupted(self) -> None:
        """The graph changed: run the bug again on the new graph (if it is still on)."""
        if self.on:
            QTimer.singleShot(0, self._rerun)

    def _rerun(self) -> None:
        if not self.on:
            return
        if self.teaching.owner is None:
            self.show_bug()
        elif self.teaching.owner is not self:
            # another tool (a step-through, a wiggle) took the canvas: Backward no longer
            # shows the bug, so the switch (and its banner) must not say it does
            self._switch_off_quietly()

    def show_bug(self) -> bool:
        self.teaching.display.flush()
        doc = self.teaching.doc
        try:
            report = accumulation_bug(doc)
        except TeachError as exc:
            self.report = None
            self.table.setRowCount(0)
            self.summary.setText(f"<span style='color:{bad_colour(self)}'>{esc(str(exc))}</span>")
            return False
        self.report = report
        self._dirty = False
        full = self.teaching.display.backward_evaluation()
        buggy = {r.node: r.buggy for r in report.rows}
        results = {n: replace(r, grad=buggy.get(n)) for n, r in full.results.items()}
        wrong = report.wrong
        notes = {r.node: f"with the bug; right: {summary(r.correct)}" for r in wrong}
        self.teaching.show_evaluation(replace(full, results=results, contributions={}), self,
                                      notes, "grads WITH THE BUG ('=' instead of '+=')")
        self.teaching.overlay.set_marks(
            [r.node for r in wrong], "wrong",
            {r.node: f"should be {summary(r.correct)}" for r in wrong},
        )
        colour = bad_colour(self) if wrong else muted_colour(self)
        self.summary.setText(
            f"<b style='color:{colour}'>{esc(report.summary())}</b> The canvas shows the "
            "grads with the bug; a red node got a wrong one.")
        self._fill(report)
        return True

    def _fill(self, report: BugReport, with_bug: bool = True) -> None:
        t = self.table
        for column in BUG_COLUMNS:
            t.setColumnHidden(column, not with_bug)
        t.setRowCount(len(report.rows))
        for i, r in enumerate(report.rows):
            buggy = summary(r.buggy) + ("  ✗" if r.wrong else "")
            cells = [r.name, summary(r.correct), buggy, r.why]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in (1, 2):
                    item.setFont(mono())
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r.wrong and with_bug:
                    item.setBackground(bad_fill(self))
                t.setItem(i, j, item)
        t.resizeRowsToContents()

    def _idle(self) -> None:
        """Switched off: the right ('+=') grads of the graph, and what to do."""
        self._dirty = False
        self.report = None
        doc = self.teaching.doc
        report = None
        if 0 < len(doc) <= MAX_IDLE_NODES:
            try:
                report = accumulation_bug(doc)
            except TeachError as exc:
                self.table.setRowCount(0)
                self.summary.setText(
                    f"{IDLE_TEXT}<br><span style='color:{muted_colour(self)}'>"
                    f"This graph: {esc(str(exc))}</span>")
                return
        if report is None:
            self.table.setRowCount(0)
        else:
            self._fill(report, with_bug=False)
        self.summary.setText(IDLE_TEXT)
