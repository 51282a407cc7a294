"""THE op table: every operation of the playground is defined here, once.

An entry holds what each consumer needs: the scalar ``Value`` and the numpy ``Tensor`` evaluate
``forward`` and ``local`` against their math namespace (see ``mathlib``); the palette reads
``category``, ``symbol`` and ``slots``; the exporters read ``py`` and ``torch``; the step-through
explanation reads ``local_text`` and ``hint``; the expression parser and its help read
``operator``, ``method`` and ``listed``; evaluate's "why is this nan" reads ``nonfinite``.
Element-wise ops give ``local``: the derivative of the output with respect to each input, with
the output ``out`` in scope (tanh's is ``1 - out**2``). Ops that are not element-wise (matmul,
sum, ...) give ``vjp`` instead.

Adding an op means adding one ``register(Op(...))`` call here (its formulas use ``mathlib``),
plus its tests. The chain rule through an entry is written once, in ``chain.contributions``; the
engines give ``Value`` and ``Tensor`` a method per element-wise entry (``x.tanh()``, or the
operator named by ``operator``: ``a - b``) through ``watch``, also for entries added later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Fn = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class Op:
    name: str
    """Stable identifier used in files and code ("mul")."""
    arity: int
    symbol: str
    """What a node shows ("*", "tanh")."""
    category: str
    """Palette group."""
    slots: tuple[str, ...]
    """Input port names, one per operand."""
    forward: Fn
    """forward(m, *inputs) -> output, with m a math namespace (mathlib.SCALAR or ARRAY)."""
    local: Fn | None
    """local(m, *inputs, out) -> tuple of d out / d input_i (element-wise ops)."""
    local_text: tuple[str, ...]
    """Each local derivative as a formula in the slot names, for explanations."""
    description: str
    py: str
    """Expression template for the engine (micrograd-style) exporter: "{0} * {1}"."""
    torch: str
    """Expression template for the PyTorch exporter."""
    vjp: Fn | None = None
    """For ops that are not element-wise: vjp(g, out, *inputs, **params) -> grads per input."""
    params: dict[str, Any] = field(default_factory=dict)
    """Default keyword parameters of non-element-wise ops (e.g. axis)."""
    scalar: bool = True
    """Whether the scalar Value engine supports this op."""
    mask: Fn | None = None
    """mask(m, *inputs, out) -> per input, where the gradient is blocked. PyTorch writes these
    ops' backward with where(): there the contribution is exactly 0, even when the gradient
    from above is inf or nan (where local * grad would give 0 * inf = nan). The engines
    apply it; ``local`` stays the plain derivative."""
    # What the texts read: the expression parser and its help, the step-through, evaluate.
    operator: str = ""
    """The Python operator the expression parser reads as this op ("+", "@"; neg's "-" is
    the unary one). Every op can also be called by its name: ``tanh(x)``, ``x.pow(y)``."""
    method: bool = False
    """The parser names ``x.name()`` among the calls it knows (one input, no parameter
    needed)."""
    listed: int | None = None
    """Where the expression help ("+ - * / ** and .tanh() ...") lists it, lowest first,
    operators before methods; None: not listed."""
    hint: str = ""
    """Why its local derivative is what it is, in a few words (the step-through shows it)."""
    nonfinite: Fn | None = None
    """nonfinite(*inputs) -> why finite inputs gave nan or inf (a classic case), else None.
    The inputs are float64 arrays, with numpy's warnings off."""
    shape: Fn | None = None
    """shape(*input_shapes, **params) -> the result's shape, from the shapes alone (no
    numbers), so evaluation can refuse a result too large before computing it
    (``graph/limits.py``). Element-wise ops need none (numpy broadcasting). Any other op
    whose result can hold more numbers than its inputs together (matmul, linear, indexing
    with integer arrays) must give one; without it that total is the estimate."""

    @property
    def elementwise(self) -> bool:
        return self.local is not None

    @property
    def methods(self) -> tuple[tuple[str, bool], ...]:
        """The methods an element-wise op gives Value and Tensor, each with whether it is the
        reflected form (``__rsub__``: ``2 - a``): ``operator``'s, or one named after the op.
        An element-wise op with a parameter (powc) has none: ``x**2`` makes it."""
        if self.local is None or self.params:
            return ()
        if not self.operator:
            return ((self.name, False),)
        dunder = _DUNDERS[self.operator, self.arity]
        if self.arity == 1:
            return ((f"__{dunder}__", False),)
        return ((f"__{dunder}__", False), (f"__r{dunder}__", True))

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


_DUNDERS = {("+", 2): "add", ("-", 2): "sub", ("*", 2): "mul", ("/", 2): "truediv",
            ("**", 2): "pow", ("@", 2): "matmul", ("-", 1): "neg", ("+", 1): "pos"}
"""Python's special-method name for each operator (``operator`` "-" with 2 inputs: ``__sub__``)."""

OPS: dict[str, Op] = {}
Watcher = Callable[[Op, bool], None]
_watchers: list[Watcher] = []


def register(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is defined twice")
    if len(op.slots) != op.arity or (op.local is not None and len(op.local_text) != op.arity):
        raise ValueError(f"op {op.name!r}: slots/local_text must have one entry per input")
    if (op.local is None) == (op.vjp is None):
        raise ValueError(f"op {op.name!r}: give exactly one of local (element-wise) or vjp")
    if op.operator and any(o.operator == op.operator and o.arity == op.arity
                           for o in OPS.values()):
        raise ValueError(f"op {op.name!r}: another op already reads as {op.operator!r}")
    OPS[op.name] = op
    told: list[Watcher] = []
    try:
        for watcher in _watchers:
            watcher(op, True)
            told.append(watcher)
    except Exception:  # an engine refused it (its method name is taken): not registered
        for watcher in told:
            watcher(op, False)
        del OPS[op.name]
        raise
    return op


def unregister(name: str) -> Op:
    """Remove an op (a test's throwaway entry); the engines drop the methods they made for it."""
    op = OPS.pop(name)
    for watcher in _watchers:
        watcher(op, False)
    return op


def watch(watcher: Watcher) -> None:
    """Call ``watcher(op, True)`` for every op now and every op registered later, and
    ``watcher(op, False)`` when one is unregistered (how the engines get their methods)."""
    _watchers.append(watcher)
    for op in list(OPS.values()):
        watcher(op, True)


def install_methods(
    cls: type,
    make: Callable[[Op, bool], Fn],
    written_out: frozenset[str],
    accept: Callable[[Op], bool] = lambda op: True,
) -> None:
    """Keep ``cls`` (an engine's Value or Tensor) given one method per element-wise entry it
    ``accept``s, made by ``make(op, reflected)``: ``x.tanh()``, or ``__sub__``/``__rsub__``
    for an entry whose ``operator`` is "-"; now, for entries registered later, and taken back
    by ``unregister``. Names in ``written_out`` are the class's own hot paths and stay; any
    other name the class already has is refused (the entry is then not registered)."""

    def install(op: Op, present: bool) -> None:
        if not accept(op):
            return
        for name, reflected in op.methods:
            current = cls.__dict__.get(name)
            made = getattr(current, "_op", None)
            if not present:
                if made is op:
                    delattr(cls, name)
            elif current is None or made is not None:
                method = make(op, reflected)
                method.__name__ = method.__qualname__ = name
                setattr(cls, name, method)
            elif name not in written_out:
                raise ValueError(f"op {op.name!r}: {cls.__name__} already has a {name!r}")

    watch(install)


def get(name: str) -> Op:
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"unknown op {name!r}") from None


def by_category() -> Iterator[tuple[str, list[Op]]]:
    """Ops grouped for the palette, in table order."""
    groups: dict[str, list[Op]] = {}
    for op in OPS.values():
        groups.setdefault(op.category, []).append(op)
    yield from groups.items()


# Why an op gave nan or inf from finite inputs (``Op.nonfinite``), for the ops with a classic case.


def _pow_nonfinite(base: Any, exponent: Any) -> str | None:
    if ((base < 0) & (exponent != exponent.round())).any():
        return "a negative number to a fractional power"
    if ((base == 0) & (exponent < 0)).any():
        return "zero to a negative power"
    return None


def _log_nonfinite(x: Any) -> str | None:
    if (x < 0).any():
        return "log of a negative number"
    if (x == 0).any():
        return "log of zero"
    return None


# --- arithmetic ---------------------------------------------------------------------------

ADD = register(Op(
    "add", 2, "+", "Arithmetic", ("left", "right"),
    forward=lambda m, a, b: a + b,
    local=lambda m, a, b, out: (1.0, 1.0),
    local_text=("1", "1"),
    description="Sum. Routes the gradient to both inputs unchanged.",
    py="({0} + {1})", torch="({0} + {1})",
    operator="+", listed=1, hint="+ passes the gradient on unchanged",
))
SUB = register(Op(
    "sub", 2, "−", "Arithmetic", ("left", "right"),
    forward=lambda m, a, b: a - b,
    local=lambda m, a, b, out: (1.0, -1.0),
    local_text=("1", "-1"),
    description="Difference left − right.",
    py="({0} - {1})", torch="({0} - {1})",
    operator="-", listed=2, hint="− passes it on, negated for the right input",
))
MUL = register(Op(
    "mul", 2, "*", "Arithmetic", ("left", "right"),
    forward=lambda m, a, b: a * b,
    local=lambda m, a, b, out: (b, a),
    local_text=("right", "left"),
    description="Product. Each input's gradient is the other input times the output's.",
    py="({0} * {1})", torch="({0} * {1})",
    operator="*", listed=3, hint="* swaps: each input gets the other input",
))
DIV = register(Op(
    "div", 2, "/", "Arithmetic", ("left", "right"),
    forward=lambda m, a, b: m.div(a, b),
    # d/db as -(a/b)/b, PyTorch's formula: -a/(b*b) under/overflows for |b| < 1e-154 or > 1e154.
    local=lambda m, a, b, out: (m.div(1.0, b), m.div(-out, b)),
    local_text=("1/right", "-left/right²"),
    description="Quotient left / right (right = 0 gives ±inf or nan, as in PyTorch).",
    py="({0} / {1})", torch="({0} / {1})",
    operator="/", listed=4, nonfinite=lambda a, b: "division by zero" if (b == 0).any() else None,
))
POW = register(Op(
    "pow", 2, "**", "Arithmetic", ("base", "exponent"),
    forward=lambda m, a, b: m.pow(a, b),
    # PyTorch's pow_backward: zero where the exponent is 0, and where base == 0 <= exponent.
    local=lambda m, a, b, out: (
        m.where(b == 0, 0.0 * out, b * m.pow(a, b - 1.0)),  # out == 1 there; 0*a is nan at inf
        m.where((a == 0) & (b >= 0), 0.0 * out, out * m.log(a)),
    ),
    # torch's where() sits outside the product for the base (exponent 0 passes nothing) and
    # inside it for the exponent (local above): grad · 0 there, nan for an inf grad.
    mask=lambda m, a, b, out: (b == 0, False),
    local_text=("exponent·base^(exponent−1)", "out·ln(base)"),
    description="Power base ** exponent.",
    py="({0} ** {1})", torch="({0} ** {1})",
    operator="**", listed=5, nonfinite=_pow_nonfinite,
))
def _powc_nonfinite(base: Any, exponent: float = 2.0) -> str | None:
    return _pow_nonfinite(base, base * 0 + exponent)


POWC = register(Op(
    # micrograd's ``x**2``: the exponent is a plain number, a parameter, not an input, so it
    # has no grad (binary pow's exponent grad out·ln(base) is nan for a negative base).
    "powc", 1, "**n", "Arithmetic", ("base",),
    forward=lambda m, x, exponent=2.0: m.pow(x, exponent),
    # PyTorch's pow_backward for a number exponent: zero when it is 0 (mask), else n·x^(n−1).
    local=lambda m, x, out, exponent=2.0: (exponent * m.pow(x, exponent - 1.0),),
    mask=lambda m, x, out, exponent=2.0: (exponent == 0,),
    local_text=("n·base^(n−1)",),
    description="Power by a constant, base ** n: the exponent n is a number, not an input.",
    py="({0} ** {exponent})", torch="({0} ** {exponent})",
    params={"exponent": 2},
    hint="x**n's slope is n·x^(n−1)", nonfinite=_powc_nonfinite,
))
NEG = register(Op(
    "neg", 1, "neg", "Arithmetic", ("x",),
    forward=lambda m, x: -x,
    local=lambda m, x, out: (-1.0,),
    local_text=("-1",),
    description="Negation −x.",
    py="(-{0})", torch="(-{0})",
    operator="-", hint="negation flips the sign",
))

# --- functions ----------------------------------------------------------------------------

EXP = register(Op(
    "exp", 1, "exp", "Functions", ("x",),
    forward=lambda m, x: m.exp(x),
    local=lambda m, x, out: (out,),
    local_text=("out",),
    description="e to the x. Its derivative is itself.",
    py="{0}.exp()", torch="torch.exp({0})",
    method=True, listed=7, hint="exp is its own derivative",
    nonfinite=lambda x: "exp of a number above 709 overflows a float",
))
LOG = register(Op(
    "log", 1, "log", "Functions", ("x",),
    forward=lambda m, x: m.log(x),
    local=lambda m, x, out: (m.div(1.0, x),),
    local_text=("1/x",),
    description="Natural logarithm (log 0 = −inf, log of a negative number = nan).",
    py="{0}.log()", torch="torch.log({0})",
    method=True, listed=8, nonfinite=_log_nonfinite,
))

# --- activations --------------------------------------------------------------------------

TANH = register(Op(
    "tanh", 1, "tanh", "Activations", ("x",),
    forward=lambda m, x: m.tanh(x),
    # (1-out)(1+out), not 1-out*out: no cancellation near |out| = 1 (PyTorch fuses it to an fma).
    local=lambda m, x, out: ((1.0 - out) * (1.0 + out),),
    local_text=("1 − out²",),
    description="Hyperbolic tangent, squashes to (−1, 1).",
    py="{0}.tanh()", torch="torch.tanh({0})",
    method=True, listed=6, hint="tanh's slope is 1 − out²",
))
RELU = register(Op(
    "relu", 1, "relu", "Activations", ("x",),
    forward=lambda m, x: m.relu(x),
    local=lambda m, x, out: (m.step(x),),
    mask=lambda m, x, out: (x <= 0,),  # the dead side: no gradient passes, whatever comes
    local_text=("1 if x > 0 else 0",),
    description="max(0, x). Passes the gradient where the input was positive.",
    py="{0}.relu()", torch="torch.relu({0})",
    method=True, listed=9,
))
SIGMOID = register(Op(
    "sigmoid", 1, "σ", "Activations", ("x",),
    forward=lambda m, x: m.sigmoid(x),
    local=lambda m, x, out: (out * (1.0 - out),),
    local_text=("out·(1 − out)",),
    description="Logistic sigmoid 1 / (1 + e^−x), squashes to (0, 1).",
    py="{0}.sigmoid()", torch="torch.sigmoid({0})",
    method=True, listed=10,
))
