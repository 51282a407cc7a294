"""What the scene's tools need of their scene, as Protocols.

The scene (``scene.py``) builds its tools, ``WireTool`` (wiring), ``ScrubTool`` (scrub) and
``Overview`` (overview), and hands itself to them. They type that scene against these
Protocols, never against ``GraphScene``, so the imports run one way: scene -> tools ->
tool_scene -> items (and no circle even for the type checker). ``GraphScene`` has all of this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, SignalInstance
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from playground.graph.document import GraphDocument
from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.editing import Editing
from playground.ui.canvas.items import NodeItem, PortItem


class CardScene(Protocol):
    """A scene of cards: the document, its node items and where edits go."""

    doc: GraphDocument
    editor: Editing | None
    """Where gestures become edits (None: a read-only scene)."""

    @property
    def status_message(self) -> SignalInstance:
        """Refusals and changes, for the status bar: ``status_message.emit(text)``."""
        ...

    def say(self, text: str, at: QPointF | None = None) -> None:
        """A refusal: in the status bar and in a bubble at ``at`` (scene coords)."""
        ...

    def show_bubble(self, text: str, at: QPointF | None = None) -> Any:
        """``text`` in a bubble at ``at`` only (the status bar has it already)."""
        ...

    def node_item(self, node_id: str) -> NodeItem | None: ...

    @property
    def node_map(self) -> Mapping[str, NodeItem]: ...

    def selected_node_ids(self) -> list[str]: ...

    def select_nodes(self, ids: Iterable[str]) -> None: ...

    def output_id(self) -> str | None: ...

    def update(self, rect: QRectF = ..., /) -> None: ...

    def selectedItems(self) -> list[QGraphicsItem]: ...


class WiringScene(CardScene, Protocol):
    """What ``WireTool`` needs: ports and nodes under the mouse, wires, its preview item."""

    def port_near(self, pos: QPointF, want_output: bool | None = None) -> PortItem | None: ...

    def node_at(self, pos: QPointF) -> NodeItem | None: ...

    def edge_item(self, source: str, target: str, slot: int) -> EdgeItem | None: ...

    @property
    def scope(self) -> str | None:
        """The group the canvas shows (None: the top level)."""
        ...

    @property
    def overview(self) -> bool:
        """Zoomed far out: boxes and wires painted in batches (the wire items hidden)."""
        ...

    def addItem(self, item: QGraphicsItem, /) -> None: ...

    def removeItem(self, item: QGraphicsItem, /) -> None: ...


class ShownScene(CardScene, Protocol):
    """What ``ScrubTool`` and ``Overview`` need: what is shown now, and the display model."""

    display: Any
    """The display model (``playground.ui.display``), None without one."""
    evaluation: Any
    grads_stale: bool
    max_abs_grad: float

    @property
    def grad_evaluation(self) -> Any:
        """The evaluation whose grads are drawn."""
        ...

    def grad_state(self) -> str: ...

    def edge_items(self) -> list[EdgeItem]: ...

    def edge_item(self, source: str, target: str, slot: int) -> EdgeItem | None: ...

    def selected_edges(self) -> list[tuple[str, str, int]]: ...

    def setItemIndexMethod(self, method: QGraphicsScene.ItemIndexMethod, /) -> None: ...

    def sceneRect(self) -> QRectF: ...

    def setSceneRect(self, rect: QRectF, /) -> None: ...


class RefreshScene(CardScene, Protocol):
    """What ``refresh`` needs of the scene: its cards and where its views look."""

    def views(self) -> list[Any]: ...

    def sceneRect(self) -> QRectF: ...

    def items(self, rect: QRectF, /) -> list[QGraphicsItem]: ...
