"""The run controls under the training settings: Speed, Train/Pause/Step/Reset, progress, status.

``RunControls`` only shows what its panel says (``show_state``, ``set_status``, the progress
calls) and calls the panel's slots when a button is pressed. Nothing in it changes height:
the status is always two lines high, so the buttons never move under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from playground.ui.training.speed import speed_combo

__all__ = ["TRAIN_TIP", "RunControls", "make_button"]

TRAIN_TIP = "Train (or resume)"
STEPS_FORMAT = "%v / %m steps"


def make_button(name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    """A push button named ``name`` (its objectName) that calls ``slot()`` when clicked."""
    b = QPushButton(text)
    b.setObjectName(name)
    b.setToolTip(tip)
    b.setAccessibleName(text)
    b.clicked.connect(lambda _checked=False: slot())
    return b


class RunControls(QWidget):
    """Speed, the four run buttons, the progress bar and the status line."""

    def __init__(
        self,
        train: Callable[[], object],
        pause: Callable[[], object],
        step: Callable[[], object],
        reset: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("run_controls")
        self.train_button = make_button("train", "Train", TRAIN_TIP, train)
        self.pause_button = make_button("pause", "Pause", "Pause training", pause)
        self.step_button = make_button("step", "Step", "Take exactly one training step", step)
        self.reset_button = make_button("reset", "Reset",
                                        "Stop and forget this run (its curves fade into the "
                                        "history only if it finished)", reset)
        self.train_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        slim = self.fontMetrics().horizontalAdvance("Resume") + 18  # the style's 80 px is wide
        for b in (self.train_button, self.pause_button, self.step_button, self.reset_button):
            b.setMinimumWidth(slim)
            buttons.addWidget(b)
        self.speed = speed_combo()
        speed_row = QHBoxLayout()
        speed_row.setSpacing(6)
        speed_label = QLabel("&Speed")
        speed_label.setBuddy(self.speed)
        speed_row.addWidget(speed_label)
        speed_row.addWidget(self.speed, 1)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("training_progress")
        self.progress_bar.setAccessibleName("Training progress")
        self.progress_bar.setTextVisible(True)
        self.status = QLabel()
        self.status.setObjectName("training_status")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Two lines, always: a status growing a line would push the run buttons up.
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)  # the settings column's spacing: as if laid out in it
        box.addLayout(speed_row)
        box.addLayout(buttons)
        box.addWidget(self.progress_bar)
        box.addWidget(self.status)

    def show_state(self, state: str, can_start: bool) -> None:
        """``state``: "idle" (no run), "running", "paused" or "finished"; ``can_start``: the
        settings are fine for a new run."""
        fresh_ok = can_start and state in ("idle", "finished")
        self.train_button.setText("Resume" if state == "paused" else "Train")
        self.train_button.setEnabled(state == "paused" or fresh_ok)
        self.pause_button.setEnabled(state == "running")
        self.step_button.setEnabled(state == "paused" or fresh_ok)
        self.reset_button.setEnabled(state != "idle")

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)

    # --- progress --------------------------------------------------------------------------

    def clear_progress(self) -> None:
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")

    def start_progress(self, steps: int) -> None:
        self.progress_bar.setRange(0, steps)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(STEPS_FORMAT)

    def show_progress(self, steps_done: int, steps_per_second: float) -> None:
        self.progress_bar.setValue(min(steps_done, self.progress_bar.maximum()))
        rate = f" · {steps_per_second:,.0f} steps/s" if steps_per_second else ""
        self.progress_bar.setFormat(f"{STEPS_FORMAT}{rate}")

    def end_progress(self) -> None:
        """The run ended: the rate goes (it no longer says anything)."""
        self.progress_bar.setFormat(STEPS_FORMAT)
