"""Random practice expressions: seeded, exactly as deep as asked, reused or a tree as asked,
only the chosen ops, and always finite (data and grads)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from playground.graph.evaluate import evaluate
from playground.graph.expr import parse
from playground.teach.practice import PracticeSession
from playground.teach.random_expr import (
    LIMIT,
    MAX_DEPTH,
    OP_SETS,
    Difficulty,
    DifficultyError,
    random_document,
    random_expression,
)

ALL = OP_SETS["all: + − × ÷ ** tanh exp relu"]
#: The op(s) the expression parser makes of ``x**2`` (binary pow today; a constant-exponent
#: power once the parser has one): what "pow" in a difficulty stands for.
SQUARE = {parse("x = 2.0\ny = x**2\n").op_name("y")}


def op_depth(doc) -> int:
    """The most ops on a path from a leaf to the output."""
    g = doc.graph
    depth: dict[str, int] = {}
    for n in nx.topological_sort(g):
        ins = [depth[s] for s in g.predecessors(n)]
        is_op = doc.kind(n) == "op"
        depth[n] = (max(ins) if ins else 0) + (1 if is_op else 0)
    return depth[doc.output_node()]


def reused(doc) -> bool:
    return any(len(doc.consumers(n)) >= 2 for n in doc.node_ids())


def test_the_same_seed_gives_the_same_expression():
    d = Difficulty(ALL, 3, True)
    assert random_expression(d, 42) == random_expression(d, 42)
    texts = {random_expression(d, seed) for seed in range(20)}
    assert len(texts) >= 15  # different seeds, different graphs


@pytest.mark.parametrize("ops", list(OP_SETS.values()), ids=list(OP_SETS))
@pytest.mark.parametrize("reuse", [False, True])
def test_every_difficulty_gives_finite_graphs_as_deep_as_asked(ops, reuse):
    for depth in range(1, MAX_DEPTH + 1):
        for seed in range(15):
            doc = random_document(Difficulty(ops, depth, reuse), seed)
            ev = evaluate(doc, backward=True)
            assert not ev.problems and ev.backward
            for n, r in ev.results.items():
                for x in (r.data, r.grad):
                    assert x is not None and math.isfinite(x) and abs(x) <= LIMIT, (n, seed)
            assert op_depth(doc) == depth, (depth, seed)
            assert reused(doc) == reuse, (depth, seed)
            used = {doc.op_name(n) for n in doc.node_ids() if doc.kind(n) == "op"}
            assert used <= set(ops) | (SQUARE if "pow" in ops else set())
            assert doc.label(doc.output_node()) == "L"


def test_the_easy_graphs_have_grads_a_learner_can_work_out_exactly():
    for seed in range(20):
        doc = random_document(Difficulty(("add", "mul"), 3, True), seed)
        s = PracticeSession(doc)
        for q in s.questions:
            assert q.expected * 64 == round(q.expected * 64)  # halves multiplied: exact


def test_a_random_graph_can_be_practised_to_full_score():
    doc = random_document(Difficulty(ALL, 4, True), 3)
    s = PracticeSession(doc)
    assert s.total >= 4
    while not s.done:
        assert s.answer(repr(s.current.expected)).kind == "right"
    assert s.score == s.total


@pytest.mark.parametrize(
    ("difficulty", "words"),
    [
        (Difficulty((), 2), "choose ops"),
        (Difficulty(("matmul",), 2), "not matmul"),
        (Difficulty(("add",), 0), "depth"),
        (Difficulty(("add",), MAX_DEPTH + 1), "depth"),
        (Difficulty(("tanh", "exp"), 2, True), "two-input"),
    ],
)
def test_an_impossible_difficulty_is_refused_in_words(difficulty, words):
    with pytest.raises(DifficultyError, match=words):
        random_expression(difficulty, 1)


def test_one_unary_op_makes_a_chain():
    doc = random_document(Difficulty(("tanh",), 3), 5)
    assert op_depth(doc) == 3 and len(doc) == 4
