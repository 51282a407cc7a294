"""``DisplayModel``: the one owner of what the screen shows.

It holds the document's current evaluation, the last Backward's evaluation (and a
``NumbersSince`` marked there, which tells when the numbers are back at it), whether grads are
stale, a preview (a scrubbed value), and which tool owns the canvas (a step-through, the bug
demo, a wiggle; the gradient check shows the document's own numbers). Everything that
shows numbers (the canvas, the inspector, the status bar's state label, the teaching tools)
follows its one ``changed(Shown)`` signal; ``message(text, resolved)`` carries the status
bar's words. Nothing else evaluates the graph for display.

The document's numbers. After every change that can alter a number (values, wires, nodes, the
output mark) it re-runs forward when auto-forward is on, recomputing only what lies downstream
of the change (``evaluator.py``); Backward computes grads; grads shown after a Backward turn
*stale* once the graph changes (the view greys them) until Backward runs again, or the
document comes back to that Backward's numbers (an edit undone). Moving or renaming a node
changes no number, so it neither re-evaluates nor makes grads stale. While grads are stale the
evaluation on show is the plain forward one, and the stale grads are the Backward's own
evaluation (``Shown.grads``, the same object edit after edit): nothing copies the grads over
onto each new forward (that merge cost 1.5-3 µs a node, 10-20 ms an edit at 10,000 nodes).
``with_grads()`` gives that merge when it is wanted (an export). The evaluations after an edit
or in a preview hand the results of the nodes it did not reach over as the same objects, so
the canvas repaints only the changed cards. Changes
are coalesced: document events only mark the model dirty; it evaluates once when the undo stack
reports a finished command (or on the next event-loop turn for changes made outside the stack),
so deleting 50 nodes evaluates once, not 50 times.

Messages. A node whose inputs are not all connected yet is being built, not wrong: the
evaluations that follow edits keep quiet about it; Forward says it ("Forward: e needs its
'right' input") and Backward says it when the output waits for it. A message about a graph
problem is said again after every evaluation while the problem lasts; once an evaluation finds
no problem, ``message(text, resolved=True)`` hands that text back, so the window takes it off
the status bar instead of leaving it there, stale. (The words: ``wording.py``.)

Tools. ``show(evaluation, owner, ...)`` lets a tool show its own numbers (a step-through's
grads found so far); the canvas and the inspector then agree on them. One tool at a time: a
second one's ``show`` ends the first (``owner.interrupted()``), and so does any evaluation of the
document (an edit, Forward, Backward). ``restore(owner)`` gives the document's numbers back.

Previews. ``preview({node: value})`` shows the numbers the document would have with those
values (grads stale: they belong to the old values), until ``end_preview()``; whatever is
shown meanwhile (a tool, an evaluation) becomes what ``end_preview`` comes back to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from playground.graph.document import Event, GraphDocument
from playground.graph.evaluate import Evaluation, NodeResult
from playground.graph.incremental import NumbersSince
from playground.ui.display import wording as W
from playground.ui.display.evaluator import evaluate_copy, evaluate_nudged, make_evaluator
from playground.ui.display.shown import Shown, grads_after, shown_of

NOT_RUN = W.NOT_RUN
#: Events that cannot change any number.
_COSMETIC = {("node_changed", "pos"), ("node_changed", "label")}
GROUP_EVENTS = ("group_added", "group_removed", "group_changed")
"""Grouping changes what the canvas shows, never a number (``graph.groups``)."""


class Tool(Protocol):
    display_kind: str
    """Its name as an owner of the canvas ("step-through", "bug demo", ...)."""

    def interrupted(self) -> None: ...


class DisplayModel(QObject):
    changed = Signal(object)
    """A ``Shown``: what the screen shows now."""
    message = Signal(str, bool)
    """(text, resolved): a line for the status bar; resolved=True: the problem ``text`` said
    earlier is gone (take it off the status bar if it is still there)."""

    def __init__(
        self, doc: GraphDocument, undo_stack: QUndoStack, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._doc = doc
        self._evaluator = make_evaluator(doc)
        self.auto_forward = True
        self.evaluation: Evaluation | None = None
        """The document's numbers as shown: a Backward's evaluation, or a forward one (whose
        results have no grads: stale grads are ``self.shown.grads``'s; see ``with_grads``)."""
        self.grads_stale = False
        self._grads: dict[str, object] | None = None  # node id -> grad of the last Backward
        self._carried: Evaluation | None = None  # and the evaluation holding those grads
        # Whether the numbers are back at the last Backward's (kept from the events, in
        # O(what changed): doc.numbers_key() took 38 ms per edit at 10,000 nodes).
        self._since = NumbersSince(doc)
        self._merged: tuple[object, Evaluation, Evaluation] | None = None  # see _merge
        self._grads_eval: Evaluation | None = None  # and the Backward's whole evaluation
        self._dirty = False
        self._problem: str | None = None  # the last problem message sent, while it lasts
        self._under = Shown()  # what is shown when no preview is (the document's or a tool's)
        self._shown = self._under
        self._owner: Tool | None = None
        self._preview: dict[str, Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)
        self._unsubscribe = doc.subscribe(self._on_event)
        undo_stack.indexChanged.connect(self._index_changed)

    # --- what is shown ---------------------------------------------------------------------

    @property
    def shown(self) -> Shown:
        return self._shown

    @property
    def owner(self) -> Tool | None:
        """The tool that shows its own numbers now (None: the document's numbers)."""
        return self._owner

    @property
    def previewing(self) -> bool:
        return self._preview is not None

    def show(
        self, evaluation: Evaluation, owner: Tool, notes: Mapping[str, str] | None = None,
        state: str | None = None,
    ) -> None:
        """Let ``owner`` show its own numbers (ends any other tool's). ``notes``: node id -> a
        few words on its grad, for the inspector; ``state``: the status bar's state words
        (default: as for the document's numbers)."""
        previous = self._owner
        if previous is not None and previous is not owner:
            self._owner = None
            previous.interrupted()
        self._owner = owner
        self._put(shown_of(evaluation, False, self._under.grads, notes=notes, state=state,
                           owner=getattr(owner, "display_kind", "tool"), cause="show"))

    def restore(self, owner: Tool | None = None) -> None:
        """Back to the document's numbers (only if ``owner``, when given, still owns them)."""
        if owner is not None and self._owner is not owner:
            return
        self._owner = None
        self._put(self._document_shown(self.evaluation, self.grads_stale, "restore"))

    def preview(self, values: Mapping[str, Any]) -> Evaluation:
        """Show the numbers the document would have with ``values`` (node id -> value); the
        document is untouched. Returns that forward evaluation."""
        self._preview = dict(values)
        return self._show_preview()

    def end_preview(self) -> None:
        """The what-if is over: back to what was shown under it."""
        if self._preview is None:
            return
        self._preview = None
        self._emit(replace(self._under, cause="restore"))

    # --- numbers for tools (not shown) ----------------------------------------------------

    def evaluate_copy(self, values: Mapping[str, Any] | None = None,
                      backward: bool = False) -> Evaluation:
        """The document's numbers (with ``values`` replaced, if given), not shown: a tool's raw
        material. Without values or backward it is the evaluator's own forward evaluation,
        shared: read it, never change it."""
        if not values and not backward:  # the evaluator's own, kept up to date incrementally
            return self._evaluator.forward()
        return evaluate_copy(self._doc, values, backward)

    def evaluate_nudged(self, node: str, dx: float) -> Evaluation:
        """Numbers and grads with ``node``'s output moved by ``dx`` (any node, an op too: its
        downstream moves, its inputs stay), not shown: the Wiggle tab's what-if."""
        return evaluate_nudged(self._doc, node, dx, backward=True)

    def with_grads(self) -> Evaluation | None:
        """``evaluation`` with the grads on show in its results (the last Backward's, stale,
        carried over onto a forward evaluation): the numbers an export writes, as the canvas
        draws them. Computed when asked (it builds a result per node), not on every edit."""
        ev = self.evaluation
        if ev is None or ev.backward or self._grads is None or not self.grads_stale:
            return ev
        return self._merge(ev, self._grads)

    def backward_evaluation(self) -> Evaluation:
        """The document's numbers and grads now (computed, not shown)."""
        return self.evaluate_copy(backward=True)

    # --- the document -----------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        self._evaluator.note(event)
        self._since.note(event)
        if (event.kind, event.attr) in _COSMETIC or event.kind in GROUP_EVENTS:
            if event.attr == "label" and self._problem is not None and self.evaluation:
                # the problem message names nodes: say it again with the new name
                ev, doc = self.evaluation, self._doc
                if self._problem.startswith(NOT_RUN):
                    text = NOT_RUN + W.not_run_reason(doc, ev)
                else:
                    text = (W.problem_text(doc, ev, fresh_names=True)
                            or W.forward_pending(doc, ev))
                if text:
                    self._say(text, problem=True)
            return
        if self._grads is not None:
            self.grads_stale = True
        self._dirty = True
        self._timer.start()

    def _index_changed(self, _index: int) -> None:
        self.flush()

    def flush(self) -> None:
        """Evaluate now if the document changed since the last evaluation."""
        if not self._dirty:
            return
        self._dirty = False
        self._timer.stop()
        if self.auto_forward:
            self._publish(self._evaluator.forward(), quiet=True)
        else:
            if self.evaluation is not None:
                self._show_document(self.evaluation, self.grads_stale or self._grads is not None)
            self._say("The graph changed: press Forward (F5) to recompute")

    # --- actions ------------------------------------------------------------------------------

    def forward(self) -> Evaluation:
        self._dirty = False
        self._timer.stop()
        return self._publish(self._evaluator.forward(), quiet=False)

    def backward(self) -> Evaluation:
        self._dirty = False
        self._timer.stop()
        evaluation = self._evaluator.backward()
        if evaluation.backward:
            self._grads = {n: r.grad for n, r in evaluation.results.items()}
            self._carried = evaluation
            self._since.mark()
            self._grads_eval = evaluation
            self.grads_stale = False
            self.evaluation = evaluation
            self._show_document(evaluation, self.grads_stale)
            problem = W.problem_text(self._doc, evaluation)
            self._say(problem or W.backward_done(self._doc, evaluation), problem=bool(problem))
        else:
            # Refused: the last Backward's grads stay on show, grey, on the canvas and in
            # the inspector alike (as after any edit), not on the canvas alone.
            self._publish(evaluation, quiet=True)
            self._say(NOT_RUN + self.not_run_reason(evaluation), problem=True)
        return evaluation

    def zero_grad(self) -> None:
        """Every grad becomes 0 (as micrograd's zero_grad), until the next Backward."""
        self.flush()
        base = self.evaluation or self._evaluator.forward()
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
        self.evaluation = self._carried = replace(base, results=results, backward=True,
                                                  contributions={})
        self._show_document(self.evaluation, False)
        self._say("All grads set to 0")

    def set_auto_forward(self, on: bool) -> None:
        self.auto_forward = on
        if on:
            self._dirty = True
            self.flush()

    def reset(self) -> None:
        """Forget grads (a new or freshly loaded document)."""
        self._grads = self._carried = None
        self._since.forget()
        self._grads_eval = None
        self._merged = None  # nothing of the old graph's evaluations stays alive
        self.grads_stale = False
        self._dirty = False
        self._timer.stop()
        self._publish(self._evaluator.forward(), quiet=True)

    def not_run_reason(self, evaluation: Evaluation) -> str:
        """Why Backward did not run, with today's names."""
        return W.not_run_reason(self._doc, evaluation)

    def state_words(self, shown: Shown) -> str:
        """The status bar's state label for ``shown``."""
        if shown.state is not None:
            return shown.state
        return W.state_words(self._doc, shown.evaluation, shown.grads_stale)

    # --- helpers ------------------------------------------------------------------------------

    def _publish(self, fresh: Evaluation, quiet: bool) -> Evaluation:
        """Show a forward evaluation with the last Backward's grads: stale (drawn from that
        Backward's evaluation, ``Shown.grads``), unless the document is back where that
        Backward ran (an edit undone, a value scrubbed and returned), when they are exactly
        right again and that Backward's evaluation is shown."""
        back = self._grads_eval
        was_stale = self.grads_stale
        if was_stale and back is not None:
            self.grads_stale = not self._since.same()
        shown = fresh
        if back is not None and not self.grads_stale:
            if was_stale:
                # Back at that Backward's numbers: run it once more, so its warnings name
                # nodes as they are called now (per-wire contributions included).
                back = self._grads_eval = self._carried = self._evaluator.backward()
            shown = back
        elif self._grads is not None and not self.grads_stale:
            shown = self._merge(fresh, self._grads)  # zeroed grads, fresh: Forward kept them
        self.evaluation = shown
        self._show_document(shown, self.grads_stale)
        doc = self._doc
        text = W.problem_text(doc, fresh)
        if not text and not quiet:  # after an edit, a node still being built is no news
            text = W.forward_pending(doc, fresh)
        if text:
            self._say(text, problem=True)
        elif not quiet:
            self._say("Forward: every node's data is up to date")
        elif self._problem is not None:
            old, self._problem = self._problem, None
            self.message.emit(old, True)
        return shown

    def _show_document(self, evaluation: Evaluation, grads_stale: bool) -> None:
        """The document's numbers were just computed: show them (a tool's show ends: it is
        told first, so that what follows the new numbers, e.g. a panel refilling after an
        edit, finds the tool already stopped)."""
        owner, self._owner = self._owner, None
        if owner is not None:
            owner.interrupted()
        self._put(self._document_shown(evaluation, grads_stale, "evaluated"))

    def _document_shown(self, evaluation: Evaluation | None, grads_stale: bool,
                        cause: str) -> Shown:
        """The document's ``evaluation`` on show: its own grads after a Backward; else the
        last Backward's (or zeroed) grads while stale, none when not."""
        grads = self._carried if grads_stale and self._grads is not None else None
        return shown_of(evaluation, grads_stale, grads, cause=cause)

    def _put(self, under: Shown) -> None:
        self._under = under
        if self._preview is not None:
            self._show_preview()
        else:
            self._emit(under)

    def _show_preview(self) -> Evaluation:
        under = self._under
        fresh = self._evaluator.preview(self._preview or {})
        # the grads shown under the preview stay on show, grey, as after any edit
        self._emit(Shown(fresh, True, grads_after(under.grads, fresh, True),
                         owner=under.owner, preview=True, cause="preview"))
        return fresh

    def _merge(self, fresh: Evaluation, grads: Mapping[str, Any]) -> Evaluation:
        """``fresh`` (a forward evaluation) with ``grads`` (node id -> grad). The results the
        last merge made from the same forward result with the same grads are taken as they
        are (the evaluator hands the results an edit did not reach over unchanged), so a
        second merge after an edit builds only its downstream's results, and the canvas,
        which diffs results by identity, repaints only the changed cards."""
        old_fresh: Mapping[str, Any] = {}
        old_shown: Mapping[str, Any] = {}
        if self._merged is not None and self._merged[0] is grads:
            old_fresh, old_shown = self._merged[1].results, self._merged[2].results
        get = old_fresh.get
        results = {n: old_shown[n] if get(n) is r else NodeResult(
                       r.data, grads.get(n), r.error, r.warning, r.pending, r.needs, r.waits_for)
                   for n, r in fresh.results.items()}
        shown = replace(fresh, results=results, backward=True)
        self._merged = (grads, fresh, shown)
        return shown

    def _emit(self, shown: Shown) -> None:
        self._shown = shown
        self.changed.emit(shown)

    def _say(self, message: str, problem: bool = False) -> None:
        """Send ``message`` to the status bar, remembering it while it names a problem."""
        self._problem = message if problem else None
        self.message.emit(message, False)
