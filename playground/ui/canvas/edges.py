"""Wires: ``EdgeItem`` (one document edge) and ``WireItem`` (the preview while dragging)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from playground.graph.routing import Point, Run, bend_handle, curve_points, points
from playground.ui.canvas import style as S

EDGE_Z = 0.0
WIRE_Z = 3.0
HIT_WIDTH = 10.0
"""How wide a wire is for the mouse (its ``shape``): wider than it is drawn, easy to hover."""
_PENS: dict[str, QPen] = S.theme_cache()


def wire_path(p1: QPointF, p2: QPointF, runs: Sequence[Run] = ()) -> QPainterPath:
    """A smooth S-curve leaving ``p1`` to the right and entering ``p2`` from the left; with
    ``runs`` (routing.plan), level runs around the cards joined by S-bends."""
    x1, y1, x2, y2 = p1.x(), p1.y(), p2.x(), p2.y()
    path = QPainterPath()
    path.moveTo(x1, y1)
    if not runs:
        dx = bend_handle(x1, x2)
        path.cubicTo(x1 + dx, y1, x2 - dx, y2, x2, y2)
        return path
    for xa, xb, y in runs:
        _bend_to(path, xa, y)
        path.lineTo(xb, y)
    _bend_to(path, x2, y2)
    return path


def _bend_to(path: QPainterPath, x: float, y: float) -> None:
    here = path.currentPosition()
    if here.y() == y or x - here.x() < 1.0:
        path.lineTo(x, y)
    else:
        d = (x - here.x()) / 2
        path.cubicTo(here.x() + d, here.y(), x - d, y, x, y)


def _wire_pen(state: str) -> QPen:
    key = "wire-" + state
    pen = _PENS.get(key)
    if pen is None:
        colour, width = {
            "normal": (S.WIRE, 2.0),
            "hover": (S.WIRE.darker(150), 2.8),
            "selected": (S.WIRE_SELECTED, 4.0),
        }[state]
        pen = _PENS[key] = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


class EdgeItem(QGraphicsPathItem):
    """A wire from ``source``'s output to input ``slot`` of ``target``.

    Painted by Qt itself (no Python ``paint``), so a zoomed-out view of 20,000 wires stays
    quick. Wires are selected by the scene (``set_selected``), not by Qt's selection.
    """

    def __init__(self, source: str, target: str, slot: int) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.slot = slot
        self.hovered = False
        self.selected = False
        self._shape: QPainterPath | None = None
        self._shape_of = QPainterPath()
        self._route: tuple[Point, Point, Sequence[Run]] = ((0.0, 0.0), (0.0, 0.0), ())
        self._points: list[Point] | None = None
        self._bounds = QRectF()
        self.path_rect = QRectF()
        """``path().boundingRect()``: the curve itself, kept (``path()`` hands out a copy)."""
        self.end_items: tuple[Any, Any] | None = None
        """The two cards it joins (set by the scene): their ports light up with the wire."""
        self.from_id, self.to_id, self.to_slot, self.from_port = source, target, slot, 0
        self.also: list[tuple[str, str, int]] = []
        """The other document wires it stands for (one source into one group: drawn once)."""
        """The cards and ports it is drawn between: the document's ends, or the group cards
        standing for them when the canvas shows another level (``scope.py``)."""
        self.around: frozenset[str] = frozenset()
        """The cards its route went around (it is routed again when one of them moves)."""
        self.setAcceptHoverEvents(True)
        self.setPen(_PENS.get("wire-normal") or _wire_pen("normal"))
        self.setZValue(EDGE_Z)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.source, self.target, self.slot)

    def set_ends(self, p1: QPointF, p2: QPointF, runs: Sequence[Run] = ()) -> None:
        self._shape = None
        path = wire_path(p1, p2, runs)
        self.prepareGeometryChange()  # Qt notes where it was before the bounds change
        m = HIT_WIDTH  # half the width, and as much again for a mitred corner of the shape
        self._bounds = path.controlPointRect().adjusted(-m, -m, m, m)
        self.path_rect = path.boundingRect()
        self.setPath(path)

    def boundingRect(self) -> QRectF:
        # The path's hull grown by the hit width holds the shape and the drawn wire (pens
        # up to HIT_WIDTH wide). Qt's own rect is the shape's: it stroked every new path in
        # Python (``shape``), a third of the cost of routing a wire, most of opening's wires.
        return self._bounds

    def ends(self) -> tuple[QPointF, QPointF]:
        path = self.path()
        return path.pointAtPercent(0.0), path.pointAtPercent(1.0)

    def set_route(self, p1: Point, p2: Point, runs: Sequence[Run],
                  points: list[Point] | None = None) -> None:
        """Where the router put it (``points``: its polyline, if already sampled)."""
        self._route = (p1, p2, runs)
        self._points = points

    @property
    def points(self) -> list[Point]:
        """The wire as a polyline, for hit tests against cards (sampled when first asked)."""
        if self._points is None:
            p1, p2, runs = self._route
            self._points = points(p1, p2, runs) if runs else curve_points(p1, p2)
        return self._points

    @property
    def start(self) -> Point:
        """Where the router starts it (the source's output port, scene coords)."""
        return self._route[0]

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self._restyle()

    def _restyle(self) -> None:
        state = "selected" if self.selected else ("hover" if self.hovered else "normal")
        self.setPen(_wire_pen(state))
        self._light(None if state == "normal" else state)

    def _light(self, state: str | None) -> None:
        """Light (or put out) the output port it leaves and the input port it enters."""
        if self.end_items is not None:
            source, target = self.end_items
            source.light_port(source.output_key(self.from_port), self.key, state)
            target.light_port(self.to_slot, self.key, state)

    def unlight(self) -> None:
        """The wire is going: its ports stop being lit."""
        self._light(None)

    def shape(self) -> QPainterPath:
        # Made when the mouse first asks (hover, a click), and kept with the path it was
        # made for: a shape cached must not outlive its path.
        path = self.path()
        if self._shape is None or self._shape_of != path:
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            self._shape = stroker.createStroke(path)
            self._shape_of = path
        return self._shape

    def hoverEnterEvent(self, event: Any) -> None:
        self.hovered = True
        self._restyle()

    def hoverLeaveEvent(self, event: Any) -> None:
        self.hovered = False
        self._restyle()


class WireItem(QGraphicsPathItem):
    """The live preview while dragging a new wire (dashed; green/red over a valid/refused port)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(WIRE_Z)
        self.state: str | None = None
        self.set_state(None)

    def set_state(self, state: str | None) -> None:
        self.state = state
        colour = {"ok": S.WIRE_OK, "bad": S.WIRE_BAD}.get(state or "", S.WIRE.darker(130))
        pen = QPen(colour, 2.2, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def set_ends(self, p1: QPointF, p2: QPointF) -> None:
        self.setPath(wire_path(p1, p2))
