"""The accumulation bug: '=' against '+=' on the classic examples."""

from __future__ import annotations

from playground.teach import accumulation_bug, assign_backward
from tests.teach.helpers import example


def test_a_plus_a_gives_1_instead_of_2():
    report = accumulation_bug(example("a_plus_a"))
    a = report.row("a")
    assert (a.correct, a.buggy, a.wrong) == (2.0, 1.0, True)
    assert "Used 2 times" in a.why and "1.0000 + 1.0000 = 2.0000" in a.why
    # the two wires are told apart by the port they feed, in words no node is called
    assert "(1.0000 via b, right input) and lost 1.0000 via b, left input" in a.why
    assert [r.name for r in report.wrong] == ["a"]
    assert "1 grad comes out wrong: a" in report.summary()


def test_shared_nodes_both_leaves_wrong_and_why():
    report = accumulation_bug(example("shared_nodes"))
    assert {r.name for r in report.wrong} == {"a", "b"}
    assert report.row("a").correct == -3.0 and report.row("b").correct == -8.0
    assert report.row("d").wrong is False and "Used once" in report.row("d").why
    grads, writes = assign_backward(example("shared_nodes"))
    assert len(writes["a"]) == 2 and grads["a"] == writes["a"][-1].value


def test_a_wrong_grad_spreads_down():
    from tests.teach.helpers import expression

    doc = expression("a = 2.0\nb = a + a\nc = b * 3.0\nL = c + b")
    report = accumulation_bug(doc)
    assert report.row("a").wrong and report.row("b").wrong
    assert "handed a wrong grad by b" in report.row("a").why


def test_no_shared_node_no_difference():
    report = accumulation_bug(example("lecture"))
    assert report.wrong == [] and "same grads" in report.summary()
