"""The main window: canvas in the middle, palette and inspector docks, menus, toolbar, status bar.

The window owns one ``GraphDocument`` for its whole life (loading a file replaces its content
with ``replace_with``), one ``QUndoStack`` (its clean state drives the modified mark) and one
``EvaluationController`` (forward after edits, Backward on demand, stale grads). File and
export actions live in ``playground.ui.file_actions``; this module wires everything together.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QPointF,
    QRectF,
    QSettings,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from playground import __version__
from playground.graph.document import GraphDocument, GraphError
from playground.ui import commands as cmd
from playground.ui import icons
from playground.ui.actions import make_action
from playground.ui.canvas.scene import GraphScene
from playground.ui.canvas.view import GraphView
from playground.ui.display import DisplayModel
from playground.ui.file_actions import FileActions
from playground.ui.inspector import Inspector
from playground.ui.output_choice import OutputChoice, ranked_sinks
from playground.ui.palette import VALUE_PAYLOAD, Palette
from playground.ui.teaching import install as install_teaching
from playground.ui.training_tab import install as install_training

APP_NAME = "Backprop Playground"
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
GRAPH_ACTIONS = (
    "undo", "redo", "cut", "copy", "paste", "duplicate", "delete", "select_all", "fit",
    "zoom_in", "zoom_out", "zoom_reset", "auto_layout", "forward", "backward", "zero_grad",
    "mark_output", "step_forward", "step_backward", "step_play", "step_reset",
)
"""Actions that work on the canvas: off while the Training tab is showing (Delete or Ctrl+Z
there would change a graph the learner cannot see)."""
ICON_ONLY_STEPS = (("open", "save", "undo", "redo"), ("zero_grad", "auto_layout", "fit"))
"""Toolbar buttons that drop their words when the window is narrow, in this order (the
well-known icons first); then Forward and Backward too. Buttons without an icon keep theirs."""


PAINTED_ICONS = {
    "fit": icons.fit_icon,
    "auto_layout": icons.layout_icon,
    "forward": icons.forward_icon,
    "backward": icons.backward_icon,
    "zero_grad": icons.zero_icon,
}


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
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undo_stack")
        self.scene = GraphScene(self.doc, self.undo_stack, self)
        self.view = GraphView(self.scene, self)
        self.view.setAccessibleName("Graph canvas")
        self.setCentralWidget(self.view)

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

        self._paste_count = 0
        self.last_refusal: str | None = None
        """The message of the last edit ``_push`` refused (None: the last push went through)."""
        self._selection_timer = QTimer(self)
        self._selection_timer.setSingleShot(True)
        self._selection_timer.setInterval(0)
        self._selection_timer.timeout.connect(self.sync_selection)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self.teaching = install_teaching(self)  # Learn menu + dock (playground.ui.teaching)
        self.training = install_training(self)  # Training tab (playground.ui.training_tab)
        self._group_graph_actions()
        self.training.tabs.currentChanged.connect(self._central_tab_changed)
        self._toolbar_level = -1
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

    def _action(
        self,
        name: str,
        text: str,
        slot,
        *,
        shortcut: QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        icon=None,
        checkable: bool = False,
    ) -> QAction:
        return make_action(self, name, text, slot, shortcut=shortcut, tip=tip, icon=icon,
                           checkable=checkable)

    def _build_actions(self) -> None:
        f = self.files
        k = QKeySequence.StandardKey
        a = self._action
        self.actions_by_name: dict[str, QAction] = {}
        acts = [
            a("new", "&New", f.new, shortcut=k.New, tip="Start an empty graph"),
            a("open", "&Open…", f.open_dialog, shortcut=k.Open, tip="Open a graph file",
              icon=self.style().standardIcon(self.style().StandardPixmap.SP_DialogOpenButton)),
            a("save", "&Save", f.save, shortcut=k.Save, tip="Save the graph",
              icon=self.style().standardIcon(self.style().StandardPixmap.SP_DialogSaveButton)),
            a("save_as", "Save &As…", f.save_as, shortcut=k.SaveAs,
              tip="Save the graph under a new name"),
            a("export_png", "&PNG image…", lambda: f.export("png"),
              tip="Export the graph with data and grads as a PNG image"),
            a("export_svg", "&SVG image…", lambda: f.export("svg"),
              tip="Export the graph with data and grads as an SVG image"),
            a("export_dot", "&DOT (Graphviz)…", lambda: f.export("dot"),
              tip="Export Graphviz DOT records, like micrograd's draw_dot"),
            a("export_python", "P&ython script…", lambda: f.export("python"),
              tip="Export a micrograd-style script that rebuilds the graph and runs backward"),
            a("export_torch", "Py&Torch script…", lambda: f.export("torch"),
              tip="Export a PyTorch script that computes the same data and grads"),
            a("quit", "&Quit", self.close, shortcut=k.Quit, tip="Close the window"),
            a("cut", "Cu&t", self.cut, shortcut=k.Cut, tip="Cut the selected nodes"),
            a("copy", "&Copy", self.copy, shortcut=k.Copy, tip="Copy the selected nodes"),
            a("paste", "&Paste", self.paste, shortcut=k.Paste, tip="Paste copied nodes"),
            a("duplicate", "D&uplicate", self.duplicate, shortcut="Ctrl+D",
              tip="Duplicate the selected nodes"),
            a("delete", "&Delete", self.delete, shortcut=k.Delete,
              tip="Delete the selected nodes and wires"),
            a("select_all", "Select &All", self.select_all, shortcut=k.SelectAll,
              tip="Select every node"),
            a("fit", "&Fit Graph", self.view.fit_all, shortcut="F", icon=icons.fit_icon(),
              tip="Zoom to show the whole graph"),
            a("zoom_in", "Zoom &In", self.view.zoom_in, shortcut=k.ZoomIn, tip="Zoom in"),
            a("zoom_out", "Zoom &Out", self.view.zoom_out, shortcut=k.ZoomOut, tip="Zoom out"),
            a("zoom_reset", "&Actual Size", self.view.reset_zoom, shortcut="Ctrl+0",
              tip="Zoom to 100%"),
            a("auto_layout", "Auto &Layout", self.auto_layout, shortcut="Ctrl+L",
              icon=icons.layout_icon(), tip="Arrange the nodes in layers, inputs on the left"),
            a("forward", "&Forward", self.display.forward, shortcut="F5",
              icon=icons.forward_icon(), tip="Compute every node's data (forward pass)"),
            a("backward", "&Backward", self.run_backward, shortcut="Ctrl+B",
              icon=icons.backward_icon(),
              tip="Compute every node's grad: d(output)/d(node) (backward pass)"),
            a("zero_grad", "&Zero Grads", self.display.zero_grad, shortcut="Ctrl+Shift+G",
              icon=icons.zero_icon(), tip="Set every grad to 0, like micrograd's zero_grad"),
            a("auto_forward", "&Auto-Forward on Edit", self.display.set_auto_forward,
              checkable=True, tip="Recompute data after every edit"),
            a("mark_output", "&Mark as Output", self.toggle_output, shortcut="Ctrl+M",
              tip="Make the selected node the one Backward starts from"),
            a("about", "&About Backprop Playground", self.about, tip="About this program"),
        ]
        self.actions_by_name = {act.objectName(): act for act in acts}
        self.actions_by_name["auto_forward"].setChecked(True)
        self.actions_by_name["mark_output"].setCheckable(True)
        self.actions_by_name["quit"].setMenuRole(QAction.MenuRole.QuitRole)
        self.actions_by_name["about"].setMenuRole(QAction.MenuRole.AboutRole)
        # Fit is a plain letter: only when the canvas has focus, so typing elsewhere is safe.
        fit = self.actions_by_name["fit"]
        self.removeAction(fit)
        fit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(fit)

        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setObjectName("undo")
        undo.setShortcut(QKeySequence(k.Undo))
        undo.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_ArrowBack))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setObjectName("redo")
        # Every platform binding (Ctrl+Y and Ctrl+Shift+Z here): QKeySequence(k.Redo) is
        # only the first, so Ctrl+Shift+Z did nothing.
        redo.setShortcuts(k.Redo)
        redo.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_ArrowForward))
        for act in (undo, redo):
            # The Edit menu says what will be undone ("Undo Connect f → L (2nd input)"); the
            # toolbar button keeps one short word, so nothing on the toolbar moves as the
            # text changes, and its tooltip has the whole description.
            act.setIconText("Undo" if act is undo else "Redo")
            self.addAction(act)
            self.actions_by_name[act.objectName()] = act
        self.undo_stack.undoTextChanged.connect(self._undo_tips)
        self.undo_stack.redoTextChanged.connect(self._undo_tips)
        self._undo_tips()

        for name in ("show_palette", "show_inspector"):
            dock = self.palette_dock if name == "show_palette" else self.inspector
            toggle = dock.toggleViewAction()
            toggle.setObjectName(name)
            toggle.setText(f"Show {dock.windowTitle()}")
            toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel")
            self.actions_by_name[name] = toggle

    def _undo_tips(self, _text: str = "") -> None:
        stack = self.undo_stack
        for name, what, empty in (("undo", stack.undoText(), "Nothing to undo"),
                                  ("redo", stack.redoText(), "Nothing to redo")):
            act = self.action(name)
            keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            tip = f"{act.iconText()} {what}" if what else empty
            act.setToolTip(f"{tip} ({keys})")
            act.setStatusTip(tip)

    def _group_graph_actions(self) -> None:
        """The canvas's actions in one group, so the Training tab can switch them all off
        (an action that enables itself meanwhile, like Undo, stays off until the group is on
        again: Qt's QActionGroup keeps both states)."""
        group = QActionGroup(self)
        group.setObjectName("graph_actions")
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
        for name in GRAPH_ACTIONS:
            act = self.actions_by_name.get(name)
            if act is not None:
                group.addAction(act)
        self.graph_actions = group

    def _central_tab_changed(self, _index: int) -> None:
        on_canvas = self.training.tabs.currentWidget() is self.view
        self.graph_actions.setEnabled(on_canvas)
        if not on_canvas:
            self.output_choice.close_notice()

    def action(self, name: str) -> QAction:
        """The action with objectName ``name`` (tests and accessibility tools use these)."""
        return self.actions_by_name[name]

    def _build_menus(self) -> None:
        act = self.action
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menu_file")
        file_menu.addAction(act("new"))
        file_menu.addAction(act("open"))
        self.examples_menu = file_menu.addMenu("Open &Example")
        self.examples_menu.setObjectName("menu_examples")
        self.files.fill_examples_menu(self.examples_menu)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent_menu(self.recent_menu))
        self.files.fill_recent_menu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(act("save"))
        file_menu.addAction(act("save_as"))
        export = file_menu.addMenu("&Export")
        export.setObjectName("menu_export")
        for name in ("export_png", "export_svg", "export_dot", "export_python", "export_torch"):
            export.addAction(act(name))
        file_menu.addSeparator()
        file_menu.addAction(act("quit"))

        edit = bar.addMenu("&Edit")
        edit.setObjectName("menu_edit")
        for name in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", None,
                     "select_all"):
            edit.addSeparator() if name is None else edit.addAction(act(name))

        view = bar.addMenu("&View")
        view.setObjectName("menu_view")
        for name in ("fit", "zoom_in", "zoom_out", "zoom_reset", None, "auto_layout", None,
                     "show_palette", "show_inspector"):
            view.addSeparator() if name is None else view.addAction(act(name))

        graph = bar.addMenu("&Graph")
        graph.setObjectName("menu_graph")
        for name in ("forward", "backward", "zero_grad", None, "auto_forward", "mark_output"):
            graph.addSeparator() if name is None else graph.addAction(act(name))

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menu_help")
        help_menu.addAction(act("about"))

    def _build_toolbar(self) -> None:
        bar = QToolBar("Toolbar", self)
        bar.setObjectName("main_toolbar")
        bar.setAccessibleName("Main toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        for name in ("open", "save", None, "undo", "redo", None, "forward", "backward",
                     "zero_grad", None, "auto_layout", "fit"):
            if name is None:
                bar.addSeparator()
            else:
                bar.addAction(self.action(name))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        toggle = bar.toggleViewAction()
        toggle.setObjectName("show_toolbar")
        self.actions_by_name["show_toolbar"] = toggle
        self.findChild(QMenu, "menu_view").addAction(toggle)
        for name in ("forward", "backward"):
            button = bar.widgetForAction(self.action(name))
            button.setObjectName(f"toolbutton_{name}")
            button.setAccessibleName(self.action(name).text().replace("&", ""))

    def _connect(self) -> None:
        d = self.display  # the canvas, the inspector and the state label show what it shows
        self.scene.connect_display(d)
        d.changed.connect(self.inspector.show_numbers)
        d.changed.connect(self.show_state)
        d.message.connect(self._display_message)
        self.doc.subscribe(self._doc_event)
        self.output_choice.chosen.connect(self.backward_from)
        self.scene.status_message.connect(self.show_status)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.node_activated.connect(self._focus_inspector)
        self.palette_dock.add_requested.connect(self.add_at_centre)
        # Commands are built inside _push (lambda: ...): a command that refuses its input
        # while it is built (SetParams checks the params) is then a refusal like a failed redo.
        self.inspector.label_edited.connect(
            lambda n, text: self._push(lambda: cmd.SetLabel(self.doc, n, text))
        )
        self.inspector.value_edited.connect(
            lambda n, value: self._push(lambda: cmd.SetValue(self.doc, n, value))
        )
        self.inspector.params_edited.connect(self._edit_params)
        self.inspector.output_toggled.connect(self._set_output)
        # Bound methods, not lambdas: Qt drops a connection with its receiver. A lambda has
        # none, so the stack (a child, destroyed with the window) would call it while the
        # window is being deleted ("MainWindow already deleted" at interpreter exit).
        self.view.legend.toggled.connect(self._legend_toggled)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._index_changed)
        self._update_actions()

    def _legend_toggled(self, expanded: bool) -> None:
        self.settings.setValue(LEGEND_KEY, expanded)

    def _clean_changed(self, _clean: bool) -> None:
        self.files.update_title()

    def _index_changed(self, _index: int) -> None:
        self.files.settle_about()  # a command just replaced the whole graph, or undid that
        self._update_actions()

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

    def fit_toolbar(self) -> None:
        """Keep every toolbar button in view (nothing hidden behind »): when the words do not
        fit, buttons show only their icons, step by step (``ICON_ONLY_STEPS``), Forward and
        Backward last."""
        bar = getattr(self, "toolbar", None)
        if bar is None or not hasattr(self, "_toolbar_level"):
            return
        room = self.width()  # the toolbar spans the window (its own width lags on first show)
        for level in range(len(ICON_ONLY_STEPS) + 2):
            self._set_toolbar_level(level)
            if bar.sizeHint().width() <= room:
                break

    def _set_toolbar_level(self, level: int) -> None:
        if level == self._toolbar_level:
            return
        self._toolbar_level = level
        bar = self.toolbar
        for act in bar.actions():
            button = bar.widgetForAction(act)
            if not isinstance(button, QToolButton):
                continue
            step = next((i + 1 for i, names in enumerate(ICON_ONLY_STEPS)
                         if act.objectName() in names), len(ICON_ONLY_STEPS) + 1)
            short = not act.icon().isNull() and step <= level
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if short
                                      else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    # --- status ------------------------------------------------------------------------

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

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
        marked = self.doc.marked_output == node_id or self._push(
            lambda: cmd.SetOutput(self.doc, node_id))
        if not marked:
            return
        self.output_choice.close_notice()
        self.sync_selection()
        evaluation = self.display.backward()
        if evaluation.backward:  # a problem elsewhere (a stray node's) shows on its card
            name = self.doc.display_name(node_id)
            self.show_status(f"Backward from {name}: every grad is d{name}/d(node). {name} is "
                             "now marked as the output (Ctrl+Z takes the mark back).")

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
        node = ids[0] if len(ids) == 1 else None
        if node != self.inspector.node:
            self.inspector.set_node(node)
        self._update_actions(ids)

    def _update_actions(self, ids: list[str] | None = None) -> None:
        # Edit actions stay enabled: with nothing selected they say so in the status bar.
        if ids is None:
            ids = self.scene.selected_node_ids()
        mark = self.action("mark_output")
        mark.blockSignals(True)
        mark.setChecked(len(ids) == 1 and self.doc.marked_output == ids[0])
        mark.blockSignals(False)

    def _clear_selection(self) -> None:
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
        if not self._push(lambda: cmd.SetParams(self.doc, node_id, params)):
            # Say it where the learner typed it too; the field keeps their text to fix.
            self.inspector.params_editor.show_error(self.last_refusal)

    def _build(self, make: Callable[[], QUndoCommand]) -> QUndoCommand | None:
        """Build a command; None (and the reason in the status bar) if it refuses.

        Commands check their input when they are built (``SetParams``, ``PasteNodes``,
        ``Disconnect`` raise ``GraphError``): that is the same refusal as a ``redo`` that
        raises, shown the same way, with the document and the undo stack untouched. Anything
        else is a bug and propagates to the error handler.
        """
        try:
            command = make()
        except GraphError as exc:
            self._refuse(exc)
            return None
        return command

    def _refuse(self, exc: GraphError) -> None:
        self.last_refusal = str(exc)
        self.show_status(str(exc))

    def _push(self, command: QUndoCommand | Callable[[], QUndoCommand]) -> bool:
        """Push an undo command; a refusal goes to the status bar, and nothing changes.

        ``command`` may be a function that builds it (``lambda: cmd.SetParams(...)``), so that
        a refusal while it is built is caught too (see ``_build``).

        Qt keeps a command on the stack even when its ``redo`` raises (and PySide reports the
        exception later, prefixed "Error calling Python override ..."). So ``redo`` runs through
        a guard that keeps the exception; the command is then taken off the stack again
        (obsolete: ``undo()`` drops it without calling its ``undo``). A ``GraphError`` is the
        command's own refusal, shown in the status bar; anything else is a bug, re-raised for
        the error handler.
        """
        self.last_refusal = None
        if not isinstance(command, QUndoCommand):
            built = self._build(command)
            if built is None:
                return False
            command = built
        failure: list[Exception] = []
        redo = command.redo

        def guarded_redo(_self) -> None:
            if failure:
                return
            try:
                redo()
            except Exception as exc:
                failure.append(exc)

        command.redo = types.MethodType(guarded_redo, command)  # Qt calls the instance's redo
        stack = self.undo_stack
        stack.push(command)
        if not failure:
            command.redo = redo
            return True
        if stack.index() > 0 and stack.command(stack.index() - 1) is command:
            command.setObsolete(True)
            stack.undo()
        if not isinstance(failure[0], GraphError):
            raise failure[0]
        self._refuse(failure[0])
        return False

    def add_at_centre(self, payload: str) -> str | None:
        """Add a palette entry ("value" or "op:<name>") at the middle of the view, or the
        nearest spot where it covers no node (a card on top of another hides its numbers)."""
        centre = self.free_spot(self.view.mapToScene(self.view.viewport().rect().center()))
        if payload == VALUE_PAYLOAD:
            node = self.view.add_node_at("value", None, centre)
        elif payload.startswith("op:"):
            node = self.view.add_node_at("op", payload[3:], centre)
        else:
            return None
        if node:
            self.select([node])
        return node

    def free_spot(self, centre: QPointF, size: tuple[float, float] = (200.0, 96.0),
                  step: float = 40.0, rings: int = 12) -> QPointF:
        """``centre``, or the nearest point on a grid around it where a card of ``size``
        (a little more than a node's) overlaps no node; ``centre`` if there is none."""
        w, h = size
        reach = rings * step + max(w, h)
        near = QRectF(centre.x() - reach, centre.y() - reach, 2 * reach, 2 * reach)
        taken = [r for r in (i.sceneBoundingRect() for i in self.scene.node_items())
                 if r.intersects(near)]
        legend = self.view.legend
        if legend.isVisible():  # nor under the colour key
            taken.append(self.view.mapToScene(legend.geometry()).boundingRect())
        spots = sorted(
            ((dx, dy) for dx in range(-rings, rings + 1) for dy in range(-rings, rings + 1)),
            key=lambda d: (d[0] * d[0] + d[1] * d[1], abs(d[1]), d),
        )
        for dx, dy in spots:
            spot = QPointF(centre.x() + dx * step, centre.y() + dy * step)
            card = QRectF(spot.x() - w / 2, spot.y() - h / 2, w, h)
            if not any(card.intersects(r) for r in taken):
                return spot
        return centre

    def _set_output(self, node_id: str, on: bool) -> None:
        target = node_id if on else None
        if self.doc.marked_output != target:
            self._push(lambda: cmd.SetOutput(self.doc, target))

    def toggle_output(self) -> None:
        ids = self.scene.selected_node_ids()
        if len(ids) != 1:
            self.show_status("Select one node to mark it as the output")
            return
        self._set_output(ids[0], self.doc.marked_output != ids[0])
        self._update_actions()

    def auto_layout(self) -> None:
        if len(self.doc) and self._push(lambda: cmd.AutoLayout(self.doc)):
            self.view.fit_all()

    def delete(self) -> None:
        nodes, edges = self.scene.selected_node_ids(), self.scene.selected_edges()
        if nodes or edges:
            command = self._build(lambda: cmd.DeleteItems(self.doc, nodes, edges))
            if command is None:
                return  # refused: the selection stays too
            self._clear_selection()  # else Qt reports each removed selected item separately
            self._push(command)
        else:
            self.show_status("Nothing to delete: select nodes or wires first")

    def select_all(self) -> None:
        self.select(self.doc.node_ids())

    def copy(self) -> bool:
        ids = self.scene.selected_node_ids()
        if not ids:
            self.show_status("Nothing to copy: select nodes first")
            return False
        data = cmd.copy_nodes(self.doc, ids)
        mime = QMimeData()
        text = json.dumps(data)
        mime.setData(cmd.CLIPBOARD_MIME, QByteArray(text.encode()))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        n = len(ids)
        self.show_status(f"Copied {n} node{'s' if n != 1 else ''}")
        return True

    def cut(self) -> None:
        ids = self.scene.selected_node_ids()
        if not ids:
            self.copy()  # says there is nothing to cut
            return
        # Built before copying: a refused cut changes neither the clipboard nor the graph.
        command = self._build(lambda: cmd.DeleteItems(self.doc, ids, self.scene.selected_edges()))
        if command is None or not self.copy():
            return
        command.setText(command.text().replace("Delete", "Cut", 1))
        self._clear_selection()
        self._push(command)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        raw = None
        if mime is not None and mime.hasFormat(cmd.CLIPBOARD_MIME):
            raw = bytes(mime.data(cmd.CLIPBOARD_MIME)).decode("utf-8", "replace")
        elif mime is not None and mime.hasText():
            raw = mime.text()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        problem = cmd.clipboard_problem(data)
        if problem:
            self.show_status(f"Nothing to paste: {problem}")
            return
        self._paste_count += 1
        shift = 40.0 * self._paste_count
        command = self._build(lambda: cmd.PasteNodes(self.doc, data, offset=(shift, shift)))
        if command is not None and self._push(command):
            self.select(list(command.new_ids.values()))

    def duplicate(self) -> None:
        ids = self.scene.selected_node_ids()
        if not ids:
            self.show_status("Nothing to duplicate: select nodes first")
            return
        command = self._build(
            lambda: cmd.PasteNodes(self.doc, cmd.copy_nodes(self.doc, ids), verb="Duplicate")
        )
        if command is not None and self._push(command):
            self.select(list(command.new_ids.values()))

    # --- help ---------------------------------------------------------------------------

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Learn backpropagation by building it with your hands.</p>"
            "<ul><li>Drag a node from the palette onto the canvas (or double-click it).</li>"
            "<li>Wire an output port (right) to an input port (left).</li>"
            "<li>Select a value to edit it in the inspector.</li>"
            "<li><b>Backward</b> (Ctrl+B) fills every grad: "
            "<span style='color:#0877bd'>blue</span> positive, "
            "<span style='color:#e8710a'>orange</span> negative.</li></ul>",
        )

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
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._paint_icons()
        super().changeEvent(event)

    def _paint_icons(self) -> None:
        for name, make in PAINTED_ICONS.items():
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
