"""The learning-rate sweep window: five runs of the panel's settings, their losses side by side.

``SweepWindow`` (objectName ``sweep_window``) asks for a range (low, high), shows the five
rates it will try (``training.sweep.sweep_rates``), and trains them in the background like the
panel's own runs: a ``SweepWorker`` in a ``QThread`` steps a ``training.sweep.Sweep`` (every
rate one step in turn) and sends the new losses by signal at most every ``FLUSH_INTERVAL``;
it never touches a widget. The window draws one small loss plot per rate, all on one log
scale (``training.sweep.loss_range`` widened to whole decades: a run that blows up leaves
through the top), redrawn on a timer. A full draw of five log-scale axes costs 60-250 ms here
(constrained layout alone doubled it), so the figure has a fixed layout, no minor ticks, and
the curves are blitted over a saved background: a full draw happens only when the scale moves
by a decade or the titles change. When the runs end each plot is titled with its verdict
("slow", "best", "blew up"...). Stop ends the runs; closing the window or the app stops them
too (the run joins the panel's ``worker.live_runs`` so quitting waits for its thread). The
window follows View ▸ Theme: the figure takes ``plot_theme``'s light or dark ground, and the
curves, verdicts and red words their theme's colour (``COLOURS``), readable on either.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullLocator
from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from playground.training.config import TrainConfig
from playground.training.sweep import SWEEP_SIZE, Sweep, loss_range, sweep_rates, verdicts
from playground.training.trainer import ConfigError
from playground.ui.errors import report
from playground.ui.training import plot_theme
from playground.ui.training import worker as run_registry
from playground.ui.training.worker import FLUSH_INTERVAL, SWITCH_INTERVAL
from playground.ui.widgets.palette import is_dark, palette_changed

__all__ = ["REDRAW_MS", "SweepWindow", "SweepWorker"]

REDRAW_MS = 100
"""The curves redraw at most this often while the runs go."""
COLOURS = {
    # role: (light, dark); each keeps 4.5:1 or more on its theme's axes ground
    "line": ("#1f4e79", "#6cb8f0"),
    "bad": ("#c8201f", "#ff7b72"),
    "error_text": ("#8a1c13", "#ff9b8f"),
}
LINE_COLOR, BAD_COLOR = COLOURS["line"][0], COLOURS["bad"][0]


class SweepWorker(QObject):
    """Steps a ``Sweep`` on its thread; sends ``progress(list of (index, loss))`` and
    ``finished(how)`` ("done", "stopped" or "failed: ...")."""

    progress = Signal(object)
    finished = Signal(str)

    def __init__(self, sweep: Sweep, gui_idle: threading.Event | None = None) -> None:
        super().__init__()
        self.sweep = sweep
        self.gui_idle = gui_idle
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        pending: list[tuple[int, float]] = []
        last = time.perf_counter()
        how = "done"
        try:
            while not self.sweep.done:
                if self._stop.is_set():
                    how = "stopped"
                    break
                if self.gui_idle is not None:
                    self.gui_idle.wait(0.25)  # not while the window draws: they share the GIL
                pending += [(i, m.loss) for i, m in self.sweep.step()]
                now = time.perf_counter()
                if now - last >= FLUSH_INTERVAL:
                    self.progress.emit(pending)
                    pending, last = [], now
        except Exception as exc:  # a bug must end the sweep, not hang it
            report(exc)
            how = f"failed: {type(exc).__name__}: {exc}"
        self.progress.emit(pending)
        self.finished.emit(how)


class _SweepRun(QObject):
    """A ``SweepWorker`` and its thread; kept alive (in the panel's live runs) until the
    thread has ended, so quitting waits for it and a running ``QThread`` is never destroyed."""

    def __init__(self, sweep: Sweep, gui_idle: threading.Event) -> None:
        super().__init__()
        self.thread = QThread()
        self.thread.setObjectName("lr_sweep")
        self.worker = SweepWorker(sweep, gui_idle)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self.thread.quit)
        self.thread.finished.connect(self._ended)
        self._old_switch: float | None = None

    def start(self) -> None:
        self._old_switch = sys.getswitchinterval()
        sys.setswitchinterval(min(self._old_switch, SWITCH_INTERVAL))
        run_registry._LIVE.add(self)  # type: ignore[arg-type]  # same stop/thread/restore API
        run_registry._connect_quit()
        self.thread.start()

    def _restore_switching(self) -> None:
        if self._old_switch is not None:
            sys.setswitchinterval(self._old_switch)
            self._old_switch = None

    @Slot()
    def _ended(self) -> None:
        self._restore_switching()
        run_registry._LIVE.discard(self)  # type: ignore[arg-type]
        self.deleteLater()

    def stop(self) -> None:
        self.worker.stop()


class _Canvas(FigureCanvasQTAgg):
    """Clears ``idle`` while it draws (the worker waits for it before each step) and keeps
    the picture without the curves (``background``) to blit them over."""

    def __init__(self, figure: Figure) -> None:
        super().__init__(figure)
        self.idle = threading.Event()
        self.idle.set()
        self.background = None
        self.curves: list = []
        self.full_draws = 0

    def draw(self) -> None:
        self.idle.clear()
        try:
            super().draw()  # the curves are animated: not in this picture
            self.background = self.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
            for line in self.curves:  # into the picture about to be shown (no blit: this
                self.figure.draw_artist(line)  # may run inside a paint event)
        finally:
            self.idle.set()

    def blit_curves(self) -> None:
        if self.background is None:
            return
        self.idle.clear()
        try:
            self.restore_region(self.background)
            for line in self.curves:
                self.figure.draw_artist(line)
            self.blit(self.figure.bbox)
        finally:
            self.idle.set()

    def print_figure(self, *args, **kwargs):  # savefig skips animated artists: un-animate
        for a in self.curves:
            a.set_animated(False)
        try:
            return super().print_figure(*args, **kwargs)
        finally:
            for a in self.curves:
                a.set_animated(True)


class SweepWindow(QWidget):
    """See the module docstring. ``config()`` gives the settings to sweep (the panel's)."""

    finished = Signal(str)
    """("done", "stopped" or "failed: ...") when the runs end."""

    def __init__(self, config: Callable[[], TrainConfig], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sweep_window")
        self.setWindowTitle("Learning-rate sweep")
        self.resize(1000, 420)
        self._config = config
        self.run: _SweepRun | None = None
        self.sweep: Sweep | None = None
        self.losses: list[list[float]] = []
        self.words: list[str] = []
        self.state = "idle"
        """"idle", "running", "done", "stopped" or "failed"."""

        self.low, self.high = QLineEdit("1e-3"), QLineEdit("10")
        for box, name, tip in ((self.low, "sweep_low", "The smallest learning rate"),
                               (self.high, "sweep_high", "The biggest learning rate")):
            box.setObjectName(name)
            box.setToolTip(tip)
            box.setMaximumWidth(80)
            box.textChanged.connect(self._range_changed)
        self.rates_label = QLabel()
        self.rates_label.setObjectName("sweep_rates")
        self.start_button = QPushButton(f"Train {SWEEP_SIZE} runs")
        self.start_button.setObjectName("sweep_start")
        self.start_button.setToolTip("Train the Training tab's settings once per learning rate, "
                                     "side by side (in the background)")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("sweep_stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Learning rates from"))
        top.addWidget(self.low)
        top.addWidget(QLabel("to"))
        top.addWidget(self.high)
        top.addWidget(self.rates_label, 1)
        top.addWidget(self.start_button)
        top.addWidget(self.stop_button)
        self.status = QLabel()
        self.status.setObjectName("sweep_status")
        self.status.setWordWrap(True)

        self.figure = Figure(figsize=(10, 3.4), dpi=96)
        self.figure.subplots_adjust(left=0.065, right=0.99, bottom=0.15, top=0.84, wspace=0.1)
        self.canvas = _Canvas(self.figure)
        self.canvas.setObjectName("sweep_canvas")
        self.axes = list(self.figure.subplots(1, SWEEP_SIZE, sharey=True))
        self.lines = []
        self._shown_range: tuple[float, float] | None = None
        for ax in self.axes:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(numticks=6))
            ax.yaxis.set_minor_locator(NullLocator())
            ax.tick_params(labelsize=7.5, length=2.5, pad=2)
            ax.grid(True, color="#e6e6e6", linewidth=0.6)
            ax.set_xlabel("step", fontsize=8)
            self.lines.append(ax.plot([], [], color=LINE_COLOR, lw=1.5, animated=True)[0])
        self.canvas.curves = self.lines
        self.axes[0].set_ylabel("loss", fontsize=8)
        self._dark = False
        self._themed: bool | None = None
        """The theme the figure is coloured for (None: not yet)."""
        self._error = False
        """The status line shows an error (red, in the theme's red)."""
        self._follow_theme()

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.status)
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self._redraw)
        self._range_changed()
        self._say("Same settings as the Training tab, five learning rates: too small learns "
                  "slowly, too big jumps about or blows up. Press Train.")

    # --- the range -------------------------------------------------------------------------

    def rates(self) -> list[float] | None:
        try:
            return sweep_rates(float(self.low.text()), float(self.high.text()))
        except ValueError:
            return None

    def _range_changed(self) -> None:
        rates = self.rates()
        if rates is None:
            self.rates_label.setText("  write two numbers, low below high, both above 0")
            self.rates_label.setStyleSheet(f"color: {self._colour('error_text')};")
        else:
            self.rates_label.setText("  tries " + " · ".join(f"{r:g}" for r in rates))
            self.rates_label.setStyleSheet("")
        self.start_button.setEnabled(rates is not None and self.state != "running")

    # --- running ---------------------------------------------------------------------------

    def start(self) -> bool:
        rates = self.rates()
        if rates is None or self.state == "running":
            return False
        config = self._config()
        try:
            self.sweep = Sweep(config, rates)
        except ConfigError as exc:
            self._say(f"Can't sweep these settings: {exc}", error=True)
            return False
        except MemoryError:
            self._say("Can't sweep: not enough memory for five runs of this network.",
                      error=True)
            return False
        self.steps = config.steps
        self.losses = [[] for _ in rates]
        self.words = []
        for ax, lr in zip(self.axes, rates, strict=True):
            ax.set_title(f"lr {lr:g}", fontsize=9)
            ax.set_xlim(0, max(1, config.steps - 1))
        self._shown_range = None
        self.canvas.draw_idle()
        self.run = _SweepRun(self.sweep, self.canvas.idle)
        self.run.worker.progress.connect(self._progress)
        self.run.worker.finished.connect(self._finished)
        self.state = "running"
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._say(f"Training {len(rates)} runs of {config.steps} steps…")
        self._dirty = True
        self.timer.start()
        self.run.start()
        return True

    def stop(self) -> None:
        if self.run is not None and self.state == "running":
            self.run.stop()

    @Slot(object)
    def _progress(self, taken: list) -> None:
        for i, loss in taken:
            self.losses[i].append(loss)
        if taken:
            self._dirty = True
            step = max(len(ls) for ls in self.losses)
            self._say(f"step {step} of {self.steps}…")

    @Slot(str)
    def _finished(self, how: str) -> None:
        self.run = None
        self.state = how.split(":")[0]
        result = self.result()
        stopped = [r is not None for r in self.sweep.stopped_reasons()] if self.sweep else None
        self.words = verdicts(result, self.steps, stopped)
        self._verdict_titles()
        if how == "done":
            self._say("Done. Too small: the loss creeps down. Too big: it jumps about or blows "
                      "up. Put the best rate in the Training tab's Learning rate.")
        elif how == "stopped":
            self._say("Stopped: the curves show the steps taken so far.")
        else:
            self._say(f"The sweep stopped: {how}", error=True)
        self._dirty = True
        self._redraw()
        self.canvas.draw_idle()  # the titles changed
        self.timer.stop()
        self.stop_button.setEnabled(False)
        self._range_changed()
        self.finished.emit(how)

    def _verdict_titles(self) -> None:
        """Each plot titled with its rate and verdict, a bad one in the theme's red."""
        for ax, (lr, _), word in zip(self.axes, self.result(), self.words, strict=False):
            bad = word.startswith(("blew", "worse", "unstable"))
            ax.set_title(f"lr {lr:g}\n{word}", fontsize=8.5,
                         color=self._colour("bad") if bad else plot_theme.colour("title",
                                                                                 self._dark),
                         fontweight="bold" if word.startswith("best") else "normal")

    def result(self) -> list[tuple[float, list[float]]]:
        """``[(lr, losses), ...]`` as shown (plain data, as ``Sweep.result``)."""
        rates = self.sweep.rates if self.sweep is not None else []
        return [(r, list(ls)) for r, ls in zip(rates, self.losses, strict=False)]

    # --- drawing ---------------------------------------------------------------------------

    def _redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        result = self.result()
        lo, hi = loss_range(result)
        lo, hi = 10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi))
        for line, (_lr, losses) in zip(self.lines, result, strict=False):
            ys = [min(v, hi * 10) if math.isfinite(v) else hi * 10 for v in losses]
            line.set_data(range(len(ys)), ys)
        if (lo, hi) != self._shown_range:  # the scale moved a decade: draw it all
            self._shown_range = (lo, hi)
            self.axes[0].set_ylim(lo, hi)
            self.canvas.draw_idle()
        else:
            self.canvas.blit_curves()

    def _say(self, text: str, error: bool = False) -> None:
        self._error = error
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {self._colour('error_text')};" if error else "")

    # --- the theme -------------------------------------------------------------------------

    def _colour(self, role: str) -> str:
        return COLOURS[role][self._dark]

    def changeEvent(self, event: QEvent) -> None:
        # View ▸ Theme changed the palette: the figure and the red words follow it
        if palette_changed(event):
            self._follow_theme()
        super().changeEvent(event)

    def _follow_theme(self) -> None:
        dark = is_dark(self)
        if dark == self._themed:
            return
        self._dark = self._themed = dark
        plot_theme.recolour(self.figure, dark)
        for line in self.lines:
            line.set_color(self._colour("line"))
        if self.words:
            self._verdict_titles()
        if self._error:
            self.status.setStyleSheet(f"color: {self._colour('error_text')};")
        self._range_changed()
        self.canvas.draw_idle()

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
