"""Losses: hand-computed values, scalar == tensor (values and gradients), stability, PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine import Tensor, Value
from playground.engine.losses import LOSSES, bce, cross_entropy, l2, mse, sse, svm

SCORES = [0.5, -2.0, 1.5, 0.0, 3.0]
SIGNS = [1.0, 1.0, -1.0, -1.0, 1.0]
BITS = [1.0, 1.0, 0.0, 0.0, 1.0]


def _scalar(fn, preds, targets):
    leaves = [Value(p) for p in preds]
    out = fn(leaves, targets)
    out.backward()
    return out.data, [v.grad for v in leaves]


def _tensor(fn, preds, targets, shape=None):
    x = Tensor(np.array(preds).reshape(shape or (len(preds),)), requires_grad=True)
    out = fn(x, np.array(targets))
    out.backward()
    return float(out.data), x.grad.reshape(-1).tolist()


def test_hand_computed_values():
    # svm: mean(relu(1 - y*s)) = (0.5 + 3 + 2.5 + 1 + 0) / 5
    assert _scalar(svm, SCORES, SIGNS)[0] == pytest.approx(7.0 / 5)
    # sse, the lecture's: sum of (pred - y)^2
    assert _scalar(sse, SCORES, SIGNS)[0] == pytest.approx(0.25 + 9 + 6.25 + 1 + 4)
    assert _scalar(mse, SCORES, SIGNS)[0] == pytest.approx((0.25 + 9 + 6.25 + 1 + 4) / 5)
    naive = np.mean([
        -(y * math.log(1 / (1 + math.exp(-z))) + (1 - y) * math.log(1 - 1 / (1 + math.exp(-z))))
        for z, y in zip(SCORES, BITS, strict=True)
    ])
    assert _scalar(bce, SCORES, BITS)[0] == pytest.approx(naive, rel=1e-12)
    logits = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]
    want = np.mean([
        math.log(sum(math.exp(v) for v in row)) - row[k]
        for row, k in zip(logits, [1, 2], strict=True)
    ])
    rows = [[Value(v) for v in row] for row in logits]
    assert cross_entropy(rows, [1, 2]).data == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "targets"), [("svm", SIGNS), ("sse", SIGNS), ("mse", SIGNS), ("bce", BITS)]
)
@pytest.mark.parametrize("shape", [None, (5, 1)])
def test_scalar_and_tensor_agree(name, targets, shape):
    fn = LOSSES[name].fn
    value_s, grads_s = _scalar(fn, SCORES, targets)
    value_t, grads_t = _tensor(fn, SCORES, targets, shape)
    assert value_t == pytest.approx(value_s, abs=1e-12)
    np.testing.assert_allclose(grads_t, grads_s, rtol=0, atol=1e-12)


def test_svm_gradient_by_hand():
    # d/ds mean(relu(1 - y s)) = -y/n where the margin is violated, else 0 (relu'(0) = 0)
    _, grads = _scalar(svm, SCORES, SIGNS)
    assert grads == pytest.approx([-0.2, -0.2, 0.2, 0.2, 0.0])


def test_bce_is_stable_and_its_gradient_is_sigmoid_minus_y():
    z = [1000.0, -1000.0, 30.0, -30.0, 0.0]
    y = [0.0, 1.0, 1.0, 0.0, 1.0]
    value, grads = _scalar(bce, z, y)
    assert value == pytest.approx((1000 + 1000 + 2 * math.log1p(math.exp(-30)) + math.log(2)) / 5)
    sig = [1 / (1 + math.exp(-v)) if v > -700 else 0.0 for v in z]
    assert grads == pytest.approx([(s - t) / 5 for s, t in zip(sig, y, strict=True)], abs=1e-15)
    value_t, grads_t = _tensor(bce, z, y)
    assert value_t == pytest.approx(value)
    np.testing.assert_allclose(grads_t, grads, atol=1e-15)


def test_cross_entropy_scalar_equals_tensor_and_is_stable():
    logits = np.array([[1000.0, 0.0, -5.0], [0.1, 0.2, 0.3], [-800.0, -801.0, -799.0]])
    y = [0, 2, 1]
    rows = [[Value(v) for v in row] for row in logits.tolist()]
    out = cross_entropy(rows, y)
    out.backward()
    assert math.isfinite(out.data)
    t = Tensor(logits, requires_grad=True)
    out_t = cross_entropy(t, np.array(y))
    out_t.backward()
    assert float(out_t.data) == pytest.approx(out.data, abs=1e-12)
    np.testing.assert_allclose(
        t.grad, [[v.grad for v in row] for row in rows], rtol=0, atol=1e-12
    )


def test_l2_scalar_and_tensor():
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    assert l2(ps, 0.1).data == pytest.approx(0.1 * 5.25)
    ts = [Tensor([1.0, -2.0], requires_grad=True), Tensor([[0.5]], requires_grad=True)]
    out = l2(ts, 0.1)
    assert float(out.data) == pytest.approx(0.1 * 5.25)
    out.backward()
    np.testing.assert_allclose(ts[0].grad, [0.2, -0.4])


def test_against_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z = torch.tensor(SCORES, dtype=torch.float64)
    bits = torch.tensor(BITS, dtype=torch.float64)
    assert _tensor(bce, SCORES, BITS)[0] == pytest.approx(
        F.binary_cross_entropy_with_logits(z, bits).item(), rel=1e-14
    )
    assert _tensor(mse, SCORES, SIGNS)[0] == pytest.approx(
        F.mse_loss(z, torch.tensor(SIGNS, dtype=torch.float64)).item(), rel=1e-14
    )
    logits = np.random.RandomState(0).normal(size=(6, 4)) * 5
    y = np.array([0, 3, 1, 1, 2, 0])
    rows = [[Value(v) for v in row] for row in logits.tolist()]
    out = cross_entropy(rows, y.tolist())
    out.backward()
    tl = torch.tensor(logits, requires_grad=True)
    ref = F.cross_entropy(tl, torch.tensor(y))
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-13)
    np.testing.assert_allclose(
        [[v.grad for v in row] for row in rows], tl.grad.numpy(), rtol=0, atol=1e-14
    )


def test_bad_shapes():
    with pytest.raises(ValueError):
        svm(Tensor(np.zeros((3, 2))), [1, 1, 1])
    with pytest.raises(ValueError, match="out of range"):
        cross_entropy([[Value(0.0), Value(1.0)]], [2])
    assert set(LOSSES) == {"svm", "mse", "sse", "bce", "cross_entropy"}
    assert LOSSES["cross_entropy"].multiclass and not LOSSES["svm"].multiclass
