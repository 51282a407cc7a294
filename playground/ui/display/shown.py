"""``Shown``: an immutable snapshot of what the screen shows (the display model's signal).

``evaluation`` gives the data (and its own grads, when it is a Backward's or a tool's with
grads); ``grads`` is the evaluation whose grads the canvas and the inspector draw: a
Backward's, kept (greyed, ``grads_stale``) through later forward-only evaluations, which hold
no grads themselves, until a forward-only evaluation with fresh grads clears them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Shown:
    evaluation: Any = None
    """The ``Evaluation`` on show (None before the first one)."""
    grads_stale: bool = False
    grads: Any = None
    """The evaluation whose grads are drawn (None: "—", press Backward)."""
    owner: str = "none"
    """Who owns the canvas: the document's numbers ("none"), or a tool showing its own (its
    ``display_kind``: "step-through", "bug demo", "wiggle")."""
    notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """node id -> a few words on its grad (a tool's: "not reached yet"), for the inspector."""
    state: str | None = None
    """The status bar's state words (None: as for the document's numbers)."""
    preview: bool = False
    """A scrub or another what-if: the document does not hold these numbers."""
    cause: str = "start"
    """"evaluated" (the document's numbers were just computed), "show" (a tool), "preview",
    "restore" (back from a tool or a preview)."""

    def grad_state(self) -> str:
        """"fresh", "stale" or "none" for the picture as a whole (the legend uses it)."""
        if self.grads is None:
            return "none"
        return "stale" if self.grads_stale else "fresh"


def grads_after(previous: Any, evaluation: Any, grads_stale: bool) -> Any:
    """Whose grads to draw once ``evaluation`` is shown: its own after a Backward; a forward
    evaluation keeps the ``previous`` grads while they are stale and clears them when not."""
    if evaluation is None:
        return None
    if getattr(evaluation, "backward", False):
        return evaluation
    return previous if grads_stale else None


def shown_of(evaluation: Any, grads_stale: bool = False, previous_grads: Any = None,
             **kw: Any) -> Shown:
    notes = kw.pop("notes", None)
    return Shown(evaluation, bool(grads_stale), grads_after(previous_grads, evaluation,
                                                            grads_stale),
                 notes=MappingProxyType(dict(notes or {})), **kw)
