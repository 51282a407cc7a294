"""One way to make a window action: the main window's and the Learn menu's are built alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(
    parent: QWidget,
    name: str,
    text: str,
    slot: Callable[..., Any],
    *,
    shortcut: QKeySequence.StandardKey | str | None = None,
    tip: str = "",
    icon: Any = None,
    checkable: bool = False,
) -> QAction:
    """A QAction on ``parent`` (so its shortcut works anywhere in the window), named ``name``;
    its tooltip, status tip and What's This say ``tip`` (or the text) with the shortcut."""
    action = QAction(text, parent)
    action.setObjectName(name)
    if icon is not None:
        action.setIcon(icon)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    plain = text.replace("&", "").replace("…", "")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    tooltip = tip or plain
    action.setToolTip(f"{tooltip} ({keys})" if keys else tooltip)
    action.setStatusTip(tooltip)
    action.setWhatsThis(tooltip)
    action.setCheckable(checkable)
    if checkable:
        action.toggled.connect(slot)
    else:
        action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)
    return action
