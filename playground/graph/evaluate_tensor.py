"""Evaluation through the tensor engine: a node's parameters checked against its inputs'
shapes, an op applied with its failures turned into sentences (``NodeProblem``), and backward
seeded with ones for a non-scalar output."""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.graph import params as P
from playground.ops import OPS, Op


class NodeProblem(Exception):
    """A per-node problem with a message for the user."""


def engine_message(exc: Exception, attrs: dict[str, Any]) -> str:
    text = str(exc) or type(exc).__name__
    op = OPS.get(attrs.get("op"))  # type: ignore[arg-type]
    if isinstance(exc, ValueError) and "broadcast" in text and op is not None:
        return f"shapes do not match for {op.symbol}: {text}"
    return text


def params_for(op: Op, attrs: dict[str, Any], args: list[Any]) -> dict[str, Any]:
    """The node's parameters as engine keywords, after checking they fit the inputs."""
    stored = attrs.get("params")
    try:
        stored = P.normalize(op.name, stored)  # the document holds them normalized already
        kwargs = P.engine_params(op.name, stored)
    except (P.ParamError, P.IndexTextError) as exc:
        text = exc.for_user(op.name) if isinstance(exc, P.ParamError) else str(exc)
        raise NodeProblem(f"bad parameter: {text}") from None
    problem = P.shape_problem(op.name, stored, [a.data.shape for a in args])
    if problem:
        raise NodeProblem(problem)
    return kwargs


def scalar_params(op: Op, attrs: dict[str, Any]) -> dict[str, Any]:
    """A scalar op's parameters (powc's exponent) as engine keywords."""
    try:
        return P.engine_params(op.name, P.normalize(op.name, attrs.get("params")))
    except P.ParamError as exc:
        raise NodeProblem(f"bad parameter: {exc.for_user(op.name)}") from None


def tensor_apply(op: Op, args: list[Any], params: dict[str, Any] | None = None) -> Any:
    shapes = [a.data.shape for a in args]
    if op.elementwise and len(args) == 2:
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise NodeProblem(shape_mismatch(op, shapes)) from None
    try:
        return args[0].apply(op, *args[1:], **(params or {}))
    except (ValueError, IndexError, TypeError) as exc:
        text = str(exc)
        if len(args) == 2 and any(w in text for w in ("mismatch", "broadcast", "align", "shape")):
            raise NodeProblem(shape_mismatch(op, shapes)) from None
        if len(args) == 1:
            text = f"{op.symbol} cannot take shape {shape_text(shapes[0])}: {text}"
        raise NodeProblem(text) from None


def shape_text(shape: tuple[int, ...]) -> str:
    return "() (a number)" if not shape else str(shape)


def shape_mismatch(op: Op, shapes: list[tuple[int, ...]]) -> str:
    listed = " and ".join(shape_text(s) for s in shapes)
    return f"shapes {listed} do not match for {op.symbol}"


def tensor_backward(root: Any) -> None:
    if root.data.size == 1:
        root.backward()
    else:  # seeded with ones: the gradient of the sum of the output's elements (a 0-d
        # one, broadcast into the seed backward makes: no second output-sized array)
        root.backward(np.ones((), dtype=root.data.dtype))
