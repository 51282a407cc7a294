"""A lesson's graph may hold groups: "tanh built from exp" puts one tanh node beside the
exp-built group, and the engine gives both forms the same o and the same grads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.graph.evaluate import evaluate
from playground.teach.group_steps import backward_steps_at
from playground.teach.lesson_files import load_lessons
from playground.teach.lesson_tasks import answer, check
from playground.teach.lessons import lesson
from tests.teach.helpers import ids


def test_tanh_from_exp_shows_one_tanh_node_beside_the_exp_built_group():
    item = lesson("tanh_from_exp")
    doc = item.document()
    named = ids(doc)
    (g,) = doc.groups()
    assert doc.group_label(g) == "tanh from exp"
    assert doc.ports(g).inputs == (named["n_exp"],)
    assert doc.ports(g).outputs == (named["o_exp"],)
    assert {doc.display_name(n) for n in doc.inside(g)} >= {"e", "o_exp"}
    assert doc.group_of(named["o_tanh"]) is None  # the tanh node stands beside it
    top, _groups = doc.children(None)
    assert {doc.display_name(n) for n in top} == {"n_tanh", "n_exp", "o_tanh", "both"}


def test_both_forms_give_the_same_o_and_the_same_grads():
    doc = lesson("tanh_from_exp").document()
    named = ids(doc)
    ev = evaluate(doc, backward=True)
    r = {k: ev.results[n] for k, n in named.items()}
    assert r["o_exp"].data == pytest.approx(r["o_tanh"].data, rel=1e-15)
    assert r["n_exp"].grad == pytest.approx(r["n_tanh"].grad, rel=1e-15)
    assert r["n_tanh"].grad == pytest.approx(1 - r["o_tanh"].data ** 2, rel=1e-15)


def test_the_task_is_the_groups_grad_checked_by_the_engine():
    item = lesson("tanh_from_exp")
    doc = item.document()
    named = ids(doc)
    assert item.task.node == "n_exp"
    want = answer(item.task, doc)
    assert want == evaluate(doc, backward=True).results[named["n_exp"]].grad
    assert check(item.task, doc, "0.5").passed
    assert not check(item.task, doc, "1").passed
    # a learner who changes n_exp is checked against the changed graph
    doc.set_value(named["n_exp"], 0.0)
    assert check(item.task, doc, "1").passed and not check(item.task, doc, "0.5").passed


def test_the_lessons_step_through_takes_the_group_as_one_step():
    doc = lesson("tanh_from_exp").document()
    named = ids(doc)
    (g,) = doc.groups()
    top = backward_steps_at(doc, None)
    by = {s.node: s for s in top}
    assert by[g].opens == g
    assert by[g].equation == "d(o_exp)/d(n_exp) = 0.5000, computed by its inside"
    assert by[named["o_tanh"]].equation.startswith("d(both)/d(o_tanh) = 1")
    assert by[named["n_tanh"]].equation.endswith("= 0.5000")
    assert by[named["n_exp"]].equation.endswith("= 0.5000")


def test_a_lesson_group_naming_a_missing_node_is_one_message(tmp_path: Path):
    good = {"key": "k", "title": "T", "card": "c", "expression": "a = 2.0\nb = a*a\n",
            "task": {"kind": "grad", "node": "a", "text": "t"}}
    bad = dict(good, key="b", groups=[{"label": "sq", "output": "zz", "inputs": ["a"]}])
    worse = dict(good, key="w", groups=[{"label": "sq"}])
    (tmp_path / "1.json").write_text(json.dumps(dict(good, groups=[
        {"label": "sq", "output": "b", "inputs": ["a"]}])), encoding="utf-8")
    (tmp_path / "2.json").write_text(json.dumps(bad), encoding="utf-8")
    (tmp_path / "3.json").write_text(json.dumps(worse), encoding="utf-8")
    found, problems = load_lessons(tmp_path)
    assert [f.key for f in found] == ["k"] and len(found[0].document().groups()) == 1
    assert "names 'zz', which is not a node" in problems[0]
    assert "needs an output and a list of inputs" in problems[1]
