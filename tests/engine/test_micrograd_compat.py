"""micrograd's own test file (test/test_engine.py), run against our Value.

The two torch tests below are micrograd's, bodies unchanged. Only the imports differ: `from
playground.engine import Value` instead of `from micrograd.engine import Value`, and `import
torch` guarded so that the two skip cleanly without torch. After them, the same two checks
against known numbers, so the compatibility is covered when torch is absent; and a side-by-side
run with the real micrograd package when it is installed.
"""

import math
import random

import pytest

from playground.engine import Value

try:
    import torch
except ImportError:  # torch is optional: micrograd's own two tests skip, the rest still run
    torch = None

requires_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


# --- micrograd/test/test_engine.py ------------------------------------------------------------


@requires_torch
def test_sanity_check():

    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    # forward pass went well
    assert ymg.data == ypt.data.item()
    # backward pass went well
    assert xmg.grad == xpt.grad.item()


@requires_torch
def test_more_ops():

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # forward pass went well
    assert abs(gmg.data - gpt.data.item()) < tol
    # backward pass went well
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol


# --- the same two checks without torch ----------------------------------------------------------


def test_sanity_check_known_numbers():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    # z = -10, q = 40, h = 100, y = 100 + 40 - 160 = -20
    # dy/dx = dh/dx + (1 + x) dq/dx + q = 2z*3 + (1 + x)(3x + z) + q = -60 + 66 + 40 = 46
    assert y.data == -20.0
    assert x.grad == 46.0


def test_more_ops_known_numbers():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    # micrograd's README prints these to 4 decimals
    assert abs(g.data - 24.70408163265306) < 1e-12
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


# --- side by side with the real micrograd -------------------------------------------------------


def _random_micrograd_program(seed):
    """Ops micrograd's engine has: + - * / ** (number exponent), neg, relu."""
    rng = random.Random(seed)
    leaves = [rng.uniform(-2, 2) for _ in range(4)]
    steps = []
    n = len(leaves)
    for _ in range(30):
        i, j = rng.randrange(n), rng.randrange(n)
        op = rng.choice(["add", "sub", "mul", "div", "pow", "neg", "relu", "radd", "rmul"])
        steps.append((op, i, j, rng.choice([2, 3, 0.5, -1.5, 2.5])))
        n += 1
    return leaves, steps


def _run(V, leaves, steps):
    vs = [V(x) for x in leaves]
    pool = list(vs)
    for op, i, j, k in steps:
        x, y = pool[i], pool[j]
        if op == "add":
            out = x + y
        elif op == "sub":
            out = x - y
        elif op == "mul":
            out = x * y
        elif op == "div":
            out = x / (y * y + 1)
        elif op == "pow":
            out = (x * x + 0.5) ** k
        elif op == "neg":
            out = -x
        elif op == "relu":
            out = x.relu()
        elif op == "radd":
            out = k + x
        else:
            out = k * x
        pool.append(out)
    out = pool[-1]
    for v in pool[-10:-1]:
        out = out + v
    out.backward()
    return out, vs


@pytest.mark.parametrize("seed", range(30))
def test_same_results_as_micrograd_itself(seed):
    micrograd_engine = pytest.importorskip("micrograd.engine")
    leaves, steps = _random_micrograd_program(seed)
    ours, our_leaves = _run(Value, leaves, steps)
    theirs, their_leaves = _run(micrograd_engine.Value, leaves, steps)
    # micrograd divides as a * b**-1 and sums in set order, so the last digits may differ
    assert math.isclose(ours.data, theirs.data, rel_tol=1e-9, abs_tol=1e-9)
    for v, w in zip(our_leaves, their_leaves, strict=True):
        assert math.isclose(v.grad, w.grad, rel_tol=1e-9, abs_tol=1e-9)
