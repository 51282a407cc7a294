"""Light or dark: what every widget that paints its own colours asks of the palette.

View ▸ Theme sets the application's palette; a widget learns of it by a change event and
asks ``is_dark`` which of its two colour sets to use.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

CHANGES = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


def is_dark(widget: QWidget, role: QPalette.ColorRole = QPalette.ColorRole.Window) -> bool:
    """Is ``widget``'s palette a dark theme's (its ``role`` colour darker than mid grey)?"""
    return widget.palette().color(role).lightness() < 128


def palette_changed(event: QEvent) -> bool:
    """Is ``event`` (a ``changeEvent``'s) a new palette, the widget's or the application's?"""
    return event.type() in CHANGES
