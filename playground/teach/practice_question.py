"""A question of practice (``teach.practice``): one node whose grad the learner types, and how
far a right answer may be from it. Headless: no Qt."""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.teach.steps import Contribution

__all__ = ["TOLERANCE", "Question"]

TOLERANCE = 0.5e-4
"""Right to 4 decimals: within half a unit of the 4th decimal of the grad, widened by what the
rounding of the numbers the canvas shows can move a chain worked from them
(``Question.tolerance``): 0.4200 · 2 = 0.8400 is right for a grad of 0.83995."""


@dataclass(frozen=True)
class Question:
    """One node whose grad the learner types."""

    node: str
    name: str
    """The node as the canvas names it."""
    prompt: str
    """``dL/da``."""
    expected: float
    output: bool
    """The output itself (its grad is 1: where backward starts)."""
    contributions: tuple[Contribution, ...]
    """The wires its grad flows back along, with the numbers (``backward_steps``'s; at a level
    with groups, ``practice_levels``': through a group card as one, with ``parts``)."""
    card: str | None = None
    """The group card asked for this node (its output) at this level; None: its own card."""
    outside: tuple[Contribution, ...] = ()
    """Inside a group, for one of its outputs: what flows back from outside the group."""
    scope: str | None = None
    """The level it is asked at (None: the top)."""

    @property
    def grouped(self) -> bool:
        """Its chain rule goes through a group (or comes from outside the one on show)."""
        return self.card is not None or bool(self.outside) or any(
            c.through_group for c in self.contributions)

    @property
    def tolerance(self) -> float:
        """How far a right answer may be from the grad: half a unit of the 4th decimal, plus
        what the upstream grads and local derivatives, each rounded to 4 decimals on the
        canvas, can move their products (|u·l − u'·l'| <= (|u| + |l|)·0.5e-4, to first
        order). A number the hint gives already rounded (what comes from outside the group,
        or from a group's own inside) adds one unit."""
        spread = 0.0
        for c in self.contributions:
            if c.through_group:
                spread += sum(abs(p.upstream) + abs(p.local) for p in c.parts
                              if _finite(p.upstream) and _finite(p.local))
                spread += 0.0 if c.parts else 1.0
            elif _finite(c.upstream) and _finite(c.local or 0.0):
                spread += abs(c.upstream) + abs(c.local or 0.0)
        spread += len(self.outside)
        return TOLERANCE * (1.0 + spread)



def _finite(x: float) -> bool:
    return isinstance(x, float | int) and math.isfinite(x)
