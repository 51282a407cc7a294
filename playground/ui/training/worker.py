"""Training in a worker thread: a ``QObject`` moved to a ``QThread``, talking only by signals.

``TrainingRun`` owns one ``Trainer`` and its thread. The worker's loop calls ``Trainer.step()``
and sends what happened as plain data (``Progress``: the new ``StepMetrics``, a
``ModelSnapshot`` of the weights and, for 2-D data, the decision grid) at most every
``FLUSH_INTERVAL`` seconds, so a fast run does not flood the window's event loop; it never
touches a widget. The window steers it with thread-safe calls that only flip flags under a
lock: ``pause()``, ``resume()``, ``step_once()`` (one step, then paused), ``stop()`` and
``set_rate()``: a running loop takes at most ``rate`` steps a second (``speed.Pacer``;
None: as fast as it can), so a learner can watch the tensor backend learn.

When the loop ends the worker, still on its thread, evaluates the final weights on the whole
train/test split (``final``: ``runs.Final``, for the table of runs) and, after a divergence,
asks ``training.divergence.explain`` which learning rate to try (``advice``; a probe of at most
``PROBE_SECONDS``); both are set before ``finished`` is emitted.

Signals are delivered to the receiver's thread (queued), so connect them to methods of
objects that live in the GUI thread, not to lambdas.
"""

from __future__ import annotations

import atexit
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, Signal, Slot

from playground.training.config import Prepared
from playground.training.divergence import Explanation, explain
from playground.training.runs import Final
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import StepMetrics, Trainer, TrainingStopped
from playground.ui.errors import report
from playground.ui.training.speed import Pacer

__all__ = [
    "FLUSH_INTERVAL", "GRID_SIZE", "Grid", "Progress", "TrainWorker", "TrainingRun",
    "finish_all_runs", "live_runs",
]

FLUSH_INTERVAL = 1 / 20
"""Seconds between two ``progress`` signals while running."""

GRID_INTERVAL = 0.1
"""Seconds between two decision grids while running (each costs a forward pass on the grid).
A paced run sends one with every ``progress``: it has the time, and the boundary moves smoothly."""

SWITCH_INTERVAL = 0.0005
"""Python's thread switch interval while a run is going (the default is 5 ms). A worker busy in
pure Python (the scalar backend) holds the GIL; each time the GUI thread comes back from a Qt
call it may wait a whole interval for it, many times per frame. Restored when the run ends."""

GRID_CHUNK = 1024
"""Grid points per forward pass: OpenBLAS starts threads for bigger products, and on a busy
machine its spinning threads made one 6,400-point grid take 4x longer (13 ms vs 3 ms)."""

GRID_SIZE = 80
"""Points per side of the decision-boundary grid."""

PROBE_SECONDS = 0.5
"""The learning-rate probe's budget after a divergence (its runs are tiny: ~20 ms here)."""


@dataclass(frozen=True, eq=False)
class Grid:
    """Where the decision function is sampled: ``extent`` = (x0, x1, y0, y1)."""

    extent: tuple[float, float, float, float]
    size: int = GRID_SIZE

    @classmethod
    def around(cls, X: np.ndarray, size: int = GRID_SIZE, pad: float = 0.12) -> Grid:
        """A square around the first two features of ``X``, with a margin."""
        lo, hi = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
        centre = (lo + hi) / 2
        half = max(float(np.max(hi - lo)), 1e-9) * (0.5 + pad)
        return cls((float(centre[0] - half), float(centre[0] + half),
                    float(centre[1] - half), float(centre[1] + half)), size)

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        x0, x1, y0, y1 = self.extent
        return np.meshgrid(np.linspace(x0, x1, self.size), np.linspace(y0, y1, self.size))


@dataclass(frozen=True, eq=False)
class Progress:
    metrics: list[StepMetrics]
    """The steps taken since the previous ``Progress`` (possibly none)."""
    snapshot: ModelSnapshot
    """The weights after the last of them."""
    decision: np.ndarray | None = None
    """Raw outputs on the run's ``Grid`` (GRID_SIZE² or GRID_SIZE² x K); None without 2-D data."""
    steps_per_second: float = 0.0


class TrainWorker(QObject):
    """Runs ``Trainer.step()`` in a loop on its thread; see the module docstring."""

    progress = Signal(object)
    """``Progress``."""
    finished = Signal(str, str)
    """(how, message): how is "done" (all steps), "stopped" (stop()) or "diverged"."""

    def __init__(
        self, trainer: Trainer, grid: Grid | None, paused: bool = False,
        gui_idle: threading.Event | None = None, rate: float | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        super().__init__()
        self.trainer = trainer
        self.prepared = prepared
        """What the run was made from (its data), for the learning-rate probe."""
        self.final: Final | None = None
        """The final weights' numbers on the whole splits, set when the loop has ended."""
        self.advice: Explanation | None = None
        """Why the run diverged and what to try; set when the loop has ended."""
        self.gui_idle = gui_idle
        """Set while the window is not busy drawing; the loop waits for it before each step
        (threads share the GIL, and stepping during a draw slows the draw down tenfold)."""
        self.grid = grid
        self._mesh = grid.mesh() if grid is not None else None
        self._cond = threading.Condition()
        self._stop = False
        self._budget: int | None = 0 if paused else None  # steps allowed before pausing
        self._pending: list[StepMetrics] = []
        self._last_grid = -1.0
        self._rate_steps = 0
        self._rate_t0 = time.perf_counter()
        self._rate = 0.0
        self._pacer = Pacer(rate)

    # --- control, from any thread --------------------------------------------------------

    def pause(self) -> None:
        with self._cond:
            self._budget = 0
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._budget = None
            self._cond.notify_all()

    def step_once(self) -> None:
        """One more step, then stay paused."""
        with self._cond:
            self._budget = (self._budget or 0) + 1
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def set_rate(self, rate: float | None) -> None:
        """At most ``rate`` steps a second from now on (None: no pacing)."""
        with self._cond:
            self._pacer.set_rate(rate)
            self._cond.notify_all()

    @property
    def rate(self) -> float | None:
        with self._cond:
            return self._pacer.rate

    @property
    def paused(self) -> bool:
        with self._cond:
            return self._budget == 0

    # --- the loop, on the worker thread --------------------------------------------------

    @Slot()
    def run(self) -> None:
        trainer = self.trainer
        last_flush = time.perf_counter()
        self._flush()  # the starting weights (and boundary) at once
        how, message = "done", ""
        while True:
            with self._cond:
                if self._budget == 0 and not self._stop:
                    self._flush()
                    self._rate = 0.0
                    while self._budget == 0 and not self._stop:
                        self._cond.wait()
                    self._rate_steps, self._rate_t0 = 0, time.perf_counter()
                    self._pacer.restart()
                if self._budget is None and not self._stop and not trainer.done:
                    delay = self._pacer.delay()
                    if delay > 0:  # not this step's turn yet at the chosen speed
                        self._cond.wait(delay)
                        continue  # look again: paused, stopped, a new speed, or due now
                if self._stop:
                    how = "stopped"
                    break
                if trainer.done:
                    break
                if self._budget is not None:
                    self._budget -= 1
            if self.gui_idle is not None:
                self.gui_idle.wait(0.25)
            try:
                with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported
                    self._pending.append(trainer.step())
            except TrainingStopped as exc:
                how, message = "diverged", str(exc)
                break
            except Exception as exc:  # a bug must end the run, not hang it
                how, message = "diverged", f"training failed: {type(exc).__name__}: {exc}"
                break
            if trainer.diverged_at is not None:  # the blown-up step is recorded, then stops
                how, message = "diverged", trainer.stopped_reason or "diverged"
                break
            self._rate_steps += 1
            with self._cond:  # set_rate() changes the pacer from the window's thread
                self._pacer.stepped()
            now = time.perf_counter()
            if now - last_flush >= FLUSH_INTERVAL:
                self._flush()
                last_flush = now
        self._flush()
        self._conclude(how)
        self.finished.emit(how, message)

    def _conclude(self, how: str) -> None:
        """``final`` and ``advice``, on this thread (an evaluation and maybe a probe)."""
        try:
            with np.errstate(all="ignore"):
                if self.trainer.history:
                    self.final = Final.of(self.trainer)
                if how == "diverged":
                    self.advice = explain(self.trainer, self.prepared, seconds=PROBE_SECONDS)
        except Exception as exc:  # the run's own numbers stand; the table shows those
            report(exc)

    def _flush(self) -> None:
        now = time.perf_counter()
        if now - self._rate_t0 >= 0.25 and self._rate_steps:
            self._rate = self._rate_steps / (now - self._rate_t0)
            self._rate_steps, self._rate_t0 = 0, now
        decision = None
        waiting = self._budget == 0 or self._stop or self.trainer.done
        every = GRID_INTERVAL if self._pacer.rate is None else 0.0
        if self._mesh is not None and (waiting or now - self._last_grid >= every):
            self._last_grid = now
            decision = self._decision_grid()
        pending, self._pending = self._pending, []
        self.progress.emit(
            Progress(pending, ModelSnapshot.of(self.trainer), decision, self._rate)
        )

    def _decision_grid(self) -> np.ndarray | None:
        xx, yy = self._mesh
        points = np.c_[xx.ravel(), yy.ravel()]
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                parts = [self.trainer.decision_function(points[i:i + GRID_CHUNK])
                         for i in range(0, len(points), GRID_CHUNK)]
        except (OverflowError, FloatingPointError):  # a diverging model (the loss says so)
            return None
        except Exception as exc:  # a bug: no boundary this time, but logged and shown
            report(exc)
            return None
        out = np.concatenate(parts)
        return out.reshape(xx.shape + out.shape[1:])


class TrainingRun(QObject):
    """One run: a ``Trainer``, a ``TrainWorker`` and the ``QThread`` it lives in.

    ``start()`` starts the thread; ``finished(how, message)`` comes once the loop has ended;
    ``shutdown()`` asks it to stop and returns at once (a step may take many seconds). A started
    run keeps itself alive (in ``_LIVE``) until its thread has ended, and a shut-down run then
    deletes itself, so a running ``QThread`` is never destroyed; ``finish_all_runs()`` waits for
    the threads when the application quits.
    """

    progress = Signal(object)
    finished = Signal(str, str)

    def __init__(
        self, trainer: Trainer, grid: Grid | None, paused: bool = False,
        gui_idle: threading.Event | None = None, parent: QObject | None = None,
        rate: float | None = None, prepared: Prepared | None = None,
    ) -> None:
        super().__init__(parent)
        self.trainer = trainer
        self.grid = grid
        self.state = "paused" if paused else "running"
        """"running", "paused" or "finished" (``how`` is in ``result``)."""
        self.result: tuple[str, str] | None = None
        self._retired = False
        self.thread = QThread()
        self.thread.setObjectName("training")
        self.worker = TrainWorker(trainer, grid, paused, gui_idle, rate, prepared)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.progress.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)

    def start(self) -> None:
        self._old_switch = sys.getswitchinterval()
        sys.setswitchinterval(min(self._old_switch, SWITCH_INTERVAL))
        _LIVE.add(self)
        self.thread.finished.connect(self._on_thread_finished)
        _connect_quit()
        self.thread.start()

    @Slot()
    def _on_thread_finished(self) -> None:
        self._restore_switching()
        _LIVE.discard(self)
        if self._retired:
            self.deleteLater()

    def _restore_switching(self) -> None:
        old = getattr(self, "_old_switch", None)
        if old is not None:
            sys.setswitchinterval(old)
            self._old_switch = None

    def pause(self) -> None:
        if self.state == "running":
            self.worker.pause()
            self.state = "paused"

    def resume(self) -> None:
        if self.state == "paused":
            self.worker.resume()
            self.state = "running"

    def step_once(self) -> None:
        if self.state == "running":
            self.worker.pause()
        if self.state != "finished":
            self.state = "paused"
            self.worker.step_once()

    def set_rate(self, rate: float | None) -> None:
        """At most ``rate`` steps a second (None: as fast as it goes); takes effect at once."""
        self.worker.set_rate(rate)

    def shutdown(self) -> None:
        """Ask the loop to stop and return at once, without waiting for the current step.

        The run stays alive until its thread has ended, then deletes itself: drop it freely.
        """
        self._retired = True
        self.setParent(None)  # deleting the panel must not delete a run whose thread still runs
        self.worker.stop()
        self.thread.quit()  # before exec(): the thread's event loop ends as soon as it starts
        if not self.thread.isRunning() and self not in _LIVE:
            self._restore_switching()
            self.deleteLater()

    @property
    def running(self) -> bool:
        return self.state == "running"

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self.progress.emit(progress)

    @Slot(str, str)
    def _on_finished(self, how: str, message: str) -> None:
        self.state = "finished"
        self.result = (how, message)
        self.thread.quit()
        self._restore_switching()
        self.finished.emit(how, message)


_LIVE: set[TrainingRun] = set()
"""Started runs whose thread has not ended yet: they must outlive their panel and window."""

QUIT_POLL_MS = 100


def live_runs() -> list[TrainingRun]:
    """The started runs whose thread has not been seen to end yet."""
    return list(_LIVE)


def finish_all_runs() -> None:
    """Stop every run and wait for its thread to end, handling events meanwhile.

    Called when the application quits (``aboutToQuit``, and ``atexit`` for scripts that never
    call ``exec()``): the windows are closed by then (their edits saved or discarded), so the
    current step may finish in the background. Destroying a running ``QThread`` aborts.
    """
    for run in list(_LIVE):
        run.worker.stop()
        run.thread.quit()
    app = QCoreApplication.instance()
    for run in list(_LIVE):
        while not run.thread.wait(QUIT_POLL_MS):
            if app is not None:
                app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        run._restore_switching()
    _LIVE.clear()


_quit_connected = False


def _connect_quit() -> None:
    global _quit_connected
    app = QCoreApplication.instance()
    if not _quit_connected and app is not None:
        app.aboutToQuit.connect(finish_all_runs)
        _quit_connected = True


atexit.register(finish_all_runs)
