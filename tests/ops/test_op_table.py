"""The op table: integrity, forward values (scalar vs array namespace) and local derivatives.

Local derivatives are checked against central finite differences of the op's own scalar
forward, at random points (hypothesis) and at the awkward points where engines go wrong.
"""

from __future__ import annotations

import ast
import itertools
import math
import string
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.ops import ARRAY, OPS, SCALAR, Op, by_category, get, register
from tests.engine.floats import close

EPS = sys.float_info.epsilon
INF, NAN = math.inf, math.nan

# The ops issue 2 asks for. Later issues add tensor ops to the same table.
ISSUE_OPS = {"add", "sub", "mul", "div", "pow", "neg", "exp", "log", "tanh", "relu", "sigmoid"}
SCALAR_OPS = [name for name, op in OPS.items() if op.scalar]


# --- finite differences --------------------------------------------------------------------


def _step(x: float) -> float:
    """A step relative to |x|, so tiny and huge arguments are probed at their own scale."""
    if x == 0:
        return 1e-6
    h = 1e-6 * abs(x)
    return h if h >= sys.float_info.min else abs(x)  # subnormal x: the smallest useful step


def central_difference(op: Op, args: tuple[float, ...], i: int, h: float) -> tuple[float, float]:
    """(f(x+h) - f(x-h)) / 2h along argument i, and a bound on its rounding error."""
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    f_up, f_down = op.forward(SCALAR, *up), op.forward(SCALAR, *down)
    slope = (f_up - f_down) / (up[i] - down[i])
    roundoff = 8 * EPS * max(abs(f_up), abs(f_down)) / (up[i] - down[i])
    return slope, roundoff


def assert_local_matches_fd(
    op: Op,
    args: tuple[float, ...],
    slots: tuple[int, ...] | None = None,
    rel: float = 1e-5,
    abs_: float = 0.0,
) -> None:
    out = op.forward(SCALAR, *args)
    local = op.local(SCALAR, *args, out)
    assert len(local) == op.arity
    for i in range(op.arity) if slots is None else slots:
        slope, roundoff = central_difference(op, args, i, _step(args[i]))
        assert math.isfinite(slope), (op.name, args, i, slope)
        # Below 1e-307 (subnormals) a float has too few digits for a relative comparison.
        tol = roundoff + abs_ + 1e-307
        assert close(float(local[i]), slope, rel=rel, abs_=tol), (
            f"{op.name}{args}: d/d{op.slots[i]} = {local[i]!r}, finite difference {slope!r}"
        )


# --- table integrity -------------------------------------------------------------------------


def test_issue_ops_are_registered_and_scalar() -> None:
    assert set(OPS) >= ISSUE_OPS
    assert all(OPS[name].scalar and OPS[name].elementwise for name in ISSUE_OPS)


@pytest.mark.parametrize("name", list(OPS))
def test_entry_is_consistent(name: str) -> None:
    op = OPS[name]
    assert op.name == name
    assert get(name) is op
    assert op.arity >= 1
    assert op.arity == len(op.slots) == len(op.local_text)
    assert len(set(op.slots)) == len(op.slots)
    assert all(isinstance(t, str) and t for t in op.local_text)
    if op.elementwise:
        assert op.vjp is None
        assert not op.params or op.name == "powc"  # x**n: the exponent is its one parameter
    else:
        assert op.vjp is not None
    assert op.symbol and op.category and op.description


def test_names_and_symbols_unique() -> None:
    names = [op.name for op in OPS.values()]
    assert len(names) == len(set(names))
    symbols = [op.symbol for op in OPS.values()]
    assert len(symbols) == len(set(symbols)), "two palette nodes would look the same"


def _placeholders(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("which", ["py", "torch"])
def test_export_templates_have_one_placeholder_per_input(name: str, which: str) -> None:
    op = OPS[name]
    template = getattr(op, which)
    fields = set(_placeholders(template))
    positional = {f for f in fields if f.isdigit()}
    assert positional == {str(i) for i in range(op.arity)}, template
    assert fields - positional <= set(op.params), template  # keyword fields are op params
    # Filled in with operand names and default params, it is a valid Python expression.
    params = {k: repr(v) for k, v in op.params.items()}
    code = template.format(*[f"x{i}" for i in range(op.arity)], **params)
    tree = ast.parse(code, mode="eval")
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert {f"x{i}" for i in range(op.arity)} <= used


def test_register_refuses_bad_entries() -> None:
    before = dict(OPS)
    add = OPS["add"]
    fields = {
        "name": "_test_bad", "arity": 2, "symbol": "?", "category": "Test", "slots": ("a", "b"),
        "forward": add.forward, "local": add.local, "local_text": ("1", "1"),
        "description": "", "py": "{0}", "torch": "{0}",
    }
    with pytest.raises(ValueError, match="twice"):
        register(Op(**{**fields, "name": "add"}))
    with pytest.raises(ValueError, match="one entry per input"):
        register(Op(**{**fields, "slots": ("a",)}))
    with pytest.raises(ValueError, match="one entry per input"):
        register(Op(**{**fields, "local_text": ("1",)}))
    with pytest.raises(ValueError, match="exactly one"):
        register(Op(**{**fields, "local": None}))
    with pytest.raises(ValueError, match="exactly one"):
        register(Op(**{**fields, "vjp": lambda g, out, a, b: (g, g)}))
    assert before == OPS


def test_get_unknown_op_raises_key_error() -> None:
    with pytest.raises(KeyError, match="cosh"):
        get("cosh")


def test_by_category_lists_every_op_once_in_table_order() -> None:
    listed = [op for _, ops in by_category() for op in ops]
    assert sorted(op.name for op in listed) == sorted(OPS)
    order = list(OPS)
    for _, ops in by_category():
        positions = [order.index(op.name) for op in ops]
        assert positions == sorted(positions)


# --- forward: scalar namespace vs array namespace --------------------------------------------

AWKWARD = [
    0.0, -0.0, 5e-324, 1e-300, -1e-300, 1e-8, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -8.0,
    1 / 3, 30.0, -30.0, 800.0, -800.0, 700.0, 709.7, 710.0, 1000.0, -1000.0, 1e200, -1e200,
    1e300, -1e300, INF, -INF, NAN,
]


def _points(arity: int) -> list[tuple[float, ...]]:
    rng = np.random.default_rng(1234)
    pts = list(itertools.product(AWKWARD, repeat=arity))
    mags = 10.0 ** rng.uniform(-6, 3, size=(400, arity))
    signs = rng.choice([-1.0, 1.0], size=(400, arity))
    pts += [tuple(float(v) for v in row) for row in mags * signs]
    pts += [tuple(float(v) for v in row) for row in rng.normal(0, 2, size=(400, arity))]
    return pts


def _array_eval(op: Op, pts: list[tuple[float, ...]]) -> tuple[np.ndarray, list[np.ndarray]]:
    cols = [np.array([p[i] for p in pts], dtype=np.float64) for i in range(op.arity)]
    # The local formulas are compared given the same `out` (the scalar one): numpy's tanh may
    # differ from math.tanh in the last bit, and 1 - out**2 magnifies that near saturation.
    scalar_out = np.array([op.forward(SCALAR, *p) for p in pts], dtype=np.float64)
    # The formulas use plain numpy operators (a - b, b * b), which warn on inf - inf or
    # overflow; the array consumers (Tensor, graph.evaluate) run them under np.errstate.
    with np.errstate(all="ignore"):
        out = op.forward(ARRAY, *cols)
        local = op.local(ARRAY, *cols, scalar_out)
    return out, [np.broadcast_to(d, out.shape) for d in local]


@pytest.mark.parametrize("name", SCALAR_OPS)
def test_scalar_and_array_namespaces_agree(name: str) -> None:
    op = OPS[name]
    pts = _points(op.arity)
    out_arr, local_arr = _array_eval(op, pts)
    assert out_arr.dtype == np.float64
    for k, p in enumerate(pts):
        out = op.forward(SCALAR, *p)  # never raises, whatever the input
        assert isinstance(out, float), (name, p, type(out))
        assert close(out, float(out_arr[k]), rel=4 * EPS), (name, p, out, out_arr[k])
        local = op.local(SCALAR, *p, out)
        for i in range(op.arity):
            assert close(float(local[i]), float(local_arr[i][k]), rel=1e-14), (
                name, p, i, local[i], local_arr[i][k],
            )


# --- local derivatives vs finite differences at random points --------------------------------


def _signed(lo_exp: float, hi_exp: float) -> st.SearchStrategy[float]:
    """±10**u for u uniform in [lo_exp, hi_exp]: every scale, both signs, never zero."""
    return st.builds(
        lambda u, s: s * 10.0**u,
        st.floats(lo_exp, hi_exp, allow_nan=False),
        st.sampled_from([-1.0, 1.0]),
    )


def _real(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


# Smooth regions of each op (kinks and poles have their own tests below).
DOMAINS: dict[str, st.SearchStrategy[tuple[float, ...]]] = {
    "add": st.tuples(_real(-1e6, 1e6), _real(-1e6, 1e6)),
    "sub": st.tuples(_real(-1e6, 1e6), _real(-1e6, 1e6)),
    "mul": st.tuples(_signed(-100, 100), _signed(-100, 100)),
    "div": st.tuples(_signed(-100, 100), _signed(-100, 100)),
    "powc": st.tuples(_signed(-100, 100)),  # at its default exponent 2; other n: test_powc.py
    "pow": st.one_of(
        st.tuples(_real(1e-3, 50.0), _real(-5.0, 5.0)),
        st.tuples(_real(-50.0, -1e-3), st.integers(-5, 5).map(float)),
    ),
    "neg": st.tuples(_real(-1e300, 1e300)),
    "exp": st.tuples(_real(-700.0, 709.0)),
    "log": st.tuples(_signed(-300, 300).map(abs)),
    "tanh": st.tuples(_real(-25.0, 25.0)),
    "relu": st.tuples(_signed(-300, 300)),
    "sigmoid": st.tuples(_real(-800.0, 800.0)),
}


def test_every_scalar_op_has_a_finite_difference_domain() -> None:
    """Adding an op means adding its tests: this fails until DOMAINS covers it."""
    assert set(SCALAR_OPS) == set(DOMAINS)


@pytest.mark.parametrize("name", SCALAR_OPS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_local_derivatives_match_finite_differences(name: str, data: st.DataObject) -> None:
    op = OPS[name]
    args = data.draw(DOMAINS[name], label="args")
    if name == "pow" and args[0] < 0:
        # Negative base, integer exponent: the base slope is real, the exponent's is nan.
        assert_local_matches_fd(op, args, slots=(0,))
        assert math.isnan(op.local(SCALAR, *args, op.forward(SCALAR, *args))[1])
    else:
        assert_local_matches_fd(op, args)


# --- awkward points ---------------------------------------------------------------------------


def _local(name: str, *args: float) -> tuple[float, tuple[float, ...]]:
    op = OPS[name]
    out = op.forward(SCALAR, *args)
    return out, tuple(float(d) for d in op.local(SCALAR, *args, out))


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_relu_derivative_at_zero_is_zero_as_in_pytorch(x: float) -> None:
    out, (d,) = _local("relu", x)
    assert out == 0.0
    assert d == 0.0
    # The one-sided slopes really differ there, so 0 is a convention, not a measurement.
    right = OPS["relu"].forward(SCALAR, 1e-9) / 1e-9
    left = (0.0 - OPS["relu"].forward(SCALAR, -1e-9)) / 1e-9
    assert (left, right) == (0.0, 1.0)


@pytest.mark.parametrize("x", [1e-3, -1e-3, 1e-300, -1e-300, 5e-324, -5e-324])
def test_relu_just_off_zero(x: float) -> None:
    _, (d,) = _local("relu", x)
    assert d == (1.0 if x > 0 else 0.0)
    assert_local_matches_fd(OPS["relu"], (x,))


@pytest.mark.parametrize("x", [1e-300, 1e-200, 1e-100, 1e-10, 1e-5, 1e-3, 0.1])
def test_log_near_zero(x: float) -> None:
    assert_local_matches_fd(OPS["log"], (x,), rel=1e-6)


def test_log_at_and_below_zero_never_raises() -> None:
    out, (d,) = _local("log", 0.0)
    assert out == -INF and d == INF
    out, (d,) = _local("log", -0.0)
    assert out == -INF and d == -INF
    out, (d,) = _local("log", -1.0)
    assert math.isnan(out) and d == -1.0  # the derivative formula 1/x is still evaluated
    out, (d,) = _local("log", 5e-324)
    assert out == math.log(5e-324) and d == INF  # 1/5e-324 overflows


@pytest.mark.parametrize(
    "base,exponent",
    [(-2.0, 3.0), (-2.0, 2.0), (-1.5, 4.0), (-3.0, -1.0), (-0.5, -2.0), (-7.0, 5.0),
     (-2.0, 0.0), (-1e-3, 3.0), (-40.0, -3.0)],
)
def test_pow_negative_base_integer_exponent(base: float, exponent: float) -> None:
    op = OPS["pow"]
    out, (_, d_exp) = _local("pow", base, exponent)
    assert out == base**exponent  # real, no complex, no nan
    assert_local_matches_fd(op, (base, exponent), slots=(0,), rel=1e-6)
    assert math.isnan(d_exp)  # out * log(negative), as in PyTorch


@pytest.mark.parametrize(
    "base,exponent",
    [(2.0, 3.5), (0.5, -1.2), (3.0, 0.0), (1.0, 7.0), (10.0, -2.0), (0.3, 0.5), (1e-3, 2.5),
     (2.0, 1000.0), (0.0, 2.0), (0.0, 3.0)],
)
def test_pow_with_value_exponent_both_slopes(base: float, exponent: float) -> None:
    # At base 0 the central difference of x**3 is h**2, not 0: allow that truncation.
    assert_local_matches_fd(OPS["pow"], (base, exponent), rel=1e-6, abs_=1e-11)


def test_pow_at_zero_base_follows_pytorch_masks() -> None:
    # Exponent 0: d/dbase is 0 everywhere, even where base**-1 would be inf or nan.
    for base in (0.0, 2.0, -2.0, INF, -INF, NAN):
        out, (d_base, _) = _local("pow", base, 0.0)
        assert out == 1.0 and d_base == 0.0, base
    # base == 0 <= exponent: d/dexponent is 0, not 0 * log(0) = nan.
    for exponent in (0.0, 0.5, 2.0):
        _, (_, d_exp) = _local("pow", 0.0, exponent)
        assert d_exp == 0.0
    out, (d_base, d_exp) = _local("pow", 0.0, -1.0)
    assert out == INF and d_base == -INF and d_exp == -INF


@pytest.mark.parametrize("x", [30.0, -30.0, 1000.0, -1000.0, 20.0, -20.0, INF, -INF])
def test_tanh_large_arguments(x: float) -> None:
    out, (d,) = _local("tanh", x)
    assert out == math.copysign(1.0, x)
    assert d == 0.0
    if math.isfinite(x):
        assert_local_matches_fd(OPS["tanh"], (x,))


@pytest.mark.parametrize("x", [5.0, -5.0, 9.0, -9.0, 12.0, -12.0])
def test_tanh_derivative_keeps_precision_near_saturation(x: float) -> None:
    """1 - out**2 cancels near |out| = 1; (1 - out)(1 + out) keeps full relative precision."""
    out, (d,) = _local("tanh", x)
    exact = (1.0 - out) * (1.0 + out)  # exact 1 - out^2 up to one rounding of each factor
    assert math.isclose(d, exact, rel_tol=4 * EPS)
    assert math.isclose(d, 1.0 / math.cosh(x) ** 2, rel_tol=1e-16 / (1.0 - abs(out)) * 4)


@pytest.mark.parametrize("x", [800.0, -800.0, 745.0, -745.0, 1e308, -1e308, INF, -INF])
def test_sigmoid_extreme_arguments(x: float) -> None:
    out, (d,) = _local("sigmoid", x)
    assert 0.0 <= out <= 1.0
    assert out == (1.0 if x > 0 else pytest.approx(0.0, abs=1e-300))
    assert d >= 0.0 and d == out * (1.0 - out)
    if abs(x) == 800.0:
        assert d == 0.0
        assert_local_matches_fd(OPS["sigmoid"], (x,))


@pytest.mark.parametrize("x", [-30.0, -5.0, -1e-8, 0.0, 1e-8, 5.0, 30.0, 40.0])
def test_sigmoid_moderate_arguments(x: float) -> None:
    assert_local_matches_fd(OPS["sigmoid"], (x,), rel=1e-6)


@pytest.mark.parametrize("x", [700.0, 705.5, 709.0, 709.78])
def test_exp_near_overflow(x: float) -> None:
    out, (d,) = _local("exp", x)
    assert math.isfinite(out) and d == out
    assert_local_matches_fd(OPS["exp"], (x,), rel=1e-6)


@pytest.mark.parametrize("x", [710.0, 1000.0, 1e308, INF])
def test_exp_overflow_is_inf_not_an_exception(x: float) -> None:
    out, (d,) = _local("exp", x)
    assert out == INF and d == INF


@pytest.mark.parametrize(
    "a,b",
    [(1.0, 1e-300), (1e-300, 1e-300), (-1e-300, 3e-300), (0.0, 1e-300), (1e200, 1e200),
     (-3.0, 1e160), (1.0, -1e-150), (2.5, 1e-3), (1e-3, 1e-3)],
)
def test_div_with_tiny_and_huge_denominators(a: float, b: float) -> None:
    """d(a/b)/db must not under/overflow in b*b where the true slope is representable."""
    out, (d_a, d_b) = _local("div", a, b)
    assert out == a / b and d_a == 1 / b
    expected = -(a / b) / b  # PyTorch's div backward for the denominator
    assert d_b == expected
    if math.isfinite(expected) and expected != 0:
        assert_local_matches_fd(OPS["div"], (a, b), rel=1e-6)


def test_div_by_zero_never_raises() -> None:
    assert _local("div", 1.0, 0.0)[0] == INF
    assert _local("div", -1.0, 0.0)[0] == -INF
    assert _local("div", 1.0, -0.0)[0] == -INF
    assert math.isnan(_local("div", 0.0, 0.0)[0])
    assert math.isnan(_local("div", NAN, 0.0)[0])
    _, (d_a, d_b) = _local("div", 1.0, 0.0)
    assert d_a == INF and d_b == -INF
