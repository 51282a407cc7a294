"""The scalar Value: micrograd's API, accumulation, deep graphs, determinism, numeric faults."""

from __future__ import annotations

import gc
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.engine import Value, paused_gc, topological_order, zero_grad
from playground.engine import value as value_module
from playground.ops import OPS, SCALAR
from playground.ops.table import ADD, MUL, RELU
from tests.engine.floats import bits, close

finite = st.floats(-1e150, 1e150, allow_nan=False, allow_infinity=False)


@pytest.fixture
def restore_gc():
    """Tests that touch the collector's settings put them back."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()
    else:
        gc.disable()


# --- micrograd's API -------------------------------------------------------------------------


def test_leaf_attributes() -> None:
    a = Value(2.5)
    assert a.data == 2.5 and a.grad == 0.0
    assert a._prev == () and a._op == ""
    assert Value(3).data == 3 and isinstance(Value(3).data, float)
    assert float(a) == 2.5


def test_label_kwarg_and_attribute() -> None:
    a = Value(1.0, label="a")
    assert a.label == "a"
    a.label = "alpha"
    assert a.label == "alpha"
    b = a * 2
    assert b.label == ""
    b.label = "b"
    assert b.label == "b"


def test_repr_like_micrograd() -> None:
    a = Value(2.0)
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    b = a * -1.5
    b.backward()
    assert repr(a) == "Value(data=2.0, grad=-1.5)"


def test_prev_is_an_ordered_tuple_of_the_operands() -> None:
    a, b = Value(1.0), Value(2.0)
    for node, operands in [
        (a * b, (a, b)), (b * a, (b, a)), (a + b, (a, b)), (b - a, (b, a)), (a / b, (a, b)),
        (b**a, (b, a)), (a.tanh(), (a,)), (-a, (a,)), (a.apply("sub", b), (a, b)),
    ]:
        assert isinstance(node._prev, tuple)
        assert len(node._prev) == len(operands)
        assert all(p is q for p, q in zip(node._prev, operands, strict=True))
    # a node used twice appears twice (micrograd's set would collapse it)
    s = a + a
    assert len(s._prev) == 2 and s._prev[0] is a and s._prev[1] is a


def test_op_is_a_string() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a + b)._op == "+"
    assert (a * b)._op == "*"
    assert a.tanh()._op == "tanh"
    assert a.exp()._op == "exp"
    for name, op in OPS.items():
        if op.scalar:
            node = a.apply(name, *([b] * (op.arity - 1)))
            if name == "powc":  # micrograd's _op for x**2 holds the exponent
                assert node._op == "**2" and node.op is op and (a**-1)._op == "**-1"
                continue
            assert isinstance(node._op, str) and node._op == op.symbol
            assert node.op is op


def _grad_of(build, *xs: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    out = build(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


A, B = 1.7, -0.6

# (expression, data, d/da) with the expected numbers from plain float math.
NUMBER_CASES = [
    ("a + 2", lambda a: a + 2, A + 2, 1.0),
    ("2 + a", lambda a: 2 + a, 2 + A, 1.0),
    ("a - 2", lambda a: a - 2, A - 2, 1.0),
    ("1 - a", lambda a: 1 - a, 1 - A, -1.0),
    ("a * 2", lambda a: a * 2, A * 2, 2.0),
    ("2 * a", lambda a: 2 * a, 2 * A, 2.0),
    ("a / 4", lambda a: a / 4, A / 4, 1 / 4),
    ("10 / a", lambda a: 10 / a, 10 / A, -10 / A**2),
    ("a ** 3", lambda a: a**3, A**3, 3 * A**2),
    ("a ** 0.5", lambda a: a**0.5, A**0.5, 0.5 * A**-0.5),
    ("2 ** a", lambda a: 2**a, 2**A, 2**A * math.log(2)),
    ("-a", lambda a: -a, -A, -1.0),
    ("a.exp()", lambda a: a.exp(), math.exp(A), math.exp(A)),
    ("a.log()", lambda a: a.log(), math.log(A), 1 / A),
    ("a.tanh()", lambda a: a.tanh(), math.tanh(A), 1 - math.tanh(A) ** 2),
    ("a.relu()", lambda a: a.relu(), A, 1.0),
    ("a.sigmoid()", lambda a: a.sigmoid(), 1 / (1 + math.exp(-A)),
     math.exp(-A) / (1 + math.exp(-A)) ** 2),
]


@pytest.mark.parametrize("text,build,data,slope", NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_operators_and_methods_with_numbers_on_either_side(text, build, data, slope) -> None:
    got, (grad,) = _grad_of(build, A)
    assert math.isclose(got, data, rel_tol=1e-15), text
    assert math.isclose(grad, slope, rel_tol=1e-12), text


def test_relu_negative_side() -> None:
    got, (grad,) = _grad_of(lambda a: a.relu(), -A)
    assert got == 0.0 and grad == 0.0


def test_value_exponent() -> None:
    got, (ga, gb) = _grad_of(lambda a, b: a**b, A, B)
    assert math.isclose(got, A**B, rel_tol=1e-15)
    assert math.isclose(ga, B * A ** (B - 1), rel_tol=1e-12)
    assert math.isclose(gb, A**B * math.log(A), rel_tol=1e-12)


def test_binary_operators_between_values() -> None:
    for text, fn, da, db in [
        ("a+b", lambda a, b: a + b, 1.0, 1.0),
        ("a-b", lambda a, b: a - b, 1.0, -1.0),
        ("a*b", lambda a, b: a * b, B, A),
        ("a/b", lambda a, b: a / b, 1 / B, -A / B**2),
    ]:
        got, (ga, gb) = _grad_of(fn, A, B)
        assert got == fn(A, B), text
        assert math.isclose(ga, da, rel_tol=1e-14) and math.isclose(gb, db, rel_tol=1e-14), text


def test_in_place_operators_build_new_nodes() -> None:
    a = Value(2.0)
    c = a
    c += 1
    c *= a
    c -= 1
    c /= 2
    assert c is not a and a.data == 2.0
    c.backward()
    assert c.data == ((2.0 + 1) * 2.0 - 1) / 2
    assert a.grad == (2 * 2.0 + 1) / 2


def test_sum_of_values_works() -> None:
    xs = [Value(float(i)) for i in range(5)]
    s = sum(xs)
    s.backward()
    assert s.data == 10.0 and all(x.grad == 1.0 for x in xs)


def test_apply_by_name() -> None:
    a, b = Value(3.0), Value(-2.0)
    c = a.apply("mul", b)
    c.backward()
    assert c.data == -6.0 and (a.grad, b.grad) == (-2.0, 3.0)
    assert a.apply("add", 1.5).data == 4.5
    assert a.apply("tanh").data == math.tanh(3.0)
    with pytest.raises(KeyError):
        a.apply("cosh")
    with pytest.raises(TypeError):
        a.apply("mul")
    with pytest.raises(TypeError):
        a.apply("neg", b)
    tensor_only = [n for n, op in OPS.items() if not op.scalar]
    for name in tensor_only:
        with pytest.raises(ValueError):
            a.apply(name, *([b] * (OPS[name].arity - 1)))


def test_subclass_operands_keep_their_gradient() -> None:
    """micrograd checks isinstance(other, Value): a subclass operand is a node, not a number."""

    class Named(Value):
        pass

    a, s = Value(2.0), Named(3.0)
    for build, da, ds in [
        (lambda: a + s, 1.0, 1.0), (lambda: a * s, 3.0, 2.0), (lambda: a - s, 1.0, -1.0),
        (lambda: s * a, 3.0, 2.0), (lambda: s + a, 1.0, 1.0),
    ]:
        a.grad = s.grad = 0.0
        out = build()
        assert any(p is s for p in out._prev)
        out.backward()
        assert (a.grad, s.grad) == (da, ds)


# --- accumulation ----------------------------------------------------------------------------


def test_a_plus_a() -> None:
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_shared_node_d_e_f() -> None:
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert f.data == -6.0
    # df/da = b*e + d = 3*1 - 6 = -3; df/db = a*e + d = -2 - 6 = -8 (lecture numbers)
    assert (a.grad, b.grad) == (-3.0, -8.0)
    assert (d.grad, e.grad) == (e.data, d.data)


def test_backward_twice_accumulates_into_leaves_like_pytorch() -> None:
    a, b = Value(1.5), Value(-2.0)
    d = a * b
    e = d.tanh()
    f = e * a
    f.backward()
    first = {"a": a.grad, "b": b.grad, "d": d.grad, "e": e.grad, "f": f.grad}
    f.backward()
    # a reaches f by two paths, and each edge adds into a.grad, so the second pass adds
    # p1 then p2 rather than (p1 + p2): equal to doubling up to the last bit.
    assert math.isclose(a.grad, 2 * first["a"], rel_tol=1e-15)
    assert b.grad == 2 * first["b"]  # one path: exactly doubled
    # interior nodes hold the latest pass only
    assert (d.grad, e.grad, f.grad) == (first["d"], first["e"], first["f"])


def test_backward_twice_matches_pytorch_when_available() -> None:
    torch = pytest.importorskip("torch")
    a, b = Value(1.5), Value(-2.0)
    f = (a * b).tanh() * a
    f.backward()
    f.backward()
    ta = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    tf = (ta * tb).tanh() * ta
    tf.backward(retain_graph=True)
    tf.backward()
    assert math.isclose(a.grad, ta.grad.item(), rel_tol=1e-15)
    assert math.isclose(b.grad, tb.grad.item(), rel_tol=1e-15)


def test_backward_with_seed_gradient() -> None:
    a = Value(3.0)
    y = a * a
    y.backward(2.5)
    assert y.grad == 2.5 and a.grad == 2.5 * 6.0


def test_zero_grad_method_and_function() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b + a
    c.backward()
    assert a.grad != 0 and b.grad != 0
    c.zero_grad()
    assert all(v.grad == 0.0 for v in topological_order(c))
    c.backward()
    assert (a.grad, b.grad) == (3.0, 1.0)  # fresh, not accumulated
    d = b.exp()
    c.backward()
    d.backward()
    zero_grad(c, d)
    assert all(v.grad == 0.0 for r in (c, d) for v in topological_order(r))


def test_leaf_backward() -> None:
    a = Value(4.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


# --- order and depth -------------------------------------------------------------------------


def test_topological_order_children_first_each_node_once() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert len(order) == len({id(v) for v in order}) == 5
    pos = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for child in v._prev:
            assert pos[id(child)] < pos[id(v)]
    assert order[-1] is e


def test_million_deep_chain() -> None:
    """micrograd dies at ~1,000 (RecursionError); this must handle 1,000,000."""
    x, c = Value(0.5), Value(1e-6)
    y = x
    with paused_gc():  # the documented way to build a big graph: no collector passes
        for _ in range(1_000_000):
            y = y + c
    y.backward()
    assert x.grad == 1.0
    assert c.grad == 1_000_000.0
    assert math.isclose(y.data, 0.5 + 1.0, rel_tol=1e-9)
    del y  # freeing a million-deep chain must not overflow the C stack either


def test_deep_unary_chain() -> None:
    x = Value(0.3)
    y = x
    for _ in range(200_000):
        y = -y
    y.backward()
    assert y.data == 0.3 and x.grad == 1.0


# --- determinism -----------------------------------------------------------------------------


def _random_graph(seed: int) -> tuple[Value, list[Value]]:
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-2, 2)) for _ in range(6)]
    pool = list(leaves)
    for _ in range(400):
        kind = rng.choice(["add", "mul", "sub", "div", "tanh", "sigmoid", "relu", "exp_s"])
        x, y = rng.choice(pool), rng.choice(pool)
        if kind == "add":
            v = x + y
        elif kind == "mul":
            v = (x * y).tanh()
        elif kind == "sub":
            v = x - y
        elif kind == "div":
            v = x / (y.sigmoid() + 0.5)
        elif kind == "exp_s":
            v = (x.tanh()).exp()
        else:
            v = getattr(x, kind)()
        pool.append(v)
    out = pool[-1]
    for v in rng.sample(pool, 50):
        out = out + v
    return out, leaves


def test_same_graph_twice_gives_bitwise_identical_grads() -> None:
    for seed in range(5):
        out1, leaves1 = _random_graph(seed)
        out2, leaves2 = _random_graph(seed)
        out1.backward()
        out2.backward()
        assert bits(out1.data) == bits(out2.data)
        assert [bits(v.grad) for v in leaves1] == [bits(v.grad) for v in leaves2]
        assert any(v.grad != 0 for v in leaves1)


# --- numeric faults: never raise, PyTorch float64 semantics ------------------------------------

INF, NAN = math.inf, math.nan

FAULTS = [
    ("1/0", lambda: Value(1.0) / 0, INF),
    ("-1/0", lambda: Value(-1.0) / 0, -INF),
    ("1/-0.0", lambda: Value(1.0) / -0.0, -INF),
    ("0/0", lambda: Value(0.0) / 0, NAN),
    ("10/Value(0)", lambda: 10 / Value(0.0), INF),
    ("log(0)", lambda: Value(0.0).log(), -INF),
    ("log(-1)", lambda: Value(-1.0).log(), NAN),
    ("exp(1000)", lambda: Value(1000.0).exp(), INF),
    ("0**-1", lambda: Value(0.0) ** -1, INF),
    ("(-8)**(1/3)", lambda: Value(-8.0) ** (1 / 3), NAN),
    ("10**400", lambda: Value(10.0) ** 400, INF),
    ("2**Value(5000)", lambda: 2 ** Value(5000.0), INF),
    ("sigmoid(-1000)", lambda: Value(-1000.0).sigmoid(), 0.0),
    ("tanh(1000)", lambda: Value(1000.0).tanh(), 1.0),
]


@pytest.mark.parametrize("text,build,expected", FAULTS, ids=[f[0] for f in FAULTS])
def test_numeric_faults_never_raise(text, build, expected) -> None:
    out = build()
    assert close(out.data, expected), (text, out.data)
    out.backward()  # must not raise either
    for v in topological_order(out):
        assert isinstance(v.grad, float)


def _torch_of(text: str):
    torch = pytest.importorskip("torch")

    def t(x):
        return torch.tensor(float(x), dtype=torch.float64, requires_grad=True)

    return {
        "1/0": lambda: (lambda a, b: (a / b, [a, b]))(t(1), t(0)),
        "-1/0": lambda: (lambda a, b: (a / b, [a, b]))(t(-1), t(0)),
        "1/-0.0": lambda: (lambda a, b: (a / b, [a, b]))(t(1), t(-0.0)),
        "0/0": lambda: (lambda a, b: (a / b, [a, b]))(t(0), t(0)),
        "10/Value(0)": lambda: (lambda a, b: (a / b, [a, b]))(t(10), t(0)),
        "log(0)": lambda: (lambda a: (torch.log(a), [a]))(t(0)),
        "log(-1)": lambda: (lambda a: (torch.log(a), [a]))(t(-1)),
        "exp(1000)": lambda: (lambda a: (torch.exp(a), [a]))(t(1000)),
        # a number exponent: powc, torch's pow(Tensor, Scalar)
        "0**-1": lambda: (lambda a: (a**-1, [a]))(t(0)),
        "(-8)**(1/3)": lambda: (lambda a: (a ** (1 / 3), [a]))(t(-8)),
        "10**400": lambda: (lambda a: (a**400, [a]))(t(10)),
        "2**Value(5000)": lambda: (lambda a, b: (a**b, [a, b]))(t(2), t(5000)),
        "sigmoid(-1000)": lambda: (lambda a: (torch.sigmoid(a), [a]))(t(-1000)),
        "tanh(1000)": lambda: (lambda a: (torch.tanh(a), [a]))(t(1000)),
    }[text]


@pytest.mark.parametrize("text,build,expected", FAULTS, ids=[f[0] for f in FAULTS])
def test_numeric_fault_gradients_match_pytorch(text, build, expected) -> None:
    torch_build = _torch_of(text)
    out = build()
    out.backward()
    leaves = list(out._prev)  # the numbers became constant leaves, in operand order
    t_out, t_leaves = torch_build()
    t_out.backward()
    assert close(out.data, t_out.item(), rel=0.0), (text, out.data, t_out.item())
    for v, t in zip(leaves, t_leaves, strict=True):
        assert close(v.grad, t.grad.item(), rel=1e-15), (text, v.grad, t.grad.item())


# --- the inlined add/mul fast paths -----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(a=finite, b=finite, g=finite)
def test_inlined_add_and_mul_agree_with_the_table(a: float, b: float, g: float) -> None:
    for op, build in [(ADD, lambda x, y: x + y), (MUL, lambda x, y: x * y)]:
        x, y = Value(a), Value(b)
        out = build(x, y)
        assert out.op is op
        assert bits(out.data) == bits(op.forward(SCALAR, a, b))
        out.backward(g)
        da, db = op.local(SCALAR, a, b, out.data)
        # grads start at +0.0 and accumulate: 0.0 + (-0.0) is +0.0
        assert bits(x.grad) == bits(0.0 + da * g) and bits(y.grad) == bits(0.0 + db * g)
        # the generic path (apply, and the node's micrograd-style _backward) agrees too
        x2, y2 = Value(a), Value(b)
        out2 = x2.apply(op.name, y2)
        assert bits(out2.data) == bits(out.data)
        out2.grad = g
        out2._backward()
        assert bits(x2.grad) == bits(x.grad) and bits(y2.grad) == bits(y.grad)


@settings(max_examples=200, deadline=None)
@given(a=finite, b=finite, g=finite)
def test_reflected_add_and_mul_agree_with_the_table(a: float, b: float, g: float) -> None:
    for op, build in [(ADD, lambda x, y: x + y), (MUL, lambda x, y: x * y)]:
        y = Value(b)
        out = build(a, y)
        assert out.op is op
        assert bits(out.data) == bits(op.forward(SCALAR, a, b))
        assert out._prev[0].data == a and out._prev[1] is y  # the number is the first operand
        out.backward(g)
        assert bits(y.grad) == bits(0.0 + op.local(SCALAR, a, b, out.data)[1] * g)


special = st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, 1e-300, -1e-300])


@settings(max_examples=300, deadline=None)
@given(x=finite | special, g=finite | special)
def test_inlined_relu_agrees_with_the_table(x: float, g: float) -> None:
    a = Value(x)
    out = a.relu()
    assert out.op is RELU and out._prev == (a,)
    assert bits(out.data) == bits(RELU.forward(SCALAR, x))
    out.backward(g)
    # the table's derivative, blocked by its mask as torch's where() blocks it
    (blocked,) = RELU.mask(SCALAR, x, out.data)
    assert bits(a.grad) == bits(0.0 + (0.0 if blocked else RELU.local(SCALAR, x, out.data)[0] * g))
    a2 = Value(x)
    out2 = a2.apply("relu")
    out2.grad = g
    out2._backward()
    assert bits(a2.grad) == bits(a.grad)


def test_backward_from_roots_that_share_nodes_starts_fresh_each_time() -> None:
    """Interior grads are reset per pass (leaves accumulate), whichever root walked them last,
    and a node reached through many parents gets every contribution once."""
    x, w = Value(1.5), Value(-2.0)
    h = (x * w).relu() + x  # relu is dead: x*w < 0
    shared = h * h + h
    r1 = shared * 3.0 + h
    r2 = shared - h
    r1.backward()
    # d r1/d h = 3*(2h + 1) + 1, and dh/dx = 1 (the relu is dead)
    assert h.grad == 3 * (2 * h.data + 1) + 1
    assert x.grad == h.grad
    r2.backward()
    assert h.grad == (2 * h.data + 1) - 1  # a fresh pass, not the sum of both
    assert shared.grad == 1.0
    assert x.grad == 3 * (2 * h.data + 1) + 1 + 2 * h.data  # leaves accumulate
    assert w.grad == 0.0
    r1.backward()  # again: the same interior grads as the first pass
    assert h.grad == 3 * (2 * h.data + 1) + 1


def test_backward_of_a_leaf_and_of_a_node_over_opaque_children() -> None:
    a = Value(2.0)
    a.backward()
    a.backward(0.5)
    assert a.grad == 1.5
    c = Value(5.0, (a,), "opaque")  # no backward step: a constant for gradients
    d = c * c
    d.backward()
    assert c.grad == 10.0 and a.grad == 1.5


# --- micrograd-style custom ops --------------------------------------------------------------


def _cube(self: Value) -> Value:
    """Written exactly as a micrograd user would."""
    out = Value(self.data**3, (self,), "cube")

    def _backward() -> None:
        self.grad += 3 * self.data**2 * out.grad

    out._backward = _backward
    return out


def test_micrograd_style_custom_op() -> None:
    a = Value(1.5)
    c = _cube(a)
    assert c._op == "cube" and c._prev == (a,)
    y = c * 2 + a
    y.backward()
    assert y.data == 2 * 1.5**3 + 1.5
    assert a.grad == 2 * 3 * 1.5**2 + 1


def test_custom_op_without_backward_is_a_constant() -> None:
    a = Value(2.0)
    c = Value(a.data * 10, (a,), "opaque")
    y = c * a
    y.backward()
    assert a.grad == c.data  # only the direct path; opaque passes nothing, like micrograd


def test_more_than_two_children_refused() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    with pytest.raises(ValueError):
        Value(6.0, (a, b, c), "sum3")


# --- memory and the garbage collector ---------------------------------------------------------


def test_graphs_form_no_reference_cycles(restore_gc) -> None:
    gc.collect()
    gc.disable()
    out, _ = _random_graph(7)
    out.backward()
    _ = [v.grad for v in topological_order(out)]
    del out, _
    assert gc.collect() == 0, "Value graphs must be freed by reference counting alone"


def test_make_room_for_graph_only_raises_and_is_capped(restore_gc) -> None:
    make_room = value_module.make_room_for_graph
    cap = value_module.GC_THRESHOLD_CAP
    gc.set_threshold(700, 10, 10)
    make_room(100)
    assert gc.get_threshold() == (700, 10, 10)
    make_room(10_000)
    assert gc.get_threshold() == (20_000, 10, 10)
    make_room(50)
    assert gc.get_threshold() == (20_000, 10, 10)  # never lowered
    make_room(10**9)
    assert gc.get_threshold() == (cap, 10, 10)
    gc.set_threshold(0, 10, 10)  # collector turned off through the threshold: left alone
    make_room(10_000)
    assert gc.get_threshold() == (0, 10, 10)


def test_backward_raises_threshold_for_big_graphs(restore_gc) -> None:
    gc.set_threshold(700, 10, 10)
    x, c = Value(1.0), Value(2.0)
    y = x
    for _ in range(5_000):
        y = y + c
    y.backward()
    assert gc.get_threshold()[0] >= 10_000
    assert gc.get_threshold()[0] <= value_module.GC_THRESHOLD_CAP


def test_paused_gc_restores_state_and_nests(restore_gc) -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner exit must not re-enable
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()  # was off, stays off


def test_backward_leaves_gc_as_it_found_it(restore_gc) -> None:
    a = Value(1.0)
    y = a * a
    gc.enable()
    y.backward()
    assert gc.isenabled()
    gc.disable()
    y.backward()
    assert not gc.isenabled()
