"""``WindowParts``: what the window's rooms (edit and file actions, autosave) use of the window.

The rooms are handed the main window, but they know it only through this protocol, so they
depend on the parts (the document, the editor, the display model, the canvas, the inspector),
never on ``main_window.py``, which builds them: no import runs in a circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from playground.graph.document import GraphDocument
    from playground.ui.canvas.scene import GraphScene
    from playground.ui.canvas.view import GraphView
    from playground.ui.display import DisplayModel
    from playground.ui.editor import Editor
    from playground.ui.inspector.inspector import Inspector


class WindowParts(Protocol):
    doc: GraphDocument
    editor: Editor
    undo_stack: QUndoStack
    display: DisplayModel
    scene: GraphScene
    view: GraphView
    inspector: Inspector
    settings: QSettings

    def show_status(self, message: str) -> None: ...

    def select(self, ids: list[str]) -> None: ...

    def clear_selection(self) -> None: ...

    def update_actions(self, ids: list[str] | None = None) -> None: ...

    def setWindowTitle(self, title: str) -> None: ...

    def setWindowModified(self, modified: bool) -> None: ...
