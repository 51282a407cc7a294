"""Optimizers (SGD with momentum, Adam, AdamW) and learning-rate schedules.

An optimizer takes a list of parameters: scalar ``Value``s, ``Tensor``s, or both. The update
rules are PyTorch's (``torch.optim.SGD``/``Adam``/``AdamW``, single-tensor path) written in
numpy. A Tensor's array is updated in place; scalar ``Value``s are gathered into one float64
vector per step, updated with the same numpy expressions, and written back. So one step on 337
scalars and one step on the same 337 numbers held in Tensors give bit-identical results, and
plain SGD is bit-identical to micrograd's ``p.data -= lr * p.grad``.

Usage, as in PyTorch::

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()

``lr`` is a plain attribute: a schedule sets it before each step (``opt.lr = sched(k)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from playground.engine.value import Value

__all__ = ["OPTIMIZERS", "SCHEDULES", "SGD", "Adam", "AdamW", "Optimizer", "Schedule",
           "make_optimizer"]


class _Slot:
    """One block of parameters the update treats as an array: a Tensor, or all the Values."""

    __slots__ = ("tensor", "values")

    def __init__(self, tensor: Any = None, values: list[Value] | None = None) -> None:
        self.tensor = tensor
        self.values = values

    def data(self) -> np.ndarray:
        if self.values is not None:
            return np.fromiter((v.data for v in self.values), np.float64, len(self.values))
        return self.tensor.data

    def grad(self) -> np.ndarray:
        if self.values is not None:
            return np.fromiter((v.grad for v in self.values), np.float64, len(self.values))
        g = self.tensor.grad
        if g is None:
            return np.zeros_like(self.tensor.data)
        return np.asarray(g)

    def write_back(self, new: np.ndarray) -> None:
        """Values get the updated numbers; a Tensor's array was updated in place already."""
        if self.values is not None:
            for v, x in zip(self.values, new.tolist(), strict=True):
                v.data = x


class Optimizer:
    """Base class: holds the parameters, ``lr``, per-parameter state and the step count."""

    def __init__(self, params: Iterable[Any], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        if not (lr >= 0 and math.isfinite(lr)):
            raise ValueError(f"learning rate must be a finite number >= 0, got {lr!r}")
        self.lr = float(lr)
        values = [p for p in self.params if isinstance(p, Value)]
        self._slots = [_Slot(tensor=p) for p in self.params if not isinstance(p, Value)]
        if values:
            self._slots.insert(0, _Slot(values=values))
        self.state: list[dict[str, Any]] = [{} for _ in self._slots]
        self.steps = 0

    def zero_grad(self) -> None:
        for p in self.params:
            if isinstance(p, Value):
                p.grad = 0.0
            else:
                p.zero_grad()

    def step(self) -> None:
        self.steps += 1
        for slot, state in zip(self._slots, self.state, strict=True):
            p = slot.data()
            self._update(p, slot.grad(), state)
            slot.write_back(p)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        """Update ``p`` in place (same numbers as ``p = p - ...``, without a copy)."""
        raise NotImplementedError


class SGD(Optimizer):
    """``torch.optim.SGD``: ``g += wd*p``; ``buf = g`` then ``buf = m*buf + (1-d)*g``;
    ``p -= lr * (g + m*buf if nesterov else buf)``."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise ValueError("momentum and weight decay must be >= 0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and no dampening")
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.dampening = dampening
        self.nesterov = nesterov

    def step(self) -> None:
        if self.momentum or self.weight_decay or self._slots[0].values is not None:
            super().step()
            return
        # Plain SGD on tensors, the common case: ``p -= lr * g`` with no per-slot calls (the
        # same numbers as _update). A missing gradient would subtract zeros: a no-op.
        self.steps += 1
        lr = self.lr
        for slot in self._slots:
            tensor = slot.tensor
            g = tensor.grad
            if g is None:
                continue
            if g.__class__ is not np.ndarray:
                g = np.asarray(g)
            p = tensor.data
            p -= lr * g

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            buf = state.get("momentum_buffer")
            buf = g.copy() if buf is None else self.momentum * buf + (1 - self.dampening) * g
            state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        p -= self.lr * g


class Adam(Optimizer):
    """``torch.optim.Adam`` (weight decay added to the gradient, i.e. L2)."""

    decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError("Adam betas must be in [0, 1)")
        if eps < 0 or weight_decay < 0:
            raise ValueError("eps and weight decay must be >= 0")
        self.betas = (float(b1), float(b2))
        self.eps = eps
        self.weight_decay = weight_decay

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:
                p *= 1 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * p
        m: Any = state.get("exp_avg")
        v: Any = state.get("exp_avg_sq")
        if m is None:
            m = np.zeros_like(p)
            v = np.zeros_like(p)
        m = m + (1 - b1) * (g - m)  # torch: exp_avg.lerp_(grad, 1 - beta1)
        v = v * b2 + (1 - b2) * (g * g)
        state["exp_avg"], state["exp_avg_sq"] = m, v
        t = self.steps
        step_size = self.lr / (1 - b1**t)
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + self.eps
        p -= step_size * (m / denom)


class AdamW(Adam):
    """``torch.optim.AdamW``: decoupled weight decay ``p *= 1 - lr*wd`` before the Adam step."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "adamw": AdamW}


def make_optimizer(
    name: str, params: Iterable[Any], lr: float, momentum: float = 0.0,
    weight_decay: float = 0.0,
) -> Optimizer:
    """An optimizer by name (``sgd``, ``adam``, ``adamw``); momentum is SGD's only."""
    if name == "sgd":
        return SGD(params, lr, momentum=momentum, weight_decay=weight_decay)
    if name in ("adam", "adamw"):
        return OPTIMIZERS[name](params, lr, weight_decay=weight_decay)  # type: ignore[call-arg]
    raise ValueError(f"unknown optimizer {name!r} (choose from {', '.join(OPTIMIZERS)})")


# --- schedules ----------------------------------------------------------------------------

SCHEDULES: tuple[str, ...] = ("constant", "linear", "cosine")


class Schedule:
    """Learning rate at step ``k`` (0-based) of ``steps``.

    - ``constant``: ``lr``;
    - ``linear``: ``lr * (1.0 - 0.9*k/steps)``, micrograd's demo (1.0 -> 0.109 over 100 steps);
    - ``cosine``: ``lr * 0.5 * (1 + cos(pi*k/steps))``, like ``CosineAnnealingLR(eta_min=0)``.

    ``k`` past ``steps`` is clamped (training longer keeps the final rate).
    """

    def __init__(self, name: str, lr: float, steps: int) -> None:
        if name not in SCHEDULES:
            raise ValueError(f"unknown schedule {name!r} (choose from {', '.join(SCHEDULES)})")
        if steps < 1:
            raise ValueError("a schedule needs steps >= 1")
        self.name = name
        self.lr = float(lr)
        self.steps = int(steps)
        self._factor: Callable[[int], float] = getattr(self, "_" + name)

    def __call__(self, k: int) -> float:
        k = min(max(int(k), 0), self.steps)
        return self.lr * self._factor(k)

    def _constant(self, k: int) -> float:
        return 1.0

    def _linear(self, k: int) -> float:
        return 1.0 - 0.9 * k / self.steps

    def _cosine(self, k: int) -> float:
        return 0.5 * (1.0 + math.cos(math.pi * k / self.steps))

    def __repr__(self) -> str:
        return f"Schedule({self.name!r}, lr={self.lr}, steps={self.steps})"
