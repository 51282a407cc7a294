"""The chain rule through one op-table entry, written once.

``contributions(op, inputs, out, grad, m, params)`` is what each input of a node receives from
it in backward: for an element-wise op ``local_i * grad`` (``op.local``), exactly 0 where the
op's ``mask`` blocks the gradient (PyTorch's where(), see ``table.Op.mask``), and on arrays
summed back over the axes numpy broadcast (``sum_to_shape``); for any other op its vector-Jacobian
product ``op.vjp``. ``m`` is the math namespace of the inputs (``mathlib.SCALAR`` for floats,
``ARRAY`` for numpy arrays).

Its callers: the scalar ``Value``'s and the ``Tensor``'s backward for every op they do not
inline (``add``, ``mul`` and ``relu``, most nodes of a network, have tests that they agree with
this bit for bit), and ``graph.evaluate``, which shows what flowed along each wire.
Numeric faults are results (inf/nan): array callers silence numpy's warnings around the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from playground.ops.mathlib import ARRAY, SCALAR
from playground.ops.table import Op
from playground.ops.tensor_ops import sum_to_shape

_ndarray = np.ndarray
_asarray = np.asarray


def contributions(
    op: Op,
    inputs: Sequence[Any],
    out: Any,
    grad: Any,
    m: Any,
    params: dict[str, Any] | None = None,
    needs: tuple[bool, ...] | None = None,
) -> Sequence[Any]:
    """d loss / d input_i for each input of one ``op`` node, given ``grad`` = d loss / d out.

    ``inputs`` and ``out`` are the node's numbers (floats or arrays), ``params`` its keyword
    parameters (vjp ops, and powc's exponent). ``needs`` (one flag per input, default all)
    lets an op skip work for inputs that take no gradient; those get None, as do inputs that are not
    differentiable at all (cross-entropy's class labels).
    """
    local = op.local
    if local is None:
        if needs is None:
            needs = (True,) * len(inputs)
        if params:
            return op.vjp(grad, out, *inputs, needs=needs, **params)  # type: ignore[misc]
        return op.vjp(grad, out, *inputs, needs=needs)  # type: ignore[misc]
    if params:  # an element-wise op with a parameter (powc's exponent)
        local = partial(local, **params)
    if m is SCALAR and op.mask is None and needs is None:  # floats, nothing blocked: most ops
        d = local(m, *inputs, out)
        if len(d) == 1:
            return (d[0] * grad,)
        return tuple([di * grad for di in d])
    local = local(m, *inputs, out)
    array = m is ARRAY
    if op.mask is None:
        blocked = None
    elif params:
        blocked = op.mask(m, *inputs, out, **params)
    else:
        blocked = op.mask(m, *inputs, out)
    result = []
    for i, x in enumerate(inputs):
        if needs is not None and not needs[i]:
            result.append(None)
            continue
        c = local[i] * grad
        if blocked is not None:
            c = m.block(blocked[i], c)
        if array:
            if c.__class__ is not _ndarray:
                c = _asarray(c)
            shape = x.shape
            if c.shape != shape:
                c = sum_to_shape(c, shape)
        result.append(c)
    return tuple(result)
