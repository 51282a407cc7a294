"""The op texts a user reads, pinned word for word: the expression parser's list of what it
understands, its "unknown function" message, and the step-through's hint for each op. They are
built from the op table; these tests keep them exactly as they read before that."""

from __future__ import annotations

import pytest

from playground.graph import expr
from playground.graph.expr import ExprError, parse
from playground.teach import backward_steps
from tests.teach.helpers import expression, ids


def test_the_parser_lists_what_it_understands_in_its_refusals():
    assert expr.SUPPORTED == "+ - * / ** and .tanh() .exp() .log() .relu() .sigmoid()"
    with pytest.raises(ExprError) as err:
        parse("a = 1\nb = a % 2")
    assert err.value.message == (
        "'%' is not supported (use + - * / ** and .tanh() .exp() .log() .relu() .sigmoid())"
    )


def test_an_unknown_function_lists_the_one_input_methods():
    with pytest.raises(ExprError) as err:
        parse("a = 1\nb = a.cosh()")
    assert err.value.message == (
        "unknown function 'cosh' (known: .exp(), .log(), .tanh(), .relu(), .sigmoid(), .sum(), "
        ".mean())"
    )


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("o = a + b", "+ passes the gradient on unchanged"),
        ("o = a * b", "* swaps: each input gets the other input"),
        ("o = a - b", "− passes it on, negated for the right input"),
        ("o = -a + b", "negation flips the sign"),
        ("o = a.tanh() + b", "tanh's slope is 1 − out²"),
        ("o = a.exp() + b", "exp is its own derivative"),
    ],
)
def test_the_step_through_gives_each_op_its_hint(text, hint):
    doc = expression("a = 0.5\nb = 2.0\n" + text)
    step = {s.node: s for s in backward_steps(doc)}[ids(doc)["a"]]
    assert f"({hint})" in step.text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("o = a / b", "Because o = a / b."),
        ("o = a ** b", "Because o = a ** b."),
        ("o = a.log() + b", "d(log(a))/da = 1/a = 2.0000, because log(a) = log(a)"),
        ("o = a.relu() + b",
         "d(relu(a))/da = 1 if a > 0 else 0 = 1.0000, because relu(a) = relu(a)"),
    ],
)
def test_ops_without_a_hint_say_only_because(text, line):
    doc = expression("a = 0.5\nb = 2.0\n" + text)
    step = {s.node: s for s in backward_steps(doc)}[ids(doc)["a"]]
    assert step.lines[-1] == line
