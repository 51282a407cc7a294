"""The training panel in the main window: ``install(window) -> TrainingTab``.

Adds, with one call from the window:
- a **Training** tab next to the canvas's **Graph** tab in the middle of the window (the
  window's central widget becomes a ``QTabWidget``, objectName ``central_tabs``, whose tab bar
  shows only once there are two tabs). The training panel gets the whole middle of the window
  for its plots and the canvas keeps its full height; at 1280x800 a bottom dock left the canvas
  270 px and the network unreadable. The tab and its ``TrainingPanel`` are made the first time
  they are asked for: the panel's module pulls in the trainer, and its plots import matplotlib
  (half a second), so the window starts without them;
- **View ▸ Training Panel** (action ``show_training``, Ctrl+Shift+T), registered in
  ``window.actions_by_name``: opens the Training tab, or, when it is the current tab, goes
  back to the Graph tab. The tab's close button (a plain "×" whose tooltip says what it does)
  removes it (a run goes on; the status bar says how to get it back). While the Training tab
  is current, the docks that work on the graph (palette, inspector, Learn) are
  hidden, so the plots get the whole width; the Graph tab brings them back. The tab bar does
  not move with them: while they are hidden it is indented by the width they took, so the
  next click on a tab lands where the tab was. Edit ▸ Undo/Redo and the toolbar's act on the
  painted data while the tab is current (the tab makes the painting's stack the active one of
  the window's ``undo_group``), on the graph otherwise;
- the panel's "Show network on canvas" opens the network's graph as the window's document
  (asking first if the open graph has unsaved changes), runs Backward and switches to the
  Graph tab, so every node shows its data and grad; while following training, a newer graph
  of the same network replaces the shown one in place, as long as the user has not edited it;
- a run still going is stopped when the window closes or the application quits;
- the panel's settings, painted points included, are the app's session: saved in the window's
  settings (``SESSION_KEY``, the config as JSON) when the window closes, and put back in the
  form when the panel is next made. A value that does not read back (an old or hand-edited
  one) is dropped with a word on the panel; the defaults stay. Painted points that differ
  from the session's go into the window's autosave meanwhile (``unsaved_painting``, read by
  ``ui/window/autosave.py``), and come back after a crash (``recover_painting``).

A ``QTabWidget`` is as big as its biggest page, hidden ones included: once the Training tab
existed, the window could no longer be narrower than the panel plus the graph's docks (1125 px),
and going back to the Graph tab made a 1024 px window grow past the screen. So every page but
the current one gets an ``Ignored`` size policy (its own is restored when it is shown again):
a hidden page never sets the window's size.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QSizePolicy,
    QStyle,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

from playground.graph.document import GraphDocument
from playground.graph.names import derivative
from playground.training.config import TrainConfig
from playground.training.painted import PaintError, normalise

__all__ = ["GRAPH_TAB", "SESSION_KEY", "TRAINING_TAB", "TrainingTab", "install"]

SESSION_KEY = "training/config"
"""Where the window's settings keep the training panel's config (JSON)."""

GRAPH_TAB = "Graph"
TRAINING_TAB = "Training"
CLOSE_TIP = ("Close the Training tab. A run goes on, and View ▸ Training Panel "
             "(Ctrl+Shift+T) opens the tab again with its plots.")


def central_tabs(window: Any) -> QTabWidget:
    """The window's central widget as tabs, the canvas the first ("Graph") and only one."""
    tabs = window.centralWidget()
    if isinstance(tabs, QTabWidget):
        return tabs
    canvas = window.takeCentralWidget()
    tabs = QTabWidget(window)
    tabs.setObjectName("central_tabs")
    tabs.setAccessibleName("Graph and training")
    tabs.setDocumentMode(True)
    tabs.setTabBarAutoHide(True)  # one tab: no tab bar, the canvas looks as it always did
    tabs.setTabsClosable(True)
    tabs.addTab(canvas, GRAPH_TAB)
    tabs.setTabToolTip(0, "The graph on the canvas")
    for side in (QTabBar.ButtonPosition.LeftSide, QTabBar.ButtonPosition.RightSide):
        tabs.tabBar().setTabButton(0, side, None)  # the canvas cannot be closed
    window.setCentralWidget(tabs)
    return tabs


class _Indent(QWidget):
    """Empty room left of the tab bar; QTabWidget sizes a corner widget by its size hint."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._width = 0
        self.hide()

    def set_width(self, width: int) -> None:
        self._width = width
        self.setVisible(width > 0)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(self._width, 1)


class TrainingTab(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.panel = None  # TrainingPanel, made on first show
        self._session_points: tuple = ()
        """The painted points the session holds (as restored, or as last saved)."""
        self._network_title: str | None = None
        self._hidden_docks: list[Any] = []
        self._policies: dict[QWidget, QSizePolicy] = {}
        """Each tab page's own size policy, while it is hidden behind another tab."""
        self.tabs = central_tabs(window)
        self._indent = _Indent(self.tabs)
        """Left of the tab bar while the Training tab hides the docks: the bar stays put."""
        self._indent.setObjectName("tab_bar_indent")
        self.tabs.setCornerWidget(self._indent, Qt.Corner.TopLeftCorner)
        self.tabs.tabCloseRequested.connect(self._close_requested)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._refreshing = False
        for dock in self.graph_docks():
            dock.visibilityChanged.connect(self._dock_visibility)
        window.doc.subscribe(self._doc_event)

        self.action = QAction("&Training Panel", window)
        self.action.setObjectName("show_training")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        tip = ("Train a small MLP and watch it learn: loss, accuracy, decision boundary "
               "(again: back to the graph)")
        self.action.setToolTip(f"{tip} (Ctrl+Shift+T)")
        self.action.setStatusTip(tip)
        self.action.triggered.connect(self._toggle)
        window.addAction(self.action)
        window.actions_by_name["show_training"] = self.action
        view = window.findChild(QMenu, "menu_view")
        if view is not None:
            view.addAction(self.action)

        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- the tab ----------------------------------------------------------------------------

    def is_open(self) -> bool:
        """Whether the Training tab is there (current or not)."""
        return self.panel is not None and self.tabs.indexOf(self.panel) >= 0

    def is_current(self) -> bool:
        return self.panel is not None and self.tabs.currentWidget() is self.panel

    def show(self) -> Any:
        """Open the Training tab (making the panel if needed), make it current, return the
        panel."""
        panel = self.ensure_panel()
        if not self.is_open():
            self.tabs.addTab(panel, TRAINING_TAB)
            self.tabs.setTabToolTip(self.tabs.indexOf(panel),
                                    "Train an MLP (Ctrl+Shift+T switches back to the graph)")
            self._add_close_button(self.tabs.indexOf(panel))
            self.window.show_status("Training: pick a preset (or the settings), then Train. "
                                    "The Graph tab (Ctrl+Shift+T) has the canvas.")
        self.tabs.setCurrentWidget(panel)
        return panel

    def _add_close_button(self, index: int) -> None:
        """A plain "×" with a tooltip instead of the style's close icon: Fusion's is a red ✖
        that read as a problem marker on the tab, and nothing said what closing does."""
        bar = self.tabs.tabBar()
        side = QTabBar.ButtonPosition(self.tabs.style().styleHint(
            QStyle.StyleHint.SH_TabBar_CloseButtonPosition, None, bar))
        button = QToolButton(bar)
        button.setObjectName("training_tab_close")
        button.setText("×")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.ArrowCursor)
        button.setAccessibleName("Close the Training tab")
        button.setToolTip(CLOSE_TIP)
        button.clicked.connect(self.close)
        old = bar.tabButton(index, side)
        bar.setTabButton(index, side, button)
        if old is not None:
            old.deleteLater()

    def show_canvas(self) -> None:
        self.tabs.setCurrentWidget(self.window.view)

    def close(self) -> None:
        """Remove the Training tab (the panel and a run going on stay)."""
        if self.is_open():
            self.tabs.removeTab(self.tabs.indexOf(self.panel))
            self._size_by_current_page()
            self._restore_policy(self.panel)
            self.window.show_status("Training tab closed (a run goes on). View ▸ Training "
                                    "Panel (Ctrl+Shift+T) opens it again.")
        self.show_canvas()

    def _toggle(self) -> None:
        if self.is_current():
            self.show_canvas()
        else:
            self.show()

    def _close_requested(self, index: int) -> None:
        if self.panel is not None and self.tabs.widget(index) is self.panel:
            self.close()

    def graph_docks(self) -> list[Any]:
        """The docks that work on the graph (palette, inspector, Learn): the Training tab
        hides them, so the plots get the whole width, and the Graph tab brings them back."""
        w = self.window
        docks = [w.palette_dock, w.inspector, getattr(getattr(w, "teaching", None), "dock", None)]
        return [d for d in docks if d is not None]

    def _tab_changed(self, _index: int) -> None:
        self._size_by_current_page()
        w = self.window
        w.undo_group.setActiveStack(self.panel.form.paint_editor.stack if self.is_current()
                                    else w.undo_stack)
        if self.is_current():
            if not self._hidden_docks:
                self._hidden_docks = [d for d in self.graph_docks()
                                      if d.isVisible() and not d.isFloating()]
                before = self.tabs.mapTo(self.window, QPoint(0, 0)).x()
                for dock in self._hidden_docks:
                    dock.hide()
                self._keep_tab_bar_at(before)
        else:
            self._indent.set_width(0)
            hidden, self._hidden_docks = self._hidden_docks, []
            for dock in hidden:
                dock.show()

    def _keep_tab_bar_at(self, x: int) -> None:
        """The left docks went away and the tabs moved left with them: indent the tab bar by
        as much, so the tab just clicked stays under the mouse (the page below still gets the
        whole width; the indent is only in the tab bar's row)."""
        layout = self.window.layout()
        if layout is not None:
            layout.activate()  # the docks' space is given back now, not on the next event
        shift = x - self.tabs.mapTo(self.window, QPoint(0, 0)).x()
        if shift > 0:
            self._indent.set_width(shift)

    def _size_by_current_page(self) -> None:
        """Only the current page's size hints count (see the module docstring)."""
        current = self.tabs.currentWidget()
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            if page is current:
                self._restore_policy(page)
            elif page not in self._policies:
                self._policies[page] = page.sizePolicy()
                ignored = QSizePolicy(page.sizePolicy())
                ignored.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
                ignored.setVerticalPolicy(QSizePolicy.Policy.Ignored)
                page.setSizePolicy(ignored)

    def _restore_policy(self, page: QWidget) -> None:
        policy = self._policies.pop(page, None)
        if policy is not None:
            page.setSizePolicy(policy)

    def _dock_visibility(self, visible: bool) -> None:
        if visible and self.is_current():  # a graph tool was asked for (Learn menu, View menu)
            self.show_canvas()

    def _doc_event(self, event: Any) -> None:
        if event.kind == "reset" and not self._refreshing and self.is_current():
            self.show_canvas()  # another graph opened (a lesson, an example, a file)

    def ensure_panel(self) -> Any:
        if self.panel is None:
            from playground.ui.training.panel import TrainingPanel

            self.panel = TrainingPanel()
            self._restore_session()
            self._session_points = self.panel.form.painted.points
            # Edit ▸ Undo/Redo (and the toolbar's) undo the painting while this tab shows
            self.window.undo_group.addStack(self.panel.form.paint_editor.stack)
            self.panel.form.paint_tools.leave_keys_to_window()
            self.panel.show_graph_requested.connect(self.show_graph)
            self.panel.refresh_graph_requested.connect(self.refresh_graph)
        return self.panel

    # --- the session ----------------------------------------------------------------------

    def save_session(self) -> None:
        """The panel's settings (painted points included) into the window's settings."""
        if self.panel is None:
            return  # not opened this time: what an earlier session saved stays
        config = self.panel.config().to_dict()
        config.pop("extra", None)
        self.window.settings.setValue(SESSION_KEY, json.dumps(config))
        self._session_points = self.panel.form.painted.points

    def unsaved_painting(self) -> dict[str, Any] | None:
        """The painted points a crash now would lose (they differ from the session's), as
        plain data for the autosave: ``{"points": [[x, y, cls], ...], "dataset": ...}``."""
        if self.panel is None:
            return None
        points = self.panel.form.painted.points
        if points == self._session_points:
            return None
        return {"points": [list(p) for p in points],
                "dataset": self.panel.form.dataset.currentData()}

    def recover_painting(self, painting: Any) -> int:
        """Put autosaved painted points (``unsaved_painting``'s) back as one undo step on the
        painting's stack (Undo there shows the session's points); how many points. Raises
        ``PaintError`` for points that do not read back."""
        if not isinstance(painting, dict):
            raise PaintError("the autosaved painted points are not a list of (x, y, class)")
        points = normalise(painting.get("points") or ())
        form = self.ensure_panel().form
        if painting.get("dataset") == "painted":  # where the learner was painting
            form.dataset.setCurrentIndex(form.dataset.findData("painted"))
        form.paint_editor.set_points(form.painted, points, "Recover painted points")
        return len(points)

    def _restore_session(self) -> None:
        text = self.window.settings.value(SESSION_KEY)
        if not text:
            return
        try:
            self.panel.form.set_config(TrainConfig.from_dict(json.loads(str(text))))
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            self.panel.form.set_config(TrainConfig())
            self.panel.messages.set_notice(  # on the tab, where the learner looks
                f"The saved training settings could not be read ({exc}): the defaults are "
                f"shown.", "error", "session")

    # --- the network on the canvas ------------------------------------------------------

    def show_graph(self, doc: GraphDocument) -> bool:
        """Open ``doc`` as the window's graph (asking about unsaved changes), run Backward and
        show the canvas."""
        w = self.window
        if not w.files.maybe_save():
            return False
        self.show_canvas()
        title = "network (training panel)"
        w.files.install(doc, None, title)
        self._network_title = w.files.name
        w.display.backward()
        note = getattr(self.panel, "graph_note", "")
        first = note.split(". ")[0].rstrip(".") if note else "The network"
        w.show_status(f"{first}: every grad is {derivative('loss', 'node')}. The Training tab "
                      "(Ctrl+Shift+T) has the plots and says what the graph shows.")
        return True

    def refresh_graph(self, doc: GraphDocument) -> bool:
        """Replace the shown network with ``doc`` (the same network, newer weights), keeping the
        view, if it is still the panel's graph and the user has not edited it."""
        w = self.window
        if self._network_title is None or w.files.name != self._network_title:
            return False
        if w.undo_stack.count() != 0 or w.files.path is not None:
            return False
        scope = w.scene.scope  # the layer or neuron the learner opened: the new one has its id
        self._refreshing = True  # following training: the learner may be watching the plots
        try:
            w.doc.replace_with(doc)
        finally:
            self._refreshing = False
        if scope is not None and w.doc.is_group(scope):
            w.scene.set_scope(scope)
        w.display.backward()
        return True

    # --- shutting down --------------------------------------------------------------------

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.save_session()  # before the window syncs its settings
            # back to the graph (and its docks) before the window saves its layout
            self.show_canvas()
            # the window may still refuse to close (unsaved changes): decide after it has
            QTimer.singleShot(0, self, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.shutdown()


def install(window: Any) -> TrainingTab:
    """Add the Training tab and its menu action to ``window`` (see the module docstring)."""
    return TrainingTab(window)
