"""The window's messages: a status bar that elides, the recent messages, refusals on the canvas.

- ``ElidingStatusBar``: Qt's status bar draws a long message up to the permanent state label
  on the right and cuts it mid-letter ("…negativ(data up to date"). This one ends it with "…"
  before a clear gap, and its tooltip holds the whole sentence.
- ``MessageLog``: every status message with its time, newest first, at most ``KEEP``; a
  message said again (a graph problem repeated while it lasts) counts up instead of filling
  the list. View ▸ Messages shows it (``MessagesDock``), refusals marked ✖.
- ``Messages.refused``: the editor refused an edit. Besides the status bar, when the learner
  is working on the canvas the sentence appears there, in a bubble at the cursor
  (``GraphScene.show_bubble``); the canvas's own gestures put theirs at the port or card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizeGrip,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from playground.ui.widgets.wrap_label import WrapLabel

KEEP = 200
"""How many messages View ▸ Messages keeps."""
GAP = 16
"""Pixels between the end of an elided message and the state label."""
REFUSAL_MARK = "✖"
DOCK_HEIGHT = 170
"""View ▸ Messages' height when it first opens under the canvas."""


class ElidingStatusBar(QStatusBar):
    """A status bar whose temporary message ends in "…" before the permanent widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(self._message_changed)

    def message_rect(self) -> QRect:
        """Where the message is drawn: from the left edge to ``GAP`` before the first visible
        widget on the right (the state label)."""
        right = self.width() - 12
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible() and not isinstance(child, QSizeGrip) and child.width() > 0:
                right = min(right, child.geometry().left() - GAP)
        return QRect(6, 0, max(0, right - 6), self.height())

    def shown_message(self) -> str:
        """The message as drawn: elided to fit ``message_rect``."""
        text = " ".join(self.currentMessage().split())
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                             self.message_rect().width())

    def _message_changed(self, text: str) -> None:
        self.setToolTip(text if text and self.shown_message() != " ".join(text.split()) else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._message_changed(self.currentMessage())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.message_rect(),
                         int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
                             | Qt.TextFlag.TextSingleLine), self.shown_message())


@dataclass
class Entry:
    time: datetime
    text: str
    count: int = 1
    refusal: bool = False

    def line(self) -> str:
        mark = f"{REFUSAL_MARK} " if self.refusal else ""
        times = f"  (×{self.count})" if self.count > 1 else ""
        return f"{self.time:%H:%M:%S}  {mark}{self.text}{times}"


class MessageLog(QObject):
    """The recent messages, newest first (``entries``)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None, keep: int = KEEP) -> None:
        super().__init__(parent)
        self.keep = keep
        self.entries: list[Entry] = []

    def add(self, text: str, refusal: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        newest = self.entries[0] if self.entries else None
        if newest is not None and newest.text == text:
            newest.count += 1
            newest.time = datetime.now()
            newest.refusal = newest.refusal or refusal
        else:
            self.entries.insert(0, Entry(datetime.now(), text, refusal=refusal))
            del self.entries[self.keep:]
        self.changed.emit()

    def mark_refusal(self, text: str) -> None:
        """``text``, just said, was a refusal (shown in a bubble on the canvas)."""
        newest = self.entries[0] if self.entries else None
        if newest is not None and newest.text == text.strip() and not newest.refusal:
            newest.refusal = True
            self.changed.emit()

    def lines(self) -> list[str]:
        return [e.line() for e in self.entries]


class MessagesDock(QDockWidget):
    """View ▸ Messages: the log, newest first."""

    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__("Messages", parent)
        self.setObjectName("messages_dock")
        self.log = log
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        note = WrapLabel(f"What the status bar said, newest first (the last {log.keep}). "
                         f"{REFUSAL_MARK}: an edit that was refused; nothing changed.", body)
        note.setObjectName("messages_note")
        self.list = QListWidget(body)
        self.list.setObjectName("messages_list")
        self.list.setAccessibleName("Recent messages")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        self.setWidget(body)
        log.changed.connect(self.refresh)
        self.visibilityChanged.connect(self._visible)
        self.refresh()

    def _visible(self, visible: bool) -> None:
        if visible:
            self.refresh()

    def refresh(self) -> None:
        if not self.isVisible() and self.list.count():
            return  # filled when shown: a hidden list costs nothing per message
        self.list.clear()
        for entry in self.log.entries:
            item = QListWidgetItem(entry.line())
            item.setToolTip(entry.text)
            if entry.refusal:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.list.addItem(item)


class Messages(QObject):
    """The window's messages: its status bar, log and dock (see the module docstring)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        # The main window (its view, scene, show_status), not imported: it imports this.
        self.window: Any = window
        window.setStatusBar(ElidingStatusBar(window))
        self.log = MessageLog(self)
        self.dock = MessagesDock(self.log, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self._sized = False
        self.dock.visibilityChanged.connect(self._first_shown)

    def _first_shown(self, visible: bool) -> None:
        """A strip under the canvas, not half of it (Qt would split the height evenly)."""
        if visible and not self._sized and not self.dock.isFloating():
            self._sized = True
            self.window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    def said(self, text: str) -> None:
        """The status bar says ``text``: keep it."""
        self.log.add(text)

    def refused(self, text: str) -> None:
        """The editor refused an edit: the status bar, and a bubble on the canvas if that is
        where the learner is working (the canvas's gestures put theirs where they happened)."""
        w = self.window
        w.show_status(text)
        self.log.mark_refusal(text)
        view = w.view
        if view.isVisible() and view.hasFocus():
            bubble = w.scene.bubble
            if bubble is None or bubble.text != text:
                w.scene.show_bubble(text)

    def bubble_shown(self, text: str) -> None:
        self.log.mark_refusal(text)
