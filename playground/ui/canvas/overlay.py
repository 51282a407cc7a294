"""Teaching marks drawn over the canvas, without touching the canvas items.

``CanvasOverlay(scene)`` (``scene.teaching_overlay()``) adds a few graphics items of its own to a
``GraphScene``. The teaching tools hand it data (node ids, wire keys, words, and a colour by
name: ``COLOURS``); it paints:

- ``set_highlight(nodes, edges, edge_labels, colour, node_tags)``: a glow around nodes and
  wires (the current step, the wires its numbers flow along), small tags on those wires (shown
  only where a wire is long enough to hold one) and under nodes ("moved +0.6000");
- ``set_marks(marks, colour, node_tags)``: a second set of node glows (e.g. the grads the bug
  got wrong), with tags under them ("should be 2.0000");
- ``set_badges({node: text})``: a small pill left of a node's header (topological order
  numbers, "Δ +0.6000").

The items follow nodes as they move (the scene's ``changed`` signal), are not selectable,
take no mouse events and are not part of the document; ``render_document`` never sees them
(it builds its own scene).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

EdgeKey = tuple[str, str, int]

STEP = QColor("#10a4a4")
"""Teal: the current step (apart from the yellow of the selection and the grad colours)."""
SOURCE = QColor("#9b8ad6")
"""Lilac: where the current step's numbers come from (its consumers, or its inputs)."""
WRONG = QColor("#d62828")
INFO = QColor("#2a9d4b")
BADGE = QColor("#3f2a82")
COLOURS = {"step": STEP, "source": SOURCE, "wrong": WRONG, "info": INFO}
"""The colours a teaching tool names."""

GLOW_Z = 0.5
"""Between the wires (0) and the nodes (1): a glow shows around a node's card."""
WIRE_GLOW_Z = -0.5
TAG_Z = 4.0


class _Tag(QGraphicsItem):
    """A rounded pill with a short text, centred on its position."""

    def __init__(self, text: str, colour: QColor, font: QFont, *, filled: bool) -> None:
        super().__init__()
        self.text = text
        self.colour = QColor(colour)
        self.filled = filled
        self.font = font
        fm = QFontMetricsF(font)
        w = fm.horizontalAdvance(text) + 12
        h = fm.height() + 4
        self._rect = QRectF(-w / 2, -h / 2, w, h)
        self.setZValue(TAG_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.colour, 1.4))
        painter.setBrush(self.colour if self.filled else QColor("#ffffff"))
        r = self._rect.height() / 2
        painter.drawRoundedRect(self._rect, r, r)
        painter.setFont(self.font)
        painter.setPen(QColor("#ffffff") if self.filled else QColor("#161616"))
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


def _glow_item(z: float) -> QGraphicsPathItem:
    item = QGraphicsPathItem()
    item.setZValue(z)
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setAcceptHoverEvents(False)
    return item


class CanvasOverlay:
    """See the module docstring."""

    def __init__(self, scene) -> None:
        self.scene = scene
        self.font = QFont(scene.style.font)
        self.bold = QFont(scene.style.bold)
        self.highlight_nodes: list[str] = []
        self.highlight_edges: list[EdgeKey] = []
        self.edge_labels: dict[EdgeKey, str] = {}
        self.colour = STEP
        self.marks: dict[str, QColor] = {}
        self.node_tags: dict[str, tuple[str, QColor]] = {}
        self.badges: dict[str, str] = {}
        self._node_glows: dict[tuple[str, str], QGraphicsPathItem] = {}
        self._edge_glows: dict[EdgeKey, QGraphicsPathItem] = {}
        self._edge_tags: dict[EdgeKey, _Tag] = {}
        self._badge_items: dict[str, _Tag] = {}
        self._node_tag_items: dict[str, _Tag] = {}
        self._syncing = False
        scene.changed.connect(lambda _regions: self.sync())

    # --- public API ----------------------------------------------------------------------

    def set_highlight(
        self,
        nodes: Iterable[str] = (),
        edges: Iterable[EdgeKey] = (),
        edge_labels: Mapping[EdgeKey, str] | None = None,
        colour: str = "step",
        node_tags: Mapping[str, str] | None = None,
    ) -> None:
        self.highlight_nodes = list(nodes)
        self.highlight_edges = list(edges)
        self.edge_labels = dict(edge_labels or {})
        self.colour = QColor(COLOURS[colour])
        self.node_tags = {n: (t, self.colour) for n, t in (node_tags or {}).items()}
        self._rebuild()

    def set_marks(
        self,
        nodes: Iterable[str] = (),
        colour: str = "wrong",
        node_tags: Mapping[str, str] | None = None,
    ) -> None:
        mark = COLOURS[colour]
        self.marks = {n: QColor(mark) for n in nodes}
        self.node_tags = {n: (t, QColor(mark)) for n, t in (node_tags or {}).items()}
        self._rebuild()

    def set_badges(self, badges: Mapping[str, str]) -> None:
        self.badges = dict(badges)
        self._rebuild()

    def clear(self) -> None:
        self.highlight_nodes, self.highlight_edges, self.edge_labels = [], [], {}
        self.marks = {}
        self.node_tags = {}
        self._rebuild()

    @staticmethod
    def colour_hex(colour: str) -> str:
        """A named colour as "#rrggbb" (for words that say what a colour means)."""
        return COLOURS[colour].name()

    def items(self) -> list[QGraphicsItem]:
        """Every overlay item now in the scene (for tests)."""
        return [*self._node_glows.values(), *self._edge_glows.values(),
                *self._edge_tags.values(), *self._badge_items.values(),
                *self._node_tag_items.values()]

    def badge_text(self, node: str) -> str | None:
        item = self._badge_items.get(node)
        return None if item is None else item.text

    def node_tag(self, node: str) -> str | None:
        item = self._node_tag_items.get(node)
        return None if item is None else item.text

    def edge_label(self, key: EdgeKey) -> str | None:
        item = self._edge_tags.get(key)
        return None if item is None else item.text

    # --- items ---------------------------------------------------------------------------

    def follow_scene(self) -> None:
        """The scene was rebuilt (another level of the groups, a new graph): the marks again,
        each on the card that shows its node now (a group card for a node inside it)."""
        self._rebuild()

    def _rebuild(self) -> None:
        scene = self.scene
        for item in self.items():
            if item.scene() is scene:
                scene.removeItem(item)
        self._node_glows.clear()
        self._edge_glows.clear()
        self._edge_tags.clear()
        self._badge_items.clear()
        self._node_tag_items.clear()
        glows = [(n, "mark", c) for n, c in self.marks.items()]
        glows += [(n, "step", self.colour) for n in self.highlight_nodes]
        for n, kind, colour in glows:
            if scene.card_for(n) is None:
                continue
            item = _glow_item(GLOW_Z)
            fill = QColor(colour)
            fill.setAlpha(110 if kind == "mark" else 150)
            item.setBrush(QBrush(fill))
            item.setPen(QPen(colour, 2.5))
            scene.addItem(item)
            self._node_glows[(n, kind)] = item
        for key in self.highlight_edges:
            if scene.edge_item(*key) is None:
                continue
            item = _glow_item(WIRE_GLOW_Z)
            pen = QPen(QColor(self.colour.red(), self.colour.green(), self.colour.blue(), 170),
                       9.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            item.setPen(pen)
            scene.addItem(item)
            self._edge_glows[key] = item
            text = self.edge_labels.get(key)
            if text:
                tag = _Tag(text, self.colour, self.bold, filled=False)
                scene.addItem(tag)
                self._edge_tags[key] = tag
        for n, text in self.badges.items():
            if scene.card_for(n) is None:
                continue
            tag = _Tag(text, BADGE, self.bold, filled=True)
            scene.addItem(tag)
            self._badge_items[n] = tag
        for n, (text, colour) in self.node_tags.items():
            if scene.card_for(n) is None:
                continue
            tag = _Tag(text, colour, self.bold, filled=True)
            scene.addItem(tag)
            self._node_tag_items[n] = tag
        self.sync()

    def sync(self) -> None:
        """Put every overlay item where its node or wire is now."""
        if self._syncing:
            return
        self._syncing = True
        try:
            scene = self.scene
            for (n, kind), item in self._node_glows.items():
                node = scene.card_for(n)
                if node is None:
                    continue
                body = getattr(node, "body", node.boundingRect())
                grow = 7.0 if kind == "step" else 5.0
                rect = node.mapRectToScene(body).adjusted(-grow, -grow, grow, grow)
                path = QPainterPath()
                path.addRoundedRect(rect, 9, 9)
                if item.path() != path:
                    item.setPath(path)
            for key, item in self._edge_glows.items():
                edge = scene.edge_item(*key)
                if edge is None:
                    continue
                path = edge.path()
                if item.path() != path:
                    item.setPath(path)
                tag = self._edge_tags.get(key)
                if tag is not None:
                    # Only on wires long enough to hold it: on a short one it would hide
                    # the numbers of the nodes at both ends.
                    p1, p2 = path.pointAtPercent(0.0), path.pointAtPercent(1.0)
                    room = abs(p2.x() - p1.x()) >= tag.boundingRect().width() + 30
                    if tag.isVisible() != room:
                        tag.setVisible(room)
                    mid = path.pointAtPercent(0.5)
                    if tag.pos() != mid:
                        tag.setPos(mid)
            for n, tag in self._badge_items.items():
                node = scene.card_for(n)
                if node is None:
                    continue
                body = getattr(node, "body", node.boundingRect())
                top_left = node.mapToScene(body.topLeft())
                rect = tag.boundingRect()
                at = QPointF(top_left.x() - rect.width() / 2 + 2,
                             top_left.y() + scene.style.row_h / 2)
                if tag.pos() != at:
                    tag.setPos(at)
            for n, tag in self._node_tag_items.items():
                node = scene.card_for(n)
                if node is None:
                    continue
                body = getattr(node, "body", node.boundingRect())
                bottom = node.mapToScene(QPointF(body.center().x(), body.bottom()))
                at = QPointF(bottom.x(), bottom.y() + tag.boundingRect().height() / 2 + 9)
                if tag.pos() != at:
                    tag.setPos(at)
        finally:
            self._syncing = False
