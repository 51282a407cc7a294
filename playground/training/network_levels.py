"""The network's graph document at a chosen level: layers, neurons or scalars.

``network_document(snapshot, X, y, loss, level=..., sample=...)`` builds the scalar graph of the
loss (micrograd's ``draw_dot`` graph, every ``Value`` a node) for one sample, or for the whole
batch (``sample=None``: one scalar graph per sample, sharing the weights, and the loss over
them, as micrograd's demo computes it), and groups it (``playground.graph.groups``) so the
canvas opens at ``level``:

- ``"layers"``: one group per ``Layer`` ("Layer 2"), holding its neuron groups; the top shows the
  inputs, one card per layer, the loss's steps ("Loss": the targets, the differences or hinges,
  their sum) and the node ``loss`` itself, where Backward starts;
- ``"neurons"``: one group per neuron ("L2 neuron 3"), at the top, with the inputs and the loss;
- ``"scalars"``: no group at all: today's flat view.

Opening a card goes down one level: a layer's inside is its neuron groups, a neuron's inside
its scalars. **A neuron group holds its parameters**: its weights ``w2_3_*``, its bias ``b2_3``,
the products ``wx2_3_*``, the running sums ``s2_3_*``, ``z2_3`` and its activation ``h2_3``
(micrograd's ``Neuron`` owns ``w`` and ``b`` the same way). So its ports are the previous layer's
activations (or the inputs ``x``) in, and its activation out; a layer group's outputs are its
neurons' activations. In the whole batch a neuron group holds every sample's products and sums
(the weights are shared), so it has one output per sample.

The whole batch *by layer* is built in tensor ops instead (``network_tensor``): a few hundred
nodes, a layer card with one input and one output, numbers equal to the scalar graph's but for
the rounding of a matrix product (about 1e-16). By neuron or every scalar, the batch is the
scalar graph above.

Grouping is an overlay: the numbers come from the flat graph, so they are the same node for node
at every level. Nodes keep ``playground.training.network``'s names (``x1``, ``w2_3_1``,
``b2_3``, ``wx2_3_1``, ``s2_3_2``, ``z2_3``, ``h1_2``, ``out``, ``loss``); in the whole batch a
sample's own nodes carry the sample's number, ``h1_2[7]`` (their ids ``h1_2_s7``).

The document is assembled in bulk (``GraphDocument.assemble``) and laid out by arithmetic, not
by the general layered layout: every neuron is a block (weights and bias, products, running
sums, activation, one row per input), so each scope looks tidy on its own and the flat view is
those blocks side by side. ``benchmarks/network_levels.py`` measures it on the issue's
2-16-16-1 moons network over 100 samples (65,000 nodes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.losses import LOSSES
from playground.engine.value import Value, paused_gc, topological_order
from playground.graph.document import GraphDocument
from playground.graph.groups import GROUP_ATTR
from playground.training import network as N
from playground.training.network_parts import (
    COLUMN,
    INPUTS,
    LOSS,
    ROW,
    TOP,
    layer_group,
    neuron_group,
    target,
)
from playground.training.network_tensor import tensor_batch_document
from playground.training.snapshot import ModelSnapshot

__all__ = ["INPUTS", "LEVELS", "LOSS", "NetworkDocument", "layer_group", "network_document",
           "neuron_group"]

LEVELS: tuple[str, ...] = ("layers", "neurons", "scalars")

MAX_NODES = 20_000
"""A bigger scalar graph is refused in words: the window takes about a second to open 7,000
nodes with their groups and 24 s CPU for 65,000 (the 2-16-16-1 demo over 100 samples), which
by layer is shown in tensor ops instead."""

_ID_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class NetworkDocument:
    doc: GraphDocument
    level: str
    samples: tuple[int, ...]
    """The samples in the graph: one, or every sample of the batch."""
    note: str
    """What is shown, in sentences (the panel's message under the plots)."""
    loss: float
    """The loss as the engine computed it while building (the document's own number)."""

    @property
    def batch(self) -> bool:
        return len(self.samples) > 1


def network_document(
    snapshot: ModelSnapshot,
    X: np.ndarray,
    y: np.ndarray,
    loss: str,
    *,
    level: str = "layers",
    sample: int | None = 0,
    chosen: bool = False,
    tensor: bool = True,
    limit: int | None = MAX_NODES,
) -> NetworkDocument:
    """The network's graph at ``level`` for ``sample`` (None: the whole batch); see the module
    docstring. A single sample is chosen as ``network.network_for_sample`` chooses it (a
    sample past the hinge's margin gives way to one with a loss unless ``chosen``). The whole
    batch by layer is built in tensor ops (``network_tensor``) unless ``tensor`` is False. A
    scalar graph past ``limit`` nodes is refused with a ``ValueError`` saying what to do."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (choose from {', '.join(LEVELS)})")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if not len(X):
        raise ValueError("no samples to show the network for")
    if X.shape[1] != snapshot.nin:
        raise ValueError(f"the samples have {X.shape[1]} inputs; the network takes "
                         f"{snapshot.nin}")
    skipped = ""
    zero = np.zeros(1, dtype=bool)
    if sample is None:
        samples = tuple(range(len(X)))
    else:
        first = i = min(max(int(sample), 0), len(X) - 1)
        zero = N.zero_loss_samples(snapshot, X, y, loss)
        if zero[i] and not chosen and not zero.all():
            later = np.flatnonzero(~zero)
            i = int(later[later > i][0] if (later > i).any() else later[0])
        if i != first:
            skipped = (f" (sample {first}'s loss is exactly 0, so every grad there would be 0: "
                       f"this is the next sample with a loss)")
        samples = (i,)
    if len(samples) > 1 and level == "layers" and tensor:
        return _tensor_batch(snapshot, X, y, loss, samples)
    n_params = snapshot.n_parameters
    size = (N.estimate_nodes(snapshot) - n_params + 10) * len(samples) + n_params
    if limit is not None and size > limit:
        raise ValueError(
            f"{'the whole batch as scalars' if len(samples) > 1 else 'one sample'} would be "
            f"about {size:,} nodes, more than the {limit:,} the canvas handles: "
            + ("show it by layer (in tensor ops), or one sample" if len(samples) > 1
               else "show the whole batch by layer (in tensor ops), or make the network "
                    "smaller"))
    with paused_gc():  # 65,000 Values and as many dicts, no cycle among them
        built = _Builder(snapshot, X, y, loss, samples).build()
        doc = built.document(level)
    n = len(doc)
    what = (f"The whole batch of {len(samples)} samples, {n:,} nodes: one graph per sample, "
            f"sharing the weights, and their {loss} loss" if len(samples) > 1 else
            f"Sample {samples[0]}{skipped}, {n:,} nodes, and its {loss} loss")
    shown = {"layers": "shown by layer: open a layer (double-click) for its neurons, a neuron "
                       "for its weights, products and sums",
             "neurons": "shown by neuron: open a neuron (double-click) for its weights, "
                        "products and sums",
             "scalars": "every scalar shown"}[level]
    note = (f"{what}, after {snapshot.step} steps; {shown} ({N.NAMES}). The L2 term is left "
            f"out.")
    if len(samples) == 1 and zero.all():
        note += (" Now every sample is past the margin: the hinge loss is 0 for all, only the "
                 "L2 term, left out here, still moves the weights.")
    elif built.root.data == 0:
        # a hinge loss of exactly 0 makes every grad 0, which reads like a broken graph
        note += (" This loss is exactly 0 (classified with room to spare), so every grad is "
                 "0: pick a sample the network still gets wrong or barely right to see "
                 "gradients flow.")
    return NetworkDocument(doc, level, samples, note, built.root.data)


def _tensor_batch(snapshot: ModelSnapshot, X: np.ndarray, y: np.ndarray, loss: str,
                  samples: tuple[int, ...]) -> NetworkDocument:
    from playground.graph.evaluate import evaluate

    doc = tensor_batch_document(snapshot, X, y, loss)
    value = evaluate(doc).results["loss"].data
    note = (f"The whole batch of {len(samples)} samples in tensor ops, {len(doc):,} nodes: "
            f"X holds every sample, h1, h2, ... every sample's activations, and loss is their "
            f"{loss} loss, after {snapshot.step} steps; shown by layer: open a layer "
            f"(double-click) for its neurons, a neuron for its column of weights, x @ w, + b "
            f"and its activation. By neuron or every scalar, the batch is one scalar graph per "
            f"sample. The L2 term is left out.")
    return NetworkDocument(doc, "layers", samples, note, float(value))


# --- building ------------------------------------------------------------------------------


class _Builder:
    """The engine graph of the loss, named, with each node's neuron (or input, or loss) noted."""

    def __init__(self, snapshot: ModelSnapshot, X: np.ndarray, y: np.ndarray, loss: str,
                 samples: tuple[int, ...]) -> None:
        self.snapshot = snapshot
        self.X, self.y, self.loss = X, y, loss
        self.samples = samples
        self.batch = len(samples) > 1
        self.regression = np.issubdtype(y.dtype, np.floating)
        self.home: dict[Value, str] = {}  # engine node -> its innermost group
        self.place: dict[Value, tuple[float, float]] = {}
        self.root: Value

    def _tag(self, s: int) -> str:
        return f"[{s}]" if self.batch else ""

    def build(self) -> _Builder:
        snap = self.snapshot
        model = snap.scalar_mlp()
        layers = model.layers
        n_layers = len(layers)
        for k, layer in enumerate(layers, start=1):
            for j, neuron in enumerate(layer.neurons, start=1):
                gid = neuron_group(k, j)
                for i, w in enumerate(neuron.w, start=1):
                    w.label = f"w{k}_{j}_{i}"
                    self.home[w] = gid
                neuron.b.label = f"b{k}_{j}"
                self.home[neuron.b] = gid
        self.x0 = COLUMN * 2  # the first layer's blocks start right of the inputs
        outputs: list[list[Value]] = []
        for row, s in enumerate(self.samples):
            tag = self._tag(s)
            inputs = [Value(float(v), label=f"x{i}{tag}")
                      for i, v in enumerate(self.X[s], start=1)]
            for i, x in enumerate(inputs):
                if self.batch:
                    self.home[x] = INPUTS
                self.place[x] = (0.0, ROW * (row * (len(inputs) + 1) + i))
            for k, layer in enumerate(layers, start=1):
                last = k == n_layers
                outs = []
                for j, neuron in enumerate(layer.neurons, start=1):
                    out = neuron(inputs)
                    if last:
                        out.label = ("out" if len(layer.neurons) == 1 else f"out{j}") + tag
                    else:
                        out.label = f"h{k}_{j}{tag}"
                    N._name_neuron(neuron, inputs, out, f"{k}_{j}")
                    self._claim(neuron, inputs, out, k, j, row, tag)
                    outs.append(out)
                inputs = outs
            outputs.append(inputs)
        self._place_parameters(layers)
        self.outputs = outputs
        self.root = self._loss(outputs)
        return self

    def _claim(self, neuron: Any, inputs: Sequence[Value], out: Value, k: int, j: int,
               row: int, tag: str) -> None:
        """Note the neuron's nodes for this sample (everything between its inputs and its
        output, parameters aside), suffix their names with the sample's and place them."""
        gid = neuron_group(k, j)
        stop = set(inputs)
        nin = len(neuron.w)
        block = self._block(k, nin, len(self.samples))
        top = ROW * ((j - 1) * block + 1 + row * (nin + 1))  # below the weights' rows
        left = self._layer_x(k)
        stack = [out]
        while stack:
            v = stack.pop()
            if v in stop or v in self.home:
                continue
            self.home[v] = gid
            if tag and v.label and not v.label.endswith(tag):
                v.label += tag
            stack.extend(c for c in (v._a, v._b) if c is not None)
        # products in one column, running sums in the next, pre-activation and activation last
        node = out
        if neuron.activation != "linear":
            self.place[out] = (left + 4 * COLUMN, top + ROW * (nin - 1))
            node = out._a
        for i in range(nin, 0, -1):
            self.place[node] = (left + 3 * COLUMN if i == nin else left + 2 * COLUMN,
                                top + ROW * (i - 1))
            partial, product = node._a, node._b
            self.place[product] = (left + COLUMN, top + ROW * (i - 1))
            node = partial

    def _block(self, k: int, nin: int, n_samples: int) -> int:
        """Rows one neuron of layer ``k`` takes: its weights' row, then each sample's."""
        return 2 + n_samples * (nin + 1)

    def _layer_x(self, k: int) -> float:
        return self.x0 + (k - 1) * 6 * COLUMN

    def _place_parameters(self, layers: Sequence[Any]) -> None:
        for k, layer in enumerate(layers, start=1):
            for j, neuron in enumerate(layer.neurons, start=1):
                nin = len(neuron.w)
                top = ROW * (j - 1) * self._block(k, nin, len(self.samples))
                left = self._layer_x(k)
                # the bias on the block's top row, each weight left of its product (the
                # first sample's: in the batch the weights serve every sample's row below)
                self.place[neuron.b] = (left, top)
                for i, w in enumerate(neuron.w, start=1):
                    self.place[w] = (left, top + ROW * i)

    def _loss(self, outputs: list[list[Value]]) -> Value:
        fn = LOSSES[self.loss].fn
        targets = [target(self.loss, self.y[s], self.regression) for s in self.samples]
        if len(outputs[0]) == 1:
            root = fn([o[0] for o in outputs], targets)
        else:
            root = fn(outputs, targets)
        root.label = "loss"
        if self.batch:
            self._name_batch_loss(root, outputs, targets)
        else:
            N._name_loss(root, outputs[0], self.loss, targets[0])
        order = topological_order(root)
        for v in order:
            if not v.label:
                v.label = N._fallback_label(v)
        # the loss's own nodes: by depth from the outputs, one column each
        depth: dict[Value, int] = {}
        rows: dict[int, int] = {}
        right = self._layer_x(len(self.snapshot.weights) + 1)
        for v in order:
            if v in self.home or v in self.place:
                continue
            # the loss itself stays at the top, where Backward starts, and so does a constant
            # feeding it alone (sum's 0, mean's 1/n): as the Loss card's output it would show
            # the constant's number instead of the loss's steps'
            if v is not root and not (v._a is None and v in (root._a, root._b)):
                self.home[v] = LOSS
            kids = [c for c in (v._a, v._b) if c is not None and c in depth]
            d = depth[v] = 1 + max((depth[c] for c in kids), default=0)
            r = rows.get(d, 0)
            rows[d] = r + 1
            self.place[v] = (right + COLUMN * d, ROW * r)
        return root

    def _name_batch_loss(self, root: Value, outputs: list[list[Value]],
                         targets: list[float | int]) -> None:
        """``mean(term(out[s], y[s]) for s)``: each sample's term named as for one sample,
        with the sample's number, the running sums ``sum[s]`` and the total ``sum``."""
        node = root
        if self.loss != "sse":
            a = N._args(root, "mul")
            if a is None:
                return
            node, n = a
            if not n.label:
                n.label = "1/n"
            node.label = "sum"
        for row in range(len(self.samples) - 1, -1, -1):
            a = N._args(node, "add")
            if a is None:
                return
            partial, term = a
            s = self.samples[row]
            pattern = N._term_pattern(self.loss, outputs[row], targets[row])
            if pattern is not None and N._matches(term, pattern):
                inner = _between(term, set(outputs[row]))
                before = {v for v in inner if v.label}
                N._apply(term, pattern)
                for v in inner:
                    if v not in before and v.label and not _is_number(v.label):
                        v.label += f"[{s}]"
            if node is not root and not node.label:
                node.label = f"sum[{s}]"
            node = partial

    # --- the document ------------------------------------------------------------------

    def document(self, level: str) -> GraphDocument:
        order = topological_order(self.root)
        counts: dict[str, int] = {}
        for v in order:
            counts[v.label] = counts.get(v.label, 0) + 1
        ids: dict[Value, str] = {}
        taken: set[str] = set()
        fresh = 0
        nodes: list[tuple[str, dict[str, Any]]] = []
        edges: list[tuple[str, str, int]] = []
        home = {} if level == "scalars" else self.home
        place = self.place
        for v in order:
            label = v.label
            wanted = label.replace("[", "_s").rstrip("]") if label.endswith("]") else label
            if (counts[label] != 1 or wanted in taken or not _ID_OK.match(wanted)
                    or wanted.startswith("g_")):
                fresh += 1
                wanted = f"n{fresh}"
                while wanted in taken or wanted in counts:
                    fresh += 1
                    wanted = f"n{fresh}"
            taken.add(wanted)
            ids[v] = wanted
            op = v.op
            if op is None:
                attrs = {"kind": "value", "op": None, "label": label, "value": float(v.data),
                         "pos": place.get(v, (0.0, 0.0))}
            else:
                attrs = {"kind": "op", "op": op.name, "label": label, "value": None,
                         "pos": place.get(v, (0.0, 0.0))}
                params = v._params
                if params is not None:
                    attrs["params"] = params
                a, b = v._a, v._b
                edges.append((ids[a], wanted, 0))
                if b is not None:
                    edges.append((ids[b], wanted, 1))
            group = home.get(v)
            if group is not None:
                attrs[GROUP_ATTR] = group
            nodes.append((wanted, attrs))
        if level != "scalars":  # the loss sits at the top: right of the Loss card
            right = TOP * (len(self.snapshot.weights) + 1)
            at_top = {ids[c]: (right, ROW * 1.5) for c in (self.root._a, self.root._b)
                      if c is not None and c._a is None}
            at_top[ids[self.root]] = (right + TOP, 0.0)
            for n, attrs in nodes:
                if n in at_top:
                    attrs["pos"] = at_top[n]
        return GraphDocument.assemble(nodes, edges, groups=self._groups(level),
                                      output=ids[self.root])

    def _groups(self, level: str) -> list[dict[str, Any]]:
        if level == "scalars":
            return []
        out: list[dict[str, Any]] = []
        layers = self.snapshot.weights
        by_layer = level == "layers"
        if self.batch:
            out.append({"id": INPUTS, "label": f"Inputs ({len(self.samples)} samples)",
                        "pos": [0.0, 0.0], "parent": None})
        for k, (W, _) in enumerate(layers, start=1):
            x = TOP * k
            if by_layer:
                out.append({"id": layer_group(k), "label": f"Layer {k}", "pos": [x, 0.0],
                            "parent": None})
            # a neuron's card lists its input ports: leave room for them (capped: the batch's
            # cards have one per sample and input)
            gap = ROW * min(max(1.5, 0.25 * (W.shape[0] + 2)), 6.0)
            for j in range(1, W.shape[1] + 1):
                out.append({"id": neuron_group(k, j), "label": f"L{k} neuron {j}",
                            "pos": [x, gap * (j - 1)],
                            "parent": layer_group(k) if by_layer else None})
        out.append({"id": LOSS, "label": "Loss", "pos": [TOP * (len(layers) + 1), 0.0],
                    "parent": None})
        return out


def _between(top: Value, stop: set[Value]) -> list[Value]:
    """``top`` and everything it depends on short of ``stop``."""
    seen: set[Value] = set()
    stack = [top]
    while stack:
        v = stack.pop()
        if v in stop or v in seen:
            continue
        seen.add(v)
        stack.extend(c for c in (v._a, v._b) if c is not None)
    return list(seen)


def _is_number(label: str) -> bool:
    try:
        float(label)
    except ValueError:
        return False
    return True
