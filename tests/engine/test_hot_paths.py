"""The Tensor's written-out hot paths (add, mul, relu, the matrix transpose) agree bit for bit
with the op table: forward with the entry's ``forward``, backward with the chain rule written
once (``ops.chain.contributions``). Without them the moons demo written with operators takes
~1.5x as long (measured with benchmarks/tensor_engine.py), so they stay, checked here."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import Tensor
from playground.ops import ARRAY, OPS
from playground.ops.chain import contributions

SPECIAL = np.array([0.0, -0.0, 1.5, -2.25, 1e-300, -7.0, 3e5, 0.1])
SHAPES = [((2, 4), (2, 4)), ((2, 4), (4,)), ((3, 1), (1, 4)), ((), (2, 4))]


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


def _case(shape: tuple[int, ...], dtype: type, seed: int) -> np.ndarray:
    rs = np.random.RandomState(seed)
    x = rs.choice(SPECIAL, size=shape) * rs.uniform(0.5, 2.0, size=shape)
    return np.asarray(x, dtype=dtype)


@pytest.mark.parametrize("name", ["add", "mul"])
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_add_and_mul_agree_with_the_table_bit_for_bit(name, sa, sb, dtype) -> None:
    op = OPS[name]
    a0, b0 = _case(sa, dtype, 1), _case(sb, dtype, 2)
    a, b = Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True)
    out = a + b if name == "add" else a * b
    want = np.asarray(op.forward(ARRAY, a0, b0))
    assert out.data.dtype == want.dtype and _bits(out.data) == _bits(want)
    g = _case(out.shape, dtype, 3)
    out.backward(g)
    da, db = contributions(op, (a0, b0), out.data, g, ARRAY)
    assert _bits(a.grad) == _bits(np.asarray(da, dtype=dtype))
    assert _bits(b.grad) == _bits(np.asarray(db, dtype=dtype))


@pytest.mark.parametrize("name", ["add", "mul"])
def test_reflected_add_and_mul_agree_with_the_table(name) -> None:
    op = OPS[name]
    x0 = _case((3, 2), np.float32, 4)
    x = Tensor(x0, requires_grad=True)
    out = 2.5 + x if name == "add" else 2.5 * x
    const = np.asarray(2.5, dtype=np.float32)  # a number takes the tensor's dtype
    assert _bits(out.data) == _bits(np.asarray(op.forward(ARRAY, const, x0)))
    g = _case((3, 2), np.float32, 5)
    out.backward(g)
    _, dx = contributions(op, (const, x0), out.data, g, ARRAY)
    assert _bits(x.grad) == _bits(dx)


def test_a_tensor_times_itself_gets_both_contributions() -> None:
    x0 = _case((2, 3), np.float64, 6)
    x = Tensor(x0, requires_grad=True)
    out = x * x
    g = _case((2, 3), np.float64, 7)
    out.backward(g)
    da, db = contributions(OPS["mul"], (x0, x0), out.data, g, ARRAY)
    np.testing.assert_array_equal(x.grad, da + db)


def test_relu_forward_is_the_tables() -> None:
    x0 = np.array([0.0, -0.0, 2.0, -3.0, np.inf, -np.inf, np.nan])
    out = Tensor(x0).relu()
    assert _bits(out.data) == _bits(OPS["relu"].forward(ARRAY, x0))


def test_matrix_transpose_is_the_tables() -> None:
    x0 = _case((3, 4), np.float64, 8)
    x = Tensor(x0, requires_grad=True)
    t = x.T
    assert t.op is OPS["transpose"]
    assert _bits(t.data) == _bits(OPS["transpose"].forward(ARRAY, x0))
    g = _case((4, 3), np.float64, 9)
    t.backward(g)
    (want,) = contributions(OPS["transpose"], (x0,), t.data, g, ARRAY, {"axes": None})
    assert _bits(x.grad) == _bits(want)


SCALAR_POINTS = [0.5, -1.25, 2.0, 0.0, 3e5, -7.0]


@pytest.mark.parametrize(
    "name", sorted(n for n, op in OPS.items() if op.scalar and op.local and op.mask is None)
)
def test_values_written_out_chain_rule_agrees_with_the_tables(name) -> None:
    """Value's backward writes out local * grad for unmasked entries (speed); it must give
    exactly what ``contributions`` gives."""
    from playground.engine import Value
    from playground.ops import SCALAR

    op = OPS[name]
    for x in SCALAR_POINTS:
        for y in SCALAR_POINTS[:3]:
            ins = [Value(x), Value(y)][: op.arity]
            out = ins[0]._apply(op, *ins[1:])
            out.backward(1.7)
            want = contributions(op, [v.data for v in ins], out.data, 1.7, SCALAR)
            got = [v.grad for v in ins]  # accumulated into 0.0, as every grad is
            assert [repr(g) for g in got] == [repr(0.0 + float(w)) for w in want], (x, y)


@pytest.mark.parametrize("exponent", [2, 3, -1, 0.5, 0, 2.0, -2.5, 1, float("inf")])
def test_powc_written_out_backward_agrees_with_the_table_bit_for_bit(exponent) -> None:
    """x**n's backward is written out in Value.backward (it was 3x slower through
    ``contributions``); same bits as the table's, 0 for n = 0 (its mask) even at x = 0."""
    from playground.engine import Value
    from playground.ops import SCALAR

    for x in [*SCALAR_POINTS, float("inf"), float("nan")]:
        v = Value(x)
        out = v**exponent
        assert out.op is OPS["powc"]
        out.backward(1.7)
        (want,) = contributions(OPS["powc"], (x,), out.data, 1.7, SCALAR, {"exponent": exponent})
        assert repr(v.grad) == repr(0.0 + float(want)), (exponent, x)
        assert repr(out.data) == repr(OPS["powc"].forward(SCALAR, x, float(exponent)))
        v.grad = 0.0
        out._backward()  # micrograd-style: the one node's step, through the table
        assert repr(v.grad) == repr(0.0 + float(want)), (exponent, x)


@pytest.mark.parametrize("shapes", [((2, 4), (2, 4)), ((2, 4), (4,)), ((), (3, 1)), ((3, 2), ())])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sub_and_mean_written_out_backward_agree_with_the_table_bit_for_bit(shapes, dtype) -> None:
    """``a - b`` and the full ``mean`` have their vjps written out in the backward walk (the
    hinge loss's ``(1 - y*s).relu().mean()``); same bits as ``contributions``, nan, inf and
    -0.0 included, through broadcasting, for both dtypes."""
    sa, sb = shapes
    a0, b0 = _case(sa, dtype, 11), _case(sb, dtype, 12)
    a, b = Tensor(a0, requires_grad=True), Tensor(b0, requires_grad=True)
    d = a - b
    out = d.mean()
    assert out.op is OPS["mean"] and d.op is OPS["sub"]
    g = np.asarray(_case((), dtype, 13) or np.nan, dtype=dtype)  # nan when the case is 0
    out.backward(g)
    (want_d,) = contributions(OPS["mean"], (d.data,), out.data, g, ARRAY,
                              {"axis": None, "keepdims": False})
    assert _bits(d.grad) == _bits(np.asarray(want_d)) and d.grad.dtype == want_d.dtype
    da, db = contributions(OPS["sub"], (a0, b0), d.data, want_d, ARRAY)
    assert _bits(a.grad) == _bits(np.asarray(da, dtype=dtype))
    assert _bits(b.grad) == _bits(np.asarray(db, dtype=dtype))


def test_first_gradients_are_stored_as_new_arrays_later_ones_added() -> None:
    """The backward walk stores a node's first gradient without accumulate's call (a new
    array of its shape): each leaf's grad is its own array, shared with no other gradient,
    and a second backward adds to it, as ``accumulate`` does."""
    W0, V0 = _case((3, 3), np.float64, 14), _case((3, 1), np.float64, 16)
    W, V = Tensor(W0, requires_grad=True), Tensor(V0, requires_grad=True)
    x = Tensor(_case((2, 3), np.float64, 15))
    h = (x @ W).relu()
    s = h @ V
    loss = (s * s).sum() + (W * W).sum() * 0.5
    loss.backward()
    nodes = [W, V, h, s]
    for i, a in enumerate(nodes):
        assert a.grad.shape == a.data.shape
        for b in nodes[i + 1:]:
            assert not np.shares_memory(a.grad, b.grad)
    first = {id(t): t.grad.copy() for t in (W, V)}
    grad_v = V.grad
    loss.backward()
    assert V.grad is grad_v  # a leaf's own array, updated in place
    assert _bits(V.grad) == _bits(first[id(V)] + first[id(V)])  # one contribution each pass
