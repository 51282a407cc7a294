"""Seeded toy datasets for classification and regression, numpy only, plus a CSV loader.

Every generator takes a ``seed`` and draws from ``numpy.random.RandomState(seed)``: the legacy
generator, chosen on purpose because numpy freezes its streams, so a seed gives the same points
on every numpy version (bit for bit). ``moons`` and ``circles`` follow scikit-learn's
``make_moons``/``make_circles`` draw for draw: ``moons(100, 0.1, seed=1337)`` is the data of
micrograd's demo (``np.random.seed(1337); make_moons(n_samples=100, noise=0.1)``).

Labels are class indices ``0 .. K-1`` (``Dataset.y``). Losses that want ``-1/+1`` targets
(SVM max-margin, the lecture's squared errors) use ``Dataset.signs()``: class 1 -> +1,
class 0 -> -1, which is micrograd's ``y*2 - 1``.

Regression sets (``task == "regression"``: ``plane``, ``gaussians``, a CSV whose label column is
read as numbers) keep their real-valued targets in ``y`` (float64); they have no classes, and
``signs()`` is the targets themselves, so the squared-error losses train on them unchanged.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATASETS",
    "REGRESSION_DATASETS",
    "Dataset",
    "DatasetError",
    "blobs",
    "circles",
    "gaussians",
    "lecture",
    "load_csv",
    "make_dataset",
    "moons",
    "parse_csv",
    "plane",
    "spiral",
    "train_test_split",
    "xor",
]


class DatasetError(ValueError):
    """Bad dataset parameters or a bad data file; the message is meant for the user."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features ``X`` (n, d) float64 and class indices ``y`` (n,) int64, or for a regression
    set (``task == "regression"``) real-valued targets ``y`` (n,) float64."""

    X: np.ndarray
    y: np.ndarray
    name: str = ""
    classes: tuple[str, ...] = ()
    """Display name of each class index (CSV labels as written; "0", "1", ... otherwise)."""
    task: str = "classification"
    """"classification" or "regression"."""

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.y.ndim != 1 or len(self.X) != len(self.y):
            raise DatasetError(f"dataset {self.name!r}: X must be (n, d) and y (n,)")
        if self.task not in ("classification", "regression"):
            raise DatasetError(f"dataset {self.name!r}: unknown task {self.task!r}")
        if self.task == "regression":
            object.__setattr__(self, "classes", ())
        elif not self.classes:
            k = int(self.y.max()) + 1 if len(self.y) else 0
            object.__setattr__(self, "classes", tuple(str(i) for i in range(k)))

    def __len__(self) -> int:
        return len(self.y)

    @property
    def n_samples(self) -> int:
        return len(self.y)

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    def signs(self) -> np.ndarray:
        """Targets as -1.0/+1.0 (class 0 -> -1, class 1 -> +1), for two-class losses; a
        regression set's targets as they are."""
        if self.regression:
            return self.y.astype(np.float64)
        return self.y * 2.0 - 1.0

    def subset(self, index: np.ndarray, name: str | None = None) -> Dataset:
        return Dataset(self.X[index], self.y[index], name or self.name, self.classes, self.task)

    def split(self, test_fraction: float, seed: int = 0) -> tuple[Dataset, Dataset]:
        return train_test_split(self, test_fraction, seed)


def _check(n_samples: int, noise: float, minimum: int = 2) -> None:
    if int(n_samples) != n_samples or n_samples < minimum:
        raise DatasetError(f"number of samples must be a whole number >= {minimum}")
    if not (noise >= 0 and math.isfinite(noise)):
        raise DatasetError("noise must be a finite number >= 0")


def lecture() -> Dataset:
    """The lecture's four samples: ``xs`` and ``ys = [1, -1, -1, 1]`` (class 1 is +1)."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1, -1, -1, 1]
    y = np.array([1 if v > 0 else 0 for v in ys], dtype=np.int64)
    return Dataset(np.array(xs), y, "lecture", ("-1", "1"))


def moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Two interleaving half circles; scikit-learn's ``make_moons`` (shuffled), same draws."""
    _check(n_samples, noise)
    rs = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    X = np.vstack([
        np.append(np.cos(t_out), 1 - np.cos(t_in)),
        np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5),
    ]).T
    y = np.hstack([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    order = np.arange(n_samples)
    rs.shuffle(order)
    X, y = X[order], y[order]
    if noise:
        X = X + rs.normal(scale=noise, size=X.shape)
    return Dataset(X, y, "moons")


def circles(
    n_samples: int = 100, noise: float = 0.05, seed: int = 0, factor: float = 0.5
) -> Dataset:
    """A small circle (class 1) inside a big one; scikit-learn's ``make_circles``, same draws."""
    _check(n_samples, noise)
    if not 0 <= factor < 1:
        raise DatasetError("circles: factor must be in [0, 1)")
    rs = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([
        np.append(np.cos(t_out), np.cos(t_in) * factor),
        np.append(np.sin(t_out), np.sin(t_in) * factor),
    ]).T
    y = np.hstack([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    order = np.arange(n_samples)
    rs.shuffle(order)
    X, y = X[order], y[order]
    if noise:
        X = X + rs.normal(scale=noise, size=X.shape)
    return Dataset(X, y, "circles")


def _check_classes(name: str, n_classes: int, n_samples: int) -> None:
    if int(n_classes) != n_classes or not 2 <= n_classes <= n_samples:
        raise DatasetError(f"{name}: number of classes must be between 2 and the number of samples")


def xor(n_samples: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Points uniform in [-1, 1]²; class 1 where x·y > 0 (same-sign quadrants), then noise."""
    _check(n_samples, noise)
    rs = np.random.RandomState(seed)
    X = rs.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    if noise:
        X = X + rs.normal(scale=noise, size=X.shape)
    return Dataset(X, y, "xor")


def spiral(n_samples: int = 200, noise: float = 0.2, seed: int = 0, n_classes: int = 2) -> Dataset:
    """K interleaved spiral arms (CS231n's), ``noise`` jitters the angle (radians)."""
    _check(n_samples, noise)
    _check_classes("spiral", n_classes, n_samples)
    rs = np.random.RandomState(seed)
    sizes = [n_samples // n_classes + (j < n_samples % n_classes) for j in range(n_classes)]
    parts_x, parts_y = [], []
    for j, n in enumerate(sizes):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, n) + rs.randn(n) * noise
        parts_x.append(np.c_[r * np.sin(t), r * np.cos(t)])
        parts_y.append(np.full(n, j, dtype=np.int64))
    order = rs.permutation(n_samples)
    X, y = np.vstack(parts_x)[order], np.concatenate(parts_y)[order]
    return Dataset(X, y, "spiral")


def blobs(n_samples: int = 200, noise: float = 0.5, seed: int = 0, n_classes: int = 3) -> Dataset:
    """K Gaussian blobs (std ``noise``) centred evenly on a circle of radius 2."""
    _check(n_samples, noise)
    _check_classes("blobs", n_classes, n_samples)
    rs = np.random.RandomState(seed)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    centers = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    y = np.arange(n_samples, dtype=np.int64) % n_classes
    rs.shuffle(y)
    X = centers[y] + rs.normal(scale=noise, size=(n_samples, 2))
    return Dataset(X, y, "blobs")


def plane(n_samples: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Regression: points uniform in [-1, 1]², target (x₁ + x₂) / 2 plus Gaussian noise
    (TensorFlow Playground's "plane")."""
    _check(n_samples, noise)
    rs = np.random.RandomState(seed)
    X = rs.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (X[:, 0] + X[:, 1]) / 2
    if noise:
        y = y + rs.normal(scale=noise, size=n_samples)
    return Dataset(X, y, "plane", task="regression")


GAUSSIAN_BUMPS = ((-0.5, 0.5, 1.0), (0.5, 0.5, -1.0), (-0.5, -0.5, -1.0), (0.5, -0.5, 1.0),
                  (0.0, 0.0, 0.5))
"""(centre x, centre y, height) of the bumps that ``gaussians`` adds up."""


def gaussians(n_samples: int = 200, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Regression: points uniform in [-1, 1]², target a sum of Gaussian bumps (width 0.3), some
    up, some down, plus noise (TensorFlow Playground's "multi Gaussian")."""
    _check(n_samples, noise)
    rs = np.random.RandomState(seed)
    X = rs.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = np.zeros(n_samples)
    for cx, cy, h in GAUSSIAN_BUMPS:
        y += h * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * 0.3**2))
    if noise:
        y = y + rs.normal(scale=noise, size=n_samples)
    return Dataset(X, y, "gaussians", task="regression")


# name -> (factory, takes n_classes, default n_samples, default noise)
_GENERATORS = {
    "moons": (moons, False, 100, 0.1),
    "circles": (circles, False, 100, 0.05),
    "xor": (xor, False, 200, 0.05),
    "spiral": (spiral, True, 200, 0.2),
    "blobs": (blobs, True, 200, 0.5),
    "plane": (plane, False, 200, 0.05),
    "gaussians": (gaussians, False, 200, 0.05),
}
REGRESSION_DATASETS: tuple[str, ...] = ("plane", "gaussians")
"""Generated sets whose targets are numbers, not classes."""
DATASETS: tuple[str, ...] = ("lecture", *_GENERATORS)
"""Names ``make_dataset`` knows (CSV files go through ``load_csv``)."""


def make_dataset(
    name: str,
    *,
    n_samples: int | None = None,
    noise: float | None = None,
    n_classes: int | None = None,
    seed: int = 0,
) -> Dataset:
    """A dataset by name; ``None`` picks the generator's default. ``lecture`` ignores them."""
    if name == "lecture":
        return lecture()
    try:
        factory, multi, n_default, noise_default = _GENERATORS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise DatasetError(f"unknown dataset {name!r} (known: {known})") from None
    kwargs: dict = {
        "n_samples": n_default if n_samples is None else n_samples,
        "noise": noise_default if noise is None else noise,
        "seed": seed,
    }
    if multi:
        kwargs["n_classes"] = 2 if n_classes is None else n_classes
    elif n_classes not in (None, 2):
        raise DatasetError(f"dataset {name!r} has 2 classes, not {n_classes}")
    return factory(**kwargs)


def train_test_split(ds: Dataset, test_fraction: float, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Shuffle with ``RandomState(seed)`` and hold out ``round(n * test_fraction)`` samples."""
    if not 0 < test_fraction < 1:
        raise DatasetError("test fraction must be between 0 and 1 (exclusive)")
    n = len(ds)
    n_test = round(n * test_fraction)
    if not 1 <= n_test <= n - 1:
        raise DatasetError(
            f"a test fraction of {test_fraction:g} leaves no samples on one side of "
            f"the split ({n} samples)"
        )
    order = np.random.RandomState(seed).permutation(n)
    return ds.subset(order[n_test:]), ds.subset(order[:n_test], ds.name + " (test)")


# --- CSV ----------------------------------------------------------------------------------


def load_csv(
    path: str | Path, label_column: int | str = -1, header: bool | None = None,
    regression: bool = False,
) -> Dataset:
    """Read numeric feature columns plus one label column (last by default).

    ``label_column`` is an index (negative counts from the end) or a header name. ``header``
    None detects it: the first row is a header when none of its cells is a number. Labels may be
    numbers or words; classes are sorted (numerically when all labels are numbers). Blank lines
    and lines starting with ``#`` are skipped. Every problem raises ``DatasetError`` with a
    message naming the file and the line. ``regression``: the label column holds numbers to fit
    (a regression set), not classes.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a text file (expected UTF-8 CSV)") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_csv(text, source=str(path), label_column=label_column, header=header,
                     name=path.stem, regression=regression)


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def parse_csv(
    text: str,
    source: str = "<csv>",
    label_column: int | str = -1,
    header: bool | None = None,
    name: str = "csv",
    regression: bool = False,
) -> Dataset:
    """``load_csv`` on a string (``source`` names it in messages)."""
    rows: list[tuple[int, list[str]]] = []
    for lineno, cells in _csv_rows(text, source):
        rows.append((lineno, cells))
    if not rows:
        raise DatasetError(f"{source}: the file is empty (no data rows)")

    first_line, first = rows[0]
    if header is None:
        header = all(_number(c) is None for c in first)
    names = [c.strip() for c in first] if header else [f"column {i + 1}" for i in range(len(first))]
    data_rows = rows[1:] if header else rows
    if not data_rows:
        raise DatasetError(f"{source}: the file has a header (line {first_line}) but no data rows")
    width = len(names)
    if width < 2:
        raise DatasetError(
            f"{source}, line {first_line}: need at least 2 columns (features, then a label), "
            f"found {width}"
        )

    label = _label_index(label_column, names, source, first_line)
    features: list[list[float]] = []
    labels: list[str] = []
    for lineno, cells in data_rows:
        if len(cells) != width:
            raise DatasetError(
                f"{source}, line {lineno}: expected {width} columns, found {len(cells)}"
            )
        row = []
        for i, cell in enumerate(cells):
            if i == label:
                continue
            value = _number(cell)
            if value is None:
                raise DatasetError(
                    f"{source}, line {lineno}, column {i + 1} ({names[i]}): "
                    f"{cell.strip()!r} is not a number"
                )
            if not math.isfinite(value):
                raise DatasetError(
                    f"{source}, line {lineno}, column {i + 1} ({names[i]}): "
                    f"{cell.strip()!r} is not a finite number"
                )
            row.append(value)
        text_label = cells[label].strip()
        if not text_label:
            raise DatasetError(
                f"{source}, line {lineno}, column {label + 1} ({names[label]}): the label is empty"
            )
        features.append(row)
        labels.append(text_label)

    if regression:
        return _regression_csv(features, labels, data_rows, source, names[label], label, name)
    classes, y = _encode_labels(labels)
    if len(classes) < 2:
        raise DatasetError(
            f"{source}: only one class ({classes[0]!r}) in the label column "
            f"'{names[label]}': a classifier needs at least 2"
        )
    return Dataset(np.array(features, dtype=np.float64), y, name, classes)


def _regression_csv(
    features: list[list[float]], labels: list[str], rows: list[tuple[int, list[str]]],
    source: str, column: str, label: int, name: str,
) -> Dataset:
    """The CSV's label column as numbers to fit: each must be a finite number, not all equal."""
    targets = []
    for text, (lineno, _cells) in zip(labels, rows, strict=True):
        value = _number(text)
        if value is None or not math.isfinite(value):
            raise DatasetError(
                f"{source}, line {lineno}, column {label + 1} ({column}): {text!r} is not a "
                f"finite number: regression needs a number in the label column"
            )
        targets.append(value)
    y = np.array(targets, dtype=np.float64)
    if np.ptp(y) == 0:
        raise DatasetError(f"{source}: every value in the label column '{column}' is "
                           f"{targets[0]:g}: nothing to learn")
    return Dataset(np.array(features, dtype=np.float64), y, name, task="regression")


def _csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    out = []
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            lineno = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if cells[0].lstrip().startswith("#"):
                continue
            out.append((lineno, cells))
    except csv.Error as exc:
        raise DatasetError(f"{source}, line {reader.line_num}: {exc}") from None
    return out


def _label_index(column: int | str, names: Sequence[str], source: str, line: int) -> int:
    width = len(names)
    if isinstance(column, str) and not column.lstrip("-").isdigit():
        if column in names:
            return names.index(column)
        raise DatasetError(
            f"{source}, line {line}: no column named {column!r} (columns: {', '.join(names)})"
        )
    index = int(column)
    if not -width <= index < width:
        raise DatasetError(f"{source}: label column {index} is out of range ({width} columns)")
    return index % width


def _encode_labels(labels: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    numeric = [_number(v) for v in labels]
    if all(v is not None for v in numeric):
        # numbers: order classes by value, name each by its first spelling ("1" and "1.0" agree)
        by_value: dict[float, str] = {}
        for v, text in zip(numeric, labels, strict=True):
            by_value.setdefault(v, text)  # type: ignore[arg-type]
        values = sorted(by_value)
        index = {v: i for i, v in enumerate(values)}
        y = np.array([index[v] for v in numeric], dtype=np.int64)  # type: ignore[index]
        return tuple(by_value[v] for v in values), y
    classes = sorted(set(labels))
    index_s = {c: i for i, c in enumerate(classes)}
    return tuple(classes), np.array([index_s[c] for c in labels], dtype=np.int64)
