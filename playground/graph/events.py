"""The document's error and event types (their own module so ``groups`` can use them)."""

from __future__ import annotations

from dataclasses import dataclass


class GraphError(ValueError):
    """An edit the document refuses; the message is meant for the user."""


@dataclass(frozen=True)
class Event:
    """What changed. ``kind`` is one of:

    node_added, node_removed, node_changed (``attr`` says which: label, value, pos, params),
    edge_added, edge_removed (``edge`` is (source, target, slot)), output_changed, reset;
    group_added, group_removed (``node`` is the group: its members moved in or out),
    group_changed (``attr``: label or pos).
    """

    kind: str
    node: str | None = None
    edge: tuple[str, str, int] | None = None
    attr: str | None = None
    more: bool = False
    """More events of the same edit follow at once (``move_many``): a listener may gather
    them and act once, at the event without it."""
