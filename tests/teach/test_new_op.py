"""Adding an element-wise op is one table entry for the texts: the expression parser, its
help and messages, and the step-through read it from the op table (softplus, added for the
test and removed after it)."""

from __future__ import annotations

import math

import pytest

from playground.graph import expr
from playground.graph.evaluate import evaluate
from playground.graph.expr import ExprError, parse
from playground.ops import OPS
from playground.teach import backward_steps, forward_steps
from tests.teach.helpers import ids, registered_softplus


@pytest.fixture
def softplus():
    yield from registered_softplus()


@pytest.mark.parametrize("call", ["a.softplus()", "softplus(a)"])
def test_the_parser_reads_a_new_op_as_a_method_and_as_a_function(softplus, call):
    doc = parse(f"a = 0.5\nL = {call}")
    assert doc.op_name("L") == "softplus"
    ev = evaluate(doc, backward=True)
    assert ev.results["L"].data == pytest.approx(math.log1p(math.exp(0.5)))
    assert ev.results["a"].grad == pytest.approx(1 / (1 + math.exp(-0.5)))


def test_the_parser_lists_a_new_op_in_its_help_and_messages(softplus):
    assert expr.SUPPORTED.endswith(".relu() .sigmoid() .softplus()")
    with pytest.raises(ExprError) as err:
        parse("a = 1\nb = a.cosh()")
    assert err.value.message.endswith(".sum(), .mean(), .softplus())")


def test_the_step_through_explains_a_new_op_with_its_hint(softplus):
    doc = parse("a = 0.5\nL = a.softplus() * 2.0")
    step = {s.node: s for s in backward_steps(doc)}[ids(doc)["a"]]
    slope = 1 / (1 + math.exp(-0.5))
    assert step.lines[-1] == (
        f"d(softplus(a))/da = σ(a) = {slope:.4f}, because softplus(a) = softplus(a) "
        "(softplus's slope is σ(x))"
    )
    forward = [s for s in forward_steps(doc) if s.node not in ("a", "L")]
    assert forward[0].equation.startswith(f"softplus(a) = softplus(0.5000) = "
                                          f"{math.log1p(math.exp(0.5)):.4f}")


def test_the_throwaway_op_is_gone_after_its_test(softplus):
    assert "softplus" in OPS


def test_the_table_has_no_softplus_outside_the_fixture():
    assert "softplus" not in OPS
    assert ".softplus()" not in expr.SUPPORTED
    with pytest.raises(ExprError, match="unknown function 'softplus'"):
        parse("a = 1\nb = a.softplus()")
