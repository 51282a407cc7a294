"""The training panel in the main window: ``install(window) -> TrainingDock``.

Adds, with one call from the window:
- a **Training** dock (objectName ``training_dock``) at the bottom, hidden until asked for. Its
  ``TrainingPanel`` is created the first time the dock is shown: the panel's module pulls in
  the trainer, and its plots import matplotlib (half a second), so the window starts without
  them;
- **View ▸ Training Panel** (action ``show_training``, Ctrl+Shift+T), registered in
  ``window.actions_by_name``;
- the panel's "Show network on canvas" opens the network's graph as the window's document
  (asking first if the open graph has unsaved changes) and runs Backward, so every node shows
  its data and grad; while following training, a newer graph of the same network replaces the
  shown one in place, as long as the user has not edited it;
- a run still going is stopped when the window closes or the application quits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMenu

from playground.graph.document import GraphDocument

__all__ = ["DOCK_HEIGHT", "TrainingDock", "install"]

DOCK_HEIGHT = 440


class TrainingDock(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.panel = None  # TrainingPanel, made on first show
        self._network_title: str | None = None
        self.dock = QDockWidget("Training", window)
        self.dock.setObjectName("training_dock")
        self.dock.setAccessibleName("Training panel")
        placeholder = QLabel("Loading the training panel…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dock.setWidget(placeholder)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._on_visibility)

        self.action = self.dock.toggleViewAction()
        self.action.setObjectName("show_training")
        self.action.setText("&Training Panel")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        tip = "Train a small MLP and watch it learn: loss, accuracy, decision boundary"
        self.action.setToolTip(f"{tip} (Ctrl+Shift+T)")
        self.action.setStatusTip(tip)
        window.addAction(self.action)
        window.actions_by_name["show_training"] = self.action
        view = window.findChild(QMenu, "menu_view")
        if view is not None:
            view.addAction(self.action)

        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- the panel ------------------------------------------------------------------------

    def show(self) -> Any:
        """Show the dock (making the panel if needed) and return the panel."""
        self.dock.show()
        self.dock.raise_()
        return self.ensure_panel()

    def ensure_panel(self) -> Any:
        if self.panel is None:
            from playground.ui.training_panel import TrainingPanel

            self.panel = TrainingPanel()
            self.panel.show_graph_requested.connect(self.show_graph)
            self.panel.refresh_graph_requested.connect(self.refresh_graph)
            old = self.dock.widget()
            self.dock.setWidget(self.panel)
            old.deleteLater()
        return self.panel

    def _on_visibility(self, visible: bool) -> None:
        if visible and self.panel is None:
            self.ensure_panel()
            if not self.dock.isFloating():  # room for the plots the first time
                self.window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    # --- the network on the canvas ------------------------------------------------------

    def show_graph(self, doc: GraphDocument) -> bool:
        """Open ``doc`` as the window's graph (asking about unsaved changes) and run Backward."""
        w = self.window
        if not w.files.maybe_save():
            return False
        title = "network (training panel)"
        w.files.install(doc, None, title)
        self._network_title = w.files.name
        w.controller.backward()
        note = getattr(self.panel, "graph_note", "")
        w.show_status(f"{note} Zoom in (Ctrl++) or hide the Training panel (Ctrl+Shift+T) to "
                      f"read every number.".strip())
        return True

    def refresh_graph(self, doc: GraphDocument) -> bool:
        """Replace the shown network with ``doc`` (the same network, newer weights), keeping the
        view, if it is still the panel's graph and the user has not edited it."""
        w = self.window
        if self._network_title is None or w.files.name != self._network_title:
            return False
        if w.undo_stack.count() != 0 or w.files.path is not None:
            return False
        w.doc.replace_with(doc)
        w.controller.backward()
        return True

    # --- shutting down --------------------------------------------------------------------

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Close:
            # the window may still refuse to close (unsaved changes): decide after it has
            QTimer.singleShot(0, self, self._after_close)
        return False

    def _after_close(self) -> None:
        if not self.window.isVisible():
            self.shutdown()


def install(window: Any) -> TrainingDock:
    """Add the training dock and its menu action to ``window`` (see the module docstring)."""
    return TrainingDock(window)
