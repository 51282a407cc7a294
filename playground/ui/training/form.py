"""The training panel's settings: widgets -> ``TrainConfig``, problems shown next to their field.

``TrainingForm`` holds the data and model sections and a small scatter preview of the data.
``state()`` reads the widgets into a ``TrainConfig`` and hands it to
``playground.training.config.prepare``, which checks it and builds the dataset and its split
(what only the data can tell included: a CSV file that does not load, a split that leaves a
side empty, a two-class loss on three classes); the form adds only text that is not a number.
Each problem appears in red under the field it is about. ``changed`` fires on every edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QToolButton,
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
    MAX_SAMPLES,
    Prepared,
    Problem,
    TrainConfig,
    parse_hidden,
    prepare,
)
from playground.ui.marks import WARNING_MARK

__all__ = ["FormState", "ScatterPreview", "TrainingForm"]

DATASET_CHOICES = (
    ("lecture", "Lecture: 4 samples, 3 inputs"),
    ("moons", "Moons"),
    ("circles", "Circles"),
    ("xor", "XOR"),
    ("spiral", "Spiral"),
    ("blobs", "Gaussian blobs"),
    ("csv", "CSV file…"),
)
DEFAULT_SIZES = {"moons": 100, "circles": 100, "xor": 200, "spiral": 200, "blobs": 200}
DEFAULT_NOISE = {"moons": 0.1, "circles": 0.05, "xor": 0.05, "spiral": 0.2, "blobs": 0.5}
SCHEDULE_TEXT = {
    "constant": "constant",
    "linear": "linear decay (to 0.1 × lr)",
    "cosine": "cosine decay (to 0)",
}
BACKEND_TEXT = {"tensor": "tensor (numpy, fast)", "scalar": "scalar (Value engine, slow)"}
CLASS_QCOLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf")
ERROR_STYLE = "color: #c62828; font-size: 11px;"
NOTE_STYLE = "color: #555555; font-size: 11px;"


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


class ScatterPreview(QWidget):
    """A small QPainter scatter of the data (first two features): train dots, test rings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("data_preview")
        self.setAccessibleName("Data preview")
        self.setMinimumHeight(120)
        self._train: Dataset | None = None
        self._test: Dataset | None = None
        self._note = ""

    def sizeHint(self) -> QSize:
        return QSize(240, 150)

    def set_data(self, train: Dataset | None, test: Dataset | None, note: str = "") -> None:
        self._train, self._test, self._note = train, test, note
        self.update()

    def point_count(self) -> int:
        return (len(self._train) if self._train is not None else 0) + (
            len(self._test) if self._test is not None else 0)

    def paintEvent(self, _event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.fillRect(rect, QColor("#fbfbfb"))
        p.setPen(QPen(QColor("#d0d0d0"), 1))
        p.drawRect(rect)
        sets = [d for d in (self._train, self._test) if d is not None and len(d)]
        if not sets:
            p.setPen(QColor("#777777"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._note or "no data")
            p.end()
            return
        allx = np.vstack([d.X for d in sets])
        if allx.shape[1] == 1:
            allx = np.c_[allx, np.zeros(len(allx))]
        lo, hi = allx[:, :2].min(axis=0), allx[:, :2].max(axis=0)
        span = np.maximum(hi - lo, 1e-9)
        inner = rect.adjusted(8, 8, -8, -8)
        side = min(inner.width(), inner.height())
        scale = side / float(max(span))
        cx, cy = inner.center().x(), inner.center().y()
        mid = (lo + hi) / 2
        radius = 3.2 if len(allx) <= 300 else 2.2
        for ds, ring in ((self._train, False), (self._test, True)):
            if ds is None or not len(ds):
                continue
            X = ds.X if ds.X.shape[1] > 1 else np.c_[ds.X, np.zeros(len(ds))]
            for (x0, x1), c in zip(X[:, :2], ds.y, strict=True):
                color = QColor(CLASS_QCOLORS[int(c) % len(CLASS_QCOLORS)])
                pt = QPointF(cx + (x0 - mid[0]) * scale, cy - (x1 - mid[1]) * scale)
                if ring:
                    p.setPen(QPen(color, 1.6))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                else:
                    p.setPen(QPen(QColor("white"), 0.8))
                    p.setBrush(color)
                p.drawEllipse(pt, radius, radius)
        if self._note:
            font = p.font()
            font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
            p.setFont(font)
            p.setPen(QColor("#666666"))
            box = rect.adjusted(4, 2, -4, -2)
            text = p.fontMetrics().elidedText(self._note, Qt.TextElideMode.ElideRight,
                                              int(box.width()))
            p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)
        p.end()


class TrainingForm(QWidget):
    """Data and model settings with per-field problems and a data preview."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_form")
        self._loading = False
        self.fields: dict[str, QWidget] = {}
        self._errors: dict[str, tuple[QFormLayout, int, QLabel]] = {}
        self._field_tab: dict[str, int] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for title, build in (("Data", self._data_box), ("Model", self._model_box),
                             ("Training", self._training_box)):
            self._tab_title = title
            page = build()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, title)
        self.set_config(TrainConfig())

    # --- building -------------------------------------------------------------------------

    def _form(self, title: str, name: str) -> tuple[QWidget, QFormLayout]:
        """A tab page (``title`` is the tab's) with a form layout."""
        box = QWidget()
        box.setObjectName(name)
        form = QFormLayout(box)
        form.setContentsMargins(6, 6, 6, 6)
        form.setVerticalSpacing(4)
        form.setHorizontalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return box, form

    def _row(self, form: QFormLayout, name: str, label: str, widget: QWidget, tip: str) -> None:
        self._field_tab[name] = self.tabs.count()
        widget.setObjectName(name)
        widget.setToolTip(tip)
        widget.setAccessibleName(label)
        self.fields[name] = widget
        form.addRow(label, widget)
        error = QLabel()
        error.setObjectName(f"{name}_error")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        form.addRow(error)
        row = form.rowCount() - 1
        form.setRowVisible(row, False)
        self._errors[name] = (form, row, error)
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._emit)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._emit)
        elif isinstance(widget, QSpinBox | QDoubleSpinBox):
            widget.valueChanged.connect(self._emit)
            widget.setKeyboardTracking(False)

    def _combo(self, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        for data, text in items:
            box.addItem(text, data)
        return box

    def _spin(self, lo: int, hi: int, value: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(value)
        box.setGroupSeparatorShown(True)
        box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        return box

    def _data_box(self) -> QWidget:
        box, form = self._form("Data", "data_section")
        self.dataset = self._combo(list(DATASET_CHOICES))
        self._row(form, "dataset", "Dataset", self.dataset,
                  "Which points to classify; CSV: numeric feature columns plus a label column")
        self.dataset.currentIndexChanged.connect(self._dataset_changed)

        self.csv_path = QLineEdit()
        self.csv_path.setPlaceholderText("path/to/data.csv")
        browse = QToolButton()
        browse.setText("…")
        browse.setObjectName("csv_browse")
        browse.setToolTip("Choose a CSV file")
        browse.clicked.connect(self._browse_csv)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.csv_path, 1)
        row.addWidget(browse)
        self.fields["csv_path"] = self.csv_path
        self._field_tab["csv_path"] = self.tabs.count()
        self.csv_path.setObjectName("csv_path")
        self.csv_path.setAccessibleName("CSV file")
        self.csv_path.setToolTip("A CSV file: numeric feature columns and one label column")
        self.csv_path.textChanged.connect(self._emit)
        form.addRow("CSV file", holder)
        self._csv_rows = [form.rowCount() - 1]
        error = QLabel()
        error.setObjectName("csv_path_error")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        form.addRow(error)
        self._errors["csv_path"] = (form, form.rowCount() - 1, error)
        form.setRowVisible(form.rowCount() - 1, False)
        self.csv_label = QLineEdit()
        self.csv_label.setPlaceholderText("last column")
        self._row(form, "csv_label", "Label column", self.csv_label,
                  "The label column: a header name or a 0-based index (empty: the last one)")
        self._csv_rows.append(form.rowCount() - 2)

        self.n_samples = self._spin(2, MAX_SAMPLES, 100)
        self._row(form, "n_samples", "Samples", self.n_samples, "How many points to generate")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 5.0)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(2)
        self._row(form, "noise", "Noise", self.noise, "How much the points are jittered")
        self.n_classes = self._spin(2, 10, 3)
        self._row(form, "n_classes", "Classes", self.n_classes, "Number of classes (arms, blobs)")
        self._classes_row = form.rowCount() - 2
        self.test_percent = self._spin(0, 90, 0)
        self.test_percent.setSuffix(" %")
        self._row(form, "test_fraction", "Test split", self.test_percent,
                  "Share of the samples held out to measure test loss and accuracy")
        self._data_form = form

        self.preview = ScatterPreview()
        form.addRow(self.preview)
        return box

    def _model_box(self) -> QWidget:
        box, form = self._form("Model", "model_section")
        self.hidden = QLineEdit()
        self.hidden.setPlaceholderText("e.g. 16, 16   (empty: no hidden layer)")
        self._row(form, "hidden", "Hidden layers", self.hidden,
                  "Neurons per hidden layer, separated by commas: 16, 16 is micrograd's demo")
        self.activation = self._combo([(a, a) for a in ACTIVATIONS])
        self._row(form, "activation", "Activation", self.activation,
                  "relu: linear output (micrograd's demo); tanh: tanh everywhere (the lecture)")
        self.loss = self._combo([(name, name) for name in LOSSES])
        for i, name in enumerate(LOSSES):
            self.loss.setItemData(i, LOSSES[name].description, Qt.ItemDataRole.ToolTipRole)
        self._row(form, "loss", "Loss", self.loss,
                  "svm: max-margin (micrograd's demo); sse: sum of squared errors (the lecture)")
        self.l2 = QLineEdit()
        self._row(form, "l2", "L2", self.l2, "alpha in alpha·Σp² added to the loss (demo: 1e-4)")
        return box

    def _training_box(self) -> QWidget:
        box, form = self._form("Training", "training_section")
        self.optimizer = self._combo([(o, o) for o in OPTIMIZERS])
        self._row(form, "optimizer", "Optimizer", self.optimizer,
                  "sgd: p -= lr·grad (micrograd); adam/adamw: adaptive steps")
        self.lr = QLineEdit()
        self._row(form, "lr", "Learning rate", self.lr, "Step size, e.g. 1.0, 0.1 or 1e-3")
        self.schedule = self._combo([(s, SCHEDULE_TEXT.get(s, s)) for s in SCHEDULES])
        self._row(form, "schedule", "Schedule", self.schedule,
                  "How the learning rate changes over the steps (demo: linear 1.0 -> 0.1)")
        self.momentum = QDoubleSpinBox()
        self.momentum.setRange(0.0, 0.99)
        self.momentum.setSingleStep(0.1)
        self._row(form, "momentum", "Momentum", self.momentum, "SGD momentum (0: plain SGD)")
        self.batch_size = self._spin(0, 100_000, 0)
        self.batch_size.setSpecialValueText("full batch")
        self._row(form, "batch_size", "Batch size", self.batch_size,
                  "Samples per step (full batch: all of them, as micrograd's demo)")
        self.steps = self._spin(1, 1_000_000, 100)
        self._row(form, "steps", "Steps", self.steps, "How many training steps")
        self.seed = self._spin(0, 2**31 - 1, 1337)
        self.seed.setGroupSeparatorShown(False)
        self._row(form, "seed", "Seed", self.seed,
                  "Seeds the data, the split, the initial weights and the batches")
        self.backend = self._combo([(b, BACKEND_TEXT[b]) for b in BACKEND_TEXT])
        self._row(form, "backend", "Backend", self.backend,
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
        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        return box

    # --- reading and writing ---------------------------------------------------------------

    def _emit(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _dataset_changed(self) -> None:
        name = self.dataset.currentData()
        self._update_visibility()
        if self._loading:
            return
        self._loading = True
        try:
            if name in DEFAULT_SIZES:
                self.n_samples.setValue(DEFAULT_SIZES[name])
                self.noise.setValue(DEFAULT_NOISE[name])
        finally:
            self._loading = False

    def _optimizer_changed(self) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "sgd")

    def _update_visibility(self) -> None:
        name = self.dataset.currentData()
        form = self._data_form
        for row in self._csv_rows:
            form.setRowVisible(row, name == "csv")
        form.setRowVisible(self._classes_row, name in MULTICLASS_DATASETS)
        generated = name in DEFAULT_SIZES
        self.n_samples.setEnabled(generated)
        self.noise.setEnabled(generated)

    def _browse_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a CSV data file", self.csv_path.text(), "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.csv_path.setText(path)

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
        finally:
            self._loading = False
        self._update_visibility()
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
        config = TrainConfig(
            dataset=name,
            n_samples=self.n_samples.value() if generated else None,
            noise=self.noise.value() if generated else None,
            n_classes=self.n_classes.value() if name in MULTICLASS_DATASETS else 2,
            csv_path=self.csv_path.text().strip(),
            csv_label=self.csv_label.text().strip(),
            test_fraction=self.test_percent.value() / 100.0,
            hidden=hidden if hidden is not None else (16,),
            activation=self.activation.currentData(),
            loss=self.loss.currentData(),
            l2=l2 if l2 is not None else 0.0,
            optimizer=self.optimizer.currentData(),
            lr=lr if lr is not None else 1.0,
            momentum=self.momentum.value() if self.optimizer.currentData() == "sgd" else 0.0,
            schedule=self.schedule.currentData(),
            batch_size=self.batch_size.value(),
            steps=self.steps.value(),
            seed=self.seed.value(),
            backend=self.backend.currentData(),
        )
        prepared = prepare(config)
        seen = {p.field for p in problems}  # a field's text problem says more than its fallback's
        problems += [p for p in prepared.problems if p.field not in seen]
        return FormState(prepared, problems)

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem in red under its field; fields without one are cleared."""
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(getattr(p, "field", ""), []).append(str(p))
        bad_tabs = set()
        for name, (form, row, label) in self._errors.items():
            texts = by_field.get(name)
            label.setText("\n".join(texts) if texts else "")
            visible = bool(texts) and (name not in ("csv_path", "csv_label")
                                       or self.dataset.currentData() == "csv")
            form.setRowVisible(row, visible)
            if visible:
                bad_tabs.add(self._field_tab.get(name, 0))
        for i in range(self.tabs.count()):
            title = self.tabs.tabText(i).removesuffix(f" {WARNING_MARK}")
            self.tabs.setTabText(i, f"{title} {WARNING_MARK}" if i in bad_tabs else title)
            self.tabs.tabBar().setTabTextColor(
                i, QColor("#c62828") if i in bad_tabs else self.palette().windowText().color())

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
        form, row, label = self._errors[name]
        return label.text() if form.isRowVisible(row) else ""

    def set_locked(self, locked: bool) -> None:
        """Settings cannot change while a run is under way."""
        for widget in self.fields.values():
            widget.setEnabled(not locked)
        self.findChild(QToolButton, "csv_browse").setEnabled(not locked)
        if not locked:
            self._update_visibility()
            self._optimizer_changed()

    def with_overrides(self, **kw: object) -> TrainConfig:
        return replace(self.state().config, **kw)

