"""Step-through of forward and backward: order, numbers, text (the lecture's numbers)."""

from __future__ import annotations

import math

import pytest

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.teach import TeachError, backward_steps, forward_steps
from tests.graph.test_evaluate import _build_case
from tests.teach.helpers import TWO_CONSUMERS, example, expression, ids


def by_node(steps):
    return {s.node: s for s in steps}


def test_lecture_backward_walks_from_L_to_the_leaves_with_the_lecture_numbers():
    doc = example("lecture")
    steps = backward_steps(doc)
    assert steps[0].node == "L" and steps[0].equation == "dL/dL = 1"
    assert len(steps) == 7
    ev = evaluate(doc)
    pos = {n: i for i, n in enumerate(ev.order)}
    assert [s.node for s in steps] == sorted(pos, key=pos.get, reverse=True)
    s = by_node(steps)
    assert s["a"].equation == "dL/da = dL/de · de/da = -2.0000 · -3.0000 = 6.0000"
    assert s["b"].equation == "dL/db = dL/de · de/db = -2.0000 · 2.0000 = -4.0000"
    assert s["e"].equation == "dL/de = dL/dd · dd/de = -2.0000 · 1.0000 = -2.0000"
    assert s["c"].equation.endswith("= -2.0000")
    assert s["d"].equation == "dL/dd = f = -2.0000"
    assert s["f"].equation == "dL/df = d = 4.0000"
    expected = {"a": 6, "b": -4, "c": -2, "f": 4, "d": -2, "e": -2, "L": 1}
    assert {n: st.value for n, st in s.items()} == expected
    assert "de/da = b = -3.0000, because e = a * b" in s["a"].text
    assert "* swaps" in s["a"].text and "+ passes the gradient on unchanged" in s["e"].text
    # the highlighted wires: from the node to the consumer its gradient comes from
    assert s["a"].edges == (("a", "e", 0),)
    assert s["a"].edge_values == {("a", "e", 0): "6.0000"}


def test_a_node_with_two_consumers_sums_the_contributions():
    doc = expression(TWO_CONSUMERS)
    step = by_node(backward_steps(doc))[ids(doc)["a"]]
    assert step.equation == "dL/da = 6.0000 (via e) + 1.0000 (via c) = 7.0000"
    assert "  via e: dL/de · de/da = -2.0000 · -3.0000 = 6.0000" in step.lines
    assert "  via c: dL/dc · dc/da = 1.0000 · 1.0000 = 1.0000" in step.lines
    assert len(step.edges) == 2 and step.value == 7.0


def test_a_plus_a_names_both_inputs():
    step = by_node(backward_steps(example("a_plus_a")))["a"]
    assert step.equation == (
        "db/da = 1.0000 (via b, left input) + 1.0000 (via b, right input) = 2.0000"
    )
    assert set(step.edges) == {("a", "b", 0), ("a", "b", 1)}


def test_local_formulas_name_the_nodes_never_the_input_ports():
    # The op table writes d/d(right) of left/right as "-left/right²" in its port names; the
    # text puts the node names in, in one pass, so nodes called left and right fed the other
    # way round come out swapped, not substituted twice.
    doc = expression("left = 3.0\nright = 2.0\nr = right / left\nL = r * left")
    s = by_node(backward_steps(doc))
    text = s[ids(doc)["left"]].text
    assert "dr/d(left) = -right/left² = -0.2222" in text
    assert "dr/d(right) = 1/left = 0.3333" in s[ids(doc)["right"]].text
    assert s[ids(doc)["r"]].equation == "dL/dr = left = 3.0000"
    # a one-letter port name (the op table's own) would read like a node: ordinals instead
    from playground.teach.text import input_name
    assert input_name("right", 1) == "right input" and input_name("b", 1) == "2nd input"


def test_neuron_tanh_step_uses_the_op_table_formula():
    s = by_node(backward_steps(example("neuron")))
    assert s["n"].equation == "do/dn = 1 − o² = 0.5000"
    assert s["x1"].equation.endswith("0.5000 · -3.0000 = -1.5000")
    assert s["x1w1x2w2"].equation.startswith("do/d(x1*w1 + x2*w2) = ")


def test_forward_steps_in_topological_order():
    doc = example("lecture")
    steps = forward_steps(doc)
    s = by_node(steps)
    assert [st.node for st in steps] == evaluate(doc).order
    assert s["e"].equation == "e = a * b = 2.0000 * -3.0000 = -6.0000"
    assert s["d"].equation == "d = e + c = -6.0000 + 10.0000 = 4.0000"
    assert s["L"].equation == "L = d * f = 4.0000 * -2.0000 = -8.0000"
    assert s["a"].equation == "a = 2.0000" and s["a"].edges == ()
    assert s["e"].edges == (("a", "e", 0), ("b", "e", 1))
    assert by_node(forward_steps(example("neuron")))["o"].equation == (
        "o = tanh(n) = tanh(0.8814) = 0.7071"
    )


def test_every_reference_case_steps_to_the_reference_grads(gradcases):
    for case in gradcases:
        doc, leaves = _build_case(case)
        steps = by_node(backward_steps(doc))
        for leaf, ref in case["grads"].items():
            if leaves[leaf] not in steps:  # the output does not depend on it
                assert ref == 0.0
                continue
            step = steps[leaves[leaf]]
            got = step.value
            assert (math.isnan(ref) and math.isnan(got)) or math.isclose(
                got, ref, rel_tol=1e-6, abs_tol=1e-9
            ), (case["id"], leaf)
            # the parts add up to the whole
            total = sum(c.value for c in step.contributions)
            assert (math.isnan(got) and math.isnan(total)) or math.isclose(
                total, got, rel_tol=1e-9, abs_tol=1e-12
            ), case["id"]


def test_graphs_that_cannot_be_stepped_say_why():
    with pytest.raises(TeachError, match="empty"):
        backward_steps(GraphDocument())
    doc = GraphDocument()
    doc.add_node("value", label="a", value=1.0)
    doc.add_node("value", label="b", value=1.0)
    with pytest.raises(TeachError, match="mark one as the output"):
        backward_steps(doc)
    assert len(forward_steps(doc)) == 2  # forward needs no output


def test_a_node_with_an_error_is_explained_not_raised():
    doc = GraphDocument()
    a = doc.add_node("value", label="a", value=1.0)
    m = doc.add_node("op", op="mul", label="m")
    doc.connect(a, m, 0)
    steps = by_node(forward_steps(doc))
    assert "cannot compute it: input 'right' is not connected" in steps[m].equation
    with pytest.raises(TeachError):
        backward_steps(doc)


def test_tensor_graphs_step_with_array_summaries():
    steps = backward_steps(example("tensor_layer"))
    assert steps[0].equation == "ds/ds = 1"
    assert any("array" in s.equation or "[" in s.equation for s in steps[1:])


def test_constants_read_as_numbers_in_the_steps():
    doc = example("polynomial")  # f = 3x² − 4x + 5, its constants labelled 3, 2, 4, 5
    forward = {s.node: s for s in forward_steps(doc)}
    assert forward["mul6"].equation == "4 * x = 4.0000 * 3.0000 = 12.0000"
    # x**2's 2 is powc's exponent, a number in the text (not a node, not "**n(x)")
    assert forward["pow3"].equation == "x ** 2 = 3.0000 ** 2 = 9.0000"
    back = by_node(backward_steps(doc))
    # a derivative by a constant keeps its parentheses: df/d4 would read as a name "d4"
    assert back["const5"].equation == (
        "df/d(4) = df/d(4*x) · d(4*x)/d(4) = -1.0000 · 3.0000 = -3.0000"
    )


def test_a_power_by_a_constant_steps_with_its_own_exponent():
    # y = x**3 at x = 2: the local derivative is 3·x², 12, not the default exponent's 2·x = 4
    doc = expression("x = 2.0\ny = x**3 + 1.0")
    back = by_node(backward_steps(doc))
    (x,) = [n for n in doc.node_ids() if doc.label(n) == "x"]
    assert back[x].equation.endswith("· 12.0000 = 12.0000")
    assert "= 3·x^(3−1) = 12.0000, because x**3 = x ** 3" in back[x].text
    forward = by_node(forward_steps(doc))
    assert any(s.equation == "x ** 3 = 2.0000 ** 3 = 8.0000" for s in forward.values())
