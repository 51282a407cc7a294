"""Op parameters on document nodes: the document, the file format, evaluation, the hint."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.graph import Event, GraphDocument, GraphError, io
from playground.graph import params as P
from playground.graph.evaluate import evaluate
from playground.graph.examples import list_examples
from tests.graph.helpers import lecture, values

X = [[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]


def recorder(doc: GraphDocument) -> list[Event]:
    events: list[Event] = []
    doc.subscribe(events.append)
    return events


def one_op(name: str, params: dict | None = None, x=X, second=None) -> GraphDocument:
    doc = GraphDocument()
    values(doc, x=x)
    doc.add_node("op", op=name, params=params, node_id="y")
    doc.connect("x", "y", 0)
    if second is not None:
        values(doc, z=second)
        doc.connect("z", "y", 1)
    return doc


# --- the document ---------------------------------------------------------------------------


def test_params_are_plain_data_and_absent_by_default():
    doc = GraphDocument()
    s = doc.add_node("op", op="sum")
    assert "params" not in doc.node(s)  # nodes without overrides look as they always did
    assert doc.params(s) == {} and doc.effective_params(s) == {"axis": None, "keepdims": False}
    r = doc.add_node("op", op="reshape", params={"shape": (np.int64(3), 2)})
    assert doc.node(r)["params"] == {"shape": [3, 2]}
    assert type(doc.node(r)["params"]["shape"][0]) is int
    doc.params(r)["shape"].append(9)  # a copy: the document is unchanged
    assert doc.params(r) == {"shape": [3, 2]}
    v = doc.add_node("value", value=1.0)
    assert doc.effective_params(v) == {}


def test_set_params_emits_node_changed_and_empty_resets():
    doc = GraphDocument()
    s = doc.add_node("op", op="sum")
    events = recorder(doc)
    doc.set_params(s, {"axis": 0, "keepdims": True})
    assert doc.params(s) == {"axis": 0, "keepdims": True}
    assert doc.effective_params(s) == {"axis": 0, "keepdims": True}
    doc.set_params(s, {})
    assert "params" not in doc.node(s)
    doc.set_params(s, None)
    assert events == [Event("node_changed", node=s, attr="params")] * 3


@pytest.mark.parametrize(
    "op, params, message",
    [
        ("sum", {"axis": "x"}, 'the axis of sum must be a whole number or null, not "x"'),
        ("sum", {"axis": 1.0}, "the axis of sum must be a whole number or null, not 1.0"),
        ("sum", {"axis": True}, "the axis of sum must be a whole number or null, not true"),
        ("mean", {"keepdims": 1}, "the keepdims of mean must be true or false, not 1"),
        ("sum", {"axes": [1]}, 'sum has no parameter "axes" (it takes axis, keepdims)'),
        ("concat", {"axis": None}, "the axis of concat must be a whole number, not null"),
        ("reshape", {"shape": 6}, "the shape of reshape must be a list of whole numbers"),
        ("reshape", {"shape": [-1, 2, -1]}, "has more than one -1"),
        ("reshape", {"shape": [2, -3]}, "is below -1"),
        ("transpose", {"axes": "1, 0"}, "the axes of transpose must be null or a list"),
        ("getitem", {"index": 0}, "the index of getitem must be index text"),
        ("getitem", {"index": "__import__('os')"}, "is not a whole number"),
        ("getitem", {"index": "0:2:0"}, "a slice step cannot be 0"),
        ("getitem", {"index": "[[0, 1], [2]]"}, "must have the same length"),
        ("cross_entropy", {"reduction": "avg"}, 'the reduction of cross_entropy must be "mean"'),
        ("tanh", {"axis": 0}, "tanh has no parameters"),
        ("sum", [0], "parameters must be an object"),
    ],
)
def test_bad_params_are_refused_with_a_reason(op, params, message):
    doc = GraphDocument()
    n = doc.add_node("op", op=op)
    before = doc.to_data()
    events = recorder(doc)
    with pytest.raises(GraphError) as err:
        doc.set_params(n, params)
    assert message in str(err.value)
    assert doc.to_data() == before and events == []
    with pytest.raises(GraphError) as err:
        doc.add_node("op", op=op, params=params)
    assert message in str(err.value)
    assert doc.to_data() == before


def test_value_nodes_have_no_params():
    doc = GraphDocument()
    v = doc.add_node("value", value=2.0)
    with pytest.raises(GraphError, match="is a value: it has no parameters"):
        doc.set_params(v, {"axis": 0})
    with pytest.raises(GraphError, match="a value node has no parameters"):
        doc.add_node("value", value=1.0, params={"axis": 0})
    with pytest.raises(GraphError, match="there is no node"):
        doc.set_params("zz", {})


def test_snapshots_carry_params():
    doc = one_op("sum", {"axis": 1})
    data = doc.to_data()
    assert data["nodes"][1] == {
        "id": "y", "kind": "op", "op": "sum", "label": "", "value": None, "pos": (0.0, 0.0),
        "params": {"axis": 1},
    }
    again = GraphDocument.from_data(data)
    assert again.to_data() == data
    other = GraphDocument()
    other.replace_with(doc)
    assert other.params("y") == {"axis": 1}


# --- files ----------------------------------------------------------------------------------


def file_with(params, op="sum", kind="op") -> str:
    node = {"id": "y", "kind": kind, "params": params}
    if kind == "op":
        node["op"] = op
    else:
        node["value"] = 1.0
    return json.dumps({
        "format": "backprop-playground", "version": 1,
        "nodes": [{"id": "x", "kind": "value", "value": X}, {"id": "t", "kind": "op",
                   "op": "tanh"}, node],
    })


@pytest.mark.parametrize(
    "params, op, kind, message",
    [
        ({"axis": "x"}, "sum", "op", 'nodes[2].params.axis: expected a whole number or null, '
                                     'found "x"'),
        ({"keepdims": "yes"}, "max", "op", 'nodes[2].params.keepdims: expected true or false, '
                                          'found "yes"'),
        ({"axes": [1]}, "sum", "op", 'nodes[2].params.axes: sum has no parameter "axes" '
                                     "(it takes axis, keepdims)"),
        ({"shape": [2, "3"]}, "reshape", "op", "nodes[2].params.shape: expected a list of whole "
                                               'numbers, like [2, 3], found [2, "3"]'),
        ({"index": "a"}, "getitem", "op", "nodes[2].params.index: index \"a\": 'a' is not a "
                                          "whole number"),
        ([0], "sum", "op", 'nodes[2].params: expected an object like {"axis": 0}, found a list'),
        ({"axis": 0}, "tanh", "op", "nodes[2].params.axis: tanh has no parameters"),
        ({"axis": 0}, None, "value", "nodes[2].params: a value node has no parameters"),
    ],
)
def test_loader_refuses_bad_params_with_their_location(params, op, kind, message):
    with pytest.raises(io.LoadError) as err:
        io.loads(file_with(params, op, kind))
    assert str(err.value) == message


def test_loader_reports_huge_numbers_in_params():
    text = file_with({"axis": 0}).replace('"axis": 0', '"axis": 1e999')
    with pytest.raises(io.LoadError, match=r"nodes\[2\]\.params\.axis: .*found 1e999"):
        io.loads(text)


def test_params_round_trip_through_a_file(tmp_path):
    doc = GraphDocument()
    values(doc, x=X)
    cases = {
        "s": ("sum", {"axis": -1, "keepdims": True}),
        "m": ("mean", {"axis": None}),
        "r": ("reshape", {"shape": [3, -1]}),
        "t": ("transpose", {"axes": [1, 0]}),
        "g": ("getitem", {"index": "..., 1:3"}),
        "l": ("log_softmax", {"axis": 0}),
        "u": ("sum", {}),
    }
    for n, (name, params) in cases.items():
        doc.add_node("op", op=name, params=params, node_id=n)
        doc.connect("x", n, 0)
    c = doc.add_node("op", op="concat", params={"axis": 1}, node_id="c")
    doc.connect("x", c, 0)
    doc.connect("x", c, 1)
    path = tmp_path / "p.json"
    io.save(doc, path)
    text = path.read_text()
    assert '"params": {"axis": -1, "keepdims": true}' in text
    assert '"params": {"index": "..., 1:3"}' in text
    assert '"id": "u", "kind": "op", "op": "sum", "pos"' in text  # nothing to write: no key
    again = io.load(path)
    assert again.to_data() == doc.to_data()
    assert io.dumps(again) == io.dumps(doc)


def test_empty_params_object_loads_as_defaults():
    doc = io.loads(file_with({})).doc
    assert "params" not in doc.node("y")


def test_tensor_layer_example_shows_a_reduction_axis():
    path = next(e.path for e in list_examples() if e.name == "tensor_layer")
    doc = io.load(path)
    assert doc.params("r") == {"axis": 1}
    ev = evaluate(doc, backward=True)
    assert ev.ok()
    h = ev.results["h"].data
    np.testing.assert_allclose(ev.results["r"].data, h.sum(axis=1), rtol=1e-15)
    assert ev.results["s"].data == pytest.approx(float(h.sum()))
    np.testing.assert_allclose(ev.results["h"].grad, np.ones((2, 2)))


# --- evaluation -----------------------------------------------------------------------------

A3 = np.arange(24.0).reshape(2, 3, 4) / 7 - 1.3  # distinct values: max has no ties

CASES = [
    ("sum", {"axis": 0}, lambda x: x.sum(axis=0)),
    ("sum", {"axis": -1, "keepdims": True}, lambda x: x.sum(axis=-1, keepdims=True)),
    ("sum", {"axis": None}, lambda x: x.sum()),
    ("mean", {"axis": 1}, lambda x: x.mean(axis=1)),
    ("mean", {"axis": 2, "keepdims": True}, lambda x: x.mean(axis=2, keepdims=True)),
    ("max", {"axis": 1}, lambda x: x.max(axis=1)),
    ("max", {"axis": 0, "keepdims": True}, lambda x: x.max(axis=0, keepdims=True)),
    ("reshape", {"shape": [4, 6]}, lambda x: x.reshape(4, 6)),
    ("reshape", {"shape": [-1]}, lambda x: x.reshape(-1)),
    ("reshape", {"shape": [3, -1, 2]}, lambda x: x.reshape(3, -1, 2)),
    ("transpose", {}, lambda x: x.T),
    ("transpose", {"axes": [1, 0, 2]}, lambda x: x.transpose(1, 0, 2)),
    ("transpose", {"axes": [-1, 0, 1]}, lambda x: x.transpose(-1, 0, 1)),
    ("getitem", {"index": "0"}, lambda x: x[0]),
    ("getitem", {"index": "1, 1:3, ::2"}, lambda x: x[1, 1:3, ::2]),
    ("getitem", {"index": "..., -1"}, lambda x: x[..., -1]),
    ("getitem", {"index": ":, None, 0"}, lambda x: x[:, None, 0]),
    ("getitem", {"index": "[1, 1, 0]"}, lambda x: x[[1, 1, 0]]),
    ("getitem", {"index": ""}, lambda x: x[()]),
    ("log_softmax", {"axis": 1}, lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True))),
    ("log_softmax", {}, lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
]


def numeric_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d sum(f(x)) / dx by central differences (evaluate seeds a tensor output with ones)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (np.sum(f(up)) - np.sum(f(down))) / (2 * h)
    return g


@pytest.mark.parametrize("name, params, reference", CASES, ids=lambda c: str(c))
def test_each_parameterized_op_matches_numpy_through_the_document(name, params, reference):
    doc = one_op(name, params, x=A3.tolist())
    ev = evaluate(doc, backward=True)
    assert ev.ok(), ev.errors()
    np.testing.assert_allclose(ev.results["y"].data, reference(A3), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ev.results["x"].grad, numeric_grad(reference, A3), atol=1e-7)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_along_each_axis(axis):
    a, b = np.arange(6.0).reshape(2, 3), -np.arange(6.0).reshape(2, 3) ** 2
    doc = one_op("concat", {"axis": axis}, x=a.tolist(), second=b.tolist())
    ev = evaluate(doc, backward=True)
    np.testing.assert_array_equal(ev.results["y"].data, np.concatenate([a, b], axis=axis))
    np.testing.assert_array_equal(ev.results["x"].grad, np.ones((2, 3)))
    np.testing.assert_array_equal(ev.results["z"].grad, np.ones((2, 3)))


def test_cross_entropy_reduction():
    logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]
    doc = one_op("cross_entropy", {"reduction": "sum"}, x=logits, second=[0.0, 2.0])
    mean = one_op("cross_entropy", {}, x=logits, second=[0.0, 2.0])
    none = one_op("cross_entropy", {"reduction": "none"}, x=logits, second=[0.0, 2.0])
    s, m, n = (evaluate(d).results["y"].data for d in (doc, mean, none))
    assert s == pytest.approx(2 * m) and np.shape(n) == (2,) and sum(n) == pytest.approx(s)


@pytest.mark.parametrize(
    "name, params, x, message",
    [
        ("sum", {"axis": 2}, X, "axis 2 does not exist: the input has shape 2×3 (2 axes: 0 to "
                                "1, or -2 to -1)"),
        ("mean", {"axis": -3}, X, "axis -3 does not exist"),
        ("max", {"axis": 0}, 5.0, "axis 0 does not exist: the input is a single number"),
        ("log_softmax", {"axis": 1}, [1.0, 2.0], "axis 1 does not exist: the input has shape "
                                                 "(2,)"),
        ("reshape", {"shape": [4]}, X, "cannot reshape 6 numbers (shape 2×3) into (4,), which "
                                       "holds 4: the sizes must multiply to 6"),
        ("reshape", {}, X, "cannot reshape 6 numbers (shape 2×3) into (), which holds 1"),
        ("reshape", {"shape": [4, -1]}, X, "6 is not a multiple of 4"),
        ("transpose", {"axes": [0, 0]}, X, "axes [0, 0] must list each axis of the input once"),
        ("transpose", {"axes": [0]}, X, "must list each axis"),
        ("getitem", {"index": "5"}, X, "index 5 is out of bounds"),
        ("getitem", {"index": "0, 0, 0"}, X, "too many indices"),
    ],
)
def test_params_that_do_not_fit_the_input_are_node_errors(name, params, x, message):
    doc = one_op(name, params, x=x)
    doc.add_node("op", op="tanh", node_id="after")
    doc.connect("y", "after", 0)
    ev = evaluate(doc, backward=True)  # never raises
    assert message in ev.results["y"].error
    assert ev.results["after"].error.startswith("depends on ")
    assert ev.results["x"].error is None


def test_concat_mismatch_is_explained():
    doc = one_op("concat", {"axis": 0}, x=X, second=[[1.0, 2.0], [3.0, 4.0]])
    assert evaluate(doc).results["y"].error == (
        "concat along axis 0: shape 2×3 and shape 2×2 must match on every other axis"
    )
    doc = one_op("concat", {"axis": 0}, x=[1.0, 2.0], second=X)
    assert "same number of axes" in evaluate(doc).results["y"].error
    doc = one_op("concat", {}, x=1.0, second=[1.0])
    assert "not single numbers" in evaluate(doc).results["y"].error


def test_fixing_the_params_fixes_the_node():
    doc = one_op("reshape", {"shape": [4]})
    assert evaluate(doc).results["y"].error
    doc.set_params("y", {"shape": [3, 2]})
    ev = evaluate(doc)
    assert ev.ok() and ev.results["y"].data.shape == (3, 2)


def test_scalar_graphs_are_untouched():
    ev = evaluate(lecture(), backward=True)
    assert ev.engine == "scalar" and ev.results["L"].data == -8.0


# --- index text, hints, undo names --------------------------------------------------------


@pytest.mark.parametrize(
    "text, index",
    [
        ("", ()),
        ("0", 0),
        ("-1", -1),
        ("1:3", slice(1, 3)),
        ("::-1", slice(None, None, -1)),
        (":, 0", (slice(None), 0)),
        ("..., None", (Ellipsis, None)),
        ("(0, 1)", (0, 1)),
    ],
)
def test_parse_index(text, index):
    assert P.parse_index(text) == index


def test_parse_index_lists_and_refusals():
    got = P.parse_index("[0, 2], 1")
    assert isinstance(got, tuple) and list(got[0]) == [0, 2] and got[1] == 1
    for bad in ("x", "1.5", "0 +", "f()", "[0, 'a']", "{1}", "1:2:0", "[]", "a" * 600):
        with pytest.raises(P.IndexTextError):
            P.parse_index(bad)


@pytest.mark.parametrize(
    "op, params, hint",
    [
        ("sum", {}, ""),
        ("sum", {"axis": 0}, "axis=0"),
        ("max", {"axis": -1, "keepdims": True}, "axis=-1 keepdims"),
        ("mean", {"axis": None}, ""),
        ("reshape", {"shape": [2, 3]}, "→ (2, 3)"),
        ("reshape", {"shape": [6]}, "→ (6,)"),
        ("reshape", {}, "→ ()"),
        ("transpose", {"axes": [1, 0]}, "(1, 0)"),
        ("getitem", {"index": ":, 0"}, "[:, 0]"),
        ("getitem", {"index": "0, 1, 2, 3, 4, 5, 6, 7"}, "[0, 1, 2, 3, 4, 5…"),
        ("concat", {"axis": 1}, "axis=1"),
        ("log_softmax", {"axis": -1}, ""),
        ("tanh", None, ""),
        (None, None, ""),
    ],
)
def test_hint(op, params, hint):
    assert P.hint(op, params) == hint
    assert len(P.hint(op, params)) <= P.HINT_MAX


def test_describe_change():
    assert P.describe_change("sum", "sum", {}, {"axis": 0}) == "Set axis of sum to 0"
    assert P.describe_change("sum", "s", {"axis": 0}, {}) == "Set axis of s to all"
    assert P.describe_change("max", "max", {}, {"keepdims": True}) == (
        "Set keepdims of max to true"
    )
    assert P.describe_change("reshape", "r", {}, {"shape": [2, 3]}) == "Set shape of r to (2, 3)"
    assert P.describe_change("sum", "s", {}, {"axis": 1, "keepdims": True}) == (
        "Set axis and keepdims of s"
    )


# --- text to graph --------------------------------------------------------------------------


def test_expressions_take_parameters_as_keywords():
    from playground.graph.expr import parse

    doc = parse(
        "X = [[1.0, 2.0], [3.0, 4.0]]\n"
        "r = X.sum(axis=1)\n"
        "m = r.reshape(shape=(2, 1))\n"
        "s = m.max(axis=0, keepdims=True)"
    )
    assert [doc.params(n) for n in ("r", "m", "s")] == [
        {"axis": 1}, {"shape": [2, 1]}, {"axis": 0, "keepdims": True}
    ]
    assert evaluate(doc).results["s"].data.tolist() == [[7.0]]


@pytest.mark.parametrize(
    "text, message",
    [
        ("a = 1\nb = tanh(x=a)", "line 2, column 5: tanh() takes no keyword arguments"),
        ('X = [1.0]\nr = X.sum(axis="x")', 'line 2, column 5: the axis of sum must be a whole '
                                          'number or null, not "x"'),
        ("X = [1.0]\nr = X.sum(axis=X)", "line 2, column 16: axis= takes a plain value"),
        ("X = [1.0]\nr = X.sum(dim=0)", 'sum has no parameter "dim" (it takes axis, keepdims)'),
    ],
)
def test_bad_keywords_in_expressions(text, message):
    from playground.graph.expr import ExprError, parse

    with pytest.raises(ExprError) as err:
        parse(text)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "text, says",
    [
        ("[99999999999999999999999]", "too large"),
        ("99999999999999999999999", "too large"),
        ("0, [1, -99999999999999999999999]", "too large"),
        ("[" * 70 + "0" + "]" * 70, "nested too deeply"),
        ("[" * 33 + "0" + "]" * 33, "nested too deeply"),
        ("[" * 190 + "0" + "]" * 190, "nested too deeply"),
    ],
)
def test_parse_index_refuses_what_numpy_would_raise_on(text, says):
    """numpy's OverflowError (a position past int64) and ValueError (an index array of more
    than 64 dimensions) never leave parse_index: its own error, in words, at the source."""
    with pytest.raises(P.IndexTextError, match=says):
        P.parse_index(text)
    with pytest.raises(P.ParamError, match=says):
        P.normalize("getitem", {"index": text})
    doc = GraphDocument()
    node = doc.add_node("op", op="getitem")
    with pytest.raises(GraphError, match=says):
        doc.set_params(node, {"index": text})


def test_parse_index_keeps_what_numpy_takes():
    deepest = P.parse_index("[" * 32 + "0" + "]" * 32)
    assert deepest.ndim == 32
    biggest = P.parse_index(f"[{P.INDEX_MAX}, {P.INDEX_MIN}]")
    assert list(biggest) == [P.INDEX_MAX, P.INDEX_MIN]
    assert P.parse_index("1:99999999999999999999999") == slice(1, 99999999999999999999999)
