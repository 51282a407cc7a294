"""Painting your own data: the tools under the data preview, and what a click means.

``PaintTools`` is a row of widgets: the class a left click adds (a picker of ``MAX_CLASSES``
colours; a right click adds class 1, or class 0 when class 1 is chosen), Erase (a drag removes
the points it passes over), Clear, Undo and Redo (Ctrl+Z, Ctrl+Shift+Z on the Training tab;
in the main window those keys are Edit ▸ Undo/Redo's, which act on the painting there)
and Export CSV (the loader's format, ``training.painted.write_csv``).

``Painter`` turns the gestures of a painting surface (the data preview, the decision-boundary
plot) into edits of the ``PaintedSet``, each one undoable command through the ``PaintEditor``
(an eraser drag merges into one). It decides nothing else: the form reads the points into the
``TrainConfig`` and the views follow the set's events. ``allowed()`` says why painting is off
right now ("" when it is on): the panel locks the data while a run is under way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QComboBox, QFileDialog, QToolButton, QWidget

from playground.training.painted import (
    MAX_CLASSES,
    PaintedSet,
    PaintError,
    erase_near,
    write_csv,
)
from playground.ui.editor import PaintEditor
from playground.ui.training.preview import CLASS_QCOLORS
from playground.ui.widgets.flow_layout import FlowLayout

__all__ = ["PaintTools", "Painter"]


def _swatch(color: str) -> QIcon:
    pix = QPixmap(QSize(12, 12))
    pix.fill(QColor(color))
    return QIcon(pix)


def _button(name: str, text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setObjectName(name)
    b.setText(text)
    b.setToolTip(tip)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return b


class PaintTools(QWidget):
    """The painting tools' row (see the module docstring)."""

    def __init__(self, editor: PaintEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paint_tools")
        row = FlowLayout(self, spacing=3)  # wraps: the settings column may be narrow
        self.picker = QComboBox()
        self.picker.setObjectName("paint_class")
        self.picker.setAccessibleName("Class a left click adds")
        self.picker.setToolTip("The class a left click adds (a right click adds class 1, or "
                               "class 0 when class 1 is chosen)")
        for k in range(MAX_CLASSES):
            self.picker.addItem(_swatch(CLASS_QCOLORS[k]), f"class {k}", k)
        self.erase = _button("paint_erase", "Erase", "Erase mode: drag over points to remove "
                                                     "them (click again to add points)")
        self.erase.setCheckable(True)
        self.clear = _button("paint_clear", "Clear", "Remove every painted point (Ctrl+Z brings "
                                                     "them back)")
        self.undo = editor.stack.createUndoAction(self, "Undo")
        self.undo.setObjectName("paint_undo")
        self.undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo = editor.stack.createRedoAction(self, "Redo")
        self.redo.setObjectName("paint_redo")
        self.redo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        undo_button, redo_button = QToolButton(), QToolButton()
        for b, act in ((undo_button, self.undo), (redo_button, self.redo)):
            # one short word on the button (the action's text grows: "Undo Add a class 0
            # point"); the tooltip says the whole of it
            act.setIconText(act.objectName().removeprefix("paint_").capitalize())
            b.setDefaultAction(act)
            b.setObjectName(f"{act.objectName()}_button")
        self._keys = {act: act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                      for act in (self.undo, self.redo)}
        """The keys the tooltips name (they stay the same once the window takes them)."""
        editor.stack.indexChanged.connect(self._undo_tips)
        self._undo_tips()
        self.export = _button("paint_export", "CSV…", "Save the painted points as a CSV file "
                                                      "(x1, x2, label): the CSV dataset reads it")
        for w in (self.picker, self.erase, self.clear, undo_button, redo_button, self.export):
            row.addWidget(w)

    def _undo_tips(self, *_args: object) -> None:
        for act, empty in ((self.undo, "Nothing to undo"), (self.redo, "Nothing to redo")):
            try:
                act.setToolTip(f"{act.text() if act.isEnabled() else empty} ({self._keys[act]})")
            except RuntimeError:  # the panel is being destroyed: its actions go first
                return

    def leave_keys_to_window(self) -> None:
        """In the main window, Edit ▸ Undo/Redo (the same keys) act on the painting while the
        Training tab shows: the buttons keep working, their own keys go, as Qt runs neither of
        two enabled actions bound to one key ("ambiguous shortcut")."""
        for act in (self.undo, self.redo):
            act.setShortcuts([])

    def actions_for_shortcuts(self) -> list:
        """Undo and Redo, for the widget whose visibility scopes their keys (the panel)."""
        return [self.undo, self.redo]

    @property
    def chosen(self) -> int:
        return int(self.picker.currentData())

    def class_for(self, button: str) -> int:
        if button == "left":
            return self.chosen
        return 0 if self.chosen == 1 else 1

    @property
    def erasing(self) -> bool:
        return self.erase.isChecked()


class Painter(QObject):
    """Gestures -> painting commands (see the module docstring)."""

    message = Signal(str)
    """Words for the learner: why a click did nothing, where a file went."""

    def __init__(self, painted: PaintedSet, editor: PaintEditor, tools: PaintTools,
                 allowed: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.painted, self.editor, self.tools = painted, editor, tools
        self.allowed = allowed
        self._drag = ""
        self._drags = itertools.count(1)
        editor.refused.connect(self.message)
        tools.clear.clicked.connect(self.clear)
        tools.export.clicked.connect(self.export_dialog)

    # --- gestures (from any painting surface) ----------------------------------------------

    def press(self, x: float, y: float, button: str, radius: float) -> None:
        why = self.allowed()
        if why:
            self.message.emit(why)
            return
        if self.tools.erasing:
            self._drag = f"erase {next(self._drags)}"
            self._erase(x, y, radius)
            return
        cls = self.tools.class_for(button)
        try:
            points = self.painted.with_point(x, y, cls)
        except PaintError as exc:  # the set is full
            self.message.emit(str(exc))
            return
        self.editor.set_points(self.painted, points, f"Add a class {cls} point")

    def drag(self, x: float, y: float, radius: float) -> None:
        if self._drag:
            self._erase(x, y, radius)

    def release(self) -> None:
        self._drag = ""

    def _erase(self, x: float, y: float, radius: float) -> None:
        gone = erase_near(self.painted.points, (x, y), radius)
        if gone:
            n = len(gone)
            self.editor.set_points(self.painted, self.painted.without(gone),
                                   f"Erase {n} point{'s' * (n != 1)}", merge_key=self._drag)

    # --- buttons ---------------------------------------------------------------------------

    def clear(self) -> None:
        why = self.allowed()
        if why:
            self.message.emit(why)
            return
        n = len(self.painted)
        if n:
            self.editor.set_points(self.painted, (), f"Clear {n} point{'s' * (n != 1)}")

    def export_csv(self, path: str | Path) -> Path | None:
        """Write the points as CSV; None (and a message) if they cannot be."""
        try:
            out = write_csv(self.painted.points, path)
        except PaintError as exc:
            self.message.emit(f"Can't save the painted points: {exc}")
            return None
        except OSError as exc:
            self.message.emit(f"Can't write {path}: {exc.strerror or exc}")
            return None
        self.message.emit(f"Saved {len(self.painted)} painted points to {out} (the CSV dataset "
                          f"reads it)")
        return out

    def export_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.tools, "Save the painted points as CSV",
                                              "painted.csv", "CSV files (*.csv)")
        return self.export_csv(path) if path else None

