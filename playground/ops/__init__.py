"""The op table and the math namespaces its formulas are written against."""

# The tensor-only entries register on import: tensor_ops first (loss_ops imports it), so the
# palette lists matmul ... concat before the softmax family and the losses.
from playground.ops import loss_ops, tensor_ops  # noqa: F401
from playground.ops.mathlib import ARRAY, SCALAR
from playground.ops.table import OPS, Op, by_category, get, register

__all__ = ["ARRAY", "OPS", "SCALAR", "Op", "by_category", "get", "register"]
