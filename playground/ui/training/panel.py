"""The training panel: settings, run controls, live plots, the network as a graph, export.

``TrainingPanel`` (objectName ``training_panel``) turns its form into a ``TrainConfig``, runs a
``Trainer`` in a worker thread (``worker``) and shows what the worker sends: metrics go to the
plots (``plots``, created the first time the panel is shown, since importing matplotlib costs
half a second), the weights to the decision boundary, the
network graph and the exports. Nothing here blocks the event loop for long: the window stays
responsive while training.

Run states: no run (``run is None``), running, paused, finished. Train starts a run (or resumes
a paused one), Pause pauses, Step takes exactly one step and stays paused (starting a paused
run if there is none), Reset stops the run and clears its curves. Settings are locked while a
run is under way. A finished run's curves stay, faded, when the next run starts. Speed paces a
run ("Watch": 30 steps a second, so the loss curve and the boundary visibly move; see
``training_speed``) and can change while it goes. Export is off while the weights are not
finite numbers or the run diverged. Nothing under the run buttons changes height, so they
never move under the pointer.

The panel shrinks to about 600 px wide (the network tools wrap, the plots get small) so the
window can be small; ``training_tab`` keeps a hidden Training tab from setting its size at all.

"Show network on canvas" emits ``show_graph_requested(GraphDocument)``: the MLP's scalar graph
for one chosen sample, loss included (see ``playground.training.network``); the main window
shows it. With "follow" on, the graph is sent again every N steps while training
(``refresh_graph_requested``: the window replaces the shown network if it is unchanged).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from playground.graph.document import GraphDocument
from playground.training.choices import Dataset
from playground.training.config import TrainConfig
from playground.training.export import ExportData, engine_script, torch_script
from playground.training.network import NetworkGraph, network_graph, zero_loss_samples
from playground.training.snapshot import ModelSnapshot
from playground.training.trainer import ConfigError, Trainer
from playground.ui.flow_layout import FlowLayout
from playground.ui.training.form import FormState, TrainingForm
from playground.ui.training.message import TrainingMessage
from playground.ui.training.speed import speed_combo
from playground.ui.training.worker import Grid, Progress, TrainingRun

__all__ = ["LECTURE_PRESET", "TrainingPanel"]

LECTURE_PRESET = TrainConfig.preset("lecture")
DEMO_PRESET = TrainConfig()
READY = "Ready: press Train (or Step for one step at a time)."
EXPORT_TIPS = {
    "python": "Export a script that rebuilds this MLP with the engine, with its weights, and "
              "prints its predictions for the training data",
    "torch": "Export the same as a PyTorch nn.Sequential (float64) script",
}


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
        self.graph_note = ""
        self.last_graph: GraphDocument | None = None
        self._run_config: TrainConfig | None = None
        self._run_train: Dataset | None = None
        self._run_test: Dataset | None = None
        self._run_grid: Grid | None = None
        self._last_followed = -1
        self._checked: tuple[ModelSnapshot | None, bool, str] = (None, False, "")
        self._plot_data_timer = QTimer(self)
        self._plot_data_timer.setSingleShot(True)
        self._plot_data_timer.setInterval(120)
        self._plot_data_timer.timeout.connect(self._show_data_on_plots)
        self._build()
        self.form.changed.connect(self._settings_changed)
        self._settings_changed()

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        self.form = TrainingForm()
        presets = QHBoxLayout()
        presets.setSpacing(4)
        self.demo_button = self._button("preset_demo", "micrograd demo",
                                        "micrograd's demo: moons, MLP 2-16-16-1, SVM loss + L2, "
                                        "100 steps, lr 1.0 -> 0.1", self.apply_demo_preset)
        self.lecture_button = self._button(
            "preset_lecture", "Lecture MLP(3,[4,4,1])",
            "The lecture's network: the 4 samples, MLP(3, [4, 4, 1]) with tanh, sum of squared "
            "errors, lr 0.1", self.apply_lecture_preset)
        presets.addWidget(self.demo_button)
        presets.addWidget(self.lecture_button)


        self.train_button = self._button("train", "Train", "Train (or resume)", self.train)
        self.pause_button = self._button("pause", "Pause", "Pause training", self.pause)
        self.step_button = self._button("step", "Step", "Take exactly one training step",
                                        self.step)
        self.reset_button = self._button("reset", "Reset",
                                         "Stop and forget this run (its curves fade into the "
                                         "history only if it finished)", self.reset)
        self.train_button.setDefault(True)
        controls = QHBoxLayout()
        controls.setSpacing(4)
        slim = self.fontMetrics().horizontalAdvance("Resume") + 18  # the style's 80 px is wide
        for b in (self.train_button, self.pause_button, self.step_button, self.reset_button):
            b.setMinimumWidth(slim)
            controls.addWidget(b)
        self.speed = speed_combo()
        self.speed.currentIndexChanged.connect(self._speed_changed)
        speed_row = QHBoxLayout()
        speed_row.setSpacing(6)
        speed_label = QLabel("&Speed")
        speed_label.setBuddy(self.speed)
        speed_row.addWidget(speed_label)
        speed_row.addWidget(self.speed, 1)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("training_progress")
        self.progress_bar.setAccessibleName("Training progress")
        self.progress_bar.setTextVisible(True)
        self.status = QLabel()
        self.status.setObjectName("training_status")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Two lines, always: a status growing a line would push the run buttons up.
        self.status.setFixedHeight(2 * self.status.fontMetrics().lineSpacing() + 4)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.messages = TrainingMessage()
        self.message = self.messages.label

        tools = self._tools_row()
        left = QWidget()
        left.setObjectName("training_left")
        lv = QVBoxLayout(left)
        lv.setContentsMargins(6, 6, 6, 6)
        lv.setSpacing(6)
        lv.addLayout(presets)
        lv.addWidget(self.form, 1)
        lv.addLayout(speed_row)
        lv.addLayout(controls)
        lv.addWidget(self.progress_bar)
        lv.addWidget(self.status)
        lv.addWidget(self.export_box)
        left.setMinimumWidth(270)

        self.plot_holder = QWidget()
        self.plot_holder.setObjectName("plot_holder")
        self._plot_layout = QVBoxLayout(self.plot_holder)
        self._plot_layout.setContentsMargins(0, 0, 0, 0)
        self._plot_placeholder = QLabel("The plots appear here.")
        self._plot_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._plot_layout.addWidget(self._plot_placeholder)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 6, 6, 6)
        rv.setSpacing(6)
        rv.addWidget(self.plot_holder, 1)
        rv.addWidget(self._message_area())
        rv.addWidget(tools)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("training_splitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _message_area(self) -> QWidget:
        """The message's place under the plots, as tall with a message as without: a "Done"
        line appearing at the end of a run made the plots jump up (they shrank by its height).
        Four lines fit the longest message (why a run diverged) at the plots' width."""
        area = QWidget()
        area.setObjectName("training_message_area")
        box = QVBoxLayout(area)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.message, 0, Qt.AlignmentFlag.AlignTop)
        box.addStretch(1)
        area.setFixedHeight(4 * self.message.fontMetrics().lineSpacing() + 14)
        area.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        return area

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.setAccessibleName(text)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    def _tools_row(self) -> QWidget:
        """Two compact rows under the plots: the network as a graph (and ``export_box``, the
        export buttons, for the left column)."""
        box = QWidget()
        box.setObjectName("network_section")
        self.sample = QSpinBox()
        self.sample.setObjectName("network_sample")
        self.sample.setAccessibleName("Sample")
        self.sample.setToolTip("Which training sample flows through the graph")
        self.sample.valueChanged.connect(self._update_sample_text)
        self._sample_chosen = False  # the user picked the sample: never pick another for them
        self.sample.valueChanged.connect(self._on_sample_changed)
        self.sample_text = QLabel()
        self.sample_text.setObjectName("network_sample_text")
        self.sample_text.setMinimumWidth(60)
        self.scope = QComboBox()
        self.scope.setObjectName("network_scope")
        self.scope.setAccessibleName("What to show")
        for data, text in (("auto", "auto"), ("network", "whole network"),
                           ("output_layer", "output layer + loss")):
            self.scope.addItem(text, data)
        self.scope.setToolTip("auto: the whole network up to 300 nodes; bigger ones are too "
                              "big to read, so auto then shows the output layer and the loss")
        self.show_button = self._button(
            "show_network", "Show network on canvas",
            "Build the MLP's scalar computation graph for this sample, loss included, "
            "and show it on the canvas with every data and grad", self.show_network)
        self.follow = QCheckBox("follow training, every")
        self.follow.setObjectName("network_follow")
        self.follow.setToolTip("While training, refresh the shown network every N steps")
        self.follow_every = QSpinBox()
        self.follow_every.setObjectName("network_follow_every")
        self.follow_every.setRange(1, 100_000)
        self.follow_every.setValue(10)
        self.follow_every.setSuffix(" steps")
        self.export_python_button = self._button(
            "export_model_python", "Python script…", EXPORT_TIPS["python"],
            lambda: self.export_dialog("python"))
        self.export_torch_button = self._button(
            "export_model_torch", "PyTorch script…", EXPORT_TIPS["torch"],
            lambda: self.export_dialog("torch"))
        # Groups that flow: one row in a wide window, wrapped in a narrow one (two fixed rows
        # made the panel at least 500 px wide here, and the window with it).
        flow = FlowLayout(spacing=10, row_spacing=4)
        flow.addWidget(QLabel("<b>Network as a graph</b>"))
        flow.addWidget(_group(QLabel("show"), self.scope))
        flow.addWidget(_group(QLabel("sample"), self.sample, self.sample_text))
        flow.addWidget(self.show_button)
        flow.addWidget(_group(self.follow, self.follow_every))
        # export sits under the run controls (the left column), where there is room
        self.export_box = QWidget()
        self.export_box.setObjectName("export_section")
        ev = QVBoxLayout(self.export_box)
        ev.setContentsMargins(0, 4, 0, 0)
        ev.setSpacing(4)
        ev.addWidget(QLabel("<b>Export the trained model</b>"))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.export_python_button)
        buttons.addWidget(self.export_torch_button)
        ev.addLayout(buttons)
        box.setLayout(flow)
        return box

    # --- lazily made plots ------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.ensure_plots()

    def ensure_plots(self):
        """The plots widget, created (and matplotlib imported) on first use."""
        if self.plots is None:
            from playground.ui.training.plots import TrainingPlots

            self.plots = TrainingPlots(self.plot_holder)
            self._plot_layout.removeWidget(self._plot_placeholder)
            self._plot_placeholder.deleteLater()
            self._plot_layout.addWidget(self.plots)
            self._show_data_on_plots()
        return self.plots

    # --- settings -------------------------------------------------------------------------

    def apply_demo_preset(self) -> None:
        self._apply_preset(DEMO_PRESET)

    def apply_lecture_preset(self) -> None:
        self._apply_preset(LECTURE_PRESET)

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
        sizes = [s.train.n_features, *s.config.hidden, max(1, s.train.n_classes - 1)]
        params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
        batch = s.config.batch_size or len(s.train)
        seconds = 4.6e-6 * params * min(batch, len(s.train))  # micrograd's demo: ~0.15 s/step
        if seconds < 0.05:
            return ""
        return (f"One Value per number: about {seconds:.2g} s a step here (the tensor backend "
                f"does the same maths far faster).")

    def _show_data_preview(self) -> None:
        s = self.state
        if s is None or s.dataset is None:
            self.form.preview.set_data(None, None, "no data")
            return
        ds = s.dataset
        note = f"{len(ds)} samples · {ds.n_classes} classes"
        if s.test is not None:
            note += f" · {len(s.test)} test (rings)"
        if ds.n_features > 2:
            note += f" · inputs 1-2 of {ds.n_features} shown"
        self.form.preview.set_data(s.train, s.test, note)
        self._update_sample_range()

    def _sample_data(self) -> Dataset | None:
        """The training samples "Show network" picks from: the run's, else the settings'."""
        if self.run is not None and self._run_train is not None:
            return self._run_train
        return self.state.train if self.state is not None else None

    def _update_sample_range(self) -> None:
        data = self._sample_data()
        with QSignalBlocker(self.sample):  # a clamped value is not the user's choice
            self.sample.setRange(0, max(0, len(data) - 1) if data is not None else 0)
        self._update_sample_text()

    def _on_sample_changed(self, _value: int) -> None:
        self._sample_chosen = True

    def _show_data_on_plots(self) -> None:
        if self.plots is None:
            return
        if self.run is not None and self._run_train is not None:
            train, test = self._run_train, self._run_test
        elif self.state is not None and self.state.dataset is not None:
            train, test = self.state.train, self.state.test
        else:
            self.plots.set_data(None, None, message="no data")
            return
        if train is None:
            self.plots.set_data(None, None, message="no data")
            return
        full = np.vstack([train.X] + ([test.X] if test is not None else []))
        if train.n_features == 2:
            grid = self._run_grid if self.run is not None else Grid.around(full)
            self.plots.set_data(
                train.X, train.y, test.X if test is not None else None,
                test.y if test is not None else None, n_classes=train.n_classes,
                extent=grid.extent if grid else None,
            )
        else:
            targets = None
            if train.n_classes == 2 and len(train) <= 60:
                targets = train.signs()
            self.plots.set_data(
                None, None, n_classes=train.n_classes, targets=targets,
                message=f"A decision boundary needs 2 input features; this data has "
                        f"{train.n_features}.",
            )

    # --- run controls ---------------------------------------------------------------------

    def _update_controls(self) -> None:
        run = self.run
        state = run.state if run is not None else "idle"
        valid = self.state is not None and self.state.ok
        fresh_ok = valid and state in ("idle", "finished")
        self.train_button.setText("Resume" if state == "paused" else "Train")
        self.train_button.setEnabled(state == "paused" or fresh_ok)
        self.pause_button.setEnabled(state == "running")
        self.step_button.setEnabled(state == "paused" or fresh_ok)
        self.reset_button.setEnabled(run is not None)
        locked = state in ("running", "paused")
        if locked != self._locked:
            self._locked = locked
            self.form.set_locked(locked)
        self.demo_button.setEnabled(state in ("idle", "finished"))
        self.lecture_button.setEnabled(state in ("idle", "finished"))
        has_model = self.snapshot is not None
        why_not = self._why_no_export()
        for kind, button in (("python", self.export_python_button),
                             ("torch", self.export_torch_button)):
            button.setEnabled(not why_not)
            button.setToolTip(why_not or EXPORT_TIPS[kind])
        self.show_button.setEnabled(has_model or valid)
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
            self.train_button.setToolTip("Train (or resume)")
            if self.messages.notice_key == "settings":
                self._set_message("")

    _locked = False

    def _why_no_export(self) -> str:
        """Why Export is off ("" when it is on)."""
        if self.snapshot is None:
            return "Train a model first: Export writes its weights"
        diverged = self.run is not None and self.run.result is not None and (
            self.run.result[0] == "diverged")
        what = "the run diverged" if diverged else self._not_finite(self.snapshot)
        if what:
            return (f"Export is off: {what}, so these weights are not a model worth keeping. "
                    f"Lower the learning rate, Train again, then export.")
        return ""

    def _not_finite(self, snapshot: ModelSnapshot) -> str:
        """What is not a finite number about these weights ("" when all is well): the weights,
        or the outputs they give (a run stopped at loss 1e228 has finite weights near 1e172,
        whose outputs overflow). The outputs are checked once the run stops or pauses: a
        forward pass on every progress would cost the window's thread for nothing."""
        full = self.run is None or self.run.state != "running"
        if self._checked[0] is snapshot and self._checked[1] >= full:
            return self._checked[2]
        why = ""
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in snapshot.weights):
            why = "some weights are inf or nan"
        elif full and self._run_train is not None:
            with np.errstate(all="ignore"):  # a sample of the data is enough
                out = snapshot.outputs(self._run_train.X[:256])
            if not np.isfinite(out).all():
                why = "the model's outputs overflow to inf or nan"
        self._checked = (snapshot, full, why)
        return why

    def _set_message(self, text: str, kind: str = "info", key: str = "") -> None:
        self.messages.set_notice(text, kind, key)

    def message_text(self) -> str:
        return self.messages.shown_text()

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setToolTip(text)

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
        """Stop the run and clear its curves (the data and the settings stay)."""
        if self.run is not None:
            self._drop_run()
        self.snapshot = None
        if self.plots is not None:
            self.plots.reset_current()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("")
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
        self._run_grid = grid
        self._last_followed = -1
        self.snapshot = None
        plots = self.ensure_plots()
        plots.start_run(s.config.steps)
        self.run = TrainingRun(trainer, grid, paused=paused, gui_idle=plots.canvas.idle,
                               parent=self, rate=self.speed.currentData())
        self.run.progress.connect(self._on_progress)
        self.run.finished.connect(self._on_finished)
        self._plot_data_timer.stop()
        self._show_data_on_plots()
        self._update_sample_range()
        self.progress_bar.setRange(0, s.config.steps)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%v / %m steps")
        self._set_status("starting…")
        self.messages.clear()
        self.run.start()
        self._update_controls()
        return True

    # --- what the worker sends ------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, p: Progress) -> None:
        self.snapshot = p.snapshot
        plots = self.plots
        if plots is not None:
            plots.add_metrics(p.metrics)
            if self._run_grid is not None:
                if p.decision is not None:
                    plots.set_decision(p.decision)
            elif self._run_train is not None and len(self._run_train) <= 60:
                plots.set_sample_outputs(p.snapshot.outputs(self._run_train.X))
        if p.metrics:
            m = p.metrics[-1]
            self.progress_bar.setValue(min(m.step + 1, self.progress_bar.maximum()))
            rate = f" · {p.steps_per_second:,.0f} steps/s" if p.steps_per_second else ""
            self.progress_bar.setFormat(f"%v / %m steps{rate}")
            text = f"step {m.step + 1} · loss {m.loss:.4g} · accuracy {m.accuracy:.0%}"
            if m.test_loss is not None:  # its own line: the status is two lines high
                text += f"\ntest loss {m.test_loss:.4g} · test accuracy {m.test_accuracy:.0%}"
            self._set_status(text)
            self._maybe_follow(p.snapshot.step)
        self._update_controls()

    @Slot(str, str)
    def _on_finished(self, how: str, message: str) -> None:
        run = self.run
        if self.plots is not None:
            self.plots.finish_run(diverged=how == "diverged")
        if how == "diverged":
            lr = self._run_config.lr if self._run_config else 0.0
            suggestion = min(lr / 10, 1.0)  # 10x smaller, and no more than micrograd's 1.0
            self.messages.set_outcome(
                f"Training stopped: {message}. The learning rate was {lr:g}: try {suggestion:g} "
                f"or lower (in Training ▸ Learning rate), or the adam optimizer. The curve shows "
                f"the steps up to there.", "error")
        elif how == "done" and run is not None:
            h = run.trainer.history
            if h:
                rate = run.worker.rate
                paced = f", shown at {rate:g} steps/s (Speed)" if rate else ""
                self.messages.set_outcome(
                    f"Done: {len(h)} steps in {run.trainer.elapsed:.2f} s of computing{paced}; "
                    f"final loss {h[-1].loss:.4g}, accuracy {h[-1].accuracy:.0%}.", "info")
        if run is not None:
            self.progress_bar.setFormat("%v / %m steps")
        self._update_controls()
        self.run_finished.emit(how, message)

    # --- network graph --------------------------------------------------------------------

    def _update_sample_text(self) -> None:
        train = self._sample_data()
        i = self.sample.value()
        if train is None or not 0 <= i < len(train):
            self.sample_text.setText("")
            return
        x = ", ".join(f"{v:.2f}" for v in train.X[i][:4])
        more = ", …" if train.n_features > 4 else ""
        self.sample_text.setText(f"x = ({x}{more}), class {train.classes[int(train.y[i])]}")

    def _graph_source(self) -> tuple[ModelSnapshot, Dataset, TrainConfig] | None:
        """The weights to draw (the run's latest, or a fresh untrained model) and the data."""
        if self.snapshot is not None and self._run_train is not None and self._run_config:
            return self.snapshot, self._run_train, self._run_config
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
        return ModelSnapshot.of(trainer), trainer.train_set, s.config

    def build_network_document(self) -> GraphDocument | None:
        """The network's graph for the chosen sample (None when there is no model or data)."""
        from playground.graph.from_value import from_value

        source = self._graph_source()
        if source is None:
            return None
        snapshot, train, config = source
        i = min(self.sample.value(), len(train) - 1)

        def build(k: int) -> NetworkGraph:
            return network_graph(snapshot, train.X[k], int(train.y[k]), config.loss,
                                 scope=self.scope.currentData())

        first = i
        zero = zero_loss_samples(snapshot, train.X, train.y, config.loss)
        if zero[i] and not self._sample_chosen and not zero.all():
            # A sample past the hinge's margin has loss 0: every grad would be 0. Unless the
            # learner chose it, show the next one that still has something to learn from.
            later = np.flatnonzero(~zero)
            i = int(later[later > i][0] if (later > i).any() else later[0])
            with QSignalBlocker(self.sample):
                self.sample.setValue(i)
            self._update_sample_text()
        graph = build(i)
        graph.root.backward()
        doc = from_value(graph.root)
        skipped = (f" (sample {first}'s loss is exactly 0, so every grad there would be 0: "
                   f"this is the next sample with a loss)" if i != first else "")
        if zero.all():
            skipped = (" (every sample is past the margin now: the hinge loss is 0 for all, "
                       "only the L2 term, left out here, still moves the weights)")
        self.graph_note = f"Sample {i}{skipped}, after {snapshot.step} steps. " + graph.note
        return doc

    def show_network(self) -> GraphDocument | None:
        doc = self.build_network_document()
        if doc is None:
            self._set_message("No network to show: fix the settings first.", "error")
            return None
        self.last_graph = doc
        self._set_message(self.graph_note, "info", key="graph")
        if self.snapshot is not None:
            self._last_followed = self.snapshot.step
        self.show_graph_requested.emit(doc)
        return doc

    def _maybe_follow(self, step: int) -> None:
        if not self.follow.isChecked() or self.last_graph is None:
            return
        every = self.follow_every.value()
        if self._last_followed >= 0 and step - self._last_followed < every:
            return
        doc = self.build_network_document()
        if doc is not None:
            self._last_followed = step
            self.last_graph = doc
            self.refresh_graph_requested.emit(doc)

    # --- export ---------------------------------------------------------------------------

    def export_script_text(self, kind: str) -> str:
        """The script for the latest weights: ``kind`` "python" (engine) or "torch"."""
        if self.snapshot is None or self._run_train is None or self._run_config is None:
            raise RuntimeError("train a model first")
        c = self._run_config
        hidden = ", ".join(str(h) for h in c.hidden) or "none"
        title = (f"Data: {c.dataset}{' ' + c.csv_path if c.dataset == 'csv' else ''} "
                 f"(seed {c.seed}, {len(self._run_train)} training samples); hidden layers "
                 f"{hidden}; {c.loss} loss; {c.optimizer} lr {c.lr:g} ({c.schedule}).")
        data = ExportData(self._run_train.X, self._run_train.y, self._run_train.classes, title)
        make = engine_script if kind == "python" else torch_script
        return make(self.snapshot, data)

    def export_script(self, kind: str, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.export_script_text(kind), encoding="utf-8")
        return path

    def export_dialog(self, kind: str) -> Path | None:
        if self._why_no_export():
            return None
        default = "trained_mlp.py" if kind == "python" else "trained_mlp_torch.py"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the trained model", default, "Python scripts (*.py)"
        )
        if not path:
            return None
        try:
            out = self.export_script(kind, path)
        except OSError as exc:
            self._set_message(f"Could not write {path}: {exc}", "error")
            return None
        self._set_message(f"Wrote {out}: run it with python {out.name}", "info")
        return out

    # --- shutting down --------------------------------------------------------------------

    def shutdown(self) -> None:
        """Ask any run to stop, without waiting for its current step (call when closing)."""
        if self.run is not None:
            self._drop_run()
        if self.plots is not None:
            self.plots.timer.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)


def _group(*widgets: QWidget) -> QWidget:
    """Widgets side by side that wrap as one (a label stays with its field)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for w in widgets:
        row.addWidget(w)
    return box
