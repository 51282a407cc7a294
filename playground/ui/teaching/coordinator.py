"""``Teaching``: the teaching tools in the main window (one per window).

It owns the Learn dock and the canvas overlay's teaching marks. What the canvas shows belongs
to the display model (``window.display``): while a tool runs it shows that tool's own numbers
(a step-through shows only the grads found so far; the bug switch shows the wrong grads; a
wiggle shows the nudged values), on the canvas, in the inspector and in the state label alike,
so a step-through's not-yet-reached grads read "—" in both places, never the final grad in one.
Only one tool shows its numbers at a time. Any real change (an edit, Forward, Backward) ends
it: the display model tells the tool ``interrupted()`` and the document's numbers come back.

Teaching reaches the canvas only through the display model and the scene's overlay (data:
which nodes and wires to mark, in which of the overlay's colours).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject

from playground.graph.evaluate import Evaluation
from playground.ui.display import Shown, Tool


class Teaching(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self.scene = window.scene
        self.display = window.display
        self.overlay = window.scene.teaching_overlay()
        self.topo_on = False
        self.keeping_card = False
        """True while a teaching tool itself replaces the graph (the lesson card stays)."""
        self._marks_of: Tool | None = None  # the tool whose marks the overlay shows
        window.display.changed.connect(self._on_changed)

    @property
    def owner(self) -> Tool | None:
        """The tool that shows its numbers now (the display model's owner)."""
        return self.display.owner

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
        ``state``: the status bar's state words (default: as for the document's numbers)."""
        self.display.show(evaluation, owner, notes, state)

    def restore(self, owner: Tool | None = None) -> None:
        """Back to the document's numbers (only if ``owner`` still has the canvas)."""
        if owner is not None and self.display.owner is not owner:
            return
        self.display.restore(owner)
        self.overlay.clear()
        self.refresh_topo()

    def _on_changed(self, shown: Shown) -> None:
        owner = self.display.owner
        if owner is not self._marks_of:
            # another tool, or none: the marks belonged to the one before
            self._marks_of = owner
            self.overlay.clear()
        if shown.cause == "evaluated":
            self.refresh_topo()

    # --- topological order ----------------------------------------------------------------

    def set_topo(self, on: bool) -> None:
        self.topo_on = bool(on)
        self.refresh_topo()
        ev = self.display.evaluation
        n = len(ev.order) if ev is not None else 0
        if on and n:
            self.window.show_status(
                f"Topological order: 1 to {n}. Every node comes after its inputs; forward "
                f"runs 1 → {n}, backward {n} → 1."
            )

    def refresh_topo(self) -> None:
        ev = self.display.evaluation
        if not self.topo_on or ev is None:
            self.overlay.set_badges({})
            return
        self.overlay.set_badges({n: str(i + 1) for i, n in enumerate(ev.order)})
