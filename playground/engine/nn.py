"""Neural nets: micrograd's scalar ``Module``/``Neuron``/``Layer``/``MLP`` and a tensor ``MLP``.

The scalar classes are drop-ins for ``micrograd.nn`` (``MLP(3, [4, 4, 1])`` has 41 parameters;
calling it returns a ``Value`` for one output, a list otherwise), with a choice of activation:

- ``"relu"`` (default, micrograd's demo): ReLU hidden layers, linear output, zero biases;
- ``"tanh"`` (the lecture): tanh on every layer *including* the output, biases drawn like the
  weights (the lecture's ``Neuron`` draws ``b = Value(random.uniform(-1, 1))``);
- ``"sigmoid"``: sigmoid hidden layers, linear output, zero biases;
- ``"linear"``: no non-linearity anywhere.

``output_activation`` and ``bias_init`` override those choices.

Initialisation: every weight (and bias, with ``bias_init="uniform"``) is ``rng.uniform(-1, 1)``
from Python's ``random`` module, drawn neuron by neuron in micrograd's order (the neuron's
``nin`` weights, then its bias). ``seed=None`` draws from the global ``random`` module exactly
like micrograd, so ``random.seed(1337); MLP(2, [16, 16, 1])`` gives micrograd's demo weights;
``seed=1337`` gives the same weights from a private ``random.Random(1337)``.

``TensorMLP`` has the same constructor and the same maths on ``Tensor`` batches (rows are
samples): built from the same seed it holds the same numbers (``W[:, j]`` is neuron ``j``'s
weights), so both backends agree to rounding (1e-12). ``to_tensor()``/``load_weights()`` copy
weights between them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from playground.engine.tensor import Tensor, linear
from playground.engine.value import Value, paused_gc

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Layer",
    "Linear",
    "Module",
    "Neuron",
    "TensorMLP",
    "init_weights",
    "numpy_forward",
]

ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid", "linear")

Weights = list[tuple[np.ndarray, np.ndarray]]
"""Per layer: ``W`` (nin, nout) and ``b`` (nout,); column ``j`` is neuron ``j``."""


class Module:
    """micrograd's base: ``parameters()`` and ``zero_grad()``."""

    def zero_grad(self) -> None:
        for p in self.parameters():
            if isinstance(p, Value):
                p.grad = 0.0
            else:
                p.zero_grad()

    def parameters(self) -> list[Any]:
        return []


def _activate(x: Any, activation: str) -> Any:
    if activation == "relu":
        return x.relu()
    if activation == "tanh":
        return x.tanh()
    if activation == "sigmoid":
        return x.sigmoid()
    return x


def resolve(
    activation: str, output_activation: str | None, bias_init: str | None
) -> tuple[str, str, str]:
    """Fill the per-activation defaults (see the module docstring); check the names."""
    for what, name in (("activation", activation), ("output activation", output_activation)):
        if name is not None and name not in ACTIVATIONS:
            raise ValueError(f"unknown {what} {name!r} (choose from {', '.join(ACTIVATIONS)})")
    if bias_init not in (None, "zero", "uniform"):
        raise ValueError(f"unknown bias_init {bias_init!r} (choose 'zero' or 'uniform')")
    lecture = activation == "tanh"
    out = output_activation or ("tanh" if lecture else "linear")
    bias = bias_init or ("uniform" if lecture else "zero")
    return activation, out, bias


def _rng(seed: int | random.Random | None) -> Any:
    if seed is None:
        return random  # the global generator, as micrograd
    if isinstance(seed, random.Random):
        return seed
    return random.Random(seed)


def init_weights(
    nin: int,
    nouts: Sequence[int],
    seed: int | random.Random | None = None,
    bias_init: str = "zero",
) -> Weights:
    """The initial weights both MLPs use, drawn in micrograd's order (see module docstring)."""
    rng = _rng(seed)
    sizes = [nin, *nouts]
    out: Weights = []
    per_neuron_bias = bias_init == "uniform"
    for fan_in, fan_out in pairwise(sizes):
        # neuron by neuron: its fan_in weights, then (uniform biases) its bias
        width = fan_in + per_neuron_bias
        draws = _uniform_draws(rng, fan_out * width).reshape(fan_out, width)
        W = np.ascontiguousarray(draws[:, :fan_in].T)
        b = draws[:, fan_in].copy() if per_neuron_bias else np.zeros(fan_out)
        out.append((W, b))
    return out


def _uniform_draws(rng: Any, n: int) -> np.ndarray:
    """``[rng.uniform(-1, 1) for _ in range(n)]``, bit for bit, and ``rng`` left where those
    draws leave it. A 4096-wide layer is 16 M draws: 10 s in a Python loop, under 2 s here.
    numpy's legacy ``RandomState`` is the same Mersenne Twister with the same 53-bit
    ``random()``, so the state goes across, numpy draws, and the state comes back."""
    getstate = getattr(rng, "getstate", None)
    if n < 64 or getstate is None or isinstance(rng, random.SystemRandom):
        return np.array([rng.uniform(-1, 1) for _ in range(n)], dtype=float)
    version, internal, gauss = getstate()
    twister = np.random.RandomState()
    twister.set_state(("MT19937", np.array(internal[:-1], dtype=np.uint32), internal[-1], 0, 0.0))
    r = twister.random_sample(n)
    _name, key, pos, _has_gauss, _cached = twister.get_state()
    rng.setstate((version, (*key.tolist(), pos), gauss))
    r *= 2.0  # uniform(a, b) is a + (b - a) * random(): -1 + 2r, the same float in place
    r -= 1.0
    return r


# --- scalar -------------------------------------------------------------------------------


class Neuron(Module):
    """``activation(sum(w_i * x_i) + b)``; micrograd's ``nonlin=True/False`` also works."""

    def __init__(
        self,
        nin: int,
        nonlin: bool | None = None,
        *,
        activation: str = "relu",
        bias_init: str = "zero",
        seed: int | random.Random | None = None,
        weights: tuple[Sequence[float], float] | None = None,
    ) -> None:
        if nonlin is not None:
            activation = "relu" if nonlin else "linear"
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}")
        if weights is None:
            (W, b), = init_weights(nin, [1], seed, bias_init)
            weights = (W[:, 0].tolist(), float(b[0]))
        w, bias = weights
        self.w = [Value(float(wi)) for wi in w]
        self.b = Value(float(bias))
        self.activation = activation

    @property
    def nonlin(self) -> bool:
        return self.activation != "linear"

    def __call__(self, x: Sequence[Any]) -> Value:
        # b + w0*x0 + w1*x1 + ..., micrograd's order
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return _activate(act, self.activation)

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{self.activation.capitalize()}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons on the same inputs; returns a ``Value`` when ``nout == 1``."""

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        weights: tuple[np.ndarray, np.ndarray] | None = None,
        seed: int | random.Random | None = None,
        bias_init: str = "zero",
        **kwargs: Any,
    ) -> None:
        if weights is None:
            weights = init_weights(nin, [nout], seed, bias_init)[0]
        W, b = weights
        self.neurons = [
            Neuron(nin, weights=(W[:, j].tolist(), float(b[j])), **kwargs) for j in range(nout)
        ]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """micrograd's multi-layer perceptron on scalar ``Value``s (one sample per call)."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        output_activation: str | None = None,
        bias_init: str | None = None,
        seed: int | random.Random | None = None,
    ) -> None:
        _check_sizes(nin, nouts)
        self.activation, self.output_activation, self.bias_init = resolve(
            activation, output_activation, bias_init
        )
        self.nin = nin
        self.nouts = list(nouts)
        weights = init_weights(nin, nouts, seed, self.bias_init)
        self.layers: list[Layer] = []
        self._build(weights)

    def _build(self, weights: Weights) -> None:
        last = len(weights) - 1
        self.layers = [
            Layer(
                W.shape[0], W.shape[1], weights=(W, b),
                activation=self.output_activation if i == last else self.activation,
            )
            for i, (W, b) in enumerate(weights)
        ]

    def __call__(self, x: Sequence[Any]) -> Value | list[Value]:
        # Nodes form no reference cycles, so the cyclic collector has nothing to find here:
        # pausing it is most of the speed of a scalar forward pass (see value.py).
        with paused_gc():
            for layer in self.layers:
                x = layer(x)  # type: ignore[assignment]
        return x  # type: ignore[return-value]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def weights(self) -> Weights:
        """A copy of the current weights as numpy arrays, per layer ``(W, b)``."""
        return [
            (
                np.array([[w.data for w in n.w] for n in layer.neurons]).T.copy(),
                np.array([n.b.data for n in layer.neurons]),
            )
            for layer in self.layers
        ]

    def load_weights(self, weights: Weights) -> None:
        _check_shapes(self.weights(), weights)
        for layer, (W, b) in zip(self.layers, weights, strict=True):
            for j, n in enumerate(layer.neurons):
                for i, wi in enumerate(n.w):
                    wi.data = float(W[i, j])
                n.b.data = float(b[j])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs (n, nout) for a batch of inputs, in numpy (fast; same maths, no graph)."""
        return numpy_forward(self.weights(), X, self.activation, self.output_activation)

    def to_tensor(self, dtype: Any = None) -> TensorMLP:
        """A ``TensorMLP`` holding a copy of these weights."""
        t = TensorMLP(self.nin, self.nouts, self.activation,
                      output_activation=self.output_activation, bias_init=self.bias_init,
                      seed=0, dtype=dtype)
        t.load_weights(self.weights())
        return t

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _check_sizes(nin: int, nouts: Sequence[int]) -> None:
    if not nouts:
        raise ValueError("an MLP needs at least one layer")
    for n in (nin, *nouts):
        if int(n) != n or n < 1:
            raise ValueError(f"layer sizes must be whole numbers >= 1, got {n!r}")


def _check_shapes(have: Weights, given: Weights) -> None:
    if len(have) != len(given) or any(
        np.shape(W) != Wh.shape or np.shape(b) != bh.shape
        for (Wh, bh), (W, b) in zip(have, given, strict=False)
    ):
        raise ValueError("weights do not match the layer sizes of this MLP")


def numpy_forward(
    weights: Weights, X: np.ndarray, activation: str, output_activation: str
) -> np.ndarray:
    """The MLP's forward pass in plain numpy: ``X`` (n, nin) -> (n, nout)."""
    h = np.asarray(X, dtype=np.float64)
    last = len(weights) - 1
    for i, (W, b) in enumerate(weights):
        h = h @ W + b
        act = output_activation if i == last else activation
        if act == "relu":
            h = np.maximum(h, 0.0)
        elif act == "tanh":
            h = np.tanh(h)
        elif act == "sigmoid":
            h = 0.5 * (1.0 + np.tanh(0.5 * h))
    return h


# --- tensor -------------------------------------------------------------------------------


class Linear(Module):
    """``x @ W + b`` with ``W`` (nin, nout) and ``b`` (nout,), then an activation."""

    def __init__(
        self, W: np.ndarray, b: np.ndarray, activation: str = "linear", dtype: Any = None
    ) -> None:
        self.W = Tensor(np.array(W), requires_grad=True, dtype=dtype)
        self.b = Tensor(np.array(b), requires_grad=True, dtype=dtype)
        self.activation = activation

    def __call__(self, x: Tensor) -> Tensor:
        # x @ W + b as one node of the op table (``linear``): the same numbers as the two
        # nodes, at half the bookkeeping (on a small network that is a fifth of a step)
        return _activate(linear(x, self.W, self.b), self.activation)

    def parameters(self) -> list[Tensor]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        nin, nout = self.W.shape
        return f"Linear({nin}, {nout}, {self.activation})"


class TensorMLP(Module):
    """The same MLP on ``Tensor`` batches: input (n, nin) -> output (n, nout)."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        output_activation: str | None = None,
        bias_init: str | None = None,
        seed: int | random.Random | None = None,
        dtype: Any = None,
    ) -> None:
        _check_sizes(nin, nouts)
        self.activation, self.output_activation, self.bias_init = resolve(
            activation, output_activation, bias_init
        )
        self.nin = nin
        self.nouts = list(nouts)
        self.dtype = dtype
        weights = init_weights(nin, nouts, seed, self.bias_init)
        last = len(weights) - 1
        self.layers = [
            Linear(W, b, self.output_activation if i == last else self.activation, dtype)
            for i, (W, b) in enumerate(weights)
        ]

    def __call__(self, x: Any) -> Tensor:
        if x.__class__ is not Tensor and not isinstance(x, Tensor):
            x = Tensor(np.asarray(x), dtype=self.dtype)
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]

    def weights(self) -> Weights:
        return [(layer.W.data.copy(), layer.b.data.copy()) for layer in self.layers]

    def load_weights(self, weights: Weights) -> None:
        _check_shapes(self.weights(), weights)
        for layer, (W, b) in zip(self.layers, weights, strict=True):
            layer.W.data[...] = W
            layer.b.data[...] = b

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs (n, nout) as a numpy array (no graph is kept)."""
        return numpy_forward(self.weights(), X, self.activation, self.output_activation)

    def __repr__(self) -> str:
        return f"TensorMLP of [{', '.join(str(layer) for layer in self.layers)}]"

