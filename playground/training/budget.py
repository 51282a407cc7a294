"""How much memory one training step takes, estimated from the settings before anything is built.

``prepare`` (``config.py``) asks ``refusal(...)`` once the data's size is known (features,
outputs, train and test samples) and refuses a run whose step would pass ``STEP_BYTES``, with a
sentence that says what to lower. The panel shows it under the field named, the ``train``
command prints it and exits 2. Nothing here allocates more than a few numbers.

What a step holds at once (``samples_at_once``): the batch's graph and the test split's (the
test metrics are computed while the batch's graph is still alive), or the whole training split
(``Trainer.evaluate``, the CLI's final metrics, builds it in one go, mini-batches or not).

The constants were measured on this machine (Python 3.11, numpy float64):

- **scalar** (one ``Value`` per number): per sample a neuron of the first layer builds
  ``3·nin + 1`` nodes (a constant for each input, the product, the running sum; the
  activation), a later neuron ``2·nin + 1`` (its inputs are nodes already), and the loss a few;
  every parameter is a node, and the L2 term adds two per parameter. ``BYTES_PER_NODE`` is the
  resident memory a node costs with its backward pass: 149-151 bytes (RSS after a step minus
  before) on 0.7 M, 1.8 M and 4.8 M-node steps; tracemalloc sees 134. Micrograd's demo (2-16-16-1,
  100 moons) is 69 k nodes, about 11 MB.
- **tensor** (numpy arrays): each parameter is held ``PARAMETER_COPIES`` times at once (the
  weights, their gradient, the L2 term's square and its gradient), plus the optimizer's state;
  each activation (a sample times a neuron) ``ACTIVATION_COPIES`` times (pre-activation,
  activation, their gradients, the matmul's temporaries). tracemalloc's peak over two steps
  gave 4.4-4.9 per parameter (1-4 M parameters) and 4.0-4.4 per activation (0.2-20 M).

``STEP_BYTES`` is 1 GiB: the window and one step then stay within a couple of GiB, and
micrograd's demo is a hundredth of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "ACTIVATION_COPIES",
    "BYTES_PER_NODE",
    "MAX_STEPS",
    "PARAMETER_COPIES",
    "STEP_BYTES",
    "StepEstimate",
    "estimate_step",
    "refusal",
    "samples_at_once",
    "size_text",
]

MAX_STEPS = 100_000
"""The most training steps a run may take (the panel's spin box and ``--steps`` alike). Each
step keeps its metrics (~340 bytes) for the plots and the history, and a run should end within
minutes: micrograd's demo on the tensor backend takes ~0.3 ms a step."""
STEP_BYTES = 1 << 30
"""The most memory one training step may take (the estimate below): 1 GiB."""
BYTES_PER_NODE = 160
"""A scalar ``Value`` node with its share of the backward pass (measured 149-151, rounded up)."""
LOSS_NODES_PER_OUTPUT = 8
"""The loss's nodes per sample and output (hinge, squared error, softmax: 3 to 8)."""
PARAMETER_COPIES = 4.5
"""float64 copies of each parameter a tensor step holds, besides the optimizer's state."""
OPTIMIZER_COPIES = {"sgd": 0, "adam": 2, "adamw": 2}
"""The optimizer's state per parameter (SGD with momentum keeps one velocity)."""
ACTIVATION_COPIES = 4.5
"""float64 numbers a tensor step holds per sample and neuron."""
ITEM_BYTES = 8


@dataclass(frozen=True)
class StepEstimate:
    """What one step would hold: see the module docstring."""

    backend: str
    parameters: int
    samples: int
    """Samples whose graph (or activations) exist at once."""
    neurons: int
    """Neurons of the hidden layers and the output: activations per sample."""
    nodes: int
    """scalar: ``Value`` nodes; tensor: 0 (a few nodes a layer, each an array)."""
    elements: int
    """tensor: float64 numbers held at once; scalar: 0."""
    fixed_bytes: int
    """The part that does not grow with the samples (the parameters and their state)."""
    per_sample_bytes: int

    @property
    def bytes(self) -> int:
        return self.fixed_bytes + self.samples * self.per_sample_bytes

    def max_samples(self, budget: int = STEP_BYTES) -> int:
        """How many samples at once would fit in ``budget`` with these layers."""
        room = budget - self.fixed_bytes
        return max(0, room // self.per_sample_bytes) if self.per_sample_bytes else 0


def samples_at_once(n_train: int, n_test: int, batch_size: int) -> int:
    """The most samples a step (or the final evaluation) builds at once."""
    batch = n_train if batch_size <= 0 else min(batch_size, n_train)
    return max(batch + n_test, n_train)


def estimate_step(backend: str, sizes: Sequence[int], samples: int,
                  optimizer: str = "sgd", momentum: float = 0.0) -> StepEstimate:
    """The estimate for an MLP of layer ``sizes`` (inputs first, outputs last) on ``samples``
    samples at once. Plain arithmetic on Python ints: any size is fine."""
    layers = list(pairwise(sizes))
    parameters = sum((nin + 1) * nout for nin, nout in layers)
    neurons = sum(nout for _, nout in layers)
    if backend == "scalar":
        per_sample = sum(nout * ((3 if k == 0 else 2) * nin + 1)
                         for k, (nin, nout) in enumerate(layers))
        per_sample += LOSS_NODES_PER_OUTPUT * sizes[-1]
        fixed = 3 * parameters  # the parameters, and the L2 term's square and sum of each
        return StepEstimate(backend, parameters, samples, neurons,
                            nodes=fixed + samples * per_sample, elements=0,
                            fixed_bytes=fixed * BYTES_PER_NODE,
                            per_sample_bytes=per_sample * BYTES_PER_NODE)
    state = OPTIMIZER_COPIES.get(optimizer, 2) + (1 if optimizer == "sgd" and momentum else 0)
    fixed = math.ceil((PARAMETER_COPIES + state) * parameters)
    per_sample = math.ceil(ACTIVATION_COPIES * neurons)
    return StepEstimate(backend, parameters, samples, neurons, nodes=0,
                        elements=fixed + samples * per_sample,
                        fixed_bytes=fixed * ITEM_BYTES, per_sample_bytes=per_sample * ITEM_BYTES)


MIN_SAMPLES_TO_ADVISE = 10
"""Below this many samples fitting, fewer samples is no advice: the layers are too big."""


def refusal(estimate: StepEstimate, lever: str | None,
            budget: int = STEP_BYTES) -> tuple[str, str] | None:
    """``(field, message)`` when the step passes ``budget``, else None.

    The field is what to lower: the hidden layers when they alone (or with a handful of
    samples) do not fit, else ``lever``: "n_samples" (a generated dataset's number of samples)
    or "csv_path" (a CSV file's rows); None (the lecture's four points) leaves the layers.
    """
    if estimate.bytes <= budget:
        return None
    e = estimate
    what = (f"the scalar backend would build ~{count_text(e.nodes)} nodes a step"
            if e.backend == "scalar" else
            f"the tensor backend would hold ~{count_text(e.elements)} numbers a step")
    head = f"{what} (~{size_text(e.bytes)}, over the {size_text(budget)} limit)"
    fit = e.max_samples(budget)
    if fit < MIN_SAMPLES_TO_ADVISE or lever is None:
        field, lower = "hidden", [f"fewer or smaller hidden layers "
                                  f"({count_text(e.parameters)} parameters now)"]
    elif lever == "csv_path":
        field, lower = lever, [f"a file of at most {fit:,} rows with these layers",
                               "smaller hidden layers"]
    else:
        field, lower = lever, [f"fewer samples (at most {fit:,} with these layers)",
                               "smaller hidden layers"]
    if e.backend == "scalar":
        lower.insert(0, "the tensor backend")
    options = ", ".join(lower[:-1]) + " or " + lower[-1] if len(lower) > 1 else lower[0]
    return field, f"{head}: use {options}"


def count_text(n: int) -> str:
    """``82 M``, ``6.7 G``, ``69 k``: a count the way the messages write it."""
    for unit, scale in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{_short(value)} {unit}"
    return f"{n:,}"


def size_text(nbytes: int) -> str:
    """``13 GiB``, ``1.5 GiB``, ``763 MiB``: a size the way the messages write it."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            value = nbytes / scale
            return f"{_short(value)} {unit}"
    return f"{nbytes} bytes"


def _short(value: float) -> str:
    """``1``, ``6.7``, ``82``, ``1,016``: one decimal below 10, none above, no ``.0``."""
    return f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:,.0f}"
