"""Value against PyTorch float64: every op at awkward points, and random expression graphs.

Skipped when torch is not importable (torch is never a dependency of the playground).
"""

from __future__ import annotations

import itertools
import math
import operator
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from playground.engine import Tensor, Value
from playground.ops import OPS, SCALAR
from tests.engine.floats import close

torch = pytest.importorskip("torch")

EPS = sys.float_info.epsilon

# One spelling per op that works on a Value and on a torch tensor alike.
FN: dict[str, Callable[..., Any]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "powc": lambda x: x**2,  # x ** number (the "pow" steps with a constant make it too)
    "neg": operator.neg,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "tanh": lambda x: x.tanh(),
    "relu": lambda x: x.relu(),
    "sigmoid": lambda x: x.sigmoid(),
}
UNARY = [n for n in FN if OPS[n].arity == 1]
BINARY = [n for n in FN if OPS[n].arity == 2]


def test_every_scalar_op_is_cross_checked() -> None:
    assert {n for n, op in OPS.items() if op.scalar} == set(FN)


def _t(x: float):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# --- every op at awkward points ---------------------------------------------------------------

POINTS = [
    0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -8.0, 1 / 3, 12.0,
    -12.0, 30.0, -30.0, 800.0, -800.0, 709.0, 710.0, 1000.0, -1000.0, 1e300, -1e300,
    math.inf, -math.inf, math.nan,
]


@pytest.mark.parametrize("name", list(FN))
def test_op_matches_pytorch_at_awkward_points(name: str) -> None:
    """Forward and both input gradients, including inf/nan/±0 inputs, exactly as torch."""
    fn = FN[name]
    bad = []
    for args in itertools.product(POINTS, repeat=OPS[name].arity):
        vs = [Value(a) for a in args]
        ts = [_t(a) for a in args]
        out, t_out = fn(*vs), fn(*ts)
        out.backward()
        t_out.backward()
        got = [out.data] + [v.grad for v in vs]
        want = [t_out.item()] + [t.grad.item() for t in ts]
        # rel 1e-12: math.tanh and torch.tanh may differ in the last bit of the output
        if not all(close(g, w, rel=1e-12) for g, w in zip(got, want, strict=True)):
            bad.append((args, got, want))
    assert not bad, f"{len(bad)} mismatches, first: {bad[:3]}"


@pytest.mark.parametrize("name", list(FN))
def test_op_matches_pytorch_with_an_upstream_gradient(name: str) -> None:
    rng = random.Random(name)
    for _ in range(300):
        args = [rng.uniform(0.1, 3.0) * rng.choice([-1, 1]) for _ in range(OPS[name].arity)]
        if name in ("log", "pow"):
            args[0] = abs(args[0])
        seed = rng.uniform(-5, 5)
        vs = [Value(a) for a in args]
        ts = [_t(a) for a in args]
        out, t_out = FN[name](*vs), FN[name](*ts)
        out.backward(seed)
        t_out.backward(torch.tensor(seed, dtype=torch.float64))
        assert close(out.data, t_out.item(), rel=1e-15)
        for v, t in zip(vs, ts, strict=True):
            assert close(v.grad, t.grad.item(), rel=1e-12), (name, args, seed)


# --- random expression graphs -----------------------------------------------------------------


@dataclass
class Program:
    """A straight-line program: leaves, then nodes built from earlier entries or constants."""

    leaves: list[float]
    steps: list[tuple[str, tuple[Any, ...]]]  # operand: ("v", index) or ("c", number)

    def run(self, make_leaf: Callable[[float], Any]) -> tuple[list[Any], list[Any]]:
        leaves = [make_leaf(x) for x in self.leaves]
        pool = list(leaves)
        for name, operands in self.steps:
            args = [pool[i] if kind == "v" else i for kind, i in operands]
            pool.append(FN[name](*args))
        return leaves, pool


def generate(rng: random.Random, guarded: bool, n_steps: int) -> Program:
    """Builds a random program, evaluating it with Value as it goes so that the guarded mode
    can keep values in a well-conditioned range. Every op appears; leaves are reused."""
    leaves = [rng.uniform(-2.0, 2.0) for _ in range(rng.randint(2, 5))]
    data = list(leaves)
    steps: list[tuple[str, tuple[Any, ...]]] = []
    names = list(FN)

    def pick() -> int:
        # favour recent nodes (depth) but keep reusing leaves (fan-out)
        return rng.choice([len(data) - 1, len(data) - 2, rng.randrange(len(data))])

    while len(steps) < n_steps:
        name = rng.choice(names)
        i = max(0, pick())
        x = data[i]
        if OPS[name].arity == 1:
            operands: tuple[Any, ...] = (("v", i),)
        elif name == "pow":
            if rng.random() < 0.5:
                exponent = rng.choice([2, 3, -1, 0.5, 1.5, rng.uniform(-2.0, 3.0)])
                operands = (("v", i), ("c", exponent))
            else:
                operands = (("v", i), ("v", max(0, pick())))
        else:
            j = max(0, pick())
            r = rng.random()
            c = rng.choice([2, -1, 0.5, 3.0, rng.uniform(-3.0, 3.0)])
            operands = (("c", c), ("v", j)) if r < 0.15 else (("v", i), ("c", c)) if r < 0.3 else (
                ("v", i), ("v", j)
            )
        vals = [data[k] if kind == "v" else k for kind, k in operands]
        if guarded:
            if name == "log" and not x > 1e-2:
                continue
            if name == "exp" and not x < 20:
                continue
            if name == "tanh" and not abs(x) < 8:
                continue
            if name == "div" and not abs(vals[1]) > 1e-1:
                continue
            if name == "pow":
                base, e = vals
                if not (0.1 < base < 10 and abs(e) < 3):
                    continue
        y = FN[name](*[Value(v) for v in vals]).data
        if guarded and not (math.isfinite(y) and 1e-6 < abs(y) < 1e6):
            continue
        steps.append((name, operands))
        data.append(y)
    # Sum a few intermediate nodes into the output so that many nodes feed it.
    out_terms = rng.sample(range(len(data)), min(4, len(data)))
    for k in out_terms:
        steps.append(("add", (("v", len(data) - 1), ("v", k))))
        data.append(data[-1] + data[k])
    return Program(leaves, steps)


def _known_divergence(pool: list[Value]) -> str | None:
    """Situations where float64 PyTorch and IEEE-754 part ways on purpose (unguarded graphs)."""
    for v in pool:
        if v.op is None:
            continue
        x = v._prev[0].data
        # torch computes x**0.5 as sqrt(x) and x**-0.5 as rsqrt(x), also inside the backward
        # of x**1.5: sqrt(-inf) = nan and rsqrt(-0.0) = -inf where C's pow (and torch.pow
        # with a tensor exponent) give inf and +inf.
        negative_zero = x == 0 and math.copysign(1.0, x) < 0
        name = v.op.name  # x ** number is powc: its exponent is a parameter
        if name not in ("pow", "powc"):
            continue
        exponent = v._prev[1].data if name == "pow" else v._params["exponent"]
        if exponent in (0.5, -0.5, 1.5) and (x == -math.inf or negative_zero):
            return "torch's sqrt/rsqrt shortcut for exponent ±0.5"
    return None


def _compare(program: Program, rel: float, abs_: float, unguarded: bool = False) -> None:
    _, v_pool = program.run(Value)
    t_leaves, t_pool = program.run(_t)
    for t in t_pool[len(t_leaves):]:
        t.retain_grad()
    v_pool[-1].backward()
    t_pool[-1].backward()
    why = _known_divergence(v_pool)
    if why is not None:
        assert unguarded, f"guarded graphs stay finite, yet: {why}"
        assume(False)  # hypothesis draws another example
    t_data = [t.item() for t in t_pool]
    t_grad = [t.grad.item() if t.grad is not None else 0.0 for t in t_pool]
    data_err, grad_err = _rounding_bounds(v_pool)
    for k, v in enumerate(v_pool):
        if math.isfinite(data_err[k]):
            assert close(v.data, t_data[k], rel=rel, abs_=abs_ + data_err[k]), (
                "data", k, v.data, t_data[k], program,
            )
        if math.isfinite(grad_err[k]):
            assert close(v.grad, t_grad[k], rel=rel, abs_=abs_ + grad_err[k]), (
                "grad", k, v.grad, t_grad[k], program,
            )


def _carry(d: float, err: float) -> float:
    """|d| * err, where no error carries nothing (not inf * 0 = nan)."""
    if err == 0:
        return 0.0
    e = abs(d) * err
    return e if not math.isnan(e) else math.inf


def _own(x: float, ulps: float) -> float:
    """A few roundings of x; an infinite or nan term rounds the same in any IEEE engine."""
    return ulps * EPS * abs(x) if math.isfinite(x) else 0.0


def _rounding_bounds(pool: list[Value], ulps: float = 64.0) -> tuple[list[float], list[float]]:
    """First-order bounds on how far two correct float64 evaluations of the graph may differ.

    Two engines may round a few operations differently (torch's tanh, its x*x*x for x**3, its
    grad/b against our (1/b)*grad). That is harmless, except where a later subtraction or a sum
    of path contributions cancels: the difference is then relative to the terms, not to the
    near-zero result. So each node gets an absolute allowance of `ulps` roundings of every term
    that fed it, carried along the graph by the local derivatives. An infinite allowance means
    the node is undetermined (a rounding-level difference met an infinite derivative: 0 vs
    1e-316 times -inf is nan vs -inf) and is not compared.
    """
    index = {id(v): k for k, v in enumerate(pool)}
    data_err = [0.0] * len(pool)
    grad_err = [0.0] * len(pool)
    locals_: list[Any] = [None] * len(pool)
    for k, v in enumerate(pool):  # creation order: operands first
        if v.op is None:
            continue
        children = v._prev
        locals_[k] = v.op.local(SCALAR, *(c.data for c in children), v.data)
        e = _own(v.data, ulps)
        for c, d in zip(children, locals_[k], strict=True):
            j = index.get(id(c))  # None for a number operand: an exact constant
            e += (_carry(d, data_err[j]) if j is not None else 0.0) + _own(d * c.data, ulps)
        data_err[k] = e
    for k in reversed(range(len(pool))):  # parents first
        v = pool[k]
        if v.op is None:
            continue
        for c, d in zip(v._prev, locals_[k], strict=True):
            j = index.get(id(c))
            if j is not None:
                grad_err[j] += _carry(d, grad_err[k]) + _own(d * v.grad, ulps)
    return data_err, grad_err


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40))
def test_random_graphs_match_pytorch(seed: int, n: int) -> None:
    _compare(generate(random.Random(seed), guarded=True, n_steps=n), rel=1e-9, abs_=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_random_deep_graphs_match_pytorch(seed: int) -> None:
    _compare(generate(random.Random(seed), guarded=True, n_steps=150), rel=1e-9, abs_=1e-12)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    leaves=st.lists(st.sampled_from(POINTS), min_size=2, max_size=4),
)
def test_unguarded_small_graphs_with_faults_match_pytorch(seed: int, leaves: list[float]) -> None:
    """No guards: inf and nan flow through, and must flow exactly as they do in torch."""
    rng = random.Random(seed)
    program = generate(rng, guarded=False, n_steps=rng.randint(1, 4))
    # same number of leaves (steps index the pool), awkward values in front
    program.leaves = [leaves[k] if k < len(leaves) else x for k, x in enumerate(program.leaves)]
    _compare(program, rel=1e-9, abs_=1e-12, unguarded=True)


def test_generator_covers_every_op() -> None:
    seen = set()
    for seed in range(20):
        seen |= {name for name, _ in generate(random.Random(seed), True, 40).steps}
    assert seen == set(FN)
    assert math.isfinite(sum(generate(random.Random(0), True, 40).leaves))


@pytest.mark.parametrize("case", ["dead relu into log", "x ** 0 into log(. - 1)",
                                  "0 ** e into log"])
def test_masked_gradient_blocks_inf_from_above_as_torch(case: str) -> None:
    """torch writes relu's backward and pow's base slope with where(): a dead relu and
    exponent 0 pass nothing back, not even the inf that log(0) sends, where local * grad
    would give 0 * inf = nan. Both engines follow the table's mask, and only there."""

    def build(x, e):
        if case == "dead relu into log":
            return x.relu().log()
        if case == "0 ** e into log":
            return (x**e).log()
        return (x**e - 1).log()

    xv, ev = (0.0, 2.0) if case == "0 ** e into log" else (-1.0, 0.0)
    x, e = Value(xv), Value(ev)
    tx, te = _t(xv), _t(ev)
    ours = Tensor(np.array([xv, 3.0]), requires_grad=True)
    ours_e = Tensor(np.array([ev, ev]), requires_grad=True)
    build(x, e).backward()
    build(tx, te).backward()
    build(ours, ours_e).sum().backward()
    assert close(x.grad, tx.grad.item()) and close(ours.grad[0], tx.grad.item())
    if case != "dead relu into log":
        assert close(e.grad, te.grad.item()) and close(ours_e.grad[0], te.grad.item())
    # blocked where torch blocks, and only there: at 0 ** 2 torch's base slope is inf * 0
    assert math.isfinite(tx.grad.item()) == (case != "0 ** e into log")
