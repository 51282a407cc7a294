"""The Expression tab: type ``a = 2.0`` lines and ``L = (a*b + c) * f``, press Build.

Build replaces the graph on the canvas in one undoable step (``Editor.replace_document``); a
mistake is shown with its line and column, and the cursor jumps there. The parser is
``playground.graph.expr`` (Python syntax read with ``ast``, never evaluated).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from playground.graph.expr import ExprError, parse, supported
from playground.graph.numbers import summary
from playground.teach.lessons import LECTURE_TEXT
from playground.ui.teaching.common import bad_colour, esc, mono, muted_colour


def help_text() -> str:
    """The tab's help, with the ops the op table lists for expressions (``Op.listed``)."""
    return ("One assignment per line: numbers make values, expressions make ops "
            f"({supported(symbols=True)}). The last line is the output.")


class ExpressionPanel(QWidget):
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expression_entry")
        self.teaching = teaching
        self._error_shown = False
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("expression_text")
        self.edit.setAccessibleName("Expression")
        self.edit.setFont(mono())
        self.edit.setPlainText(LECTURE_TEXT.strip())
        self.edit.setTabChangesFocus(True)
        self.edit.textChanged.connect(self._clear_error)
        self.build_button = QPushButton("Build graph", self)
        self.build_button.setObjectName("expression_build")
        self.build_button.setToolTip("Replace the graph with this expression (Ctrl+Enter); "
                                     "Undo brings the old graph back")
        self.build_button.clicked.connect(self.build)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.build)
        self.message = QLabel(self)
        self.message.setObjectName("expression_error")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(help_text(), self)
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {muted_colour(self)}")
        side = QVBoxLayout()
        side.addWidget(self.build_button)
        side.addWidget(self.message)
        side.addWidget(hint)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.edit, 3)
        layout.addLayout(side, 2)

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text.strip())

    def text(self) -> str:
        return self.edit.toPlainText()

    def build(self) -> bool:
        """Parse the text and replace the graph (one undo step). False on a mistake."""
        text = self.text()
        try:
            doc = parse(text)
        except ExprError as exc:
            self.show_error(exc)
            return False
        window = self.teaching.window
        out = doc.output_node()
        first = text.strip().splitlines()[-1].strip() if text.strip() else ""
        card = getattr(self.teaching, "card", None)
        lesson = getattr(card, "lesson", None) if card is not None and not card.isHidden() else None
        if lesson is not None and lesson.tab == "expression":
            with self.teaching.keep_card():  # building is what this lesson asks for
                built = window.editor.replace_document(doc, f"Build {first[:40]}")
        else:
            built = window.editor.replace_document(doc, f"Build {first[:40]}")
        if not built:  # refused: the status bar says why, the old graph stays
            return False
        window.display.reset()  # the old grads belong to the old graph
        window.view.fit_readable()
        ev = window.display.evaluation
        value = ev.results[out].data if ev is not None and out in ev.results else None
        name = doc.display_name(out)
        done = (f"Built {len(doc)} nodes: {name} = {summary(value)}. "
                "Press Backward (Ctrl+B) for grads.")
        self.message.setText(esc(done))
        window.show_status(done)
        return True

    def show_error(self, exc: ExprError) -> None:
        self.message.setText(f"<span style='color:{bad_colour(self)}'>{esc(str(exc))}</span>")
        self._error_shown = True
        if not exc.line:
            return
        block = self.edit.document().findBlockByNumber(exc.line - 1)
        if not block.isValid():
            return
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.MoveAnchor,
                            max(0, min(exc.column - 1, block.length() - 1)))
        self.edit.setTextCursor(cursor)
        mark = QTextEdit.ExtraSelection()
        mark.cursor = QTextCursor(block)
        colour = QColor(bad_colour(self))
        colour.setAlpha(50)
        mark.format.setBackground(colour)
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        self.edit.setExtraSelections([mark])
        self.edit.setFocus()

    def _clear_error(self) -> None:
        """An edit: the mistake (its message and the marked line) was in the old text."""
        if self.edit.extraSelections():
            self.edit.setExtraSelections([])
        if self._error_shown:
            self._error_shown = False
            self.message.setText("")
