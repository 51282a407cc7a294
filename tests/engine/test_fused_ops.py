"""The fused tensor ops (``linear``, ``sumsq``, ``hinge``) and the engine's inlined paths.

Each fused op replaces a chain of table ops with one node and must give the chain's numbers:
bit for bit where the maths is done in the same order (linear, hinge, the relu backward),
to rounding where the summation order differs (sumsq's dot products). Plus finite differences
and PyTorch, as for every op.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import losses
from playground.engine.tensor import Tensor, hinge, linear, sumsq
from playground.ops import ARRAY, OPS
from playground.ops.table import RELU
from tests.engine.floats import bits
from tests.engine.tensor_helpers import check, rand


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _grads(build, leaves, upstream=None):
    for leaf in leaves:
        leaf.grad = None
    out = build()
    out.backward(upstream)
    return out.data.copy(), [leaf.grad.copy() for leaf in leaves]


def _copies(*arrays, dtype=np.float64):
    return [Tensor(np.array(a, dtype=dtype), requires_grad=True) for a in arrays]


def test_fused_ops_are_in_the_table_as_tensor_ops() -> None:
    for name, arity in (("linear", 3), ("sumsq", 1), ("hinge", 2)):
        op = OPS[name]
        assert op.arity == arity and not op.scalar and not op.elementwise
        assert op.category == "Tensor"
        assert len(op.local_text) == arity


# --- linear ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("sx", "sw", "sb"), [((5, 3), (3, 4), (4,)), ((5, 3), (3, 4), (1, 4)),
                                             ((5, 3), (3, 4), (5, 4)), ((3,), (3, 4), (4,))],
                         ids=str)
def test_linear_is_matmul_plus_bias_bit_for_bit(dtype, sx, sw, sb) -> None:
    rng = np.random.default_rng(1)
    x0, w0, b0 = (rng.normal(size=s) for s in (sx, sw, sb))
    up = rng.normal(size=np.broadcast_shapes(sx[:-1] + sw[-1:], sb))
    fused = _copies(x0, w0, b0, dtype=dtype)
    chain = _copies(x0, w0, b0, dtype=dtype)
    out_f, g_f = _grads(lambda: linear(*fused), fused, up.astype(dtype))
    out_c, g_c = _grads(lambda: chain[0] @ chain[1] + chain[2], chain, up.astype(dtype))
    assert _same_bits(out_f, out_c)
    for a, b in zip(g_f, g_c, strict=True):
        assert _same_bits(a, b)


def test_linear_finite_differences_and_constant_input() -> None:
    x, w, b = rand(4, 3, seed=1), rand(3, 2, seed=2), rand(2, seed=3)
    check(lambda: linear(x, w, b), [x, w, b])
    data = np.random.default_rng(4).normal(size=(4, 3))
    check(lambda: linear(data, w, b), [w, b])  # an array input is a constant
    out = linear(data, w, b)
    out.backward(np.ones((4, 2)))
    assert out._inputs[0].grad is None


def test_linear_refuses_a_bias_that_stretches_the_product() -> None:
    x, w = rand(4, 3, seed=1), rand(3, 2, seed=2)
    with pytest.raises(ValueError, match="bias"):
        linear(x, w, rand(3, 4, 2, seed=3))


# --- sumsq -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sumsq_equals_the_chain_of_squares(dtype) -> None:
    rng = np.random.default_rng(2)
    shapes = [(2, 16), (16,), (16, 16), (16,), (16, 1), (1,)]
    arrays = [rng.normal(size=s) for s in shapes]
    fused, chain = _copies(*arrays, dtype=dtype), _copies(*arrays, dtype=dtype)
    out_f, g_f = _grads(lambda: sumsq(*fused) * 1e-4, fused)

    def chain_l2():
        total = None
        for p in chain:
            s = (p * p).sum()
            total = s if total is None else total + s
        return total * 1e-4

    out_c, g_c = _grads(chain_l2, chain)
    assert out_f.dtype == dtype
    # a dot product per array instead of an elementwise square and a sum: rounding differs
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(out_f, out_c, rtol=rtol)
    for a, b in zip(g_f, g_c, strict=True):
        assert _same_bits(a, b)  # 2·x·g either way: exact


def test_sumsq_finite_differences_one_or_many_inputs() -> None:
    a, b, c = rand(3, 2, seed=5), rand(4, seed=6), rand(seed=7)
    check(lambda: sumsq(a), [a])
    check(lambda: sumsq(a, b, c), [a, b, c])
    check(lambda: sumsq([a, b]), [a, b])  # a list works too
    check(lambda: a.apply("sumsq", b), [a, b])  # any number of inputs through apply


def test_sumsq_with_a_constant_and_a_repeated_input() -> None:
    a = rand(3, seed=8)
    out = sumsq(a, np.ones(3), a)
    out.backward()
    np.testing.assert_array_equal(a.grad, 4 * a.data)
    assert out.item() == pytest.approx(2 * float(a.data @ a.data) + 3)


# --- hinge -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("ss", "st"), [((7, 1), (7, 1)), ((7,), (7,)), ((3, 4), (4,)),
                                        ((3, 4), ())], ids=str)
def test_hinge_is_the_svm_chain_bit_for_bit(dtype, ss, st) -> None:
    rng = np.random.default_rng(3)
    s0 = rng.normal(size=ss) * 2
    s0.reshape(-1)[0] = 1.0  # a margin of exactly 0: the kink (relu's step is 0 there)
    t0 = np.sign(rng.normal(size=st))
    t0.reshape(-1)[0] = 1.0
    scores_f, targets_f = _copies(s0, t0, dtype=dtype)
    scores_c, targets_c = _copies(s0, t0, dtype=dtype)
    out_f, g_f = _grads(lambda: hinge(scores_f, targets_f), [scores_f, targets_f], 0.7)
    out_c, g_c = _grads(lambda: (1.0 - targets_c * scores_c).relu().mean(),
                        [scores_c, targets_c], 0.7)
    assert _same_bits(out_f, out_c)
    for a, b in zip(g_f, g_c, strict=True):
        assert _same_bits(a, b)


def test_hinge_finite_differences_and_constant_targets() -> None:
    s = rand(6, 1, seed=9, low=-3, high=3)
    t = Tensor(np.array([[1.0], [-1.0], [1.0], [1.0], [-1.0], [-1.0]]), requires_grad=True)
    check(lambda: hinge(s, t), [s, t])
    check(lambda: hinge(s, t.data), [s])


def test_hinge_refuses_targets_that_would_stretch_the_scores() -> None:
    with pytest.raises(ValueError, match="shape"):
        hinge(rand(5, 1, seed=1), np.ones(5))  # (5,) against (5, 1) would be a 5 x 5 table
    with pytest.raises(ValueError, match="shape"):
        hinge(rand(3, seed=1), np.ones((2, 3)))


def test_losses_use_the_fused_ops_and_keep_the_chain_numbers() -> None:
    rng = np.random.default_rng(4)
    scores = Tensor(rng.normal(size=(9, 1)), requires_grad=True)
    y = np.sign(rng.normal(size=9))
    loss = losses.svm(scores, y)
    assert loss.op is OPS["hinge"]
    ref = np.maximum(1.0 - y * scores.data[:, 0], 0).mean()
    assert loss.item() == ref
    params = [Tensor(rng.normal(size=s), requires_grad=True) for s in [(2, 3), (3,)]]
    reg = losses.l2(params, 1e-3)
    assert reg.op is OPS["mul"] and reg._inputs[0].op is OPS["sumsq"]
    with pytest.raises(ValueError):
        losses.svm(Tensor(rng.normal(size=(9, 2))), y)


# --- against PyTorch -------------------------------------------------------------------------


def test_fused_ops_match_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x0, w0, b0 = rng.normal(size=(6, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    s0, t0 = rng.normal(size=(6, 1)) * 2, np.sign(rng.normal(size=(6, 1)))
    ours = [Tensor(a.copy(), requires_grad=True) for a in (x0, w0, b0, s0, t0)]
    ref = [torch.tensor(a.copy(), requires_grad=True) for a in (x0, w0, b0, s0, t0)]

    def build(x, w, b, s, t, lib):
        if lib == "ours":
            h = linear(x, w, b).relu()
            return hinge(h.sum(axis=1, keepdims=True) * s, t) + 1e-2 * sumsq(w, b)
        h = torch.relu(torch.nn.functional.linear(x, w.T, b))
        return torch.relu(1 - t * (h.sum(dim=1, keepdim=True) * s)).mean() + 1e-2 * (
            (w**2).sum() + (b**2).sum()
        )

    out, tout = build(*ours, "ours"), build(*ref, "torch")
    np.testing.assert_allclose(out.item(), tout.item(), rtol=1e-12)
    out.backward()
    tout.backward()
    for k, (a, b) in enumerate(zip(ours, ref, strict=True)):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"input {k}")


# --- the engine's inlined relu backward ------------------------------------------------------


SPECIAL = np.array([0.0, -0.0, 1.5, -1.5, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e308])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_inlined_relu_backward_agrees_with_the_table(dtype) -> None:
    with np.errstate(all="ignore"):  # 1e308 is inf in float32; 0 * inf is nan
        _relu_cases(dtype)


def _relu_cases(dtype) -> None:
    x0 = SPECIAL.astype(dtype)
    for upstream in (np.ones_like(x0), np.full_like(x0, np.inf), SPECIAL[::-1].astype(dtype)):
        x = Tensor(x0.copy(), requires_grad=True)
        out = x.relu()
        assert _same_bits(out.data, RELU.forward(ARRAY, x0))
        out.backward(upstream)
        # the table's local derivative, blocked by its mask as torch's where() blocks it:
        # nothing passes the dead side, not even inf (the sign of a zero is not compared)
        blocked = RELU.mask(ARRAY, x0, out.data)[0]
        expected = np.where(blocked, 0.0, RELU.local(ARRAY, x0, out.data)[0] * upstream)
        assert _same_bits(x.grad + 0.0, expected.astype(dtype) + 0.0), (x.grad, expected)
        x2 = Tensor(x0.copy(), requires_grad=True)
        out2 = x2.apply("relu")
        out2.backward(upstream)
        assert _same_bits(x2.grad, x.grad)


def test_relu_backward_through_an_interior_node_and_twice() -> None:
    x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    h = x * 3.0
    out = (h.relu() + h.relu()).sum()
    out.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 6.0])
    assert bits(float(h.grad[2])) == bits(2.0)
