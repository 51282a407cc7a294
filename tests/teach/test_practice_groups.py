"""Practice one level of the groups at a time, headless: a group card is asked as its output,
its inside only at its own level, answers count at every level, and the hints through a group
say "computed by its inside". Every expected grad is the engine's (a Backward of the graph)."""

from __future__ import annotations

import pytest

from playground.graph.evaluate import evaluate
from playground.graph.numbers import summary
from playground.teach.lessons import lesson
from playground.teach.practice import PracticeSession
from tests.teach.helpers import expression, ids


def tanh_lesson():
    doc = lesson("tanh_from_exp").document()
    (gid,) = doc.groups()
    return doc, gid, ids(doc)


def two_outputs():
    """pq holds p = a*b and q = p + c; both leave it for L = p*q (p is used inside too)."""
    doc = expression("a = 2.0\nb = -3.0\nc = 4.0\np = a*b\nq = p + c\nL = p*q\n")
    n = ids(doc)
    gid = doc.add_group([n["p"], n["q"]], label="pq")
    return doc, gid, n


def engine_grads(doc) -> dict[str, float]:
    return {k: r.grad for k, r in evaluate(doc, backward=True).results.items()}


def answer_all(s: PracticeSession) -> None:
    while s.current is not None:
        assert s.answer(repr(s.current.expected)).kind == "right"


def test_a_group_card_is_asked_as_its_output_and_its_inside_only_when_opened():
    doc, gid, n = tanh_lesson()
    s = PracticeSession(doc)
    grads = engine_grads(doc)
    assert [q.node for q in s.questions] == [n["both"], n["o_exp"], n["o_tanh"], n["n_exp"],
                                             n["n_tanh"]]
    card = s.questions[1]
    assert (card.card, card.prompt, card.expected) == (gid, "d(both)/d(o_exp)", grads[n["o_exp"]])
    inside = doc.inside(gid)
    assert not any(q.node in inside and q.card is None for q in s.questions)
    answer_all(s)
    assert s.level_done and not s.done
    assert s.elsewhere() == (0, {gid: 4})
    assert "open tanh from exp (double-click its card) for the 4 grads inside it" in (
        s.answer("1").message)
    s.at(gid)
    # inside: the inner nodes (the constants of the expression are not asked), not n_exp,
    # the outside input; o_exp, answered above as the card, counts here too
    assert s.questions[0].node == n["o_exp"] and s.index == 1
    assert n["n_exp"] not in {q.node for q in s.questions}
    assert all(q.expected == grads[q.node] for q in s.questions)
    answer_all(s)
    assert s.done and s.score == s.total == 9
    assert s.known() == set(doc.node_ids())


def test_answers_found_inside_count_above_and_the_level_above_resumes():
    doc, gid, n = tanh_lesson()
    s = PracticeSession(doc, scope=gid)
    assert s.current.node == n["o_exp"]
    assert s.answer("1").kind == "right"
    s.at(None)
    assert s.current.node == n["both"] and s.index == 1  # the card's question is answered
    assert s.answer("1").kind == "right"
    assert s.current.node == n["o_tanh"]
    s.at(gid)
    assert s.index == 1 and s.current.node != n["o_exp"]


def test_inside_an_output_used_only_outside_says_its_grad_comes_from_outside():
    doc, gid, _n = tanh_lesson()
    s = PracticeSession(doc, scope=gid)
    hint = s.answer("3").hint
    assert hint == (
        "d(both)/d(o_exp) = ?",
        "o_exp is an output of tanh from exp: its grad comes from outside the group, from what "
        "o_exp feeds there. Go up a level (Alt+Up) to see it: tanh from exp's card asks for "
        "this same grad.")
    assert s.answer("3").hint[-1] == "Outside tanh from exp, o_exp feeds both."
    assert s.answer("3").hint[-1] == "So d(both)/d(o_exp) = 1.0000."
    assert s.answer("1").kind == "right" and s.first_try == set()


def test_the_chain_rule_through_a_group_card_is_computed_by_its_inside():
    doc, _gid, n = tanh_lesson()
    s = PracticeSession(doc)
    while s.current.node != n["n_exp"]:
        s.answer(repr(s.current.expected))
    hint = s.answer("1").hint
    assert hint[0] == "d(both)/d(n_exp) = d(both)/d(o_exp) · d(o_exp)/d(n_exp) = 1.0000 · ?"
    assert hint[1] == ("? is d(o_exp)/d(n_exp): how tanh from exp's output o_exp moves when n_exp "
                       "moves, computed by its inside (double-click tanh from exp to open it "
                       "and follow the chain there).")
    assert s.answer("1").hint[1] == ("d(o_exp)/d(n_exp) = 0.5000, computed by its inside: tanh "
                                     "from exp is a group (double-click it to look inside).")
    assert s.answer("1").hint[-1] == "So d(both)/d(n_exp) = 1.0000 · 0.5000 = 0.5000."
    assert s.answer("0.5").kind == "right"


def test_a_card_with_two_outputs_asks_each_the_one_used_inside_last():
    doc, gid, n = two_outputs()
    s = PracticeSession(doc)
    grads = engine_grads(doc)
    asked = [(q.node, q.card) for q in s.questions]
    # q first: p's grad needs q's (p feeds q inside the group)
    assert asked[:3] == [(n["L"], None), (n["q"], gid), (n["p"], gid)]
    s.answer("1")
    hint = s.answer("0").hint
    assert hint[1] == ("The card pq is a group with 2 outputs (p, q): this one is q (the "
                       "Inspector lists each output's numbers).")
    s.answer(repr(grads[n["q"]]))
    hint = s.answer("0").hint
    # what flows back to p from inside its own group is given: the card cannot show it
    assert hint[0] == f"dL/dp = {summary(grads[n['q']])} (from inside pq) + 1.0000 · ?"
    assert "p is used inside pq too" in hint[3]
    assert s.answer(repr(grads[n["p"]])).kind == "right"
    for leaf in ("c", "b", "a"):
        assert s.current.node == n[leaf]
        assert s.answer(repr(grads[n[leaf]])).kind == "right"
    assert s.done  # p and q, the whole inside, were answered as the card


def test_a_chain_worked_from_the_rounded_numbers_through_a_group_is_right():
    # dL/dx = dL/dz · dz/dx + 1 = 100 · 6x + 1: dz/dx (computed by g's inside) reads 0.7407 on
    # screen, and 100 · 0.7407 + 1 is 0.0036 off the grad, yet the learner worked it right
    doc = expression("x = 0.123456\nw = 100.0\ny = x*x\nz = y*3.0\nL = w*z + x\n")
    n = ids(doc)
    doc.add_group([n["y"], n["z"]], label="g")
    s = PracticeSession(doc)
    grads = engine_grads(doc)
    while s.current.node != n["x"]:
        s.answer(repr(s.current.expected))
    (through, _direct) = sorted(s.current.contributions, key=lambda c: not c.through_group)
    (part,) = through.parts
    rounded = float(summary(part.upstream)) * float(summary(part.local)) + 1.0
    assert abs(rounded - grads[n["x"]]) > 1e-3
    assert s.answer(repr(rounded)).kind == "right"


def test_nested_groups_ask_each_level_its_own_items():
    doc = expression("a = 2.0\nb = -3.0\nc = 4.0\np = a*b\nq = p + c\nL = q*q\n")
    n = ids(doc)
    inner = doc.add_group([n["p"]], label="inner")
    outer = doc.add_group([inner, n["q"]], label="outer")
    s = PracticeSession(doc)
    assert [(q.node, q.card) for q in s.questions] == [
        (n["L"], None), (n["q"], outer), (n["c"], None), (n["b"], None), (n["a"], None)]
    s.at(outer)
    assert [(q.node, q.card) for q in s.questions] == [(n["q"], None), (n["p"], inner)]
    s.at(inner)
    assert [(q.node, q.card) for q in s.questions] == [(n["p"], None)]
    answer_all(s)
    assert s.elsewhere() == (5, {})


def test_a_level_whose_groups_make_a_loop_asks_nothing_and_says_why():
    doc = expression("a = 2.0\nb = a*3.0\nc = b + a\nL = c*c\n")
    n = ids(doc)
    g = doc.add_group([n["a"]], label="g")
    doc.place_in([n["c"]], g)  # b takes a from g and feeds c back into it
    s = PracticeSession(doc)
    assert s.questions == [] and "the groups make a loop" in s.problem
    said = s.answer("1").message
    # (where the loop is said to start, b or g, is group_steps' choice: a set's order)
    assert said.startswith("Nothing to practise here: at this level the groups make a loop (")
    assert "b → g" in said and "g → b" in said
    assert said.endswith("Next: open g (double-click its card) for the 2 grads inside it.")
    s.at(g)  # inside, the level is fine
    assert s.problem is None and [q.name for q in s.questions] == ["c", "a"]


def test_grouping_again_keeps_every_answer():
    doc, gid, _n = tanh_lesson()
    s = PracticeSession(doc)
    for _ in range(3):
        s.answer(repr(s.current.expected))
    answered = list(s.answered)
    doc.remove_group(gid)  # ungroup: the inside joins the top level
    s.regroup()
    s.at(None)
    assert s.answered == answered and s.current.node not in answered
    assert {q.node for q in s.questions} == set(s.every)  # the flat graph's questions
    assert s.index == 3


@pytest.mark.parametrize("scope", ["top", "inside"])
def test_every_level_asks_the_engines_grads(scope):
    doc, gid, _n = tanh_lesson()
    s = PracticeSession(doc, scope=None if scope == "top" else gid)
    grads = engine_grads(doc)
    assert s.questions and all(q.expected == grads[q.node] for q in s.questions)
