"""Practice sessions, headless: the order, the checking, the hints with numbers, the score.

The lecture's grads are the reference's (../shared/reference/README.md): L = -8, dL/da = 6,
dL/db = -4, dL/dc = -2, dL/df = 4, dL/dd = -2, dL/de = -2."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.teach import TeachError
from playground.teach.practice import PracticeSession, agrees, parse_answer
from tests.graph.test_evaluate import _build_case
from tests.teach.helpers import TWO_CONSUMERS, example, expression

LECTURE = {"L": 1.0, "f": 4.0, "d": -2.0, "e": -2.0, "c": -2.0, "b": -4.0, "a": 6.0}


def test_the_lecture_asks_every_grad_in_reversed_topological_order():
    doc = example("lecture")
    s = PracticeSession(doc)
    order = evaluate(doc).order
    asked = [q.node for q in s.questions]
    assert asked == [n for n in reversed(order)]
    assert {q.node: q.expected for q in s.questions} == LECTURE
    assert [q.prompt for q in s.questions][:2] == ["dL/dL", "dL/df"]
    # each node's consumers are asked before it: its chain rule only needs answered grads
    for i, q in enumerate(s.questions):
        for c in q.contributions:
            assert c.consumer in asked[:i]


def test_the_lecture_answered_right_scores_full():
    s = PracticeSession(example("lecture"))
    while not s.done:
        v = s.answer(f"{LECTURE[s.current.node]:g}")
        assert v.kind == "right"
    assert (s.score, s.total) == (7, 7)
    assert s.known() == set(example("lecture").node_ids())
    assert s.summary() == "Score: 7 of 7 right at the first try. Every grad right: well done!"
    assert s.answer("6").kind == "done"


def lecture_at(node: str) -> PracticeSession:
    s = PracticeSession(example("lecture"))
    while s.current.node != node:
        s.answer(str(LECTURE[s.current.node]))
    return s


def test_a_wrong_answer_gets_the_chain_rule_with_the_numbers_and_more_each_try():
    s = lecture_at("a")
    v = s.answer("-6")
    assert v.kind == "wrong" and v.message == "Not -6.0000. Try again:"
    assert v.hint[0] == "dL/da = dL/de · de/da = -2.0000 · ?"
    assert v.hint[1] == "? is de/da: how e = a * b moves when a moves."
    assert s.current.node == "a"  # still asking
    v = s.answer("3")
    assert v.hint[1].startswith("de/da = b = -3.0000, as e = a * b")
    v = s.answer("0")
    assert v.hint[-1] == "So dL/da = -2.0000 · -3.0000 = 6.0000."
    assert s.answer("6").kind == "right"
    assert (s.score, s.total) == (6, 7)
    assert s.missed() == ["a"]
    assert "a needed more than one" in s.summary()


def test_the_hint_next_to_the_output_asks_for_the_local_derivative():
    s = lecture_at("d")
    v = s.answer("2")
    assert v.hint == ("dL/dd = ?", "? is dL/dd: how L = d * f moves when d moves.")
    assert s.answer("1").hint[1].startswith("dL/dd = f = -2.0000")
    assert s.answer("1").hint[-1] == "So dL/dd = -2.0000."


def test_the_output_hint_says_backward_starts_at_1():
    s = PracticeSession(example("lecture"))
    v = s.answer("0")
    assert v.hint == ("dL/dL = ?", "L is the output: nudge it by h and it moves by h.")


def test_a_node_used_twice_gets_a_sum_in_its_hint():
    s = PracticeSession(expression(TWO_CONSUMERS))
    while s.current.name != "a":
        s.answer(repr(s.current.expected))
    v = s.answer("6")  # only the way through e
    assert v.hint[0] == ("dL/da = dL/de · de/da + dL/dc · dc/da = -2.0000 · ? + 1.0000 · ?")
    assert "a feeds 2 wires" in v.hint[1]
    assert s.answer("7").kind == "right"


def test_b_equals_a_plus_a_names_both_inputs():
    s = PracticeSession(expression("a = 2.0\nb = a + a\nL = b*b\n"))
    while s.current.name != "a":
        s.answer(repr(s.current.expected))
    v = s.answer("8")
    assert v.hint[0] == ("dL/da = dL/db · db/da (left input) + dL/db · db/da (right input) "
                         "= 8.0000 · ? + 8.0000 · ?")
    assert s.answer("16").kind == "right"


def test_a_node_used_twice_by_the_output_has_no_circular_hint():
    s = PracticeSession(expression("a = 3.0\nd = a + 1\nL = d*d\n"))
    assert s.answer("1").kind == "right"
    v = s.answer("4")
    assert v.hint[0] == "dL/dd = 1.0000 · ? + 1.0000 · ?"
    assert v.hint[2] == "? is dL/dd (left input): how L = d * d moves when d moves."
    assert s.answer("8").kind == "right"


def test_text_that_is_not_a_number_gets_a_hint_and_costs_nothing():
    s = PracticeSession(example("lecture"))
    for text in ("one", "", "   ", "1..2", "2x", "1/0", "=1", "x" * 500, "1e", "--1"):
        v = s.answer(text)
        assert v.kind == "not a number", text
        assert v.message and v.hint == ("dL/dL = ?",)
    assert s.answer("1").kind == "right"
    assert s.score == 1


@pytest.mark.parametrize(
    ("text", "value"),
    [("6", 6.0), ("-2", -2.0), ("−2", -2.0), ("+4.0", 4.0), ("0,5", 0.5), (" .5 ", 0.5),
     ("1e-3", 0.001), ("-3/4", -0.75), ("−12 / 3", -4.0), ("nan", math.nan)],
)
def test_numbers_are_read_as_a_learner_types_them(text, value):
    got = parse_answer(text)
    assert isinstance(got, float)
    assert got == value or (math.isnan(got) and math.isnan(value))


@given(st.text(max_size=80))
def test_any_text_is_a_number_or_a_sentence(text):
    got = parse_answer(text)
    assert isinstance(got, float) or (isinstance(got, str) and got.endswith("."))


def test_answers_are_checked_to_4_decimals():
    assert agrees(6.00004, 6.0) and not agrees(6.0001, 6.0)
    assert agrees(0.7071, 0.7071067811865476)
    assert not agrees(0.707, 0.7071067811865476)
    assert agrees(math.nan, math.nan) and not agrees(0.0, math.nan)


def test_off_in_the_4th_decimal_is_close_not_wrong():
    s = lecture_at("a")
    v = s.answer("6.0005")
    assert v.kind == "close" and "4th decimal" in v.message
    assert s.answer("6").kind == "right"
    assert s.score == 7  # close costs no point


def test_a_chain_worked_from_the_rounded_numbers_on_the_canvas_is_right():
    # y = tanh(2x) at x = 0.5: dy/d(x*2) = 0.41997 shows as 0.4200; 0.4200 · 2 = 0.8400 while
    # the grad is 0.83995: right, as the learner only had the canvas's 4 decimals
    s = PracticeSession(expression("x = 0.5\ny = (x*2).tanh()\n"))
    assert [q.name for q in s.questions] == ["y", "x*2", "x"]
    assert s.answer("1").kind == "right"
    assert s.answer("0.4200").kind == "right"
    assert s.answer("0.8400").kind == "right"
    assert s.score == 3


def test_constants_of_an_expression_are_not_asked():
    doc = expression("a = 3.0\nL = 2*a + 1\n")
    s = PracticeSession(doc)
    assert [q.name for q in s.questions] == ["L", "2*a", "a"]
    assert s.questions[-1].expected == 2.0


def test_practice_refuses_tensors_and_broken_graphs_in_words():
    with pytest.raises(TeachError, match="tensors"):
        PracticeSession(expression("w = [1.0, 2.0]\nL = (w*w).sum()\n"))
    with pytest.raises(TeachError):
        PracticeSession(GraphDocument())  # an empty graph: nothing to run backward from


def test_the_reference_cases_ask_their_leaf_grads(gradcases):
    """Every grad the session expects is the reference's, and typing each one as the canvas
    writes it (4 decimals) scores full, nan and inf included."""
    from playground.graph.numbers import summary

    for case in gradcases:
        doc, leaves = _build_case(case)
        s = PracticeSession(doc)
        expected = {q.node: q.expected for q in s.questions}
        for leaf, ref in case["grads"].items():
            if leaves[leaf] not in expected:
                continue  # the output does not depend on it
            got = expected[leaves[leaf]]
            assert (math.isnan(ref) and math.isnan(got)) or math.isclose(
                got, ref, rel_tol=1e-6, abs_tol=1e-9), (case["id"], leaf)
        while not s.done:
            q = s.current
            assert s.answer(summary(q.expected)).kind == "right", (case["id"], q.name)
        assert s.score == s.total
