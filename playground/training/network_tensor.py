"""The whole batch's network in tensor ops: what "by layer" shows for the batch.

The scalar graph of the whole batch (``network_levels``) has a node per number: 65,000 for
micrograd's 2-16-16-1 moons demo over 100 samples. Grouped by layer, its cards would carry a
port per sample and input (Layer 2: 1,600 in, 1,600 out), and opening it costs seconds. In
tensor ops the same network is a few hundred nodes, each layer one card with one input (the
batch's ``X``, 100×2, or the layer before's activations ``h1``, 100×16) and one output:

- ``X`` (samples × inputs) and, per layer ``k``, ``W{k}`` (inputs × neurons) and ``b{k}``;
- a group per neuron ("Lk neuron j"): its column of weights ``w{k}_{j} = W{k}[:, j-1:j]`` and
  its bias ``b{k}_{j} = b{k}[j-1:j]`` (getitem), ``x @ w`` (matmul), ``+ b`` (add) and its
  activation ``h{k}_{j}``: one column, a value per sample;
- a group per layer ("Layer k") holding ``W{k}``, ``b{k}``, its neuron groups and the concats
  joining their columns into ``h{k}``;
- the loss as the tensor backend computes it (``hinge`` for svm, ``(out - y)²`` summed or
  averaged, the stable bce, ``cross_entropy``), ``loss`` at the top; a loss of several steps
  has them in a "Loss" card, a fused one has its targets ``y`` beside it.

Opening a layer shows its neuron cards; a neuron's inside is its five tensor nodes. Exactness:
every number is the tensor engine's, so it equals the tensor backend's training to the last
bit except where a matrix product adds in another order: ``h @ w`` per column here rounds
differently from the scalar graph's running sums ``b + w1*x1 + w2*x2 + ...`` (about 1e-16
relative; the tests bound it at 1e-12). User groups are untouched by this: they stay an
overlay, exact by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.graph.document import GraphDocument
from playground.graph.groups import GROUP_ATTR
from playground.training.network_parts import (
    COLUMN,
    LOSS,
    ROW,
    TOP,
    layer_group,
    neuron_group,
    target,
)
from playground.training.snapshot import ModelSnapshot

__all__ = ["TENSOR_LOSSES", "tensor_batch_document"]

TENSOR_LOSSES = ("svm", "mse", "sse", "bce", "cross_entropy")


class _Parts:
    def __init__(self) -> None:
        self.nodes: list[tuple[str, dict[str, Any]]] = []
        self.edges: list[tuple[str, str, int]] = []

    def value(self, nid: str, value: Any, pos: tuple[float, float],
              group: str | None = None) -> str:
        attrs: dict[str, Any] = {"kind": "value", "op": None, "label": nid,
                                 "value": _plain(value), "pos": pos}
        if group is not None:
            attrs[GROUP_ATTR] = group
        self.nodes.append((nid, attrs))
        return nid

    def op(self, nid: str, op: str, inputs: tuple[str, ...], pos: tuple[float, float],
           group: str | None = None, label: str | None = None,
           params: dict[str, Any] | None = None) -> str:
        attrs: dict[str, Any] = {"kind": "op", "op": op, "label": nid if label is None else label,
                                 "value": None, "pos": pos}
        if params:
            attrs["params"] = params
        if group is not None:
            attrs[GROUP_ATTR] = group
        self.nodes.append((nid, attrs))
        self.edges.extend((s, nid, slot) for slot, s in enumerate(inputs))
        return nid


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.astype(float).tolist()
    return float(value)


def tensor_batch_document(snapshot: ModelSnapshot, X: np.ndarray, y: np.ndarray,
                          loss: str) -> GraphDocument:
    """The batch's graph in tensor ops, grouped by layer and neuron (see the module)."""
    if loss not in TENSOR_LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    X = np.asarray(X, dtype=float)
    p = _Parts()
    groups: list[dict[str, Any]] = []
    h = p.value("X", X, (0.0, 0.0))
    n_layers = len(snapshot.weights)
    for k, (W, b) in enumerate(snapshot.weights, start=1):
        last = k == n_layers
        act = snapshot.output_activation if last else snapshot.activation
        lg = layer_group(k)
        left = COLUMN * (1 + (k - 1) * 8)
        groups.append({"id": lg, "label": f"Layer {k}", "pos": [TOP * k, 0.0], "parent": None})
        Wk = p.value(f"W{k}", W, (left, 0.0), lg)
        bk = p.value(f"b{k}", b, (left, ROW), lg)
        columns = []
        for j in range(1, W.shape[1] + 1):
            ng = neuron_group(k, j)
            top = ROW * 2 * (j - 1)
            groups.append({"id": ng, "label": f"L{k} neuron {j}",
                           "pos": [left + COLUMN * 2, top], "parent": lg})
            cut = {"index": f":, {j - 1}:{j}"}
            w = p.op(f"w{k}_{j}", "getitem", (Wk,), (left + COLUMN, top), ng, params=cut)
            bj = p.op(f"b{k}_{j}", "getitem", (bk,), (left + COLUMN, top + ROW), ng,
                      params={"index": f"{j - 1}:{j}"})
            xw = p.op(f"xw{k}_{j}", "matmul", (h, w), (left + 2 * COLUMN, top), ng)
            name = ("out" if W.shape[1] == 1 else f"out{j}") if last else f"h{k}_{j}"
            linear = act == "linear"  # then the sum is the neuron's output, named as one
            z = p.op(name if linear else f"z{k}_{j}", "add", (xw, bj),
                     (left + 3 * COLUMN, top), ng)
            col = z if linear else p.op(name, act, (z,), (left + 4 * COLUMN, top), ng)
            columns.append(col)
        joined = columns[0]
        for j, col in enumerate(columns[1:], start=2):  # concat takes two: a chain
            nid = f"h{k}" if j == len(columns) else f"h{k}_1to{j}"
            if last and j == len(columns):
                nid = "out"
            joined = p.op(nid, "concat", (joined, col), (left + 5 * COLUMN, ROW * (j - 2)),
                          lg, params={"axis": 1})
        h = joined
    right = COLUMN * (1 + n_layers * 8)
    if loss in ("mse", "sse", "bce"):  # a loss of several steps: a card for them
        groups.append({"id": LOSS, "label": "Loss", "pos": [TOP * (n_layers + 1), 0.0],
                       "parent": None})
    root = _loss(p, h, y, loss, right, snapshot.outputs(X))
    # at the top: the loss right of the layers (and of the Loss card or the targets)
    top = {"loss": (TOP * (n_layers + 2), 0.0), "y": (TOP * (n_layers + 1), 0.0)}
    for nid, attrs in p.nodes:
        if nid in top and GROUP_ATTR not in attrs:
            attrs["pos"] = top[nid]
    return GraphDocument.assemble(p.nodes, p.edges, groups=groups, output=root)


def _loss(p: _Parts, out: str, y: np.ndarray, loss: str, left: float,
          outputs: np.ndarray) -> str:
    """The loss as ``engine.losses`` computes it on tensors; ``loss`` itself at the top."""
    at = [0]

    def pos() -> tuple[float, float]:
        at[0] += 1
        return (left + COLUMN * at[0], 0.0)

    y = np.asarray(y)
    regression = np.issubdtype(y.dtype, np.floating)
    # the targets as the scalar graph takes them (±1 for svm, 0/1 for bce, ...)
    targets = np.array([target(loss, v, regression) for v in y], dtype=float)
    # one fused node (hinge, cross_entropy): the targets beside it, no card for one node
    if loss == "cross_entropy":
        t = p.value("y", targets, (left, ROW))
        return p.op("loss", "cross_entropy", (out, t), pos())
    if loss == "svm":
        t = p.value("y", targets.reshape(-1, 1), (left, ROW))
        return p.op("loss", "hinge", (out, t), pos())
    if loss in ("mse", "sse"):
        t = p.value("y", targets.reshape(-1, 1), (left, ROW), LOSS)
        d = p.op("out-y", "sub", (out, t), pos(), LOSS)
        sq = p.op("(out-y)²", "mul", (d, d), pos(), LOSS)
        return p.op("loss", "sum" if loss == "sse" else "mean", (sq,), pos())
    # bce: mean(z*p + log(1 + exp(z*(1 - 2p))) - z*y), p = [z >= 0] read off the data
    t = p.value("y", targets.reshape(-1, 1), (left, ROW), LOSS)
    z = outputs.reshape(-1, 1)
    pv = (z >= 0).astype(float)
    pn = p.value("[out≥0]", pv, (left, 2 * ROW), LOSS)
    sn = p.value("-sgn(out)", 1.0 - 2.0 * pv, (left, 3 * ROW), LOSS)
    one = p.value("1", 1.0, (left, 4 * ROW), LOSS)
    relu = p.op("max(out,0)", "mul", (out, pn), pos(), LOSS)
    e = p.op("e^-|out|", "exp", (p.op("-|out|", "mul", (out, sn), pos(), LOSS),), pos(), LOSS)
    log = p.op("log(1+e^-|out|)", "log", (p.op("1+e^-|out|", "add", (one, e), pos(), LOSS),),
               pos(), LOSS)
    soft = p.op("softplus", "add", (relu, log), pos(), LOSS)
    d = p.op("bce", "sub", (soft, p.op("y·out", "mul", (out, t), pos(), LOSS)), pos(), LOSS)
    return p.op("loss", "mean", (d,), pos())
