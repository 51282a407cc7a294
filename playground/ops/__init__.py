"""The op table and the math namespaces its formulas are written against."""

from playground.ops import tensor_ops  # noqa: F401  (registers the tensor-only ops)
from playground.ops.mathlib import ARRAY, SCALAR
from playground.ops.table import OPS, Op, by_category, get, register

__all__ = ["ARRAY", "OPS", "SCALAR", "Op", "by_category", "get", "register"]
