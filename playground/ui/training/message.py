"""``TrainingMessage``: what the training panel's message box (a QLabel under the plots) says.

It shows two things that come and go on their own:

- a **notice**: a settings problem ("Can't train: ..."), the network graph's note, an export's
  result; each replaces the previous one (``notice_key`` says which kind is shown);
- the **outcome** of the run on show: why it diverged, or how it ended.

A diverged run's explanation stays as long as that run is shown (until Reset or the next run
starts), next to any notice: the learner fixing the learning rate passes through "Can't train:
enter a number" while typing, and must still be able to read why the run on screen stopped
at "loss 4e+230". A run that ended well gives way to a notice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

__all__ = ["MESSAGE_STYLE", "TrainingMessage"]

MESSAGE_STYLE = {
    "error": "QLabel { background: #fdecea; color: #8a1c13; border: 1px solid #f5c2bd;"
             " border-radius: 4px; padding: 4px 6px; }",
    "info": "QLabel { background: #eef5fb; color: #0b3c5d; border: 1px solid #c7dcec;"
            " border-radius: 4px; padding: 4px 6px; }",
}


class TrainingMessage:
    """Drives ``label`` (made here when not given; objectName ``training_message``)."""

    def __init__(self, label: QLabel | None = None) -> None:
        self.label = label if label is not None else QLabel()
        self.label.setObjectName("training_message")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._notice = ("", "info")
        self._outcome = ("", "info")
        self.notice_key = ""
        self.label.hide()

    def set_notice(self, text: str, kind: str = "info", key: str = "") -> None:
        """Show ``text`` as the notice ("" clears it); ``key`` names its kind."""
        self._notice = (text, kind)
        self.notice_key = key if text else ""
        self._render()

    def set_outcome(self, text: str, kind: str = "info") -> None:
        """How the run on show ended ("" clears it)."""
        self._outcome = (text, kind)
        self._render()

    def clear(self) -> None:
        self._notice = self._outcome = ("", "info")
        self.notice_key = ""
        self._render()

    @property
    def outcome(self) -> str:
        return self._outcome[0]

    def shown_text(self) -> str:
        return "" if self.label.isHidden() else self.label.text()

    def _render(self) -> None:
        parts = [p for p in (self._notice, self._outcome) if p[0]]
        if len(parts) == 2 and self._outcome[1] != "error":
            parts = parts[:1]  # "Done: ..." gives way to the newer notice
        kind = "error" if any(k == "error" for _t, k in parts) else "info"
        self.label.setText("\n".join(t for t, _k in parts))
        self.label.setStyleSheet(MESSAGE_STYLE[kind] if parts else "")
        self.label.setVisible(bool(parts))
