"""``ModelSnapshot``: a trained MLP as plain data (sizes, activations, weights), no engine state.

A training run lives in a worker thread; what leaves it is a snapshot: a copy of the weights at a
given step, safe to read on any thread while training goes on. The training panel draws decision
boundaries from it, the network graph and the exported scripts rebuild the model from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from playground.engine.nn import MLP, Weights, numpy_forward

if TYPE_CHECKING:
    from playground.training.trainer import Trainer

__all__ = ["ModelSnapshot"]


@dataclass(frozen=True, eq=False)
class ModelSnapshot:
    nin: int
    nouts: tuple[int, ...]
    """Layer sizes after the input, the output layer included (``MLP(nin, nouts)``)."""
    activation: str
    output_activation: str
    bias_init: str
    weights: Weights
    """Per layer ``(W, b)``: ``W`` (nin, nout), column ``j`` is neuron ``j``'s weights."""
    step: int = 0
    """How many training steps these weights have had."""

    @classmethod
    def of(cls, trainer: Trainer) -> ModelSnapshot:
        """A copy of ``trainer``'s model now (call it on the thread that trains)."""
        m = trainer.model
        return cls(
            nin=m.nin, nouts=tuple(m.nouts), activation=m.activation,
            output_activation=m.output_activation, bias_init=m.bias_init,
            weights=m.weights(), step=trainer.step_count,
        )

    @property
    def n_outputs(self) -> int:
        return self.nouts[-1]

    @property
    def n_parameters(self) -> int:
        return sum(W.size + b.size for W, b in self.weights)

    def describe(self) -> str:
        """``MLP 2-16-16-1 (relu, linear output)``."""
        sizes = "-".join(str(n) for n in (self.nin, *self.nouts))
        return f"MLP {sizes} ({self.activation}, {self.output_activation} output)"

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """Raw outputs (n, n_outputs) for inputs ``X`` (n, nin), in numpy."""
        return numpy_forward(self.weights, X, self.activation, self.output_activation)

    def classes(self, X: np.ndarray) -> np.ndarray:
        """Predicted class indices, as the trainer decides them (score > 0, or argmax)."""
        out = self.outputs(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0).astype(np.int64)
        return np.argmax(out, axis=1)

    def scalar_mlp(self) -> MLP:
        """The engine's micrograd-style ``MLP`` of ``Value``s holding these weights."""
        model = MLP(
            self.nin, list(self.nouts), self.activation,
            output_activation=self.output_activation, bias_init=self.bias_init, seed=0,
        )
        model.load_weights(self.weights)
        return model
