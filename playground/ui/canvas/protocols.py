"""What the card's painting helpers need of a card, as a Protocol.

``slot_names`` and ``scrub_look`` paint parts of a ``NodeItem`` (its slot names, the scrub
hint) and are imported by the card's painting; typing them against this Protocol instead of
``items.NodeItem`` keeps the imports one way (items -> painting helpers -> protocols), with no
circle even for the type checker. What the tools need of their scene is ``tool_scene.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

from playground.ui.canvas.style import CanvasStyle


class CardPort(Protocol):
    """A port as the painting helpers see it (``items.PortItem``)."""

    @property
    def slot(self) -> int | None: ...

    @property
    def highlight(self) -> str | None: ...

    def pos(self) -> QPointF: ...


class PaintedCard(Protocol):
    """A card as the painting helpers see it (``items.NodeItem``)."""

    style: CanvasStyle
    hovered: bool
    scrubbing: bool
    """Its data number is being dragged (``scrub.py``)."""
    scrub_hover: bool
    """The mouse is over that number."""
    show_slot_names: bool
    shown_slot_names: tuple[str, ...]
    connected: set[int]

    @property
    def input_ports(self) -> Sequence[CardPort]: ...

    def port(self, slot: int | None) -> CardPort: ...

    def scrub_zone(self) -> QRectF: ...
