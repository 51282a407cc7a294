"""Incremental forward: after an edit, recompute only what lies downstream of it.

``IncrementalEvaluator(doc)`` keeps the state of the last forward pass (each node's engine
node, errors, pending nodes: ``evaluate._Run``'s own dictionaries) and is told what changed
through ``note(event)`` (subscribe it to the document, or forward the events you get).
``forward()`` then recomputes the noted nodes and everything downstream of them, with the
same per-node code as ``evaluate`` (``_Run._forward`` and ``_Run._results`` over a part of
the order), and returns an ``Evaluation`` equal to ``evaluate(doc, backward=False)`` in every
field, results in the same order (tests/graph/test_incremental.py checks it on random edits).

What each event touches:
- a value set, a node's params: that node; a wire connected or removed: its target;
- a node added: itself; a node removed: its wires' targets (their own events), and the node
  leaves the cache;
- the output mark: only ``Evaluation.output``;
- a label: nothing, unless the node has an error: the nodes downstream name it ("depends on
  'x', which has a problem"), so they are worded again;
- a position: nothing.
A change of wires or nodes also recomputes the order (one depth-first pass, the order
``evaluate`` gives) and the output; the numbers are still recomputed only downstream. A full
evaluation runs the first time, after ``reset`` (a loaded file), when the graph moves between
the scalar and the tensor engine, and on anything odd (a cycle, an internal error).

``preview(values)`` is a forward with some value nodes' literals replaced, recomputing only
their downstream, on copies: neither the document nor the cached state changes. A scrub drag
calls it on every mouse move. ``backward()`` is a full ``evaluate(doc, backward=True)``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from playground.engine.value import paused_gc
from playground.graph.document import Event, GraphDocument, GraphError
from playground.graph.evaluate import Evaluation, _Run, evaluate, needs_tensor, topological_order
from playground.graph.incremental_part import Program, forward_part, run_program
from playground.graph.plain import plain_literal

#: The per-node state of ``_Run`` that forward fills in, by node id.
_STATE = ("values", "errors", "waiting", "needs", "inputs", "sizes")


class IncrementalEvaluator:
    """Forward evaluations of one document, each recomputing only what changed since the last
    (see the module doc). Not thread-safe; call it where the document is edited."""

    def __init__(self, doc: GraphDocument) -> None:
        self.doc = doc
        self._run: _Run | None = None
        """The last forward's state (None: the next forward is a full one)."""
        self._last: Evaluation | None = None
        self._dirty: set[str] = set()
        """Nodes to recompute (with their downstream) at the next forward."""
        self._removed: set[str] = set()
        self._structure = False
        """Nodes or wires changed: the order and the output are computed again."""
        self._names_moved = False
        """Names may have moved since the last forward (``_renamed``)."""
        self._output = False
        self._tensor: set[str] = set()
        """The nodes that put the graph on the tensor engine (as ``needs_tensor``)."""
        self._index: dict[str, int] | None = None
        self._index_order: list[str] | None = None
        self._part: tuple[list[str], frozenset[str], set[str], list[str]] | None = None
        """The last ``_downstream``: (order, starts, affected, part)."""
        self._program: tuple[object, _Run, Program] | None = None
        """The last in-place pass's program, with the ``_part`` and the run it was made for
        (see incremental_part.py)."""
        self.recomputed = 0
        """How many nodes the last ``forward()`` or ``preview()`` recomputed (for tests)."""

    # --- what changed -----------------------------------------------------------------------

    def note(self, event: Event) -> None:
        """Record what a document event touched (call it for every event, in order)."""
        kind, n = event.kind, event.node
        run = self._run
        if run is None:
            return  # the next forward is a full one anyway
        if kind == "node_changed":
            if event.attr in ("value", "params") and n is not None:
                self._dirty.add(n)
                if event.attr == "value":
                    self._retensor(n)
            elif event.attr == "label" and n is not None:
                self._renamed(run)
            elif event.attr != "pos":
                self._run = None
        elif kind in ("edge_added", "edge_removed") and event.edge is not None:
            self._dirty.add(event.edge[1])
            self._structure = True
            self._renamed(run)
        elif kind == "node_added" and n is not None:
            self._renamed(run)
            self._dirty.add(n)
            self._removed.discard(n)
            self._structure = True
            self._retensor(n)
        elif kind == "node_removed" and n is not None:
            self._renamed(run)
            self._removed.add(n)
            self._tensor.discard(n)
            self._structure = True
        elif kind == "output_changed":
            self._output = True
        elif kind.startswith("group_"):
            pass  # grouping changes what is shown, not a number
        else:  # reset (a file loaded, the graph cleared) or an event this does not know
            self._run = None

    def _renamed(self, run: _Run) -> None:
        """Names may have moved (a label, a wire or a node changes the automatic names:
        ``a + ?``, a free letter): every message names nodes, so each node with one is
        computed again. Messages are few; numbers are not touched."""
        if run.errors:  # marked once, at the next forward, not at every event of a paste
            self._names_moved = True

    def _retensor(self, n: str) -> None:
        attrs = self.doc._g._node.get(n)
        if attrs is not None and needs_tensor(attrs):
            self._tensor.add(n)
        else:
            self._tensor.discard(n)

    # --- evaluations ----------------------------------------------------------------------

    def forward(self) -> Evaluation:
        """``evaluate(doc, backward=False)``, recomputing only downstream of what changed."""
        run = self._run
        if (run is None or run.g is not self.doc._g or not self.doc._g
                or bool(self._tensor) != run.tensor):
            return self._full()
        if not (self._dirty or self._structure or self._output or self._removed
                or self._names_moved):
            assert self._last is not None
            self.recomputed = 0
            return self._last
        try:
            with paused_gc():
                evaluation = self._patch(run)
        except Exception:  # a bug here must not take the editor down: evaluate says it
            evaluation = None
        return self._full() if evaluation is None else evaluation

    def backward(self) -> Evaluation:
        """Forward and backward through the whole document (``evaluate(doc, backward=True)``);
        the cached forward state is left as it is."""
        return evaluate(self.doc, backward=True)

    def preview(self, values: Mapping[str, Any]) -> Evaluation:
        """The forward evaluation the document would give with these value nodes' literals,
        recomputing only their downstream. Nothing changes: not the document, not the cache.
        Raises ``GraphError`` for a node that is not a value or a literal that is not one, as
        ``GraphDocument.set_value`` would."""
        base = self.forward()
        doc = self.doc
        plain = {}
        for n, v in values.items():
            if n not in doc or doc.kind(n) != "value":
                raise GraphError(f"there is no value node {n!r}")
            plain[n] = plain_literal(v)
        run = self._run
        tensor = {n for n in plain if isinstance(plain[n], list)} | (self._tensor - set(plain))
        if run is None or bool(tensor) != run.tensor:
            return self._scratch(plain)  # a cycle, an internal error, another engine
        fork = copy.copy(run)
        for name in _STATE:
            setattr(fork, name, dict(getattr(run, name)))
        fork.nodes = dict(run.nodes)
        for n, v in plain.items():
            fork.nodes[n] = {**run.nodes[n], "value": v}
        try:
            with paused_gc():
                evaluation = self._recompute(fork, base, plain, base.order, base.output)
        except Exception:
            evaluation = None
        return self._scratch(plain) if evaluation is None else evaluation

    # --- helpers ----------------------------------------------------------------------------

    def _full(self) -> Evaluation:
        self._forget()
        run = _Run(self.doc, False)
        try:
            with paused_gc():
                evaluation = run.run()
        except Exception:
            return evaluate(self.doc, backward=False)  # words the internal error
        self.recomputed = len(run.order)
        if not evaluation.problems:  # not empty, no cycle: worth keeping
            self._run = run
            self._last = evaluation
            self._tensor = {n for n, attrs in run.nodes.items() if needs_tensor(attrs)}
        return evaluation

    def _forget(self) -> None:
        self._run = self._last = self._index = self._part = self._program = None
        self._dirty, self._removed = set(), set()
        self._structure = self._output = self._names_moved = False

    def _patch(self, run: _Run) -> Evaluation | None:
        """Bring ``run`` and the last evaluation up to date; None if only a full one can."""
        last = self._last
        assert last is not None
        g = self.doc._g
        for n in self._removed:
            if n not in g:
                for name in _STATE:
                    getattr(run, name).pop(n, None)
        order, output = last.order, last.output
        if self._structure:
            order = run.order = topological_order(g)
            self._program = None  # made for the old order's part: its engine nodes let go
        if self._structure or self._output:
            try:
                output = self.doc.output_node()
            except GraphError:
                output = None
        dirty = {n for n in self._dirty if n in g}
        if self._names_moved:
            dirty.update(e for e in run.errors if e in g)
        self._dirty, self._removed = set(), set()
        self._structure = self._output = self._names_moved = False
        evaluation = self._recompute(run, last, dirty, order, output, in_place=True)
        if evaluation is not None:
            self._last = evaluation
        else:
            self._run = None
        return evaluation

    def _recompute(self, run: _Run, last: Evaluation, starts: Iterable[str], order: list[str],
                   output: str | None, in_place: bool = False) -> Evaluation | None:
        """Recompute ``starts`` and their downstream in ``run``; the evaluation that gives,
        the other nodes' results taken from ``last``. None on a cycle. ``in_place``: ``run``
        is the evaluator's own, whose engine nodes may be changed (see incremental_part.py)."""
        starts = set(starts)
        affected, part = self._downstream(run, starts, order)
        for name in _STATE:
            state = getattr(run, name)
            if not state:
                continue
            # A node outside ``starts`` still has the wires and the engine node recorded for
            # it: kept, they let ``forward_part`` skip the per-node checks (and, in place,
            # the node's construction); it overwrites them, or drops them on a problem. In
            # place, an edited value's leaf is kept too: it takes its new number.
            if name == "inputs" or (name == "values" and not in_place):
                keys: Iterable[str] = starts
            elif name == "values":
                continue
            else:
                keys = affected
            for n in keys:
                state.pop(n, None)
        old = last.results
        fresh = None
        program = self._program
        if in_place and program is not None and program[0] is self._part and program[1] is run:
            fresh = run_program(run, program[2], starts, old)
        if fresh is None:
            fresh, made = forward_part(run, part, starts, old, in_place)
            if in_place:  # a pass that replaced an engine node returns no program
                self._program = None if made is None else (self._part, run, made)
            if fresh is None:
                return None  # an input comes later: a cycle
        if order is last.order:  # same nodes, same order: the old results, some replaced
            results = dict(old)
            results.update(fresh)
        else:
            get = fresh.get
            results = {n: get(n) or old[n] for n in order}
        self.recomputed = len(part)
        return Evaluation(results, order, output, [], False, {}, run.engine)

    def _downstream(self, run: _Run, starts: set[str], order: list[str]
                    ) -> tuple[set[str], list[str]]:
        """``starts`` and everything downstream of them, as a set and in ``order``. Kept
        while the order stays the same list (no wire or node changed): editing or scrubbing
        one value asks for the same part again and again."""
        key = frozenset(starts)
        cached = self._part
        if cached is not None and cached[0] is order and cached[1] == key:
            return cached[2], cached[3]
        succ = run.g._succ
        affected: set[str] = set()
        stack = list(starts)
        while stack:
            n = stack.pop()
            if n not in affected:
                affected.add(n)
                stack.extend(succ[n])
        if len(affected) * 4 > len(order):
            part = [n for n in order if n in affected]
        else:
            index = self._order_index(order)
            part = sorted(affected, key=index.__getitem__)
        self._part = (order, key, affected, part)
        return affected, part

    def _order_index(self, order: list[str]) -> dict[str, int]:
        """node id -> place in ``order`` (kept while the order stays the same list)."""
        if self._index is None or self._index_order is not order:
            self._index = {n: i for i, n in enumerate(order)}
            self._index_order = order
        return self._index

    def _scratch(self, values: Mapping[str, Any]) -> Evaluation:
        """The preview the slow way: a copy of the document, evaluated whole."""
        scratch = GraphDocument.from_data(self.doc.to_data())
        for n, v in values.items():
            scratch.set_value(n, v)
        self.recomputed = len(scratch)
        return evaluate(scratch, backward=False)


class NumbersSince:
    """Whether the document's numbers are back where they were at ``mark()``: the same as
    ``doc.numbers_key() == key_at_mark``, kept from the events (``note``) in O(what changed)
    instead of building the key of the whole graph after every edit (38 ms at 10,000 nodes).
    A Backward's grads are exactly right again when ``same()`` (an edit undone, a value
    scrubbed there and back)."""

    def __init__(self, doc: GraphDocument) -> None:
        self.doc = doc
        self._at: dict[str, str] | None = None
        """node id -> what its numbers depend on at the mark (None: no mark)."""
        self._output: str | None = None
        self._differs: set[str] = set()

    def mark(self) -> None:
        g = self.doc._g
        self._at = {n: self._state(n) for n in g._node}
        self._output = self.doc.marked_output
        self._differs = set()

    def forget(self) -> None:
        """No mark: ``same()`` is False until the next ``mark()``."""
        self._at = None

    def same(self) -> bool:
        return (self._at is not None and not self._differs
                and self.doc.marked_output == self._output)

    def note(self, event: Event) -> None:
        at = self._at
        if at is None:
            return
        kind = event.kind
        if kind == "node_changed":
            if event.attr in ("value", "params") and event.node is not None:
                self._check(event.node)
        elif kind in ("edge_added", "edge_removed") and event.edge is not None:
            self._check(event.edge[1])
        elif kind in ("node_added", "node_removed") and event.node is not None:
            self._check(event.node)
        elif kind == "reset":  # a whole new graph (or the old one back): compare it all
            self._differs = {n for n in at.keys() | self.doc._g._node.keys()
                             if self._state(n) != at.get(n)}

    def _check(self, n: str) -> None:
        assert self._at is not None
        if self._state(n) == self._at.get(n):
            self._differs.discard(n)
        else:
            self._differs.add(n)

    def _state(self, n: str) -> str | None:
        """As ``numbers_key`` writes a node, with the wires into it."""
        g = self.doc._g
        attrs = g._node.get(n)
        if attrs is None:
            return None
        wires = sorted((s, k) for s, keys in g._pred[n].items() for k in keys)
        return repr((attrs["kind"], attrs["op"], attrs["value"], attrs.get("params") or {},
                     wires))
