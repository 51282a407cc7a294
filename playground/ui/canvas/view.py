"""``GraphView``: the canvas widget. Grid, zoom, pan, selection, drops, search-to-add, legend."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from playground.ui.canvas import style as S
from playground.ui.canvas.breadcrumb import Breadcrumb
from playground.ui.canvas.legend import GradLegend
from playground.ui.canvas.minimap import MiniMap
from playground.ui.canvas.scene import GraphScene
from playground.ui.canvas.search import NodeSearchPopup
from playground.ui.canvas.view_drops import NodeDrops
from playground.ui.canvas.view_zoom import ZoomAndFit
from playground.ui.canvas.zoom_steps import ZoomSteps
from playground.ui.widgets.palette import is_dark, palette_changed

GRID = 20.0
ZOOM_KEYS = (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus)
MODIFIER_KEYS = (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta)


class GraphView(ZoomAndFit, NodeDrops, QGraphicsView):
    """See ``playground.ui.canvas`` for the API summary."""

    def __init__(self, scene: GraphScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.graph_scene = scene
        self.setObjectName("canvas")
        self.setAccessibleName("Graph canvas")
        self.setAccessibleDescription(
            "Expression graph. Drag from an output port to an input port to wire; Tab adds a "
            "node; F fits; Delete removes the selection."
        )
        self.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # The grid is drawn once into a viewport-sized pixmap and blitted after that (Qt
        # redraws it after a zoom, and only the uncovered strip after a scroll): drawn
        # antialiased it took 5 of the 6 ms of a repaint at 100% zoom, on every edit's repaint.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, False)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._pan_from: QPoint | None = None
        self._space = False
        self.fit_mode: str | None = None
        """"all" or "readable" while the view shows what its last fit chose (a resize fits
        again); None once the learner zooms or pans."""
        self.frame: tuple[str, ...] = ()
        """The cards the open file asks to show first (its ``view``'s ``frame``: an example
        frames what its text is about); a readable fit frames them instead of the graph."""
        self._cover_timer = QTimer(self)
        self._cover_timer.setSingleShot(True)
        self._cover_timer.setInterval(40)
        self._cover_timer.timeout.connect(self.check_legend_cover)
        self.zoom_steps = ZoomSteps(self, self.drawBackground)  # wheel turning: last frame
        self.minimap = MiniMap(self, scene)
        self.minimap.moved.connect(self._moved_by_learner)
        self._cover_timer.timeout.connect(self.minimap.refresh)
        scene.changed.connect(self.minimap.cards_changed)
        scene.document_replaced.connect(self._document_replaced)
        scene.changed.connect(self._schedule_cover_check)
        self._search_pos = QPointF()
        self.legend = GradLegend(self, scene)
        self.legend.resized.connect(self._place_legend)
        self.search = NodeSearchPopup(self)
        self.search.chosen.connect(self._search_chosen)
        self.search.free_label = self.free_label
        self.search.closed.connect(lambda: self.setFocus())
        scene.evaluation_changed.connect(self.legend.numbers_changed)
        self.breadcrumb = Breadcrumb(self, scene)  # top-left: the levels of the groups
        self.breadcrumb.move(10, 10)
        scene.scope_changed.connect(self._scope_changed)
        self._place_legend()
        self.follow_theme()

    # --- background ----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        # Light/dark switch: the cached grid is drawn again in the new colours.
        if palette_changed(event):
            self.resetCachedContent()
            self.follow_theme()
        super().changeEvent(event)

    def follow_theme(self) -> None:
        """Cards, wires, the key and the minimap take the light or dark colours of the
        palette (View ▸ Theme sets the application's): everything painted is painted again."""
        dark = is_dark(self, QPalette.ColorRole.Base)
        S.use_dark(dark)  # the colours are the module's: another view may have switched them
        if dark == getattr(self, "_painted_dark", None):
            return
        self._painted_dark = dark
        scene = self.scene()
        for item in scene.node_items():
            item.refresh()
        for edge in scene.edge_items():
            edge.update()
        scene.update()
        self.legend.update()
        self.minimap.update()

    def ground(self) -> QColor:
        """The canvas colour under the grid."""
        return QColor("#26282b") if is_dark(self, QPalette.ColorRole.Base) else QColor("#f7f8fa")

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        dark = is_dark(self, QPalette.ColorRole.Base)
        painter.fillRect(rect, self.ground())
        zoom = self.zoom()
        minor = QColor("#303236") if dark else QColor("#eceef1")
        major = QColor("#3a3d42") if dark else QColor("#dde0e5")
        for step, colour in ((GRID, minor), (GRID * 5, major)):
            if step * zoom < 6:
                continue
            painter.setPen(QPen(colour, 0))
            left = math.floor(rect.left() / step) * step
            top = math.floor(rect.top() / step) * step
            x = left
            lines = []  # drawn in one call: half the cost of a drawLine each, same pixels
            while x < rect.right():
                lines.append(QLineF(x, rect.top(), x, rect.bottom()))
                x += step
            y = top
            while y < rect.bottom():
                lines.append(QLineF(rect.left(), y, rect.right(), y))
                y += step
            painter.drawLines(lines)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.legend.set_view_height(self.viewport().height())
        self.legend.set_view_width(self.viewport().width())
        self._place_legend()
        if self.fit_mode is not None:  # shown whole (or from its output) until zoomed or panned
            self.fit_all(readable=self.fit_mode == "readable")
        self._schedule_cover_check()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._schedule_cover_check()

    def _schedule_cover_check(self, *_args: Any) -> None:
        if not self._cover_timer.isActive():
            self._cover_timer.start()

    def check_legend_cover(self) -> None:
        """Fold the colour key while a node lies where the whole key would be."""
        self._cover_timer.stop()
        legend = self.legend
        size = legend.expanded_size()
        vp = self.viewport()
        corner = QRect(10, vp.height() - size.height() - 10, size.width(), size.height())
        area = self.mapToScene(corner).boundingRect()
        legend.set_covering(self.graph_scene.any_card_in(area))

    def _place_legend(self) -> None:
        self.legend.move(10, max(0, self.viewport().height() - self.legend.height() - 10))
        self.legend.raise_()

    # --- keys -------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab would move the focus to the next widget; here it opens search-to-add.
        if event.type() == QEvent.Type.KeyPress and self.graph_scene.card_editor is None:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            ):
                self.open_search()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.graph_scene.card_editor is not None:  # typing on a card (card_edit.py)
            super().keyPressEvent(event)
            return
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if not (ctrl and key in ZOOM_KEYS) and key not in MODIFIER_KEYS:
            self.zoom_steps.settle()  # any other key acts on what is drawn: draw it now
        if ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.reset_zoom()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            if not self.graph_scene.delete_selected() and key == Qt.Key.Key_Backspace:
                self.graph_scene.go_up()  # nothing selected: up one level of the groups
        elif key == Qt.Key.Key_Escape:
            if not self.graph_scene.cancel_scrub():
                self.graph_scene.cancel_gesture()
                self.graph_scene.clearSelection()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.NoDrag)
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key == Qt.Key.Key_F and not mods:
            self.fit_all()
        elif (
            not mods & ~Qt.KeyboardModifier.ShiftModifier
            and len(event.text()) == 1
            and event.text().isalpha()
        ):
            self.open_search(event.text())
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if self._pan_from is None:
                self._end_pan_mode()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        if self._space:
            self._space = False
            if self._pan_from is None:
                self._end_pan_mode()
        super().focusOutEvent(event)

    def _end_pan_mode(self) -> None:
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.viewport().unsetCursor()

    # --- panning ---------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.zoom_steps.settle()  # a click acts on what is drawn: draw it now
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if self.search.isVisible():
            self.search.close_popup()
        self.setFocus()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self.fit_mode = None  # panned: a resize keeps this view
            pos = event.position().toPoint()
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            if self._space:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self._end_pan_mode()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        scene_pos = self.mapToScene(event.position().toPoint())
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self.graph_scene.node_at(scene_pos) is None
            and self.graph_scene.port_near(scene_pos) is None
            and not self.items(event.position().toPoint())
        ):
            self.open_search(at=event.position().toPoint())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
