"""The training plots: loss, accuracy and the decision boundary, in one embedded matplotlib figure.

Importing this module imports matplotlib (about half a second), so the training panel imports it
only when it is first shown.

How it stays cheap while training: ``TrainingPlots`` only buffers what it is given
(``add_metrics``, ``set_decision``, ...). A ``QTimer`` (``REDRAW_MS``) applies the buffers to the
artists and redraws, when something changed:

- a full redraw with ``draw_idle()`` when the axes change (limits, scale, layout, new data);
- otherwise a blit: the curves, the heatmap and the points are *animated* artists drawn over a
  saved background of the axes, which is what costs most of a full draw (ticks and text). A
  frame then takes a few milliseconds instead of tens, so the window stays responsive.

Threads share Python's GIL, and a training thread that keeps stepping while the figure draws
slows the draw down about tenfold; the canvas clears its ``idle`` event while drawing and the
worker waits for it before each step.

Layout: loss (top left, train and test, optional log scale) and accuracy (bottom left), and on
the right the decision boundary of 2-D data (a heatmap of the model's output with the train
points as dots and the test points as rings) or, for other data, each sample's output next to
its target. Finished runs stay as faded curves until ``clear_history()``; the axes and the
log scale follow the current run, never the faded ones (a diverged run's 1e230 would flatten
the next run's curve onto the floor). Every number drawn goes through ``plot_scale`` first:
finite, and in a range matplotlib's tick code survives. The navigation toolbar zooms, pans and
saves (the saved image includes the animated artists).
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from playground.training.trainer import StepMetrics
from playground.ui.training.plot_scale import loss_range, shown

__all__ = ["CLASS_COLORS", "REDRAW_MS", "TrainingPlots"]

REDRAW_MS = 50
"""Redraw timer period while a run is going: up to 20 frames a second."""

# TensorFlow Playground's orange and blue for two classes, then a qualitative palette.
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")
TRAIN_COLOR = "#1f4e79"
TEST_COLOR = "#e8710a"
HISTORY_ALPHA = 0.28
MAP_STRENGTH = 0.6
"""How far the heatmap goes from white towards a class colour (pastel, so the points show)."""
MAX_BAR_SAMPLES = 60

_BINARY_CMAP = LinearSegmentedColormap.from_list(
    "playground_binary", [CLASS_COLORS[0], "#ffffff", CLASS_COLORS[1]]
)


class _Run:
    """One run's curves as growing lists."""

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.loss: list[float] = []
        self.test_loss: list[float] = []
        self.acc: list[float] = []
        self.test_acc: list[float] = []

    def add(self, m: StepMetrics) -> None:
        self.steps.append(m.step)
        self.loss.append(m.loss)
        self.acc.append(m.accuracy)
        self.test_loss.append(np.nan if m.test_loss is None else m.test_loss)
        self.test_acc.append(np.nan if m.test_accuracy is None else m.test_accuracy)

    @property
    def has_test(self) -> bool:
        return any(not np.isnan(v) for v in self.test_loss)

    def __len__(self) -> int:
        return len(self.steps)


class _Canvas(FigureCanvasQTAgg):
    """The figure's canvas: says when it is drawing (``idle``), counts full draws and blits,
    and saves pictures with the animated artists in them."""

    def __init__(self, figure: Figure) -> None:
        super().__init__(figure)
        self.idle = threading.Event()
        self.idle.set()
        self.animated: list = []

    def draw(self) -> None:
        self.idle.clear()
        try:
            super().draw()
        finally:
            self.idle.set()

    def print_figure(self, *args, **kwargs):  # savefig skips animated artists: un-animate
        for a in self.animated:
            a.set_animated(False)
        try:
            return super().print_figure(*args, **kwargs)
        finally:
            for a in self.animated:
                a.set_animated(True)


class TrainingPlots(QWidget):
    """Loss, accuracy and decision-boundary plots with matplotlib's toolbar (see module doc)."""

    redrawn = Signal()
    """After each frame (full draw or blit)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_plots")
        # Constrained layout costs as much as the rest of a draw: it runs only when the size
        # or the axes change (``_layout_due``), not on every frame.
        self.figure = Figure(figsize=(7.5, 4.2), dpi=96)
        self._layout = ConstrainedLayoutEngine(w_pad=0.06, h_pad=0.06, wspace=0.05, hspace=0.05)
        self._layout_due = True
        self.canvas = _Canvas(self.figure)
        self.canvas.setObjectName("training_plots_canvas")
        self.canvas.setMinimumSize(240, 150)  # small: the Training tab must fit a small window
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setObjectName("training_plots_toolbar")
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)

        self.log_scale = QCheckBox("Log-scale loss")
        self.log_scale.setObjectName("log_scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis (small losses show)")
        self.log_scale.toggled.connect(self._on_log_scale)
        self.clear_button = QPushButton("Clear history")
        self.clear_button.setObjectName("clear_history")
        self.clear_button.setToolTip("Forget the faded curves of earlier runs")
        self.clear_button.clicked.connect(self.clear_history)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.toolbar, 1)
        bar.addWidget(self.log_scale)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

        self.current = _Run()
        self.history: list[_Run] = []
        self._history_artists: list = []
        self._planned_steps = 1
        self._dirty = False
        self._full_due = True
        self._decision: np.ndarray | None = None
        self._decision_dirty = False
        self._sample_outputs: np.ndarray | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self._diverged_marker = None
        self._diverged_note = None
        self._background = None
        self._auto_limits: dict = {}
        self._running = False
        self._auto_log = False
        """The log scale was switched on by a diverged run (not by the user): the next run
        switches it off again."""
        self._setting_log = False
        self._map_mode = ""
        self.draw_count = 0
        """Full draws so far."""
        self.frame_count = 0
        """Frames so far: full draws and blits."""
        self._setup_axes()
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("resize_event", self._on_resize)

        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.flush)

    # --- figure set-up -------------------------------------------------------------------

    def _setup_axes(self) -> None:
        # Drawing axes (ticks, text) is most of a full draw: few ticks, titles as plain text
        # (``set_title`` measures the axes on every draw), no ticks on the map.
        fig = self.figure
        gs = fig.add_gridspec(2, 2, width_ratios=(1.25, 1))
        self.ax_loss = fig.add_subplot(gs[0, 0])
        self.ax_acc = fig.add_subplot(gs[1, 0])
        self.ax_map = fig.add_subplot(gs[:, 1])
        for ax in (self.ax_loss, self.ax_acc):
            ax.tick_params(labelsize=7.5, length=2.5, pad=2)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.grid(True, color="#e6e6e6", linewidth=0.6)
            ax.set_axisbelow(True)
        self.ax_loss.yaxis.set_major_locator(MaxNLocator(4))
        self.ax_acc.yaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
        self.ax_acc.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self._title(self.ax_loss, "loss")
        self._title(self.ax_acc, "accuracy")
        self.ax_acc.text(1.0, -0.1, "step", transform=self.ax_acc.transAxes, ha="right",
                         va="top", fontsize=7.5, color="#555555")
        self.ax_acc.set_ylim(-0.03, 1.05)
        self.ax_loss.tick_params(labelbottom=False)
        self.ax_loss.set_ylim(0, 1)
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, 1)
        (self.loss_line,) = self.ax_loss.plot([], [], color=TRAIN_COLOR, lw=1.6, label="train")
        (self.test_loss_line,) = self.ax_loss.plot(
            [], [], color=TEST_COLOR, lw=1.4, ls="--", label="test")
        (self.acc_line,) = self.ax_acc.plot([], [], color=TRAIN_COLOR, lw=1.6, label="train")
        (self.test_acc_line,) = self.ax_acc.plot(
            [], [], color=TEST_COLOR, lw=1.4, ls="--", label="test")
        self._legend_key: tuple[bool, bool] | None = None
        self._legend()

        ax = self.ax_map
        self.map_title = self._title(ax, "decision boundary")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#cccccc")
        ax.set_aspect("equal", adjustable="box")
        self.image = ax.imshow(
            np.zeros((2, 2)), cmap=_BINARY_CMAP, vmin=-1 / MAP_STRENGTH, vmax=1 / MAP_STRENGTH,
            origin="lower", extent=(0, 1, 0, 1), interpolation="bilinear", zorder=0,
        )
        self.image.set_visible(False)
        self.train_points = ax.scatter([], [], s=18, linewidths=0.7, edgecolors="#333333",
                                       zorder=3)
        self.test_points = ax.scatter([], [], s=26, linewidths=1.6, facecolors="white", zorder=4)
        self._bars = None
        self._targets = None
        self._zero_line = None
        self._note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                             fontsize=8, color="#555555", wrap=True)
        self._animate([self.loss_line, self.test_loss_line, self.acc_line, self.test_acc_line,
                       self.image, self.train_points, self.test_points])

    def _animate(self, artists: list) -> None:
        for a in artists:
            a.set_animated(True)
            self.canvas.animated.append(a)

    def _unanimate(self, artists: list) -> None:
        for a in artists:
            if a in self.canvas.animated:
                self.canvas.animated.remove(a)

    @staticmethod
    def _title(ax, text: str):
        return ax.text(0.0, 1.015, text, transform=ax.transAxes, ha="left", va="bottom",
                       fontsize=9, fontweight="bold", color="#333333")

    def _legend(self) -> None:
        key = (self.current.has_test, bool(self.history))
        if key == self._legend_key:
            return
        self._legend_key = key
        handles = [Line2D([], [], color=TRAIN_COLOR, lw=1.6, label="train")]
        if key[0]:
            handles.append(Line2D([], [], color=TEST_COLOR, lw=1.4, ls="--", label="test"))
        if key[1]:
            handles.append(Line2D([], [], color=TRAIN_COLOR, alpha=HISTORY_ALPHA, lw=1.6,
                                  label="earlier runs"))
        self.ax_loss.legend(handles=handles, fontsize=7.5, loc="upper right", frameon=False,
                            handlelength=1.6, borderaxespad=0.2)
        self._full_due = True

    # --- feeding it ----------------------------------------------------------------------

    def start_run(self, planned_steps: int) -> None:
        """A new run: the current curves (if any) fade into the history first."""
        self.archive_current()
        self._planned_steps = max(1, planned_steps)
        self._running = True
        self._auto_limits.clear()  # a new run sets its own limits
        if self._auto_log and self.log_scale.isChecked():
            self._set_log_scale(False)  # it was for the diverged run, not this one
        self._auto_log = False
        self._decision = None
        self._sample_outputs = None
        self._decision_dirty = True
        self._dirty = True
        self._layout_due = True
        self.timer.start()

    def add_metrics(self, metrics: list[StepMetrics]) -> None:
        for m in metrics:
            self.current.add(m)
        if metrics:
            self._dirty = True

    def set_decision(self, decision: np.ndarray | None) -> None:
        """Raw outputs on the grid whose ``extent`` was given to ``set_data`` (2-D data)."""
        self._decision = decision
        self._decision_dirty = True

    def set_sample_outputs(self, outputs: np.ndarray | None) -> None:
        """Each sample's raw output(s) (for data that is not 2-D)."""
        self._sample_outputs = outputs
        self._decision_dirty = True

    def set_data(
        self,
        X: np.ndarray | None,
        y: np.ndarray | None,
        X_test: np.ndarray | None = None,
        y_test: np.ndarray | None = None,
        n_classes: int = 2,
        extent: tuple[float, float, float, float] | None = None,
        targets: np.ndarray | None = None,
        message: str = "",
    ) -> None:
        """The data to show on the right: points of 2-D data (and the ``extent`` of the
        decision grid), or per-sample ``targets`` otherwise; ``message`` when there is none."""
        self._extent = extent
        self._decision = None
        self._sample_outputs = None
        self._clear_bars()
        self.image.set_visible(False)
        ax = self.ax_map
        if X is not None and X.ndim == 2 and X.shape[1] == 2:
            self._note.set_text("")
            self.map_title.set_text("decision boundary")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal", adjustable="box")
            self.train_points.set_offsets(X)
            self.train_points.set_facecolors(self._colors(y))
            if X_test is not None and len(X_test):
                self.test_points.set_offsets(X_test)
                self.test_points.set_edgecolors(self._colors(y_test))
            else:
                self.test_points.set_offsets(np.empty((0, 2)))
            x0, x1, y0, y1 = extent or _bounds(X)
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            self.image.set_extent((x0, x1, y0, y1))
        else:
            self.train_points.set_offsets(np.empty((0, 2)))
            self.test_points.set_offsets(np.empty((0, 2)))
            self.map_title.set_text("")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("auto")
            if targets is not None and 0 < len(targets) <= MAX_BAR_SAMPLES:
                self._note.set_text("")
                self._make_bars(np.asarray(targets, dtype=float))
            else:
                self._note.set_text(message or "no data")
        mode = "points" if self._bars is None and not self._note.get_text() else (
            "bars" if self._bars is not None else "message")
        if mode != self._map_mode:
            self._map_mode = mode
            self._layout_due = True
        self._dirty = True
        self._decision_dirty = True
        self._full_due = True
        self.flush()

    def _colors(self, y: np.ndarray | None) -> list:
        if y is None:
            return []
        return [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in y]

    def _clear_bars(self) -> None:
        if self._bars is not None:
            self._unanimate(list(self._bars))
            self._bars.remove()
            self._targets.remove()
            self._zero_line.remove()
            self._bars = self._targets = self._zero_line = None

    def _make_bars(self, targets: np.ndarray) -> None:
        ax = self.ax_map
        self.map_title.set_text("output per sample (bars) and target (red)")
        n = len(targets)
        idx = np.arange(n)
        ax.set_xticks(idx if n <= 12 else idx[:: max(1, n // 8)])
        ax.tick_params(labelsize=7.5, length=2.5, pad=2, labelleft=True)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        self._bars = ax.bar(idx, np.zeros(n), width=0.6, color=TRAIN_COLOR, alpha=0.8, zorder=2)
        self._animate(list(self._bars))
        self._targets = ax.scatter(idx, targets, marker="_", s=600 / max(1, n / 4), c="#d62728",
                                   linewidths=2.4, zorder=3)
        lo, hi = min(-1.15, float(targets.min()) - 0.15), max(1.15, float(targets.max()) + 0.15)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(lo, hi)
        self._zero_line = ax.axhline(0, color="#999999", lw=0.7, zorder=1)

    def finish_run(self, diverged: bool = False) -> None:
        """The run ended: draw what is left, mark a divergence, stop the timer."""
        self._dirty = True
        self._running = False
        if diverged and len(self.current):
            last = self.current.loss[-1]
            at = (self.current.steps[-1], float(shown([last])[0]))
            self._diverged_marker = self.ax_loss.plot(
                [at[0]], [at[1]], marker="X", ms=9, color="#d62728", ls="none", zorder=5,
            )[0]
            # the axis stops at plot_scale.CAP: say the real number next to the mark
            left = at[0] > self._planned_steps / 2  # keep the words inside the axes
            self._diverged_note = self.ax_loss.annotate(
                f"diverged: loss {last:.3g}", at, xytext=(-8 if left else 8, -2),
                textcoords="offset points", ha="right" if left else "left", va="top",
                fontsize=7.5, color="#d62728", zorder=5, annotation_clip=False)
            self._diverged_note.set_in_layout(False)
            self._full_due = True
            values = shown(self.current.loss)
            values = values[np.isfinite(values) & (values > 0)]
            if len(values) and values.max() > 1e4 * values.min() and not (
                    self.log_scale.isChecked()):
                self._set_log_scale(True)  # a linear axis would show a flat line
                self._auto_log = True
        self.flush()
        self.timer.stop()

    def reset_current(self) -> None:
        """Forget the current run (it fades into the history); the data stays."""
        self.archive_current()
        self._running = False
        self._decision = None
        self._sample_outputs = None
        self._decision_dirty = True
        self._dirty = True
        self.flush()
        self.timer.stop()

    def archive_current(self) -> None:
        """Move the current run's curves (if it has two points or more) to the faded history."""
        run = self.current
        self.current = _Run()
        if self._diverged_marker is not None:
            self._diverged_marker.remove()
            self._diverged_note.remove()
            self._diverged_marker = self._diverged_note = None
        if len(run) >= 2:
            self.history.append(run)
            kw = {"alpha": HISTORY_ALPHA, "lw": 1.3, "zorder": 1}
            self._history_artists += [
                self.ax_loss.plot(run.steps, shown(run.loss), color=TRAIN_COLOR, **kw)[0],
                self.ax_acc.plot(run.steps, run.acc, color=TRAIN_COLOR, **kw)[0],
            ]
            if run.has_test:
                self._history_artists += [
                    self.ax_loss.plot(run.steps, shown(run.test_loss), color=TEST_COLOR,
                                      ls="--", **kw)[0],
                    self.ax_acc.plot(run.steps, run.test_acc, color=TEST_COLOR, ls="--", **kw)[0],
                ]
        self._dirty = True
        self._full_due = True

    def clear_history(self) -> None:
        for artist in self._history_artists:
            artist.remove()
        self._history_artists = []
        self.history = []
        self._dirty = True
        self._full_due = True
        self.flush()

    # --- reading it (tests) --------------------------------------------------------------

    def point_count(self) -> int:
        """Points of the current run's train-loss curve as drawn (after the last flush)."""
        return len(self.loss_line.get_xdata())

    # --- applying buffers to artists and drawing -----------------------------------------

    def flush(self) -> None:
        """Apply buffered data to the artists and draw a frame, if anything changed."""
        changed: list = []
        if self._dirty:
            self._dirty = False
            self._update_curves()
            changed += [self.ax_loss, self.ax_acc]
        if self._decision_dirty:
            self._decision_dirty = False
            self._update_map()
            changed.append(self.ax_map)
        if changed or self._full_due or self._layout_due:
            self._frame(changed)

    def _frame(self, axes: list) -> None:
        """A full draw (``draw_idle``) when the axes changed, else a blit of the changed axes:
        their saved background, then their animated artists on top."""
        if self._layout_due:
            self._layout_due = False
            self._full_due = True
            self._lay_out()
        if self._full_due or self._background is None:
            self._full_due = False
            self._background = None  # stale until the full draw has happened: no blits
            self.canvas.draw_idle()
            return
        canvas = self.canvas
        canvas.idle.clear()
        try:
            height = self.figure.bbox.height
            for ax in axes:
                box = ax.bbox.padded(2)
                # restore_region takes buffer coordinates (y grows downwards) and ``xy`` is an
                # offset added to them: 0 for a background of the whole figure.
                x0, y0, x1, y1 = box.extents
                canvas.restore_region(self._background, bbox=(x0, height - y1, x1, height - y0),
                                      xy=(0, 0))
                for a in canvas.animated:
                    if a.axes is ax and a.get_visible():
                        self.figure.draw_artist(a)
                canvas.blit(box)
        finally:
            canvas.idle.set()
        self.frame_count += 1
        self.redrawn.emit()

    def _draw_animated(self) -> None:
        for a in self.canvas.animated:
            if a.get_visible():
                self.figure.draw_artist(a)

    def _set_limits(self, ax, axis: str, lo: float, hi: float) -> None:
        """Set auto limits unless the user zoomed or panned this axis away from the last ones."""
        get = ax.get_xlim if axis == "x" else ax.get_ylim
        key = (id(ax), axis)
        last = self._auto_limits.get(key)
        now = get()
        if last is not None and not np.allclose(now, last, rtol=1e-9, atol=0):
            return  # the toolbar moved it: leave it there
        if last is not None and np.allclose((lo, hi), last, rtol=1e-9, atol=0):
            return
        (ax.set_xlim if axis == "x" else ax.set_ylim)(lo, hi)
        self._auto_limits[key] = get()
        self._full_due = True

    def _update_curves(self) -> None:
        run = self.current
        self.loss_line.set_data(run.steps, shown(run.loss))
        self.acc_line.set_data(run.steps, run.acc)
        has_test = run.has_test
        self.test_loss_line.set_data(run.steps if has_test else [],
                                     shown(run.test_loss) if has_test else [])
        self.test_acc_line.set_data(run.steps if has_test else [],
                                    run.test_acc if has_test else [])
        self._legend()
        # The axes follow the run being shown: the current one, or with none going (after
        # Reset) the latest faded one. Never the longest or highest earlier run.
        source = run
        if not len(run) and not self._running and self.history:
            source = self.history[-1]
        planned = self._planned_steps if source is run else 1
        for ax in (self.ax_loss, self.ax_acc):
            self._set_limits(ax, "x", 0, max(1, planned - 1, len(source) - 1))
        lo, hi = loss_range([*source.loss, *source.test_loss],
                            log=self.ax_loss.get_yscale() == "log")
        self._set_limits(self.ax_loss, "y", lo, hi)

    def _update_map(self) -> None:
        if self._bars is not None:
            out = self._sample_outputs
            values = ([0.0] * len(self._bars) if out is None
                      else (out[:, 0] if out.ndim == 2 else out))
            lo, hi = self.ax_map.get_ylim()
            span = hi - lo  # a bar far off the axis is drawn just past it, never at 1e300
            values = np.nan_to_num(np.clip(np.asarray(values, dtype=float), lo - span,
                                           hi + span), nan=0.0)
            for rect, v in zip(self._bars, values, strict=False):
                rect.set_height(float(v))
            return
        d = self._decision
        if d is None or self._extent is None:
            self.image.set_visible(False)
            return
        if d.ndim == 2:  # one output: its sign is the class
            self.image.set_data(np.nan_to_num(np.tanh(d), nan=0.0))  # nan: undecided, white
        else:  # one output per class: the winner's colour, paler where it barely wins
            z = d - d.max(axis=-1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=-1, keepdims=True)
            k = p.shape[-1]
            win = p.argmax(axis=-1)
            conf = (p.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
            colors = np.array([to_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])
            conf = MAP_STRENGTH * conf[..., None]
            rgb = colors[win] * conf + (1.0 - conf)
            self.image.set_data(np.clip(np.nan_to_num(rgb, nan=1.0), 0, 1))
        self.image.set_extent(self._extent)
        self.image.set_visible(True)

    # --- events --------------------------------------------------------------------------

    def _set_log_scale(self, on: bool) -> None:
        """Switch the scale for the program (the user's own choice is ``_on_log_scale``)."""
        self._setting_log = True
        try:
            self.log_scale.setChecked(on)
        finally:
            self._setting_log = False

    def _on_log_scale(self, on: bool) -> None:
        if not self._setting_log:
            self._auto_log = False  # the user's choice: keep it for the next runs
        self.ax_loss.set_yscale("log" if on else "linear")
        self._auto_limits.pop((id(self.ax_loss), "y"), None)
        self._dirty = True
        self._layout_due = True
        self.flush()

    def _on_resize(self, _event: object) -> None:
        # the canvas draws right after this event: lay out for the new size first
        self._layout_due = False
        self._background = None
        self._lay_out()

    def _lay_out(self) -> None:
        """Constrained layout; a figure too small to lay out keeps its old positions."""
        width, height = self.figure.bbox.size
        if width < 2 or height < 2:
            return
        # axes collapsed to nothing (a tiny figure): the solver has no solution
        with contextlib.suppress(np.linalg.LinAlgError, ZeroDivisionError):
            self._layout.execute(self.figure)

    def _on_draw(self, _event: object) -> None:
        """After a full draw (without the animated artists): keep it as the background, then
        draw the animated artists on top."""
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_animated()
        self.draw_count += 1
        self.frame_count += 1
        self.redrawn.emit()



def _bounds(X: np.ndarray, pad: float = 0.15) -> tuple[float, float, float, float]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad * span, hi + pad * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
