"""Small helpers shared by the teaching panels: colours that read on light and dark palettes,
HTML escaping, a fixed-width font, and ``TabPause`` (a tool's place kept while another Learn
tab shows)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QTableWidgetItem, QWidget

from playground.ui.widgets.palette import is_dark


def good_colour(widget: QWidget) -> str:
    return "#56d364" if is_dark(widget) else "#1a7f37"


def bad_colour(widget: QWidget) -> str:
    return "#ff7b72" if is_dark(widget) else "#c62828"


def good_fill(widget: QWidget) -> QColor:
    return QColor("#1f3d26") if is_dark(widget) else QColor("#dcf5e3")


def bad_fill(widget: QWidget) -> QColor:
    return QColor("#4a1f1f") if is_dark(widget) else QColor("#fde0e0")


def muted_colour(widget: QWidget) -> str:
    return "#9da5ae" if is_dark(widget) else "#5c6670"


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


class TabPause:
    """A Learn tool's place, kept while another Learn tab shows: ``leave`` gives the canvas its
    real numbers back; ``back`` shows the tool again, unless the graph's numbers changed
    meanwhile (then the tool is ``interrupted()``). ``tool`` has ``teaching`` and
    ``interrupted``."""

    def __init__(self, tool: Any) -> None:
        self.tool = tool
        self.left_at: str | None = None
        """The document's numbers key when the tab was left mid-way (None: nothing kept)."""

    def leave(self) -> None:
        teaching = self.tool.teaching
        self.left_at = teaching.doc.numbers_key()
        teaching.restore(self.tool)

    def back(self, active: bool, show: Callable[[], None]) -> None:
        """The tab shows again; ``active``: the tool still has a run (steps, a round)."""
        left_at, self.left_at = self.left_at, None
        teaching = self.tool.teaching
        if not active or left_at is None or teaching.owner is self.tool:
            return
        teaching.display.flush()
        if left_at != teaching.doc.numbers_key():
            self.tool.interrupted()
            return
        show()
