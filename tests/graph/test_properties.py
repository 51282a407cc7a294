"""Property tests: random valid graphs, gradients against finite differences."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.graph import GraphDocument, io
from playground.graph.evaluate import evaluate
from playground.ops import OPS

# Smooth ops on a safe domain: finite differences are reliable there.
SMOOTH = ("add", "sub", "mul", "tanh", "sigmoid", "exp", "neg")


@st.composite
def graphs(draw) -> GraphDocument:
    doc = GraphDocument()
    n_leaves = draw(st.integers(1, 4))
    ids = []
    for i in range(n_leaves):
        v = draw(st.floats(-1.5, 1.5, allow_nan=False))
        ids.append(doc.add_node("value", value=v, node_id=f"x{i}", label=f"x{i}"))
    for i in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(SMOOTH))
        nid = doc.add_node("op", op=name, node_id=f"o{i}")
        for slot in range(OPS[name].arity):
            doc.connect(draw(st.sampled_from(ids)), nid, slot)
        ids.append(nid)
    doc.set_output(ids[-1])
    return doc


def central_difference(doc: GraphDocument, leaf: str, h: float = 1e-6) -> float:
    x = doc.value(leaf)
    out = doc.output_node()
    doc.set_value(leaf, x + h)
    up = evaluate(doc).results[out].data
    doc.set_value(leaf, x - h)
    down = evaluate(doc).results[out].data
    doc.set_value(leaf, x)
    return (up - down) / (2 * h)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_gradients_match_finite_differences(doc):
    ev = evaluate(doc, backward=True)
    assert ev.ok()
    out = ev.results[ev.output].data
    if not math.isfinite(out) or abs(out) > 1e6:
        return
    for n in doc.node_ids():
        if doc.kind(n) != "value":
            continue
        grad = ev.results[n].grad
        num = central_difference(doc, n)
        if grad is None:  # the output does not depend on it
            assert num == 0.0
            continue
        assert math.isclose(grad, num, rel_tol=1e-4, abs_tol=1e-5), (n, grad, num)


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_save_load_round_trip(doc):
    assert io.loads(io.dumps(doc)).doc.to_data() == doc.to_data()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "kind",
                    "op",
                    "value",
                    "pos",
                    "source",
                    "target",
                    "slot",
                    "nodes",
                    "edges",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["format", "version", "nodes", "edges", "output"]), JSONISH, max_size=5
    )
)
def test_any_json_object_loads_or_raises_load_error(data):
    import json

    data.setdefault("format", "backprop-playground")
    data.setdefault("version", 1)
    try:
        doc = io.loads(json.dumps(data)).doc
    except io.LoadError:
        return
    evaluate(doc, backward=True)  # a loaded document always evaluates without raising
