"""The display model: when it evaluates, what it shows, and what it reports."""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtGui import QUndoStack

from playground.graph import GraphDocument
from playground.ui import commands as cmd
from playground.ui.display import DisplayModel


def lecture() -> tuple[GraphDocument, dict[str, str]]:
    doc = GraphDocument()
    ids = {}
    for name, value in (("a", 2.0), ("b", -3.0), ("c", 10.0), ("f", -2.0)):
        ids[name] = doc.add_node("value", label=name, value=value)
    for name, op in (("e", "mul"), ("d", "add"), ("L", "mul")):
        ids[name] = doc.add_node("op", op=op, label=name)
    doc.connect(ids["a"], ids["e"], 0)
    doc.connect(ids["b"], ids["e"], 1)
    doc.connect(ids["e"], ids["d"], 0)
    doc.connect(ids["c"], ids["d"], 1)
    doc.connect(ids["d"], ids["L"], 0)
    doc.connect(ids["f"], ids["L"], 1)
    return doc, ids


def make(qapp):
    doc, ids = lecture()
    stack = QUndoStack()
    ctl = DisplayModel(doc, stack)
    seen: list[tuple[object, bool]] = []
    ctl.changed.connect(lambda shown: seen.append((shown.evaluation, shown.grads_stale)))
    messages: list[str] = []
    ctl.message.connect(lambda text, resolved: resolved or messages.append(text))
    return doc, ids, stack, ctl, seen, messages


def test_backward_then_an_edit_makes_grads_stale_but_keeps_them(qapp):
    doc, ids, stack, ctl, seen, _ = make(qapp)
    ev = ctl.backward()
    assert ev.results[ids["a"]].grad == 6.0 and ev.results[ids["L"]].data == -8.0
    assert seen[-1][1] is False
    stack.push(cmd.SetValue(doc, ids["c"], 11.0))
    ev, stale = seen[-1]
    assert stale is True
    assert ev.results[ids["L"]].data == -10.0          # data is fresh
    assert ev.results[ids["a"]].grad is None           # a forward evaluation: no grads
    assert ctl.shown.grads.results[ids["a"]].grad == 6.0  # the old grad, shown greyed
    ctl.backward()
    assert seen[-1][1] is False


def test_moves_and_renames_neither_evaluate_nor_stale(qapp):
    doc, ids, stack, ctl, seen, _ = make(qapp)
    ctl.backward()
    n = len(seen)
    stack.push(cmd.MoveNodes(doc, {ids["a"]: ((0, 0), (50, 50))}))
    stack.push(cmd.SetLabel(doc, ids["a"], "alpha"))
    assert len(seen) == n
    assert ctl.grads_stale is False


def test_a_big_edit_evaluates_once(qapp):
    doc, ids, stack, ctl, seen, _ = make(qapp)
    n = len(seen)
    stack.push(cmd.DeleteItems(doc, list(ids.values())))  # ~20 document events
    assert len(seen) == n + 1
    assert ctl.evaluation.problems  # empty graph


def test_changes_outside_the_stack_are_picked_up(qapp, qtbot):
    doc, ids, _stack, _ctl, seen, _ = make(qapp)
    n = len(seen)
    doc.set_value(ids["f"], 1.0)  # e.g. a loader or a script
    qtbot.waitUntil(lambda: len(seen) > n)
    assert seen[-1][0].results[ids["L"]].data == 4.0


def test_zero_grad_sets_every_grad_to_zero(qapp):
    _doc, ids, _stack, ctl, seen, messages = make(qapp)
    ctl.backward()
    ctl.zero_grad()
    ev, stale = seen[-1]
    assert stale is False
    assert all(r.grad == 0.0 for r in ev.results.values())
    assert ev.results[ids["L"]].data == -8.0
    assert messages[-1] == "All grads set to 0"


def test_auto_forward_off_keeps_old_numbers_until_forward(qapp):
    doc, ids, stack, ctl, seen, messages = make(qapp)
    ctl.forward()
    ctl.set_auto_forward(False)
    stack.push(cmd.SetValue(doc, ids["a"], 3.0))
    assert seen[-1][0].results[ids["L"]].data == -8.0
    assert "Forward" in messages[-1]
    ctl.forward()
    assert seen[-1][0].results[ids["L"]].data == -2.0 * (3.0 * -3.0 + 10.0)


def test_problems_are_one_status_line(qapp):
    doc, ids, stack, ctl, _seen, messages = make(qapp)
    extra = doc.add_node("value", label="z", value=1.0)
    doc.connect(extra, doc.add_node("op", op="tanh", label="t"), 0)  # a second result
    ctl.backward()
    assert "2 nodes have no consumer" in messages[-1]
    assert "mark one as the output" in messages[-1]
    stack.push(cmd.SetOutput(doc, ids["L"]))
    ev = ctl.backward()
    assert ev.backward and ev.results[extra].grad is None
    t = doc.add_node("op", op="log", label="bad")
    doc.connect(ids["b"], t, 0)
    ctl.forward()
    assert ctl.evaluation.results[t].warning
    assert math.isnan(ctl.evaluation.results[t].data)


def test_renaming_a_node_named_in_the_problem_message_says_it_again(qapp):
    doc, ids, stack, ctl, seen, messages = make(qapp)
    stack.push(cmd.Disconnect(doc, ids["e"], 0))
    ctl.flush()
    assert messages == []  # an open input is the graph being built: no problem to say
    ctl.backward()
    assert messages[-1] == "Backward did not run: L waits for e, which needs its 'left' input"
    n = len(seen)
    stack.push(cmd.SetLabel(doc, ids["e"], "product"))
    assert messages[-1] == (
        "Backward did not run: L waits for product, which needs its 'left' input")
    assert len(seen) == n  # a rename still evaluates nothing
    stack.push(cmd.SetLabel(doc, ids["c"], "gamma"))  # named nowhere: nothing new to say
    assert messages[-1] == (
        "Backward did not run: L waits for product, which needs its 'left' input")


def test_an_open_input_is_said_by_forward_and_backward_only(qapp):
    doc, ids, stack, ctl, seen, messages = make(qapp)
    stack.push(cmd.Disconnect(doc, ids["d"], 1))
    ctl.flush()
    assert messages == []
    r = seen[-1][0].results
    assert r[ids["d"]].pending and r[ids["d"]].needs == ("right",)
    assert r[ids["L"]].pending and r[ids["L"]].waits_for == ids["d"]
    ctl.forward()
    assert messages[-1] == "Forward: d needs its 'right' input"
    ctl.backward()
    assert messages[-1] == "Backward did not run: L waits for d, which needs its 'right' input"
    t = doc.add_node("op", op="tanh", label="t")
    ctl.flush()
    assert not any("t needs" in m for m in messages)
    ctl.forward()
    assert messages[-1] == "Forward: d needs its 'right' input (and 1 more waiting for input)"
    doc.set_value(ids["c"], [])  # a bad literal is a real error: said after any edit
    ctl.flush()
    assert messages[-1].startswith("c: bad literal")
    doc.remove_node(t)
    doc.set_value(ids["c"], 10.0)
    stack.push(cmd.Connect(doc, ids["c"], ids["d"], 1))
    assert ctl.backward().backward


def test_undoing_back_to_the_backward_makes_its_grads_right_again(qapp):
    doc, ids, stack, ctl, seen, _ = make(qapp)
    back = ctl.backward()
    stack.push(cmd.SetValue(doc, ids["c"], 11.0))
    assert seen[-1][1] is True  # stale
    stack.push(cmd.SetLabel(doc, ids["a"], "alpha"))  # a rename changes no number
    stack.undo()
    stack.undo()  # c is 10 again: the numbers Backward saw
    ev, stale = seen[-1]
    assert stale is False and ctl.grads_stale is False
    assert ev.results[ids["a"]].grad == 6.0 and ev.results[ids["L"]].data == -8.0
    assert ev.contributions == back.contributions != {}  # the wires' "← 6.0" labels too
    # setting the same value by hand counts as well: only the numbers matter
    stack.push(cmd.SetValue(doc, ids["c"], 12.0))
    stack.push(cmd.SetValue(doc, ids["c"], 10.0))
    assert seen[-1][1] is False
    # after Zero Grads there is no Backward to return to
    ctl.zero_grad()
    stack.push(cmd.SetValue(doc, ids["c"], 12.0))
    stack.undo()
    assert seen[-1][1] is True


def test_renaming_a_node_named_in_why_backward_did_not_run_says_it_again(qapp):
    doc, ids, stack, ctl, _seen, messages = make(qapp)
    t = doc.add_node("op", op="tanh", label="t")
    doc.connect(ids["a"], t, 0)  # a second result: Backward cannot tell where to start
    ctl.backward()
    assert messages[-1] == ("Backward did not run: 2 nodes have no consumer (L, t): "
                            "mark one as the output")
    stack.push(cmd.SetLabel(doc, t, "tee"))
    assert messages[-1] == ("Backward did not run: 2 nodes have no consumer (L, tee): "
                            "mark one as the output")


def test_grads_made_right_again_carry_todays_names(qapp):
    """Back at the Backward's numbers after a rename: the warnings that name nodes (where a
    nan gradient came from) use the new name."""
    doc = GraphDocument()
    x = doc.add_node("value", label="x", value=-1.0)
    r = doc.add_node("op", op="relu", label="r")
    lg = doc.add_node("op", op="log", label="lg")
    doc.connect(x, r, 0)
    doc.connect(r, lg, 0)
    stack = QUndoStack()
    ctl = DisplayModel(doc, stack)
    seen: list = []
    ctl.changed.connect(lambda shown: seen.append((shown.evaluation, shown.grads_stale)))
    ctl.backward()
    assert "lg's local derivative" in ctl.evaluation.results[r].warning
    stack.push(cmd.SetValue(doc, x, -2.0))
    assert seen[-1][1] is True
    stack.push(cmd.SetLabel(doc, lg, "logr"))
    stack.push(cmd.SetValue(doc, x, -1.0))  # the Backward's numbers again, under a new name
    ev, stale = seen[-1]
    assert not stale and "logr's local derivative" in ev.results[r].warning
    assert ev.results[x].grad == 0.0


# --- what is shown: tools, previews, the snapshot ------------------------------------------


class FakeTool:
    def __init__(self, kind: str = "step-through") -> None:
        self.display_kind = kind
        self.interruptions = 0

    def interrupted(self) -> None:
        self.interruptions += 1


def shown_list(ctl):
    seen: list = []
    ctl.changed.connect(seen.append)
    return seen


def test_a_tools_numbers_are_shown_until_an_edit_ends_them(qapp):
    doc, ids, stack, ctl, _seen, _ = make(qapp)
    back = ctl.backward()
    shown = shown_list(ctl)
    tool = FakeTool()
    partial = replace(back, results={n: replace(r, grad=None) for n, r in back.results.items()})
    ctl.show(partial, tool, {ids["a"]: "not reached yet"}, "stepping backward: 1 of 7")
    s = shown[-1]
    assert s.owner == "step-through" and ctl.owner is tool and s.cause == "show"
    assert s.evaluation is partial and s.notes == {ids["a"]: "not reached yet"}
    assert s.state == "stepping backward: 1 of 7" and ctl.state_words(s) == s.state
    assert tool.interruptions == 0
    stack.push(cmd.SetValue(doc, ids["c"], 11.0))
    s = shown[-1]
    assert s.owner == "none" and ctl.owner is None and s.cause == "evaluated"
    assert tool.interruptions == 1
    assert s.evaluation.results[ids["L"]].data == -10.0 and s.grads_stale
    assert s.grads.results[ids["a"]].grad == 6.0  # the Backward's grads, greyed
    assert ctl.state_words(s) == "grads stale: press Backward"


def test_a_second_tool_ends_the_first_and_only_the_owner_restores(qapp):
    _doc, ids, _stack, ctl, _seen, _ = make(qapp)
    back = ctl.backward()
    shown = shown_list(ctl)
    steps, bug = FakeTool("step-through"), FakeTool("bug demo")
    ctl.show(back, steps)
    ctl.show(back, bug)
    assert steps.interruptions == 1 and bug.interruptions == 0 and ctl.owner is bug
    ctl.restore(steps)  # not the owner any more: nothing happens
    assert ctl.owner is bug and shown[-1].owner == "bug demo"
    ctl.restore(bug)
    assert ctl.owner is None and shown[-1].owner == "none" and shown[-1].cause == "restore"
    assert shown[-1].evaluation is ctl.evaluation and not shown[-1].grads_stale
    assert shown[-1].grads.results[ids["a"]].grad == 6.0


def test_a_preview_shows_what_if_numbers_and_ending_it_restores_the_picture(qapp):
    doc, ids, _stack, ctl, _seen, _ = make(qapp)
    back = ctl.backward()
    before = ctl.shown
    shown = shown_list(ctl)
    fresh = ctl.preview({ids["a"]: 3.0})
    assert fresh.results[ids["L"]].data == lecture_L(a=3.0)
    s = shown[-1]
    assert s.preview and s.grads_stale and s.cause == "preview"
    assert s.evaluation.results[ids["L"]].data == lecture_L(a=3.0)
    assert s.grads is back  # the old grad, stale, on the canvas and in the inspector
    assert s.grads.results[ids["a"]].grad == 6.0
    assert doc.value(ids["a"]) == 2.0 and ctl.evaluation is back  # the document is untouched
    ctl.preview({ids["b"]: -4.0})  # a's scratch value goes back, b's comes in
    assert shown[-1].evaluation.results[ids["L"]].data == lecture_L(b=-4.0)
    ctl.end_preview()
    s = shown[-1]
    assert not s.preview and s.evaluation is before.evaluation and not s.grads_stale
    assert s.grads is before.grads


def test_a_tool_shown_under_a_preview_is_what_the_preview_ends_on(qapp):
    _doc, ids, _stack, ctl, _seen, _ = make(qapp)
    back = ctl.backward()
    shown = shown_list(ctl)
    ctl.preview({ids["a"]: 3.0})
    tool = FakeTool("wiggle")
    ctl.show(back, tool, state="a tool's words")
    assert shown[-1].preview  # still previewing the dragged value, on top of the tool
    assert shown[-1].evaluation.results[ids["L"]].data == lecture_L(a=3.0)
    ctl.end_preview()
    assert shown[-1].owner == "wiggle" and shown[-1].state == "a tool's words"
    assert shown[-1].evaluation is back


def test_numbers_for_a_tool_are_computed_without_being_shown(qapp):
    doc, ids, _stack, ctl, _seen, _ = make(qapp)
    ctl.forward()
    shown = shown_list(ctl)
    nudged = ctl.evaluate_copy({ids["a"]: 2.5}, backward=True)
    assert nudged.results[ids["L"]].data == lecture_L(a=2.5)
    assert nudged.results[ids["a"]].grad == 6.0
    assert ctl.backward_evaluation().results[ids["a"]].grad == 6.0
    assert shown == [] and doc.value(ids["a"]) == 2.0


def lecture_L(a: float = 2.0, b: float = -3.0, c: float = 10.0, f: float = -2.0) -> float:
    return (a * b + c) * f
