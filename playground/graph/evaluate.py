"""Evaluate a document: forward (and backward) through the engine, with per-node results.

``evaluate(doc, backward=False)`` never raises. Each document node maps to one engine node
(a ``Value``, or a ``Tensor`` when the graph holds a tensor literal or a tensor-only op); a
value node's literal is a leaf. Problems are reported per node in ``NodeResult.error``
("input 'b' is not connected"), and nodes downstream of a problem get
"depends on 'x', which has a problem". NaN and inf are warnings, not errors.

An op whose inputs are not all connected yet is *pending* (``NodeResult.pending``): it is being
built, not wrong. Its ``error`` still says why it has no number (headless callers treat it as
any error), ``needs`` names its open slots, and nodes downstream of it are pending too, with
``waits_for`` the node that lacks an input ("waits for 'e', which needs its 'right' input"). A
node that depends on a real error has that error, never pending. ``waiting_text`` words it.

Conventions:
- ``order`` is networkx's topological order of the document (inputs first).
- ``output`` is ``doc.output_node()`` when that is determined, with or without backward.
  Several unmarked sinks are a graph-level problem only when backward is asked for; an empty
  graph is always one.
- After backward, ``grad`` is d output / d node for every node the output depends on (and the
  output itself, 1). Nodes the output does not depend on get ``grad = None``, as PyTorch leaves
  ``.grad`` None for tensors outside the graph: "not upstream", not "zero".
- ``contributions[(source, target, slot)]`` is the gradient that flowed along that edge:
  ``local_slot * target.grad``, reduced to the source's shape. Summed over a node's outgoing
  edges it gives the node's grad (``b = a + a`` has two edges from ``a``).
- Engine: ``Value`` when every literal is a number and every op is scalar, else ``Tensor``
  (numbers become 0-d tensors; a 0-d result is reported as a float, others as arrays).
- A tensor output that is not a single number is seeded with ones, as if it were summed.
- An op node's ``params`` (``sum``'s axis, ``reshape``'s shape...) go to the tensor engine;
  parameters that do not fit the input (an axis it does not have, a reshape that changes the
  number of elements) are that node's error, in words (``playground.graph.params``).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from playground.engine.tensor import Tensor
from playground.engine.value import Value, paused_gc
from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate_results import (
    Data,
    Evaluation,
    NodeResult,
    ResultsOfRun,
    _grad_of,
    _plain_array,
)
from playground.graph.evaluate_tensor import (
    NodeProblem,
    engine_message,
    params_for,
    scalar_params,
    tensor_apply,
    tensor_backward,
)
from playground.graph.evaluate_text import (
    missing_text,
    slots_text,
    waiting_text,
)
from playground.graph.limits import Budget, BudgetError
from playground.graph.validate import literal_problem
from playground.ops import ARRAY, OPS, SCALAR, chain


def evaluate(doc: GraphDocument, backward: bool = False) -> Evaluation:
    """Forward (and with ``backward`` also backward) through the whole document. Never raises."""
    try:
        with paused_gc():  # engine nodes form no cycles: nothing for the collector to find
            return _Run(doc, backward).run()
    except Exception as exc:  # a bug here must not take the editor down
        results = {n: NodeResult(None, None, error=f"internal error: {exc}") for n in _ids(doc)}
        return Evaluation(
            results, [], None, [f"internal error: {type(exc).__name__}: {exc}"], False
        )


def topological_order(g: nx.MultiDiGraph) -> list[str]:
    """Depth-first post-order over the inputs: each node right after everything it needs (a
    valid topological order of a DAG, 4x cheaper than nx.topological_sort on a multigraph).
    Exactly ``list(nx.dfs_postorder_nodes(nx.reverse_view(g)))``, written out: 2x cheaper
    again. The document never holds a cycle; ``_Run._forward`` notices one anyway."""
    pred = g._pred
    seen: set[str] = set()
    order: list[str] = []
    add, append = seen.add, order.append
    for start in g._node:
        if start in seen:
            continue
        add(start)
        stack = [(start, iter(pred[start]))]
        push = stack.append
        while stack:
            parent, inputs = stack[-1]
            for child in inputs:
                if child not in seen:
                    add(child)
                    push((child, iter(pred[child])))
                    break
            else:
                stack.pop()
                append(parent)
    return order


def needs_tensor(attrs: dict[str, Any]) -> bool:
    """Whether this node alone puts the graph on the tensor engine (a tensor literal, or an
    op the scalar engine does not have)."""
    if attrs.get("kind") == "value":
        return isinstance(attrs.get("value"), list | tuple)
    op = OPS.get(attrs.get("op"))  # type: ignore[arg-type]
    return op is not None and not op.scalar


def _ids(doc: GraphDocument) -> list[str]:
    try:
        return doc.node_ids()
    except Exception:
        return []


class _Run(ResultsOfRun):
    """One evaluation pass (state shared by forward, backward and the result building)."""

    def __init__(self, doc: GraphDocument, backward: bool) -> None:
        self.doc = doc
        self.want_backward = backward
        # The document's own graph, read-only here: its frozen ``doc.graph`` view costs a
        # function call per lookup, which is most of the time on big graphs.
        self.g: nx.MultiDiGraph = doc._g
        self.nodes = self.g._node
        self.problems: list[str] = []
        self.values: dict[str, Any] = {}  # node id -> engine node (Value or Tensor)
        self.errors: dict[str, str] = {}
        self.waiting: dict[str, str] = {}  # pending node id -> the node that lacks an input
        self.needs: dict[str, tuple[str, ...]] = {}  # that node -> its open slot names
        self.inputs: dict[str, list[str]] = {}  # op node id -> its sources, by slot
        self.sizes: dict[str, int] = {}  # tensor engine: bytes each node holds (limits.py)
        self.upstream: frozenset[str] = frozenset()  # what backward will reach (tensors)
        self.order: list[str] = []

    # --- driver ------------------------------------------------------------------------

    def run(self) -> Evaluation:
        if len(self.g) == 0:
            return Evaluation({}, [], None, ["the graph is empty: add a node first"], False)
        order = self.order = topological_order(self.g)
        self.tensor = self._needs_tensor()
        self.engine = "tensor" if self.tensor else "scalar"
        if self.tensor and self.want_backward:
            self.upstream = self._backward_reach()
        if not self._forward(order):
            return self._cycle()

        output: str | None = None
        try:
            output = self.doc.output_node()
        except GraphError as exc:
            if self.want_backward:
                self.problems.append(str(exc))
        grads: dict[str, Data] | None = None
        contributions: dict[tuple[str, str, int], Data] = {}
        if self.want_backward and output is not None:
            if output in self.waiting:
                why = self._waiting_text(output)
                self.problems.append(f"cannot run backward: {why}")
            elif output in self.errors:
                self.problems.append(f"cannot run backward: {self._name(output)} has a problem "
                                     f"({self.errors[output]})")
            else:
                grads, contributions = self._backward(output, order)
        return Evaluation(
            self._results(order, grads, contributions),
            order,
            output,
            self.problems,
            grads is not None,
            contributions,
            self.engine,
        )

    def _cycle(self) -> Evaluation:
        self.values.clear()
        self.errors.clear()
        try:
            cycle = nx.find_cycle(self.g)
            names = " -> ".join(self._name(s) for s, *_ in cycle)
            msg = f"the graph has a cycle ({names} -> {self._name(cycle[0][0])})"
        except Exception:
            msg = "the graph has a cycle"
        cyclic = NodeResult(None, None, error="part of a graph with a cycle")
        results = {n: cyclic for n in self.nodes}
        return Evaluation(results, [], None, [msg], False)

    def _backward_reach(self) -> frozenset[str]:
        """The nodes backward will reach (their gradients count against the memory budget),
        found before forward: the output and everything it depends on."""
        try:
            output = self.doc.output_node()
        except GraphError:
            return frozenset()  # no backward: the graph-level problem says why
        return frozenset(nx.ancestors(self.g, output) | {output})

    def _needs_tensor(self) -> bool:
        return any(map(needs_tensor, self.nodes.values()))

    def _name(self, node_id: str) -> str:
        try:
            return f"'{self.doc.display_name(node_id)}'"
        except Exception:
            return f"'{node_id}'"

    # --- forward -----------------------------------------------------------------------

    def _forward(self, order: list[str]) -> bool:
        """Compute every node in ``order``; False if an input comes later (a cycle)."""
        pred = self.g._pred
        nodes = self.nodes
        values = self.values
        errors = self.errors
        inputs = self.inputs
        ops = OPS
        scalar = self.engine == "scalar"
        budget = None if scalar else self._budget(order)
        upstream = self.upstream
        for n in order:
            attrs = nodes[n]
            try:
                if attrs["kind"] == "value":
                    values[n] = self._leaf(attrs)
                    if budget is not None:
                        self.sizes[n] = budget.leaf(values[n].data.shape, n in upstream)
                    continue
                op = ops.get(attrs["op"])
                if op is None:
                    raise NodeProblem(f"unknown op {attrs['op']!r}")
                arity = op.arity
                fed: list[Any] = [None] * arity
                for source, keys in pred[n].items():
                    for slot in keys:
                        if slot.__class__ is not int or not 0 <= slot < arity:
                            raise NodeProblem(f"{op.symbol} has no input {slot!r}")
                        fed[slot] = source
                if None in fed:
                    self.waiting[n] = n
                    self.needs[n] = tuple(op.slots[i] for i, s in enumerate(fed) if s is None)
                    raise NodeProblem(missing_text(op, fed))
                args = []
                blocked = None  # the input with a problem (a real one before a pending one)
                for s in fed:
                    v = values.get(s)
                    if v is None:
                        if s in errors:
                            if blocked is None or (blocked in self.waiting
                                                   and s not in self.waiting):
                                blocked = s
                            continue
                        return False  # s comes later in the order: a cycle
                    args.append(v)
                if blocked is not None:
                    root = self.waiting.get(blocked)
                    if root is None:
                        raise NodeProblem(
                            f"depends on {self._name(blocked)}, which has a problem")
                    self.waiting[n] = root
                    needs = slots_text(self.needs[root])
                    raise NodeProblem(f"waits for {self._name(root)}, which needs {needs}")
                inputs[n] = fed
                if scalar and op.scalar:
                    a = args[0]
                    if op.params:  # powc: x**n, the exponent a parameter
                        values[n] = a.apply(op.name, **scalar_params(op, attrs))
                    else:
                        values[n] = a._apply(op) if arity == 1 else a._apply(op, args[1])
                else:  # the tensor engine: refused before computing if it would be too large
                    kwargs = params_for(op, attrs, args) if op.params else None
                    if budget is not None:
                        self.sizes[n] = budget.check(
                            op, [a.data.shape for a in args], kwargs, n in upstream)
                    values[n] = tensor_apply(op, args, kwargs)
            except (NodeProblem, BudgetError) as exc:
                errors[n] = str(exc)
            except Exception as exc:  # shape mismatch and the like, from the engine
                errors[n] = engine_message(exc, attrs)
        return True

    def _budget(self, order: list[str]) -> Budget:
        """The memory budget for computing ``order``: what the other nodes hold already
        counts (an incremental forward recomputes a part of the graph)."""
        sizes = self.sizes
        for n in order:
            sizes.pop(n, None)
        return Budget(sum(sizes.values()))

    def _waiting_text(self, n: str) -> str:
        root = self.waiting[n]
        return waiting_text(self._name(n), self._name(root) if root != n else None,
                            self.needs[root])

    def _leaf(self, attrs: dict[str, Any]) -> Any:
        value = attrs.get("value")
        label = attrs.get("label") or ""
        problem = literal_problem(value)
        if problem:
            raise NodeProblem(problem)
        if self.engine == "tensor":
            return Tensor(np.array(value, dtype=np.float64), requires_grad=True)
        return Value(float(value), label=label)

    # --- backward ----------------------------------------------------------------------

    def _backward(
        self, output: str, order: list[str]
    ) -> tuple[dict[str, Data], dict[tuple[str, str, int], Data]]:
        inputs = self.inputs
        upstream = {output}  # what the output depends on: walk the order backwards
        for t in reversed(order):
            if t in upstream:
                upstream.update(inputs.get(t, ()))
        root = self.values[output]
        if self.engine == "tensor":
            tensor_backward(root)
        else:
            root.backward()
        values = self.values
        nodes = self.nodes
        tensor = self.engine == "tensor"
        m = ARRAY if tensor else SCALAR
        grads: dict[str, Data] = {}
        contributions: dict[tuple[str, str, int], Data] = {}
        flow = chain.contributions  # what each wire carried: the engines' own chain rule
        with np.errstate(all="ignore"):  # inf/nan are results here, as in torch
            for t in order:
                if t not in upstream:
                    continue
                vt = values[t]
                g = grads[t] = _grad_of(vt)
                sources = inputs.get(t)
                if not sources:
                    continue
                op = OPS[nodes[t]["op"]]
                params = getattr(vt, "_params", None) or (op.params if tensor else None)
                flows = flow(op, [values[s].data for s in sources], vt.data, g, m, params)
                for slot, s in enumerate(sources):
                    c = flows[slot]
                    if c is not None:  # None: not differentiable (class targets)
                        contributions[(s, t, slot)] = _plain_array(c) if tensor else c
        return grads, contributions
