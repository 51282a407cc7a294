"""IncrementalEvaluator: after any sequence of edits its forward equals a full evaluate, bit for
bit, while recomputing only what lies downstream of the edits; a preview equals evaluating a
copy with the values set, and changes nothing."""

from __future__ import annotations

import math
import struct

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.graph import io
from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import Evaluation, evaluate, topological_order
from playground.graph.examples import resource_path
from playground.graph.incremental import IncrementalEvaluator, NumbersSince
from tests.graph.helpers import lecture as lecture_doc

EXAMPLES = sorted(p.name for p in resource_path("examples").glob("*.json"))

# Scalar ops with nan/inf cases (log, div, pow), and tensor ops (some with params).
OPS_USED = ("add", "sub", "mul", "div", "pow", "powc", "log", "tanh", "relu", "neg", "exp",
            "sum", "matmul", "mean")


def same_number(a, b) -> bool:
    """Equal bit for bit: same type, shape and bytes (nan == nan, 0.0 != -0.0)."""
    if type(a) is not type(b):
        return False
    if a is None:
        return True
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def assert_same(got: Evaluation, want: Evaluation) -> None:
    assert list(got.results) == list(want.results)
    for n, w in want.results.items():
        g = got.results[n]
        assert same_number(g.data, w.data), (n, g.data, w.data)
        assert same_number(g.grad, w.grad), n
        assert (g.error, g.warning, g.pending, g.needs, g.waits_for) == (
            w.error, w.warning, w.pending, w.needs, w.waits_for), n
    assert got.order == want.order
    assert (got.output, got.problems, got.backward, got.engine) == (
        want.output, want.problems, want.backward, want.engine)
    assert got.contributions == want.contributions == {}


numbers = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 800.0, -3.0]),
    st.floats(-5, 5, allow_nan=False),
)
tensors = st.one_of(
    st.lists(numbers, min_size=2, max_size=3),
    st.lists(st.lists(numbers, min_size=2, max_size=2), min_size=2, max_size=2),
)
literals = st.one_of(numbers, numbers, numbers, tensors)


def edit(doc: GraphDocument, data: st.DataObject) -> None:
    """One random edit, as a user could make it (a refused one changes nothing)."""
    ids = doc.node_ids()
    what = data.draw(st.sampled_from(
        ["value", "value", "connect", "connect", "disconnect", "add_value", "add_op",
         "remove", "output", "label", "params", "move"]))
    pick = (lambda: data.draw(st.sampled_from(ids))) if ids else None
    try:
        if what == "add_value" or pick is None:
            doc.add_node("value", value=data.draw(literals), label=data.draw(
                st.sampled_from(["", "a", "b"])))
        elif what == "add_op":
            doc.add_node("op", op=data.draw(st.sampled_from(OPS_USED)))
        elif what == "value":
            values = [n for n in ids if doc.kind(n) == "value"]
            if values:
                doc.set_value(data.draw(st.sampled_from(values)), data.draw(literals))
        elif what == "connect":
            target = pick()
            slots = doc.n_slots(target)
            if slots:
                doc.connect(pick(), target, data.draw(st.integers(0, slots - 1)),
                            replace=data.draw(st.booleans()))
        elif what == "disconnect":
            edges = doc.edges()
            if edges:
                e = data.draw(st.sampled_from(edges))
                doc.disconnect(e.target, e.slot)
        elif what == "remove":
            doc.remove_node(pick())
        elif what == "output":
            doc.set_output(data.draw(st.one_of(st.none(), st.sampled_from(ids))))
        elif what == "label":
            doc.set_label(pick(), data.draw(st.sampled_from(["", "x", "y", "L"])))
        elif what == "params":
            powers = [n for n in ids if doc.op_name(n) == "powc"]
            sums = [n for n in ids if doc.op_name(n) in ("sum", "mean")]
            if powers and data.draw(st.booleans()):
                doc.set_params(data.draw(st.sampled_from(powers)),
                               {"exponent": data.draw(st.sampled_from([3, -1, 0.5, 0, 2]))})
            elif sums:
                doc.set_params(data.draw(st.sampled_from(sums)),
                               data.draw(st.sampled_from([None, {"axis": 0}, {"axis": 1}])))
        else:
            doc.move(pick(), (data.draw(st.floats(-100, 100)), 0.0))
    except GraphError:
        pass


def start_doc(data: st.DataObject) -> GraphDocument:
    doc = GraphDocument()
    for _ in range(data.draw(st.integers(0, 6))):
        edit(doc, data)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_forward_after_any_edits_equals_a_full_evaluation(data) -> None:
    doc = start_doc(data)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    assert_same(inc.forward(), evaluate(doc))
    for _ in range(data.draw(st.integers(1, 25))):
        for _ in range(data.draw(st.integers(1, 3))):  # edits coalesce between forwards
            edit(doc, data)
        assert_same(inc.forward(), evaluate(doc))


def test_a_message_says_the_new_name_after_a_new_node_takes_its_letter() -> None:
    # Found by Hypothesis: "waits for 'a + ?'" stayed after a node labelled a renamed v to b
    doc = GraphDocument()
    v = doc.add_node("value", value=1.0)
    plus = doc.add_node("op", op="add")
    t = doc.add_node("op", op="tanh")
    doc.connect(v, plus, 0)
    doc.connect(plus, t, 0)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    first = inc.forward()
    assert "'a + ?'" in first.results[t].error
    doc.add_node("value", value=2.0, label="a")
    again = inc.forward()
    assert doc.display_name(v) == "b" and "'b + ?'" in again.results[t].error
    assert_same(again, evaluate(doc))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_preview_equals_evaluating_a_copy_and_changes_nothing(data) -> None:
    doc = start_doc(data)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    for _ in range(data.draw(st.integers(1, 8))):
        edit(doc, data)
        if data.draw(st.booleans()):
            inc.forward()
        values = [n for n in doc.node_ids() if doc.kind(n) == "value"]
        if not values:
            continue
        chosen = data.draw(st.lists(st.sampled_from(values), min_size=1, max_size=2,
                                    unique=True))
        new = {n: data.draw(literals) for n in chosen}
        before = doc.to_data()
        got = inc.preview(new)
        assert doc.to_data() == before
        scratch = GraphDocument.from_data(before)
        for n, v in new.items():
            scratch.set_value(n, v)
        assert_same(got, evaluate(scratch))
        assert_same(inc.forward(), evaluate(doc))  # the cache still holds the document's


def chain(n: int) -> GraphDocument:
    """x -> tanh -> tanh ... (n ops), with a constant k feeding the last op through a mul."""
    doc = GraphDocument()
    prev = doc.add_node("value", value=0.3, node_id="x")
    for i in range(n):
        nid = doc.add_node("op", op="tanh", node_id=f"t{i}")
        doc.connect(prev, nid, 0)
        prev = nid
    doc.add_node("value", value=2.0, node_id="k")
    doc.add_node("op", op="mul", node_id="out")
    doc.connect(prev, "out", 0)
    doc.connect("k", "out", 1)
    return doc


def test_a_value_edit_recomputes_only_its_downstream() -> None:
    doc = chain(500)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    inc.forward()
    assert inc.recomputed == 503  # the first forward is a full one
    doc.set_value("k", 3.0)
    ev = inc.forward()
    assert inc.recomputed == 2  # k and out
    assert ev.results["out"].data == 3.0 * ev.results["t499"].data
    assert_same(ev, evaluate(doc))
    doc.set_value("x", 0.5)
    inc.forward()
    assert inc.recomputed == 502  # all but k
    doc.move("k", (10.0, 10.0))
    doc.set_label("k", "k")
    assert inc.forward() is ev or inc.recomputed == 0  # nothing that changes a number


def test_wiring_edits_stay_incremental() -> None:
    doc = chain(200)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    inc.forward()
    doc.disconnect("out", 1)
    ev = inc.forward()
    assert inc.recomputed == 1
    assert ev.results["out"].pending and ev.results["out"].needs == ("right",)
    doc.add_node("value", value=-1.0, node_id="m")
    doc.connect("m", "out", 1)
    ev = inc.forward()
    assert inc.recomputed == 2  # m and out
    assert_same(ev, evaluate(doc))
    doc.remove_node("k")
    assert_same(inc.forward(), evaluate(doc))
    assert inc.recomputed == 0


def test_preview_recomputes_only_the_dragged_values_downstream() -> None:
    doc = chain(300)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    base = inc.forward()
    ev = inc.preview({"k": 4.0})
    assert inc.recomputed == 2
    assert ev.results["out"].data == 4.0 * base.results["t299"].data
    assert doc.value("k") == 2.0
    assert inc.forward() is base


def test_renaming_a_node_with_a_problem_rewords_its_downstream() -> None:
    doc = lecture_doc()
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    doc.disconnect("e", 1)
    doc.set_label("e", "product")
    ev = inc.forward()
    assert ev.results["L"].error == "waits for 'product', which needs its 'right' input"
    assert_same(ev, evaluate(doc))


def test_a_tensor_value_moves_the_graph_to_the_tensor_engine_and_back() -> None:
    doc = lecture_doc()
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    assert inc.forward().engine == "scalar"
    doc.set_value("a", [1.0, 2.0])
    ev = inc.forward()
    assert ev.engine == "tensor"
    assert np.array_equal(ev.results["L"].data, [-14.0, -8.0])
    doc.set_value("a", 2.0)
    ev = inc.forward()
    assert ev.engine == "scalar" and ev.results["L"].data == -8.0
    assert math.isclose(inc.preview({"f": 1.0}).results["L"].data, 4.0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_numbers_since_agrees_with_the_numbers_key(data) -> None:
    """Back at the marked numbers exactly when ``numbers_key`` says so (edits undone by hand,
    a reset to a copy of the marked graph included)."""
    doc = start_doc(data)
    since = NumbersSince(doc)
    doc.subscribe(since.note)
    assert not since.same()  # no mark yet
    since.mark()
    key, marked = doc.numbers_key(), doc.to_data()
    for _ in range(data.draw(st.integers(1, 15))):
        step = data.draw(st.sampled_from(["edit", "edit", "edit", "back", "mark"]))
        if step == "edit":
            edit(doc, data)
        elif step == "back":  # the marked graph again, as undoing everything gives it
            doc.replace_with(GraphDocument.from_data(marked))
        else:
            since.mark()
            key, marked = doc.numbers_key(), doc.to_data()
        assert since.same() == (doc.numbers_key() == key)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_topological_order_is_networkx_dfs_postorder_over_the_inputs(data) -> None:
    doc = start_doc(data)
    for _ in range(data.draw(st.integers(0, 20))):
        edit(doc, data)
    assert topological_order(doc._g) == list(nx.dfs_postorder_nodes(nx.reverse_view(doc._g)))


def test_a_power_by_a_constant_keeps_its_exponent_downstream_of_an_edit() -> None:
    """x -> **3 -> **3: an edit of x recomputes both powers with exponent 3 (an incremental
    forward once recomputed them as x**2, the op's default)."""
    doc = GraphDocument()
    doc.add_node("value", value=2.0, node_id="x")
    for i, source in enumerate(("x", "p0")):
        doc.add_node("op", op="powc", params={"exponent": 3}, node_id=f"p{i}")
        doc.connect(source, f"p{i}", 0)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    assert inc.forward().results["p1"].data == 512.0
    doc.set_value("x", 3.0)
    ev = inc.forward()
    assert ev.results["p1"].data == 19683.0
    assert_same(ev, evaluate(doc))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_value_edit_of_a_bundled_example_equals_a_full_evaluation(name: str) -> None:
    """Each value of each example set to a few numbers (nan and overflow makers included),
    one after another: the incremental forward (which updates the engine's nodes in place)
    equals a full evaluate bit for bit, and a preview still equals evaluating a copy."""
    doc = io.load(resource_path("examples") / name)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    assert_same(inc.forward(), evaluate(doc))
    values = [n for n in doc.node_ids() if doc.kind(n) == "value"]
    numbers = (0.5, -0.0, 0.0, 1e308, -3.0, float("nan"), float("inf"), 2.0, 3)
    # one value after another (each a new part), then each value again and again (a part's
    # program run: see incremental_part.py)
    edits = [(n, x) for x in numbers for n in values] + [(n, x) for n in values for x in numbers]
    for n, new in edits:
        old = doc.value(n)
        literal = new if not isinstance(old, list) else np.full_like(
            np.asarray(old, dtype=float), new).tolist()
        doc.set_value(n, literal)
        assert_same(inc.forward(), evaluate(doc))
        preview = inc.preview({n: old})
        doc.set_value(n, old)  # the preview's numbers, in the document's own order
        want = evaluate(doc)
        doc.set_value(n, literal)
        assert_same(preview, want)


def test_results_an_edit_does_not_change_stay_the_same_objects() -> None:
    """x feeds relu (0 for any x <= 0) and a mul: setting x from -1 to -2 changes the mul's
    number, not the relu's, so the relu keeps its result object (the canvas repaints only
    the cards whose result is new); the numbers still equal a full evaluate."""
    doc = GraphDocument()
    doc.add_node("value", value=-1.0, node_id="x")
    doc.add_node("op", op="relu", node_id="r")
    doc.add_node("op", op="mul", node_id="m")
    doc.add_node("op", op="add", node_id="s")
    doc.connect("x", "r", 0)
    doc.connect("x", "m", 0)
    doc.connect("x", "m", 1)
    doc.connect("r", "s", 0)
    doc.connect("r", "s", 1)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    before = inc.forward()
    doc.set_value("x", -2.0)
    after = inc.forward()
    assert inc.recomputed == 4
    assert after.results["r"] is before.results["r"] and after.results["s"] is before.results["s"]
    assert after.results["m"] is not before.results["m"] and after.results["m"].data == 4.0
    assert_same(after, evaluate(doc))
    doc.set_value("x", 0.0)  # relu(0) is 0.0, the same number: kept again
    assert inc.forward().results["r"] is before.results["r"]


def test_editing_one_value_again_runs_its_program_until_an_engine_node_is_replaced() -> None:
    """The second edit of the same value runs the part's program (no look-ups); a wire
    change drops it (an engine node is replaced), and the numbers equal a full evaluate
    throughout, inf and nan included."""
    doc = chain(50)
    inc = IncrementalEvaluator(doc)
    doc.subscribe(inc.note)
    inc.forward()
    for x in (0.5, 0.7, float("inf"), float("nan"), -0.0, 0.0, 0.7):
        doc.set_value("x", x)
        assert_same(inc.forward(), evaluate(doc))
        assert inc._program is not None and inc.recomputed == 52
    doc.disconnect("t10", 0)  # t10 and its downstream wait for an input: no engine nodes
    assert_same(inc.forward(), evaluate(doc))
    assert inc._program is None
    doc.connect("t9", "t10", 0)
    assert_same(inc.forward(), evaluate(doc))
    for x in (0.1, 0.2):
        doc.set_value("x", x)
        assert_same(inc.forward(), evaluate(doc))
    assert inc._program is not None
