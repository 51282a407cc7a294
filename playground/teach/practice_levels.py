"""Which grads practice asks at one level of the groups, and where the others are.

The canvas shows one level at a time (``graph.groups``): the top, or the inside of a group.
Practice asks only for what that level shows (``level_items``), in the level's backward order
(``group_steps``'s, so a consumer is asked before what it consumes):

- a node directly in the level is asked as itself; its grad's chain rule reads what it feeds
  *here*: a consumer hidden in a group card is "via the group", whose local derivative is
  computed by its inside (``Contribution.parts``, as the step-through words it);
- a group card is asked as its output(s): the card shows its first output's data and grad,
  so the question is d(output)/d(that output node) (one question per output the loss depends
  on; the Inspector lists every output). Its hidden inside is not asked at this level;
- inside a group, its outside inputs (the dimmed "from outside" cards) are not asked: their
  grads sum what they feed at their own level too, which the inside cannot show; they are
  asked where they sit. An output of the group is asked inside as well (the same node, the
  same grad as its card above): what it feeds outside the group is given (``outside``).

A node answered at one level counts at every level (questions are keyed by the flat node):
answering the card's output above answers that node inside, and the other way round.
Headless: no Qt.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation
from playground.teach.group_steps import _Level
from playground.teach.steps import Contribution, TeachError


@dataclass(frozen=True)
class LevelItem:
    """One grad asked at a level."""

    node: str
    card: str | None
    """The group card standing for ``node`` here (None: the node's own card)."""
    here: tuple[Contribution, ...]
    """What flows back to ``node`` from what it feeds at this level (a group card's share
    merged into one contribution, with the group's local derivatives as ``parts``)."""
    outside: tuple[Contribution, ...]
    """Inside a group: what flows back to one of its outputs from outside the group."""


def level_items(doc: GraphDocument, ev: Evaluation, scope: str | None,
                asked: Collection[str]) -> list[LevelItem]:
    """The grads asked at ``scope`` (None: the top), in backward order. ``asked``: the nodes
    practice asks at all (not the constants of an expression). Raises ``TeachError`` (in
    words) when the level cannot be ordered (a grouping that makes a loop there)."""
    if scope is not None and not doc.is_group(scope):
        raise TeachError(f"there is no group {scope!r}")
    level = _Level(doc, ev, scope)
    out = ev.output
    items: list[LevelItem] = []
    for item in level.order():
        if doc.is_group(item):
            outputs = [o for o in level.ports(item).outputs if o in level.upstream and o in asked]
            # an output used inside to compute another waits for that other's grad: latest first
            outputs.sort(key=level.position.__getitem__, reverse=True)
            nodes = [(o, item) for o in outputs]
        else:
            nodes = [(item, None)] if item in asked else []
        for n, card in nodes:
            if n == out:
                items.append(LevelItem(n, card, (), ()))
                continue
            here, outside = level.contributions(n)
            items.append(LevelItem(n, card, tuple(here), tuple(outside)))
    return items


def elsewhere(doc: GraphDocument, scope: str | None,
              waiting: Collection[str]) -> tuple[int, dict[str, int]]:
    """Where the ``waiting`` nodes (not answered yet) are seen from ``scope``: how many sit
    outside it (above), and how many inside each group card on it."""
    above = 0
    inside: dict[str, int] = {}
    for n in waiting:
        rep = doc.representative(n, scope) if n in doc else None
        if rep is None:
            above += 1
        elif rep != n:
            inside[rep] = inside.get(rep, 0) + 1
    return above, inside
