"""``Teaching``: the teaching tools in the main window (one per window).

It owns the canvas overlay and the Learn dock, and decides what the canvas shows: the
controller's evaluation, or, while a tool runs, that tool's own (a step-through shows only the
grads found so far; the bug switch shows the wrong grads; a wiggle shows the nudged values).
The inspector always shows the same numbers as the canvas (``_display`` feeds both), so a
step-through's not-yet-reached grads read "—" in both places, never the final grad in one.
Only one tool shows its evaluation at a time. Any real change (an edit, Forward, Backward)
ends it: the tool is told ``interrupted()`` and the controller's evaluation comes back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from PySide6.QtCore import QObject

from playground.graph.evaluate import Evaluation
from playground.ui.teaching.overlay import CanvasOverlay


class Tool(Protocol):
    def interrupted(self) -> None: ...


class Teaching(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.scene = window.scene
        self.controller = window.controller
        self.overlay = CanvasOverlay(window.scene)
        self.owner: Tool | None = None
        self.topo_on = False
        self.keeping_card = False
        """True while a teaching tool itself replaces the graph (the lesson card stays)."""
        self._showing = False
        window.controller.evaluated.connect(self._on_evaluated)

    @contextmanager
    def keep_card(self) -> Iterator[None]:
        """Replace the graph as part of the current lesson (the card stays up)."""
        self.keeping_card = True
        try:
            yield
        finally:
            self.keeping_card = False

    # --- what the canvas shows ----------------------------------------------------------

    def show_evaluation(
        self, evaluation: Evaluation, owner: Tool, notes: Mapping[str, str] | None = None,
        state: str | None = None,
    ) -> None:
        """Let ``owner`` show its own numbers on the canvas and in the inspector (ends any
        other tool's). ``notes``: node id -> a few words on its grad, for the inspector;
        ``state``: the status bar's state words (default: as for the controller's numbers)."""
        if self.owner is not None and self.owner is not owner:
            previous, self.owner = self.owner, None
            previous.interrupted()
            self.overlay.clear()
        self.owner = owner
        self._showing = True
        try:
            self._display(evaluation, False, notes, state)
        finally:
            self._showing = False

    def restore(self, owner: Tool | None = None) -> None:
        """Back to the controller's numbers (only if ``owner`` still has the canvas)."""
        if owner is not None and self.owner is not owner:
            return
        self.owner = None
        self.overlay.clear()
        c = self.controller
        self._display(c.evaluation, c.grads_stale)
        self.refresh_topo()

    def _display(
        self, evaluation: Any, stale: bool, notes: Mapping[str, str] | None = None,
        state: str | None = None,
    ) -> None:
        """The one place the canvas, the inspector and the status bar's state label get a
        tool's numbers: they agree."""
        self.scene.set_evaluation(evaluation, stale)
        show_state = getattr(self.window, "show_state", None)
        if show_state is not None:
            show_state(evaluation, stale, state)
        inspector = getattr(self.window, "inspector", None)
        if inspector is not None:
            inspector.set_evaluation(evaluation, stale, notes)

    def _on_evaluated(self, _evaluation: Any, _stale: bool) -> None:
        if self.owner is not None:
            owner, self.owner = self.owner, None
            self.overlay.clear()
            owner.interrupted()
        self.refresh_topo()

    # --- topological order ----------------------------------------------------------------

    def set_topo(self, on: bool) -> None:
        self.topo_on = bool(on)
        self.refresh_topo()
        ev = self.controller.evaluation
        n = len(ev.order) if ev is not None else 0
        if on and n:
            self.window.show_status(
                f"Topological order: 1 to {n}. Every node comes after its inputs; forward "
                f"runs 1 → {n}, backward {n} → 1."
            )

    def refresh_topo(self) -> None:
        ev = self.controller.evaluation
        if not self.topo_on or ev is None:
            self.overlay.set_badges({})
            return
        self.overlay.set_badges({n: str(i + 1) for i, n in enumerate(ev.order)})
