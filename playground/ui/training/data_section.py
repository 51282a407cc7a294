"""The Data tab of the training settings: which points, how many, the split, and a preview.

``DataSection`` builds the tab's fields (through the form's ``FieldRows``), shows only the rows
that apply to the chosen dataset (a CSV file's path and label column, the number of classes of
spiral and blobs; a function dataset's y = f(x) and x range; what a CSV's label column holds)
and fills in each generated dataset's default size and noise.
``ScatterPreview`` (``preview``) paints the data's first two features: train points as dots,
test points as rings. With "Paint your own" chosen, the painting tools (``paint.PaintTools``,
handed in by the form) show under the preview, which becomes a painting surface.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from playground.training.choices import MULTICLASS_DATASETS, Dataset
from playground.training.config import FUNCTION_DATASETS, MAX_SAMPLES
from playground.training.painted import view_extent
from playground.ui.training.fields import FieldRows, combo, decimal, spin
from playground.ui.training.preview import ScatterPreview

__all__ = ["DEFAULT_NOISE", "DEFAULT_SIZES", "DataSection", "ScatterPreview"]

DATASET_CHOICES = (
    ("lecture", "Lecture: 4 samples, 3 inputs"),
    ("moons", "Moons"),
    ("circles", "Circles"),
    ("xor", "XOR"),
    ("spiral", "Spiral"),
    ("blobs", "Gaussian blobs"),
    ("function", "Function y = f(x) (regression)"),
    ("function_classes", "Above / below y = f(x)"),
    ("plane", "Plane (regression)"),
    ("gaussians", "Sum of Gaussians (regression)"),
    ("csv", "CSV file…"),
    ("painted", "Paint your own"),  # the preview says how (a longer name was cut short)
)
DEFAULT_SIZES = {"moons": 100, "circles": 100, "xor": 200, "spiral": 200, "blobs": 200,
                 "function": 100, "function_classes": 200, "plane": 200, "gaussians": 200}
DEFAULT_NOISE = {"moons": 0.1, "circles": 0.05, "xor": 0.05, "spiral": 0.2, "blobs": 0.5,
                 "function": 0.05, "function_classes": 0.0, "plane": 0.05, "gaussians": 0.05}
TASK_CHOICES = (("auto", "classes"), ("regression", "numbers to fit"))

class DataSection:
    """The Data tab's widgets (see the module docstring); ``page`` is the tab's page."""

    def __init__(self, rows: FieldRows, on_edit, dialog_parent: QWidget,
                 paint_tools: QWidget) -> None:
        self._dialog_parent = dialog_parent
        box, form = rows.page("data_section")
        self.page = box
        self.dataset = combo(DATASET_CHOICES)
        # its longest item ("Function y = f(x) (regression)") must not widen the settings column
        self.dataset.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dataset.setMinimumContentsLength(10)
        rows.row(form, "dataset", "Dataset", self.dataset,
                 "Which points to classify or fit; CSV: numeric feature columns plus a label "
                 "column")
        self._function_rows = self._function_fields(rows, form, on_edit)

        self.csv_path = QLineEdit()
        self.csv_path.setPlaceholderText("path/to/data.csv")
        self.browse = QToolButton()
        self.browse.setText("…")
        self.browse.setObjectName("csv_browse")
        self.browse.setToolTip("Choose a CSV file")
        self.browse.clicked.connect(self._browse_csv)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.csv_path, 1)
        row.addWidget(self.browse)
        rows.register("csv_path", self.csv_path)
        self.csv_path.setObjectName("csv_path")
        self.csv_path.setAccessibleName("CSV file")
        self.csv_path.setToolTip("A CSV file: numeric feature columns and one label column")
        self.csv_path.textChanged.connect(on_edit)
        form.addRow("CSV file", holder)
        self._csv_rows = [form.rowCount() - 1]
        rows.error_row(form, "csv_path")
        self.csv_label = QLineEdit()
        self.csv_label.setPlaceholderText("last column")
        rows.row(form, "csv_label", "Label column", self.csv_label,
                 "The label column: a header name or a 0-based index (empty: the last one)")
        self._csv_rows.append(form.rowCount() - 2)
        self.task = combo(TASK_CHOICES)
        rows.row(form, "task", "Labels are", self.task,
                 "classes: train a classifier; numbers: fit them (regression, MSE loss)")
        self._csv_rows.append(form.rowCount() - 2)
        for name in ("csv_path", "csv_label", "task"):  # their problems show only with a CSV
            rows.only_when[name] = lambda: self.dataset.currentData() == "csv"

        self.n_samples = spin(2, MAX_SAMPLES, 100)
        rows.row(form, "n_samples", "Samples", self.n_samples, "How many points to generate")
        self.noise = decimal(0.0, 5.0, 0.0, 0.05)
        rows.row(form, "noise", "Noise", self.noise, "How much the points are jittered")
        self.n_classes = spin(2, 10, 3)
        rows.row(form, "n_classes", "Classes", self.n_classes, "Number of classes (arms, blobs)")
        self._classes_row = form.rowCount() - 2
        self.test_percent = spin(0, 90, 0)
        self.test_percent.setSuffix(" %")
        rows.row(form, "test_fraction", "Test split", self.test_percent,
                 "Share of the samples held out to measure test loss and accuracy")
        self._form = form

        self.preview = ScatterPreview()
        form.addRow(self.preview)
        self.paint_tools = paint_tools
        form.addRow(paint_tools)
        self._paint_row = form.rowCount() - 1

    def _function_fields(self, rows: FieldRows, form, on_edit) -> list[int]:
        """The function datasets' y = f(x) and x range; returns their rows."""
        self.function = QLineEdit()
        self.function.setPlaceholderText("e.g. sin(3*x), x**3 - x, abs(x), x > 0")
        rows.row(form, "function", "y = f(x)", self.function,
                 "A function of x: + - * / ** and sin cos tan tanh exp log sqrt abs sign relu "
                 "sigmoid; x > 0 is 1 where true, else 0")
        self.x_min, self.x_max = (QDoubleSpinBox(), QDoubleSpinBox())
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        for box, name, value in ((self.x_min, "x_min", -2.0), (self.x_max, "x_max", 2.0)):
            box.setObjectName(name)
            box.setRange(-1000.0, 1000.0)
            box.setDecimals(2)
            box.setSingleStep(0.5)
            box.setValue(value)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(on_edit)
            line.addWidget(box, 1)
        self.x_min.setAccessibleName("x from")
        self.x_max.setAccessibleName("x to")
        line.insertWidget(1, QLabel("to"))
        holder.setToolTip("The x range the points are drawn from (and the curve spans)")
        rows.register("x_range", holder)
        form.addRow("x range", holder)
        rows.error_row(form, "x_range")
        for name in ("function", "x_range"):
            rows.only_when[name] = lambda: self.dataset.currentData() in FUNCTION_DATASETS
        return [form.rowCount() - 4, form.rowCount() - 2]

    def update_visibility(self) -> None:
        """Only the rows that apply to the chosen dataset."""
        name = self.dataset.currentData()
        form = self._form
        for row in self._csv_rows:
            form.setRowVisible(row, name == "csv")
        for row in self._function_rows:
            form.setRowVisible(row, name in FUNCTION_DATASETS)
        form.setRowVisible(self._classes_row, name in MULTICLASS_DATASETS)
        form.setRowVisible(self._paint_row, name == "painted")
        self.preview.set_paintable(name == "painted")
        generated = name in DEFAULT_SIZES
        self.n_samples.setEnabled(generated)
        self.noise.setEnabled(generated)

    def use_defaults(self) -> None:
        """The chosen generated dataset's default size and noise."""
        name = self.dataset.currentData()
        if name in DEFAULT_SIZES:
            self.n_samples.setValue(DEFAULT_SIZES[name])
            self.noise.setValue(DEFAULT_NOISE[name])

    def show_data(self, dataset: Dataset | None, train: Dataset | None,
                  test: Dataset | None) -> None:
        """The preview of the data (``dataset`` the whole of it, before the split)."""
        if self.dataset.currentData() == "painted":
            return  # ``show_painted`` draws the points as painted, whether they train yet or not
        if dataset is None:
            self.preview.set_data(None, None, "no data")
            return
        if dataset.regression:  # the preview paints classes: show the targets as two of them
            note = f"{len(dataset)} samples · numbers to fit (y)"
            train, test = _as_classes(train), _as_classes(test)
        else:
            note = f"{len(dataset)} samples · {dataset.n_classes} classes"
        if test is not None:
            note += f" · {len(test)} test (rings)"
        if dataset.n_features > 2:
            note += f" · inputs 1-2 of {dataset.n_features} shown"
        self.preview.set_data(train, test, note)

    def show_painted(self, points: tuple, test: Dataset | None, problem: str = "") -> None:
        """The painted points in their painted colours, in the painting square; ``test``: the
        held-out ones (rings), ``problem``: why they do not train yet."""
        if not points:
            # no break inside "class 1": wrapped in the square, a lone "1" read as a number
            note = "Click here to add points: left click the chosen class, right click class\u00a01"
        else:
            classes = len({p[2] for p in points})
            note = f"{len(points)} points · {classes} class{'es' * (classes != 1)}"
            if test is not None:
                note += f" · {len(test)} test (rings)"
            elif problem:
                note += " · add another class" if classes < 2 else " · add points"
        X = np.array([[p[0], p[1]] for p in points], dtype=np.float64).reshape(-1, 2)
        y = np.array([p[2] for p in points], dtype=np.int64)
        shown = Dataset(X, y, "painted") if len(points) else None
        if shown is not None and test is not None:  # the test points as rings
            held = {(float(a), float(b)) for a, b in test.X}
            ring = np.array([(a, b) in held for a, b in X])
            train_part = Dataset(X[~ring], y[~ring], "painted") if (~ring).any() else None
            test_part = Dataset(X[ring], y[ring], "painted") if ring.any() else None
            self.preview.set_data(train_part, test_part, note, view_extent(points))
            return
        self.preview.set_data(shown, None, note, view_extent(points))

    def _browse_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._dialog_parent, "Open a CSV data file", self.csv_path.text(),
            "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.csv_path.setText(path)


def _as_classes(ds: Dataset | None) -> Dataset | None:
    """A regression set as the preview can paint it: 1-D as the points (x, y) in one colour,
    otherwise blue above the targets' middle and orange below."""
    if ds is None:
        return None
    if ds.n_features == 1:  # y scaled to x's span: the preview keeps one scale for both axes
        span_x, span_y = np.ptp(ds.X[:, 0]) or 1.0, np.ptp(ds.y) or 1.0
        y = (ds.y - ds.y.min()) * (span_x / span_y) * 0.8
        return Dataset(np.c_[ds.X, y], np.ones(len(ds), dtype=np.int64), ds.name)
    mid = (float(ds.y.min()) + float(ds.y.max())) / 2 if len(ds) else 0.0
    return Dataset(ds.X, (ds.y > mid).astype(np.int64), ds.name, ("low", "high"))
