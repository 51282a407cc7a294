"""Why a run diverged, in a sentence a learner can act on, with a learning rate to try. No Qt.

``Trainer`` stops a run whose loss or weights blow up (``Trainer.diverged_at``). ``explain``
turns that into "diverged: step 1's update blew up (at step 2 the loss grew to 1e+08): a
learning rate of 1000 is too big for this model; try ≤ 1". Steps are counted from 1 here, as
the training panel counts them (its progress bar, its status line, the runs table): the step
that shows the blow-up is the trainer's ``diverged_at`` + 1 (its index counts from 0, as
micrograd's demo prints them), and the update that caused it is the step before, number
``diverged_at``; no update is applied after it. The number comes from ``probe_lr``: a few short
runs of the same config (same data, same starting weights) at smaller learning rates, one power
of ten apart, keeping the largest whose loss goes down without diverging. The probe runs on the
tensor backend whatever the config says (the scalar backend follows the same curve to rounding,
hundreds of times slower) and stops after ``PROBE_SECONDS``; without a probe the advice is a
tenth of the learning rate.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from playground.training.config import Prepared
from playground.training.trainer import Trainer

__all__ = ["PROBE_SECONDS", "PROBE_STEPS", "Explanation", "explain", "probe_lr"]

PROBE_STEPS = 20
"""Steps of each probing run: enough for a too-big rate to blow up (most do in 1-3 steps)."""
PROBE_SECONDS = 1.0
"""The probe's time budget; it returns the best rate found so far when it runs out."""
SMALLEST = 1e-6
"""The smallest learning rate the probe tries."""
LARGEST = 100.0
"""The largest it tries: no model here trains above it, and starting at 1e79 for a rate of
1e80 would spend the probe's time on hopeless rates."""


@dataclass(frozen=True)
class Explanation:
    text: str
    """One sentence: where it diverged, why, and what to try."""
    suggested_lr: float | None
    """The learning rate to try (None: the probe found none that trains)."""
    probed: bool
    """Whether ``suggested_lr`` comes from a probe (else it is a tenth of the rate)."""


def candidates(lr: float) -> list[float]:
    """Powers of ten below ``lr`` (and at most ``LARGEST``), the largest first, down to
    ``SMALLEST``: 1000 -> 100, 10, 1, 0.1, ...; 3 -> 1, 0.1, ...; 1e80 -> 100, 10, ..."""
    if not (math.isfinite(lr) and lr > 0):
        return []
    top = math.floor(math.log10(lr))
    if 10.0 ** top >= lr:  # lr is itself a power of ten
        top -= 1
    top = min(top, round(math.log10(LARGEST)))
    bottom = round(math.log10(SMALLEST))
    return [float(f"1e{e}") for e in range(top, bottom - 1, -1)]


def trains(trainer: Trainer, steps: int) -> bool:
    """Whether ``steps`` steps neither diverge nor end with a loss above the first one."""
    with np.errstate(all="ignore"):
        history = trainer.run(steps)
    if trainer.stopped_reason is not None or not history:
        return False
    return history[-1].loss <= history[0].loss


def probe_lr(prepared: Prepared, steps: int = PROBE_STEPS,
             seconds: float = PROBE_SECONDS) -> float | None:
    """The largest power of ten below ``prepared.config.lr`` at which ``steps`` steps of the
    config make the loss go down without diverging; None if none does within ``seconds``."""
    return _probe(prepared, steps, seconds)[0]


def _probe(prepared: Prepared, steps: int, seconds: float) -> tuple[float | None, bool]:
    """(the rate found or None, whether every candidate was tried)."""
    config = prepared.config
    deadline = time.perf_counter() + seconds
    for lr in candidates(config.lr):
        if time.perf_counter() >= deadline:
            return None, False
        probe = replace(config, lr=lr, steps=steps, backend="tensor")
        try:
            if trains(Trainer(probe, prepared), steps):
                return lr, True
        except (ValueError, MemoryError, OverflowError, FloatingPointError):
            return None, False
    return None, True


def explain(trainer: Trainer, prepared: Prepared | None = None, probe: bool = True,
            seconds: float = PROBE_SECONDS) -> Explanation | None:
    """Why ``trainer``'s run diverged and what to try; None if it did not diverge.

    ``prepared``: what the run was made from (its data), needed for the probe; without it (or
    with ``probe=False``) the advice is a tenth of the learning rate."""
    if trainer.diverged_at is None:
        return None
    config = trainer.config
    k = trainer.diverged_at
    grew = _what_grew(trainer.stopped_reason or "")
    if k == 0:  # before any update: the data or the model, not a step
        where, what = "diverged at step 1", f" ({grew})" if grew else ""
    else:
        where = f"diverged: step {k}'s update blew up"
        what = f" (at step {k + 1} {grew})" if grew else ""
    suggested: float | None = None
    probed = False
    if probe and prepared is not None:
        suggested, tried_all = _probe(replace(prepared, config=config), PROBE_STEPS, seconds)
        probed = suggested is not None
        if suggested is None and tried_all:
            return Explanation(
                f"{where}{what}: even learning rates down to {SMALLEST:g} did not make the loss "
                f"go down in a quick probe of {PROBE_STEPS} steps; the data's numbers may be too "
                f"large for this model (try scaling them), or try the adam optimizer", None, True)
    if suggested is None:  # no probe, or no time to finish it
        suggested = config.lr / 10
    how = (f"a quick {PROBE_STEPS}-step probe at {suggested:g} brings the loss down" if probed
           else "a tenth of it")
    return Explanation(
        f"{where}{what}: a learning rate of {config.lr:g} is too big for this model; try ≤ "
        f"{suggested:g} ({how})", suggested, probed)


def _what_grew(reason: str) -> str:
    """"the loss grew to 1e+08" or "the loss became NaN" ("" if the trainer's reason says
    neither)."""
    if reason.startswith("diverged at step"):
        _, _, rest = reason.partition(": ")
        rest = rest.split(", more than")[0]
    else:  # "loss became NaN at step 12: try a lower learning rate"
        rest = "the " + reason.split(" at step")[0]
    return rest if rest.strip() not in ("", "the") else ""
