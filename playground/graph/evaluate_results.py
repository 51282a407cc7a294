"""What an evaluation gives back: ``NodeResult`` per node and the ``Evaluation``, and how a
run turns its engine values into results, with the words for a nan or inf result or gradient
(where it came from). ``evaluate.py``'s run mixes ``ResultsOfRun`` in; import these names
from ``playground.graph.evaluate``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.graph.evaluate_text import nonfinite_kind, nonfinite_reason

Data = float | np.ndarray


@dataclass(slots=True)
class NodeResult:
    """One node's numbers and problems. Never change one: evaluations share results that did
    not change (the canvas repaints a card when its result is a new object), so a changed
    result is a new one (``dataclasses.replace``). Not ``frozen``: an edit at the inputs of
    a 10,000-node graph builds thousands of these, and a frozen dataclass takes four times
    as long to build (1.8 µs against 0.4)."""

    data: Data | None
    """None when it could not be computed."""
    grad: Data | None
    """None before backward, and for nodes the output does not depend on."""
    error: str | None = None
    """A blocking problem, in words for the user."""
    warning: str | None = None
    """Something to notice that did not block: a nan or inf result or gradient."""
    pending: bool = False
    """The error only says the graph is not finished: an input is not connected, here or
    upstream. The UI shows it as "waiting for input", not as a mistake."""
    needs: tuple[str, ...] = ()
    """For a pending node: the names of its own open input slots (() if it waits upstream)."""
    waits_for: str | None = None
    """For a pending node: the node that lacks an input (itself, or one upstream)."""


@dataclass(frozen=True)
class Evaluation:
    results: dict[str, NodeResult]
    """Every node id of the document."""
    order: list[str]
    """Topological order, inputs first (empty if the file held a cycle)."""
    output: str | None
    """The node Backward starts from (None when undetermined)."""
    problems: list[str]
    """Graph-level problems: empty graph, several unmarked sinks, a cycle, ..."""
    backward: bool
    """Whether gradients were computed."""
    contributions: dict[tuple[str, str, int], Data] = field(default_factory=dict)
    """(source, target, slot) -> the gradient that flowed along that edge in backward."""
    engine: str = "scalar"
    """Which engine computed it: "scalar" (Value) or "tensor" (Tensor)."""

    def ok(self) -> bool:
        """No graph-level problem and no node with an error (warnings are fine)."""
        return not self.problems and all(r.error is None for r in self.results.values())

    def errors(self) -> dict[str, str]:
        """node id -> error, for the nodes that have one."""
        return {n: r.error for n, r in self.results.items() if r.error is not None}


class ResultsOfRun:
    """Mixed into ``evaluate._Run`` (which makes ``values``, ``errors``, ``inputs``,
    ``waiting``, ``needs``, ``nodes``, ``g``)."""

    values: dict[str, Any]
    errors: dict[str, str]
    inputs: dict[str, list[str]]
    waiting: dict[str, str]
    needs: dict[str, tuple[str, ...]]
    nodes: Any
    g: Any

    def _results(
        self, order: list[str], grads: dict[str, Data] | None,
        contributions: dict[tuple[str, str, int], Data] | None = None,
    ) -> dict[str, NodeResult]:
        results: dict[str, NodeResult] = {}
        values = self.values
        errors = self.errors
        inputs = self.inputs
        isfinite = math.isfinite
        from_input = _FROM_INPUT
        for n in order:
            if n in errors:
                root = self.waiting.get(n)
                if root is None:
                    results[n] = NodeResult(None, None, error=errors[n])
                else:
                    results[n] = NodeResult(None, None, error=errors[n], pending=True,
                                            needs=self.needs[root] if root == n else (),
                                            waits_for=root)
                continue
            data = _data_of(values[n])
            grad = None if grads is None else grads.get(n)
            warning = None
            if data.__class__ is float:
                if not isfinite(data):
                    # Not finite because an input is not (most of a graph past an overflow):
                    # said here, as _why_nonfinite would, without its calls.
                    for s in inputs.get(n, ()):
                        x = values[s].data
                        if x.__class__ is float and not isfinite(x):
                            warning = from_input["nan" if data != data
                                                 else "-inf" if data < 0 else "inf"]
                            break
                    else:
                        warning = self._why_nonfinite(n, data)
                elif grad is not None and not isfinite(grad):
                    warning = self._why_grad_nonfinite(n, grad, grads, contributions)
            else:
                data = _plain_array(data)
                if not np.all(np.isfinite(data)):
                    warning = self._why_nonfinite(n, data)
                elif grad is not None and not np.all(np.isfinite(grad)):
                    warning = self._why_grad_nonfinite(n, grad, grads, contributions)
                if grad is not None:
                    grad = _plain_array(grad)
            results[n] = NodeResult(data, grad, None, warning)
        return results

    def _why_grad_nonfinite(self, n: str, grad: Any, grads: dict[str, Data] | None,
                            contributions: dict[tuple[str, str, int], Data] | None) -> str:
        """Where a nan/inf gradient (of a finite node) came from: the first wire that brought
        one, and whether it came down from above or from that op's own local derivative."""
        what = f"gradient is {nonfinite_kind(grad)}"
        flows = contributions or {}
        for _, t, slot in self.g.out_edges(n, keys=True):  # n's own wires, not every wire
            c = flows.get((n, t, slot))
            if c is None or _finite(c):
                continue
            attrs = self.nodes[t]
            name = attrs.get("label") or t
            if grads is not None and not _finite(grads.get(t, 0.0)):
                return f"{what}: it comes down from {name}, whose gradient is not finite"
            if attrs["op"] == "pow" and slot == 1:
                base = _data_of(self.values[self.inputs[t][0]])
                if np.any(np.asarray(base) < 0):
                    return (f"{what}: {name}'s slope for its exponent is out·ln(base), and the "
                            f"base is negative (PyTorch gives nan too)")
            return f"{what}: {name}'s local derivative is not finite here"
        return what

    def _why_nonfinite(self, n: str, data: Any) -> str:
        kind = nonfinite_kind(data)
        attrs = self.nodes[n]
        if attrs["kind"] == "value":
            return f"value is {kind}"
        values, isfinite = self.values, math.isfinite
        ins = [values[s].data for s in self.inputs.get(n, ())]
        for x in ins:
            # Past an overflow most of a deep graph is nan or inf because an input is: that
            # case is said without numpy and without building the words (5,000 nodes of the
            # 10,000-node benchmark after an edit at its inputs).
            if not (isfinite(x) if x.__class__ is float else _finite(x)):
                return _FROM_INPUT.get(kind) or f"result is {kind}: an input is nan or inf"
        what = f"result is {kind}"
        reason = nonfinite_reason(attrs["op"], ins)
        return f"{what}: {reason}" if reason else what


# --- helpers ----------------------------------------------------------------------------

_FROM_INPUT = {kind: f"result is {kind}: an input is nan or inf"
               for kind in ("nan", "inf", "-inf", "inf and -inf")}
"""A node's warning when it is not finite because an input is not (written once)."""



def _data_of(v: Any) -> Any:
    return v.data


def _finite(x: Data) -> bool:
    # A float is checked without numpy: past an overflow, thousands of nodes ask this.
    return math.isfinite(x) if x.__class__ is float else bool(np.all(np.isfinite(x)))


def _grad_of(v: Any) -> Any:
    g = v.grad
    if g is None:  # a tensor the engine did not reach
        return np.zeros_like(v.data) if isinstance(v.data, np.ndarray) else 0.0
    return g if g.__class__ is float else np.asarray(g, dtype=np.float64)


def _plain_array(x: Any) -> Data:
    """Numbers as floats, arrays as float64 arrays (0-d arrays become floats). The engine's
    own array when it is one already, not a copy: a copy of every result and gradient
    doubled what a big tensor graph holds (limits.py counts each once). Results are never
    changed (see ``NodeResult``), and the engine's arrays are not touched after its pass."""
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr
