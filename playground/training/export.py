"""Export a trained MLP as a stand-alone Python script: engine (micrograd-style) or PyTorch.

Each script holds the layer sizes, the activations and every weight (written with ``repr``, so
they round-trip exactly), rebuilds the model, runs it on the training inputs and prints one line
per sample: index, raw output(s), predicted class, true class; then the accuracy. The engine
script needs only this package (``from playground.engine.nn import MLP``); the PyTorch script
only ``torch``.

Line format (tab-separated, easy to read back)::

    0	1.2345678901234567	1	1

With several outputs (one per class) the outputs are separated by spaces.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.training.snapshot import ModelSnapshot

__all__ = ["ExportData", "engine_script", "torch_script"]


@dataclass(frozen=True, eq=False)
class ExportData:
    """What a script needs besides the model: the inputs to predict and their labels."""

    X: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    title: str = ""
    """One line saying where the model comes from (dataset, settings, step)."""


def _num(x: float) -> str:
    return repr(float(x))


def _matrix(rows: Sequence[Sequence[float]], indent: str) -> str:
    lines = [indent + "[" + ", ".join(_num(v) for v in row) + "]," for row in rows]
    return "[\n" + "\n".join(lines) + "\n" + indent[:-4] + "]"


def _vector(v: Sequence[float]) -> str:
    return "[" + ", ".join(_num(x) for x in v) + "]"


def _weights_literal(snapshot: ModelSnapshot) -> str:
    parts = []
    for k, (W, b) in enumerate(snapshot.weights, start=1):
        nin, nout = W.shape
        parts.append(
            f"    # layer {k}: {nin} input{'s' * (nin != 1)} -> {nout} neuron{'s' * (nout != 1)}\n"
            f"    (\n        {_matrix(W.tolist(), ' ' * 12)},\n"
            f"        {_vector(b.tolist())},\n    ),"
        )
    return "[\n" + "\n".join(parts) + "\n]"


def _data_literal(data: ExportData) -> str:
    xs = _matrix(np.asarray(data.X, dtype=np.float64).tolist(), " " * 4)
    ys = "[" + ", ".join(str(int(v)) for v in data.y) + "]"
    classes = "[" + ", ".join(repr(c) for c in data.classes) + "]"
    return f"X = {xs}\nY = {ys}\nCLASSES = {classes}\n"


def _header(snapshot: ModelSnapshot, data: ExportData, what: str, run: str) -> str:
    title = f"\n{data.title}\n" if data.title else ""
    return (
        f'"""{snapshot.describe()} after {snapshot.step} training steps, rebuilt with {what}.\n'
        f"{title}\n"
        f"Exported by Backprop Playground. Run it with:  {run}\n"
        "It prints, for every training sample: index, raw output(s), predicted class, true\n"
        'class (tab-separated); then the accuracy.\n"""\n'
    )


def _common(snapshot: ModelSnapshot, data: ExportData) -> str:
    return (
        f"NIN = {snapshot.nin}\n"
        f"NOUTS = {list(snapshot.nouts)}\n"
        f"ACTIVATION = {snapshot.activation!r}\n"
        f"OUTPUT_ACTIVATION = {snapshot.output_activation!r}\n"
        "# WEIGHTS[k] = (W, b) for layer k+1: W[i][j] is the weight from input i to neuron j,\n"
        "# b[j] is neuron j's bias.\n"
        f"WEIGHTS = {_weights_literal(snapshot)}\n\n"
        f"{_data_literal(data)}"
    )


_REPORT = '''

def predicted_class(outputs):
    """Class 1 when the single output is > 0; otherwise the index of the largest output."""
    if len(outputs) == 1:
        return 1 if outputs[0] > 0 else 0
    return max(range(len(outputs)), key=outputs.__getitem__)


def report(all_outputs):
    correct = 0
    for i, (outputs, label) in enumerate(zip(all_outputs, Y)):
        guess = predicted_class(outputs)
        correct += guess == label
        shown = " ".join(repr(float(v)) for v in outputs)
        print(f"{i}\\t{shown}\\t{guess}\\t{label}")
    print(f"accuracy {correct}/{len(Y)} = {correct / len(Y):.4f}")
'''


def engine_script(snapshot: ModelSnapshot, data: ExportData) -> str:
    """A script that rebuilds the model as the engine's scalar ``MLP`` and prints predictions."""
    body = '''

def build_model():
    """The engine's micrograd-style MLP, every weight and bias set from WEIGHTS."""
    model = MLP(NIN, NOUTS, ACTIVATION, output_activation=OUTPUT_ACTIVATION, seed=0)
    for layer, (W, b) in zip(model.layers, WEIGHTS):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = W[i][j]
            neuron.b.data = b[j]
    return model


def main():
    model = build_model()
    all_outputs = []
    for x in X:
        out = model(x)  # a Value (one output) or a list of Values
        values = out if isinstance(out, list) else [out]
        all_outputs.append([v.data for v in values])
    report(all_outputs)


if __name__ == "__main__":
    main()
'''
    return (
        _header(snapshot, data, "Backprop Playground's engine", "python this_script.py")
        + "\nfrom playground.engine.nn import MLP\n\n"
        + _common(snapshot, data)
        + _REPORT
        + body
    )


_TORCH_ACT = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()"}


def torch_script(snapshot: ModelSnapshot, data: ExportData) -> str:
    """A PyTorch script (``nn.Sequential`` in float64) with the same weights and predictions."""
    sizes = [snapshot.nin, *snapshot.nouts]
    last = len(sizes) - 2
    modules = []
    for k, (a, b) in enumerate(itertools.pairwise(sizes)):
        modules.append(f"nn.Linear({a}, {b})")
        act = snapshot.output_activation if k == last else snapshot.activation
        if act in _TORCH_ACT:
            modules.append(_TORCH_ACT[act])
    seq = "".join(f"        {m},\n" for m in modules)
    body = f'''

def build_model():
    """nn.Sequential in float64; each Linear's weight is W transposed (PyTorch stores (out, in))."""
    model = nn.Sequential(
{seq}    ).double()
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for linear, (W, b) in zip(linears, WEIGHTS):
            linear.weight.copy_(torch.tensor(W, dtype=torch.float64).T)
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
    return model


def main():
    model = build_model()
    with torch.no_grad():
        outputs = model(torch.tensor(X, dtype=torch.float64))
    report(outputs.tolist())


if __name__ == "__main__":
    main()
'''
    return (
        _header(snapshot, data, "PyTorch", "python this_script.py  (needs torch)")
        + "\nimport torch\nfrom torch import nn\n\n"
        + _common(snapshot, data)
        + _REPORT
        + body
    )
