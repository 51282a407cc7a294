"""The evaluation controller: keeps the shown numbers in step with the document.

After every change that can alter a number (values, wires, nodes, the output mark) it re-runs
forward when auto-forward is on; Backward computes grads; grads shown after a Backward turn
*stale* once the graph changes (the view greys them) until Backward runs again. Moving or
renaming a node changes no number, so it neither re-evaluates nor makes grads stale.

Changes are coalesced: document events only mark the controller dirty; it evaluates once when
the undo stack reports a finished command (or on the next event-loop turn for changes made
outside the stack), so deleting 50 nodes evaluates once, not 50 times.

A node whose inputs are not all connected yet is being built, not wrong (``NodeResult.pending``):
the evaluations that follow edits keep quiet about it; Forward says it ("Forward: e needs its
'right' input") and Backward says it when the output waits for it ("Backward did not run: L waits
for e, which needs its 'right' input").

A message about a graph problem ("e: bad literal: ...", "Backward did not run: ...") is said
again after every evaluation while the problem lasts; once an evaluation finds no problem,
``problem_resolved`` hands the last such message back, so the window can take it off the
status bar instead of leaving it there, stale, after the learner fixed it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from playground.graph.document import Event, GraphDocument, GraphError
from playground.graph.evaluate import Evaluation, NodeResult, evaluate, pending_text
from playground.graph.incremental import IncrementalEvaluator, NumbersSince

NOT_RUN = "Backward did not run: "
#: Events that cannot change any number.
_COSMETIC = {("node_changed", "pos"), ("node_changed", "label")}


class EvaluationController(QObject):
    evaluated = Signal(object, bool)
    """(Evaluation, grads_stale) after every (re)evaluation."""
    status = Signal(str)
    """A one-line message for the status bar (problems, or what just happened)."""
    problem_resolved = Signal(str)
    """The last problem message sent on ``status``: an evaluation found no problem since."""

    def __init__(
        self, doc: GraphDocument, undo_stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._doc = doc
        self._stack = undo_stack
        self.auto_forward = True
        self.evaluation: Evaluation | None = None
        self.grads_stale = False
        self._grads: dict[str, object] | None = None  # node id -> grad of the last Backward
        # incremental: forward recomputes only downstream of an edit; _since says whether
        # the numbers are back at the last Backward's (was doc.numbers_key() per edit)
        self._inc = IncrementalEvaluator(doc)
        self._since = NumbersSince(doc)
        self._merged: tuple[object, Evaluation, Evaluation] | None = None  # see _publish
        self._grads_eval: Evaluation | None = None  # and the Backward's whole evaluation
        self._dirty = False
        self._problem: str | None = None  # the last problem message sent, while it lasts
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        self._unsubscribe = doc.subscribe(self._on_event)
        undo_stack.indexChanged.connect(lambda _i: self.flush())

    # --- document ----------------------------------------------------------------------

    def set_document(self, doc: GraphDocument) -> None:
        self._unsubscribe()
        self._doc = doc
        self._inc = IncrementalEvaluator(doc)  # incremental
        self._since = NumbersSince(doc)  # incremental
        self._unsubscribe = doc.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        self._inc.note(event)  # incremental
        self._since.note(event)  # incremental
        if (event.kind, event.attr) in _COSMETIC:
            if event.attr == "label" and self._problem is not None and self.evaluation:
                # the problem message names nodes: say it again with the new name
                ev = self.evaluation
                if self._problem.startswith(NOT_RUN):
                    text = NOT_RUN + self.not_run_reason(ev)
                else:
                    text = self._problem_text(ev, fresh_names=True) or self._forward_pending(ev)
                if text:
                    self._say(text, problem=True)
            return
        if self._grads is not None:
            self.grads_stale = True
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        """Evaluate now if the document changed since the last evaluation."""
        if not self._dirty:
            return
        self._dirty = False
        self._timer.stop()
        if self.auto_forward:
            self._publish(self._inc.forward(), quiet=True)  # incremental
        else:
            if self.evaluation is not None:
                self.evaluated.emit(self.evaluation, self.grads_stale or self._grads is not None)
            self._say("The graph changed: press Forward (F5) to recompute")

    # --- actions ----------------------------------------------------------------------

    def forward(self) -> Evaluation:
        self._dirty = False
        self._timer.stop()
        return self._publish(self._inc.forward(), quiet=False)  # incremental

    def backward(self) -> Evaluation:
        self._dirty = False
        self._timer.stop()
        evaluation = evaluate(self._doc, backward=True)
        if evaluation.backward:
            self._grads = {n: r.grad for n, r in evaluation.results.items()}
            self._since.mark()  # incremental
            self._merge(self._inc.forward())  # incremental: the next edit reuses this merge
            self._grads_eval = evaluation
            self.grads_stale = False
        self.evaluation = evaluation
        self.evaluated.emit(evaluation, self.grads_stale)
        if evaluation.backward:
            out = evaluation.output
            name = self._doc.display_name(out) if out in self._doc else out
            msg = f"Backward from {name}: every grad is d{name}/d(node)"
            problem = self._problem_text(evaluation)
            self._say(problem or msg, problem=bool(problem))
        else:
            self._say(NOT_RUN + self.not_run_reason(evaluation), problem=True)
        return evaluation

    def zero_grad(self) -> None:
        """Every grad becomes 0 (as micrograd's zero_grad), until the next Backward."""
        self.flush()
        base = self.evaluation or evaluate(self._doc, backward=False)
        results = {}
        for n, r in base.results.items():
            zero = None if r.data is None else (
                np.zeros_like(r.data) if isinstance(r.data, np.ndarray) else 0.0
            )
            results[n] = replace(r, grad=zero)
        self._grads = {n: r.grad for n, r in results.items()}
        self._since.forget()  # zeros are nobody's gradient: an edit makes them stale for good
        self._grads_eval = None
        self.grads_stale = False
        self.evaluation = replace(base, results=results, backward=True, contributions={})
        self.evaluated.emit(self.evaluation, False)
        self._say("All grads set to 0")

    def set_auto_forward(self, on: bool) -> None:
        self.auto_forward = on
        if on:
            self._dirty = True
            self.flush()

    def reset(self) -> None:
        """Forget grads (a new or freshly loaded document)."""
        self._grads = None
        self._since.forget()  # incremental
        self._grads_eval = None
        self.grads_stale = False
        self._dirty = True
        self._timer.stop()
        self._dirty = False
        self._publish(self._inc.forward(), quiet=True)  # incremental

    # --- helpers ----------------------------------------------------------------------

    def _publish(self, fresh: Evaluation, quiet: bool) -> Evaluation:
        """Show a forward evaluation, carrying the last Backward's grads over: stale, unless
        the document is back where that Backward ran (an edit undone, a value scrubbed and
        returned), when they are exactly right again."""
        back = self._grads_eval
        was_stale = self.grads_stale
        if was_stale and back is not None:
            self.grads_stale = not self._since.same()  # incremental
        shown = fresh
        if back is not None and not self.grads_stale:
            if was_stale:
                # Back at that Backward's numbers: run it once more, so its warnings name
                # nodes as they are called now (per-wire contributions included).
                back = self._grads_eval = evaluate(self._doc, backward=True)
            shown = back
        elif self._grads is not None:
            shown = self._merge(fresh)  # incremental
        self.evaluation = shown
        self.evaluated.emit(shown, self.grads_stale)
        text = self._problem_text(fresh)
        if not text and not quiet:  # after an edit, a node still being built is no news
            text = self._forward_pending(fresh)
        if text:
            self._say(text, problem=True)
        elif not quiet:
            self._say("Forward: every node's data is up to date")
        elif self._problem is not None:
            old, self._problem = self._problem, None
            self.problem_resolved.emit(old)
        return shown

    def _merge(self, fresh: Evaluation) -> Evaluation:
        """``fresh`` with the last Backward's grads. incremental: results the last merge made
        from the same forward result, with the same grads, are taken as they are (an edit
        changes only its downstream's results), so an edit costs no pass over every node."""
        grads = self._grads
        assert grads is not None
        old_fresh: dict = {}
        old_shown: dict = {}
        if self._merged is not None and self._merged[0] is grads:
            old_fresh, old_shown = self._merged[1].results, self._merged[2].results
        results = {n: old_shown[n] if old_fresh.get(n) is r else NodeResult(
                       r.data, grads.get(n), r.error, r.warning, r.pending, r.needs, r.waits_for)
                   for n, r in fresh.results.items()}
        shown = replace(fresh, results=results, backward=True)
        self._merged = (grads, fresh, shown)
        return shown

    def _graph_problem(self, evaluation: Evaluation) -> str | None:
        """Why Backward cannot start, as evaluate words it, with today's names."""
        try:
            out = self._doc.output_node()
        except GraphError as exc:
            return str(exc)
        waiting = pending_text(evaluation.results, out, self._name)
        if waiting:
            return f"cannot run backward: {waiting}"
        if out in evaluation.errors():
            return f"cannot run backward: {self._doc.display_name(out)} has a problem"
        return None

    def _name(self, node_id: str) -> str:
        return self._doc.display_name(node_id) if node_id in self._doc else node_id

    def not_run_reason(self, evaluation: Evaluation) -> str:
        """Why Backward did not run, with today's names: the output waiting for an input said
        plainly ("L waits for e, which needs its 'right' input"), else the first problem."""
        out = evaluation.output
        if out is not None:
            waiting = pending_text(evaluation.results, out, self._name)
            if waiting:
                return waiting
        return self._problem_text(evaluation, fresh_names=True) or "nothing to do"

    def _forward_pending(self, evaluation: Evaluation) -> str:
        """What an explicit Forward says about nodes still waiting for an input ("" if none)."""
        roots = [n for n, r in evaluation.results.items() if r.pending and r.waits_for == n]
        if not roots:
            return ""
        more = f" (and {len(roots) - 1} more waiting for input)" if len(roots) > 1 else ""
        return f"Forward: {pending_text(evaluation.results, roots[0], self._name)}{more}"

    def _say(self, message: str, problem: bool = False) -> None:
        """Send ``message`` to the status bar, remembering it while it names a problem."""
        self._problem = message if problem else None
        self.status.emit(message)

    def _problem_text(self, evaluation: Evaluation, fresh_names: bool = False) -> str:
        """The first problem in words (a node waiting for an input is none). ``fresh_names``:
        after a rename, say a graph-level problem (worded with the names of when it was found)
        again from the document."""
        if evaluation.problems:
            first = evaluation.problems[0]
            if fresh_names:
                first = self._graph_problem(evaluation) or first
            return first[:1].upper() + first[1:]
        errors = {n: r.error for n, r in evaluation.results.items()
                  if r.error is not None and not r.pending}  # being built is no problem
        if errors:
            n = len(errors)
            first_id, first = next(iter(errors.items()))
            name = self._doc.display_name(first_id) if first_id in self._doc else first_id
            more = f" (and {n - 1} more)" if n > 1 else ""
            return f"{name}: {first}{more}"
        return ""
