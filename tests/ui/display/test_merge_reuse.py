"""After Backward, an edit or a preview shows the last Backward's grads carried over to the new
forward: the nodes the change did not reach keep their very result objects (so the canvas
repaints only the changed cards), and the numbers are what a full evaluation gives."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from playground.graph.evaluate import evaluate
from playground.ui import commands as cmd
from playground.ui.display import DisplayModel
from tests.ui.display.test_model import lecture


def test_an_edit_after_backward_hands_the_untouched_results_over_unchanged(qapp):
    doc, ids = lecture()
    stack = QUndoStack()
    display = DisplayModel(doc, stack)
    display.backward()
    grads = {n: r.grad for n, r in display.evaluation.results.items()}
    stack.push(cmd.SetValue(doc, ids["c"], 11.0))  # downstream: c, d, L
    first = display.evaluation
    stack.push(cmd.SetValue(doc, ids["c"], 12.0))
    second = display.evaluation
    assert display.grads_stale
    untouched = {ids[k] for k in "abef"}
    assert {n for n in second.results if second.results[n] is first.results[n]} == untouched
    full = evaluate(doc, backward=False)
    for n, r in second.results.items():
        assert r.data == full.results[n].data
        assert r.grad == grads[n]  # the Backward's grads, stale
    assert second.results[ids["L"]].data == (2.0 * -3.0 + 12.0) * -2.0


def test_a_preview_after_backward_shares_the_untouched_results_with_the_document(qapp):
    doc, ids = lecture()
    display = DisplayModel(doc, QUndoStack())
    display.backward()
    display.preview({ids["f"]: -3.0})  # downstream: f, L
    one = display.shown.evaluation
    display.preview({ids["f"]: -4.0})
    two = display.shown.evaluation
    assert {n for n in two.results if two.results[n] is one.results[n]} == {
        ids[k] for k in "abcde"}
    assert two.results[ids["L"]].data == 4.0 * -4.0
    assert two.results[ids["L"]].grad == 1.0 and display.shown.grads_stale
    assert doc.value(ids["f"]) == -2.0
