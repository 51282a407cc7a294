"""The shapes the memory budget estimates (``limits.result_shape``: numpy broadcasting for the
element-wise ops, the op table's ``shape`` rule for matmul, linear and getitem) against the
shapes the tensor engine really makes, on small arrays of ones.

Where the inputs do not fit, the rule must refuse them as the engine does (``None``: the op
then says why, computing nothing large), never guess a shape. An op with no rule is estimated
at its inputs' total, so each must give at most that many numbers: every such op of the table
is checked, and a new one fails here until it gets examples (or a rule).
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest

from playground.engine.tensor import Tensor
from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.limits import elements, result_shape
from playground.ops import OPS

Shape = tuple[int, ...]


def engine_shape(op_name: str, shapes: list[Shape], params: dict[str, Any] | None = None,
                 inputs: list[Any] | None = None) -> Shape | None:
    """The shape the tensor engine gives (None: it refuses the inputs)."""
    op = OPS[op_name]
    arrays = inputs if inputs is not None else [np.full(s, 0.5) for s in shapes]
    args = [Tensor(a) for a in arrays]
    with np.errstate(all="ignore"):
        try:
            out = args[0].apply(op, *args[1:], **(params or {}))
        except (ValueError, IndexError, TypeError):
            return None
    return out.data.shape


def estimated(op_name: str, shapes: list[Shape], params: dict[str, Any] | None = None):
    return result_shape(OPS[op_name], shapes, params)


ELEMENTWISE = sorted(name for name, op in OPS.items() if op.elementwise)
ONE = [(), (1,), (3,), (2, 3), (0, 4), (2, 1, 3), (2, 3, 4, 1, 2)]
TWO = [
    ((), ()), ((), (3,)), ((3,), ()), ((3,), (3,)), ((1,), (4,)), ((2, 3), (3,)),
    ((2, 1), (1, 3)), ((4, 1), (3,)), ((2, 1, 3), (4, 1)), ((5, 1, 1), (1, 6, 7)),
    ((0, 3), (1, 3)), ((0, 1), (1, 5)), ((1, 1, 1, 1, 2), (3, 1)),
    # do not fit:
    ((2,), (3,)), ((2, 3), (3, 2)), ((4, 3), (2, 3)), ((2, 3, 4), (3, 3)), ((0, 3), (2, 3)),
]


@pytest.mark.parametrize("op_name", ELEMENTWISE)
def test_element_wise_ops_estimate_the_engines_broadcast_shape(op_name: str) -> None:
    op = OPS[op_name]
    cases = [[s] for s in ONE] if op.arity == 1 else [list(pair) for pair in TWO]
    refused = 0
    for shapes in cases:
        real = engine_shape(op_name, shapes)
        assert estimated(op_name, shapes) == real, (op_name, shapes)
        refused += real is None
    assert refused == (0 if op.arity == 1 else 5)  # the five pairs that do not fit


MATMUL = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((1, 3), (3, 1)),
    ((10, 1), (1, 10)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
    ((5, 2, 3), (3,)), ((3,), (6, 3, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 2)),
    # do not fit:
    ((3,), (4,)), ((2, 3), (2, 3)), ((5, 2, 3), (4, 3, 2)), ((), (3,)), ((3, 3), ()),
    ((2, 3), (4,)), ((4,), (3, 2)),
]


@pytest.mark.parametrize(("a", "b"), MATMUL)
def test_matmul_rule_gives_numpys_shape_or_refuses_as_it_does(a: Shape, b: Shape) -> None:
    real = engine_shape("matmul", [a, b])
    assert estimated("matmul", [a, b]) == real
    assert real == (None if real is None else np.matmul(np.ones(a), np.ones(b)).shape)


LINEAR = [
    ((4, 3), (3, 2), (2,)), ((4, 3), (3, 2), (1, 2)), ((4, 3), (3, 2), (4, 2)),
    ((4, 3), (3, 2), (4, 1)), ((4, 3), (3, 2), ()), ((1, 3), (3, 5), (5,)),
    ((6, 4, 3), (3, 2), (2,)), ((3,), (3, 2), (2,)), ((7, 1), (1, 7), (7,)),
    # do not fit:
    ((4, 3), (3, 2), (3,)), ((4, 3), (3, 2), (5, 2)), ((4, 3), (2, 2), (2,)),
    ((4, 3), (3, 2), (6, 4, 2)), ((4, 3), (3, 2), (6, 1, 1)), ((3,), (3,), (1,)),
]


@pytest.mark.parametrize(("x", "w", "b"), LINEAR)
def test_linear_rule_gives_the_engines_shape_or_refuses_as_it_does(x: Shape, w: Shape,
                                                                     b: Shape) -> None:
    assert estimated("linear", [x, w, b]) == engine_shape("linear", [x, w, b])


def test_a_bias_that_would_widen_linear_is_refused_before_anything_is_made() -> None:
    """A (40, 1, 1) bias against a 500×500 product: x @ W + b would be 40×500×500 (80 MB)
    before its shape was found wrong; a 25 KB file made 1.3 GB that way (2000×2000)."""
    x, w, b = np.ones((500, 1)), np.ones((1, 500)), np.full((40, 1, 1), 0.5)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"bias of shape \(40, 1, 1\) does not fit x @ W of "
                                             r"shape \(500, 500\)"):
            OPS["linear"].forward(None, x, w, b)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000, peak  # not even the 2 MB product


def test_a_misfit_bias_on_a_product_over_the_budget_computes_nothing() -> None:
    """The rule refuses the bias, so the budget has no shape to check: the forward must then
    refuse before the 10000×10000 product (763 MiB), as the node's error says."""
    doc = GraphDocument()
    x = doc.add_node("value", label="x", value=np.ones((10_000, 1)))
    w = doc.add_node("value", label="W", value=np.ones((1, 10_000)))
    b = doc.add_node("value", label="b", value=np.ones((3,)))
    lin = doc.add_node("op", op="linear")
    for slot, source in enumerate((x, w, b)):
        doc.connect(source, lin, slot)
    tracemalloc.start()
    try:
        ev = evaluate(doc, backward=True)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ev.results[lin].error == ("linear: a bias of shape (3,) does not fit x @ W of shape "
                                    "(10000, 10000)")
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MiB"


GETITEM = [
    ((5,), 2), ((5,), -1), ((5,), slice(1, 4)), ((5,), slice(None, None, -2)),
    ((4, 5), (slice(None), 0)), ((4, 5), (Ellipsis, None)), ((4, 5), (None, 1)),
    ((4, 5), (np.array([0, 0, 3]),)), ((4, 5), (np.array([0, 3]), np.array([1, 4]))),
    ((4, 5), (slice(None), np.array([[0, 1], [2, 2]]))),
    ((2, 4, 5), (np.array([0, 1]), slice(None), np.array([1, 4]))),  # split: block goes first
    ((2, 4, 5), (0, np.array([1, 2, 3]))), ((2, 4, 5), (Ellipsis, np.array([4]))),
    ((2, 4, 5), (slice(None), np.array([[1], [2]]), np.array([0, 1, 2]))),
    ((3, 4), (np.array([2, 0]), None, slice(1, 3))),
    # do not fit:
    ((5,), 5), ((5,), (0, 0)), ((4, 5), (slice(None), slice(None), 0)), ((4, 5), (7,)),
    ((4, 5), (np.array([0, 1]), np.array([0, 1, 2]))),
]


@pytest.mark.parametrize(("x", "index"), GETITEM)
def test_getitem_rule_gives_numpys_shape_or_refuses_as_it_does(x: Shape, index: Any) -> None:
    real = engine_shape("getitem", [x], {"index": index})
    assert estimated("getitem", [x], {"index": index}) == real
    if real is not None:
        assert real == np.ones(x)[index].shape


def test_getitem_with_an_index_array_out_of_range_is_estimated_at_what_it_would_pick() -> None:
    """The rule does not read the index arrays' numbers (they could be a million): for one
    past the end it gives the shape picked, an upper bound, and the engine refuses it."""
    index = (np.array([0, 9]),)
    assert engine_shape("getitem", [(4, 5)], {"index": index}) is None
    assert estimated("getitem", [(4, 5)], {"index": index}) == (2, 5)


# An op with no rule is estimated at its inputs' total: each example's result must fit that.
NO_RULE: dict[str, list[tuple[list[Any], dict[str, Any]]]] = {
    "sum": [([np.ones((4, 5))], {}), ([np.ones((4, 5))], {"axis": 1, "keepdims": True}),
            ([np.ones((2, 3, 4))], {"axis": (0, 2)})],
    "mean": [([np.ones((4, 5))], {"axis": 0}), ([np.ones(7)], {})],
    "max": [([np.ones((4, 5))], {"axis": -1}), ([np.ones((2, 3))], {"keepdims": True})],
    "reshape": [([np.ones((4, 5))], {"shape": (20,)}), ([np.ones((4, 5))], {"shape": (2, -1)})],
    "transpose": [([np.ones((4, 5))], {}), ([np.ones((2, 3, 4))], {"axes": (1, 2, 0)})],
    "concat": [([np.ones((4, 5)), np.ones((2, 5))], {}),
               ([np.ones((4, 5)), np.ones((4, 1))], {"axis": 1})],
    "log_softmax": [([np.ones((4, 10))], {}), ([np.ones((4, 10))], {"axis": 0})],
    "cross_entropy": [([np.ones((4, 3)), np.array([0.0, 2.0, 1.0, 1.0])], {}),
                      ([np.ones((4, 3)), np.full((4, 3), 1 / 3)], {"reduction": "sum"}),
                      ([np.ones((4, 3)), np.array([0.0, 2.0, 1.0, 1.0])],
                       {"reduction": "none"})],
    "sumsq": [([np.ones((4, 5))], {})],
    "hinge": [([np.ones((6, 1)), np.ones((6, 1))], {}), ([np.ones(6), -np.ones(6)], {})],
}


def test_every_op_without_a_rule_has_examples_here() -> None:
    without = {name for name, op in OPS.items() if op.shape is None and not op.elementwise}
    assert without == set(NO_RULE), "give the new op a shape rule, or examples in NO_RULE"


@pytest.mark.parametrize("op_name", sorted(NO_RULE))
def test_ops_without_a_rule_give_at_most_their_inputs_numbers(op_name: str) -> None:
    for inputs, params in NO_RULE[op_name]:
        shapes = [a.shape for a in inputs]
        assert estimated(op_name, shapes, params) is None  # estimated at the inputs' total
        real = engine_shape(op_name, shapes, params, inputs)
        assert real is not None, (op_name, shapes, params)  # the examples are valid inputs
        assert elements(real) <= sum(elements(s) for s in shapes), (op_name, shapes, real)
