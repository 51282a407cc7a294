"""What the network's two graph builders share: the arithmetic layout's steps, the groups' ids,
the targets as the scalar graph takes them (``network_levels``: the scalar graph by level;
``network_tensor``: the whole batch in tensor ops)."""

from __future__ import annotations

from typing import Any

from playground.training import network as N

COLUMN = 180.0
"""One column of the arithmetic layout (the general layout's ``COLUMN_GAP``)."""
ROW = 100.0
TOP = 2 * COLUMN
"""Between the cards of the top level (a layer's or a neuron's column, the loss's)."""

INPUTS, LOSS = "g_inputs", "g_loss"
"""Ids of the group holding the batch's inputs, and of the loss's group."""


def layer_group(k: int) -> str:
    """The id of layer ``k``'s group (counting from 1, as the names do)."""
    return f"g_layer{k}"


def neuron_group(k: int, j: int) -> str:
    return f"g_l{k}_n{j}"


def target(loss: str, label: Any, regression: bool) -> float | int:
    """A sample's target as the loss takes it (±1 for svm, 0/1 for bce, a class, a number)."""
    return N._target(loss, float(label) if regression else int(label))
