"""validate(): structured problems; literal checks."""

from __future__ import annotations

import math

from playground.graph import GraphDocument
from playground.graph.validate import Problem, literal_problem, literal_shape, validate
from tests.graph.helpers import lecture, op, values


def test_valid_document_has_no_problems():
    assert validate(lecture(), need_output=True) == []


def test_structured_problems():
    doc = lecture()
    doc.disconnect("e", 1)
    doc.add_node("value", value=[[1.0], [2.0, 3.0]], node_id="r")
    doc._g.add_edge("L", "d", key=5)  # smuggled in: bad slot and a cycle
    kinds = {(p.kind, p.node) for p in validate(doc, need_output=True)}
    assert ("missing_input", "e") in kinds and ("bad_literal", "r") in kinds
    assert ("bad_slot", "d") in kinds and any(k == "cycle" for k, _ in kinds)
    missing = next(p for p in validate(doc) if p.kind == "missing_input")
    # the port's name, never a/b: the learner's nodes a and b feed this very node
    assert missing == Problem(
        "missing_input", "e: input 'right' is not connected", node="e", slot=1
    )


def test_empty_and_no_output():
    assert [p.kind for p in validate(GraphDocument())] == ["empty"]
    doc = lecture()
    values(doc, z=1.0)
    assert validate(doc, need_output=True) == []  # an unwired node does not compete with L
    op(doc, "t", "tanh", "z")
    assert [p.kind for p in validate(doc, need_output=True)] == ["no_output"]
    assert validate(doc) == []


def test_literals():
    assert literal_problem(1.0) is None and literal_problem(math.nan) is None
    assert literal_problem([[1.0, 2.0], [3.0, 4.0]]) is None
    assert "ragged" in literal_problem([[1.0, 2.0], [3.0]])
    assert "ragged" in literal_problem([1.0, [2.0]])
    assert literal_problem(True) == "bad literal: a boolean is not a number"
    assert literal_problem([]) == "bad literal: a tensor needs at least one number"
    assert literal_problem([[]]) == "bad literal: a tensor needs at least one number"
    deep = 1.0
    for _ in range(40):
        deep = [deep]
    assert "nested more than 32 levels" in literal_problem(deep)
    assert literal_shape([[1.0, 2.0, 3.0]]) == (1, 3) and literal_shape(2.0) == ()
    assert literal_shape([[1.0], 2.0]) is None
