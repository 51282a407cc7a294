"""Text to graph with ast: numbers, names, ops, methods, errors with positions."""

from __future__ import annotations

import math

import pytest

from playground.graph.evaluate import evaluate
from playground.graph.expr import ExprError, constant_label, parse

LECTURE = "a = 2.0\nb = -3.0\nc = 10.0\nf = -2.0\nL = (a*b + c) * f\n"
MICROGRAD = """\
a = -4.0
b = 2.0
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
"""


def test_lecture_expression():
    doc = parse(LECTURE)
    ev = evaluate(doc, backward=True)
    assert ev.output == "L" and doc.label("L") == "L"
    assert ev.results["L"].data == -8.0
    assert {n: ev.results[n].grad for n in "abcf"} == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    assert doc.kind("b") == "value" and doc.value("b") == -3.0  # a negative literal, no neg node
    assert sorted(doc.op_name(n) for n in doc.node_ids() if doc.kind(n) == "op") == [
        "add",
        "mul",
        "mul",
    ]


def test_neuron_with_method_call():
    text = "x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
    doc = parse(text + "o = (x1*w1 + x2*w2 + b).tanh()")
    ev = evaluate(doc, backward=True)
    assert ev.results["o"].data == pytest.approx(0.7071, abs=1e-4)
    assert ev.results["x1"].grad == pytest.approx(-1.5) and ev.results["w2"].grad == 0.0


def test_micrograd_readme_with_augmented_assignment():
    ev = evaluate(parse(MICROGRAD), backward=True)
    out = ev.results[ev.output]
    assert out.data == pytest.approx(24.7041, abs=1e-4)
    assert ev.results["a"].grad == pytest.approx(138.8338, abs=1e-4)
    assert ev.results["b"].grad == pytest.approx(645.5773, abs=1e-4)


def test_numbers_in_expressions_are_constant_nodes_and_names_are_shared():
    doc = parse("x = 3.0\nf = 3*x**2 - 4*x + 5")
    ev = evaluate(doc, backward=True)
    assert ev.results["f"].data == 20.0 and ev.results["x"].grad == 14.0
    constants = [n for n in doc.node_ids() if doc.kind(n) == "value" and n != "x"]
    # the 2 of x**2 is powc's exponent, a parameter, not a constant node
    assert sorted(doc.value(n) for n in constants) == [3.0, 4.0, 5.0]
    assert len(doc.consumers("x")) == 2
    # labelled by their value, as the learner wrote them (not const1, const2, ...)
    assert sorted(doc.label(n) for n in constants) == ["3", "4", "5"]
    assert all(n.startswith("const") for n in constants)  # ids stay unique


def test_constants_are_labelled_as_written():
    doc = parse("x = 1.0\ny = x * -4 + 0.5 * x + x * 1e-7 + x * [1.0, 2.0]")
    consts = {doc.label(n) for n in doc.node_ids() if n.startswith("const")}
    assert consts == {"-4", "0.5", "1e-07", "[1, 2]"}
    assert constant_label([[1.0, 2.0], [3.0, 4.0]]) == ""  # too long: the id shows
    assert constant_label(1e20) == "1e+20" and constant_label(-0.0) == "0"


def test_functions_unary_and_alias():
    doc = parse("a = 0.5\nb = -a\nc = +a\nd = exp(b) + sigmoid(c) + a.log()\ne = d")
    ev = evaluate(doc, backward=True)
    assert ev.results["d"].data == pytest.approx(
        math.exp(-0.5) + 1 / (1 + math.exp(-0.5)) + math.log(0.5)
    )
    assert doc.op_name("b") == "neg"
    assert doc.label("a") == "a"  # c = +a is an alias, a keeps its label
    assert ev.output == "d"


def test_bare_last_expression_and_reassignment_labels():
    doc = parse("a = 1.0\na = a * 2\n(a + 1).relu()")
    ev = evaluate(doc, backward=True)
    assert ev.results[ev.output].data == 3.0 and doc.op_name(ev.output) == "relu"
    assert doc.label("a2") == "a" and doc.label("a") == "a"


def test_tensor_literals_and_matmul():
    doc = parse("X = [[1.0, 2.0], [3.0, 4.0]]\nw = [1.0, -1.0]\ns = (X @ w).tanh().sum()")
    ev = evaluate(doc, backward=True)
    assert ev.ok() and ev.results["X"].data.shape == (2, 2)
    assert ev.results["s"].data == pytest.approx(2 * math.tanh(-1.0))


def test_laid_out_left_to_right():
    doc = parse(LECTURE)
    assert doc.pos("a")[0] < doc.pos("L")[0]
    assert len({doc.pos(n) for n in doc.node_ids()}) == len(doc)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a = 1\nb = a + c", 2, 9, "unknown name 'c'"),
        ("o = (x1*w1).tanh()", 1, 6, "unknown name 'x1'"),
        ("a = 1\nb = a % 2", 2, 5, "'%' is not supported"),
        ("a = 1\nb = a // 2", 2, 5, "'//' is not supported"),
        ("a = 1\nb = a.foo()", 2, 5, "unknown function 'foo'"),
        ("a = 1\nb = a.tanh", 2, 5, "write .tanh() with parentheses"),
        ("a = 1\nb = a.tanh(2)", 2, 5, ".tanh() takes no arguments"),
        ("a = 1\nb = a.real", 2, 5, "attributes like .real are not supported"),
        ("a = 1\nb = a < 2", 2, 5, "comparisons are not supported"),
        ("a = 1\nb = a if a else a", 2, 5, "'if ... else' are not supported"),
        ("a = 1\nb = a[0]", 2, 5, "indexing are not supported"),
        ("a = 1\nb = eval('a')", 2, 5, "unknown function 'eval'"),
        ("a = 1\nb = __import__('os').system('x')", 2, 5, "unknown function"),
        ("a = 1\nb = a +", 2, 8, "not valid Python"),
        ("a, b = 1, 2", 1, 1, "assign to one plain name"),
        ("a.x = 1", 1, 1, "assign to one plain name"),
        ("import os", 1, 1, "'import' statements are not supported"),
        ("a = 1\nfor i in a: pass", 2, 1, "'for' statements are not supported"),
        ("a = 'x'", 1, 5, "'x' is not a number"),
        ("a = True", 1, 5, "True is not a number"),
        ("a = []", 1, 5, "a tensor is a list of numbers"),
        ("a += 1", 1, 1, "unknown name 'a'"),
        ("a = 1\na %= 2", 2, 1, "this operator is not supported"),
        ("a = 1\na\nb = 2", 2, 1, "an expression on its own line only works as the last line"),
        ("a = 1\nb = tanh(a, a)", 2, 5, "tanh takes 1 input(s), got 2"),
        ("a = 1\nb = tanh(x=a)", 2, 5, "no keyword arguments"),
        ("é = 1\nb = é + ü", 2, 9, "unknown name 'ü'"),
    ],
)
def test_errors_have_positions(text, line, column, message):
    with pytest.raises(ExprError) as info:
        parse(text)
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert message in err.message
    assert str(err).startswith(f"line {line}, column {column}: ")


def test_empty_and_huge_and_deep_text():
    with pytest.raises(ExprError, match="nothing to read"):
        parse("  \n# only a comment\n")
    with pytest.raises(ExprError, match="too long"):
        parse("a = 1\n" * 50_000)
    with pytest.raises(ExprError):
        parse("a = 1\nb = " + "(" * 5000 + "a" + ")" * 5000)
    with pytest.raises(ExprError):
        parse("a = 1\nb = " + "-" * 5000 + "a")


def test_never_evaluates_code(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(ExprError):
        parse(f"a = open({str(marker)!r}, 'w')")
    assert not marker.exists()
