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
slows the draw down about tenfold; the canvas (``blit_canvas``) clears its ``idle`` event
while drawing and the worker waits for it before each step.

Layout: loss (top left, train and test, optional log scale) and accuracy (bottom left), and on
the right the decision boundary of 2-D data (a heatmap of the model's output with the train
points as dots and the test points as rings) or, for other data, each sample's output next to
its target (``decision_map``). A regression (``set_regression``) shows R² where accuracy was,
its 2-D output as a heatmap of values, and for 1-D data the points and the network's curve
(``fit_plot``: ``set_fit_data``, ``set_fit_curve``).

Runs compared: the run under way is drawn in its own colour (``start_run(steps, number,
label)``: the colour of its number, ``run_curves.run_color``); the earlier recorded runs
(``set_runs(records, hidden)``) keep theirs (``run_curves``). The legend names each run; a click
on a run's entry asks to hide or show it (``run_toggled(number)``: the panel owns which runs are
hidden and tells both the plots and the table of runs). The step axis follows the run under way;
the loss axis fits the runs on show that did not diverge (a diverged run's 1e8 would flatten the
others onto the floor; alone, it gets an axis of its own), and turns logarithmic by itself when
those losses span more than ``plot_scale.LOG_SPAN`` (10³), until the learner ticks or unticks
Log-scale (then their choice stays). The loss ticks carry their own exponent ("1e+08"), never an
offset text above the axis, which overprinted the title. Every number drawn goes through
``plot_scale`` first: finite, and in a range matplotlib's tick code survives. The navigation
toolbar zooms, pans and saves (the saved image includes the animated artists).
"""

from __future__ import annotations

import contextlib

import numpy as np
from matplotlib.backends.backend_qtagg import NavigationToolbar2QT
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FixedLocator, MaxNLocator, PercentFormatter
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from playground.training.trainer import StepMetrics
from playground.ui.training import plot_theme
from playground.ui.training.blit_canvas import BlitCanvas
from playground.ui.training.decision_map import CLASS_COLORS, DecisionMap
from playground.ui.training.fit_plot import FitPlot, RegressionPlotting
from playground.ui.training.plot_scale import loss_range, shown, wants_log
from playground.ui.training.run_colors import run_color
from playground.ui.training.run_curves import RunCurves, RunPlotting
from playground.ui.widgets.palette import is_dark, palette_changed

__all__ = ["CLASS_COLORS", "REDRAW_MS", "TrainingPlots"]

REDRAW_MS = 50
"""Redraw timer period while a run is going: up to 20 frames a second."""



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


class TrainingPlots(RunPlotting, RegressionPlotting, QWidget):
    """Loss, accuracy and decision-boundary plots with matplotlib's toolbar (see module doc)."""

    redrawn = Signal()
    """After each frame (full draw or blit)."""
    run_toggled = Signal(int)
    """A click on run n's legend entry: hide it if shown, show it if hidden."""
    clear_requested = Signal()
    """"Clear runs" was pressed (the panel owns the runs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_plots")
        # Constrained layout costs as much as the rest of a draw: it runs only when the size
        # or the axes change (``_layout_due``), not on every frame.
        self.figure = Figure(figsize=(7.5, 4.2), dpi=96)
        self._layout = ConstrainedLayoutEngine(w_pad=0.06, h_pad=0.06, wspace=0.05, hspace=0.05)
        self._layout_due = True
        self.canvas = BlitCanvas(self.figure)
        self.canvas.setObjectName("training_plots_canvas")
        self.canvas.setMinimumSize(240, 150)  # small: the Training tab must fit a small window
        self.toolbar = NavigationToolbar2QT(self.canvas, self)
        self.toolbar.setObjectName("training_plots_toolbar")
        self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)

        self.log_scale = QCheckBox("Log-scale loss")
        self.log_scale.setObjectName("log_scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic axis (small losses show)")
        self.log_scale.toggled.connect(self._on_log_scale)
        self.clear_button = QPushButton("Clear runs")
        self.clear_button.setObjectName("clear_history")
        self.clear_button.setToolTip("Forget the earlier runs: their curves and their rows in the "
                                     "table of runs (the run on show stays)")
        self.clear_button.clicked.connect(self.clear_requested)

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
        self.current_number = 0
        """The number the run under way has (or will have) in the runs; 0 before any."""
        self.current_label = ""
        self.current_diverged = False
        self.hidden: set[int] = set()
        self._planned_steps = 1
        self._dirty = False
        self._full_due = True
        self._decision_dirty = False
        self._diverged_marker = None
        self._diverged_note = None
        self._background = None
        self._auto_limits: dict = {}
        self._running = False
        self._user_log: bool | None = None
        """The learner's own choice of scale (None: the plots choose, ``wants_log``)."""
        self._setting_log = False
        self._legend_runs: dict = {}  # legend artist -> run number
        self.draw_count = 0
        """Full draws so far."""
        self.frame_count = 0
        """Frames so far: full draws and blits."""
        self._setup_axes()
        self._dark = False
        """Whether the figure has the dark theme's colours (``plot_theme``)."""
        self._follow_theme()
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self.canvas.mpl_connect("resize_event", self._on_resize)
        self.canvas.mpl_connect("pick_event", self._on_pick)

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
        self._loss_ticks()
        self.ax_acc.yaxis.set_major_locator(FixedLocator([0.0, 0.5, 1.0]))
        self.ax_acc.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        self._title(self.ax_loss, "loss")
        self._acc_title = self._title(self.ax_acc, "accuracy")
        self.ax_acc.text(1.0, -0.1, "step", transform=self.ax_acc.transAxes, ha="right",
                         va="top", fontsize=7.5, color="#555555")
        self.ax_acc.set_ylim(-0.03, 1.05)
        self.ax_loss.tick_params(labelbottom=False)
        self.ax_loss.set_ylim(0, 1)
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, 1)
        color = run_color(1)
        (self.loss_line,) = self.ax_loss.plot([], [], color=color, lw=1.8, zorder=3)
        (self.test_loss_line,) = self.ax_loss.plot([], [], color=color, lw=1.5, ls="--",
                                                   zorder=3)
        (self.acc_line,) = self.ax_acc.plot([], [], color=color, lw=1.8, zorder=3)
        (self.test_acc_line,) = self.ax_acc.plot([], [], color=color, lw=1.5, ls="--", zorder=3)
        self.runs = RunCurves(self.ax_loss, self.ax_acc)
        self._legend_key: tuple | None = None
        self._legend()

        self.map = DecisionMap(self.ax_map, self._title, self._animate, self._unanimate)
        self.fit = FitPlot(self.ax_map, self._animate)
        self.image = self.map.image
        self._animate([self.loss_line, self.test_loss_line, self.acc_line, self.test_acc_line,
                       *self.map.animated()])

    @property
    def _bars(self):
        """The bars of each sample's output (None when the map shows something else)."""
        return self.map.bars

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

    # --- feeding it ----------------------------------------------------------------------

    def start_run(self, planned_steps: int, number: int = 1, label: str = "") -> None:
        """A new run, numbered ``number`` (its colour) with ``label``; the previous run's
        curves go (the panel shows it again as a recorded run: ``set_runs``)."""
        self._clear_current()
        self.current_number, self.current_label = number, label
        for line in (self.loss_line, self.test_loss_line, self.acc_line, self.test_acc_line):
            line.set_color(run_color(number))
            line.set_visible(True)
        self._planned_steps = max(1, planned_steps)
        self._running = True
        self._auto_limits.clear()  # a new run sets its own limits
        self.map.forget_outputs()
        self.fit.curve_values = None
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
        self.map.decision = decision
        self._decision_dirty = True

    def set_sample_outputs(self, outputs: np.ndarray | None) -> None:
        """Each sample's raw output(s) (for data that is not 2-D)."""
        self.map.sample_outputs = outputs
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
        if self.fit.active:
            self.fit.show(False)
            self._layout_due = True
        if self.map.set_data(X, y, X_test, y_test, extent, targets, message):
            self._layout_due = True
        self._dirty = True
        self._decision_dirty = True
        self._full_due = True
        self.flush()

    def set_map_hint(self, hint: str) -> None:
        """Words after the decision boundary's title ("click to add points"), drawn now."""
        if self.map.set_hint(hint):
            self._full_due = True
            self.flush()

    def finish_run(self, diverged: bool = False) -> None:
        """The run ended: draw what is left, mark a divergence, stop the timer."""
        self._dirty = True
        self._running = False
        self.current_diverged = diverged
        if diverged and len(self.current):
            self._mark_divergence()
        self.flush()
        self.timer.stop()

    def reset_current(self) -> None:
        """The run under way is over (Reset): its live curves go; the data stays. The panel
        shows it again as a recorded run (``set_runs``)."""
        self._clear_current()
        self._running = False
        self.map.forget_outputs()
        self.fit.curve_values = None
        self._decision_dirty = True
        self._dirty = True
        self.flush()
        self.timer.stop()

    def _clear_current(self) -> None:
        self.current = _Run()
        self.current_number, self.current_label = 0, ""
        self.current_diverged = False
        if self._diverged_marker is not None:
            self._diverged_marker.remove()
            self._diverged_note.remove()
            self._diverged_marker = self._diverged_note = None
        self._dirty = True
        self._full_due = True

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
            self.map.update()
            if self.fit.active:
                self.fit.update()
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
        # The step axis follows the run under way (or, after Reset, the latest run), never a
        # longer earlier one; the loss axis fits the runs on show that did not diverge.
        latest = self.runs.records[-1].curves if self.runs.records else None
        if len(run) or self._running or latest is None:
            x_end = max(1, self._planned_steps - 1, len(run) - 1)
        else:
            x_end = max(1, len(latest) - 1)
        for ax in (self.ax_loss, self.ax_acc):
            self._set_limits(ax, "x", 0, x_end)
        values = self._scaled_losses(x_end)
        if self._user_log is None and wants_log(values) != (
                self.ax_loss.get_yscale() == "log"):
            self._set_log_scale(wants_log(values))  # redraws; limits are set again there
            return
        lo, hi = loss_range(values, log=self.ax_loss.get_yscale() == "log")
        self._set_limits(self.ax_loss, "y", lo, hi)
        self._place_divergence()

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
            self._user_log = on  # the learner's choice: it stays for the next runs
        self.ax_loss.set_yscale("log" if on else "linear")
        self._loss_ticks()
        self._auto_limits.pop((id(self.ax_loss), "y"), None)
        self._dirty = True
        self._layout_due = True
        self.flush()

    def changeEvent(self, event: QEvent) -> None:
        # View ▸ Theme changed the palette: the figure's ground, axes and words follow it.
        if palette_changed(event):
            self._follow_theme()
        super().changeEvent(event)

    def _follow_theme(self) -> None:
        dark = is_dark(self)
        if dark == self._dark:
            return
        self._dark = dark
        plot_theme.recolour(self.figure, dark)
        self._background = None
        self._full_due = True
        self.canvas.draw_idle()

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

