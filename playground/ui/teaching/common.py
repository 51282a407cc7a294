"""Small helpers shared by the teaching panels: colours that read on light and dark palettes,
HTML escaping, a fixed-width font."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QTableWidgetItem, QWidget


def dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def good_colour(widget: QWidget) -> str:
    return "#56d364" if dark(widget) else "#1a7f37"


def bad_colour(widget: QWidget) -> str:
    return "#ff7b72" if dark(widget) else "#c62828"


def good_fill(widget: QWidget) -> QColor:
    return QColor("#1f3d26") if dark(widget) else QColor("#dcf5e3")


def bad_fill(widget: QWidget) -> QColor:
    return QColor("#4a1f1f") if dark(widget) else QColor("#fde0e0")


def muted_colour(widget: QWidget) -> str:
    return "#9da5ae" if dark(widget) else "#5c6670"


def mono() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    return font


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def table_item(text: str, mono_font: bool = False) -> QTableWidgetItem:
    """A table cell; numbers (``mono_font``) in the monospace font, right-aligned."""
    item = QTableWidgetItem(text)
    if mono_font:
        item.setFont(mono())
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
