"""Optimizers and schedules: hand-computed steps, Values == Tensors bit for bit, torch.optim."""

from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine import Tensor, Value
from playground.engine.optim import SGD, Adam, AdamW, Schedule, make_optimizer

P0 = [1.0, -2.0, 0.5]
GRADS = [[0.1, -0.3, 2.0], [0.4, 0.0, -1.0], [-0.2, 0.5, 0.25]]


def _run_values(make, steps=3):
    ps = [Value(x) for x in P0]
    opt = make(ps)
    for g in GRADS[:steps]:
        for p, gi in zip(ps, g, strict=True):
            p.grad = gi
        opt.step()
    return [p.data for p in ps]


def _run_tensor(make, steps=3, dtype=None):
    t = Tensor(P0, requires_grad=True, dtype=dtype)
    opt = make([t])
    for g in GRADS[:steps]:
        t.grad = np.array(g, dtype=t.data.dtype)
        opt.step()
    return t.data.tolist()


def test_plain_sgd_is_micrograds_update_bit_for_bit():
    got = _run_values(lambda ps: SGD(ps, lr=0.1), steps=1)
    assert got == [p - 0.1 * g for p, g in zip(P0, GRADS[0], strict=True)]


def test_sgd_momentum_and_weight_decay_by_hand():
    lr, m, wd = 0.1, 0.9, 0.01
    p = np.array(P0)
    buf = None
    for g in GRADS:
        g = np.array(g) + wd * p
        buf = g if buf is None else m * buf + g
        p = p - lr * buf
    got = _run_values(lambda ps: SGD(ps, lr=lr, momentum=m, weight_decay=wd))
    np.testing.assert_allclose(got, p, rtol=0, atol=1e-15)


def test_adam_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p = np.array(P0)
    m = np.zeros(3)
    v = np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        g = np.array(g)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1**t)
        vhat = v / (1 - b2**t)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
    got = _run_values(lambda ps: Adam(ps, lr=lr))
    np.testing.assert_allclose(got, p, rtol=1e-12, atol=1e-14)


def test_adamw_decays_decoupled():
    # with zero gradients Adam's step is 0 and AdamW only shrinks: p *= (1 - lr*wd) per step
    ps = [Value(x) for x in P0]
    opt = AdamW(ps, lr=0.1, weight_decay=0.5)
    for _ in range(2):
        opt.step()
    np.testing.assert_allclose([p.data for p in ps], np.array(P0) * 0.95**2, rtol=1e-15)
    ps = [Value(x) for x in P0]
    Adam(ps, lr=0.1, weight_decay=0.5).step()  # coupled: the decay goes through Adam's scaling
    np.testing.assert_allclose([p.data for p in ps], np.array(P0) - 0.1 * np.sign(P0), rtol=1e-7)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.3),
        lambda ps: SGD(ps, lr=0.3, momentum=0.9, weight_decay=0.1),
        lambda ps: SGD(ps, lr=0.3, momentum=0.5, nesterov=True),
        lambda ps: Adam(ps, lr=0.05, weight_decay=0.01),
        lambda ps: AdamW(ps, lr=0.05),
    ],
)
def test_values_and_tensors_get_identical_updates(make):
    assert _run_values(make) == _run_tensor(make)


def test_float32_tensors_stay_float32():
    t = Tensor(P0, requires_grad=True, dtype=np.float32)
    opt = Adam([t], lr=0.1)
    t.grad = np.ones(3, dtype=np.float32)
    opt.step()
    assert t.data.dtype == np.float32


def test_mixed_params_and_missing_grads():
    v = Value(1.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([v, t], lr=0.5)
    v.grad = 2.0
    opt.step()  # t.grad is None: no update for it
    assert v.data == 0.0 and t.data.tolist() == [1.0, 2.0]
    t.grad = np.array([1.0, 1.0])
    opt.zero_grad()
    assert v.grad == 0.0 and t.grad is None


def test_against_torch_optim():
    torch = pytest.importorskip("torch")
    cases = [
        (lambda ps: SGD(ps, lr=0.3, momentum=0.9, weight_decay=0.1),
         lambda ps: torch.optim.SGD(ps, lr=0.3, momentum=0.9, weight_decay=0.1)),
        (lambda ps: SGD(ps, lr=0.3, momentum=0.5, nesterov=True, weight_decay=0.01),
         lambda ps: torch.optim.SGD(ps, lr=0.3, momentum=0.5, nesterov=True, weight_decay=0.01)),
        (lambda ps: Adam(ps, lr=0.05, weight_decay=0.01),
         lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.01, foreach=False)),
        (lambda ps: AdamW(ps, lr=0.05, weight_decay=0.1),
         lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1, foreach=False)),
    ]
    for ours, theirs in cases:
        tp = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
        opt = theirs([tp])
        for g in GRADS:
            tp.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
        np.testing.assert_allclose(_run_tensor(ours), tp.detach().numpy(), rtol=1e-14, atol=1e-15)


def test_schedules():
    lin = Schedule("linear", 1.0, 100)
    assert [lin(k) for k in (0, 50, 99)] == [1.0, 1.0 - 0.9 * 50 / 100, 1.0 - 0.9 * 99 / 100]
    assert lin(500) == pytest.approx(0.1)  # clamped past the end
    assert Schedule("constant", 0.1, 10)(7) == 0.1
    cos = Schedule("cosine", 2.0, 10)
    assert cos(0) == 2.0 and cos(5) == pytest.approx(1.0) and cos(10) == pytest.approx(0.0)
    assert all(cos(k) >= cos(k + 1) for k in range(10))
    with pytest.raises(ValueError):
        Schedule("step", 1.0, 10)
    with pytest.raises(ValueError):
        Schedule("linear", 1.0, 0)


def test_constructor_checks():
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        SGD([Value(1.0)], lr=math.nan)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD([Value(1.0)], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        Adam([Value(1.0)], betas=(1.0, 0.9))
    assert isinstance(make_optimizer("adamw", [Value(1.0)], 0.1), AdamW)
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("rmsprop", [Value(1.0)], 0.1)
