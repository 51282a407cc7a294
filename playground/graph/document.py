"""The document: an expression graph as plain data, changed only through methods that emit events.

A node is ``{"kind": "value" | "op", "op": name | None, "label": str, "value": literal | None,
"pos": (x, y)}``; a literal is a number or nested lists of numbers (a tensor). An op node whose
op has parameters (``sum``'s axis, ``reshape``'s shape, ...) may also hold ``"params"``: a plain
dict overriding the op table's defaults (see ``playground.graph.params``); the key is absent
when nothing is overridden. A node inside a group also holds ``"group"``: the group's id
(``playground.graph.groups``: groups only change what is shown, never a number). An edge feeds an
input *slot* of an op node. ``b = a + a`` feeds both slots of ``+`` from one node, so the
graph is a networkx ``MultiDiGraph`` whose edge key is the slot.

Views (the Qt scene, tests) ``subscribe`` to events; nothing else changes the graph. Every
refusal (cycle, slot taken, no such slot) raises ``GraphError`` with a sentence a learner
understands, and leaves the document untouched.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from playground.graph import bulk, names
from playground.graph import params as P
from playground.graph.events import Event, GraphError
from playground.graph.groups import GROUP_ATTR, Groups
from playground.graph.plain import plain_literal, plain_params, plain_pos
from playground.ops import OPS

NodeKind = Literal["value", "op"]
Literal_ = float | int | list
Pos = tuple[float, float]


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    slot: int


class GraphDocument(Groups):
    """The single source of truth for one expression graph."""

    def __init__(self) -> None:
        self._g: nx.MultiDiGraph = nx.MultiDiGraph()
        self._output: str | None = None
        self._groups: dict[str, dict[str, Any]] = {}
        """Group id -> label, pos, parent (``playground.graph.groups``)."""
        self._listeners: list[Listener] = []
        self._ids = itertools.count(1)
        self._names: dict[str, str] | None = None
        """Every node's visible name (``graph.names``), until the next event."""
        self._ports: dict[str, Any] | None = None
        """Every group's ports (``groups.Ports``), until wires, members or the output change."""

    # --- events ------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` after every change. Returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: Event) -> None:
        if event.kind not in ("output_changed", "group_added", "group_removed",
                              "group_changed") and event.attr not in ("value", "pos"):
            self._names = None  # names follow labels, ops, params and wires, not data or place
        if event.attr not in ("value", "pos", "label", "params"):
            self._ports = None  # ports follow wires, members and the output (not a label)
        for listener in list(self._listeners):
            listener(event)

    # --- reading -----------------------------------------------------------------------

    @property
    def graph(self) -> nx.MultiDiGraph:
        """A read-only view of the graph (for evaluation and layout). Do not mutate."""
        return nx.freeze(self._g.copy(as_view=True))

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._g

    def node_ids(self) -> list[str]:
        return list(self._g.nodes)

    def node(self, node_id: str) -> dict[str, Any]:
        """A copy of the node's attributes."""
        self._require(node_id)
        return copy.deepcopy(dict(self._g.nodes[node_id]))

    def kind(self, node_id: str) -> NodeKind:
        return self._g.nodes[node_id]["kind"]

    def op_name(self, node_id: str) -> str | None:
        return self._g.nodes[node_id]["op"]

    def label(self, node_id: str) -> str:
        return self._g.nodes[node_id]["label"]

    def value(self, node_id: str) -> Any:
        return copy.deepcopy(self._g.nodes[node_id]["value"])

    def pos(self, node_id: str) -> Pos:
        return self._g.nodes[node_id]["pos"]

    def params(self, node_id: str) -> dict[str, Any]:
        """A copy of the parameters the node overrides (``{}``: the op's defaults)."""
        params = self._g.nodes[node_id].get("params")
        return copy.deepcopy(params) if params else {}  # most have none: no deepcopy call

    def effective_params(self, node_id: str) -> dict[str, Any]:
        """Every parameter of the node's op: its defaults overridden by the node's own."""
        op = self._g.nodes[node_id]["op"]
        return P.effective(op, self._g.nodes[node_id].get("params")) if op else {}

    def display_name(self, node_id: str) -> str:
        """The node's one visible name, as its card shows it and every text says it: the
        label, else an op's expression from its inputs' names (``a*b``), else a free letter
        (``playground.graph.names``). An id that is not in the graph is returned as is."""
        if node_id in self._groups:
            return self._groups[node_id]["label"] or "group"
        if self._names is None:
            self._names = names.names(self)
        return self._names.get(node_id, node_id)

    def free_name(self) -> str:
        """The name a new value takes: the first of a, b, c, ... no node's name uses."""
        return names.free_letter({self.display_name(n) for n in self._g.nodes} | {
            self.label(n) for n in self._g.nodes})

    def name_clash(self, node_id: str, label: str) -> str | None:
        """Why ``node_id`` cannot be named ``label`` (another node has that name), or None.
        A number may repeat: it is a constant's name."""
        if not label or names.is_constant_label(label):
            return None
        for n in self._g.nodes:
            if n != node_id and label in (self._g.nodes[n]["label"], self.display_name(n)):
                return f"{label} is already the name of another node: pick another name"
        return None

    def n_slots(self, node_id: str) -> int:
        """How many inputs a node takes (0 for values)."""
        op = self._g.nodes[node_id]["op"]
        return OPS[op].arity if op else 0

    def slot_names(self, node_id: str) -> tuple[str, ...]:
        op = self._g.nodes[node_id]["op"]
        return OPS[op].slots if op else ()

    def edges(self) -> list[Edge]:
        return [Edge(s, t, k) for s, t, k in self._g.edges(keys=True)]

    def inputs(self, node_id: str) -> list[str | None]:
        """The source feeding each slot of ``node_id`` (None where a slot is empty)."""
        self._require(node_id)
        fed: list[str | None] = [None] * self.n_slots(node_id)
        for source, _, slot in self._g.in_edges(node_id, keys=True):
            fed[slot] = source
        return fed

    def input_of(self, node_id: str, slot: int) -> str | None:
        for source, _, k in self._g.in_edges(node_id, keys=True):
            if k == slot:
                return source
        return None

    def consumers(self, node_id: str) -> list[Edge]:
        """Edges out of ``node_id``: every (consumer, slot) its output feeds."""
        return [Edge(s, t, k) for s, t, k in self._g.out_edges(node_id, keys=True)]

    @property
    def marked_output(self) -> str | None:
        """The node explicitly marked as output, if any."""
        return self._output

    def sinks(self) -> list[str]:
        return [n for n in self._g.nodes if self._g.out_degree(n) == 0]

    def output_candidates(self) -> list[str]:
        """The nodes Backward could start from: the sinks, but a node with no wire at all (a
        value just dropped on the canvas) only when no wired node is a sink. A learner
        building the next part must not take Backward away from the finished result."""
        g = self._g
        sinks = self.sinks()
        wired = [n for n in sinks if g.in_degree(n) > 0]
        return wired or sinks

    def output_node(self) -> str:
        """Where Backward starts: the marked output, else the only candidate (a sink; see
        ``output_candidates``)."""
        if self._output is not None:
            return self._output
        sinks = self.output_candidates()
        if len(sinks) == 1:
            return sinks[0]
        if not sinks:
            raise GraphError("the graph is empty: add a node first")
        names = ", ".join(sorted(self.display_name(n) for n in sinks))
        raise GraphError(
            f"{len(sinks)} nodes have no consumer ({names}): mark one as the output"
        )

    # --- editing -----------------------------------------------------------------------

    def new_id(self, prefix: str = "n") -> str:
        while True:
            candidate = f"{prefix}{next(self._ids)}"
            if candidate not in self._g and candidate not in self._groups:
                return candidate

    def add_node(
        self,
        kind: NodeKind,
        *,
        op: str | None = None,
        label: str = "",
        value: Any = None,
        pos: Iterable[float] = (0.0, 0.0),
        node_id: str | None = None,
        params: dict[str, Any] | None = None,
        group: str | None = None,
    ) -> str:
        """Add a node and return its id. Value nodes take a literal, op nodes an op name (and
        optionally ``params`` overriding the op's parameter defaults); ``group``: the group it
        sits in (None: the top)."""
        if kind == "value":
            if op is not None:
                raise GraphError("a value node has no op")
            if params:
                raise GraphError("a value node has no parameters")
            value = 0.0 if value is None else plain_literal(value)
        elif kind == "op":
            if op not in OPS:
                raise GraphError(f"unknown op {op!r}")
            if value is not None:
                raise GraphError("an op node has no literal value")
            params = plain_params(op, params)
        else:
            raise GraphError(f"unknown node kind {kind!r}")
        if node_id is None:
            node_id = self.new_id()
        elif not isinstance(node_id, str) or not node_id:
            raise GraphError("a node id must be a non-empty string")
        elif node_id in self._g or node_id in self._groups:
            raise GraphError(f"there is already a node with id {node_id!r}")
        if group is not None and group not in self._groups:
            raise GraphError(f"there is no group {group!r}")
        self._g.add_node(
            node_id, kind=kind, op=op, label=str(label), value=value, pos=plain_pos(pos)
        )
        if params:
            self._g.nodes[node_id]["params"] = params
        if group is not None:
            self._g.nodes[node_id][GROUP_ATTR] = group
        self._emit(Event("node_added", node=node_id))
        return node_id

    def remove_node(self, node_id: str) -> None:
        """Remove a node and every edge touching it (each edge removal is its own event)."""
        self._require(node_id)
        for s, t, k in list(self._g.in_edges(node_id, keys=True)) + list(
            self._g.out_edges(node_id, keys=True)
        ):
            self._g.remove_edge(s, t, key=k)
            self._emit(Event("edge_removed", edge=(s, t, k)))
        if self._output == node_id:
            self._output = None
            self._emit(Event("output_changed"))
        self._g.remove_node(node_id)
        self._emit(Event("node_removed", node=node_id))

    def connect_refusal(
        self, source: str, target: str, slot: int, *, replace: bool = False
    ) -> str | None:
        """Why ``connect(source, target, slot, replace=...)`` would be refused, or None.

        A filled slot is a refusal unless ``replace``, which swaps the old wire out.
        """
        reason = self._endpoint_refusal(source, target, slot)
        if reason is None and nx.has_path(self._g, target, source):
            reason = (
                f"connecting {self.display_name(source)} to {self.display_name(target)} "
                "would make a cycle: a value cannot depend on itself"
            )
        return reason or (None if replace else self._slot_taken(target, slot))

    def _endpoint_refusal(self, source: str, target: str, slot: int) -> str | None:
        for n in (source, target):
            if n not in self._g:
                return f"there is no node {n!r}"
        if self._g.nodes[target]["kind"] == "value":
            return f"{self.display_name(target)} is a value: it has no inputs"
        n_slots = self.n_slots(target)
        if not isinstance(slot, int) or not 0 <= slot < n_slots:
            return f"{self.display_name(target)} has no input {slot} (it takes {n_slots})"
        if source == target:
            return f"{self.display_name(target)} cannot feed itself"
        return None

    def _slot_taken(self, target: str, slot: int) -> str | None:
        taken = self.input_of(target, slot)
        if taken is not None:
            slot_name = self.slot_names(target)[slot]
            return (
                f"input '{slot_name}' of {self.display_name(target)} is already fed by "
                f"{self.display_name(taken)}"
            )
        return None

    def connect(self, source: str, target: str, slot: int, *, replace: bool = False) -> None:
        """Feed ``source``'s output into ``slot`` of ``target``.

        With ``replace``, a wire already in that slot is removed first (its own event).
        """
        reason = self.connect_refusal(source, target, slot, replace=replace)
        if reason:
            raise GraphError(reason)
        if self.input_of(target, slot) is not None:
            self.disconnect(target, slot)
        self._g.add_edge(source, target, key=slot)
        self._emit(Event("edge_added", edge=(source, target, slot)))

    def connect_all(self, edges: Iterable[tuple[str, str, int]]) -> None:
        """Add many wires at once (loading, pasting): all or none.

        Each wire is checked as ``connect`` checks it, except that cycles are looked for once
        at the end instead of with a path search per wire: loading a 10,000-node file is then
        linear instead of quadratic.
        """
        added: list[tuple[str, str, int]] = []
        try:
            for source, target, slot in edges:
                reason = self._endpoint_refusal(source, target, slot) or self._slot_taken(
                    target, slot
                )
                if reason:
                    raise GraphError(reason)
                self._g.add_edge(source, target, key=slot)
                added.append((source, target, slot))
            if not nx.is_directed_acyclic_graph(self._g):
                raise GraphError("these connections would make a cycle: a value cannot "
                                 "depend on itself")
        except GraphError:
            self._g.remove_edges_from(added)
            raise
        for edge in added:
            self._emit(Event("edge_added", edge=edge))

    def disconnect(self, target: str, slot: int) -> str:
        """Empty ``slot`` of ``target``; returns the source that fed it."""
        source = self.input_of(target, slot)
        if source is None:
            raise GraphError(f"input {slot} of {self.display_name(target)} is not connected")
        self._g.remove_edge(source, target, key=slot)
        self._emit(Event("edge_removed", edge=(source, target, slot)))
        return source

    def set_value(self, node_id: str, value: Any) -> None:
        self._require(node_id)
        if self._g.nodes[node_id]["kind"] != "value":
            raise GraphError(f"{self.display_name(node_id)} is an op: it has no value to set")
        self._g.nodes[node_id]["value"] = plain_literal(value)
        self._emit(Event("node_changed", node=node_id, attr="value"))

    def set_params(self, node_id: str, params: dict[str, Any] | None) -> None:
        """Replace the parameters ``node_id`` overrides (``{}`` or None: back to the defaults).

        Refused with a ``GraphError`` for value nodes, ops without parameters, unknown keys
        and values of the wrong kind (``the axis of sum must be a whole number or null``).
        Whether they fit the input's shape is decided when evaluating (a per-node error).
        """
        self._require(node_id)
        attrs = self._g.nodes[node_id]
        if attrs["kind"] != "op":
            raise GraphError(f"{self.display_name(node_id)} is a value: it has no parameters")
        plain = plain_params(attrs["op"], params)
        if plain:
            attrs["params"] = plain
        else:
            attrs.pop("params", None)
        self._emit(Event("node_changed", node=node_id, attr="params"))

    def set_label(self, node_id: str, label: str) -> None:
        self._require(node_id)
        self._g.nodes[node_id]["label"] = str(label)
        self._emit(Event("node_changed", node=node_id, attr="label"))

    def move(self, node_id: str, pos: Iterable[float]) -> None:
        self._require(node_id)
        self._g.nodes[node_id]["pos"] = plain_pos(pos)
        self._emit(Event("node_changed", node=node_id, attr="pos"))

    def move_many(self, positions: Mapping[str, Iterable[float]]) -> None:
        """Move several nodes as one edit (Auto layout, a drag of many): one event per node
        as ``move`` sends, every one but the last with ``more`` (the canvas routes the wires
        once, at the last, not once per end)."""
        for n in positions:
            self._require(n)
        last = len(positions) - 1
        for i, (n, pos) in enumerate(positions.items()):
            self._g.nodes[n]["pos"] = plain_pos(pos)
            self._emit(Event("node_changed", node=n, attr="pos", more=i < last))

    def set_output(self, node_id: str | None) -> None:
        """Mark ``node_id`` as where Backward starts (None: the only sink decides)."""
        if node_id is not None:
            self._require(node_id)
        self._output = node_id
        self._emit(Event("output_changed", node=node_id))

    def clear(self) -> None:
        self._g.clear()
        self._groups.clear()
        self._output = None
        self._emit(Event("reset"))

    def replace_with(self, other: GraphDocument) -> None:
        """Take over ``other``'s content (used on load); listeners stay, one ``reset`` event."""
        self._g = bulk.copy_graph(other._g)
        self._groups = copy.deepcopy(other._groups)
        self._output = other._output
        self._emit(Event("reset"))

    # --- plain-data snapshots (undo, copy/paste, tests) ---------------------------------

    def to_data(self) -> dict[str, Any]:
        """The whole document as plain data, in a canonical order (comparable with ==)."""
        nodes = [
            {"id": n, **copy.deepcopy(dict(attrs))} for n, attrs in sorted(self._g.nodes(data=True))
        ]
        edges = sorted(
            ({"source": s, "target": t, "slot": k} for s, t, k in self._g.edges(keys=True)),
            key=lambda e: (e["target"], e["slot"]),
        )
        data: dict[str, Any] = {"nodes": nodes, "edges": edges, "output": self._output}
        if self._groups:
            data["groups"] = self.groups_data()
        return data

    def numbers_key(self) -> str:
        """Everything the numbers depend on (nodes' kinds, values, ops and parameters, the
        wires, the marked output), not positions or labels: two states with the same key
        compute the same data and grads. A string, cheap to compare and to keep."""
        nodes = sorted(
            (n, a["kind"], a["op"], a["value"], a.get("params") or {})
            for n, a in self._g.nodes(data=True)
        )
        return repr((nodes, sorted(self._g.edges(keys=True)), self._output))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> GraphDocument:
        """Rebuild a document from ``to_data()`` output (trusted input; files go through io)."""
        doc = cls()
        doc.restore_groups(data.get("groups", ()))
        for n in data["nodes"]:
            attrs = {k: v for k, v in n.items() if k != "id"}
            doc.add_node(node_id=n["id"], **attrs)
        doc.connect_all((e["source"], e["target"], e["slot"]) for e in data["edges"])
        if data.get("output") is not None:
            doc.set_output(data["output"])
        return doc

    @classmethod
    def assemble(cls, nodes: Iterable[tuple[str, dict[str, Any]]],
                 edges: Iterable[tuple[str, str, int]], *,
                 groups: Iterable[dict[str, Any]] = (), output: str | None = None
                 ) -> GraphDocument:
        """A new document from parts a program built (trusted, already plain: float values,
        known ops, a DAG, slots in range), in bulk: no per-node check or event. The network
        view builds 70,000 nodes this way in a tenth of the time ``add_node`` takes.
        ``groups`` as ``groups_data()`` gives them; a node names its own ``"group"``."""
        doc = cls()
        doc.restore_groups(groups)
        bulk.fill_graph(doc._g, nodes, edges)
        doc._output = output
        return doc

    def _require(self, node_id: str) -> None:
        if node_id not in self._g:
            raise GraphError(f"there is no node {node_id!r}")
