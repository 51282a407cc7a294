"""The main window: canvas in the middle, palette and inspector docks, menus, toolbar, status bar.

The window owns one ``GraphDocument`` for its whole life (loading a file replaces its content
with ``replace_with``), one ``Editor`` (every edit, on one ``QUndoStack`` whose clean state
drives the modified mark) and one ``DisplayModel`` (what every view shows: forward after
edits, Backward on demand, stale grads). Menus and the toolbar are ``menus.py``, editing
actions ``edit_actions.py``, files and exports ``file_actions.py``; this module wires them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QResizeEvent,
    QUndoGroup,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QWidget,
)

from playground.graph.document import GraphDocument
from playground.graph.names import derivative
from playground.ui.canvas.scene import GraphScene
from playground.ui.canvas.view import GraphView
from playground.ui.display import DisplayModel
from playground.ui.display.wording import output_words
from playground.ui.editor import Editor
from playground.ui.inspector.inspector import Inspector
from playground.ui.teaching import install as install_teaching
from playground.ui.training.tab import install as install_training
from playground.ui.widgets.palette import palette_changed
from playground.ui.window import menus, theme
from playground.ui.window.edit_actions import EditActions
from playground.ui.window.file_actions import FileActions
from playground.ui.window.group_actions import GroupActions
from playground.ui.window.messages import Messages
from playground.ui.window.output_choice import OutputChoice, ranked_sinks
from playground.ui.window.palette import Palette

STATUS_TIMEOUT_MS = 10_000
LEGEND_KEY = "canvas/legend_expanded"
"""Settings key: whether the canvas's grad colour key is unfolded (the learner's choice)."""
WELCOME = (
    "Drag nodes from the palette, wire an output port to an input port, "
    "then press Backward (Ctrl+B) to see every grad."
)


PALETTE_WIDTH, INSPECTOR_WIDTH = 190, 280
"""The docks' widths at start, and what growing the window gives back to a squeezed dock."""
MIN_CANVAS_AFTER_RESTORE = 480
"""Growing the window widens a squeezed dock only while the canvas keeps this much."""

def default_size(widget: QWidget) -> QSize:
    """1280 x 800, or a bit less than the screen when it is smaller."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1280, 800)
    avail = screen.availableGeometry()
    return QSize(min(1280, int(avail.width() * 0.95)), min(800, int(avail.height() * 0.92)))


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.settings = settings if settings is not None else QSettings()
        self.doc = GraphDocument()
        self.editor = Editor(self.doc, QUndoStack(self), self)
        self.undo_stack = self.editor.stack
        self.undo_stack.setObjectName("undo_stack")
        self.undo_group = QUndoGroup(self)
        """What Edit ▸ Undo/Redo act on: the graph's stack, or the Training tab's painting
        while that tab shows (the tab adds its stack and switches the active one)."""
        self.undo_group.setObjectName("undo_group")
        self.undo_group.addStack(self.undo_stack)
        self.undo_group.setActiveStack(self.undo_stack)
        self.scene = GraphScene(self.doc, self.editor, self)
        self.view = GraphView(self.scene, self)
        self.view.setAccessibleName("Graph canvas")
        self.setCentralWidget(self.view)
        self.messages = Messages(self)  # the status bar, View ▸ Messages, refusal bubbles

        self.palette_dock = Palette(self)
        self.inspector = Inspector(self.doc, self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.palette_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector)
        self.resizeDocks([self.palette_dock, self.inspector], self._dock_widths(),
                         Qt.Orientation.Horizontal)
        self.output_choice = OutputChoice(self.view)
        self._choice_timer = QTimer(self)
        self._choice_timer.setSingleShot(True)
        self._choice_timer.setInterval(0)
        self._choice_timer.timeout.connect(self._update_output_choice)

        self.display = DisplayModel(self.doc, self.undo_stack, self)
        self.files = FileActions(self)

        self.state_label = QLabel(self)
        self.state_label.setObjectName("evaluation_state")
        self.state_label.setAccessibleName("Evaluation state")
        self.statusBar().addPermanentWidget(self.state_label)
        self.statusBar().setObjectName("status_bar")

        self.edits = EditActions(self)
        self.groups = GroupActions(self)
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(0)
        self._selection_timer.timeout.connect(self.sync_selection)
        menus.build_actions(self)
        menus.build_menus(self)
        theme.install(self)  # View ▸ Theme: the saved theme is applied here
        menus.build_toolbar(self)
        self._connect()
        self.teaching = install_teaching(self)  # Learn menu + dock (playground.ui.teaching)
        self.training = install_training(self)  # Training tab (playground.ui.training.tab)
        menus.group_graph_actions(self)
        self.training.tabs.currentChanged.connect(self._central_tab_changed)
        self.toolbar_level = -1
        """How many steps of toolbar buttons show only their icons (``menus.fit_toolbar``)."""
        self.fit_toolbar()
        self._dock_timer = QTimer(self)
        self._dock_timer.setSingleShot(True)
        self._dock_timer.setInterval(0)
        self._dock_timer.timeout.connect(self.restore_dock_widths)
        self.files.update_title()
        self.resize(default_size(self))
        self.restore_settings()
        self.statusBar().showMessage(WELCOME)

    # --- construction ------------------------------------------------------------------

    def _central_tab_changed(self, _index: int) -> None:
        on_canvas = self.training.tabs.currentWidget() is self.view
        self.graph_actions.setEnabled(on_canvas)
        if not on_canvas:
            self.output_choice.close_notice()

    def action(self, name: str) -> QAction:
        """The action with objectName ``name`` (tests and accessibility tools use these)."""
        return self.actions_by_name[name]

    def _connect(self) -> None:
        d = self.display  # the canvas, the inspector and the state label show what it shows
        self.scene.connect_display(d)
        d.changed.connect(self.inspector.show_numbers)
        d.changed.connect(self.show_state)
        d.message.connect(self._display_message)
        self.doc.subscribe(self._doc_event)
        self.output_choice.chosen.connect(self.backward_from)
        self.scene.status_message.connect(self.show_status)
        self.editor.refused.connect(self.messages.refused)
        self.scene.bubble_shown.connect(self.messages.bubble_shown)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.node_activated.connect(self._focus_inspector)
        self.palette_dock.add_requested.connect(self.edits.add_at_centre)
        self.inspector.label_edited.connect(self.editor.set_label)
        self.inspector.value_edited.connect(self.editor.set_value)
        self.inspector.params_edited.connect(self._edit_params)
        self.inspector.output_toggled.connect(self.edits.set_output)
        self.inspector.open_group_requested.connect(self.scene.set_scope)
        self.inspector.selection_panel.use_actions(self.action("group"), self.action("delete"))
        # Bound methods, not lambdas: Qt drops a connection with its receiver. A lambda has
        # none, so the stack (a child, destroyed with the window) would call it while the
        # window is being deleted ("MainWindow already deleted" at interpreter exit).
        self.view.legend.toggled.connect(self._legend_toggled)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._index_changed)
        self.update_actions()

    def _legend_toggled(self, expanded: bool) -> None:
        self.settings.setValue(LEGEND_KEY, expanded)

    def _clean_changed(self, _clean: bool) -> None:
        self.files.update_title()

    def _index_changed(self, _index: int) -> None:
        self.files.settle_about()  # a command just replaced the whole graph, or undid that
        self.update_actions()

    def show_undo_tips(self, *_args: object) -> None:
        menus.show_undo_tips(self)

    def fit_toolbar(self) -> None:
        """Keep every toolbar button in view (``menus.fit_toolbar``)."""
        menus.fit_toolbar(self)

    # --- fitting the window's width --------------------------------------------------------

    def _dock_widths(self) -> list[int]:
        return [max(PALETTE_WIDTH, self.palette_dock.minimumWidth()),
                max(INSPECTOR_WIDTH, self.inspector.minimumWidth())]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_toolbar()
        if event.size().width() > event.oldSize().width() > 0:
            self._dock_timer.start()  # once the layout has the new width

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Again once every button is polished: the first resize comes before that.
        QTimer.singleShot(0, self, self.fit_toolbar)

    def restore_dock_widths(self) -> None:
        """Give a dock squeezed by a narrow window its width back, as far as the canvas
        keeps ``MIN_CANVAS_AFTER_RESTORE`` px (Qt gives all new width to the canvas)."""
        docks, widths = [], []
        room = self.view.width() - MIN_CANVAS_AFTER_RESTORE
        for dock, want in zip((self.palette_dock, self.inspector), self._dock_widths(),
                              strict=True):
            short = want - dock.width()
            if dock.isVisible() and not dock.isFloating() and short > 0 and room > 0:
                grow = min(short, room)
                room -= grow
                docks.append(dock)
                widths.append(dock.width() + grow)
        if docks:
            self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    # --- status ------------------------------------------------------------------------

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)
        self.messages.said(message)

    def _display_message(self, message: str, resolved: bool) -> None:
        """The display model's words; ``resolved``: the graph problem ``message`` is gone,
        the status bar stops saying it."""
        if not resolved:
            self.show_status(message)
        elif self.statusBar().currentMessage() == message:
            self.statusBar().clearMessage()

    def _doc_event(self, event) -> None:
        if event.kind == "reset":
            self.files.document_replaced()
        if self.output_choice.isVisible() and (event.kind, event.attr) not in (
            ("node_changed", "pos"), ("node_changed", "label")
        ):
            self._choice_timer.start()  # once per batch of edits

    def _update_output_choice(self) -> None:
        """After an edit: the notice goes once it no longer applies; a choice of outputs
        follows the candidates (a deleted stray node is no longer offered)."""
        choice = self.output_choice
        if not choice.isVisible():
            return
        candidates = self._output_candidates()
        if choice.candidates and len(candidates) > 1:
            if candidates != choice.candidates:
                choice.offer(self.doc, candidates)
            return
        choice.close_notice()

    def _output_candidates(self) -> list[str]:
        """The nodes Backward could start from when it cannot tell (no marked output and
        several sinks), likeliest first; [] when it can."""
        if self.doc.marked_output is not None or len(self.doc) < 2:
            return []
        return ranked_sinks(self.doc) if len(self.doc.output_candidates()) > 1 else []

    def run_backward(self) -> None:
        """Backward (Ctrl+B). With several nodes that could be the output and none marked:
        the selected one if it is one of them, else the notice over the canvas asks which."""
        candidates = self._output_candidates()
        if candidates:
            ids = self.scene.selected_node_ids()
            if len(ids) == 1 and ids[0] in candidates:
                self.backward_from(ids[0])
                return
            self.display.backward()  # the status bar says why it did not run
            self.output_choice.offer(self.doc, candidates)
            return
        evaluation = self.display.backward()
        if evaluation.backward:
            self.output_choice.close_notice()
        else:
            self.output_choice.explain(self.display.not_run_reason(evaluation))

    def backward_from(self, node_id: str) -> None:
        """Mark ``node_id`` as the output (an undo step) and run Backward from it."""
        if node_id not in self.doc:
            return
        marked = self.doc.marked_output == node_id or self.editor.set_output(node_id)
        if not marked:
            return
        self.output_choice.close_notice()
        self.sync_selection()
        evaluation = self.display.backward()
        if evaluation.backward:  # a problem elsewhere (a stray node's) shows on its card
            name = output_words(self.doc, node_id)
            self.show_status(f"Backward from {name}: every grad is {derivative(name, 'node')}. "
                             f"{name[:1].upper()}{name[1:]} is now marked as the output (Ctrl+Z "
                             "takes the mark back).")

    def show_state(self, shown) -> None:
        """The right-hand status label: what the canvas shows now (a ``Shown``; a teaching
        tool's own words, e.g. "stepping backward: 4 of 7", when it gives some)."""
        self.state_label.setText(self.display.state_words(shown))

    # --- selection and editing ----------------------------------------------------------

    def _selection_changed(self) -> None:
        # Qt reports every item separately (select all, delete 10,000 nodes): follow the
        # selection once per event-loop turn instead of once per item.
        self._selection_timer.start()

    def sync_selection(self) -> None:
        """Bring the inspector and the Mark-as-Output check up to date with the selection."""
        self._selection_timer.stop()
        ids = self.scene.selected_node_ids()
        self.inspector.set_selection(ids)  # several: their count, Group and Delete buttons
        self.update_actions(ids)

    def update_actions(self, ids: list[str] | None = None) -> None:
        # Edit actions stay enabled: with nothing selected they say so in the status bar.
        if ids is None:
            ids = self.scene.selected_node_ids()
        mark = self.action("mark_output")
        mark.blockSignals(True)
        mark.setChecked(len(ids) == 1 and self.doc.marked_output == ids[0])
        mark.blockSignals(False)

    def clear_selection(self) -> None:
        scene = self.scene
        blocked = scene.blockSignals(True)
        try:
            scene.clearSelection()
        finally:
            scene.blockSignals(blocked)
        scene.selectionChanged.emit()
        self.sync_selection()

    def select(self, ids: list[str]) -> None:
        """Select exactly ``ids`` (one selection-changed notification, however many)."""
        scene = self.scene
        blocked = scene.blockSignals(True)
        try:
            scene.select_nodes(ids)
        finally:
            scene.blockSignals(blocked)
        scene.selectionChanged.emit()
        self.sync_selection()

    def _focus_inspector(self, node_id: str) -> None:
        self.select([node_id])
        self.inspector.show()
        self.inspector.raise_()
        target = (
            self.inspector.value_edit
            if self.doc.kind(node_id) == "value"
            else self.inspector.label_edit
        )
        target.setFocus()
        target.selectAll()

    def _edit_params(self, node_id: str, params: dict) -> None:
        if not self.editor.set_params(node_id, params):
            # Say it where the learner typed it too; the field keeps their text to fix.
            self.inspector.params_editor.show_error(self.editor.last_refusal)

    # --- settings and closing -----------------------------------------------------------

    def restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state))
        self.view.legend.set_expanded(
            self.settings.value(LEGEND_KEY, True, type=bool)  # type: ignore[call-overload]
        )

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def changeEvent(self, event: QEvent) -> None:
        # Light/dark switch: the painted icons follow the palette (the inspector does its own).
        if palette_changed(event):
            self._paint_icons()
        super().changeEvent(event)

    def _paint_icons(self) -> None:
        for name, make in menus.PAINTED_ICONS.items():
            self.action(name).setIcon(make())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_settings()
        self.scene.detach()
        event.accept()

    @property
    def current_path(self) -> Path | None:
        return self.files.path
