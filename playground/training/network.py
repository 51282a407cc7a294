"""The MLP's scalar computation graph for one sample, loss included: micrograd's ``draw_dot``.

``network_graph(snapshot, x, label, loss)`` rebuilds the model as the engine's scalar ``MLP``
(``ModelSnapshot.scalar_mlp``), runs one sample through it and through the loss, and names every
``Value`` in the graph, returning the loss ``Value`` (call ``backward()`` on it, or hand it to
``playground.graph.from_value``). Names count from 1, as in the lecture's ``x1, w1, b``; the
network's are identifiers, so they become the node ids on the canvas:

- ``x1, x2, ...``: the sample's inputs;
- ``w2_3_1``: layer 2, neuron 3, the weight of its input 1; ``b2_3``: that neuron's bias;
- ``wx2_3_1``: that weight times its input; ``s2_3_1``: the running sum ``b2_3 + wx2_3_1``
  (``s2_3_2`` adds ``wx2_3_2``, ...); ``z2_3``: the whole sum, the neuron's pre-activation;
- ``h1_2``: the activation of layer 1's neuron 2; ``out`` (``out1, out2, ...`` for several
  outputs): the network's output;
- ``loss``: this sample's data loss (the L2 term, a sum over every weight, is left out), with
  its steps named after what they compute: ``y`` (the target), ``out-y``, ``hinge``,
  ``softplus``, ``logsumexp``, ..., and constants by their value (``1``, ``2``, ``1/n``).

``network_for_sample(snapshot, X, y, loss, sample)`` is what "Show network on canvas" shows: it
chooses the sample (passing over one whose hinge loss is exactly 0 unless the learner chose
it), builds its graph and runs Backward, and says in a sentence what is shown.

``scope="auto"`` shows only the output layer past ``NODE_LIMIT`` nodes, fed by the last hidden
layer's activations as plain numbers (``h2_1`` ...): every grad there is still d loss / d node.
The training panel no longer uses that cut-off: it shows the whole network grouped by layer or
neuron (``playground.training.network_levels``, which reuses this module's naming).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from playground.engine.losses import LOSSES
from playground.engine.nn import Neuron, numpy_forward
from playground.engine.value import Value, topological_order
from playground.training.snapshot import ModelSnapshot

__all__ = [
    "NODE_LIMIT",
    "SCOPES",
    "NetworkGraph",
    "SampleNetwork",
    "estimate_nodes",
    "network_for_sample",
    "network_graph",
]

NODE_LIMIT = 300
"""Above this many nodes the whole network is too big to read on the canvas."""

SCOPES: tuple[str, ...] = ("auto", "network", "output_layer")

NAMES = (
    "x = inputs, w1_2_3 = layer 1, neuron 2, weight of input 3, b = biases, "
    "wx = weight × input, s = running sums, z = pre-activations, h = activations"
)
"""The naming scheme in a sentence, for the note under the graph."""

FALLBACK_MAX = 12
"""A fallback label (a formula of the operands' labels) longer than this is the op's name."""


@dataclass
class NetworkGraph:
    root: Value
    """The sample's loss."""
    outputs: list[Value]
    params: dict[str, Value] = field(default_factory=dict)
    """Name -> every weight and bias in the graph."""
    scope: str = "network"
    """"network" (everything) or "output_layer"."""
    n_nodes: int = 0
    note: str = ""
    """A sentence saying what is shown (and what is not)."""


def estimate_nodes(snapshot: ModelSnapshot) -> int:
    """Nodes of the whole network's graph for one sample (without the loss's few)."""
    total = snapshot.nin
    last = len(snapshot.weights) - 1
    for k, (W, _) in enumerate(snapshot.weights):
        nin, nout = W.shape
        act = snapshot.output_activation if k == last else snapshot.activation
        total += nout * (3 * nin + 1 + (act != "linear"))
    return total


def _target(loss: str, label: int | float) -> float | int:
    if isinstance(label, float):  # a regression's target: the number itself
        return label
    kind = LOSSES[loss].targets
    if kind == "signs":
        return 1.0 if label == 1 else -1.0
    if kind == "binary":
        return float(label)
    return int(label)


def zero_loss_samples(snapshot: ModelSnapshot, X: np.ndarray, y: np.ndarray,
                      loss: str) -> np.ndarray:
    """Which samples have a data loss of exactly 0 (a boolean per sample). Only the SVM
    hinge has such a region: a sample past the margin (y·out >= 1) passes no gradient back,
    and after training most do. Other losses are never exactly 0 here."""
    if loss != "svm":
        return np.zeros(len(X), dtype=bool)
    out = numpy_forward(snapshot.weights, np.asarray(X), snapshot.activation,
                        snapshot.output_activation)[:, 0]
    signs = np.where(np.asarray(y) == 1, 1.0, -1.0)
    return 1.0 - signs * out <= 0


def network_graph(
    snapshot: ModelSnapshot,
    x: Sequence[float],
    label: int | float,
    loss: str,
    scope: str = "auto",
    limit: int = NODE_LIMIT,
) -> NetworkGraph:
    """Build the graph of ``loss(model(x), label)``; see the module docstring."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r} (choose from {', '.join(SCOPES)})")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    x = [float(v) for v in x]
    if len(x) != snapshot.nin:
        raise ValueError(f"the sample has {len(x)} inputs; the network takes {snapshot.nin}")
    full = estimate_nodes(snapshot)
    n_layers = len(snapshot.weights)
    if scope == "auto":
        scope = "network" if full <= limit or n_layers == 1 else "output_layer"
    start = 0 if scope == "network" or n_layers == 1 else n_layers - 1

    model = snapshot.scalar_mlp()
    if start == 0:
        inputs = [Value(v, label=f"x{i + 1}") for i, v in enumerate(x)]
    else:
        hidden = numpy_forward(
            snapshot.weights[:start], np.array([x]), snapshot.activation, snapshot.activation
        )[0]
        inputs = [Value(float(v), label=f"h{start}_{j + 1}") for j, v in enumerate(hidden)]

    params: dict[str, Value] = {}
    for k in range(start, n_layers):
        layer_no = k + 1
        last = k == n_layers - 1
        neurons = model.layers[k].neurons
        outs = []
        for j, neuron in enumerate(neurons, start=1):
            tag = f"{layer_no}_{j}"
            for i, w in enumerate(neuron.w, start=1):
                w.label = f"w{tag}_{i}"
                params[w.label] = w
            neuron.b.label = f"b{tag}"
            params[neuron.b.label] = neuron.b
            out = neuron(inputs)
            if last:
                out.label = "out" if len(neurons) == 1 else f"out{j}"
            else:
                out.label = f"h{tag}"
            _name_neuron(neuron, inputs, out, tag)
            outs.append(out)
        inputs = outs

    fn = LOSSES[loss].fn
    target = _target(loss, label)
    root = fn([inputs], [target]) if len(inputs) > 1 else fn([inputs[0]], [target])
    root.label = "loss"
    _name_loss(root, inputs, loss, target)
    order = topological_order(root)
    for v in order:  # anything the loss's pattern did not name (a loss built another way)
        if not v.label:
            v.label = _fallback_label(v)
    n_nodes = len(order)

    if scope == "network":
        note = (
            f"The whole network for this sample, {n_nodes} nodes ({NAMES}); "
            f"'loss' is this sample's {loss} loss, without the L2 term."
        )
    else:
        n_hidden = len(model.layers[start].neurons[0].w)
        note = (
            f"The whole network would have about {full + 10:,} nodes, too many to read: "
            f"showing the output layer and the loss ({n_nodes} nodes; {NAMES}). Its inputs "
            f"h{start}_1 ... h{start}_{n_hidden} are layer {start}'s activations for this "
            f"sample, as numbers; their grads are d loss / d activation. The L2 term is left "
            f"out."
        )
    if root.data == 0:
        # hinge (and relu-like) losses are exactly 0 for a sample beyond the margin: Backward
        # would show 0 everywhere, which reads like a broken graph unless we say why
        note += (
            " This sample's loss is exactly 0 (it is already classified with room to spare), "
            "so every grad is 0: pick a sample the network still gets wrong or barely right "
            "to see gradients flow."
        )
    return NetworkGraph(root, inputs, params, scope, n_nodes, note)


@dataclass
class SampleNetwork:
    """The network's graph for the sample ``network_for_sample`` chose, Backward already run:
    every ``grad`` in ``graph`` is d loss / d node."""

    graph: NetworkGraph
    sample: int
    """The sample shown: the one asked for, or the next one with a loss (see ``note``)."""
    note: str
    """What is shown, in sentences: the sample, why it was chosen, the steps, the graph."""


def network_for_sample(
    snapshot: ModelSnapshot,
    X: np.ndarray,
    y: np.ndarray,
    loss: str,
    sample: int,
    *,
    chosen: bool = False,
    scope: str = "auto",
    limit: int = NODE_LIMIT,
) -> SampleNetwork:
    """The graph of ``loss`` for sample ``sample`` of ``(X, y)`` (clamped to the data), with
    its grads.

    A sample past the hinge's margin has loss 0 and every grad 0, which reads like a broken
    graph. So unless the learner ``chosen`` it, such a sample gives way to the next one that
    still has a loss (wrapping round); when every sample is past the margin the note says so.
    """
    X, y = np.asarray(X), np.asarray(y)
    if not len(X):
        raise ValueError("no samples to show the network for")
    first = i = min(max(int(sample), 0), len(X) - 1)
    zero = zero_loss_samples(snapshot, X, y, loss)
    if zero[i] and not chosen and not zero.all():
        later = np.flatnonzero(~zero)
        i = int(later[later > i][0] if (later > i).any() else later[0])
    label = float(y[i]) if np.issubdtype(np.asarray(y).dtype, np.floating) else int(y[i])
    graph = network_graph(snapshot, X[i], label, loss, scope=scope, limit=limit)
    graph.root.backward()
    skipped = (f" (sample {first}'s loss is exactly 0, so every grad there would be 0: "
               f"this is the next sample with a loss)" if i != first else "")
    if zero.all():
        skipped = (" (every sample is past the margin now: the hinge loss is 0 for all, "
                   "only the L2 term, left out here, still moves the weights)")
    note = f"Sample {i}{skipped}, after {snapshot.step} steps. " + graph.note
    return SampleNetwork(graph, i, note)


# --- naming what the engine built ---------------------------------------------------------


def _args(v: Value, op: str) -> tuple[Value, ...] | None:
    """``v``'s operands when the op-table entry ``op`` made it, else None."""
    return v._prev if v.op is not None and v.op.name == op else None


def _name_neuron(neuron: Neuron, inputs: Sequence[Value], out: Value, tag: str) -> None:
    """Name the products and running sums of ``b + w1*x1 + w2*x2 + ...`` (the engine's order).

    Walks back from the output; a shape it does not expect leaves the rest to the fallback.
    """
    if neuron.activation == "linear":
        z = out
    else:
        a = _args(out, neuron.activation)
        if a is None:
            return
        z = a[0]
        z.label = f"z{tag}"
    node = z
    for i in range(len(neuron.w), 0, -1):
        a = _args(node, "add")
        if a is None:
            return
        partial, product = a
        if _args(product, "mul") != (neuron.w[i - 1], inputs[i - 1]):
            return
        product.label = f"wx{tag}_{i}"
        if node is not z:
            node.label = f"s{tag}_{i}"
        node = partial


@dataclass(frozen=True)
class _Step:
    """A node of a loss's graph as the engine builds it: made by the op-table entry ``op`` from
    ``args`` (``op`` "const": an unnamed constant), to be named ``label``. A ``Value`` among
    the ``args`` stands for exactly that node (an output)."""

    op: str
    label: str
    args: tuple[_Step | Value, ...] = ()


def _const(label: str) -> _Step:
    return _Step("const", label)


def _matches(v: Value, p: _Step | Value) -> bool:
    if isinstance(p, Value):
        return v is p
    if p.op == "const":
        return not v._prev and not v.label
    a = _args(v, p.op)
    return a is not None and len(a) == len(p.args) and all(map(_matches, a, p.args))


def _apply(v: Value, p: _Step | Value) -> None:
    if isinstance(p, Value):
        return
    if not v.label:
        v.label = p.label
    for child, kid in zip(v._prev, p.args, strict=True):
        _apply(child, kid)


def _term_pattern(loss: str, outputs: list[Value], target: float | int) -> _Step | None:
    """One sample's term of ``loss``, as ``playground.engine.losses`` builds it."""
    o = outputs[0]
    if loss == "svm":  # relu(1 + (-y) * out)
        return _Step("relu", "hinge", (
            _Step("add", "1-y·out", (_const("1"), _Step("mul", "-y·out", (_const("-y"), o)))),
        ))
    if loss in ("mse", "sse"):  # (out - y) ** 2: powc, the 2 a parameter (no node, no grad)
        return _Step("powc", "(out-y)²", (_Step("sub", "out-y", (o, _const("y"))),))
    if loss == "bce":  # out*p + log(1 + exp(out*(1 - 2p))) - out*y, p = [out >= 0]
        e = _Step("exp", "e^-|out|", (_Step("mul", "-|out|", (o, _const("-sgn(out)"))),))
        softplus = _Step("add", "softplus", (
            _Step("mul", "max(out,0)", (o, _const("[out≥0]"))),
            _Step("log", "log(1+e^-|out|)", (_Step("add", "1+e^-|out|", (_const("1"), e)),)),
        ))
        return _Step("sub", "bce", (softplus, _Step("mul", "y·out", (o, _const("y")))))
    if loss == "cross_entropy":  # log(sum exp(out_j - max)) + max - out_y
        k = int(target)
        if not 0 <= k < len(outputs):
            return None
        total = _const("0")
        for j, oj in enumerate(outputs, start=1):
            e = _Step("exp", f"e{j}", (_Step("sub", f"{oj.label}-max", (oj, _const("max"))),))
            so_far = {1: "0+e1", 2: "e1+e2", len(outputs): "Σe"}.get(j, f"e1+…+e{j}")
            total = _Step("add", so_far, (total, e))
        lse = _Step("add", "logsumexp", (_Step("log", "log Σe", (total,)), _const("max")))
        return _Step("sub", f"-log p{k + 1}", (lse, outputs[k]))
    return None


def _name_loss(root: Value, outputs: list[Value], loss: str, target: float | int) -> None:
    term = _term_pattern(loss, outputs, target)
    if term is None:
        return
    # every loss but sse is a mean over samples: sum(terms) * (1/n); the sum starts at 0
    total = _Step("add", "sum", (_const("0"), term))
    whole = total if loss == "sse" else _Step("mul", "loss", (total, _const("1/n")))
    if _matches(root, whole):
        _apply(root, whole)


def _number(x: float) -> str:
    return f"{x:.4g}"


def _fallback_label(v: Value) -> str:
    """A constant's value; an op's formula of its operands' labels, or the op's name."""
    kids = v._prev
    if not kids:
        return _number(v.data)
    name = v.op.name if v.op is not None else (v._op or "op")
    names = [c.label or _number(c.data) for c in kids]
    text = f"{name}({names[0]})" if len(names) == 1 else f"{names[0]}{v._op}{names[1]}"
    return text if len(text) <= FALLBACK_MAX else name
