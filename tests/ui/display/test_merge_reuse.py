"""After Backward, an edit or a preview shows a plain forward evaluation whose untouched nodes
keep their very result objects (so the canvas repaints only the changed cards), with the last
Backward's own evaluation as the stale grads (nothing copies the grads onto every new forward);
``with_grads`` merges them when asked, and the numbers are what a full evaluation gives."""

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
    back = display.backward()
    grads = {n: r.grad for n, r in back.results.items()}
    stack.push(cmd.SetValue(doc, ids["c"], 11.0))  # downstream: c, d, L
    first = display.evaluation
    stack.push(cmd.SetValue(doc, ids["c"], 12.0))
    second = display.evaluation
    assert display.grads_stale and display.shown.grads_stale
    assert display.shown.evaluation is second
    assert display.shown.grads is back  # the Backward's grads, stale, the same object
    untouched = {ids[k] for k in "abef"}
    assert {n for n in second.results if second.results[n] is first.results[n]} == untouched
    full = evaluate(doc, backward=False)
    for n, r in second.results.items():
        assert r.data == full.results[n].data
    assert second.results[ids["L"]].data == (2.0 * -3.0 + 12.0) * -2.0
    merged = display.with_grads()
    assert merged.backward
    for n, r in merged.results.items():
        assert r.data == full.results[n].data
        assert r.grad == grads[n]
    stack.push(cmd.SetValue(doc, ids["c"], 13.0))
    again = display.with_grads()
    assert {n for n in again.results if again.results[n] is merged.results[n]} == untouched


def test_a_preview_after_backward_shares_the_untouched_results_with_the_document(qapp):
    doc, ids = lecture()
    display = DisplayModel(doc, QUndoStack())
    back = display.backward()
    display.preview({ids["f"]: -3.0})  # downstream: f, L
    one = display.shown.evaluation
    display.preview({ids["f"]: -4.0})
    two = display.shown.evaluation
    assert {n for n in two.results if two.results[n] is one.results[n]} == {
        ids[k] for k in "abcde"}
    assert two.results[ids["L"]].data == 4.0 * -4.0
    assert display.shown.grads is back and display.shown.grads_stale
    assert display.shown.grads.results[ids["L"]].grad == 1.0
    assert doc.value(ids["f"]) == -2.0
