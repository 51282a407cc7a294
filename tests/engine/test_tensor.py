"""Tensor semantics: construction, dtypes, autograd bookkeeping, faults, and Value agreement."""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

from playground.engine import Tensor, Value, no_grad
from playground.engine.tensor import (
    concat,
    cross_entropy,
    is_grad_enabled,
    log_softmax,
    ones,
    softmax,
    stack,
    tensor,
    zeros,
)
from playground.ops import OPS

# --- construction ---------------------------------------------------------------------------


def test_construction_and_default_dtype() -> None:
    assert Tensor(2).dtype == np.float64
    assert Tensor(2.5).shape == ()
    assert Tensor([1, 2, 3]).dtype == np.float64
    assert Tensor([[1.0, 2.0], [3.0, 4.0]]).shape == (2, 2)
    assert Tensor(np.arange(6).reshape(2, 3)).dtype == np.float64
    assert Tensor(np.ones(3, dtype=np.float32)).dtype == np.float32  # float arrays keep theirs
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32
    assert Tensor([1, 2], dtype="float32").dtype == np.float32
    assert Tensor(Tensor([1.0, 2.0])).shape == (2,)
    assert tensor([1.0], requires_grad=True).requires_grad
    assert Tensor([1, 2], dtype=np.int64).dtype == np.int64


def test_construction_copies_its_input() -> None:
    arr = np.array([1.0, 2.0])
    t = Tensor(arr)
    arr[0] = 99.0
    assert t.data[0] == 1.0


def test_only_float_tensors_require_grad() -> None:
    with pytest.raises(TypeError):
        Tensor([1, 2], dtype=np.int64, requires_grad=True)


def test_array_like_api() -> None:
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.ndim == 2 and t.size == 6 and t.numel() == 6 and len(t) == 2
    assert t.T.shape == (3, 2)
    assert t.numpy() is t.data
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert Tensor(3.5).item() == 3.5 and float(Tensor([2.0])) == 2.0
    d = t.detach()
    assert not d.requires_grad and d.data is t.data
    assert "requires_grad=True" in repr(t)
    assert "float32" in repr(Tensor([1.0], dtype=np.float32))
    assert zeros(2, 3).shape == (2, 3) and ones((2,), dtype=np.float32).dtype == np.float32
    assert (t > 2).data.tolist() == [[False, False, True], [True, True, True]]
    assert (t <= 2).data.sum() == 2 and (t >= 2).data.sum() == 5 and (t < 2).data.sum() == 1
    assert t.argmax(axis=1).data.tolist() == [2, 2]
    assert t.is_leaf and not (t * 2).is_leaf and (t * 2).op is OPS["mul"]
    assert bool(Tensor(1.0)) and not Tensor([0.0]) and int(Tensor(2.7)) == 2
    with pytest.raises(ValueError):
        bool(t)
    assert np.asarray(t) is t.data and np.asarray(t, dtype=np.float32).dtype == np.float32
    assert [row.shape for row in t] == [(3,), (3,)]
    assert isinstance(np.float64(2.0) * t, Tensor) and isinstance(np.ones(3) - t, Tensor)


# --- the op table ---------------------------------------------------------------------------


def test_tensor_ops_are_in_the_table() -> None:
    names = ["matmul", "sum", "mean", "max", "reshape", "transpose", "getitem", "concat",
             "log_softmax", "cross_entropy"]
    for name in names:
        op = OPS[name]
        assert op.vjp is not None and op.local is None
        assert not op.scalar and op.category == "Tensor"
        assert op.symbol and op.description and op.py and op.torch
        assert len(op.slots) == op.arity
    # the scalar entries come first, in their original order
    assert list(OPS)[:12] == ["add", "sub", "mul", "div", "pow", "powc", "neg", "exp", "log",
                              "tanh", "relu", "sigmoid"]


def test_inlined_add_and_mul_derivatives_agree_with_the_table() -> None:
    """Backward inlines add's (1, 1) and mul's (b, a); the table must say the same."""
    from playground.ops import ARRAY

    a, b = np.array([1.5, -2.0]), np.array([3.0, 0.5])
    assert OPS["add"].local(ARRAY, a, b, a + b) == (1.0, 1.0)
    da, db = OPS["mul"].local(ARRAY, a, b, a * b)
    assert da is b and db is a


def test_apply_by_name() -> None:
    a = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = Tensor([[0.5], [1.5]])
    np.testing.assert_array_equal(a.apply("mul", b).data, (a * b).data)
    np.testing.assert_array_equal(a.apply("matmul", b).data, (a @ b).data)
    np.testing.assert_array_equal(a.apply("sum", axis=0).data, [4.0, 6.0])
    np.testing.assert_array_equal(a.apply("tanh").data, np.tanh(a.data))
    np.testing.assert_array_equal(a.apply(OPS["reshape"], shape=(4,)).data, [1, 2, 3, 4])
    a.apply("max", axis=1).sum().backward()
    np.testing.assert_array_equal(a.grad, [[0, 1], [0, 1]])
    with pytest.raises(TypeError):
        a.apply("mul")


# --- autograd bookkeeping -------------------------------------------------------------------


def test_backward_needs_a_gradient_for_non_scalars() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError):
        y.backward()
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [3.0, 30.0])
    with pytest.raises(RuntimeError):
        Tensor([1.0]).backward()


def test_leaves_accumulate_interior_nodes_do_not() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    loss = h.sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])  # 2 passes of 2x
    np.testing.assert_array_equal(h.grad, [1.0, 1.0])  # latest pass only
    loss.zero_grad()
    assert x.grad is None and h.grad is None


def test_every_recorded_node_holds_its_grad() -> None:
    a = Tensor(2.0, requires_grad=True)
    b = Tensor(-3.0, requires_grad=True)
    c = a * b
    d = c + a
    e = d.tanh()
    e.backward()
    t = 1 - math.tanh(-4.0) ** 2
    assert e.grad == 1.0 and d.grad == pytest.approx(t) and c.grad == pytest.approx(t)
    assert a.grad == pytest.approx(t * (b.data + 1)) and b.grad == pytest.approx(t * a.data)


def test_gradients_never_share_memory() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    y = a + b
    y.backward(np.ones(2))
    assert not np.shares_memory(a.grad, b.grad)
    a.grad *= 10  # an optimizer may update in place
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    w = Tensor([[1.0, 2.0]], requires_grad=True)
    r = w.reshape(2)
    r.backward(np.array([5.0, 6.0]))
    assert w.grad.flags.writeable and not np.shares_memory(w.grad, r.grad)


def test_user_assigned_grad_is_added_to() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.grad = 0.0  # micrograd style
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_constants_take_no_gradient() -> None:
    x = Tensor([1.0, 2.0])
    w = Tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    assert y.requires_grad and not (x * x).requires_grad
    y.sum().backward()
    assert x.grad is None


def test_no_grad_records_nothing_and_is_per_thread() -> None:
    w = Tensor([1.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = w * 2
        seen = []
        t = threading.Thread(target=lambda: seen.append((w * 2).requires_grad))
        t.start()
        t.join()
    assert is_grad_enabled()
    assert not y.requires_grad and y.op is None
    assert seen == [True]


def test_deep_graph_backward() -> None:
    x = Tensor(0.5, requires_grad=True)
    y = x
    for _ in range(20_000):  # 40,000 nodes deep: far past Python's recursion limit
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_graph_forms_no_reference_cycles() -> None:
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        x = Tensor(np.ones((3, 2)), requires_grad=True)
        loss = cross_entropy((x @ Tensor(np.ones((2, 4)), requires_grad=True)).relu(), [0, 1, 3])
        loss.backward()
        del x, loss
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


# --- dtypes ----------------------------------------------------------------------------------


def test_float32_stays_float32() -> None:
    f32 = np.float32
    x = Tensor(np.linspace(0.1, 2.0, 6).reshape(2, 3), requires_grad=True, dtype=f32)
    w = Tensor(np.ones((3, 4)), requires_grad=True, dtype="float32")
    b = Tensor(np.zeros(4), requires_grad=True, dtype=f32)
    outs = [
        x + 1.5, 2.5 * x, x - np.float64(0.5), 1 / x, x / 3, x**2, 2.0**x, -x, x.exp(), x.log(),
        x.tanh(), x.relu(), x.sigmoid(), x.sum(), x.mean(axis=0), x.max(axis=1), x.T, x[0],
        x.reshape(3, 2), x @ w + b, log_softmax(x), softmax(x), concat([x, x]), stack([x, x]),
        x * np.array(2.0), x + 1,
    ]
    for out in outs:
        assert out.dtype == f32, out
    loss = cross_entropy(x @ w + b, [0, 3]) + 1e-3 * (w * w).sum() + (x * 0.5).mean()
    assert loss.dtype == f32
    loss.backward()
    assert x.grad.dtype == f32 and w.grad.dtype == f32 and b.grad.dtype == f32


def test_mixed_dtypes_promote_like_numpy_and_grads_keep_the_inputs_dtype() -> None:
    a = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float32)
    b = Tensor([3.0, 4.0], requires_grad=True)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


# --- numeric faults -------------------------------------------------------------------------


def test_faults_give_inf_and_nan_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Tensor([0.0, -1.0, 1e308, 2.0], requires_grad=True)
        y = (1 / x) + x.log() + x * 10 + (x * 10 - x * 10) + x.exp() + (x / x) + x**-1.5
        assert np.isinf(y.data[0]) or np.isnan(y.data[0])
        assert np.isnan(y.data[1]) and np.isnan(y.data[2])
        y.sum().backward()
        assert x.grad.shape == (4,)
        big = Tensor(np.full(3, 3e38, dtype=np.float32), requires_grad=True)
        s = big.sum() + (big @ big) + big.max() + big.mean()
        s.backward()
        assert np.isinf(s.data)
        z = Tensor(np.full((2, 3), -np.inf), requires_grad=True)
        cross_entropy(z, [0, 1]).backward()
        log_softmax(z).sum().backward()


def test_cross_entropy_is_stable_and_matches_a_naive_computation() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 4))
    targets = np.array([0, 3, 1, 1, 2])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    naive = -np.mean(np.log(p[np.arange(5), targets]))
    assert cross_entropy(Tensor(logits), targets).item() == pytest.approx(naive, rel=1e-12)
    # shifted by 1000: the naive formula overflows, the fused one does not
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = Tensor(logits + 1000.0, requires_grad=True)
        loss = cross_entropy(big, targets)
        loss.backward()
    assert loss.item() == pytest.approx(naive, rel=1e-9)
    onehot = np.eye(4)[targets]
    np.testing.assert_allclose(big.grad, (p - onehot) / 5, rtol=1e-9, atol=1e-15)
    assert np.all(np.isfinite(log_softmax(Tensor([[1000.0, -1000.0, 0.0]])).data[:, [0, 2]]))


def test_cross_entropy_rejects_bad_targets() -> None:
    logits = Tensor(np.zeros((2, 3)))
    with pytest.raises(IndexError):
        cross_entropy(logits, [0, 3])
    with pytest.raises(ValueError):
        cross_entropy(logits, [0, 1, 2])
    with pytest.raises(ValueError):
        cross_entropy(logits, [0, 1], reduction="median")
    with pytest.raises(ValueError):
        cross_entropy(logits, [0.5, 1.0])


def test_cross_entropy_takes_class_indices_as_floats_and_through_apply() -> None:
    logits = Tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]], requires_grad=True)
    want = cross_entropy(logits, np.array([0, 2])).item()
    assert cross_entropy(logits, [0.0, 2.0]).item() == want
    targets = Tensor([0.0, 2.0], requires_grad=True)  # as a graph literal would be
    loss = logits.apply("cross_entropy", targets)
    assert loss.item() == want
    loss.backward()
    assert targets.grad is None and logits.grad.shape == (2, 3)


# --- agreement with the scalar engine -------------------------------------------------------

EXPRESSIONS = [
    lambda a, b, c: a * b + c,
    lambda a, b, c: (a * b + c).tanh(),
    lambda a, b, c: (a / b - c) ** 2,
    lambda a, b, c: (a.exp() + b.sigmoid() * c.relu()).log(),
    lambda a, b, c: -(a - 3.0) * (2.0 / b) + 1.5**c,
    lambda a, b, c: (a * a * a + b * a).relu() - c.tanh() * c,
    lambda a, b, c: a ** b.relu() + (c + 10) ** 0.5,
]


@pytest.mark.parametrize("k", range(len(EXPRESSIONS)))
def test_tensor_and_value_agree_on_scalars(k: int) -> None:
    fn = EXPRESSIONS[k]
    for vals in [(2.0, -3.0, 0.5), (0.7, 1.3, -2.2), (1.5, 0.25, 4.0)]:
        vs = [Value(v) for v in vals]
        ts = [Tensor(v, requires_grad=True) for v in vals]
        out_v, out_t = fn(*vs), fn(*ts)
        out_v.backward()
        out_t.backward()
        assert out_t.item() == pytest.approx(out_v.data, rel=1e-14, abs=1e-300)
        for v, t in zip(vs, ts, strict=True):
            assert t.grad.item() == pytest.approx(v.grad, rel=1e-12, abs=1e-300)


def test_tensor_of_scalars_equals_values_elementwise() -> None:
    """One Tensor expression over a vector equals the scalar engine run element by element."""
    xs = np.array([0.3, -1.2, 2.5, 0.0])
    t = Tensor(xs, requires_grad=True)
    ((t * 2.0 + 1.0).tanh() * t).sum().backward()
    for i, x in enumerate(xs):
        v = Value(x)
        ((v * 2.0 + 1.0).tanh() * v).backward()
        assert t.grad[i] == pytest.approx(v.grad, rel=1e-14)


def test_engine_imports_no_gui_or_graph_library() -> None:
    code = (
        "import sys, playground.engine.tensor, playground.ops;"
        "bad = [m for m in ('PySide6', 'matplotlib', 'networkx') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
