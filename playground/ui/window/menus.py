"""The main window's actions, menus and toolbar, built once from one list.

Every action has an objectName (tests and accessibility tools find it with ``w.action(name)``);
the toolbar drops its buttons' words step by step when the window is narrow (``fit_toolbar``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QToolButton

from playground import __version__
from playground.ui.widgets.actions import make_action
from playground.ui.window import icons
from playground.ui.window.shortcuts import show_shortcuts

if TYPE_CHECKING:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QUndoGroup
    from PySide6.QtWidgets import QMenuBar, QStyle, QWidget

    from playground.ui.window.edit_actions import EditActions
    from playground.ui.window.file_actions import FileActions
    from playground.ui.window.parts import WindowParts

    class MainWindow(WindowParts, Protocol):
        """What building the menus and the toolbar uses of the main window."""

        files: FileActions
        edits: EditActions
        actions_by_name: dict[str, QAction]
        examples_menu: QMenu
        recent_menu: QMenu
        toolbar: QToolBar
        toolbar_level: int
        graph_actions: QActionGroup
        undo_group: QUndoGroup
        palette_dock: QWidget

        def action(self, name: str) -> QAction: ...
        def run_backward(self) -> None: ...
        def show_undo_tips(self, *_args: object) -> None: ...
        def close(self) -> bool: ...
        def style(self) -> QStyle: ...
        def menuBar(self) -> QMenuBar: ...
        def addAction(self, action: QAction) -> None: ...
        def removeAction(self, action: QAction) -> None: ...
        def addToolBar(self, area: Qt.ToolBarArea, bar: QToolBar) -> None: ...
        def findChild(self, kind: type, name: str) -> Any: ...
        def width(self) -> int: ...
        def size(self) -> QSize: ...


APP_NAME = "Backprop Playground"
GRAPH_ACTIONS = (
    "cut", "copy", "paste", "duplicate", "delete", "rename", "select_all", "fit",
    "zoom_in", "zoom_out", "zoom_reset", "auto_layout", "forward", "backward", "zero_grad",
    "mark_output", "group", "ungroup", "open_group", "up_level",
    "step_forward", "step_backward", "step_play", "step_reset",
)
"""Actions that work on the canvas: off while the Training tab is showing (Delete there would
change a graph the learner cannot see). Undo and Redo are not among them: they act on the
window's undo group's active stack, the painting's while the Training tab shows."""
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


def build_actions(w: MainWindow) -> None:
    f = w.files
    k = QKeySequence.StandardKey
    def a(name, text, slot, **kw) -> QAction:
        return make_action(w, name, text, slot, **kw)

    w.actions_by_name: dict[str, QAction] = {}
    acts = [
        a("new", "&New", f.new, shortcut=k.New, tip="Start an empty graph"),
        a("open", "&Open…", f.open_dialog, shortcut=k.Open, tip="Open a graph file",
          icon=w.style().standardIcon(w.style().StandardPixmap.SP_DialogOpenButton)),
        a("save", "&Save", f.save, shortcut=k.Save, tip="Save the graph",
          icon=w.style().standardIcon(w.style().StandardPixmap.SP_DialogSaveButton)),
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
        a("quit", "&Quit", w.close, shortcut=k.Quit, tip="Close the window"),
        a("cut", "Cu&t", w.edits.cut, shortcut=k.Cut, tip="Cut the selected nodes"),
        a("copy", "&Copy", w.edits.copy, shortcut=k.Copy, tip="Copy the selected nodes"),
        a("paste", "&Paste", w.edits.paste, shortcut=k.Paste, tip="Paste copied nodes"),
        a("duplicate", "D&uplicate", w.edits.duplicate, shortcut="Ctrl+D",
          tip="Duplicate the selected nodes"),
        a("delete", "&Delete", w.edits.delete, shortcut=k.Delete,
          tip="Delete the selected nodes and wires"),
        a("rename", "&Rename", w.edits.rename, shortcut="F2",
          tip="Rename the selected card (a node or a group) on the canvas"),
        a("select_all", "Select &All", w.edits.select_all, shortcut=k.SelectAll,
          tip="Select every node"),
        a("fit", "&Fit Graph", w.view.fit_all, shortcut="F", icon=icons.fit_icon(),
          tip="Zoom to show the whole graph"),
        a("zoom_in", "Zoom &In", w.view.zoom_in, shortcut=k.ZoomIn, tip="Zoom in"),
        a("zoom_out", "Zoom &Out", w.view.zoom_out, shortcut=k.ZoomOut, tip="Zoom out"),
        a("zoom_reset", "&Actual Size", w.view.reset_zoom, shortcut="Ctrl+0",
          tip="Zoom to 100%"),
        a("auto_layout", "Auto &Layout", w.edits.auto_layout, shortcut="Ctrl+L",
          icon=icons.layout_icon(), tip="Arrange the nodes in layers, inputs on the left"),
        a("forward", "&Forward", w.display.forward, shortcut="F5",
          icon=icons.forward_icon(), tip="Compute every node's data (forward pass)"),
        a("backward", "&Backward", w.run_backward, shortcut="Ctrl+B",
          icon=icons.backward_icon(),
          tip="Compute every node's grad: d(output)/d(node) (backward pass)"),
        # Ctrl+Shift+G is Ungroup's (as Ctrl+G is Group's, in most editors)
        a("zero_grad", "&Zero Grads", w.display.zero_grad, shortcut="Ctrl+Alt+G",
          icon=icons.zero_icon(), tip="Set every grad to 0, like micrograd's zero_grad"),
        a("auto_forward", "&Auto-Forward on Edit", w.display.set_auto_forward,
          checkable=True, tip="Recompute data after every edit"),
        a("mark_output", "&Mark as Output", w.edits.toggle_output, shortcut="Ctrl+M",
          tip="Make the selected node the one Backward starts from"),
        a("group", "&Group", w.groups.group, shortcut="Ctrl+G",
          tip="Make the selected nodes one group node: the same numbers, one card"),
        a("ungroup", "&Ungroup", w.groups.ungroup, shortcut="Ctrl+Shift+G",
          tip="Put the selected group's nodes back on the canvas"),
        a("open_group", "&Open Group", w.groups.open_group,
          tip="Show what is inside the selected group (or double-click it)"),
        a("up_level", "Up One &Level", w.groups.up, shortcut="Alt+Up",
          tip="Leave the open group for the level above (Backspace with nothing selected)"),
        a("shortcuts", "&Keyboard Shortcuts", lambda: show_shortcuts(w),
          shortcut=k.HelpContents, tip="Every keyboard shortcut, read from the menus' actions"),
        a("about", "&About Backprop Playground", lambda: about(w), tip="About this program"),
    ]
    w.actions_by_name = {act.objectName(): act for act in acts}
    w.actions_by_name["auto_forward"].setChecked(True)
    w.actions_by_name["mark_output"].setCheckable(True)
    w.actions_by_name["quit"].setMenuRole(QAction.MenuRole.QuitRole)
    w.actions_by_name["about"].setMenuRole(QAction.MenuRole.AboutRole)
    # Fit is a plain letter: only when the canvas has focus, so typing elsewhere is safe.
    fit = w.actions_by_name["fit"]
    w.removeAction(fit)
    fit.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    w.view.addAction(fit)

    # Through the undo group: the graph's stack, or the painting's while the Training tab
    # shows (the tab sets the group's active stack), so Edit ▸ Undo undoes what is on screen.
    group = w.undo_group
    undo = group.createUndoAction(w, "&Undo")
    undo.setObjectName("undo")
    undo.setShortcut(QKeySequence(k.Undo))
    undo.setIcon(w.style().standardIcon(w.style().StandardPixmap.SP_ArrowBack))
    redo = group.createRedoAction(w, "&Redo")
    redo.setObjectName("redo")
    # Every platform binding (Ctrl+Y and Ctrl+Shift+Z here): QKeySequence(k.Redo) is
    # only the first, so Ctrl+Shift+Z did nothing.
    redo.setShortcuts(k.Redo)
    redo.setIcon(w.style().standardIcon(w.style().StandardPixmap.SP_ArrowForward))
    for act in (undo, redo):
        # The Edit menu says what will be undone ("Undo Connect f → L (2nd input)"); the
        # toolbar button keeps one short word, so nothing on the toolbar moves as the
        # text changes, and its tooltip has the whole description.
        act.setIconText("Undo" if act is undo else "Redo")
        w.addAction(act)
        w.actions_by_name[act.objectName()] = act
    group.undoTextChanged.connect(w.show_undo_tips)
    group.redoTextChanged.connect(w.show_undo_tips)
    group.activeStackChanged.connect(w.show_undo_tips)
    show_undo_tips(w)

    for name in ("show_palette", "show_inspector", "show_messages"):
        dock = {"show_palette": w.palette_dock, "show_inspector": w.inspector,
                "show_messages": w.messages.dock}[name]
        toggle = dock.toggleViewAction()
        toggle.setObjectName(name)
        toggle.setText(f"Show {dock.windowTitle()}" if name != "show_messages" else "&Messages")
        toggle.setToolTip(f"Show or hide the {dock.windowTitle().lower()} panel")
        w.actions_by_name[name] = toggle


def show_undo_tips(w: MainWindow) -> None:
    group = w.undo_group
    for name, what, empty in (("undo", group.undoText(), "Nothing to undo"),
                              ("redo", group.redoText(), "Nothing to redo")):
        act = w.action(name)
        keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{act.iconText()} {what}" if what else empty
        act.setToolTip(f"{tip} ({keys})")
        act.setStatusTip(tip)


def group_graph_actions(w: MainWindow) -> None:
    """The canvas's actions in one group, so the Training tab can switch them all off
    (an action that enables itself meanwhile, like Undo, stays off until the group is on
    again: Qt's QActionGroup keeps both states)."""
    group = QActionGroup(w)
    group.setObjectName("graph_actions")
    group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
    for name in GRAPH_ACTIONS:
        act = w.actions_by_name.get(name)
        if act is not None:
            group.addAction(act)
    w.graph_actions = group


def build_menus(w: MainWindow) -> None:
    act = w.action
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.setObjectName("menu_file")
    file_menu.addAction(act("new"))
    file_menu.addAction(act("open"))
    w.examples_menu = file_menu.addMenu("Open &Example")
    w.examples_menu.setObjectName("menu_examples")
    w.files.fill_examples_menu(w.examples_menu)
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.recent_menu.setObjectName("menu_recent")
    w.recent_menu.aboutToShow.connect(lambda: w.files.fill_recent_menu(w.recent_menu))
    w.files.fill_recent_menu(w.recent_menu)
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
    for name in ("undo", "redo", None, "cut", "copy", "paste", "duplicate", "delete", "rename",
                 None, "select_all"):
        edit.addSeparator() if name is None else edit.addAction(act(name))

    view = bar.addMenu("&View")
    view.setObjectName("menu_view")
    for name in ("fit", "zoom_in", "zoom_out", "zoom_reset", None, "auto_layout", None,
                 "show_palette", "show_inspector", "show_messages"):
        view.addSeparator() if name is None else view.addAction(act(name))

    graph = bar.addMenu("&Graph")
    graph.setObjectName("menu_graph")
    for name in ("forward", "backward", "zero_grad", None, "auto_forward", "mark_output", None,
                 "group", "ungroup", "open_group", "up_level"):
        graph.addSeparator() if name is None else graph.addAction(act(name))

    help_menu = bar.addMenu("&Help")
    help_menu.setObjectName("menu_help")
    help_menu.addAction(act("shortcuts"))
    help_menu.addAction(act("about"))


def build_toolbar(w: MainWindow) -> None:
    bar = QToolBar("Toolbar", w)
    bar.setObjectName("main_toolbar")
    bar.setAccessibleName("Main toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setMovable(False)
    for name in ("open", "save", None, "undo", "redo", None, "forward", "backward",
                 "zero_grad", None, "auto_layout", "fit"):
        if name is None:
            bar.addSeparator()
        else:
            bar.addAction(w.action(name))
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    w.toolbar = bar
    toggle = bar.toggleViewAction()
    toggle.setObjectName("show_toolbar")
    w.actions_by_name["show_toolbar"] = toggle
    w.findChild(QMenu, "menu_view").addAction(toggle)
    for name in ("forward", "backward"):
        button = bar.widgetForAction(w.action(name))
        button.setObjectName(f"toolbutton_{name}")
        button.setAccessibleName(w.action(name).text().replace("&", ""))


def fit_toolbar(w: MainWindow) -> None:
    """Keep every toolbar button in view (nothing hidden behind »): when the words do not
    fit, buttons show only their icons, step by step (``ICON_ONLY_STEPS``), Forward and
    Backward last."""
    bar = getattr(w, "toolbar", None)
    if bar is None or not hasattr(w, "toolbar_level"):
        return
    room = w.width()  # the toolbar spans the window (its own width lags on first show)
    for level in range(len(ICON_ONLY_STEPS) + 2):
        _set_toolbar_level(w, level)
        if bar.sizeHint().width() <= room:
            break


def _set_toolbar_level(w: MainWindow, level: int) -> None:
    if level == w.toolbar_level:
        return
    w.toolbar_level = level
    bar = w.toolbar
    for act in bar.actions():
        button = bar.widgetForAction(act)
        if not isinstance(button, QToolButton):
            continue
        step = next((i + 1 for i, names in enumerate(ICON_ONLY_STEPS)
                     if act.objectName() in names), len(ICON_ONLY_STEPS) + 1)
        short = not act.icon().isNull() and step <= level
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if short
                                  else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)


def about(w: MainWindow) -> None:
    QMessageBox.about(
        w,
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
