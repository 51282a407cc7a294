"""The lesson card: a lesson's title and short explanation, beside the teaching tools."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout

from playground.teach import LESSONS, Lesson
from playground.ui.teaching.common import esc


class LessonCard(QFrame):
    next_requested = Signal(str)
    """The key of the lesson to open next."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.lesson: Lesson | None = None
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
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.text)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.setMinimumWidth(300)
        self.hide()

    def show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.title.setText(lesson.title)
        paragraphs = [p.strip() for p in lesson.card.split("\n\n") if p.strip()]
        self.text.setText("".join(f"<p>{esc(p)}</p>" for p in paragraphs))
        keys = [x.key for x in LESSONS]
        i = keys.index(lesson.key) if lesson.key in keys else -1
        self.next_button.setEnabled(0 <= i < len(keys) - 1)
        self.show()

    def card_text(self) -> str:
        return self.text.text()

    def _next(self) -> None:
        keys = [x.key for x in LESSONS]
        if self.lesson is not None and self.lesson.key in keys:
            i = keys.index(self.lesson.key)
            if i + 1 < len(keys):
                self.next_requested.emit(keys[i + 1])
