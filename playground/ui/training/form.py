"""The training panel's settings: widgets -> ``TrainConfig``, problems shown next to their field.

``TrainingForm`` holds the settings' three tabs: Data (``data_section``: which points, and a
small scatter preview of them), Model and Training; ``fields`` keeps each field's error row.
``state()`` reads the widgets into a ``TrainConfig`` and hands it to
``playground.training.config.prepare``, which checks it and builds the dataset and its split
(what only the data can tell included: a CSV file that does not load, a split that leaves a
side empty, a two-class loss on three classes); the form adds only text that is not a number.
Each problem appears in red under the field it is about. ``changed`` fires on every edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from playground.training.choices import (
    ACTIVATIONS,
    LOSSES,
    MULTICLASS_DATASETS,
    OPTIMIZERS,
    SCHEDULES,
    Dataset,
)
from playground.training.config import (
    MAX_STEPS,
    Prepared,
    Problem,
    TrainConfig,
    parse_hidden,
    prepare,
    regression_defaults,
)
from playground.training.painted import PaintedSet
from playground.ui.editor import PaintEditor
from playground.ui.training.data_section import DEFAULT_NOISE, DEFAULT_SIZES, DataSection
from playground.ui.training.fields import (
    NOTE_STYLE,
    FieldRows,
    combo,
    decimal,
    range_problems,
    spin,
)
from playground.ui.training.paint import Painter, PaintTools

__all__ = ["FormState", "TrainingForm"]

SCHEDULE_TEXT = {
    "constant": "constant",
    "linear": "linear decay (to 0.1 × lr)",
    "cosine": "cosine decay (to 0)",
}
BACKEND_TEXT = {"tensor": "tensor (numpy, fast)", "scalar": "scalar (Value engine, slow)"}


def _parse_float(text: str, what: str) -> tuple[float | None, str]:
    t = text.strip()
    if not t:
        return None, f"{what}: enter a number"
    try:
        value = float(t)
    except ValueError:
        return None, f"{what}: '{t}' is not a number"
    if not math.isfinite(value):
        return None, f"{what}: must be a finite number"
    return value, ""


@dataclass
class FormState:
    prepared: Prepared
    """The config and its data, as ``prepare`` made them (a ``Trainer`` takes it as is)."""
    problems: list[Problem] = field(default_factory=list)
    """Text that is not a number, then ``prepare``'s problems about the other fields."""

    @property
    def config(self) -> TrainConfig:
        return self.prepared.config

    @property
    def dataset(self) -> Dataset | None:
        return self.prepared.dataset

    @property
    def train(self) -> Dataset | None:
        return self.prepared.train

    @property
    def test(self) -> Dataset | None:
        return self.prepared.test

    @property
    def ok(self) -> bool:
        return not self.problems and self.dataset is not None


class TrainingForm(QWidget):
    """Data and model settings with per-field problems and a data preview."""

    changed = Signal()
    sweep_requested = Signal()
    """The learner asked for a learning-rate sweep of these settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_form")
        self._loading = False
        self._locked = False
        # the painted points: a plain model edited by undoable commands on the form's own
        # stack (``PaintEditor``), read into the config like any other setting
        self.painted = PaintedSet()
        self.paint_editor = PaintEditor(parent=self)
        self.paint_tools = PaintTools(self.paint_editor)
        self.painter = Painter(self.painted, self.paint_editor, self.paint_tools,
                               self._paint_allowed, self)
        self.painted.subscribe(self._painted_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self.tabs.setDocumentMode(True)
        self.rows = FieldRows(self.tabs, self._emit)
        self.fields = self.rows.fields
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for title, build in (("Data", self._data_box), ("Model", self._model_box),
                             ("Training", self._training_box)):
            page = build()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, title)
        self.set_config(TrainConfig())

    # --- building -------------------------------------------------------------------------

    def _data_box(self) -> QWidget:
        self.data = d = DataSection(self.rows, self._emit, self, self.paint_tools)
        p = self.painter
        d.preview.pressed.connect(p.press)
        d.preview.dragged.connect(p.drag)
        d.preview.released.connect(p.release)
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        d.task.currentIndexChanged.connect(self._task_changed)
        self._regression = False
        return d.page

    # the Data tab's fields by their names (the panel and the tests use them)
    dataset = property(lambda self: self.data.dataset)
    csv_path = property(lambda self: self.data.csv_path)
    csv_label = property(lambda self: self.data.csv_label)
    n_samples = property(lambda self: self.data.n_samples)
    noise = property(lambda self: self.data.noise)
    n_classes = property(lambda self: self.data.n_classes)
    test_percent = property(lambda self: self.data.test_percent)
    preview = property(lambda self: self.data.preview)

    def _model_box(self) -> QWidget:
        box, form = self.rows.page("model_section")
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 16, 16   (empty: no hidden layer)")
        self.rows.row(form, "hidden", "Hidden layers", self.hidden,
                      "Neurons per hidden layer, separated by commas: 16, 16 is micrograd's demo")
        self.activation = combo([(a, a) for a in ACTIVATIONS])
        self.rows.row(form, "activation", "Activation", self.activation,
                      "relu: linear output (micrograd's demo); tanh: tanh everywhere (the lecture)")
        self.loss = combo([(name, name) for name in LOSSES])
        for i, name in enumerate(LOSSES):
            self.loss.setItemData(i, LOSSES[name].description, Qt.ItemDataRole.ToolTipRole)
        self.rows.row(form, "loss", "Loss", self.loss,
                      "svm: max-margin (micrograd's demo); sse: sum of squared errors "
                      "(the lecture)")
        self.l2 = QLineEdit()
        self.rows.row(form, "l2", "L2", self.l2,
                      "alpha in alpha·Σp² added to the loss (demo: 1e-4)")
        return box

    def _training_box(self) -> QWidget:
        box, form = self.rows.page("training_section")
        self.optimizer = combo([(o, o) for o in OPTIMIZERS])
        self.rows.row(form, "optimizer", "Optimizer", self.optimizer,
                      "sgd: p -= lr·grad (micrograd); adam/adamw: adaptive steps")
        self.lr = QLineEdit()
        self.rows.row(form, "lr", "Learning rate", self.lr, "Step size, e.g. 1.0, 0.1 or 1e-3")
        self.schedule = combo([(s, SCHEDULE_TEXT.get(s, s)) for s in SCHEDULES])
        self.rows.row(form, "schedule", "Schedule", self.schedule,
                      "How the learning rate changes over the steps (demo: linear 1.0 -> 0.1)")
        self.momentum = decimal(0.0, 0.99, 0.0, 0.1)
        self.rows.row(form, "momentum", "Momentum", self.momentum, "SGD momentum (0: plain SGD)")
        self.batch_size = spin(0, 100_000, 0)
        self.batch_size.setSpecialValueText("full batch")
        self.rows.row(form, "batch_size", "Batch size", self.batch_size,
                      "Samples per step (full batch: all of them, as micrograd's demo)")
        self.steps = spin(1, MAX_STEPS, 100)
        self.rows.row(form, "steps", "Steps", self.steps,
                      f"How many training steps (at most {MAX_STEPS:,})")
        self.seed = spin(0, 2**31 - 1, 1337)
        self.seed.setGroupSeparatorShown(False)
        self.rows.row(form, "seed", "Seed", self.seed,
                      "Seeds the data, the split, the initial weights and the batches")
        self.backend = combo([(b, BACKEND_TEXT[b]) for b in BACKEND_TEXT])
        self.rows.row(form, "backend", "Backend", self.backend,
                      "tensor: numpy arrays; scalar: one Value per number, the engine you built "
                      "(slow: use it for small nets)")
        # What the chosen backend means here (the scalar one's speed), under its field: inside
        # this scrolling page it moves nothing else (above the Train button it pushed the
        # buttons up).
        self.backend_note = QLabel()
        self.backend_note.setObjectName("backend_note")
        self.backend_note.setWordWrap(True)
        self.backend_note.setStyleSheet(NOTE_STYLE)
        form.addRow(self.backend_note)
        self._backend_note_row = (form, form.rowCount() - 1)
        form.setRowVisible(form.rowCount() - 1, False)
        self.forget_zero_grad = QCheckBox("forget it (the lecture's bug)")
        self.rows.row(form, "forget_zero_grad", "zero_grad", self.forget_zero_grad,
                      "Never zero the grads between steps: backward adds each step's grads to "
                      "all the ones before, so the steps grow and training goes wrong")
        self.forget_zero_grad.toggled.connect(self._emit)
        self.sweep_button = QPushButton("Sweep 5 learning rates…")
        self.sweep_button.setObjectName("sweep_lr")
        self.sweep_button.setToolTip("Train these settings at five learning rates side by side: "
                                     "too small is slow, too big is unstable")
        self.sweep_button.clicked.connect(self.sweep_requested)
        form.addRow("Compare", self.sweep_button)
        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        return box

    # --- reading and writing ---------------------------------------------------------------

    def _emit(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _dataset_changed(self) -> None:
        self.data.update_visibility()
        if self._loading:
            return
        self._loading = True
        try:
            self.data.use_defaults()
        finally:
            self._loading = False
        self._task_changed()

    def _task_changed(self) -> None:
        """Turning to a regression brings its defaults (MSE, no L2, lr 0.05): the classes'
        SVM cannot fit numbers, and micrograd's lr 1.0 blows squared errors up."""
        task = self.data.task.currentData() if self.dataset.currentData() == "csv" else "auto"
        regression = TrainConfig(dataset=self.dataset.currentData(), task=task).regression
        turned = regression and not self._regression
        self._regression = regression
        if turned and not self._loading:
            c = regression_defaults(self.state().config)
            self._select(self.loss, c.loss)
            self.l2.setText(f"{c.l2:g}")
            self.lr.setText(f"{c.lr:g}")

    def _optimizer_changed(self) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "sgd")

    @staticmethod
    def _select(box: QComboBox, data: str) -> None:
        i = box.findData(data)
        if i >= 0:
            box.setCurrentIndex(i)

    def set_config(self, c: TrainConfig) -> None:
        """Show ``c`` in the widgets (one ``changed`` signal at the end)."""
        self._loading = True
        try:
            self._select(self.dataset, c.dataset)
            self.csv_path.setText(c.csv_path)
            self.csv_label.setText(c.csv_label)
            self.n_samples.setValue(
                c.n_samples if c.n_samples is not None else DEFAULT_SIZES.get(c.dataset, 100))
            self.noise.setValue(c.noise if c.noise is not None else DEFAULT_NOISE.get(c.dataset, 0))
            self.n_classes.setValue(c.n_classes)
            self.data.function.setText(c.function)
            self.data.x_min.setValue(c.x_min)
            self.data.x_max.setValue(c.x_max)
            self._select(self.data.task, "regression" if c.task == "regression" else "auto")
            self._regression = c.regression
            self.test_percent.setValue(round(c.test_fraction * 100))
            self.hidden.setText(", ".join(str(h) for h in c.hidden))
            self._select(self.activation, c.activation)
            self._select(self.loss, c.loss)
            self.l2.setText(f"{c.l2:g}")
            self._select(self.optimizer, c.optimizer)
            self.lr.setText(f"{c.lr:g}")
            self._select(self.schedule, c.schedule)
            self.momentum.setValue(c.momentum)
            self.batch_size.setValue(c.batch_size)
            self.steps.setValue(c.steps)
            self.seed.setValue(c.seed)
            self._select(self.backend, c.backend)
            self.forget_zero_grad.setChecked(c.forget_zero_grad)
            if c.dataset == "painted":  # a preset keeps the points painted so far
                self.painted.set_points(c.painted)
                self.paint_editor.forget_history()
        finally:
            self._loading = False
        self.data.update_visibility()
        self._optimizer_changed()
        self.changed.emit()

    def state(self) -> FormState:
        """The widgets as a config, every problem found, and the dataset when it builds."""
        problems: list[Problem] = []
        hidden, why = parse_hidden(self.hidden.text())
        if why:
            problems.append(Problem("hidden", why))
        lr, why = _parse_float(self.lr.text(), "learning rate")
        if why:
            problems.append(Problem("lr", why))
        l2, why = _parse_float(self.l2.text(), "L2")
        if why:
            problems.append(Problem("l2", why))
        name = self.dataset.currentData()
        generated = name in DEFAULT_SIZES
        sgd = self.optimizer.currentData() == "sgd"
        # A number outside its field's range is said under the field and blocks the run; the
        # config meanwhile takes the nearest allowed number (never a run with another value:
        # a problem stops Train).
        words = {"test_fraction": "test split", "batch_size": "batch size", "steps": "steps",
                 "seed": "seed"}
        if generated:
            words |= {"n_samples": "samples", "noise": "noise"}
        if name in MULTICLASS_DATASETS:
            words["n_classes"] = "classes"
        if sgd:
            words["momentum"] = "momentum"
        problems += range_problems(self.fields, words)
        config = TrainConfig(
            dataset=name,
            n_samples=self.n_samples.usable() if generated else None,
            noise=self.noise.usable() if generated else None,
            n_classes=self.n_classes.usable() if name in MULTICLASS_DATASETS else 2,
            csv_path=self.csv_path.text().strip(),
            csv_label=self.csv_label.text().strip(),
            function=self.data.function.text(),
            x_min=self.data.x_min.value(),
            x_max=self.data.x_max.value(),
            task=self.data.task.currentData() if name == "csv" else "auto",
            test_fraction=self.test_percent.usable() / 100.0,
            hidden=hidden if hidden is not None else (16,),
            activation=self.activation.currentData(),
            loss=self.loss.currentData(),
            l2=l2 if l2 is not None else 0.0,
            optimizer=self.optimizer.currentData(),
            lr=lr if lr is not None else 1.0,
            momentum=self.momentum.usable() if sgd else 0.0,
            schedule=self.schedule.currentData(),
            batch_size=self.batch_size.usable(),
            steps=self.steps.usable(),
            seed=self.seed.usable(),
            backend=self.backend.currentData(),
            painted=self.painted.points,
            forget_zero_grad=self.forget_zero_grad.isChecked(),
        )
        prepared = prepare(config)
        seen = {p.field for p in problems}  # a field's text problem says more than its fallback's
        problems += [p for p in prepared.problems if p.field not in seen]
        return FormState(prepared, problems)

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem in red under its field; fields without one are cleared."""
        self.rows.show_problems(problems, self.palette().windowText().color())

    def set_backend_note(self, text: str) -> None:
        """A word under the Backend field ("" hides it)."""
        self.backend_note.setText(text)
        form, row = self._backend_note_row
        form.setRowVisible(row, bool(text))

    def backend_note_text(self) -> str:
        form, row = self._backend_note_row
        return self.backend_note.text() if form.isRowVisible(row) else ""

    def error_text(self, name: str) -> str:
        """The problem shown under field ``name`` ("" when none)."""
        return self.rows.error_text(name)

    def set_locked(self, locked: bool) -> None:
        """Settings cannot change while a run is under way (the painted points neither)."""
        self._locked = locked
        self.paint_tools.setEnabled(not locked)
        for widget in self.fields.values():
            widget.setEnabled(not locked)
        self.data.browse.setEnabled(not locked)
        if not locked:
            self.data.update_visibility()
            self._optimizer_changed()

    def _paint_allowed(self) -> str:
        if self.dataset.currentData() != "painted":
            return "Choose Dataset ▸ Paint your own to paint points."
        if self._locked:
            return ("The data is locked while a run is under way: Reset (or let it finish) to "
                    "paint.")
        return ""

    def _painted_changed(self, _points: tuple) -> None:
        self._emit()

    def with_overrides(self, **kw: object) -> TrainConfig:
        return replace(self.state().config, **kw)

