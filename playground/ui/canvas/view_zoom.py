"""The canvas's zoom and fit: wheel zoom about the cursor, Ctrl +/-, fitting the graph when it
opens (readably: ``SMALLEST_FIT``, ``READABLE_ZOOM``), when a group opens, or on F; and
keeping a node in view. ``ZoomAndFit`` is mixed into ``GraphView`` (which makes
``graph_scene``, ``legend``, ``breadcrumb``, ``minimap``, ``zoom_steps``, ``frame`` and
``fit_mode``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from playground.ui.canvas.card_lod import TEXT_ZOOM

MIN_ZOOM = 0.03
MAX_ZOOM = 4.0
FIT_MAX_ZOOM = 1.25
SMALLEST_FIT = 0.8
"""An automatic fit shows the whole graph down to this zoom (numbers still read)..."""
READABLE_ZOOM = 0.8
"""... and below it shows part of the graph at this zoom."""
GROUP_SMALLEST_FIT = 0.65
"""An opened group is shown whole down to this zoom: its inside is a handful of cards and
its outside inputs are what they read, worth more than the last 15% of type size (the
lecture's tanh-from-exp group at 1280 x 800 reads whole at 74%, cut off at 80%)."""


class ZoomAndFit:
    """Mixed into ``GraphView`` (see the module docstring)."""

    graph_scene: Any
    legend: Any
    breadcrumb: Any
    minimap: Any
    zoom_steps: Any
    frame: Any
    fit_mode: str | None

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        current = self.zoom()
        if current > 0:
            self.scale(factor / current, factor / current)
        self._zoom_changed()
        self._schedule_cover_check()

    def _zoom_changed(self) -> None:
        # Wherever a card paints itself it is cached in a pixmap: drawing one afresh at a new
        # zoom costs ~1.4x a plain paint, but a wheel's steps show a scaled picture
        # (zoom_steps.py) and a later repaint at the same zoom (a pan, a hover, a selection)
        # is a blit: 3,000 nodes at 25% repainted in 12 ms, not 146. Below TEXT_ZOOM type is
        # unreadable: the scene paints every box in a few batched calls (overview.py).
        zoom = self.zoom()
        self.graph_scene.set_item_caching(zoom >= TEXT_ZOOM)
        self.graph_scene.set_overview(zoom < TEXT_ZOOM)

    def zoom_in(self) -> None:
        self._zoom_by(1.25, anchor=False)

    def zoom_out(self) -> None:
        self._zoom_by(1 / 1.25, anchor=False)

    def reset_zoom(self) -> None:
        self.fit_mode = None
        self.zoom_steps.settle()
        centre = self.mapToScene(self.viewport().rect().center())
        self.set_zoom(1.0)
        self.centerOn(centre)

    def _zoom_by(self, factor: float, anchor: bool = True) -> None:
        self.fit_mode = None  # the learner chose a zoom: a resize keeps it
        self.zoom_steps.step(factor)
        old = self.transformationAnchor()
        if not anchor:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.set_zoom(self.zoom() * factor)
        self.setTransformationAnchor(old)

    def fit_all(self, readable: bool = False, smallest: float = SMALLEST_FIT) -> None:
        """Show every node (at most at FIT_MAX_ZOOM, so a small graph is not blown up).

        ``readable`` (when a graph opens or the canvas shrinks, not when asked with F): a
        graph that would need a zoom under SMALLEST_FIT is shown at READABLE_ZOOM instead,
        from its output end, where Backward starts; the rest is a scroll away. With a
        ``frame``, its cards take the graph's place, read from their top-left corner.
        """
        self.fit_mode = "readable" if readable else "all"
        self.zoom_steps.settle()  # a zoom set in one go is drawn at once
        framed = self._frame_rect() if readable else None
        rect = framed if framed is not None else self.graph_scene.nodes_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        top = 40 if self.breadcrumb.isVisible() else 0  # not under the breadcrumb bar
        rect = rect.adjusted(-30, -30 - top, 30, 30)
        # Leave the strip under the legend free, so it hides no node: as tall as the whole
        # key when it is to be unfolded (it folds only where nodes would lie under it).
        vp = self.viewport().rect()
        legend = self.legend
        legend.set_view_height(vp.height())  # the fold state for this size, not the last one
        strip_h = legend.folded_height()
        key_h = legend.expanded_size().height() if legend.wants_expanded() else strip_h
        below = key_h + 16 if legend.isVisible() else 0
        width, height = max(vp.width(), 1), max(vp.height() - below, 1)
        zoom = min(width / rect.width(), height / rect.height())
        if legend.isVisible() and key_h > strip_h and zoom < SMALLEST_FIT:
            # Room for the whole key would shrink the graph past readable: nodes will lie
            # under the key, so it folds; keep room for the folded strip only (reserving the
            # whole key here shifted the graph up by half of it and cut the top row off).
            below = strip_h + 16
            height = max(vp.height() - below, 1)
            zoom = min(width / rect.width(), height / rect.height())
        zoom = min(max(zoom, MIN_ZOOM), FIT_MAX_ZOOM)
        if readable and zoom < smallest:
            zoom = READABLE_ZOOM
        self.set_zoom(zoom)
        z = self.zoom()
        centre = rect.center()
        seen_w, seen_h = width / z, height / z
        out = self._output_rect() if readable and framed is None else None
        if framed is not None:  # too big to frame whole: from its start, as a page reads
            if seen_w < rect.width():
                centre.setX(rect.left() + seen_w / 2)
            if seen_h < rect.height():
                centre.setY(rect.top() + seen_h / 2)
        if out is not None and seen_w < rect.width():
            # the output's right edge (and its margin) at the view's right edge
            x = min(out.right() + 30 - seen_w / 2, rect.right() - seen_w / 2)
            centre.setX(max(x, rect.left() + seen_w / 2))
        if out is not None and seen_h < rect.height():
            y = min(max(out.center().y(), rect.top() + seen_h / 2), rect.bottom() - seen_h / 2)
            centre.setY(y)
        self.centerOn(centre + QPointF(0, below / 2 / z))

    def _frame_rect(self) -> QRectF | None:
        """Where the ``frame``'s cards are (a hidden node's group card), or None; only at
        the top level (inside a group the fit frames the group's own cards)."""
        if self.graph_scene.scope is not None:
            return None
        rect = QRectF()
        for n in self.frame:
            item = self.graph_scene.card_for(n)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        return None if rect.isEmpty() else rect

    def _document_replaced(self) -> None:
        self.frame = ()  # the file that asked for it is gone (its install sets the new one)
        self.minimap.forget()

    def _scope_changed(self, _scope: object) -> None:
        # A group opened (or left): frame what it holds, with the dimmed outside-input cards
        # at its left (cards of the scene like the others), when all of it reads at
        # GROUP_SMALLEST_FIT or more; else, as a graph opens, READABLE_ZOOM at its output end.
        self.fit_all(readable=True, smallest=GROUP_SMALLEST_FIT)

    def _moved_by_learner(self) -> None:
        self.fit_mode = None  # the learner chose this view: a resize keeps it

    def ensure_node_visible(self, node_id: str, margin: int = 40) -> None:
        """Scroll just enough that ``node_id``'s card (and ``margin`` px round it) is on screen;
        nothing moves when the card already is (a step-through follows its current node)."""
        item = self.graph_scene.card_for(node_id)  # inside a group: its card
        if item is None:
            return
        rect = item.sceneBoundingRect()
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        if seen.contains(rect):
            return  # whole on screen already: the margin is only for scrolling to it
        self.fit_mode = None  # the learner is looking at this node: a resize keeps it
        self.ensureVisible(rect, margin, margin)

    def fit_readable(self) -> None:
        """``fit_all(readable=True)``: what opening a graph or shrinking the canvas does."""
        self.fit_all(readable=True)

    def _output_rect(self) -> QRectF | None:
        """Where the node Backward starts from is, in scene coordinates."""
        scene = self.graph_scene
        out = scene.output_id()
        item = scene.card_for(out) if out is not None else None  # in a group card here
        if item is None or getattr(item, "is_outside", False):  # inside a group: where its
            item = next((i for i in scene.node_items()  # value leaves it
                         if getattr(i, "leaves_group", False)), None)
        return item.sceneBoundingRect() if item is not None else None

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self.zoom_at(1.0015 ** delta, event.position())
        event.accept()

    def zoom_at(self, factor: float, at: QPointF) -> None:
        """Zoom by ``factor`` keeping the scene point under ``at`` (viewport pixels) there.

        Mapped by hand: Qt's AnchorUnderMouse anchors at the last mouse *move*, which is not
        where the wheel turned after a pan, a key zoom or a synthetic event, and the inputs
        slid off the left edge.
        """
        self.fit_mode = None  # the learner chose a zoom: a resize keeps it
        self.zoom_steps.step(factor)
        fixed = self.mapToScene(at.toPoint())
        old = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.set_zoom(self.zoom() * factor)
        self.setTransformationAnchor(old)
        # Scroll so that ``fixed`` lands back under ``at``: the scene is a margin larger than
        # the nodes, so the scroll bars have room for this at any zoom a learner uses.
        moved = self.mapFromScene(fixed) - at.toPoint()
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + moved.x())
        v.setValue(v.value() + moved.y())
