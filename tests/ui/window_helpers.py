"""Shared set-up for the main-window tests: an isolated window and dialog stand-ins.

Every window gets its own QSettings file under ``tmp_path`` (the user's settings are never
touched), and QMessageBox's static functions are replaced by recorders, so no test can hang on
a modal dialog: ``dialogs.answers`` says what ``question`` returns next (Discard by default),
``dialogs.calls`` records every dialog shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.app import make_app, show_start_example
from playground.ui.window.main_window import MainWindow


@dataclass
class Dialogs:
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    answers: list[QMessageBox.StandardButton] = field(default_factory=list)
    open_files: list[str] = field(default_factory=list)
    save_files: list[str] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]

    def texts(self, kind: str) -> list[str]:
        return [c[2] for c in self.calls if c[0] == kind]


def install_dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    dialogs = Dialogs()

    def recorder(kind: str, default: QMessageBox.StandardButton):
        def show(parent: Any, title: str, text: str, *args: Any, **kwargs: Any):
            dialogs.calls.append((kind, title, text))
            if kind == "question" and dialogs.answers:
                return dialogs.answers.pop(0)
            return default

        return show

    ok, discard = QMessageBox.StandardButton.Ok, QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", recorder("question", discard))
    for kind in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind, ok))
    monkeypatch.setattr(QMessageBox, "about", lambda *a, **k: dialogs.calls.append(("about",)))

    def get_open(parent: Any, caption: str = "", folder: str = "", filter_: str = "", *a: Any,
                 **k: Any):
        dialogs.calls.append(("open_dialog", caption, folder))
        return (dialogs.open_files.pop(0) if dialogs.open_files else "", "")

    def get_save(parent: Any, caption: str = "", folder: str = "", filter_: str = "", *a: Any,
                 **k: Any):
        dialogs.calls.append(("save_dialog", caption, folder))
        return (dialogs.save_files.pop(0) if dialogs.save_files else "", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save)
    return dialogs


def settings_at(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def new_window(
    qtbot: Any,
    settings_file: Path,
    *,
    example: bool = True,
    size: tuple[int, int] | None = (1240, 780),
) -> MainWindow:
    make_app()
    window = MainWindow(settings=settings_at(settings_file))
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    if example:
        assert show_start_example(window)
    return window


def node_lines(window: MainWindow, node_id: str) -> list[str]:
    """What the canvas item of ``node_id`` paints, top to bottom."""
    item = window.scene.node_item(node_id)
    assert item is not None, f"no item for {node_id}"
    return item.display_lines()


def shown(window: MainWindow, node_id: str, row: str) -> str:
    """The text painted in the ``row`` ("data" or "grad") of a node on the canvas."""
    for line in node_lines(window, node_id):
        if line.startswith(row + " "):
            return line[len(row) + 1 :]
    raise AssertionError(f"{node_id} shows no {row} row: {node_lines(window, node_id)}")


def by_label(window: MainWindow) -> dict[str, str]:
    return {window.doc.label(n): n for n in window.doc.node_ids()}


def view_point(window: MainWindow, node_id: str) -> QPoint:
    """A viewport point on the middle of a node's card."""
    item = window.scene.node_item(node_id)
    body = getattr(item, "body", item.boundingRect())
    return window.view.mapFromScene(item.mapToScene(body.center()))
