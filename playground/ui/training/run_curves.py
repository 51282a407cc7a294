"""The compared runs on the training plots: each recorded run's curves in its own colour.

``TrainingPlots`` draws the run under way with its live (blitted) lines; every other recorded
run (``playground.training.runs.RunRecord``) is drawn here as still lines on the loss and the
accuracy axes, in the run's colour (``run_color``: the same colour the run had while it
trained, and the same in the table of runs), train solid and test dashed. Hidden runs keep
their lines, invisible. The lines are part of the saved background, so they cost nothing per
frame; showing, hiding or adding a run is one full redraw.

``legend_handles`` gives the loss legend's entries: one per run (its number and label, shortened),
a hidden run's greyed out, so that a click on it shows it again (``TrainingPlots`` wires the
clicks: ``_on_pick``).

``RunPlotting`` holds ``TrainingPlots``'s methods about the runs on the loss axis: the legend
(a click on a run's entry emits ``run_toggled``), ``set_runs``, which losses the axis fits
(``_scaled_losses``: the runs on show that did not diverge) and the mark of a divergence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PySide6.QtCore import Signal

from playground.training.runs import RunRecord
from playground.ui.training.plot_scale import shown
from playground.ui.training.run_colors import RUN_COLORS, run_color

__all__ = ["LEGEND_RUNS", "RUN_COLORS", "RunCurves", "RunPlotting", "legend_label",
           "run_color"]

LEGEND_RUNS = 6
"""Runs the legend names (the latest); the table of runs lists them all."""
LEGEND_CHARS = 30
EARLIER_ALPHA = 0.75
"""Earlier runs are a little lighter than the run under way, still easy to tell apart."""
HIDDEN_ALPHA = 0.25
NEUTRAL = "#666666"
"""The legend's train/test style entries (each run's colour is its own)."""


def legend_label(record_number: int, label: str) -> str:
    """``#n label`` in at most ``LEGEND_CHARS``: a long label loses its first parts, not its
    last: a first run's "moons, relu 16-16, sgd lr 0.3" keeps its learning rate ("#1 …relu
    16-16, sgd lr 0.3"), which cut at the end read "sgd lr ..." (the table has the whole)."""
    text = f"#{record_number} {label}"
    parts = label.split(", ")
    while len(text) > LEGEND_CHARS and len(parts) > 1:
        parts.pop(0)
        text = f"#{record_number} …{', '.join(parts)}"
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


class RunPlotting:
    """``TrainingPlots``'s methods for the runs compared on the loss axis: the legend, the
    earlier runs (``set_runs``), which losses the axis fits, the mark of a divergence (kept
    here, next to the curves they concern)."""

    # TrainingPlots sets these up; named for the type checker
    run_toggled: Signal
    ax_loss: Any
    runs: RunCurves
    current: Any
    current_number: int
    current_label: str
    current_diverged: bool
    hidden: set[int]
    _running: bool
    _full_due: bool
    _dirty: bool
    _legend_key: tuple | None
    _legend_runs: dict
    _diverged_marker: Any
    _diverged_note: Any
    _auto_limits: dict
    loss_line: Line2D
    test_loss_line: Line2D
    acc_line: Line2D
    test_acc_line: Line2D

    def flush(self) -> None: ...  # TrainingPlots's

    def _loss_ticks(self) -> None:
        """Ticks of the loss axis for its scale. set_yscale() puts matplotlib's own back, whose
        linear formatter writes a shared "1e8" offset above the axis, on the title: each tick
        here carries its own exponent instead."""
        if self.ax_loss.get_yscale() == "linear":
            self.ax_loss.yaxis.set_major_locator(MaxNLocator(4))
            self.ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.3g}"))

    def _legend(self) -> None:
        """The loss legend: a line per run (the run under way first), a hidden run's faded;
        "train"/"test" style entries when a run on show has a test split."""
        entries = []
        current_shown = self.current_number and (len(self.current) or self._running)
        if current_shown:
            hidden = self.current_number in self.hidden
            entries.append((self.current_number, Line2D(
                [], [], color=run_color(self.current_number), lw=1.8,
                alpha=0.25 if hidden else 1.0,
                label=legend_label(self.current_number, self.current_label))))
        entries += [(n, h) for n, h in reversed(self.runs.legend_handles())
                    if n != self.current_number]
        with_test = self.current.has_test or self.runs.any_test()
        key = (tuple((n, h.get_label(), h.get_alpha()) for n, h in entries), with_test)
        if key == self._legend_key:
            return
        self._legend_key = key
        handles = [h for _n, h in entries]
        if with_test:
            handles += [Line2D([], [], color=NEUTRAL, lw=1.4, label="train"),
                        Line2D([], [], color=NEUTRAL, lw=1.4, ls="--", label="test")]
        old = self.ax_loss.get_legend()
        if old is not None:
            old.remove()
        self._legend_runs = {}
        self._full_due = True
        if not handles:
            return
        legend = self.ax_loss.legend(handles=handles, fontsize=7, loc="upper right",
                                     frameon=True, framealpha=0.85, edgecolor="none",
                                     handlelength=1.6, borderaxespad=0.2, labelspacing=0.25)
        for (number, _h), line, text in zip(entries, legend.get_lines(), legend.get_texts(),
                                            strict=False):
            for artist in (line, text):
                artist.set_picker(True)
                self._legend_runs[artist] = number
            if number in self.hidden:
                text.set_color("#aaaaaa")

    def _on_pick(self, event) -> None:
        number = self._legend_runs.get(event.artist)
        if number is not None:
            self.run_toggled.emit(number)

    def legend_entries(self) -> list[tuple[int, str]]:
        """(run number, text) of each run's legend entry, top to bottom (tests)."""
        legend = self.ax_loss.get_legend()
        if legend is None:
            return []
        return [(self._legend_runs[t], t.get_text()) for t in legend.get_texts()
                if t in self._legend_runs]

    def set_runs(self, records: list[RunRecord], hidden: set[int]) -> None:
        """The recorded runs to draw besides the run under way (whose own record, if it is
        among them, is skipped: its live lines show it) and the numbers of those hidden."""
        self.hidden = set(hidden)
        live = self.current_number if (len(self.current) or self._running) else 0
        if self.runs.show([r for r in records if r.number != live], self.hidden):
            self._full_due = True
        visible = live not in self.hidden
        for line in (self.loss_line, self.test_loss_line, self.acc_line, self.test_acc_line):
            if line.get_visible() != visible:
                line.set_visible(visible)
                self._full_due = True
        for artist in (self._diverged_marker, self._diverged_note):
            if artist is not None:
                artist.set_visible(visible)
        self._auto_limits.pop((id(self.ax_loss), "y"), None)  # fit the runs now on show
        self._dirty = True
        self.flush()

    def _mark_divergence(self) -> None:
        """A red mark at the diverged run's last loss and the real number next to it."""
        last = self.current.loss[-1]
        at = (self.current.steps[-1], float(shown([last])[0]))
        self._diverged_marker = self.ax_loss.plot(
            [at[0]], [at[1]], marker="X", ms=9, color="#d62728", ls="none", zorder=5,
            clip_on=False,
        )[0]
        # the axis may stop below it (plot_scale.CAP, or the other runs' range): say the
        # real number next to the mark; ``_place_divergence`` keeps both inside the axes
        self._diverged_note = self.ax_loss.annotate(
            f"diverged: loss {last:.3g}", at, xytext=(8, -2), textcoords="offset points",
            ha="left", va="top", fontsize=7.5, color="#d62728", zorder=5,
            annotation_clip=False)
        self._diverged_note.set_in_layout(False)
        self._full_due = True

    def _scaled_losses(self, x_end: float) -> np.ndarray:
        """The losses the loss axis fits, up to step ``x_end``: those of the runs on show that
        did not diverge (the run under way counts as calm until it is known to have
        diverged); if there are none, those of every run on show."""
        groups: list[tuple[bool, list]] = []
        if len(self.current) and self.current_number not in self.hidden:
            groups.append((self.current_diverged,
                           [self.current.loss, self.current.test_loss]))
        for r in self.runs.visible_records():
            wild = r.diverged or not np.all(np.isfinite(r.curves.loss))
            groups.append((wild, [r.curves.loss, r.curves.test_loss]))
        calm = [curves for wild, curves in groups if not wild] or [c for _w, c in groups]
        parts = [finite_values(shown(curve), x_end) for curves in calm for curve in curves]
        return np.concatenate(parts) if parts else np.array([])

    def _place_divergence(self) -> None:
        """The diverged mark at its loss, or at the top of the axis when the axis stops below
        it (it then points up); the note on the side of the mark with room."""
        marker, note = self._diverged_marker, self._diverged_note
        if marker is None or not len(self.current):
            return
        x = self.current.steps[-1]
        y = float(shown([self.current.loss[-1]])[0])
        hi = self.ax_loss.get_ylim()[1]
        above = y > hi
        y = hi if above else y
        marker.set_data([x], [y])
        marker.set_marker("^" if above else "X")
        note.xy = (x, y)
        left = x > (self.ax_loss.get_xlim()[1] / 2)
        note.set_horizontalalignment("right" if left else "left")
        note.set_position((-8 if left else 8, -2))
        text = note.get_text().rstrip(" ↑")
        note.set_text(text + " ↑" if above else text)

