"""The headless training loop: ``Trainer(TrainConfig).step()`` -> ``StepMetrics``.

One ``step()`` is micrograd's demo loop body: forward on a batch, loss (+ L2), zero the
gradients, backward, one optimizer step at the scheduled learning rate. The metrics it returns
describe the parameters *before* that update (like the demo's ``step k loss ..., accuracy``):
train loss and accuracy on the batch, test loss and accuracy on the held-out split (when
``test_fraction > 0``), the gradient norm, the learning rate used, and the training time so far.
On a regression set (``task == "regression"``) the score in ``accuracy`` is R², the share of
the targets' variance the network explains (1 is a perfect fit, 0 no better than their mean;
``metrics.r_squared``), and the output is linear unless the config names one.

Bad numbers: when the loss or the gradient is NaN or infinite, the step applies no update,
``trainer.stopped_reason`` says what happened (for instance "loss became NaN at step 12: try a
lower learning rate") and ``step()`` raises ``TrainingStopped`` with that message, now and on
every later call. ``run()`` catches it and returns the history.

Determinism: the same config gives the same metrics bit for bit (except ``elapsed``): the seed
fixes the data, the split, the initial weights and the batches, and nothing reads a clock or a
global random state.

``backend="scalar"`` trains the micrograd-style ``MLP`` of ``Value``s (slow, graph-sized
lessons); ``backend="tensor"`` trains ``TensorMLP`` (fast). From the same seed they start from
the same weights and follow the same loss curve to rounding.
"""

from __future__ import annotations

import itertools
import math
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

import numpy as np

from playground.engine.data import Dataset
from playground.engine.losses import LOSSES, l2
from playground.engine.nn import MLP, TensorMLP
from playground.engine.optim import Schedule, make_optimizer
from playground.engine.tensor import no_grad
from playground.engine.value import Value, paused_gc
from playground.training.config import Prepared, Problem, TrainConfig, build_dataset, prepare
from playground.training.metrics import r_squared

__all__ = [
    "ConfigError",
    "StepMetrics",
    "TrainConfig",
    "Trainer",
    "TrainingStopped",
    "build_dataset",
    "prepare",
    "scalar_step_seconds",
]


class ConfigError(ValueError):
    """The config cannot be trained; ``problems`` lists why (each naming its field)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class TrainingStopped(RuntimeError):
    """Training cannot go on (the loss or the gradient stopped being a finite number)."""


@dataclass(frozen=True)
class StepMetrics:
    step: int
    """0-based index of the step (the first ``step()`` returns 0, as micrograd's demo prints)."""
    loss: float
    """The minimised objective on the batch: data loss + L2 term."""
    data_loss: float
    accuracy: float
    """The share of the batch classified right; R² on a regression set (``Trainer.task``)."""
    grad_norm: float
    """Euclidean norm of the gradient of ``loss`` over all parameters."""
    lr: float
    elapsed: float
    """Seconds spent in ``step()`` so far, this step included."""
    test_loss: float | None = None
    """Data loss on the test split (None without one)."""
    test_accuracy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Trainer:
    """Trains one model on one dataset as ``config`` says; see the module docstring."""

    def __init__(self, config: TrainConfig, prepared: Prepared | None = None) -> None:
        """``prepared``: what ``prepare(config)`` made, when the caller has it already (the
        panel prepares on every edit); else it is made here. Any problem raises
        ``ConfigError`` listing them all."""
        data = prepared if prepared is not None else prepare(config)
        if not data.ok:
            raise ConfigError(data.problems or [Problem("dataset", "no data")])
        assert data.dataset is not None and data.train is not None  # ok says so
        self.config = config
        self.dataset: Dataset = data.dataset
        ds = self.dataset
        self.loss_info = LOSSES[config.loss]
        self.train_set: Dataset = data.train
        self.test_set: Dataset | None = data.test
        self.task = ds.task
        """"classification" or "regression" (then ``accuracy`` is R²)."""
        self.n_outputs = ds.n_classes if self.loss_info.multiclass else 1

        sizes = [*config.hidden, self.n_outputs]
        model_cls = MLP if config.backend == "scalar" else TensorMLP
        output = config.output_activation
        if output is None and ds.regression:
            output = "linear"  # a tanh output could not reach targets beyond ±1
        self.model: MLP | TensorMLP = model_cls(
            ds.n_features, sizes, config.activation, output_activation=output, seed=config.seed,
        )
        self.params = self.model.parameters()
        self.optimizer = make_optimizer(
            config.optimizer, self.params, config.lr, config.momentum, config.weight_decay
        )
        self.schedule = Schedule(config.schedule, config.lr, config.steps)
        self._batch_rng = np.random.RandomState(config.seed)
        self._train = _Prepared(self.train_set, self.loss_info.targets, config.backend)
        self._test = (
            _Prepared(self.test_set, self.loss_info.targets, config.backend)
            if self.test_set is not None else None
        )
        self.history: list[StepMetrics] = []
        self.stopped_reason: str | None = None
        self.step_count = 0
        self.elapsed = 0.0

    # --- training ------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Stopped by bad numbers, or all ``config.steps`` steps taken."""
        return self.stopped_reason is not None or self.step_count >= self.config.steps

    def step(self) -> StepMetrics:
        """One training step; raises ``TrainingStopped`` if the loss or gradient is not finite.

        Stepping past ``config.steps`` keeps going at the schedule's final learning rate.
        """
        if self.stopped_reason is not None:
            raise TrainingStopped(self.stopped_reason)
        t0 = time.perf_counter()
        k = self.step_count
        lr = self.schedule(k)
        self.optimizer.lr = lr

        batch = self._train.batch(self._batch_index())
        total, data_loss, outputs = self._objective(batch, with_l2=True)
        loss_value = _item(total)
        data_value = _item(data_loss)
        if not math.isfinite(loss_value):
            what = "NaN" if math.isnan(loss_value) else "infinite"
            return self._stop(f"loss became {what} at step {k}: try a lower learning rate")

        self.optimizer.zero_grad()
        total.backward()
        grad_norm = _grad_norm(self.params)
        if not math.isfinite(grad_norm):
            return self._stop(
                f"gradient became {'NaN' if math.isnan(grad_norm) else 'infinite'} at step "
                f"{k}: try a lower learning rate"
            )
        accuracy = self._score(outputs, batch.y)
        test_loss = test_acc = None
        if self._test is not None:
            test_loss, test_acc = self._evaluate(self._test)
        self.optimizer.step()

        self.step_count = k + 1
        self.elapsed += time.perf_counter() - t0
        metrics = StepMetrics(
            step=k, loss=loss_value, data_loss=data_value, accuracy=accuracy,
            grad_norm=grad_norm, lr=lr, elapsed=self.elapsed,
            test_loss=test_loss, test_accuracy=test_acc,
        )
        self.history.append(metrics)
        return metrics

    def run(self, steps: int | None = None, callback: Any = None) -> list[StepMetrics]:
        """Step until ``done`` (or ``steps`` more steps); ``callback(metrics)`` after each.

        Returns the whole history; check ``stopped_reason`` to know whether it ended early.
        """
        target = self.config.steps if steps is None else self.step_count + steps
        while self.stopped_reason is None and self.step_count < target:
            try:
                m = self.step()
            except TrainingStopped:
                break
            if callback is not None:
                callback(m)
        return self.history

    def _stop(self, reason: str) -> NoReturn:
        self.stopped_reason = reason
        self.optimizer.zero_grad()
        raise TrainingStopped(reason)

    def _batch_index(self) -> np.ndarray | None:
        n = len(self.train_set)
        bs = self.config.batch_size
        if bs == 0 or bs >= n:
            return None
        return self._batch_rng.permutation(n)[:bs]  # micrograd's demo draws batches this way

    # --- forward and loss ----------------------------------------------------------------

    def _objective(
        self, data: _Batch, with_l2: bool, grad: bool = True
    ) -> tuple[Any, Any, np.ndarray]:
        """(total loss node, data loss node, outputs as an (n, K) array). ``grad=False`` records
        no graph on the tensor backend (evaluation only)."""
        fn = self.loss_info.fn
        alpha = self.config.l2
        if self.config.backend == "scalar":
            with paused_gc():
                raw: list[Any] = [self.model(row) for row in data.inputs]
                data_loss = fn(raw, data.targets)
                if self.n_outputs == 1:
                    outputs = np.array([[v.data] for v in raw])
                else:
                    outputs = np.array([[v.data for v in r] for r in raw])
                total = data_loss + l2(self.params, alpha) if with_l2 and alpha else data_loss
            return total, data_loss, outputs
        with nullcontext() if grad else no_grad():
            out: Any = self.model(data.inputs)
            data_loss = fn(out, data.targets)
            total = data_loss + l2(self.params, alpha) if with_l2 and alpha else data_loss
        return total, data_loss, np.asarray(out.data).reshape(len(data.y), -1)

    def _evaluate(self, prepared: _Prepared) -> tuple[float, float]:
        _, data_loss, outputs = self._objective(prepared.batch(None), with_l2=False, grad=False)
        return _item(data_loss), self._score(outputs, prepared.dataset.y)

    def _score(self, outputs: np.ndarray, y: np.ndarray) -> float:
        """Accuracy, or R² on a regression set."""
        if self.task == "regression":
            return r_squared(outputs[:, 0], y)
        return _accuracy(outputs, y)

    def evaluate(self) -> dict[str, float | None]:
        """Loss (with L2), data loss and accuracy of the current parameters on the whole train
        split, and data loss/accuracy on the test split (None without one)."""
        total, data_loss, outputs = self._objective(
            self._train.batch(None), with_l2=True, grad=False
        )
        result: dict[str, float | None] = {
            "loss": _item(total),
            "data_loss": _item(data_loss),
            "accuracy": self._score(outputs, self.train_set.y),
            "test_loss": None,
            "test_accuracy": None,
        }
        if self._test is not None:
            result["test_loss"], result["test_accuracy"] = self._evaluate(self._test)
        if self.task == "regression":  # the fit's own numbers, whatever the loss
            result["mse"] = _mse(outputs, self.train_set.y)
            result["r2"] = result["accuracy"]
            result["test_mse"] = result["test_r2"] = None
            if self.test_set is not None:
                test_out = self.model.predict(self.test_set.X)
                result["test_mse"] = _mse(test_out, self.test_set.y)
                result["test_r2"] = result["test_accuracy"]
        return result

    # --- predictions ---------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        """Raw model outputs for inputs ``X`` (n, d): shape (n,) for one output, else (n, K)."""
        out = self.model.predict(np.asarray(X, dtype=np.float64))
        return out[:, 0] if self.n_outputs == 1 else out

    def predict(self, X: Any) -> np.ndarray:
        """Class indices for inputs ``X`` (n, d)."""
        return _classes(self.model.predict(np.asarray(X, dtype=np.float64)))

    def predict_grid(self, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        """Class index at every point of a 2-D grid (``np.meshgrid`` arrays), shaped like ``xx``."""
        return self.predict(self._grid(xx, yy)).reshape(np.shape(xx))

    def decision_grid(self, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        """Raw outputs on a grid: ``xx.shape`` for one output (class 1 where > 0), else
        ``xx.shape + (K,)``."""
        out = self.decision_function(self._grid(xx, yy))
        return out.reshape(np.shape(xx) + out.shape[1:])

    def _grid(self, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
        if self.dataset.n_features != 2:
            raise ValueError(
                f"a decision grid needs 2 input features; this dataset has "
                f"{self.dataset.n_features}"
            )
        xx, yy = np.asarray(xx, dtype=np.float64), np.asarray(yy, dtype=np.float64)
        if xx.shape != yy.shape:
            raise ValueError("xx and yy must have the same shape")
        return np.c_[xx.ravel(), yy.ravel()]


def scalar_step_seconds(config: TrainConfig, train: Dataset) -> float:
    """About how long one step of ``backend="scalar"`` takes here: one ``Value`` per number,
    so time grows with parameters x samples per batch (micrograd's demo: ~0.15 s a step)."""
    sizes = [train.n_features, *config.hidden, max(1, train.n_classes - 1)]
    params = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    batch = config.batch_size or len(train)
    return 4.6e-6 * params * min(batch, len(train))


# --- helpers ------------------------------------------------------------------------------


@dataclass
class _Batch:
    inputs: Any
    """list of rows (scalar backend) or a Tensor (tensor backend)."""
    targets: Any
    y: np.ndarray


class _Prepared:
    """A dataset turned into what the backend's forward and the loss want, made once."""

    def __init__(self, ds: Dataset, target_kind: str, backend: str) -> None:
        self.dataset = ds
        self.backend = backend
        if target_kind == "signs":
            self.targets = ds.signs()
        elif target_kind == "binary":
            self.targets = ds.y.astype(np.float64)
        else:
            self.targets = ds.y
        self._full: _Batch | None = None

    def batch(self, index: np.ndarray | None) -> _Batch:
        if index is None:
            if self._full is None:
                self._full = self._make(self.dataset.X, self.targets, self.dataset.y)
            return self._full
        return self._make(self.dataset.X[index], self.targets[index], self.dataset.y[index])

    def _make(self, X: np.ndarray, targets: np.ndarray, y: np.ndarray) -> _Batch:
        if self.backend == "scalar":
            return _Batch(X.tolist(), targets.tolist(), y)
        from playground.engine.tensor import Tensor

        return _Batch(Tensor(X), targets, y)


def _item(x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    return float(np.asarray(x.data).reshape(-1)[0])


def _grad_norm(params: list[Any]) -> float:
    """Euclidean norm of all gradients, scaled by the largest entry so that squaring never
    overflows (a norm of 1e200 is reported as 1e200, not inf); inf/nan entries give inf/nan."""
    arrays = [np.ravel(p.grad) for p in params if not isinstance(p, Value) and p.grad is not None]
    scalars = [p.grad for p in params if isinstance(p, Value)]
    if scalars:
        arrays.append(np.array(scalars, dtype=np.float64))
    arrays = [a for a in arrays if a.size]
    if not arrays:
        return 0.0
    with np.errstate(all="ignore"):
        biggest = float(np.max([np.max(np.abs(a)) for a in arrays]))  # nan propagates
        if biggest == 0.0 or not math.isfinite(biggest):
            return biggest
        total = sum(float(np.sum(np.square(a / biggest))) for a in arrays)
    return biggest * math.sqrt(total)


def _classes(outputs: np.ndarray) -> np.ndarray:
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0).astype(np.int64)
    return np.argmax(outputs, axis=1)


def _mse(outputs: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        return float(np.mean((np.asarray(outputs)[:, 0] - y) ** 2))


def _accuracy(outputs: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_classes(outputs) == y))
