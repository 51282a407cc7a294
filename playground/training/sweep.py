"""A learning-rate sweep: the same run at five learning rates over a log range, side by side.

``Sweep(config, rates)`` makes one ``Trainer`` per rate (everything else, the seed included, as
``config`` says, so the curves differ by the learning rate alone) and ``step()`` takes one step of
each, round-robin, so all curves grow together: the training panel runs it in a worker thread
and draws the curves as they come; the ``train --sweep-lr LO:HI`` command runs it to the end.

Its result is plain data, a list of ``(lr, losses)`` (one loss per step taken), so other views
(a table of runs) can take it as it is. ``verdict`` puts each curve in words: a rate that is too
small learns slowly, one that is too big jumps about or blows up.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from playground.training.config import TrainConfig, prepare
from playground.training.trainer import ConfigError, StepMetrics, Trainer, TrainingStopped

__all__ = ["SWEEP_SIZE", "Sweep", "loss_range", "parse_range", "sweep_rates", "verdict",
           "verdicts"]

SWEEP_SIZE = 5
"""How many learning rates a sweep tries."""
SLOW = 0.5
"""A curve whose loss ends above this share of its start learned slowly."""
JUMPY = 0.25
"""A curve that goes up on more than this share of its steps is unstable."""


def sweep_rates(lo: float, hi: float, n: int = SWEEP_SIZE) -> list[float]:
    """``n`` learning rates from ``lo`` to ``hi``, evenly spaced on a log scale (rounded to
    three significant digits, so they read well: 0.001, 0.00562, 0.0316, 0.178, 1)."""
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
        raise ValueError(f"a learning-rate range needs 0 < low < high (got {lo:g} to {hi:g})")
    return [float(f"{r:.3g}") for r in np.geomspace(lo, hi, n)]


def parse_range(text: str) -> tuple[float, float]:
    """``"1e-3:1"`` (or ``"1e-3,1"``) -> ``(0.001, 1.0)``; ``ValueError`` saying what is wrong."""
    parts = [t.strip() for t in text.replace(",", ":").split(":")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"{text!r}: write the range as LOW:HIGH, e.g. 1e-3:1")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"{text!r}: LOW and HIGH must be numbers, e.g. 1e-3:1") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
        raise ValueError(f"{text!r}: need 0 < LOW < HIGH, e.g. 1e-3:1")
    return lo, hi


class Sweep:
    """One ``Trainer`` per learning rate, stepped round-robin; see the module docstring.

    Raises ``ConfigError`` (with the problems) if ``config`` cannot train."""

    def __init__(self, config: TrainConfig, rates: Sequence[float]) -> None:
        prepared = prepare(config)
        if not prepared.ok:
            raise ConfigError(prepared.problems)
        self.config = config
        self.rates = [float(r) for r in rates]
        # one dataset for all of them: only the learning rate differs
        self.trainers = [Trainer(replace(config, lr=r), prepared) for r in self.rates]
        self.losses: list[list[float]] = [[] for _ in self.rates]

    @property
    def done(self) -> bool:
        return all(t.done for t in self.trainers)

    def step(self) -> list[tuple[int, StepMetrics]]:
        """One step of every run still going: ``(index, metrics)`` of each step taken."""
        out = []
        for i, t in enumerate(self.trainers):
            if t.done:
                continue
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    m = t.step()
            except TrainingStopped:
                continue
            self.losses[i].append(m.loss)
            out.append((i, m))
        return out

    def run(self, callback: Callable[[list[tuple[int, StepMetrics]]], None] | None = None,
            ) -> list[tuple[float, list[float]]]:
        while not self.done:
            taken = self.step()
            if callback is not None:
                callback(taken)
        return self.result()

    def result(self) -> list[tuple[float, list[float]]]:
        """``[(lr, losses), ...]`` in the order of the rates."""
        return [(r, list(ls)) for r, ls in zip(self.rates, self.losses, strict=True)]

    def stopped_reasons(self) -> list[str | None]:
        return [t.stopped_reason for t in self.trainers]


def verdict(losses: Sequence[float], steps: int, stopped: bool = False) -> str:
    """One curve in a few words: "blew up", "worse", "unstable", "slow" or "learns"."""
    if stopped or (losses and not math.isfinite(losses[-1])):
        return f"blew up at step {len(losses)}"
    if len(losses) < 2:
        return "no steps yet"
    first, last = losses[0], losses[-1]
    if last > 10 * first:
        return "blew up: the loss grew"
    if last >= first and len(losses) >= steps:
        return "worse: the loss ended above its start"
    ups = sum(1 for a, b in itertools.pairwise(losses) if b > a * 1.001)
    if ups > JUMPY * (len(losses) - 1):
        return "unstable: the loss jumps up and down"
    if len(losses) >= steps and last > SLOW * first:
        return f"slow: the loss fell only {1 - last / first:.0%}"
    return "learns"


def verdicts(result: Sequence[tuple[float, Sequence[float]]], steps: int,
             stopped: Sequence[bool] | None = None) -> list[str]:
    """``verdict`` for each curve; the lowest final loss among those that did not blow up or
    end worse is called the best (too small and too big read against the one that worked)."""
    stopped = stopped or [False] * len(result)
    words = [verdict(ls, steps, s) for (_lr, ls), s in zip(result, stopped, strict=True)]
    finals = [ls[-1] if ls and w.startswith(("learns", "unstable", "slow")) else math.inf
              for (_lr, ls), w in zip(result, words, strict=True)]
    if finals and math.isfinite(min(finals)):
        best = finals.index(min(finals))
        jumpy = words[best].startswith("unstable")
        words[best] = "best: lowest loss, though jumpy" if jumpy else "best: lowest loss"
    return words


def loss_range(result: Sequence[tuple[float, Sequence[float]]]) -> tuple[float, float]:
    """One log-scale range for every curve of a sweep, so they compare at a glance: down to
    the lowest positive loss, up to 10x the highest starting loss (a run that blew up leaves
    through the top instead of flattening the others onto the floor)."""
    firsts = [ls[0] for _lr, ls in result if ls and math.isfinite(ls[0]) and ls[0] > 0]
    values = [v for _lr, ls in result for v in ls if math.isfinite(v) and v > 0]
    if not firsts or not values:
        return (1e-3, 10.0)
    hi = 10 * max(firsts)
    lo = min(min(values), hi / 100)
    return (lo / 2, hi)
