"""Op parameters on document nodes: plain data in, engine keywords out, learner-sized errors.

The op table gives each non-element-wise op its keyword defaults (``sum``: ``axis=None,
keepdims=False``; ``reshape``: ``shape=()``; ...). A document op node may override them with a
``params`` dict of JSON-able values:

=============  ======================================  =========================================
key            in the document / file                  to the engine
=============  ======================================  =========================================
``axis``       a whole number, or null (reductions)    ``int`` or ``None``
``keepdims``   true or false                           ``bool``
``shape``      a list of whole numbers (``[2, 3]``)    ``tuple[int, ...]``
``axes``       null or a list of whole numbers         ``None`` or ``tuple[int, ...]``
``index``      index text as in ``x[...]``: ``"0"``,   the parsed index (ints, slices, None,
               ``"1:3"``, ``":, 0"``, ``"[0, 2]"``     ``...``, integer arrays); ``""`` = ``()``
``reduction``  ``"mean"``, ``"sum"`` or ``"none"``      ``str``
=============  ======================================  =========================================

``normalize(op, params)`` checks the *kinds* of values (and raises ``ParamError``, which the
document turns into a ``GraphError`` and the loader into a located ``LoadError``).
``shape_problem(op, params, shapes)`` checks them against the input shapes at evaluation time
(axis out of range, a reshape that changes the number of elements) and says what is wrong in
words; ``evaluate`` shows that as the node's error. Index text is parsed with ``ast`` (never
``eval``): only numbers, slices, ``None``, ``...`` and lists of whole numbers are allowed.
"""

from __future__ import annotations

import ast
import json
import math
from typing import Any

import numpy as np

from playground.graph.quoting import brief
from playground.ops import OPS

REDUCTIONS = ("mean", "sum", "none")
HINT_MAX = 18
"""A canvas title hint longer than this is cut with an ellipsis."""


class ParamError(ValueError):
    """A parameter value of the wrong kind. ``key`` is the parameter (None: the whole dict)."""

    def __init__(self, key: str | None, expected: str, found: Any = None, *,
                 sentence: str | None = None) -> None:
        self.key = key
        self.expected = expected
        self.found = found
        self.sentence = sentence
        super().__init__(self.for_file())

    def for_file(self) -> str:
        """``expected a whole number or null, found "x"`` (the loader prefixes the location)."""
        if self.sentence is not None:
            return self.sentence
        return f"expected {self.expected}, found {describe(self.found)}"

    def for_user(self, op_name: str) -> str:
        """``the axis of sum must be a whole number or null, not "x"``."""
        if self.sentence is not None:
            return self.sentence
        return f"the {self.key} of {op_name} must be {self.expected}, not {describe(self.found)}"


def describe(x: Any) -> str:
    """A value as it would appear in JSON, shortened (``"x"``, ``1.5``, ``true``, ``null``)."""
    huge = getattr(x, "text", None)  # io's placeholder for a number too large for a float
    if isinstance(huge, str):
        return brief(x, 40)
    if isinstance(x, str) and len(x) > 40:  # not the whole of a 10 MB string, only to cut it
        return json.dumps(x[:37]) + f"… ({len(x):,} characters)"
    if isinstance(x, int) and not isinstance(x, bool):
        return brief(x, 40)  # str() of an int past 4,300 digits raises
    try:
        text = json.dumps(x, allow_nan=True, default=lambda o: repr(o))
    except (TypeError, ValueError, RecursionError):
        text = repr(x)
    return text if len(text) <= 40 else text[:37] + "…"


# --- what each parameter accepts ------------------------------------------------------------


def kind_of(op_name: str, key: str) -> str:
    """How ``key`` of ``op_name`` is checked: axis_or_none, axis, bool, shape, axes, index,
    reduction."""
    default = OPS[op_name].params[key]
    if key == "axis":
        return "axis_or_none" if default is None else "axis"
    if key == "keepdims":
        return "bool"
    if key in ("shape", "axes", "index", "reduction"):
        return key
    return "any"  # pragma: no cover - a new op's parameter: add its kind here


EXPECTED = {
    "axis_or_none": "a whole number or null",
    "axis": "a whole number",
    "bool": "true or false",
    "shape": "a list of whole numbers, like [2, 3]",
    "axes": "null or a list of whole numbers, like [1, 0]",
    "index": 'index text, like "0", "1:3", ":, 0" or "[0, 2]"',
    "reduction": '"mean", "sum" or "none"',
}


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _int_list(x: Any) -> list[int] | None:
    if isinstance(x, list | tuple) and all(_is_int(v) for v in x):
        return [int(v) for v in x]
    return None


def _normalize_value(op_name: str, key: str, value: Any) -> Any:
    kind = kind_of(op_name, key)
    bad = ParamError(key, EXPECTED.get(kind, "a plain value"), value)
    for v in value if isinstance(value, list | tuple) else [value]:
        if _is_int(v) and not INDEX_MIN <= int(v) <= INDEX_MAX:  # numpy could not take it,
            # and a message quoting all its digits would be as long as the number
            raise ParamError(key, "", sentence=f"{describe(v)} is too large for {key}")
    if kind == "axis_or_none":
        if value is None:
            return None
        if _is_int(value):
            return int(value)
        raise bad
    if kind == "axis":
        if _is_int(value):
            return int(value)
        raise bad
    if kind == "bool":
        if isinstance(value, bool | np.bool_):
            return bool(value)
        raise bad
    if kind == "shape":
        ints = _int_list(value)
        if ints is None:
            raise bad
        if any(n < -1 for n in ints):
            raise ParamError(key, "", sentence=f"a size in shape {describe(ints)} is below -1: "
                             "sizes are 0 or more, and -1 means 'whatever is left'")
        if ints.count(-1) > 1:
            raise ParamError(key, "", sentence=f"shape {describe(ints)} has more than one -1: "
                             "only one size can be 'whatever is left'")
        return ints
    if kind == "axes":
        if value is None:
            return None
        ints = _int_list(value)
        if ints is None:
            raise bad
        return ints
    if kind == "index":
        if not isinstance(value, str):
            raise bad
        text = value.strip()
        try:
            parse_index(text)
        except IndexTextError as exc:
            raise ParamError(key, "", sentence=f"index {describe(value)}: {exc}") from None
        return text
    if kind == "reduction":
        if value in REDUCTIONS:
            return value
        raise bad
    return value  # pragma: no cover


def normalize(op_name: str, params: Any) -> dict[str, Any]:
    """``params`` checked against ``op_name``'s defaults and made plain (tuples become lists).

    Raises ``ParamError`` for an op without parameters, an unknown key or a wrong kind.
    """
    if op_name not in OPS:
        raise ParamError(None, "", sentence=f"unknown op {op_name!r}")
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ParamError(None, "an object of parameters", params,
                         sentence=f"parameters must be an object (a dict), not {describe(params)}")
    op = OPS[op_name]
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key not in op.params:
            if not op.params:
                sentence = f"{op_name} has no parameters"
            else:
                takes = ", ".join(op.params)
                sentence = f"{op_name} has no parameter {describe(key)} (it takes {takes})"
            raise ParamError(str(key), "", sentence=sentence)
        out[key] = _normalize_value(op_name, key, value)
    return out


def defaults(op_name: str) -> dict[str, Any]:
    """The op table's defaults, as the document writes them (``()`` shape -> ``[]``...)."""
    out: dict[str, Any] = {}
    for key, value in OPS[op_name].params.items():
        kind = kind_of(op_name, key)
        if kind == "index":
            out[key] = "" if value == () else str(value)
        elif kind in ("shape", "axes") and value is not None:
            out[key] = list(value)
        else:
            out[key] = value
    return out


def effective(op_name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overridden by the node's ``params`` (document form)."""
    return {**defaults(op_name), **(params or {})}


def engine_params(op_name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Keywords for ``Tensor.apply`` (only those the node overrides; the engine adds the rest).

    ``params`` must already be normalized (the document only holds normalized params).
    """
    out: dict[str, Any] = {}
    for key, value in (params or {}).items():
        kind = kind_of(op_name, key)
        if kind in ("shape", "axes") and value is not None:
            out[key] = tuple(value)
        elif kind == "index":
            out[key] = parse_index(value)
        else:
            out[key] = value
    return out


# --- index text -----------------------------------------------------------------------------


class IndexTextError(ValueError):
    """Index text that is not a plain index (``normalize`` turns it into a ``ParamError``)."""


MAX_INDEX_DIMS = 32
"""How deeply the lists of a list index may nest (as a tensor literal; numpy allows 64)."""
INDEX_MIN, INDEX_MAX = int(np.iinfo(np.intp).min), int(np.iinfo(np.intp).max)


def parse_index(text: str) -> Any:
    """``"0, 1:3"`` -> ``(0, slice(1, 3, None))``; ``""`` -> ``()`` (everything).

    Allowed: whole numbers, slices ``a:b:c`` of whole numbers, ``None`` (a new axis), ``...``
    and lists of whole numbers (pick those elements). Nothing is evaluated. Anything else,
    including a position too large for numpy or lists nested more than ``MAX_INDEX_DIMS``
    deep, raises ``IndexTextError`` (never numpy's OverflowError or ValueError).
    """
    text = text.strip()
    if not text:
        return ()
    if len(text) > 500:
        raise IndexTextError("too long to be an index")
    try:
        tree = ast.parse(f"_[{text}]", mode="eval")
    except SyntaxError:
        raise IndexTextError('not an index: write it as inside x[...], e.g. "0", "1:3", '
                             '":, 0" or "[0, 2]"') from None
    sub = tree.body
    if not isinstance(sub, ast.Subscript) or not isinstance(sub.value, ast.Name):
        raise IndexTextError("not an index")  # pragma: no cover - "_[...]" is a subscript
    node = sub.slice
    if isinstance(node, ast.Tuple):
        return tuple(_index_item(e) for e in node.elts)
    return _index_item(node)


def _whole(node: ast.AST) -> int:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        v = _whole(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Constant) and _is_int(node.value):
        return int(node.value)
    raise IndexTextError(f"{brief(_source(node))} is not a whole number")


def _position(node: ast.AST) -> int:
    """A whole number that picks an element: it must fit numpy's index type (an int64 on
    64-bit machines); numpy itself would raise OverflowError or a puzzling IndexError."""
    value = _whole(node)
    if not INDEX_MIN <= value <= INDEX_MAX:
        raise IndexTextError(f"{_source(node)} is too large to be a position in a tensor")
    return value


def _index_item(node: ast.AST) -> Any:
    if isinstance(node, ast.Slice):
        parts = [None if p is None else _whole(p) for p in (node.lower, node.upper, node.step)]
        if parts[2] == 0:
            raise IndexTextError("a slice step cannot be 0")
        return slice(*parts)
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return Ellipsis
    if isinstance(node, ast.List):
        return np.asarray(_int_lists(node, 1), dtype=np.intp)
    return _position(node)


def _int_lists(node: ast.AST, depth: int) -> Any:
    if isinstance(node, ast.List):
        if depth > MAX_INDEX_DIMS:
            raise IndexTextError(f"the lists in the index are nested too deeply (more "
                                 f"than {MAX_INDEX_DIMS} levels)")
        if not node.elts:
            raise IndexTextError("an empty list picks nothing")
        items = [_int_lists(e, depth + 1) for e in node.elts]
        if len({np.shape(i) for i in items}) > 1:
            raise IndexTextError("the lists in a list index must have the same length")
        return items
    return _position(node)


def _source(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover
        return type(node).__name__


# --- against the input shapes -------------------------------------------------------------


def _shape_text(shape: tuple[int, ...]) -> str:
    if not shape:
        return "a single number"
    return f"shape ({shape[0]},)" if len(shape) == 1 else "shape " + "×".join(map(str, shape))


def _axis_problem(axis: int, ndim: int, shape: tuple[int, ...], what: str = "axis") -> str | None:
    if ndim == 0:
        return f"{what} {axis} does not exist: the input is a single number (it has no axes)"
    if not -ndim <= axis < ndim:
        return (f"{what} {axis} does not exist: the input has {_shape_text(shape)} "
                f"({ndim} ax{'is' if ndim == 1 else 'es'}: 0 to {ndim - 1}, or -{ndim} to -1)")
    return None


def shape_problem(op_name: str, params: dict[str, Any] | None,
                  shapes: list[tuple[int, ...]]) -> str | None:
    """Why the node's parameters do not fit its inputs' shapes, in words; None if they do.

    Only the common mistakes are named here; the engine still reports anything else.
    """
    p = effective(op_name, params)
    kind_keys = OPS[op_name].params
    x = shapes[0] if shapes else ()
    ndim = len(x)
    if "axis" in kind_keys and op_name != "concat":
        axis = p["axis"]
        if axis is not None:
            return _axis_problem(axis, ndim, x)
    if op_name == "concat":
        axis = p["axis"]
        for s in shapes:
            if not s:
                return "concat joins tensors, not single numbers: give it inputs with an axis"
        problem = _axis_problem(axis, ndim, x)
        if problem:
            return problem
        if len({len(s) for s in shapes}) > 1:
            listed = " and ".join(_shape_text(s) for s in shapes)
            return f"concat needs inputs with the same number of axes, not {listed}"
        ax = axis % ndim
        rest = {tuple(n for i, n in enumerate(s) if i != ax) for s in shapes}
        if len(rest) > 1:
            listed = " and ".join(_shape_text(s) for s in shapes)
            return (f"concat along axis {axis}: {listed} must match on every other axis")
    if op_name == "reshape":
        shape = list(p["shape"])
        size = math.prod(x)
        known = math.prod(n for n in shape if n != -1)
        target = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
        if -1 in shape:
            if known == 0 or size % known:
                return (f"cannot reshape {size} numbers ({_shape_text(x)}) into {target}: "
                        f"{size} is not a multiple of {known}")
        elif known != size:
            return (f"cannot reshape {size} numbers ({_shape_text(x)}) into {target}, "
                    f"which holds {known}: the sizes must multiply to {size}")
    if op_name == "transpose" and p["axes"] is not None:
        axes = p["axes"]
        if sorted(a % ndim if ndim and -ndim <= a < ndim else a + 10**9 for a in axes) != list(
            range(ndim)
        ):
            return (f"axes {describe(axes)} must list each axis of the input once "
                    f"({_shape_text(x)}: a reordering of {list(range(ndim))})")
    return None


# --- short text for the canvas ------------------------------------------------------------


def hint(op_name: str | None, params: dict[str, Any] | None) -> str:
    """A few characters for the node's title: the parameters that differ from the defaults
    (``axis=0``, ``keepdims``); a reshape always shows its shape. ``""`` when nothing to say."""
    if not op_name or op_name not in OPS or not OPS[op_name].params:
        return ""
    d = defaults(op_name)
    p = effective(op_name, params)
    parts: list[str] = []
    for key, value in p.items():
        if key == "shape":
            parts.append("→ (" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "")
                         + ")")
            continue
        if value == d[key]:
            continue
        if key == "keepdims":
            parts.append("keepdims")
        elif key == "index":
            parts.append(f"[{value}]")
        elif key == "axes":
            parts.append("(" + ", ".join(map(str, value)) + ")")
        else:
            parts.append(f"{key}={'all' if value is None else value}")
    text = " ".join(parts)
    return text if len(text) <= HINT_MAX else text[: HINT_MAX - 1] + "…"


def describe_change(op_name: str, name: str, old: dict[str, Any] | None,
                    new: dict[str, Any] | None) -> str:
    """Words for an undo step: ``Set axis of sum to 0``, ``Set keepdims of s to true``."""
    before, after = effective(op_name, old), effective(op_name, new)
    changed = [k for k in after if after[k] != before.get(k)]
    if len(changed) == 1:
        key = changed[0]
        return f"Set {key} of {name} to {_word(key, after[key])}"
    if not changed:
        return f"Set parameters of {name}"
    return "Set " + " and ".join(changed) + f" of {name}"


def _word(key: str, value: Any) -> str:
    if value is None:
        return "all" if key == "axis" else "default"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "(" + ", ".join(map(str, value)) + ")"
    if key == "index":
        return f"[{value}]"
    return str(value)
