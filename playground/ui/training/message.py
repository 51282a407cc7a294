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

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.ui.training.plot_feed import score_words

__all__ = ["MESSAGE_STYLE", "TrainingMessage", "outcome_words"]

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

    def area(self) -> QWidget:
        """The message's place under the plots, as tall with a message as without: a "Done"
        line appearing at the end of a run made the plots jump up (they shrank by its height).
        Four lines fit the longest message (why a run diverged) at the plots' width."""
        area = QWidget()
        area.setObjectName("training_message_area")
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.label, 0, Qt.AlignmentFlag.AlignTop)
        box.addStretch(1)
        area.setFixedHeight(4 * self.label.fontMetrics().lineSpacing() + 14)
        area.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        return area

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


def outcome_words(how: str, message: str, run: Any) -> tuple[str, str] | None:
    """(text, kind) of how ``run`` (a ``TrainingRun``) ended: why it diverged and which
    learning rate to try (the worker's ``advice``), or what it reached; None to say nothing."""
    if how == "diverged":
        advice = run.worker.advice if run is not None else None
        if advice is None:
            return f"Training stopped: {message}.", "error"
        return (f"Training stopped: {advice.text}. Set it in Training ▸ Learning rate; the "
                f"curve shows the steps up to there.", "error")
    if how != "done" or run is None or not run.trainer.history:
        return None
    h = run.trainer.history
    rate = run.worker.rate
    paced = f", shown at {rate:g} steps/s (Speed)" if rate else ""
    score = score_words(h[-1].accuracy, run.trainer.task == "regression")
    return (f"Done: {len(h)} steps in {run.trainer.elapsed:.2f} s of computing{paced}; final "
            f"loss {h[-1].loss:.4g}, {score}.", "info")
