"""The step-through one level at a time: a group is one step whose local derivative is
"computed by its inside", stepping inside walks the inside and hands the gradient back out, and
every sum a learner checks agrees with the flat graph's grads."""

from __future__ import annotations

import random

import numpy as np
import pytest

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation, evaluate
from playground.graph.examples import list_examples
from playground.graph.expr import parse
from playground.teach import TeachError, backward_steps, forward_steps
from playground.teach.group_steps import (
    _forward_level,
    _Level,
    backward_steps_at,
    forward_steps_at,
    group_locals,
)
from tests.graph.test_groups import force_group, random_grouping, tanh_from_exp
from tests.teach.helpers import example


def grouped_tanh() -> tuple[GraphDocument, dict[str, str], str]:
    doc, ids = tanh_from_exp()
    gid = doc.add_group([ids[k] for k in ("two", "2n", "e", "e-1", "e+1", "o", "one")],
                        label="tanh")
    return doc, ids, gid


def close(a, b) -> bool:
    """Equal but for rounding: a local derivative's products against the flat sum."""
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def same(a, b) -> bool:
    return bool(np.array_equal(a, b))


def parts_sum(c):
    """Σ_o o.grad · do/dn, or None on the tensor engine (a Jacobian, not a number)."""
    if any(p.value is None for p in c.parts):
        return None
    return sum(p.value for p in c.parts)


def test_with_no_group_the_top_level_is_exactly_the_flat_step_through():
    for name in ("lecture", "neuron", "a_plus_a", "polynomial"):
        doc = example(name)
        ev = evaluate(doc, backward=True)
        assert _Level(doc, ev, None).steps() == backward_steps(doc)  # the level's own walk
        assert backward_steps_at(doc, None) == backward_steps(doc)


def test_a_group_is_one_step_whose_local_derivative_is_computed_by_its_inside():
    doc, ids, gid = grouped_tanh()
    ev = evaluate(doc, backward=True)
    o = ev.results[ids["o"]].data
    steps = backward_steps_at(doc, None, ev)
    first = steps[0]
    assert first.node == gid and first.opens == gid
    # tanh's own local derivative, 1 − o², is what the exp-built inside computes
    assert group_locals(doc, gid, ev)[ids["o"]][ids["n"]] == pytest.approx(1 - o * o, rel=1e-12)
    assert first.equation == "do/dn = 0.5000, computed by its inside"
    assert "Step inside" in first.text
    assert "  n.grad += do/do · do/dn = 1.0000 · 0.5000 = 0.5000" in first.lines
    # the group's input, the next step, reads its chain rule through the group
    n_step = steps[1]
    assert n_step.node == ids["n"] and n_step.value == ev.results[ids["n"]].grad
    assert n_step.equation == "do/dn = do/do · do/dn = 1.0000 · 0.5000 = 0.5000"
    assert "computed by its inside: tanh is a group" in n_step.text
    assert n_step.edges == ((ids["n"], ids["2n"], 1),)  # the real wire into the group
    # the rest of the top level is the neuron, with the lecture's grads
    by = {s.node: s.value for s in steps}
    assert by[ids["x"]] == ev.results[ids["x"]].grad == pytest.approx(-1.5)
    assert by[ids["w"]] == pytest.approx(1.0)
    assert {s.node for s in steps} == {gid, *(ids[k] for k in ("n", "xw", "b", "x", "w"))}


def test_stepping_inside_walks_the_inside_then_hands_the_gradient_back_out():
    doc, ids, gid = grouped_tanh()
    ev = evaluate(doc, backward=True)
    inside = backward_steps_at(doc, gid, ev)
    nodes = [s.node for s in inside]
    assert nodes[0] == ids["o"] and inside[0].equation == "do/do = 1"
    assert set(nodes[:-1]) == {ids[k] for k in ("o", "e-1", "e+1", "e", "2n", "one", "two")}
    assert all(s.scope == gid for s in inside)
    last = inside[-1]
    assert last.leaving and last.node == ids["n"] and "back out of tanh" in last.title
    assert last.equation == "n.grad += do/d(2n) · d(2n)/dn = 0.2500 · 2.0000 = 0.5000"
    # what comes out is what the outer step used as "via tanh"
    outer = next(s for s in backward_steps_at(doc, None, ev) if s.node == ids["n"])
    assert last.value == outer.contributions[0].value == ev.results[ids["n"]].grad
    # every inner grad is the flat one
    for s in inside[:-1]:
        assert s.value == ev.results[s.node].grad


def check_level_sums(doc: GraphDocument, ev: Evaluation, scope: str | None) -> list:
    """Every sum a learner reads at ``scope`` agrees with the flat grads; returns the steps."""
    steps = backward_steps_at(doc, scope, ev)
    for s in steps:
        if s.opens:  # the group: what it hands each input is the flat wires' sum, and
            # Σ_o o.grad · do/dn (its local derivative) gives the same number
            for c in s.contributions:
                flat = sum(ev.contributions[(e.source, e.target, e.slot)]
                           for e in doc.consumers(c.source) if e.target in doc.inside(s.opens)
                           and (e.source, e.target, e.slot) in ev.contributions)
                assert same(c.value, flat)
                assert parts_sum(c) is None or close(parts_sum(c), c.value)
                for p in c.parts:
                    assert same(p.upstream, ev.results[p.output].grad)
            continue
        if s.node == ev.output:
            assert not s.leaving
            continue
        total = sum(c.value for c in s.contributions)
        for c in s.contributions:
            if c.through_group:
                assert parts_sum(c) is None or close(parts_sum(c), c.value)
        if s.leaving:
            assert same(s.value, total)
        else:
            outside = sum(ev.contributions[(e.source, e.target, e.slot)]
                          for e in doc.consumers(s.node)
                          if doc.representative(e.target, scope) is None
                          and (e.source, e.target, e.slot) in ev.contributions)
            assert close(total + outside, ev.results[s.node].grad)
            assert same(s.value, ev.results[s.node].grad)
    return steps


def check_every_level(doc: GraphDocument) -> bool:
    """False when some level has a loop (said in words); else every level checked, and every
    node the output depends on is a step at exactly the level it sits in."""
    ev = evaluate(doc, backward=True)
    upstream = [n for n, r in ev.results.items() if r.grad is not None]
    seen: list[str] = []
    for scope in [None, *doc.groups()]:
        try:
            steps = check_level_sums(doc, ev, scope)
        except TeachError as exc:
            if "loop" in str(exc):
                return False
            assert "no step" in str(exc) and scope is not None
            assert not doc.inside(scope) & set(upstream)  # nothing in it feeds the output
            continue
        seen += [s.node for s in steps if not s.opens and not s.leaving]
    assert sorted(seen) == sorted(upstream)
    return True


def test_nested_groups_step_level_by_level_with_the_flat_grads():
    doc, ids = tanh_from_exp()
    inner = doc.add_group([ids["e-1"], ids["e+1"], ids["one"]], label="ratio parts")
    mid = doc.add_group([inner, ids["o"], ids["e"], ids["2n"], ids["two"]], label="tanh")
    neuron = doc.add_group([ids["x"], ids["w"], ids["xw"]], label="x·w")
    assert check_every_level(doc)
    ev = evaluate(doc, backward=True)
    top = backward_steps_at(doc, None, ev)
    assert [s.node for s in top][:2] == [mid, ids["n"]]
    assert {s.node: s.opens for s in top}[neuron] == neuron
    assert {s.node for s in top} == {mid, neuron, ids["n"], ids["b"]}
    inside_mid = backward_steps_at(doc, mid, ev)
    step = next(s for s in inside_mid if s.node == inner)
    # the inner group has two outputs (e-1, e+1) that both reach e: one product each
    (c,) = step.contributions
    assert c.source == ids["e"] and len(c.parts) == 2
    assert close(c.value, ev.results[ids["e"]].grad)


def test_an_output_used_inside_its_own_group_still_sums_to_the_flat_grad():
    doc = parse("a = 0.7\nb = a.tanh()\nc = b*b\nL = c + b\n")
    names = {doc.label(n): n for n in doc.node_ids()}
    g = doc.add_group([names["b"], names["c"]], label="square of tanh")
    assert doc.ports(g).outputs == (names["b"], names["c"])  # b feeds c inside and L outside
    assert check_every_level(doc)
    ev = evaluate(doc, backward=True)
    b = next(s for s in backward_steps_at(doc, g, ev) if s.node == names["b"])
    assert "(from outside square of tanh)" in b.equation


@pytest.mark.parametrize("name", [e.name for e in list_examples()])
def test_every_example_grouped_at_random_steps_to_the_flat_grads(name):
    doc = example(name)
    try:
        evaluate(doc, backward=True).results[doc.output_node()]
    except Exception:
        pytest.skip("no single output")
    ev = evaluate(doc, backward=True)
    if not ev.ok() or not ev.backward:
        pytest.skip("backward does not run on this example")
    random_grouping(doc, random.Random(name), rounds=4)
    check_every_level(doc)


def test_random_graphs_grouped_at_random_step_to_the_flat_grads():
    from playground.teach.random_expr import Difficulty, random_document

    checked = 0
    for seed in range(30):
        doc = random_document(Difficulty(ops=("add", "mul", "tanh", "exp"), depth=3, reuse=True),
                              seed)
        random_grouping(doc, random.Random(seed), rounds=4)
        checked += check_every_level(doc)
    assert checked >= 10  # most groupings have no loop at any level


def test_a_grouping_that_makes_a_loop_says_so_in_words():
    doc = parse("a = 2.0\nb = a.exp()\nc = b.tanh()\nL = c*a\n")
    names = {doc.label(n): n for n in doc.node_ids()}
    force_group(doc, [names["a"], names["c"]], "ends")  # b leaves the group and comes back
    with pytest.raises(TeachError, match=r"loop \(.*ends.*\)"):
        backward_steps_at(doc, None)
    with pytest.raises(TeachError, match="no group"):
        backward_steps_at(doc, "nope")


def test_forward_with_no_group_is_exactly_the_flat_forward():
    for name in [e.name for e in list_examples()]:
        doc = example(name)
        if evaluate(doc).problems:
            continue
        def seen(steps):  # a tensor's value is an array: compare what the learner reads
            return [(s.index, s.node, s.title, s.lines, s.edges) for s in steps]

        assert seen(_forward_level(doc, evaluate(doc), None)) == seen(forward_steps(doc)), name
        assert seen(forward_steps_at(doc, None)) == seen(forward_steps(doc)), name


def test_forward_takes_a_group_as_one_step_computed_by_its_inside():
    doc, ids, gid = grouped_tanh()
    ev = evaluate(doc)
    top = forward_steps_at(doc, None, ev)
    assert [s.node for s in top][-1] == gid  # inputs first: the group comes last
    group = top[-1]
    assert group.opens == gid and group.equation == "o = 0.7071, computed by its inside"
    assert "fed n = 0.8814" in group.text and "Step inside" in group.text
    assert group.value == ev.results[ids["o"]].data
    assert group.edges == ((ids["n"], ids["2n"], 1),)
    inside = forward_steps_at(doc, gid, ev)
    assert [s.node for s in inside][-1] == ids["o"]
    assert all(s.scope == gid for s in inside)
    e = next(s for s in inside if s.node == ids["e"])
    assert e.equation == "e = exp((2n)) = exp(1.7627) = 5.8284"


def test_forward_by_level_visits_every_node_once_at_its_own_level():
    for seed in range(10):
        from playground.teach.random_expr import Difficulty, random_document

        doc = random_document(Difficulty(ops=("add", "mul", "tanh"), depth=3, reuse=True), seed)
        random_grouping(doc, random.Random(seed), rounds=3)
        seen: list[str] = []
        try:
            for scope in [None, *doc.groups()]:
                steps = forward_steps_at(doc, scope)
                seen += [s.node for s in steps if not s.opens]
                for s in steps:  # each node after what feeds it at its level
                    assert s.index == steps.index(s)
        except TeachError as exc:
            assert "loop" in str(exc)
            continue
        assert sorted(seen) == sorted(doc.node_ids())
