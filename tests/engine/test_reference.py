"""Reference numbers: the 200 gradient cases, the lecture's examples and micrograd's README.

The cases (tests/data/gradcases.json, PyTorch float64 cross-checked with mpmath) are run by a
small interpreter of the grammar in the file's "format" field. An op the interpreter does not
know fails the case: nothing is skipped.
"""

from __future__ import annotations

import json
import math
import operator
from pathlib import Path
from typing import Any

import pytest

from playground.engine import Value, numerical_grads

DATA = Path(__file__).resolve().parents[1] / "data"
_FILE = json.loads((DATA / "gradcases.json").read_text())
CASE_IDS = [c["id"] for c in _FILE["cases"]]

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
}
UNARY = {
    "neg": operator.neg,
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


class CaseError(Exception):
    """The case uses something outside the grammar: the test must fail, not skip."""


class Interpreter:
    """Builds a case's Value graph. Constants stay Python numbers, so `2 - a`, `1 / a` and
    `a ** 3` go through the reflected and number-operand paths exactly as user code does."""

    def __init__(self, case: dict[str, Any]) -> None:
        self.leaves = {name: Value(x, label=name) for name, x in case["leaves"].items()}
        self.env: dict[str, Value] = dict(self.leaves)
        self.ops_used: set[str] = set()
        for name, expr in case.get("defs", []):
            if name in self.env:
                raise CaseError(f"{name!r} defined twice")
            node = self.build(expr)
            if not isinstance(node, Value):
                raise CaseError(f"def {name!r} is a constant")
            self.env[name] = node
        out = self.build(case["expr"])
        if not isinstance(out, Value):
            raise CaseError("the output is a constant")
        self.out = out

    def build(self, expr: Any) -> Value | int | float:
        if isinstance(expr, str):
            try:
                return self.env[expr]  # a leaf or an earlier def: the same node, shared
            except KeyError:
                raise CaseError(f"unknown name {expr!r}") from None
        if isinstance(expr, bool):
            raise CaseError(f"not a number: {expr!r}")
        if isinstance(expr, int | float):
            return expr
        if not isinstance(expr, list) or not expr or not isinstance(expr[0], str):
            raise CaseError(f"bad expression {expr!r}")
        op, args = expr[0], expr[1:]
        self.ops_used.add(op)
        if op in UNARY and len(args) == 1:
            x = self.build(args[0])
            if not isinstance(x, Value):
                raise CaseError(f"{op} of a constant")
            return UNARY[op](x)
        if op in BINARY and len(args) == 2:
            x, y = self.build(args[0]), self.build(args[1])
            if not isinstance(x, Value) and not isinstance(y, Value):
                raise CaseError(f"{op} of two constants")
            return BINARY[op](x, y)
        if op == "pow" and len(args) == 2:
            base, exponent = self.build(args[0]), args[1]
            if not isinstance(base, Value) or isinstance(exponent, bool) or not isinstance(
                exponent, int | float
            ):
                raise CaseError(f"pow needs a Value base and a number exponent: {expr!r}")
            return base**exponent
        raise CaseError(f"unsupported op {op!r} with {len(args)} operand(s)")


def test_the_file_has_200_unique_cases() -> None:
    assert _FILE["meta"]["n_cases"] == 200
    assert len(CASE_IDS) == 200 == len(set(CASE_IDS))
    assert "expr :=" in _FILE["format"]


def test_fixture_and_file_agree(gradcases: list[dict]) -> None:
    assert [c["id"] for c in gradcases] == CASE_IDS


@pytest.fixture(scope="module")
def cases_by_id(gradcases: list[dict]) -> dict[str, dict]:
    return {c["id"]: c for c in gradcases}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_reference_case(case_id: str, cases_by_id: dict[str, dict]) -> None:
    case = cases_by_id[case_id]
    try:
        run = Interpreter(case)
    except CaseError as e:
        pytest.fail(f"{case_id}: {e}")
    # The interpreter really walked every op the case declares (and no other).
    assert run.ops_used == set(case["ops"])
    run.out.backward()
    ref = case["out"]
    assert math.isclose(run.out.data, ref, rel_tol=1e-6, abs_tol=1e-9), (run.out.data, ref)
    assert set(case["grads"]) == set(case["leaves"])
    for name, want in case["grads"].items():
        got = run.leaves[name].grad
        assert math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9), (name, got, want)


@pytest.mark.parametrize(
    "expr",
    [["cosh", "a"], ["add", "a"], ["pow", "a", "a"], ["add", 1, 2], ["mul", "a", "zz"],
     ["matmul", "a", "a"], {"op": "add"}],
)
def test_interpreter_fails_on_anything_unknown(expr: Any) -> None:
    case = {"leaves": {"a": 1.0}, "expr": expr}
    with pytest.raises(CaseError):
        Interpreter(case)


# --- the lecture ------------------------------------------------------------------------------


def _lecture_expression() -> dict[str, Value]:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": L}


def test_lecture_expression_L() -> None:
    n = _lecture_expression()
    L = n["L"]
    assert L.data == -8.0
    L.backward()
    grads = {k: v.grad for k, v in n.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "d": -2.0, "e": -2.0, "L": 1.0}


def test_lecture_numerical_check_h_0_001() -> None:
    n = _lecture_expression()
    a, b, c, f = n["a"], n["b"], n["c"], n["f"]
    (slope,) = numerical_grads(lambda: (a * b + c) * f, [b], h=0.001, method="forward")
    assert math.isclose(slope, -3.99999, abs_tol=1e-5)
    assert -4.0 < slope < -3.99999  # the lecture prints -3.9999999999995595
    assert b.data == -3.0  # restored


def test_seed_example_polynomial() -> None:
    x = Value(3.0)
    f = 3 * x**2 - 4 * x + 5
    f.backward()
    assert f.data == 20.0
    assert x.grad == 14.0
    (slope,) = numerical_grads(lambda: 3 * x**2 - 4 * x + 5, [x])
    assert math.isclose(slope, 14.0, rel_tol=1e-8)


@pytest.mark.parametrize("x,y,z", [(2.0, -3.0, 10.0), (0.5, 4.0, -1.0), (-1.25, 0.0, 3.0)])
def test_seed_example_x_y_plus_z(x: float, y: float, z: float) -> None:
    vx, vy, vz = Value(x), Value(y), Value(z)
    f = vx * vy + vz
    f.backward()
    assert f.data == x * y + z
    assert (vx.grad, vy.grad, vz.grad) == (y, x, 1.0)


def _neuron(via_exp: bool) -> dict[str, Value]:
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    if via_exp:  # the lecture's second version: tanh spelled out with exp
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}


@pytest.mark.parametrize("via_exp", [False, True], ids=["tanh", "exp"])
def test_lecture_neuron(via_exp: bool) -> None:
    v = _neuron(via_exp)
    assert round(v["n"].data, 4) == 0.8814
    assert round(v["o"].data, 4) == 0.7071
    v["o"].backward()
    got = {k: round(v[k].grad, 4) for k in ("x1", "w1", "x2", "w2", "b", "n")}
    assert got == {"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5, "n": 0.5}


def micrograd_readme_example() -> tuple[Value, Value, Value]:
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
    return a, b, g


def test_micrograd_readme_example() -> None:
    a, b, g = micrograd_readme_example()
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"
