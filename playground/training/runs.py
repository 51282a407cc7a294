"""The runs a learner has made, side by side: what each one changed and how it ended. No Qt.

A ``RunRecord`` is one finished (or stopped) training run as plain data: its ``TrainConfig``,
its curves, its final train/test loss and score, its steps and computing time, and why it
stopped early if it did. Its ``label`` says what differs from the run recorded before it
("lr 0.1", "relu 8-8", "adam"; ``config_changes``), so a legend or a table of runs reads as
the story of what the learner tried. The first run's label describes it (``describe``).

``RunHistory`` keeps them in order (at most ``MAX_RUNS``; the oldest go first), numbers them
from 1, and says which runs an axis should fit (``scaled_runs``: a diverged run's 1e9 must not
squash the others). The training panel records every run it finishes; a learning-rate sweep
records its runs with a shared ``group``.

    history = RunHistory()
    record = history.add_trainer(trainer)      # after trainer.run()
    record.label, record.final.loss, record.diverged
    history.records[-1].config                  # load it back into the form
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from playground.training.config import TrainConfig

if TYPE_CHECKING:
    from playground.training.trainer import StepMetrics, Trainer

__all__ = [
    "MAX_RUNS",
    "OUTCOMES",
    "Curves",
    "Final",
    "RunHistory",
    "RunRecord",
    "config_changes",
    "describe",
]

MAX_RUNS = 50
"""Runs kept; older ones are dropped first (each keeps its curves: a few arrays of floats)."""

OUTCOMES: tuple[str, ...] = ("done", "stopped", "diverged")
""""done": every planned step; "stopped": the learner stopped it (Reset, a new run);
"diverged": the loss or the weights blew up (``Trainer.stopped_reason`` says how)."""

MAX_LABEL_CHANGES = 3
"""Changes a label names before "+N more" (the table lists them all)."""


@dataclass(frozen=True, eq=False)
class Curves:
    """One run's per-step numbers as arrays of equal length (nan where there is no test split)."""

    steps: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray
    accuracy: np.ndarray
    test_accuracy: np.ndarray

    @classmethod
    def of(cls, history: Sequence[StepMetrics]) -> Curves:
        def col(name: str) -> np.ndarray:
            values = [getattr(m, name) for m in history]
            return np.array([np.nan if v is None else v for v in values], dtype=float)

        return cls(np.array([m.step for m in history], dtype=int), col("loss"), col("test_loss"),
                   col("accuracy"), col("test_accuracy"))

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def has_test(self) -> bool:
        return bool(np.any(~np.isnan(self.test_loss)))


@dataclass(frozen=True)
class Final:
    """A run's numbers at its end: loss (with L2) and score on the train split, data loss and
    score on the test split (None without one). The score is accuracy, or R² on a regression."""

    loss: float | None = None
    accuracy: float | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None

    @classmethod
    def from_evaluation(cls, result: dict[str, Any]) -> Final:
        """From ``Trainer.evaluate()``'s dict."""
        return cls(*(_number(result.get(k)) for k in
                     ("loss", "accuracy", "test_loss", "test_accuracy")))

    @classmethod
    def of(cls, trainer: Trainer) -> Final:
        """The trainer's current parameters on the whole train and test splits (a full pass:
        run it off the GUI thread)."""
        return cls.from_evaluation(trainer.evaluate()) if trainer.history else cls()

    @classmethod
    def from_last_step(cls, history: Sequence[StepMetrics]) -> Final:
        """From the last step's metrics (the weights before that step's update)."""
        if not history:
            return cls()
        m = history[-1]
        return cls(_number(m.loss), _number(m.accuracy), _number(m.test_loss),
                   _number(m.test_accuracy))


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One run; see the module docstring."""

    number: int
    """1, 2, 3... in the order the runs were recorded (never reused after a removal)."""
    config: TrainConfig
    label: str
    """What differs from the run before ("lr 0.1, adam"), or a description of the first run."""
    changes: tuple[str, ...]
    """Each difference from the run before, as the label's words; () for the first run."""
    outcome: str
    """One of ``OUTCOMES``."""
    steps: int
    elapsed: float
    """Seconds of computing (``Trainer.elapsed``), not of pacing or pauses."""
    final: Final
    curves: Curves
    stopped_reason: str | None = None
    """Why it ended early, in a sentence (None for "done")."""
    task: str = "classification"
    """"classification" or "regression" (then the scores are R²)."""
    group: str = ""
    """A name shared by runs made together (a learning-rate sweep); "" for a single run."""

    @property
    def diverged(self) -> bool:
        return self.outcome == "diverged"

    @property
    def title(self) -> str:
        """``#3 lr 0.1``: the number and the label, as a legend shows it."""
        return f"#{self.number} {self.label}"

    def row(self) -> dict[str, Any]:
        """The run as a table row of plain values (None where there is no number)."""
        return {
            "run": self.number, "label": self.label, "changes": list(self.changes),
            "outcome": self.outcome, "steps": self.steps, "seconds": self.elapsed,
            "train_loss": self.final.loss, "train_score": self.final.accuracy,
            "test_loss": self.final.test_loss, "test_score": self.final.test_accuracy,
            "task": self.task, "stopped_reason": self.stopped_reason, "group": self.group,
        }


class RunHistory:
    """The recorded runs in order; see the module docstring."""

    def __init__(self, limit: int = MAX_RUNS) -> None:
        self.limit = max(1, limit)
        self.records: list[RunRecord] = []
        self._next = 1

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def get(self, number: int) -> RunRecord | None:
        return next((r for r in self.records if r.number == number), None)

    @property
    def last(self) -> RunRecord | None:
        return self.records[-1] if self.records else None

    @property
    def next_number(self) -> int:
        """The number the next recorded run gets (a run under way shows it as its own)."""
        return self._next

    def label_for(self, config: TrainConfig) -> tuple[tuple[str, ...], str]:
        """(changes, label) a run of ``config`` recorded now would get."""
        previous = self.last
        if previous is None:
            return (), describe(config)
        changes = tuple(config_changes(previous.config, config))
        return changes, _label(changes)

    def add(
        self, config: TrainConfig, history: Sequence[StepMetrics], *, elapsed: float,
        outcome: str = "done", stopped_reason: str | None = None, final: Final | None = None,
        task: str = "classification", group: str = "",
    ) -> RunRecord:
        """Record a run; its label compares ``config`` with the last recorded run's."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r} (choose from {', '.join(OUTCOMES)})")
        changes, label = self.label_for(config)
        record = RunRecord(
            number=self._next, config=config, label=label, changes=changes, outcome=outcome,
            steps=len(history), elapsed=elapsed,
            final=final if final is not None else Final.from_last_step(history),
            curves=Curves.of(history), stopped_reason=stopped_reason, task=task, group=group,
        )
        self._next += 1
        self.records.append(record)
        del self.records[:-self.limit]
        return record

    def add_trainer(self, trainer: Trainer, outcome: str | None = None,
                    final: Final | None = None, group: str = "") -> RunRecord:
        """Record what ``trainer`` did. ``outcome`` None: "diverged" when it stopped on bad
        numbers, else "done". ``final`` None: the last step's metrics (``Final``)."""
        if outcome is None:
            outcome = "diverged" if trainer.stopped_reason else "done"
        return self.add(trainer.config, trainer.history, elapsed=trainer.elapsed,
                        outcome=outcome, stopped_reason=trainer.stopped_reason, final=final,
                        task=trainer.task, group=group)

    def remove(self, number: int) -> None:
        self.records = [r for r in self.records if r.number != number]

    def clear(self) -> None:
        """Forget every run (the numbering goes on: "#4" never means two runs)."""
        self.records = []

    def scaled_runs(self, shown: Sequence[RunRecord] | None = None) -> list[RunRecord]:
        """The runs an axis should fit: of ``shown`` (default all), those that did not diverge
        and whose losses are all finite. If none are, all of ``shown``."""
        runs = list(self.records if shown is None else shown)
        calm = [r for r in runs if not r.diverged and np.all(np.isfinite(r.curves.loss))]
        return calm or runs


# --- labels ---------------------------------------------------------------------------------

_DATA = ("dataset", "csv_path", "csv_label", "function", "x_min", "x_max", "task", "n_samples",
         "noise", "n_classes", "test_fraction")
_SKIP = frozenset({"extra"})


def describe(config: TrainConfig) -> str:
    """A short description of a run for its label when nothing came before: ``moons, relu
    16-16, sgd lr 1``."""
    words = (_dataset_words(config), _model_words(config), f"{config.optimizer} lr {_g(config.lr)}")
    return ", ".join(words)


def config_changes(before: TrainConfig, after: TrainConfig) -> list[str]:
    """What ``after`` changes from ``before``, in a learner's words, in the form's order:
    ``["relu 8-8", "adam", "lr 0.1"]``. A field added to ``TrainConfig`` later is named by
    itself ("forget zero grad on") until it gets words of its own here."""
    out: list[str] = []
    changed = {f.name for f in fields(TrainConfig)
               if f.name not in _SKIP and getattr(before, f.name) != getattr(after, f.name)}

    def take(*names: str) -> bool:
        hit = bool(changed & set(names))
        changed.difference_update(names)
        return hit

    if take("dataset", "csv_path", "csv_label", "function", "task"):
        out.append(_dataset_words(after))
    if take("x_min", "x_max"):
        out.append(f"x from {_g(after.x_min)} to {_g(after.x_max)}")
    if take("n_samples"):
        out.append("default samples" if after.n_samples is None else f"{after.n_samples} samples")
    if take("noise"):
        out.append("default noise" if after.noise is None else f"noise {_g(after.noise)}")
    if take("n_classes"):
        out.append(f"{after.n_classes} classes")
    if take("test_fraction"):
        out.append(f"test {after.test_fraction:.0%}" if after.test_fraction else "no test split")
    if take("hidden", "activation"):
        out.append(_model_words(after))
    if take("output_activation"):
        out.append(f"{after.output_activation or 'default'} output")
    if take("loss"):
        out.append(f"{after.loss} loss")
    if take("l2"):
        out.append(f"L2 {_g(after.l2)}")
    if take("optimizer"):
        out.append(after.optimizer)
    if take("lr"):
        out.append(f"lr {_g(after.lr)}")
    if take("momentum"):
        out.append(f"momentum {_g(after.momentum)}")
    if take("weight_decay"):
        out.append(f"weight decay {_g(after.weight_decay)}")
    if take("schedule"):
        out.append(f"{after.schedule} schedule")
    if take("batch_size"):
        out.append(f"batch {after.batch_size}" if after.batch_size else "full batch")
    if take("steps"):
        out.append(f"{after.steps} steps")
    if take("seed"):
        out.append(f"seed {after.seed}")
    if take("backend"):
        out.append(f"{after.backend} backend")
    for f in fields(TrainConfig):  # fields this function has no words for yet
        if f.name in changed:
            out.append(f"{f.name.replace('_', ' ')} {_value_words(getattr(after, f.name))}")
    return out


def _label(changes: Sequence[str]) -> str:
    if not changes:
        return "same settings"
    if len(changes) <= MAX_LABEL_CHANGES:
        return ", ".join(changes)
    shown = ", ".join(changes[:MAX_LABEL_CHANGES])
    return f"{shown} +{len(changes) - MAX_LABEL_CHANGES} more"


def _dataset_words(c: TrainConfig) -> str:
    if c.dataset == "csv":
        name = c.csv_path.replace("\\", "/").rsplit("/", 1)[-1] or "CSV"
        return f"{name} ({c.task})" if c.task != "auto" else name
    if c.dataset in ("function", "function_classes"):
        return f"y = {c.function}" if c.dataset == "function" else f"above y = {c.function}"
    return c.dataset


def _model_words(c: TrainConfig) -> str:
    if not c.hidden:
        return f"{c.activation}, no hidden layer"
    return f"{c.activation} {'-'.join(str(h) for h in c.hidden)}"


def _g(x: float) -> str:
    return f"{x:g}"


def _value_words(v: Any) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return _g(v)
    return str(v)


def _number(x: Any) -> float | None:
    """A float, or None for a missing number (nan and inf stay: a diverged run shows them)."""
    if x is None:
        return None
    return float(x)
