"""``Editing``: what the canvas asks of the editor it is handed.

The canvas turns gestures into requests (add a node here, wire this port to that one, move
these cards, set this value) and never builds undo commands or touches the undo stack itself:
the window's ``playground.ui.editor.Editor`` does, behind its refusal guard. A scene made
without an editor (``render``: an image of a graph, no window) is read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

Pos = tuple[float, float]
EdgeKey = tuple[str, str, int]


class Editing(Protocol):
    last_refusal: str | None
    """Why the last edit asked for was refused (None: it went through)."""

    def add_node(
        self, kind: str, op: str | None, *, label: str = "", pos: Pos = (0.0, 0.0),
        value: Any = None, group: str | None = None,
    ) -> str | None: ...

    def delete(self, nodes: Iterable[str], edges: Iterable[EdgeKey] = ()) -> bool: ...

    def connect(self, source: str, target: str, slot: int) -> bool: ...

    def disconnect(self, target: str, slot: int) -> bool: ...

    def move_wire(self, old: EdgeKey, new: EdgeKey) -> bool: ...

    def feed_group_input(self, gid: str, old: str, new: str) -> bool: ...

    def move_nodes(self, moves: Mapping[str, tuple[Pos, Pos]]) -> bool: ...

    def set_value(self, node: str, value: Any) -> bool: ...

    def set_label(self, node: str, label: str) -> bool: ...

    def set_output(self, node: str | None) -> bool: ...

    def group(self, members: Iterable[str]) -> str | None: ...

    def ungroup(self, gid: str) -> bool: ...
