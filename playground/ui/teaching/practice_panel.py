"""The Practice tab: the grads are hidden and the learner types each one, output first.

The session (the order, the expected grads, the checking, the hints, the score) is headless,
``playground.teach.practice``; this tab only shows it. While practising, the canvas shows what
the learner has answered so far, through the display model like every teaching tool
(``Teaching.show_evaluation``): a grad not answered yet reads "—" on the canvas and in the
inspector. The node asked for glows teal with "?" under it; after a wrong answer it glows red
with what was typed, its wires to the nodes its grad comes from glow too, and those nodes
(their grads already answered, so on show) are marked lilac.

With groups, the questions follow the level the canvas shows (``teach.practice_levels``): a
group card is asked as its output (its card glows), its inside once the learner opens it
(double-click; the breadcrumb or Alt+Up goes back up); answers count at every level, so going
back up carries on where the learner left. Grouping and ungrouping (and their undo) change no
number: the round goes on with the new levels (``practice_scope.py``).

All from the keyboard: Learn ▸ Practice (F9) starts on the graph on the canvas and puts the
cursor in the answer box; Enter checks; Esc stops and gives the canvas its numbers back.
"New expression" (Alt+N) builds a random graph (``playground.teach.random_expr``) with the
chosen ops, depth and reuse, as one undoable step, and starts on it.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from playground.graph.evaluate import Evaluation
from playground.graph.numbers import summary
from playground.teach import TeachError
from playground.teach.practice import PracticeSession, Verdict
from playground.teach.random_expr import (
    MAX_DEPTH,
    OP_SETS,
    Difficulty,
    DifficultyError,
    random_document,
)
from playground.ui.teaching.common import TabPause, bad_colour, esc, good_colour, mono, muted_colour
from playground.ui.teaching.practice_scope import PracticeLevels
from playground.ui.teaching.steps_panel import StepEvaluation, full_scale
from playground.ui.widgets.flow_layout import FlowLayout

INTRO = (
    "<p><b>Practice</b> (F9) hides the grads of the graph on the canvas. Type each node's "
    "grad, output first, and press Enter: the app checks it to 4 decimals. A wrong answer "
    "gets the chain rule with the numbers you already have. <b>Esc</b> stops and brings the "
    "grads back.</p><p><b>New expression</b> (Alt+N) practises on a random graph: choose its "
    "ops, its depth, and whether a node is used twice (its grad is then a sum).</p>"
)
HIDDEN = "hidden while you practise: type it in the Practice tab"
ASK = "a number, then Enter"


class PracticePanel(PracticeLevels, QWidget):
    display_kind = "practice"

    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practice_panel")
        self.teaching = teaching
        self.session: PracticeSession | None = None
        self.verdict: Verdict | None = None
        self.next_seed = random.SystemRandom().randrange(1, 1_000_000)
        """The seed of the next New expression (one after another: each graph is new)."""
        self._full: Evaluation | None = None
        self._pause = TabPause(self)

        row = FlowLayout()
        self.start_button = QPushButton("Practise this graph (F9)", self)
        self.start_button.setObjectName("practice_start")
        self.start_button.setToolTip("Hide the grads of the graph on the canvas and type them "
                                     "yourself, output first")
        self.start_button.clicked.connect(self.start)
        row.addWidget(self.start_button)
        self.new_button = QPushButton("New expression (Alt+N)", self)
        self.new_button.setObjectName("practice_new")
        self.new_button.setToolTip("Replace the graph with a random one and practise on it "
                                   "(Undo brings the old graph back)")
        self.new_button.clicked.connect(self.new_expression)
        row.addWidget(self.new_button)
        self.ops = QComboBox(self)
        self.ops.setObjectName("practice_ops")
        self.ops.setAccessibleName("Ops of a new expression")
        self.ops.addItems(list(OP_SETS))
        self.ops.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(_labelled("Ops", self.ops, self))
        self.depth = QSpinBox(self)
        self.depth.setObjectName("practice_depth")
        self.depth.setAccessibleName("Depth of a new expression")
        self.depth.setRange(1, MAX_DEPTH)
        self.depth.setValue(2)
        self.depth.setToolTip("The most ops on a path from a leaf to the output")
        row.addWidget(_labelled("Depth", self.depth, self))
        self.reuse = QCheckBox("Reuse a node", self)
        self.reuse.setObjectName("practice_reuse")
        self.reuse.setToolTip("A node feeds two wires (as a in b = a + a): its grad is a sum")
        row.addWidget(self.reuse)

        self.title = QLabel(self)
        self.title.setObjectName("practice_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("practice_prompt")
        prompt_font = mono()
        prompt_font.setPointSizeF(prompt_font.pointSizeF() * 1.25)
        prompt_font.setBold(True)
        self.prompt.setFont(prompt_font)
        self.answer = QLineEdit(self)
        self.answer.setObjectName("practice_answer")
        self.answer.setAccessibleName("Your grad")
        self.answer.setFont(prompt_font)
        self.answer.setMaximumWidth(260)
        self.answer.returnPressed.connect(self.check)
        self.prompt.setBuddy(self.answer)
        self.score = QLabel(self)
        self.score.setObjectName("practice_score")
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.prompt)
        answer_row.addWidget(self.answer)
        answer_row.addSpacing(12)
        answer_row.addWidget(self.score)
        answer_row.addStretch(1)
        self.feedback = QTextBrowser(self)
        self.feedback.setObjectName("practice_feedback")
        self.feedback.setAccessibleName("Practice feedback")
        self.feedback.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes answer -> controls

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addLayout(answer_row)
        layout.addWidget(self.feedback, 1)
        # Keys of their own rather than mnemonics (&New): some platforms (macOS, Qt's
        # offscreen) turn mnemonics off, and a mnemonic next to the same key would be
        # ambiguous where they are on. They work while the focus is in this tab.
        self.ops.setToolTip("Which ops a new expression uses (Alt+O)")
        self.reuse.setToolTip(self.reuse.toolTip() + " (Alt+R)")
        self.depth.setToolTip(self.depth.toolTip() + " (Alt+D)")
        for key, slot in (
            ("Esc", self.stop),
            ("Alt+N", self.new_expression),
            ("Alt+O", self.ops.setFocus),
            ("Alt+D", self.depth.setFocus),
            ("Alt+R", self.reuse.toggle),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._idle(INTRO)
        self._follow_levels()  # the questions follow the canvas's level (practice_scope.py)

    # --- commands ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.session is not None and self.teaching.owner is self

    def practise(self) -> bool:
        """Learn ▸ Practice (F9): start on the graph on the canvas; while a round is on, go
        back to its answer box."""
        self.teaching.show_tab("practice")
        if self.session is not None and not self.session.done and self.running:
            self.answer.setFocus()
            return True
        return self.start()

    def start(self) -> bool:
        """A new round on the graph on the canvas."""
        display = self.teaching.display
        display.flush()
        try:
            full = display.backward_evaluation()
            session = PracticeSession(self.teaching.doc, full, self._canvas_scope())
        except TeachError as exc:
            self._stop_showing()
            self._idle(f"<p style='color:{bad_colour(self)}'>Cannot practise on this graph: "
                       f"{esc(str(exc))}.</p>" + INTRO)
            self.teaching.window.show_status(f"Cannot practise: {exc}")
            self.new_button.setFocus()  # the keyboard is in the tab: Alt+N, or Tab to the ops
            return False
        self.session, self._full, self.verdict = session, full, None
        self._regroup = False
        self._show()
        self.answer.setEnabled(True)
        self.answer.setReadOnly(False)
        self.answer.setPlaceholderText(ASK)
        self.answer.clear()
        self.answer.setFocus()
        q = session.current
        if q is not None:
            self.teaching.window.show_status(
                f"Practice: type {q.prompt}, then Enter (Esc stops)")
        return True

    def new_expression(self) -> bool:
        """Replace the graph with a random one of the chosen difficulty and start on it."""
        difficulty = Difficulty(OP_SETS[self.ops.currentText()], self.depth.value(),
                                self.reuse.isChecked())
        seed, self.next_seed = self.next_seed, self.next_seed + 1
        try:
            doc = random_document(difficulty, seed)
        except DifficultyError as exc:
            self._idle(f"<p style='color:{bad_colour(self)}'>{esc(str(exc))}.</p>")
            return False
        w = self.teaching.window
        if not w.editor.replace_document(doc, f"New practice expression (seed {seed})"):
            return False  # refused: the status bar says why, the old graph stays
        w.display.reset()  # the old grads belong to the old graph
        w.view.fit_readable()
        return self.start()

    def check(self) -> None:
        """Enter: check the answer box against the node asked for."""
        self._settle()
        session = self.session
        if session is None or not self.running:
            self._idle("<p>Press <b>F9</b> to practise on the graph on the canvas, or "
                       "<b>Alt+N</b> for a new expression.</p>")
            return
        verdict = session.answer(self.answer.text())
        self.verdict = verdict
        if verdict.kind in ("right", "done"):
            self.answer.clear()
        else:
            self.answer.selectAll()  # typing replaces the wrong answer
        self._show()
        done = f" {session.summary()}" if session.done else ""
        self.teaching.window.show_status(verdict.message + done)

    def stop(self) -> None:
        """Esc: stop practising; the canvas shows the document's numbers again."""
        session = self.session
        if session is None:
            return
        was = session.summary()
        self.session, self._full, self.verdict = None, None, None
        self._stop_showing()
        self._idle(f"<p><b>Stopped.</b> {esc(was)}</p><p>Press <b>F9</b> to practise again, "
                   "or <b>Alt+N</b> for a new expression.</p>")
        self.teaching.window.show_status(f"Practice stopped. {was}")
        self.teaching.window.view.setFocus()

    # --- the display model's tool protocol, and the tab coming and going --------------------

    def interrupted(self) -> None:
        """The graph or its numbers changed, or another tool showed its numbers (F7): the
        round ends."""
        if self.session is None:
            return
        self.session, self._full, self.verdict = None, None, None
        self._pause.left_at = None
        self._idle("<p><b>Practice stopped:</b> the graph changed, or another tool took the "
                   "canvas. Press <b>F9</b> to practise on the graph as it is now.</p>")

    def tab_left(self) -> None:
        """Another Learn tab came up: the canvas gets its numbers back; the round is kept."""
        if self.session is None or self.teaching.owner is not self:
            return
        self._pause.leave()

    def tab_back(self) -> None:
        """The tab is shown again: the round comes back, unless the graph changed."""
        self._pause.back(self.session is not None, self._show)

    # --- showing ---------------------------------------------------------------------------

    def _stop_showing(self) -> None:
        if self.teaching.owner is self:
            self.teaching.restore(self)
        self.answer.clear()
        self.answer.setEnabled(False)

    def _show(self) -> None:
        session, full = self.session, self._full
        assert session is not None and full is not None
        moved = self._follow_level()
        known = session.known()
        results = {n: replace(r, grad=r.grad if n in known else None)
                   for n, r in full.results.items()}
        contributions = {k: v for k, v in full.contributions.items() if k[0] in known}
        shown = StepEvaluation(
            **{f.name: getattr(full, f.name) for f in fields(Evaluation)},
            grad_scale=full_scale(full),
        )
        shown = replace(shown, results=results, contributions=contributions)
        q = session.current
        notes = {n: HIDDEN for n in full.results if n not in known}
        where = self._where()
        state = None if q is None else (
            f"practising{where}: {session.index + 1} of {len(session.questions)}")
        self.teaching.show_evaluation(shown, self, notes, state)
        self._mark()
        self._write()
        if moved:
            self.answer.clear()  # what was typed answered a node of the other level
            said = (f"Practice{where}: type {q.prompt}, then Enter (Esc stops)" if q is not None
                    else session.level_summary())
            self.teaching.window.show_status(said)
            if q is not None and self.isVisible():
                self.answer.setFocus()  # opened a group to go on: the next answer goes here

    def _mark(self) -> None:
        """The node asked for glows (teal; red after a wrong answer, with its wires and the
        nodes its grad comes from); a group card asked for its output glows as that output."""
        overlay = self.teaching.overlay
        session = self.session
        q = session.current if session is not None else None
        if q is None:
            overlay.set_marks([])
            overlay.set_highlight([])
            return
        wrong = self.verdict is not None and self.verdict.kind == "wrong"
        if wrong and self.verdict is not None and self.verdict.value is not None:
            overlay.set_marks({c.consumer for c in q.contributions}, "source")
            overlay.set_highlight([q.node], self._wires(q), colour="wrong",
                                  node_tags={q.node: f"✖ {summary(self.verdict.value)}"})
        else:
            overlay.set_marks([])
            overlay.set_highlight([q.node], node_tags={q.node: f"{q.prompt} = ?"})
        view = self.teaching.window.view
        view.ensure_node_visible(q.node)
        QTimer.singleShot(0, lambda n=q.node: self._follow(n))

    def _follow(self, node: str) -> None:
        if self.running and node in self.teaching.doc:
            self.teaching.window.view.ensure_node_visible(node)

    def _write(self) -> None:
        session = self.session
        assert session is not None
        q = session.current
        doc = self.teaching.doc
        levels = ", groups' insides included" if doc.groups() else ""
        self.score.setText(f"Score {session.score} / {session.total} (right first time"
                           f"{levels})")
        muted = muted_colour(self)
        family = mono().family()
        parts: list[str] = []
        v = self.verdict
        if v is not None and v.kind != "done":  # done: the summary below says it
            colour = {"right": good_colour(self), "done": good_colour(self),
                      "close": muted}.get(v.kind, bad_colour(self))
            parts.append(f"<p style='color:{colour}; font-weight:600'>{esc(v.message)}</p>")
            if v.kind == "wrong" and v.hint:
                parts.append(f"<div style='font-family:\"{family}\"; font-size:12pt; "
                             f"font-weight:600'>{esc(v.hint[0])}</div>")
                for line in v.hint[1:]:
                    parts.append(f"<p style='margin:4px 0'>{esc(line)}</p>")
        # read-only, not disabled: the cursor stays in the tab, so Esc and Alt+N work
        self.answer.setReadOnly(q is None)
        where = self._where()
        if q is None and session.done:
            self.title.setText("Practice: done")
            self.prompt.setText("")
            self.answer.setPlaceholderText("done")
            parts.append(f"<p>{esc(session.summary())}</p><p style='color:{muted}'>Esc brings "
                         "the canvas's own numbers back; F9 practises again; Alt+N makes a new "
                         "expression.</p>")
        elif q is None:
            self.title.setText(f"Practice{where}: every grad here is found"
                               if session.questions else f"Practice{where}: nothing to ask here")
            self.prompt.setText("")
            above, inside = session.elsewhere()
            self.answer.setPlaceholderText(
                "open a group, or go up" if above and inside
                else "go up: Alt+Up" if above else "open a group" if inside else "")
            parts.append(f"<p>{esc(session.level_summary())}</p><p style='color:{muted}'>"
                         "Esc stops.</p>")
        else:
            self.answer.setPlaceholderText(ASK)
            head = f"Inside {doc.display_name(session.scope)} · " if where else ""
            what = f"{q.name} (glowing on the canvas)"
            if q.card is not None:
                g = doc.display_name(q.card)
                what = (f"{q.name}, one of {g}'s outputs (its card glows; the Inspector lists "
                        "them)" if len(doc.ports(q.card).outputs) > 1
                        else f"{q.name}, the output of {g} (its card glows)")
            self.title.setText(f"{head}Practice {session.index + 1} of "
                               f"{len(session.questions)}: the grad of {what}")
            self.prompt.setText(f"{q.prompt} =")
            if v is None or v.kind == "right":
                parts.append(f"<p style='color:{muted}'>Type {esc(q.prompt)} and press Enter. "
                             "The grads you have found are on the canvas; the others read —. "
                             f"{self._level_note(q)}Esc stops.</p>")
        self.feedback.setHtml("".join(parts))

    def _idle(self, html: str) -> None:
        self.title.setText("Practice: find every grad yourself")
        self.prompt.setText("")
        self.score.setText("")
        self.answer.setEnabled(False)
        self.feedback.setHtml(html)


def _labelled(text: str, field: QWidget, parent: QWidget) -> QWidget:
    """``field`` with a label before it (its buddy: screen readers name the field by it)."""
    box = QWidget(parent)
    label = QLabel(text, box)
    label.setBuddy(field)
    row = QHBoxLayout(box)
    row.setContentsMargins(8, 0, 0, 0)
    row.addWidget(label)
    row.addWidget(field)
    return box
