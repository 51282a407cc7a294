"""The training panel's runs, compared: which runs there are, which are hidden, and the two
views of them (the plots' curves and legend, the table of runs), kept in step.

``RunCompare`` owns the ``RunHistory`` (headless, ``playground.training.runs``) and the set
of hidden run numbers. The panel tells it when a run begins (``begin``: the number and label
the plots show while it trains) and when it ends (``record``: done, diverged, or stopped by
Reset or by the next run; a run is recorded once, and only if it took a step). The legend's
clicks and the table's boxes hide and show runs; the table's "Load settings" hands a run's
config to the panel's ``load`` callback (the form takes it like a preset).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playground.training.config import TrainConfig
from playground.training.runs import Final, RunHistory, RunRecord
from playground.ui.training.run_table import RunTable

__all__ = ["RunCompare"]


class RunCompare:
    """See the module docstring."""

    def __init__(self, table: RunTable,
                 load: Callable[[RunRecord], None]) -> None:
        self.runs = RunHistory()
        self.hidden: set[int] = set()
        """Numbers of the runs whose curves are hidden."""
        self.table = table
        self.plots: Any = None
        self._load = load
        self.number = 0
        """The number the run on show has (or will have) in ``runs``."""
        self._recorded = True
        table.visibility_changed.connect(self.set_shown)
        table.load_requested.connect(self.load)

    def attach_plots(self, plots: Any) -> None:
        """The plots, once made (they import matplotlib, so they come late)."""
        self.plots = plots
        plots.run_toggled.connect(self.toggle)
        plots.clear_requested.connect(self.clear)
        self.show()

    def begin(self, config: TrainConfig) -> tuple[int, str]:
        """A run of ``config`` starts: (its number, its label) for the plots."""
        self.number, self._recorded = self.runs.next_number, False
        self.hidden.discard(self.number)
        return self.number, self.runs.label_for(config)[1]

    def record(self, run: Any, how: str, reason: str | None = None) -> None:
        """Record ``run`` (a ``TrainingRun``) once, if it took a step. ``how``: "done",
        "diverged", anything else is "stopped"; ``reason``: why it diverged, in words."""
        if run is None or self._recorded:
            return
        trainer = run.trainer
        history = list(trainer.history)  # the worker may still append: take what is there
        if not history:
            return
        self._recorded = True
        final = run.worker.final if run.state == "finished" else None
        outcome = how if how in ("done", "diverged") else "stopped"
        stopped = reason or trainer.stopped_reason
        if outcome == "stopped":
            stopped = f"stopped by you after {len(history)} of {trainer.config.steps} steps"
        self.runs.add(trainer.config, history, elapsed=trainer.elapsed, outcome=outcome,
                      stopped_reason=stopped,
                      final=final if final is not None else Final.from_last_step(history),
                      task=trainer.task)

    def show(self) -> None:
        """Both views show the runs as they are now."""
        self.hidden &= {r.number for r in self.runs} | {self.number}
        if self.plots is not None:
            self.plots.set_runs(self.runs.records, self.hidden)
        self.table.show_runs(self.runs.records, self.hidden)

    def set_shown(self, number: int, shown: bool) -> None:
        if shown:
            self.hidden.discard(number)
        else:
            self.hidden.add(number)
        self.show()

    def toggle(self, number: int) -> None:
        self.set_shown(number, number in self.hidden)

    def clear(self) -> None:
        """Forget the earlier runs; the run on show in the plots (if any) stays."""
        on_show = self.plots.current_number if self.plots is not None else 0
        for record in list(self.runs):
            if record.number != on_show:
                self.runs.remove(record.number)
        self.show()

    def load(self, number: int) -> None:
        record = self.runs.get(number)
        if record is not None:
            self._load(record)
