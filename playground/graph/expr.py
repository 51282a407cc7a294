"""Text to graph: Python-like assignments parsed with ``ast`` (never ``eval``) into a document.

    a = 2.0
    b = -3.0
    c = 10.0
    L = (a*b + c) * f        # f unknown: ExprError "line 4, column 15: unknown name 'f' ..."

What is understood:
- ``name = number`` (or a nested list of numbers: a tensor) makes a value node labelled
  ``name``; ``name = expression`` makes the expression's nodes, the last one labelled ``name``;
  ``name += expression`` (and ``-= *= /=``) as in Python. ``name = other`` is an alias.
- ``+ - * / **`` (and ``@`` when the tensor ops are there), unary ``-`` and ``+``; ``x ** 2``
  with a plain number (``-1``, ``0.5``) is powc, micrograd's one-input power whose exponent is
  a parameter (no grad, no node); ``x ** y`` with anything else is pow, value ** value;
- method calls ``x.tanh() .exp() .log() .relu() .sigmoid()`` and function calls ``tanh(x)``
  (any one-input op of the op table, by name); an op with parameters takes them as keywords
  of plain values: ``h.sum(axis=1)``, ``x.reshape(shape=(3, 2))``, ``x.max(axis=0,
  keepdims=True)`` (see ``playground.graph.params``);
- numbers inside an expression become constant value nodes, labelled by their value (the 3
  of ``3*x`` shows as "3", not as its id ``const1``; see ``constant_label``).
The last statement's node is marked as the output. A bare expression is allowed as the last
line. Anything else is an ``ExprError`` with the line and column (both counted from 1).
"""

from __future__ import annotations

import ast
import math
import sys
from dataclasses import dataclass
from typing import Any

from playground.graph import params as P
from playground.graph.document import GraphDocument
from playground.graph.io_text import why_unencodable
from playground.graph.layout import layered_layout
from playground.graph.validate import too_large
from playground.ops import OPS

#: Python's operators as written; the op table's ``Op.operator`` says which op each one is.
PYTHON_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}
_MAX_DIGITS = sys.get_int_max_str_digits() or 4300
"""Python reads whole numbers of up to this many digits (4,300 unless changed)."""
MAX_TEXT = 200_000


def supported(symbols: bool = False) -> str:
    """What the help lists, from the op table (``Op.listed``): "+ - * / ** and .tanh() ...";
    ``symbols``: the operators as the canvas shows them ("−" for "-")."""
    listed = sorted((o for o in OPS.values() if o.listed is not None), key=lambda o: o.listed)
    operators = [o.symbol if symbols else o.operator for o in listed if o.operator]
    methods = [f".{o.name}()" for o in listed if o.method]
    return " ".join(operators) + " and " + " ".join(methods)


def __getattr__(name: str) -> str:
    if name == "SUPPORTED":  # read when asked, so an op registered later is listed too
        return supported()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _operator_op(operator: ast.operator | ast.unaryop, arity: int) -> str | None:
    """The op the table reads ``operator`` as (with ``arity`` inputs), None if none does."""
    symbol = PYTHON_OPERATORS.get(type(operator))
    for name, op in OPS.items():
        if op.operator and op.operator == symbol and op.arity == arity:
            return name
    return None


class ExprError(ValueError):
    """A problem in the text, at ``line``/``column`` (from 1; 0 when there is no position)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(f"{where}{message}")


@dataclass
class _Ref:
    node: str


def parse(text: str, *, layout: bool = True) -> GraphDocument:
    """A new document from ``text``; raises ``ExprError`` (a ValueError) with the position."""
    if len(text) > MAX_TEXT:
        raise ExprError(f"the text is too long (more than {MAX_TEXT:,} characters)")
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as exc:
        if "int_max_str_digits" in exc.msg:  # Python's own words name a sys function: ours
            raise ExprError(
                f"number too long: a whole number may have up to {_MAX_DIGITS:,} digits",
                exc.lineno or 0, exc.offset or 0,
            ) from None
        raise ExprError(f"not valid Python: {exc.msg}", exc.lineno or 0, exc.offset or 0) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        msg = "nested too deeply" if not isinstance(exc, ValueError) else str(exc)
        if isinstance(exc, UnicodeEncodeError):
            msg = f"the text {why_unencodable(text, exc.start)}"
        raise ExprError(f"cannot read the text: {msg}") from None
    try:
        return _Builder(text, layout).build(tree)
    except RecursionError:
        raise ExprError("the expression is nested too deeply") from None


class _Builder:
    def __init__(self, text: str, layout: bool) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.layout = layout
        self.doc = GraphDocument()
        self.names: dict[str, str] = {}  # variable -> node id

    # --- positions ---------------------------------------------------------------------

    def error(self, node: ast.AST, message: str) -> ExprError:
        line = getattr(node, "lineno", 0) or 0
        col = getattr(node, "col_offset", 0) or 0
        if 0 < line <= len(self.lines):  # ast counts UTF-8 bytes; people count characters
            col = len(self.lines[line - 1].encode("utf-8")[:col].decode("utf-8", "replace"))
        return ExprError(message, line, col + 1 if line else 0)

    # --- statements --------------------------------------------------------------------

    def build(self, tree: ast.Module) -> GraphDocument:
        last: str | None = None
        body = tree.body
        if not body:
            raise ExprError("there is nothing to read: write assignments like  a = 2.0")
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    raise self.error(stmt, "assign to one plain name at a time (a = ...)")
                last = self.assign(stmt.targets[0].id, stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                target = stmt.target
                if not isinstance(target, ast.Name):
                    raise self.error(stmt, "assign to one plain name at a time (a += ...)")
                if target.id not in self.names:
                    raise self.error(target, f"unknown name {target.id!r}: define it first")
                op = _operator_op(stmt.op, 2)
                if op is None:
                    raise self.error(stmt, f"this operator is not supported (use {supported()})")
                exponent = self.exponent(op, stmt.value)
                if exponent is not None:
                    node = self.op("powc", [self.names[target.id]], target.id,
                                   {"exponent": exponent})
                else:
                    right = self.expr(stmt.value)
                    node = self.op(op, [self.names[target.id], right], target.id)
                self.doc.set_label(node, target.id)
                self.names[target.id] = node
                last = node
            elif isinstance(stmt, ast.Expr) and i == len(body) - 1:
                last = self.expr(stmt.value)
            elif isinstance(stmt, ast.Expr):
                raise self.error(stmt, "an expression on its own line only works as the last line")
            else:
                kind = type(stmt).__name__.lower()
                raise self.error(stmt, f"'{kind}' statements are not supported: only assignments")
        if last is not None:
            self.doc.set_output(last)
        if self.layout:
            for n, p in layered_layout(self.doc).items():
                self.doc.move(n, p)
        return self.doc

    def assign(self, name: str, value: ast.expr) -> str:
        literal = self.literal(value)
        if literal is not None:
            node = self.doc.add_node("value", label=name, value=literal, node_id=self.fresh(name))
        elif isinstance(value, ast.Name):
            node = self.ref(value)  # an alias: the same node under a second name
        else:
            existing = set(self.doc.node_ids())
            node = self.expr(value, name)
            if node not in existing:  # else an alias (``x = +a``): keep a's label
                self.doc.set_label(node, name)
        self.names[name] = node
        return node

    def fresh(self, name: str) -> str:
        if name not in self.doc:
            return name
        i = 2
        while f"{name}{i}" in self.doc:
            i += 1
        return f"{name}{i}"

    # --- expressions -------------------------------------------------------------------

    def literal(self, node: ast.expr) -> Any:
        """A number (possibly negated) or a nested list of numbers, else None."""
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise self.error(node, f"{v!r} is not a number")
            try:
                x = float(v)
            except OverflowError:
                x = math.inf
            if math.isinf(x):  # only an overflowing literal: inf itself is a name, not a number
                written = ast.get_source_segment(self.text, node) or repr(v)
                raise self.error(node, too_large(written))
            return x
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.literal(node.operand)
            if isinstance(inner, float):
                return -inner if isinstance(node.op, ast.USub) else inner
            return None
        if isinstance(node, ast.List | ast.Tuple):
            items = [self.literal(e) for e in node.elts]
            if not items or any(i is None for i in items):
                raise self.error(node, "a tensor is a list of numbers (or of lists of numbers)")
            return items
        return None

    def exponent(self, op: str, right: ast.expr) -> int | float | None:
        """The number of ``x ** 2`` (``-1``, ``0.5``): powc's exponent; None when ``op`` is not
        pow or its right side is not a plain number (``x ** y`` stays value ** value)."""
        if op != "pow":
            return None
        literal = self.literal(right)
        if not isinstance(literal, float) or not math.isfinite(literal):
            return None
        return int(literal) if literal.is_integer() and abs(literal) < 1e15 else literal

    def expr(self, node: ast.expr, name: str | None = None) -> str:
        """The node computing ``node``; ``name``: the variable it is assigned to (its id)."""
        literal = self.literal(node)
        if literal is not None:
            return self.doc.add_node(
                "value", label=constant_label(literal), value=literal,
                node_id=self.doc.new_id("const"),
            )
        if isinstance(node, ast.Name):
            return self.ref(node)
        if isinstance(node, ast.BinOp):
            op = _operator_op(node.op, 2)
            if op is None:
                symbol = PYTHON_OPERATORS.get(type(node.op), type(node.op).__name__)
                if isinstance(node.op, ast.MatMult):
                    symbol = "@ (it needs the tensor ops)"
                raise self.error(node, f"'{symbol}' is not supported (use {supported()})")
            left = self.expr(node.left)
            exponent = self.exponent(op, node.right)
            if exponent is not None:  # x**2: micrograd's power by a number, one input
                return self.op("powc", [left], name, {"exponent": exponent})
            right = self.expr(node.right)
            return self.op(op, [left, right], name)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand, name)
            op = _operator_op(node.op, 1)
            if op is not None:
                return self.op(op, [self.expr(node.operand)], name)
            symbol = PYTHON_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise self.error(node, f"'{symbol}' is not supported (use {supported()})")
        if isinstance(node, ast.Call):
            return self.call(node, name)
        if isinstance(node, ast.Attribute):
            if node.attr in OPS:
                raise self.error(node, f"write .{node.attr}() with parentheses")
            raise self.error(node, f"attributes like .{node.attr} are not supported")
        what = {
            ast.Compare: "comparisons",
            ast.BoolOp: "'and'/'or'",
            ast.IfExp: "'if ... else'",
            ast.Lambda: "lambda",
            ast.Subscript: "indexing",
        }.get(type(node), f"'{type(node).__name__}' expressions")
        raise self.error(node, f"{what} are not supported (use {supported()})")

    def call(self, node: ast.Call, var: str | None) -> str:
        func = node.func
        if isinstance(func, ast.Attribute):  # x.tanh(), or x.pow(y)
            name, operands = func.attr, [func.value, *node.args]
        elif isinstance(func, ast.Name):  # tanh(x)
            name, operands = func.id, list(node.args)
        else:
            raise self.error(node, f"only calls like x.tanh() are supported (use {supported()})")
        op = OPS.get(name)
        if op is None:
            unary = ", ".join(f".{n}()" for n in _methods())
            raise self.error(func, f"unknown function {name!r} (known: {unary})")
        if isinstance(func, ast.Attribute) and node.args and op.arity == 1:
            raise self.error(node, f".{name}() takes no arguments")
        params = self.keywords(node, name)
        if len(operands) != op.arity:
            raise self.error(node, f"{name} takes {op.arity} input(s), got {len(operands)}")
        return self.op(name, [self.expr(o) for o in operands], var, params)

    def keywords(self, node: ast.Call, name: str) -> dict[str, Any] | None:
        """``axis=1, keepdims=True``: the op's parameters, plain values only (literal_eval)."""
        if not node.keywords:
            return None
        if not OPS[name].params:
            raise self.error(node, f"{name}() takes no keyword arguments")
        params: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error(kw, "**keywords are not supported")
            try:
                value = ast.literal_eval(kw.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                raise self.error(
                    kw.value, f"{kw.arg}= takes a plain value like 0, None, True or (3, 2)"
                ) from None
            params[kw.arg] = list(value) if isinstance(value, tuple) else value
        try:
            return P.normalize(name, params)
        except P.ParamError as exc:
            raise self.error(node, exc.for_user(name)) from None

    def ref(self, node: ast.Name) -> str:
        try:
            return self.names[node.id]
        except KeyError:
            raise self.error(
                node, f"unknown name {node.id!r}: define it first (e.g. {node.id} = 1.0)"
            ) from None

    def op(
        self, name: str, inputs: list[str], var: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        node_id = self.fresh(var) if var else self.doc.new_id(name)
        node = self.doc.add_node("op", op=name, node_id=node_id, params=params)
        for slot, source in enumerate(inputs):
            self.doc.connect(source, node, slot)
        return node


CONSTANT_LABEL_MAX = 12
"""A tensor constant is labelled by its numbers only up to this many characters."""


def constant_label(value: Any) -> str:
    """How a constant of an expression is labelled: its value as written, ``3`` for 3.0,
    ``0.5``, ``-4``, ``[1, 2]``; "" (the canvas then shows the id) for a long tensor."""
    if isinstance(value, list):
        text = "[" + ", ".join(constant_label(v) for v in value) + "]"
        return text if len(text) <= CONSTANT_LABEL_MAX else ""
    x = float(value)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _methods() -> list[str]:
    """The one-input ops a user can call without parameters (``Op.method``)."""
    return [n for n, o in OPS.items() if o.method]
