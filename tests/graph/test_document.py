"""GraphDocument: plain data, events, refusals with reasons, snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from playground.graph import Edge, Event, GraphDocument, GraphError
from tests.graph.helpers import lecture, op, values


def recorder(doc: GraphDocument) -> list[Event]:
    events: list[Event] = []
    doc.subscribe(events.append)
    return events


def test_add_node_plain_data_and_event():
    doc = GraphDocument()
    events = recorder(doc)
    a = doc.add_node("value", label="a", value=2, pos=(np.float64(1.5), 2))
    m = doc.add_node("op", op="mul")
    assert doc.node(a) == {
        "kind": "value",
        "op": None,
        "label": "a",
        "value": 2.0,
        "pos": (1.5, 2.0),
    }
    assert type(doc.value(a)) is float and type(doc.pos(a)[0]) is float
    assert doc.node(m)["value"] is None and doc.op_name(m) == "mul"
    assert events == [Event("node_added", node=a), Event("node_added", node=m)]
    assert len(doc) == 2 and a in doc and doc.node_ids() == [a, m]


def test_tensor_literals_become_nested_lists():
    doc = GraphDocument()
    x = doc.add_node("value", value=np.array([[1, 2], [3, 4]]))
    assert doc.value(x) == [[1.0, 2.0], [3.0, 4.0]]
    assert type(doc.value(x)[0][0]) is float
    y = doc.add_node("value", value=(1, (2.5,)))
    assert doc.value(y) == [1.0, [2.5]]  # ragged is stored; evaluation reports it


def test_node_copies_do_not_leak_into_the_document():
    doc = GraphDocument()
    x = doc.add_node("value", value=[1.0, 2.0])
    doc.value(x).append(3.0)
    doc.node(x)["value"].append(4.0)
    assert doc.value(x) == [1.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"kind": "value", "op": "add"}, "a value node has no op"),
        ({"kind": "op", "op": "tanhh"}, "unknown op 'tanhh'"),
        ({"kind": "op", "op": "add", "value": 1.0}, "an op node has no literal value"),
        ({"kind": "thing"}, "unknown node kind 'thing'"),
        ({"kind": "value", "value": True}, "not a boolean"),
        ({"kind": "value", "value": "2"}, "not str"),
        ({"kind": "value", "node_id": ""}, "non-empty string"),
    ],
)
def test_add_node_refusals(kwargs, reason):
    doc = GraphDocument()
    events = recorder(doc)
    with pytest.raises(GraphError, match=reason):
        doc.add_node(**kwargs)
    assert len(doc) == 0 and events == []


def test_duplicate_id_refused():
    doc = GraphDocument()
    doc.add_node("value", node_id="a")
    with pytest.raises(GraphError, match="already a node with id 'a'"):
        doc.add_node("value", node_id="a")


def test_new_id_skips_taken_ids():
    doc = GraphDocument()
    doc.add_node("value", node_id="n1")
    assert doc.add_node("value") == "n2"


def test_connect_events_and_inputs():
    doc = GraphDocument()
    values(doc, a=1.0, b=2.0)
    doc.add_node("op", op="add", node_id="s")
    events = recorder(doc)
    doc.connect("a", "s", 1)
    doc.connect("b", "s", 0)
    assert events == [
        Event("edge_added", edge=("a", "s", 1)),
        Event("edge_added", edge=("b", "s", 0)),
    ]
    assert doc.inputs("s") == ["b", "a"]
    assert doc.input_of("s", 1) == "a"
    assert doc.consumers("a") == [Edge("a", "s", 1)]
    assert sorted(doc.edges(), key=lambda e: e.slot) == [Edge("b", "s", 0), Edge("a", "s", 1)]


def test_same_source_feeds_both_slots():
    doc = GraphDocument()
    values(doc, a=3.0)
    op(doc, "b", "add", "a", "a")
    assert doc.inputs("b") == ["a", "a"]
    assert len(doc.consumers("a")) == 2


@pytest.mark.parametrize(
    ("source", "target", "slot", "reason"),
    [
        ("a", "zz", 0, "there is no node 'zz'"),
        ("a", "b", 0, "b is a value: it has no inputs"),
        ("a", "e", 2, r"\* has no input 2 \(it takes 2\)|e has no input 2 \(it takes 2\)"),
        ("a", "e", -1, "has no input -1"),
        ("e", "e", 0, "cannot feed itself"),
        ("L", "e", 0, "would make a cycle"),
        ("c", "e", 0, "input 'left' of e is already fed by a"),
    ],
)
def test_connect_refusals_leave_document_untouched(source, target, slot, reason):
    doc = lecture()
    before = doc.to_data()
    events = recorder(doc)
    assert doc.connect_refusal(source, target, slot) is not None
    with pytest.raises(GraphError, match=reason):
        doc.connect(source, target, slot)
    assert doc.to_data() == before and events == []


def test_connect_replace_swaps_the_wire():
    doc = lecture()
    events = recorder(doc)
    assert doc.connect_refusal("c", "e", 0, replace=True) is None
    doc.connect("c", "e", 0, replace=True)
    assert doc.inputs("e") == ["c", "b"]
    assert events == [
        Event("edge_removed", edge=("a", "e", 0)),
        Event("edge_added", edge=("c", "e", 0)),
    ]


def test_disconnect():
    doc = lecture()
    assert doc.disconnect("e", 1) == "b"
    assert doc.inputs("e") == ["a", None]
    with pytest.raises(GraphError, match="not connected"):
        doc.disconnect("e", 1)


def test_remove_node_cascades_edges_and_output():
    doc = lecture()
    doc.set_output("d")
    events = recorder(doc)
    doc.remove_node("d")
    assert "d" not in doc
    assert sorted(e.edge for e in events if e.kind == "edge_removed") == [
        ("c", "d", 1),
        ("d", "L", 0),
        ("e", "d", 0),
    ]
    assert Event("output_changed") in events
    assert events[-1] == Event("node_removed", node="d")
    assert doc.marked_output is None
    assert doc.inputs("L") == [None, "f"]


def test_set_value_label_move_emit_attr_events():
    doc = lecture()
    events = recorder(doc)
    doc.set_value("a", 5)
    doc.set_label("a", "alpha")
    doc.move("a", (10, 20))
    assert [e.attr for e in events] == ["value", "label", "pos"]
    assert doc.value("a") == 5.0 and doc.label("a") == "alpha" and doc.pos("a") == (10.0, 20.0)
    assert doc.display_name("a") == "alpha"
    with pytest.raises(GraphError, match="is an op: it has no value"):
        doc.set_value("e", 1.0)
    with pytest.raises(GraphError, match="no node 'q'"):
        doc.set_label("q", "x")


def test_display_name_names_an_unnamed_op_after_its_inputs_and_a_value_by_a_free_letter():
    doc = GraphDocument()
    doc.add_node("op", op="mul", node_id="m")
    doc.add_node("value", node_id="v")
    assert doc.display_name("m") == "?*?" and doc.display_name("v") == "a"
    doc.set_label("v", "x")
    doc.connect("v", "m", 0)
    doc.connect("v", "m", 1)
    assert doc.display_name("m") == "x*x"


def test_a_long_name_over_one_letter_inputs_is_shortened_and_ends() -> None:
    # cross_entropy(z, t) is longer than a name may be, and both inputs are one letter
    # long, as long as "…": shortening must still finish (it once looped for ever)
    doc = GraphDocument()
    for n in ("z", "t"):
        doc.add_node("value", value=[1.0, 0.0], label=n, node_id=n)
    doc.add_node("op", op="cross_entropy", params={"reduction": "sum"}, node_id="ce")
    doc.connect("z", "ce", 0)
    doc.connect("t", "ce", 1)
    name = doc.display_name("ce")
    assert name.startswith("cross_entro") and len(name) <= 12


def test_output_node_rules():
    doc = GraphDocument()
    with pytest.raises(GraphError, match="empty"):
        doc.output_node()
    doc = lecture()
    assert doc.output_node() == "L"
    values(doc, z=1.0)  # a node with no wire at all does not compete with L
    assert doc.output_node() == "L" and doc.output_candidates() == ["L"]
    op(doc, "t", "tanh", "z")  # a second result: now the graph cannot tell
    assert sorted(doc.output_candidates()) == ["L", "t"]
    with pytest.raises(GraphError, match=r"2 nodes have no consumer \(L, t\): mark one"):
        doc.output_node()
    doc.set_output("d")
    assert doc.output_node() == "d" and doc.marked_output == "d"
    doc.set_output(None)
    with pytest.raises(GraphError):
        doc.output_node()


def test_slots_and_graph_view_is_read_only():
    doc = lecture()
    assert doc.n_slots("e") == 2 and doc.slot_names("e") == ("left", "right")
    assert doc.n_slots("a") == 0
    g = doc.graph
    with pytest.raises(Exception):  # noqa: B017 (networkx raises NetworkXError)
        g.add_node("x")
    assert set(g.nodes) == set(doc.node_ids())


def test_to_data_from_data_round_trip():
    doc = lecture()
    doc.set_output("L")
    doc.move("a", (3, 4))
    data = doc.to_data()
    copy = GraphDocument.from_data(data)
    assert copy.to_data() == data
    assert data["output"] == "L"
    # canonical: insertion order does not matter
    other = GraphDocument()
    for n in reversed(data["nodes"]):
        other.add_node(node_id=n["id"], **{k: v for k, v in n.items() if k != "id"})
    for e in reversed(data["edges"]):
        other.connect(e["source"], e["target"], e["slot"])
    other.set_output("L")
    assert other.to_data() == data


def test_clear_and_replace_with_keep_listeners():
    doc = lecture()
    events = recorder(doc)
    doc.replace_with(GraphDocument.from_data(lecture().to_data()))
    doc.clear()
    assert [e.kind for e in events] == ["reset", "reset"]
    assert len(doc) == 0


def test_unsubscribe():
    doc = GraphDocument()
    events: list[Event] = []
    unsubscribe = doc.subscribe(events.append)
    unsubscribe()
    doc.add_node("value")
    assert events == []


def test_connect_all_adds_every_wire_and_emits_an_event_each() -> None:
    doc = GraphDocument()
    a = doc.add_node("value", label="a", value=2.0)
    plus = doc.add_node("op", op="add")
    events = []
    doc.subscribe(events.append)
    doc.connect_all([(a, plus, 0), (a, plus, 1)])
    assert doc.inputs(plus) == [a, a]
    assert [e.edge for e in events] == [(a, plus, 0), (a, plus, 1)]


@pytest.mark.parametrize(
    "bad_edges, reason",
    [
        ([("x", "p", 0), ("p", "q", 0), ("q", "p", 1)], "cycle"),
        ([("x", "p", 0), ("y", "p", 0)], "already fed"),
        ([("x", "p", 0), ("y", "p", 7)], "has no input 7"),
    ],
)
def test_connect_all_is_all_or_none(bad_edges, reason) -> None:
    doc = GraphDocument()
    for n in ("x", "y"):
        doc.add_node("value", node_id=n, value=1.0)
    doc.add_node("op", op="mul", node_id="p")
    doc.add_node("op", op="add", node_id="q")
    before = doc.to_data()
    events = []
    doc.subscribe(events.append)
    with pytest.raises(GraphError, match=reason):
        doc.connect_all(bad_edges)
    assert doc.to_data() == before
    assert events == []


def test_names_are_recomputed_after_a_rewire_but_not_after_a_new_number_or_a_move(monkeypatch):
    from playground.graph import names as names_module

    doc = lecture()
    calls = []
    real = names_module.names
    monkeypatch.setattr(names_module, "names", lambda d: calls.append(1) or real(d))
    first = {n: doc.display_name(n) for n in doc.node_ids()}
    assert len(calls) == 1
    doc.set_value("a", 5.0)
    doc.move("a", (10.0, 20.0))
    assert {n: doc.display_name(n) for n in doc.node_ids()} == first
    assert len(calls) == 1  # data and place do not change a name: an edit stays cheap
    doc.set_label("a", "q")
    assert doc.display_name("a") == "q" and len(calls) == 2


def test_many_ops_with_one_shortened_name_get_numbered_primes_in_linear_time():
    import time

    doc = GraphDocument()
    values(doc, longname_a=1.0, longname_b=2.0)
    for i in range(3000):  # unnamed: each is named "longname_a*…"-like from its inputs
        doc.add_node("op", op="mul", label="", node_id=f"m{i}")
        doc.connect("longname_a", f"m{i}", 0)
        doc.connect("longname_b", f"m{i}", 1)
    start = time.process_time()
    shown = [doc.display_name(f"m{i}") for i in range(3000)]
    assert time.process_time() - start < 2.0  # the quadratic search took ~1 s at 2,000
    assert len(set(shown)) == 3000
    assert shown[:5] == [shown[0], shown[0] + "′", shown[0] + "″", shown[0] + "‴",
                         shown[0] + "′4"]
    assert max(len(s) for s in shown) <= len(shown[0]) + 5


def test_move_many_moves_each_node_and_says_more_follow_until_the_last():
    doc = GraphDocument()
    a, b, c = (doc.add_node("value", label=x, value=1.0) for x in "abc")
    seen: list[tuple[str | None, tuple[float, float], bool]] = []
    # each listener sees the node already in its new place, as after ``move``
    doc.subscribe(lambda e: seen.append((e.node, doc.pos(e.node), e.more)))
    doc.move_many({a: (10, 20), c: (30.5, -4)})
    assert seen == [(a, (10.0, 20.0), True), (c, (30.5, -4.0), False)]
    assert doc.pos(b) == (0.0, 0.0)


def test_move_many_with_an_unknown_node_moves_nothing():
    doc = GraphDocument()
    a = doc.add_node("value", label="a", value=1.0, pos=(5, 5))
    events = recorder(doc)
    with pytest.raises(GraphError, match="nope"):
        doc.move_many({a: (10, 20), "nope": (0, 0)})
    assert doc.pos(a) == (5.0, 5.0) and events == []
