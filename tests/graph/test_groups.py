"""Groups: an overlay on the flat graph. Ports from the crossing wires, nesting, ungroup
restoring the nodes exactly, and numbers identical to the flat graph."""

from __future__ import annotations

import random

import numpy as np
import pytest

from playground.graph import io
from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import evaluate
from playground.graph.examples import example_path, list_examples


def tanh_from_exp() -> tuple[GraphDocument, dict[str, str]]:
    """o = (e - 1) / (e + 1) with e = exp(2n), n = x*w + b: the lecture's tanh built from exp."""
    d = GraphDocument()
    ids = {}
    for name, v in (("x", 2.0), ("w", -3.0), ("b", 6.8813735870195432), ("two", 2.0),
                    ("one", 1.0)):
        ids[name] = d.add_node("value", value=v, label=name)
    for name, op in (("xw", "mul"), ("n", "add"), ("2n", "mul"), ("e", "exp"),
                     ("e-1", "sub"), ("e+1", "add"), ("o", "div")):
        ids[name] = d.add_node("op", op=op, label=name)
    for s, t, k in (("x", "xw", 0), ("w", "xw", 1), ("xw", "n", 0), ("b", "n", 1),
                    ("two", "2n", 0), ("n", "2n", 1), ("2n", "e", 0), ("e", "e-1", 0),
                    ("one", "e-1", 1), ("e", "e+1", 0), ("one", "e+1", 1), ("e-1", "o", 0),
                    ("e+1", "o", 1)):
        d.connect(ids[s], ids[t], k)
    return d, ids


def numbers(doc: GraphDocument) -> dict[str, tuple]:
    ev = evaluate(doc, backward=True)
    return {n: (repr(r.data), repr(r.grad), r.error) for n, r in ev.results.items()}


def test_group_ports_are_the_wires_crossing_its_edge():
    d, ids = tanh_from_exp()
    inner = [ids[k] for k in ("two", "2n", "e", "e-1", "e+1", "o", "one")]
    g = d.add_group(inner, label="tanh")
    ports = d.ports(g)
    assert ports.inputs == (ids["n"],)  # n feeds 2n: one port, whatever uses it inside
    assert ports.outputs == (ids["o"],)  # o feeds nothing: the graph's result
    assert d.display_name(g) == "tanh"
    assert d.children(None) == ([ids[k] for k in ("x", "w", "b", "xw", "n")], [g])
    assert d.representative(ids["e"], None) == g
    assert d.representative(ids["x"], g) is None  # outside the group


def test_an_input_used_twice_inside_is_one_port_and_outputs_follow_the_wires_out():
    d, ids = tanh_from_exp()
    g = d.add_group([ids["e-1"], ids["e+1"]])
    assert d.ports(g).inputs == (ids["one"], ids["e"])  # e feeds both; in node order
    assert d.ports(g).outputs == (ids["e-1"], ids["e+1"])  # both feed o, outside


def test_ungroup_restores_the_document_exactly():
    d, ids = tanh_from_exp()
    before = d.to_data()
    g = d.add_group([ids["e"], ids["e-1"]], label="part")
    assert d.to_data() != before
    d.remove_group(g)
    assert d.to_data() == before


def test_groups_nest_and_ungrouping_the_outer_keeps_the_inner():
    d, ids = tanh_from_exp()
    inner = d.add_group([ids["e-1"], ids["e+1"]], label="inner")
    outer = d.add_group([inner, ids["o"], ids["e"]], label="outer")
    assert d.group_of(inner) == outer
    assert d.path(inner) == [outer, inner]
    assert d.inside(outer) == {ids[k] for k in ("e", "e-1", "e+1", "o")}
    assert d.representative(ids["e-1"], None) == outer
    assert d.representative(ids["e-1"], outer) == inner
    d.remove_group(outer)
    assert d.group_of(inner) is None and d.group_of(ids["o"]) is None
    assert d.group_of(ids["e-1"]) == inner


def test_grouping_nodes_of_different_levels_is_refused_and_changes_nothing():
    d, ids = tanh_from_exp()
    g = d.add_group([ids["e-1"], ids["e+1"]])
    before = d.to_data()
    with pytest.raises(GraphError, match="same level"):
        d.add_group([ids["e-1"], ids["x"]])
    with pytest.raises(GraphError, match="select the nodes"):
        d.add_group([])
    with pytest.raises(GraphError, match="no node"):
        d.add_group(["zz"])
    with pytest.raises(GraphError, match="already"):
        d.add_group([ids["x"]], group_id=g)
    assert d.to_data() == before


def test_a_node_added_into_a_group_sits_there_and_its_id_never_clashes_with_a_group():
    d, ids = tanh_from_exp()
    g = d.add_group([ids["o"]])
    n = d.add_node("value", value=1.0, group=g)
    assert d.group_of(n) == g and n != g
    with pytest.raises(GraphError, match="no group"):
        d.add_node("value", value=1.0, group="nope")
    with pytest.raises(GraphError, match="already"):
        d.add_node("value", value=1.0, node_id=g)


def test_deleting_a_group_needs_it_empty_and_insert_group_puts_it_back():
    d, ids = tanh_from_exp()
    g = d.add_group([ids["o"]], label="out", pos=(5, 6))
    with pytest.raises(GraphError, match="not empty"):
        d.delete_group(g)
    before = d.to_data()
    attrs = d.node(ids["o"])
    d.remove_node(ids["o"])
    d.delete_group(g)
    assert not d.groups()
    d.insert_group(g, label="out", pos=(5, 6))
    d.add_node(node_id=ids["o"], **attrs)
    d.connect(ids["e-1"], ids["o"], 0)
    d.connect(ids["e+1"], ids["o"], 1)
    assert d.to_data() == before


def test_grouping_changes_no_number_and_survives_a_data_round_trip():
    d, ids = tanh_from_exp()
    flat = numbers(d)
    assert float(flat[ids["o"]][0]) == pytest.approx(0.7071, abs=1e-4)
    g = d.add_group([ids[k] for k in ("2n", "e", "e-1", "e+1", "o")], label="tanh")
    assert numbers(d) == flat
    again = GraphDocument.from_data(d.to_data())
    assert again.to_data() == d.to_data() and again.ports(g) == d.ports(g)
    assert numbers(again) == flat


def random_grouping(doc: GraphDocument, rng: random.Random, rounds: int) -> None:
    """Group random sets of siblings at random levels, nesting as it goes. A set that would
    feed itself gets the items between its members added, as the refusal tells a learner."""
    for _ in range(rounds):
        scopes = [None, *doc.groups()]
        scope = rng.choice(scopes)
        nodes, groups = doc.children(scope)
        items = nodes + groups
        if len(items) < 1:
            continue
        chosen = set(rng.sample(items, rng.randint(1, len(items))))
        while (between := doc._between(chosen, scope)) is not None:
            chosen.add(between)
        doc.add_group(sorted(chosen, key=items.index), label=f"g{_}")


def force_group(doc: GraphDocument, members: list[str], label: str) -> str:
    """A group ``add_group`` refuses (a value leaves it and comes back in), made the way a
    hand-written file can make it: through the trusted data path."""
    data = doc.to_data()
    gid = doc.new_id("g")
    data.setdefault("groups", []).append({"id": gid, "label": label, "pos": [0.0, 0.0],
                                          "parent": None})
    for n in data["nodes"]:
        if n["id"] in members:
            n["group"] = gid
    doc.replace_with(GraphDocument.from_data(data))
    return gid


@pytest.mark.parametrize("name", [e.name for e in list_examples()])
def test_every_example_grouped_at_random_gives_the_flat_numbers_exactly(name):
    doc = io.load(example_path(name))
    flat = numbers(doc)
    rng = random.Random(name)
    random_grouping(doc, rng, rounds=6)
    assert doc.groups()
    assert numbers(doc) == flat
    for g in doc.groups():  # every port really crosses the edge
        inner = doc.inside(g)
        assert all(s not in inner for s in doc.ports(g).inputs)
        assert all(o in inner for o in doc.ports(g).outputs)
    before_ungroup = {n: doc.group_of(n) for n in doc.node_ids()}
    assert any(before_ungroup.values())
    for g in list(reversed(doc.groups())):
        doc.remove_group(g)
    assert numbers(doc) == flat and not any(doc.group_of(n) for n in doc.node_ids())


def test_random_graphs_grouped_at_random_give_the_flat_numbers_exactly():
    from playground.teach.random_expr import Difficulty, random_document

    for seed in range(20):
        doc = random_document(Difficulty(ops=("add", "mul", "tanh", "exp"), depth=3, reuse=True),
                              seed)
        flat = numbers(doc)
        random_grouping(doc, random.Random(seed), rounds=5)
        assert doc.groups()
        assert numbers(doc) == flat
        assert np.isfinite(float(flat[doc.output_node()][0]))


def test_place_in_moves_members_into_a_group_and_back_and_refuses_a_group_inside_itself():
    d, ids = tanh_from_exp()
    seen = []
    d.subscribe(seen.append)
    outer = d.add_group([ids["e-1"], ids["e+1"], ids["o"]], label="outer")
    inner = d.add_group([ids["o"]], label="inner")
    before = d.to_data()
    d.place_in([ids["x"], ids["w"]], inner)
    assert d.group_of(ids["x"]) == inner and d.representative(ids["x"], None) == outer
    assert seen[-1].kind == "group_changed" and seen[-1].attr == "members"
    d.place_in([ids["x"], ids["w"]], None)
    assert d.to_data() == before
    with pytest.raises(GraphError, match="inside itself"):
        d.place_in([outer], inner)
    with pytest.raises(GraphError, match="no node"):
        d.place_in(["zz"], inner)
    assert d.to_data() == before


def test_undoing_an_ungroup_puts_the_group_back_in_its_place_in_the_order():
    d, ids = tanh_from_exp()
    first = d.add_group([ids["e"]], label="first")
    d.add_group([ids["o"]], label="second")
    before = d.to_data()
    info, members = d.group_info(first), d.children(first)
    d.remove_group(first)
    d.insert_group(first, label=info["label"], pos=info["pos"], parent=info["parent"], index=0)
    d.place_in(members[0] + members[1], first)
    assert d.to_data() == before


def test_the_scope_graph_joins_the_items_standing_for_each_wires_ends():
    d, ids = tanh_from_exp()
    g = d.add_group([ids[k] for k in ("e", "e-1", "e+1")], label="part")
    top = d.scope_graph(None)
    assert set(top.nodes) == (set(d.node_ids()) - d.inside(g)) | {g}
    # 2n feeds e inside; one feeds e-1 and e+1 inside: one wire into the group each
    assert top.number_of_edges(ids["2n"], g) == 1 and top.number_of_edges(ids["one"], g) == 1
    assert top.number_of_edges(g, ids["o"]) == 2  # e-1 -> o (left), e+1 -> o (right)
    inside = d.scope_graph(g)
    assert set(inside.nodes) == d.inside(g)
    assert set(inside.edges(keys=True)) == {(ids["e"], ids["e-1"], 0), (ids["e"], ids["e+1"], 0)}


def test_grouping_around_a_node_that_sits_between_members_is_refused_and_changes_nothing():
    d, ids = tanh_from_exp()  # e feeds e-1 and e+1; both feed o
    before = d.to_data()
    with pytest.raises(GraphError, match="e-1 takes a value from the selection and feeds one"):
        d.add_group([ids["e"], ids["o"], ids["e+1"]])
    assert d.to_data() == before
    g = d.add_group([ids["e"], ids["e-1"], ids["e+1"], ids["o"]])  # closed: fine
    assert d.ports(g).outputs == (ids["o"],)


def test_a_loop_through_another_group_at_the_level_is_refused_too():
    d, ids = tanh_from_exp()
    d.add_group([ids["e-1"]], label="mid")
    with pytest.raises(GraphError, match="mid takes a value"):
        d.add_group([ids["e"], ids["o"], ids["e+1"]])


@pytest.mark.parametrize("name", ["lecture", "neuron", "micrograd_readme", "polynomial"])
def test_the_gradient_check_through_groups_gives_the_flat_graphs_rows_exactly(name):
    from playground.teach.numeric import gradient_check

    doc = io.load(example_path(name))
    flat = gradient_check(doc)
    random_grouping(doc, random.Random(name), rounds=6)
    assert doc.groups()
    assert gradient_check(doc) == flat


def test_a_group_input_port_stands_for_every_wire_from_its_source_into_the_group():
    d, ids = tanh_from_exp()
    g = d.add_group([ids[k] for k in ("2n", "e", "e-1", "e+1", "o")], label="tanh")
    one, two = ids["one"], ids["two"]
    assert d.group_input_wires(g, one) == sorted([(one, ids["e-1"], 1), (one, ids["e+1"], 1)])
    assert d.group_input_wires(g, two) == [(two, ids["2n"], 0)]
    assert d.group_input_wires(g, ids["x"]) == []  # x feeds nothing inside
    assert d.group_input_refusal(g, one, ids["w"]) is None
    assert d.group_input_refusal(g, ids["x"], ids["w"]) == "x does not feed tanh"
    assert d.group_input_refusal(g, one, ids["e"]) == "tanh cannot feed itself"


def test_a_wire_that_would_loop_through_a_group_card_is_found_though_the_flat_graph_has_none():
    d = GraphDocument()
    a = d.add_node("value", value=2.0, label="a")
    p = d.add_node("op", op="neg", label="p")
    q = d.add_node("op", op="neg", label="q")
    t = d.add_node("op", op="tanh", label="t")
    d.connect(a, p, 0)
    d.connect(t, q, 0)
    g = d.add_group([p, q], label="g")
    assert d.connect_refusal(p, t, 0) is None  # p -> t -> q: no cycle
    assert d.level_loop_refusal(p, t, None) == (
        "t already feeds g: this wire would close a loop between them (as one card, g would "
        "depend on itself)")
    assert d.level_loop_refusal(p, t, g) is None  # seen from inside g: t is not on show
    assert d.group_input_refusal(g, t, p) == "g cannot feed itself"
    d.disconnect(q, 0)
    assert d.level_loop_refusal(p, t, None) is None
    assert d.level_loop_refusal(a, t, None) is None  # plain cards: connect_refusal's job
