"""The lesson card: a lesson's title, short explanation and task, beside the teaching tools.

The card only shows and asks: the task's answer is checked by ``playground.teach.lesson_tasks``
(through ``TeachingUI``), and the card shows the verdict it gets back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from playground.teach import Lesson
from playground.teach.lesson_tasks import Verdict
from playground.ui.teaching.common import bad_colour, esc, good_colour

SCROLL_MIN = 24
"""The explanation's scroll keeps at least a line; everything else on the card stays whole."""


class LessonCard(QFrame):
    next_requested = Signal(str)
    """The key of the lesson to open next."""
    check_requested = Signal(str)
    """The learner's typed answer ("" for a task with nothing to type)."""
    training_requested = Signal()
    """Open the Training tab with the lesson's settings."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.lesson: Lesson | None = None
        self.keys: list[str] = []
        """The lessons in menu order, for Next."""
        self.title = QLabel(self)
        self.title.setObjectName("lesson_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 1.5)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setObjectName("lesson_text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The explanation and the verdict scroll; the task stays whole in view, word-wrapped
        # right above its answer box (inside the scroll, the instruction was the part cut
        # off: "type it, then press"). The scroll gives up its height first (``_fit_task``).
        row = self._task_row()
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 4, 0)
        inner.addWidget(self.text)
        inner.addWidget(self.verdict)
        inner.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        self.scroll.setMinimumHeight(SCROLL_MIN)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.task)
        layout.addLayout(row)
        layout.addLayout(self._buttons())
        self.setMinimumWidth(300)
        self.hide()

    def _task_row(self) -> QHBoxLayout:
        self.task = QLabel(self)
        self.task.setObjectName("lesson_task")
        self.task.setWordWrap(True)
        self.answer = QLineEdit(self)
        self.answer.setObjectName("lesson_answer")
        self.answer.setPlaceholderText("your answer, e.g. -1.5")
        self.answer.setAccessibleName("Your answer to the lesson's task")
        self.answer.returnPressed.connect(self._check)
        self.check_button = QPushButton("Check", self)
        self.check_button.setObjectName("lesson_check")
        self.check_button.setToolTip("Check the task (Enter in the answer box does it too)")
        self.check_button.clicked.connect(self._check)
        self.training_button = QPushButton("Open in Training tab", self)
        self.training_button.setObjectName("lesson_training")
        self.training_button.setToolTip("The Training tab with this lesson's settings filled in")
        self.training_button.clicked.connect(self.training_requested)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("lesson_verdict")
        self.verdict.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.answer, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.training_button)
        return row

    def _buttons(self) -> QHBoxLayout:
        self.next_button = QPushButton("Next lesson ▶", self)
        self.next_button.setObjectName("lesson_next")
        self.next_button.clicked.connect(self._next)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("lesson_close")
        self.close_button.clicked.connect(self.hide)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        return buttons

    def show_lesson(self, lesson: Lesson, keys: list[str] | None = None) -> None:
        self.lesson = lesson
        if keys is not None:
            self.keys = keys
        self.title.setText(lesson.title)
        paragraphs = [p.strip() for p in lesson.card.split("\n\n") if p.strip()]
        self.text.setText("".join(f"<p>{esc(p)}</p>" for p in paragraphs))
        task = lesson.task
        self.task.setText(f"<b>Task:</b> {esc(task.text)}" if task else "")
        self.task.setVisible(task is not None)
        self.answer.clear()
        self.answer.setVisible(task is not None and task.needs_answer)
        self.check_button.setVisible(task is not None)
        self.training_button.setVisible(bool(lesson.training))
        self.verdict.clear()
        self.verdict.hide()
        self.scroll.verticalScrollBar().setValue(0)
        i = self.keys.index(lesson.key) if lesson.key in self.keys else -1
        self.next_button.setEnabled(0 <= i < len(self.keys) - 1)
        self.show()

    def show_verdict(self, verdict: Verdict) -> None:
        colour = good_colour(self) if verdict.passed else bad_colour(self)
        mark = "✓ Passed." if verdict.passed else "✗"
        self.verdict.setText(f"<span style='color:{colour}'><b>{mark}</b> "
                             f"{esc(verdict.message)}</span>")
        self.verdict.show()
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.verdict))

    def passed(self) -> bool:
        return self.verdict.isVisible() and "✓" in self.verdict.text()

    def card_text(self) -> str:
        return self.text.text()

    def _check(self) -> None:
        if self.lesson is not None and self.lesson.task is not None:
            self.check_requested.emit(self.answer.text())

    def _next(self) -> None:
        if self.lesson is not None and self.lesson.key in self.keys:
            i = self.keys.index(self.lesson.key)
            if i + 1 < len(self.keys):
                self.next_requested.emit(self.keys[i + 1])
