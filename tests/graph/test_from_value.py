"""from_value: an engine Value graph as a document, labels kept, same numbers."""

from __future__ import annotations

from playground.engine import Value
from playground.graph.evaluate import evaluate
from playground.graph.from_value import from_value


def test_neuron_round_trip_keeps_labels_and_numbers():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    doc = from_value(o)
    assert len(doc) == 10
    assert {"x1", "x2", "w1", "w2", "b", "n", "o"} <= set(doc.node_ids())
    assert doc.label("n") == "n" and doc.op_name("o") == "tanh" and doc.marked_output == "o"
    ev = evaluate(doc, backward=True)
    assert ev.results["o"].data == o.data
    for v in (x1, x2, w1, w2, b, n):
        assert ev.results[v.label].grad == v.grad
    assert doc.pos("x1")[0] < doc.pos("o")[0]


def test_shared_nodes_constants_duplicate_labels_and_operand_order():
    a = Value(3.0, label="a")
    b = a + a
    c = 2 - b  # reflected: a constant leaf in slot 0
    c.label = "dup"
    d = c / Value(4.0, label="dup")
    doc = from_value(d)
    ev = evaluate(doc, backward=True)
    d.backward()
    assert ev.results[ev.output].data == d.data
    assert ev.results["a"].grad == a.grad == -0.5
    sub = next(n for n in doc.node_ids() if doc.op_name(n) == "sub")
    first = doc.inputs(sub)[0]
    assert doc.kind(first) == "value" and doc.value(first) == 2.0
    assert "dup" not in doc.node_ids()  # two nodes share the label: generic ids
    assert sorted(doc.label(n) for n in doc.node_ids() if doc.label(n) == "dup") == ["dup", "dup"]


def test_custom_micrograd_style_op_becomes_a_value():
    x = Value(2.0, label="x")
    out = Value(x.data**2, (x,), "sq")

    def _backward():
        x.grad += 2 * x.data * out.grad

    out._backward = _backward
    y = out + 1
    doc = from_value(y)
    sq = next(n for n in doc.node_ids() if doc.label(n) == "sq")
    assert doc.kind(sq) == "value" and doc.value(sq) == 4.0
    assert evaluate(doc).results[doc.output_node()].data == 5.0


def test_single_leaf():
    doc = from_value(Value(1.5, label="only"))
    assert doc.node_ids() == ["only"] and doc.output_node() == "only"
