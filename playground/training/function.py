"""Datasets defined by a function of x that the learner types: ``sin(3*x)``, ``x**3 - x``.

The text is read with Python's ``ast`` (never ``eval``), with the expression parser's rules
(``graph/expr.py``): ``+ - * / ** %``, unary minus, numbers, the name ``x`` (and ``pi``, ``e``),
function calls ``sin(x)`` and methods ``x.tanh()`` of the names in ``FUNCTIONS``, and
comparisons (``x > 0`` is 1 where true, 0 elsewhere), evaluated on numpy arrays. Anything else
is a ``FunctionError`` that names its column (counted from 1), like the parser's ``ExprError``.

- ``function_dataset``: regression, y = f(x) (+ noise) at ``n`` x drawn uniformly from the range.
- ``function_classes``: classification, points of the plane over the range; class 1 above the
  curve y = f(x), class 0 below.

Both refuse a function that is nan or inf somewhere on the range (naming that x: the network's
curve is drawn over the whole range, not only at the samples), and the regression one refuses a
constant function: there is nothing to learn.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable

import numpy as np

from playground.engine.data import Dataset, DatasetError

__all__ = [
    "FUNCTIONS",
    "FunctionError",
    "check_on_range",
    "function_classes",
    "function_dataset",
    "parse_function",
]

MAX_TEXT = 500
CHECK_POINTS = 2001
"""How finely the range is checked for nan/inf (the ends included)."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # never overflows


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "exp": np.exp,
    "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "sign": np.sign, "floor": np.floor,
    "ceil": np.ceil, "relu": lambda x: np.maximum(x, 0.0), "sigmoid": _sigmoid,
}
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINARY = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
    ast.Pow: np.power, ast.Mod: np.mod,
}
_COMPARE = {
    ast.Gt: np.greater, ast.GtE: np.greater_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
    ast.Eq: np.equal, ast.NotEq: np.not_equal,
}

Function = Callable[[np.ndarray], np.ndarray]


class FunctionError(ValueError):
    """A problem in the function's text, at ``column`` (from 1; 0 when there is no position)."""

    def __init__(self, message: str, column: int = 0) -> None:
        self.message = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column else message)


def parse_function(text: str) -> Function:
    """``f`` with ``f(xs)`` = the text evaluated at each x of the array ``xs``; raises
    ``FunctionError``. Nothing is run while parsing: the tree is checked, then walked."""
    source = text.strip()
    lead = len(text) - len(text.lstrip())  # columns count in the text as typed
    if not source:
        raise FunctionError("type a function of x, e.g. sin(3*x)")
    if len(source) > MAX_TEXT:
        raise FunctionError(f"the function is too long (more than {MAX_TEXT} characters)")
    if "\n" in source:
        raise FunctionError("write the function on one line")
    try:
        with warnings.catch_warnings():  # "1if x" warns before it fails: the error says it
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        # an unfinished formula ("x +") has no offset: it ends too soon, at the end
        column = (exc.offset or len(source) + 1) + lead
        raise FunctionError(f"not a formula: {exc.msg}", column) from None
    except (RecursionError, MemoryError, ValueError):
        raise FunctionError("the function is nested too deeply") from None
    try:
        _check(tree.body)
    except RecursionError:
        raise FunctionError("the function is nested too deeply") from None
    except FunctionError as exc:  # ast counts UTF-8 bytes; people count characters
        raise FunctionError(exc.message, _characters(source, exc.column) + lead) from None
    body = tree.body

    def f(xs: np.ndarray) -> np.ndarray:
        xs = np.asarray(xs, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = _eval(body, xs)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), xs.shape).copy()

    return f


def _characters(source: str, column: int) -> int:
    """A 1-based column counted in UTF-8 bytes, counted in characters."""
    if column <= 0:
        return column
    return len(source.encode("utf-8")[: column - 1].decode("utf-8", "replace")) + 1


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", -1) + 1


def _check(node: ast.expr) -> None:
    """Raise ``FunctionError`` at the first thing the evaluator does not know."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FunctionError(f"{node.value!r} is not a number", _col(node))
        if isinstance(node.value, int) and abs(node.value) > 1e300:
            raise FunctionError("a number too big to compute with", _col(node))
    elif isinstance(node, ast.Name):
        if node.id != "x" and node.id not in CONSTANTS:
            raise FunctionError(f"unknown name '{node.id}': the function may use x (and pi, e)",
                                _col(node))
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FunctionError("only + - * / ** % are understood", _col(node))
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FunctionError("only - and + go before a value", _col(node))
        _check(node.operand)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise FunctionError("compare with < <= > >= == or !=", _col(node))
        for part in (node.left, *node.comparators):
            _check(part)
    elif isinstance(node, ast.Call):
        _function_of(node)
        _check(_argument(node))
    else:
        raise FunctionError(f"'{ast.unparse(node)}' is not understood here (write e.g. "
                            f"sin(3*x) or x**3 - x)", _col(node))


def _function_of(node: ast.Call) -> str:
    """The name of the function a call uses (``sin(x)`` or ``x.sin()``)."""
    known = ", ".join(FUNCTIONS)
    if isinstance(node.func, ast.Name):
        name = node.func.id
    elif isinstance(node.func, ast.Attribute):
        name = node.func.attr
    else:
        raise FunctionError(f"call a function by its name ({known})", _col(node))
    if name not in FUNCTIONS:
        raise FunctionError(f"unknown function '{name}' (known: {known})", _col(node.func))
    return name


def _argument(node: ast.Call) -> ast.expr:
    name = _function_of(node)
    method = isinstance(node.func, ast.Attribute)
    args = [node.func.value] if method else []  # type: ignore[union-attr]
    args += node.args
    if node.keywords or len(args) != 1:
        how = f"x.{name}()" if method else f"{name}(x)"
        raise FunctionError(f"{name} takes one value: write {how}", _col(node))
    return args[0]


def _eval(node: ast.expr, x: np.ndarray) -> np.ndarray | float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return x if node.id == "x" else CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, x), _eval(node.right, x)
        if isinstance(node.op, ast.Pow):  # 2 ** 1000: inf, never an OverflowError
            return np.power(np.asarray(left, dtype=np.float64), right)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, x)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Compare):
        left = _eval(node.left, x)
        result: np.ndarray | float = 1.0
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, x)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return np.asarray(result, dtype=np.float64)
    assert isinstance(node, ast.Call)  # _check let nothing else through
    return FUNCTIONS[_function_of(node)](np.asarray(_eval(_argument(node), x), dtype=np.float64))


# --- datasets ------------------------------------------------------------------------------


def check_on_range(f: Function, text: str, x_min: float, x_max: float) -> np.ndarray:
    """f on a fine grid of [x_min, x_max]; ``DatasetError`` naming the first x where it is not a
    finite number."""
    if not (math.isfinite(x_min) and math.isfinite(x_max) and x_min < x_max):
        raise DatasetError(f"the x range needs a start below its end (got {x_min:g} to {x_max:g})")
    xs = np.linspace(x_min, x_max, CHECK_POINTS)
    ys = f(xs)
    bad = ~np.isfinite(ys)
    if bad.any():
        i = int(np.argmax(bad))
        what = "nan" if np.isnan(ys[i]) else "infinite"
        raise DatasetError(f"{text.strip()} is {what} at x = {xs[i]:.4g}: choose an x range "
                           f"where it is a number everywhere")
    return ys


def function_dataset(
    text: str, x_min: float = -2.0, x_max: float = 2.0, n_samples: int = 100,
    noise: float = 0.0, seed: int = 0,
) -> Dataset:
    """Regression on y = f(x) (+ Gaussian noise of std ``noise``), x uniform in the range."""
    f = parse_function(text)
    ys = check_on_range(f, text, x_min, x_max)
    if np.ptp(ys) == 0:
        raise DatasetError(f"{text.strip()} is the same number ({ys[0]:g}) all over the range: "
                           f"nothing to learn")
    _sizes(n_samples, noise)
    rs = np.random.RandomState(seed)
    x = rs.uniform(x_min, x_max, n_samples)
    y = f(x)
    if noise:
        y = y + rs.normal(scale=noise, size=n_samples)
    return Dataset(x[:, None], y, f"y = {text.strip()}", task="regression")


def function_classes(
    text: str, x_min: float = -2.0, x_max: float = 2.0, n_samples: int = 200,
    noise: float = 0.0, seed: int = 0,
) -> Dataset:
    """Two classes in the plane: above the curve y = f(x) (class 1) or below it (class 0).
    Points are uniform over the range in x and over the curve's span (plus a margin) in y;
    ``noise`` jitters them after they are labelled."""
    f = parse_function(text)
    ys = check_on_range(f, text, x_min, x_max)
    _sizes(n_samples, noise)
    lo, hi = float(ys.min()), float(ys.max())
    margin = max(0.25 * (hi - lo), 0.25 * (x_max - x_min))
    rs = np.random.RandomState(seed)
    X = np.c_[rs.uniform(x_min, x_max, n_samples), rs.uniform(lo - margin, hi + margin, n_samples)]
    y = (X[:, 1] > f(X[:, 0])).astype(np.int64)
    if len(np.unique(y)) < 2:
        raise DatasetError(f"every point fell on one side of y = {text.strip()}: use more samples")
    if noise:
        X = X + rs.normal(scale=noise, size=X.shape)
    return Dataset(X, y, f"above y = {text.strip()}", ("below", "above"))


def _sizes(n_samples: int, noise: float) -> None:
    if int(n_samples) != n_samples or n_samples < 2:
        raise DatasetError("number of samples must be a whole number >= 2")
    if not (noise >= 0 and math.isfinite(noise)):
        raise DatasetError("noise must be a finite number >= 0")
