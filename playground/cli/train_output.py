"""What ``backprop-playground train`` (and its ``--sweep-lr``) print: the progress bar on
stderr, errors in one line, the final metrics as JSON-safe data. Shared by ``train.py`` and
``train_sweep.py``.
"""

from __future__ import annotations

import math
import sys
from typing import Any, TextIO

from playground.training.config import TrainConfig
from playground.training.trainer import StepMetrics

PROG = "backprop-playground train"

TOO_BIG = ("not enough memory for this run: try fewer samples (--samples), smaller layers "
           "(--hidden) or a smaller batch (--batch-size)")


def error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def config_dict(config: TrainConfig) -> dict[str, Any]:
    d = config.to_dict()
    del d["extra"]
    return d


def json_safe(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_safe(v) for v in x]
    return x


class ProgressBar:
    """A plain-text bar on a stream: redrawn in place on a terminal, a line every 10% otherwise."""

    def __init__(self, total: int, stream: TextIO, width: int = 30,
                 regression: bool = False) -> None:
        self.total = max(total, 1)
        self.regression = regression
        self.stream = stream
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_decile = -1

    def update(self, m: StepMetrics) -> None:
        done = m.step + 1
        frac = min(done / self.total, 1.0)
        filled = round(frac * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        text = (f"[{bar}] {done:>{len(str(self.total))}}/{self.total}  "
                f"loss {m.loss:.4g}  " + (f"R² {m.accuracy:.3f}" if self.regression
                                          else f"acc {100 * m.accuracy:.1f}%"))
        if self.tty:
            self.stream.write("\r" + text)
            self.stream.flush()
            return
        decile = int(frac * 10)
        if decile != self._last_decile:
            self._last_decile = decile
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
