"""The training panel: settings, run controls, live plots, the network as a graph, export.

``TrainingPanel`` (objectName ``training_panel``) turns its form into a ``TrainConfig``, runs a
``Trainer`` in a worker thread (``worker``) and shows what the worker sends: metrics go to the
plots (``plots``, created the first time the panel is shown, since importing matplotlib costs
half a second), the weights to the decision boundary, the network graph (``network_view``) and
the exports (``export``). Nothing here blocks the event loop for long: the window stays
responsive while training.

Run states: no run (``run is None``), running, paused, finished. Train starts a run (or resumes
a paused one), Pause pauses, Step takes exactly one step and stays paused (starting a paused
run if there is none), Reset stops the run and clears its curves. Settings are locked while a
run is under way. Every run that took a step is recorded (``runs``, a ``RunHistory``) when it
ends, is reset, or gives way to the next: the plots draw each run in its own colour with a
label saying what it changed, the table of runs under them (``run_table``) lists them with
their final numbers, hides or shows each, and loads a run's settings back into the form. A
diverged run is explained with the learning rate to try (``training.divergence``). Speed paces a
run ("Watch": 30 steps a second, so the loss curve and the boundary visibly move; see
``speed``) and can change while it goes. Export is off while the weights are not finite
numbers or the run diverged. Nothing under the run buttons (``controls``) changes height, so
they never move under the pointer.

The panel shrinks to about 600 px wide (the network tools wrap, the plots get small) so the
window can be small; ``tab`` keeps a hidden Training tab from setting its size at all.

"Show network on canvas" emits ``show_graph_requested(GraphDocument)``: the MLP's graph for one
chosen sample or the whole batch, loss included, grouped at the chosen level (``network_document``
in ``playground.training.network_levels``); the main window shows it and presses Backward.
With "follow" on, the graph is sent again every N steps while training
(``refresh_graph_requested``: the window replaces the shown network if it is unchanged).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from playground.graph.document import GraphDocument
from playground.training.choices import Dataset
from playground.training.config import TrainConfig
from playground.training.runs import RunRecord
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import ConfigError, Trainer, scalar_step_seconds
from playground.ui.training import plot_feed
from playground.ui.training.controls import TRAIN_TIP
from playground.ui.training.form import FormState
from playground.ui.training.message import outcome_words
from playground.ui.training.network_view import GraphSource
from playground.ui.training.paint_binding import PaintBinding
from playground.ui.training.panel_layout import build_panel
from playground.ui.training.worker import Grid, Progress, TrainingRun

__all__ = ["LECTURE_PRESET", "TrainingPanel"]

LECTURE_PRESET = TrainConfig.preset("lecture")
DEMO_PRESET = TrainConfig()
READY = "Ready: press Train (or Step for one step at a time)."
TOO_BIG = ("Can't train: not enough memory for this network and data. Try fewer samples, "
           "smaller hidden layers or a smaller batch.")


class TrainingPanel(QWidget):
    """Train an MLP and watch it learn; see the module docstring."""

    show_graph_requested = Signal(object)
    """A ``GraphDocument`` to show on the canvas (the user asked)."""
    refresh_graph_requested = Signal(object)
    """A fresher ``GraphDocument`` of the same network while following training."""
    run_finished = Signal(str, str)
    """(how, message) when a run ends: how is "done", "stopped" or "diverged"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_panel")
        self.setAccessibleName("Training panel")
        self.run: TrainingRun | None = None
        self.plots = None  # TrainingPlots, made when first shown (imports matplotlib)
        self.state: FormState | None = None
        self.snapshot: ModelSnapshot | None = None
        self._run_config: TrainConfig | None = None
        self._run_train: Dataset | None = None
        self._run_test: Dataset | None = None
        self._run_grid: Grid | None = None
        self._plot_data_timer = QTimer(self)
        self._plot_data_timer.setSingleShot(True)
        self._plot_data_timer.setInterval(120)
        self._plot_data_timer.timeout.connect(self._show_data_on_plots)
        build_panel(self)  # the widgets and their layout: panel_layout.py
        self.form.changed.connect(self._settings_changed)
        self.painting = PaintBinding(self)  # painted data: the map's clicks, undo, the sweep
        self._settings_changed()

    # --- lazily made plots ------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.ensure_plots()

    def ensure_plots(self):
        """The plots widget, created (and matplotlib imported) on first use."""
        if self.plots is None:
            from playground.ui.training.plots import TrainingPlots

            self.plots = TrainingPlots(self.plot_holder)
            self.compare.attach_plots(self.plots)
            self._plot_layout.removeWidget(self._plot_placeholder)
            self._plot_placeholder.deleteLater()
            self._plot_layout.addWidget(self.plots)
            self.painting.attach(self.plots)
            self._show_data_on_plots()
        return self.plots

    # --- settings -------------------------------------------------------------------------

    def apply_demo_preset(self) -> None:
        self._apply_preset(DEMO_PRESET)

    def apply_lecture_preset(self) -> None:
        self._apply_preset(LECTURE_PRESET)

    def apply_config(self, config: TrainConfig) -> None:
        """Fill the form with ``config`` (a lesson's settings), stopping a running run."""
        self._apply_preset(config)

    def _apply_preset(self, config: TrainConfig) -> None:
        if self.run is not None and self.run.state != "finished":
            self.reset()
        self.form.set_config(config)

    def config(self) -> TrainConfig:
        """The settings as a ``TrainConfig`` (which may have problems: see ``problems()``)."""
        return self.form.state().config

    def problems(self) -> list[str]:
        return [str(p) for p in (self.state.problems if self.state else [])]

    @Slot()
    def _settings_changed(self) -> None:
        self.state = self.form.state()
        self.form.show_problems(self.state.problems)
        self.form.set_backend_note(self._speed_hint())
        if self.run is None or self.run.state == "finished":
            self._show_data_preview()
        if self.run is None:  # a finished run's numbers and plots stay until the next run
            self._set_status(READY)
            self._plot_data_timer.start()  # coalesced: typing a path must not redraw per key
        self._update_controls()

    def _speed_hint(self) -> str:
        """A word about the scalar backend's speed on a big job (it is one Value per number)."""
        s = self.state
        if s is None or not s.ok or s.config.backend != "scalar" or s.train is None:
            return ""
        seconds = scalar_step_seconds(s.config, s.train)
        if seconds < 0.05:
            return ""
        return (f"One Value per number: about {seconds:.2g} s a step here (the tensor backend "
                f"does the same maths far faster).")

    def _show_data_preview(self) -> None:
        s = self.state
        if self.painting.show_preview(s):
            return
        if s is None or s.dataset is None:
            self.form.data.show_data(None, None, None)
            return
        self.form.data.show_data(s.dataset, s.train, s.test)
        self.network.update_range()

    def _sample_data(self) -> Dataset | None:
        """The training samples "Show network" picks from: the run's, else the settings'."""
        if self.run is not None and self._run_train is not None:
            return self._run_train
        return self.state.train if self.state is not None else None

    def _show_data_on_plots(self) -> None:
        if self.plots is None:
            return
        if self.run is not None and self._run_train is not None:
            plot_feed.show_data(self.plots, self._run_train, self._run_test, self._run_grid)
        elif self.painting.show_on_plots(self.state):
            pass
        elif self.state is not None and self.state.dataset is not None:
            plot_feed.show_data(self.plots, self.state.train, self.state.test, None)
        else:
            plot_feed.show_data(self.plots, None, None, None)

    # --- run controls ---------------------------------------------------------------------

    def _update_controls(self) -> None:
        run = self.run
        state = run.state if run is not None else "idle"
        valid = self.state is not None and self.state.ok
        self.controls.show_state(state, valid)
        locked = state in ("running", "paused")
        if locked != self._locked:
            self._locked = locked
            self.form.set_locked(locked)
        self.run_table.set_locked(locked)
        self.demo_button.setEnabled(state in ("idle", "finished"))
        self.lecture_button.setEnabled(state in ("idle", "finished"))
        diverged = run is not None and run.result is not None and run.result[0] == "diverged"
        self.export_box.set_model(self.snapshot, self._run_train, self._run_config,
                                  diverged=diverged, settled=run is None or state != "running")
        self.show_button.setEnabled(self.snapshot is not None or valid)
        if not valid and state in ("idle", "finished") and self.state is not None:
            problems = self.state.problems
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                why = f"Can't train: {problems[0]}{more}"
            else:
                why = "Can't train: no data"
            self.train_button.setToolTip(why)
            self._set_message(why, "error", key="settings")
        else:
            self.train_button.setToolTip(TRAIN_TIP)
            if self.messages.notice_key == "settings":
                self._set_message("")

    _locked = False

    def _set_message(self, text: str, kind: str = "info", key: str = "") -> None:
        self.messages.set_notice(text, kind, key)

    def message_text(self) -> str:
        return self.messages.shown_text()

    def _set_status(self, text: str) -> None:
        self.controls.set_status(text)

    @Slot()
    def _speed_changed(self) -> None:
        if self.run is not None:
            self.run.set_rate(self.speed.currentData())

    def train(self) -> None:
        if self.run is not None and self.run.state == "paused":
            self.run.resume()
            self._update_controls()
            return
        self._start(paused=False)

    def pause(self) -> None:
        if self.run is not None:
            self.run.pause()
            self._update_controls()

    def step(self) -> None:
        fresh = self.run is None or self.run.state == "finished"
        if fresh and not self._start(paused=True):
            return
        self.run.step_once()
        self._update_controls()

    def reset(self) -> None:
        """Stop the run and clear its live curves (the data and the settings stay; the run is
        recorded and its curves stay as one of the compared runs)."""
        if self.run is not None:
            self.compare.record(self.run, "stopped")
            self._drop_run()
        self.snapshot = None
        if self.plots is not None:
            self.plots.reset_current()
        self.compare.show()
        self.controls.clear_progress()
        self._set_status(READY)
        self.messages.clear()
        self._show_data_preview()
        self._show_data_on_plots()
        self._update_controls()

    def _drop_run(self) -> None:
        run = self.run
        self.run = None
        run.progress.disconnect(self._on_progress)
        run.finished.disconnect(self._on_finished)
        run.shutdown()  # returns at once; the run deletes itself when its thread has ended

    def _start(self, paused: bool) -> bool:
        self._settings_changed()
        s = self.state
        if s is None or not s.ok:
            return False
        if self.run is not None:
            self.compare.record(self.run, "stopped")
            self._drop_run()
        try:
            trainer = Trainer(s.config, s.prepared)
        except (ConfigError, ValueError) as exc:
            self._set_message(f"Can't train: {exc}", "error")
            return False
        except MemoryError:
            self._set_message(TOO_BIG, "error")
            return False
        self._run_config = s.config
        self._run_train, self._run_test = trainer.train_set, trainer.test_set
        grid = Grid.around(trainer.dataset.X) if trainer.dataset.n_features == 2 else None
        if s.config.dataset == "painted":
            grid = self.painting.grid()  # the square the points were painted in
        self._run_grid = grid
        self.network.restart()
        self.snapshot = None
        plots = self.ensure_plots()
        plots.start_run(s.config.steps, *self.compare.begin(s.config))
        self.compare.show()
        self.run = TrainingRun(trainer, grid, paused=paused, gui_idle=plots.canvas.idle,
                               parent=self, rate=self.speed.currentData(),
                               prepared=s.prepared)
        self.run.progress.connect(self._on_progress)
        self.run.finished.connect(self._on_finished)
        self._plot_data_timer.stop()
        self._show_data_on_plots()
        self.network.update_range()
        self.controls.start_progress(s.config.steps)
        self._set_status("starting…")
        self.messages.clear()
        self.run.start()
        self._update_controls()
        return True

    # --- what the worker sends ------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, p: Progress) -> None:
        self.snapshot = p.snapshot
        if p.decision is not None:
            self.painting.last_decision = p.decision
        plots = self.plots
        if plots is not None:
            plots.add_metrics(p.metrics)
            plot_feed.show_outputs(plots, p.snapshot, self._run_train, p.decision,
                                   has_grid=self._run_grid is not None)
        if p.metrics:
            m = p.metrics[-1]
            self.controls.show_progress(m.step + 1, p.steps_per_second)
            fit = self._run_train is not None and self._run_train.regression
            score = plot_feed.score_words(m.accuracy, fit)
            text = f"step {m.step + 1} · loss {m.loss:.4g} · {score}"
            if m.test_loss is not None:  # its own line: the status is two lines high
                text += (f"\ntest loss {m.test_loss:.4g} · test "
                         f"{plot_feed.score_words(m.test_accuracy, fit)}")
            self._set_status(text)
            self.network.follow_step(p.snapshot.step)
        self._update_controls()

    @Slot(str, str)
    def _on_finished(self, how: str, message: str) -> None:
        run = self.run
        if self.plots is not None:
            self.plots.finish_run(diverged=how == "diverged")
        advice = run.worker.advice if run is not None else None
        if run is not None:
            self.compare.record(run, how, advice.text if advice is not None else None)
        ending = outcome_words(how, message, run)
        if ending is not None:
            self.messages.set_outcome(*ending)
        if run is not None:
            self.controls.end_progress()
        self.compare.show()
        self._update_controls()
        self.run_finished.emit(how, message)

    # --- the runs compared (``run_compare``: the plots' legend, ``run_table``) ----------

    def load_run(self, number: int) -> None:
        """Put run ``number``'s settings back into the form."""
        self.compare.load(number)

    def _load_record(self, record: RunRecord) -> None:
        if self.run is not None and self.run.state != "finished":
            return  # the form is locked while a run is under way
        self.form.set_config(record.config)
        self._set_message(f"Loaded the settings of run #{record.number} ({record.label}): "
                          f"press Train to run them again.", "info", key="loaded")

    # --- network graph and export (``network_view``, ``export``) ---------------------------

    def _graph_source(self) -> GraphSource | None:
        """The weights to draw (the run's latest, or a fresh untrained model) and the data."""
        if self.snapshot is not None and self._run_train is not None and self._run_config:
            return GraphSource(self.snapshot, self._run_train, self._run_config.loss, live=True)
        s = self.state
        if s is None or not s.ok or s.train is None:
            return None
        try:
            trainer = Trainer(s.config, s.prepared)
        except (ConfigError, ValueError):
            return None
        except MemoryError:
            self._set_message(TOO_BIG, "error")
            return None
        return GraphSource(ModelSnapshot.of(trainer), trainer.train_set, s.config.loss,
                           live=False)

    @property
    def graph_note(self) -> str:
        """What the last network graph shows, in sentences."""
        return self.network.graph_note

    @property
    def last_graph(self) -> GraphDocument | None:
        return self.network.last_graph

    def build_network_document(self) -> GraphDocument | None:
        return self.network.build_document()

    def show_network(self) -> GraphDocument | None:
        return self.network.show_network()

    def export_script_text(self, kind: str) -> str:
        return self.export_box.script_text(kind)

    def export_script(self, kind: str, path: str | Path) -> Path:
        return self.export_box.write_script(kind, path)

    def export_dialog(self, kind: str) -> Path | None:
        return self.export_box.export_dialog(kind)

    # --- shutting down --------------------------------------------------------------------

    def shutdown(self) -> None:
        """Ask any run to stop, without waiting for its current step (call when closing)."""
        if self.run is not None:
            self._drop_run()
        self.painting.shutdown()
        if self.plots is not None:
            self.plots.timer.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

