"""``TrainConfig``: everything a training run depends on, as plain data (no Qt).

The training panel builds one from its widgets, the ``train`` command from its flags. The
defaults are micrograd's demo (moons, MLP 2-16-16-1, SVM loss + 1e-4 L2, 100 SGD steps,
lr 1.0 -> 0.1 linear).

``validate()`` finds what is wrong with the settings alone; ``prepare(config)`` also builds the
dataset and its train/test split and adds what only the data can tell (a CSV file that does not
load, a two-class loss on three classes, a split that leaves a side empty). The panel shows
those problems next to the fields they name, the ``train`` command prints them, and
``Trainer`` trains on what ``prepare`` made (or refuses with the same problems).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

from playground.engine.data import (
    DATASETS,
    REGRESSION_DATASETS,
    Dataset,
    DatasetError,
    load_csv,
    make_dataset,
)
from playground.engine.losses import LOSSES
from playground.engine.nn import ACTIVATIONS
from playground.engine.optim import OPTIMIZERS, SCHEDULES
from playground.training.function import FunctionError, function_classes, function_dataset
from playground.training.function import parse_function as _parse_function

BACKENDS: tuple[str, ...] = ("tensor", "scalar")
MULTICLASS_DATASETS = ("spiral", "blobs")
PRESETS: tuple[str, ...] = ("demo", "lecture", "sine")
FUNCTION_DATASETS: tuple[str, ...] = ("function", "function_classes")
"""Datasets made from the typed ``function`` of x: y = f(x) (regression), and the points above
or below the curve y = f(x) (two classes)."""
TASKS: tuple[str, ...] = ("auto", "classification", "regression")
REGRESSION_LOSSES: tuple[str, ...] = ("mse", "sse")
"""The losses that fit numbers (the others want classes)."""
FUNCTION_DEFAULTS = {"function": (100, 0.05), "function_classes": (200, 0.0)}
"""(samples, noise) of the function datasets when the config leaves them None."""

MAX_SAMPLES = 20_000
"""The most points a generated dataset may have (the panel's spin box and the CLI alike)."""
MAX_NEURONS = 4096
"""The most neurons one hidden layer may have (the panel and the CLI alike)."""


class Problem(str):
    """A human-readable problem with a config (a ``str``) that knows which ``field`` it is about."""

    field: str

    def __new__(cls, field_name: str, message: str) -> Problem:
        self = super().__new__(cls, message)
        self.field = field_name
        return self


@dataclass
class TrainConfig:
    # data
    dataset: str = "moons"
    """A name from ``playground.engine.data.DATASETS``, or "csv"."""
    n_samples: int | None = None
    """None: the dataset's default (moons: 100)."""
    noise: float | None = None
    """None: the dataset's default (moons: 0.1)."""
    n_classes: int = 2
    """For spiral and blobs."""
    function: str = "sin(3*x)"
    """y = f(x) of the function datasets, as text (``playground.training.function``)."""
    x_min: float = -2.0
    x_max: float = 2.0
    """The x range of the function datasets."""
    task: str = "auto"
    """"auto": what the dataset is; "regression" reads a CSV's label column as numbers to fit
    (the generated sets are what they are: asking otherwise is a problem)."""
    csv_path: str = ""
    csv_label: str = ""
    """Label column of the CSV: a header name or an index; "" is the last column."""
    test_fraction: float = 0.0
    """Share of samples held out for test metrics; 0 trains on everything."""
    # model
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    output_activation: str | None = None
    """None: tanh for tanh nets (the lecture), linear otherwise (micrograd)."""
    # objective
    loss: str = "svm"
    l2: float = 1e-4
    """alpha of the ``alpha * sum(p²)`` term added to the loss (micrograd's demo: 1e-4)."""
    # optimisation
    optimizer: str = "sgd"
    lr: float = 1.0
    momentum: float = 0.0
    weight_decay: float = 0.0
    schedule: str = "linear"
    batch_size: int = 0
    """0 (or >= the number of samples): full batch."""
    steps: int = 100
    seed: int = 1337
    """Seeds the data, the split, the initial weights and the batches."""
    backend: str = "tensor"
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Free-form data a front end wants to keep with the config (ignored by training)."""

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> TrainConfig:
        """``demo`` (the defaults: micrograd's moons demo), ``lecture`` (the lecture's MLP) or
        ``sine`` (a 1-16-16-1 tanh net fitting sin(3x) on [-2, 2]: R² above 0.99 in about a
        second). Overrides that make the run a regression without naming a loss get
        ``regression_defaults`` (MSE, no L2)."""
        if name == "demo":
            base = cls()
        elif name == "lecture":
            base = cls(
                dataset="lecture", hidden=(4, 4), activation="tanh", loss="sse", l2=0.0,
                optimizer="sgd", lr=0.1, schedule="constant", steps=50, seed=1337,
            )
        elif name == "sine":
            base = cls(
                dataset="function", function="sin(3*x)", x_min=-2.0, x_max=2.0, n_samples=200,
                noise=0.0, test_fraction=0.2, hidden=(16, 16), activation="tanh",
                output_activation="linear", loss="mse", l2=0.0, optimizer="adam", lr=0.05,
                schedule="cosine", steps=1000, seed=1337,
            )
        else:
            raise ValueError(f"unknown preset {name!r} (choose from {', '.join(PRESETS)})")
        out = replace(base, **overrides)
        if "loss" not in overrides and out.regression and not base.regression:
            out = regression_defaults(out, keep=set(overrides))
        return out

    @property
    def regression(self) -> bool:
        """Whether the targets are numbers to fit (the task, else what the dataset is)."""
        if self.task != "auto":
            return self.task == "regression"
        return self.dataset in (*REGRESSION_DATASETS, "function")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown training settings: {', '.join(unknown)}")
        d = dict(data)
        if "hidden" in d:
            d["hidden"] = tuple(d["hidden"])
        return cls(**d)

    @property
    def full_batch(self) -> bool:
        return self.batch_size == 0

    def validate(self) -> list[Problem]:
        """Every problem found, each naming its field; an empty list means the config is usable.

        Checks what can be known without loading data; ``Trainer`` re-checks the loss against
        the classes of a CSV file once it is read.
        """
        out: list[Problem] = []

        def bad(name: str, message: str) -> None:
            out.append(Problem(name, message))

        if self.dataset not in (*DATASETS, *FUNCTION_DATASETS, "csv"):
            bad("dataset", f"unknown dataset '{self.dataset}' (choose from "
                           f"{', '.join((*DATASETS, *FUNCTION_DATASETS, 'csv'))})")
        out.extend(task_problems(self))
        if self.dataset == "csv" and not self.csv_path.strip():
            bad("csv_path", "choose a CSV file")
        if self.n_samples is not None and (not _is_int(self.n_samples) or self.n_samples < 2):
            bad("n_samples", "number of samples must be a whole number of at least 2")
        elif self.n_samples is not None and self.n_samples > MAX_SAMPLES:
            bad("n_samples", f"number of samples: {self.n_samples} is more than this playground "
                             f"handles ({MAX_SAMPLES:,})")
        if self.noise is not None and not (_is_num(self.noise) and self.noise >= 0):
            bad("noise", "noise must be a number >= 0")
        if self.dataset in MULTICLASS_DATASETS:
            if not _is_int(self.n_classes) or self.n_classes < 2:
                bad("n_classes", "number of classes must be a whole number of at least 2")
            elif _is_int(self.n_samples) and self.n_classes > self.n_samples:  # type: ignore[operator]
                bad("n_classes", "more classes than samples")
        if not (_is_num(self.test_fraction) and 0 <= self.test_fraction < 1):
            bad("test_fraction", "test fraction must be at least 0 and below 1")

        if not all(_is_int(h) and h >= 1 for h in self.hidden):
            bad("hidden", "hidden layer sizes must be whole numbers of at least 1")
        elif any(h > MAX_NEURONS for h in self.hidden):
            n = max(self.hidden)
            bad("hidden", f"hidden layers: {n} neurons is more than this playground handles "
                          f"({MAX_NEURONS})")
        if self.activation not in ACTIVATIONS:
            bad("activation", f"unknown activation '{self.activation}' "
                              f"(choose from {', '.join(ACTIVATIONS)})")
        if self.output_activation is not None and self.output_activation not in ACTIVATIONS:
            bad("output_activation", f"unknown output activation '{self.output_activation}'")

        if self.loss not in LOSSES:
            bad("loss", f"unknown loss '{self.loss}' (choose from {', '.join(LOSSES)})")
        elif self.regression and self.loss not in REGRESSION_LOSSES:
            bad("loss", f"the '{self.loss}' loss wants classes; to fit numbers use "
                        f"{' or '.join(REGRESSION_LOSSES)}")
        elif self.dataset in MULTICLASS_DATASETS and _is_int(self.n_classes):
            out.extend(loss_class_problems(self.loss, self.n_classes))
        if not (_is_num(self.l2) and self.l2 >= 0):
            bad("l2", "L2 strength must be a number >= 0")

        if self.optimizer not in OPTIMIZERS:
            bad("optimizer", f"unknown optimizer '{self.optimizer}' "
                             f"(choose from {', '.join(OPTIMIZERS)})")
        if not (_is_num(self.lr) and self.lr > 0):
            bad("lr", "learning rate must be a number above 0")
        if not (_is_num(self.momentum) and 0 <= self.momentum < 1):
            bad("momentum", "momentum must be at least 0 and below 1")
        elif self.momentum and self.optimizer != "sgd":
            bad("momentum", f"momentum applies to SGD only ('{self.optimizer}' has its own)")
        if not (_is_num(self.weight_decay) and self.weight_decay >= 0):
            bad("weight_decay", "weight decay must be a number >= 0")
        if self.schedule not in SCHEDULES:
            bad("schedule", f"unknown schedule '{self.schedule}' "
                            f"(choose from {', '.join(SCHEDULES)})")
        if not (_is_int(self.batch_size) and self.batch_size >= 0):
            bad("batch_size", "batch size must be a whole number >= 0 (0 = full batch)")
        if not (_is_int(self.steps) and self.steps >= 1):
            bad("steps", "number of steps must be a whole number of at least 1")
        if not (_is_int(self.seed) and 0 <= self.seed < 2**32):
            bad("seed", "seed must be a whole number from 0 to 4294967295")
        if self.backend not in BACKENDS:
            bad("backend", f"unknown backend '{self.backend}' (choose from {', '.join(BACKENDS)})")
        return out


def regression_defaults(config: TrainConfig, keep: Collection[str] = ()) -> TrainConfig:
    """A regression's defaults: the mean squared error, a linear output, no L2 (the loss curve
    is then the MSE itself) and a learning rate of 0.05 (micrograd's 1.0 makes squared errors
    on numbers blow up); the fields named in ``keep`` stay as they are."""
    new = {"loss": "mse", "output_activation": "linear", "l2": 0.0, "lr": 0.05}
    return replace(config, **{k: v for k, v in new.items() if k not in keep})


def task_problems(config: TrainConfig) -> list[Problem]:
    """The function datasets' fields, and a task the dataset cannot be."""
    out: list[Problem] = []
    if config.task not in TASKS:
        return [Problem("task", f"unknown task '{config.task}' (choose from {', '.join(TASKS)})")]
    if config.dataset in FUNCTION_DATASETS:
        try:
            _parse_function(config.function)
        except FunctionError as exc:
            out.append(Problem("function", f"y = f(x): {exc}"))
        if not (_is_num(config.x_min) and _is_num(config.x_max)):
            out.append(Problem("x_range", "the x range must be two finite numbers"))
        elif config.x_min >= config.x_max:
            out.append(Problem("x_range", f"the x range must start below its end (from "
                                          f"{config.x_min:g} to {config.x_max:g})"))
    if config.task != "auto" and config.dataset not in ("csv", ""):
        natural = "regression" if config.dataset in (*REGRESSION_DATASETS, "function") else (
            "classification")
        if config.task != natural:
            out.append(Problem("task", f"dataset '{config.dataset}' is a {natural} set; only a "
                                       f"CSV file's label column can be read either way"))
    return out


def loss_class_problems(loss: str, n_classes: int) -> list[Problem]:
    """The multi-class check, the one place it is made: a loss written for two classes (svm,
    bce, mse...) cannot train on more. ``loss`` must be a name from ``LOSSES``."""
    if n_classes > 2 and not LOSSES[loss].multiclass:
        return [Problem("loss", f"the '{loss}' loss handles 2 classes and this dataset has "
                                f"{n_classes}: use cross_entropy")]
    return []


def parse_hidden(text: str) -> tuple[tuple[int, ...] | None, str]:
    """``"16, 16"`` -> ``((16, 16), "")``; bad text -> ``(None, reason)``; empty -> ``()``.

    Sizes are separated by commas, semicolons or spaces (the panel's field and ``--hidden``
    alike). How many neurons are too many is ``validate()``'s to say (``MAX_NEURONS``)."""
    if not text.strip():
        return (), ""
    # One separator between sizes: "16,,16" is a typo, not 16,16 (issue 18 §3).
    parts = re.split(r"\s*[,;]\s*|\s+", text.strip())
    if "" in parts:
        return None, "hidden layers: an empty size between separators (write e.g. 16, 16)"
    sizes = []
    for p in parts:
        try:
            n = int(p)
        except ValueError:
            return None, f"hidden layers: '{p.strip()}' is not a whole number (write e.g. 16, 16)"
        if n < 1:
            return None, f"hidden layers: {n} neurons? each layer needs at least 1"
        sizes.append(n)
    return tuple(sizes), ""


# --- the data -----------------------------------------------------------------------------

DATA_FIELDS = frozenset({"dataset", "csv_path", "n_samples", "noise", "n_classes", "seed",
                         "function", "x_range", "task"})
"""The fields the data is made from (the seed draws the points): while one of them has a
problem there is no data."""


@dataclass
class Prepared:
    """What ``prepare(config)`` made: the data (None where it could not be made) and every
    problem found, the settings' first (``validate()``), then the data's."""

    config: TrainConfig
    config_problems: list[Problem] = field(default_factory=list)
    data_problems: list[Problem] = field(default_factory=list)
    dataset: Dataset | None = None
    """The whole dataset, before the split."""
    train: Dataset | None = None
    """The training split (the whole dataset when ``test_fraction`` is 0)."""
    test: Dataset | None = None
    """The held-out split (None when ``test_fraction`` is 0)."""

    @property
    def problems(self) -> list[Problem]:
        return [*self.config_problems, *self.data_problems]

    @property
    def ok(self) -> bool:
        """Nothing wrong and the data made: a ``Trainer`` can train on it."""
        return not self.config_problems and not self.data_problems and self.train is not None


def build_dataset(config: TrainConfig) -> Dataset:
    """The config's whole dataset (before the train/test split); raises ``DatasetError``."""
    if config.dataset == "csv":
        label: int | str = config.csv_label.strip() or -1
        if isinstance(label, str) and label.lstrip("-").isdigit():
            label = int(label)
        return load_csv(config.csv_path, label_column=label, regression=config.regression)
    if config.dataset in FUNCTION_DATASETS:
        n, noise = FUNCTION_DEFAULTS[config.dataset]
        make = function_dataset if config.dataset == "function" else function_classes
        try:
            return make(config.function, config.x_min, config.x_max,
                        n if config.n_samples is None else config.n_samples,
                        noise if config.noise is None else config.noise, config.seed)
        except FunctionError as exc:
            raise DatasetError(f"y = f(x): {exc}") from None
    return make_dataset(
        config.dataset, n_samples=config.n_samples, noise=config.noise,
        n_classes=config.n_classes if config.dataset in MULTICLASS_DATASETS else None,
        seed=config.seed,
    )


def prepare(config: TrainConfig) -> Prepared:
    """Check ``config``, build its dataset and split it (seeded): see ``Prepared``.

    The data is built whenever the fields it is made from are fine, so a bad learning rate
    still leaves the data to preview. Problems are plain values, never exceptions."""
    out = Prepared(config, config.validate())
    if any(p.field in DATA_FIELDS for p in out.config_problems):
        return out
    source = {"csv": "csv_path", "function": "function",
              "function_classes": "function"}.get(config.dataset, "dataset")
    try:
        ds = build_dataset(config)
    except DatasetError as exc:
        out.data_problems.append(Problem(source, str(exc)))
        return out
    except OSError as exc:
        out.data_problems.append(Problem("csv_path", f"cannot read the file: {exc}"))
        return out
    out.dataset = ds
    if not ds.regression and ds.n_classes < 2:
        out.data_problems.append(Problem(source, f"dataset '{ds.name}' has fewer than 2 classes"))
    if ds.regression and not np.isfinite(ds.y).all():  # huge noise on the targets
        out.data_problems.append(Problem(
            "noise" if config.dataset != "csv" else source,
            f"dataset '{ds.name}' has targets that are not finite numbers (inf or nan): "
            f"lower the noise"))
    if not np.isfinite(ds.X).all():  # huge noise: every loss would be NaN from step 0
        out.data_problems.append(Problem(
            "noise" if config.dataset in DATASETS else source,
            f"dataset '{ds.name}' has points that are not finite numbers (inf or nan): "
            f"lower the noise"))
    if config.loss in LOSSES and not ds.regression and not any(
            p.field == "loss" for p in out.config_problems):
        out.data_problems.extend(loss_class_problems(config.loss, ds.n_classes))
    out.train = ds
    if _is_num(config.test_fraction) and 0 < config.test_fraction < 1:
        try:
            out.train, out.test = ds.split(config.test_fraction, config.seed)
        except DatasetError as exc:
            out.data_problems.append(Problem("test_fraction", str(exc)))
    return out


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
