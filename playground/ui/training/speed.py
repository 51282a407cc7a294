"""How fast a run goes: the Speed choices, the combo box that offers them, and ``Pacer``.

The tensor backend does micrograd's 100-step demo in about 0.05 s: far too fast to see the loss
fall or the decision boundary form. So a run is paced to a number of steps a second, "Watch"
(30 steps/s, the demo in about 3 s) by default; "As fast as possible" is still there. The worker
thread asks its ``Pacer`` when the next step is due and waits on its condition variable (pause,
stop and a new speed wake it), so the window's thread never waits for anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

__all__ = ["DEFAULT_SPEED", "SPEEDS", "Pacer", "Speed", "speed_combo"]


@dataclass(frozen=True)
class Speed:
    key: str
    text: str
    rate: float | None
    """Steps per second; None: as fast as the machine goes."""
    tip: str


SPEEDS: tuple[Speed, ...] = (
    Speed("slow", "Slow · 5 steps/s", 5.0,
          "5 steps a second: every step on its own (the lecture's 4 samples, a new network)"),
    Speed("watch", "Watch · 30 steps/s", 30.0,
          "30 steps a second: watch the loss fall and the boundary form (the demo takes ~3 s)"),
    Speed("fast", "Fast · 200 steps/s", 200.0,
          "200 steps a second: longer runs, still animated"),
    Speed("max", "As fast as possible", None,
          "No pacing: the plots show what they can keep up with"),
)
DEFAULT_SPEED = "watch"


def speed_combo() -> QComboBox:
    """The Speed combo box (objectName ``training_speed``); its item data is the rate."""
    box = QComboBox()
    box.setObjectName("training_speed")
    box.setAccessibleName("Speed")
    box.setToolTip("How many training steps a second, so you can watch it learn; "
                   "it can change while training")
    for i, s in enumerate(SPEEDS):
        box.addItem(s.text, s.rate)
        box.setItemData(i, s.tip, Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(next(i for i, s in enumerate(SPEEDS) if s.key == DEFAULT_SPEED))
    return box


class Pacer:
    """When the next step is due at ``rate`` steps per second (None: at once).

    Steps come one period apart. A step slower than the period (the scalar backend, a window
    busy drawing) is followed at once, but the lost time is not made up with a burst of steps.
    """

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self.rate: float | None = None
        self._due = clock()
        self.set_rate(rate)

    def set_rate(self, rate: float | None) -> None:
        self.rate = rate if rate is not None and rate > 0 else None
        if self.rate is not None:  # Slow -> Fast: the next step waits one new period at most
            self._due = min(self._due, self._clock() + 1.0 / self.rate)

    def restart(self) -> None:
        """The next step is due now (after a pause)."""
        self._due = self._clock()

    def delay(self) -> float:
        """Seconds until the next step is due (0: take it now)."""
        if self.rate is None:
            return 0.0
        return max(0.0, self._due - self._clock())

    def stepped(self) -> None:
        """A step was taken: the next one is due a period after this one was."""
        rate = self.rate  # read once: the window's thread may change it meanwhile
        if rate is not None:
            self._due = max(self._due + 1.0 / rate, self._clock())
