"""The compared runs on the training plots: each recorded run's curves in its own colour.

``TrainingPlots`` draws the run under way with its live (blitted) lines; every other recorded
run (``playground.training.runs.RunRecord``) is drawn here as still lines on the loss and the
accuracy axes, in the run's colour (``run_color``: the same colour the run had while it
trained, and the same in the table of runs), train solid and test dashed. Hidden runs keep
their lines, invisible. The lines are part of the saved background, so they cost nothing per
frame; showing, hiding or adding a run is one full redraw.

``legend_handles`` gives the loss legend's entries: one per run (its number and label, shortened),
a hidden run's greyed out, so that a click on it shows it again (``TrainingPlots`` wires the
clicks: ``run_of(artist)``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.lines import Line2D

from playground.training.runs import RunRecord
from playground.ui.training.plot_scale import shown
from playground.ui.training.run_colors import RUN_COLORS, run_color

__all__ = ["LEGEND_RUNS", "RUN_COLORS", "RunCurves", "legend_label", "run_color"]

LEGEND_RUNS = 6
"""Runs the legend names (the latest); the table of runs lists them all."""
LEGEND_CHARS = 30
EARLIER_ALPHA = 0.75
"""Earlier runs are a little lighter than the run under way, still easy to tell apart."""
HIDDEN_ALPHA = 0.25


def legend_label(record_number: int, label: str) -> str:
    text = f"#{record_number} {label}"
    return text if len(text) <= LEGEND_CHARS else text[:LEGEND_CHARS - 1] + "…"


class RunCurves:
    """The earlier runs' lines on ``ax_loss`` and ``ax_acc``; see the module docstring."""

    def __init__(self, ax_loss, ax_acc) -> None:
        self.ax_loss, self.ax_acc = ax_loss, ax_acc
        self._lines: dict[int, list[Line2D]] = {}
        self.records: list[RunRecord] = []
        """The runs drawn here (the run under way is not one of them)."""
        self.hidden: set[int] = set()

    def show(self, records: Iterable[RunRecord], hidden: set[int]) -> bool:
        """Draw these runs (hide those numbered in ``hidden``); True if anything changed."""
        records = list(records)
        wanted = {r.number for r in records}
        changed = False
        for number in list(self._lines):
            if number not in wanted:
                for line in self._lines.pop(number):
                    line.remove()
                changed = True
        for r in records:
            if r.number not in self._lines:
                self._lines[r.number] = self._draw(r)
                changed = True
            visible = r.number not in hidden
            for line in self._lines[r.number]:
                if line.get_visible() != visible:
                    line.set_visible(visible)
                    changed = True
        self.records, self.hidden = records, set(hidden)
        return changed

    def _draw(self, r: RunRecord) -> list[Line2D]:
        c = r.curves
        color = run_color(r.number)
        kw = {"color": color, "alpha": EARLIER_ALPHA, "lw": 1.3, "zorder": 1}
        lines = [self.ax_loss.plot(c.steps, shown(c.loss), **kw)[0],
                 self.ax_acc.plot(c.steps, c.accuracy, **kw)[0]]
        if c.has_test:
            lines += [self.ax_loss.plot(c.steps, shown(c.test_loss), ls="--", **kw)[0],
                      self.ax_acc.plot(c.steps, c.test_accuracy, ls="--", **kw)[0]]
        return lines

    def visible_records(self) -> list[RunRecord]:
        return [r for r in self.records if r.number not in self.hidden]

    def lines(self, number: int) -> list[Line2D]:
        """The lines of run ``number`` (tests, and the picture check)."""
        return list(self._lines.get(number, []))

    def any_test(self) -> bool:
        return any(r.curves.has_test for r in self.visible_records())

    def legend_handles(self) -> list[tuple[int, Line2D]]:
        """(run number, legend handle) for the latest ``LEGEND_RUNS`` runs drawn here."""
        out = []
        for r in self.records[-LEGEND_RUNS:]:
            hidden = r.number in self.hidden
            out.append((r.number, Line2D(
                [], [], color=run_color(r.number), lw=1.6,
                alpha=HIDDEN_ALPHA if hidden else 1.0,
                label=legend_label(r.number, r.label))))
        return out


def finite_values(values: np.ndarray, up_to: float) -> np.ndarray:
    """The finite numbers of a curve up to step ``up_to`` (what its part of the axis shows)."""
    v = np.asarray(values, dtype=float)[: int(up_to) + 1]
    return v[np.isfinite(v)]
