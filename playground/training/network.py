"""The MLP's scalar computation graph for one sample, loss included: micrograd's ``draw_dot``.

``network_graph(snapshot, x, label, loss)`` rebuilds the model as the engine's scalar ``MLP``
(``ModelSnapshot.scalar_mlp``), names its ``Value``s and runs one sample through it and through
the loss, returning the loss ``Value`` (call ``backward()`` on it, or hand it to
``playground.graph.from_value``). Names, which become node ids on the canvas:

- ``x0, x1, ...``: the sample's inputs;
- ``w2_3_0``: layer 2, neuron 3, weight of input 0; ``b2_3``: that neuron's bias;
- ``h1_0``: the activation of layer 1's neuron 0; ``out`` (or ``out0, out1, ...``): the output;
- ``loss``: this sample's data loss (the L2 term, a sum over every weight, is left out).

A big network makes an unreadable picture, so past ``NODE_LIMIT`` nodes (``scope="auto"``) only
the output layer is shown, fed by the last hidden layer's activations as plain numbers
(``h2_0`` ...): every grad there is still d loss / d node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from playground.engine.losses import LOSSES
from playground.engine.nn import numpy_forward
from playground.engine.value import Value, topological_order
from playground.training.snapshot import ModelSnapshot

__all__ = ["NODE_LIMIT", "SCOPES", "NetworkGraph", "estimate_nodes", "network_graph"]

NODE_LIMIT = 300
"""Above this many nodes the whole network is too big to read on the canvas."""

SCOPES: tuple[str, ...] = ("auto", "network", "output_layer")


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


def _target(loss: str, label: int) -> float | int:
    kind = LOSSES[loss].targets
    if kind == "signs":
        return 1.0 if label == 1 else -1.0
    if kind == "binary":
        return float(label)
    return int(label)


def network_graph(
    snapshot: ModelSnapshot,
    x: Sequence[float],
    label: int,
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
        inputs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    else:
        hidden = numpy_forward(
            snapshot.weights[:start], np.array([x]), snapshot.activation, snapshot.activation
        )[0]
        inputs = [Value(float(v), label=f"h{start}_{j}") for j, v in enumerate(hidden)]

    params: dict[str, Value] = {}
    for k in range(start, n_layers):
        layer = model.layers[k]
        last = k == n_layers - 1
        outs = []
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.label = f"w{k + 1}_{j}_{i}"
                params[w.label] = w
            neuron.b.label = f"b{k + 1}_{j}"
            params[neuron.b.label] = neuron.b
            out = neuron(inputs)
            if last:
                out.label = "out" if len(layer.neurons) == 1 else f"out{j}"
            else:
                out.label = f"h{k + 1}_{j}"
            outs.append(out)
        inputs = outs

    fn = LOSSES[loss].fn
    target = _target(loss, int(label))
    root = fn([inputs], [target]) if len(inputs) > 1 else fn([inputs[0]], [target])
    root.label = "loss"
    n_nodes = len(topological_order(root))

    names = "x = inputs, w{layer}_{neuron}_{input} = weights, b = biases, h = activations"
    if scope == "network":
        note = (
            f"The whole network for this sample, {n_nodes} nodes ({names}); "
            f"'loss' is this sample's {loss} loss, without the L2 term."
        )
    else:
        note = (
            f"The whole network would have about {full + 10:,} nodes, too many to read: "
            f"showing the output layer and the loss ({n_nodes} nodes). Its inputs "
            f"h{start}_0 ... h{start}_{len(model.layers[start].neurons[0].w) - 1} are layer "
            f"{start}'s activations for this sample, as numbers; their grads are "
            f"d loss / d activation. The L2 term is left out."
        )
    return NetworkGraph(root, inputs, params, scope, n_nodes, note)
