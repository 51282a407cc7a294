"""The node palette: "Value" plus every op of the op table, grouped by category.

Drag an entry onto the canvas to create the node there (a ``QDrag`` carrying ``NODE_MIME``
with payload ``b"value"`` or ``b"op:<name>"``); double-click an entry (or press Enter in the
filter box) to ask for it at the view centre through ``add_requested``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QDrag, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from playground.ops import by_category

NODE_MIME = "application/x-backprop-playground-node"
"""The MIME type of a palette drag; the canvas accepts it."""

PAYLOAD_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
"""An entry's description as plain text, for the filter (the tool tip is HTML)."""
VALUE_PAYLOAD = "value"
VALUE_TOOLTIP = (
    "A number you set (or a tensor literal like [[1, 2], [3, 4]]): a leaf of the graph, "
    "like a weight or an input."
)


def op_payload(name: str) -> str:
    return f"op:{name}"


class PaletteTree(QTreeWidget):
    """The list itself: categories as branches, node kinds as draggable leaves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("palette_list")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAccessibleName("Node palette")
        self.setToolTip("Drag onto the canvas, or double-click to add at the centre")

    def mimeTypes(self) -> list[str]:
        return [NODE_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        mime = QMimeData()
        payloads = [i.data(0, PAYLOAD_ROLE) for i in items if i.data(0, PAYLOAD_ROLE)]
        if payloads:
            mime.setData(NODE_MIME, payloads[0].encode())
            mime.setText(payloads[0])
        return mime

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def startDrag(self, _supported: Qt.DropAction) -> None:
        """Drag the current entry as a small chip with its name (copy only)."""
        item = self.currentItem()
        if item is None or not item.data(0, PAYLOAD_ROLE):
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        drag.setPixmap(chip(item.text(0), self))
        drag.setHotSpot(QPoint(12, 12))
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)


def chip(text: str, widget: QWidget) -> QPixmap:
    """The picture under the cursor while dragging: the entry's text on a rounded chip."""
    font = widget.font()
    metrics = QFontMetrics(font)
    dpr = widget.devicePixelRatioF()
    w, h = metrics.horizontalAdvance(text) + 20, metrics.height() + 10
    pix = QPixmap(int(w * dpr), int(h * dpr))
    pix.setDevicePixelRatio(dpr)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pal = widget.palette()
    p.setBrush(pal.color(QPalette.ColorRole.Highlight))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(0, 0, w, h), 6, 6)
    p.setPen(pal.color(QPalette.ColorRole.HighlightedText))
    p.setFont(font)
    p.drawText(QRectF(0, 0, w, h), Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return pix


class Palette(QDockWidget):
    """Dock with a filter box and the grouped node list."""

    add_requested = Signal(str)
    """A payload ("value" or "op:<name>") to add at the view centre."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Nodes", parent)
        self.setObjectName("palette")
        self.setAccessibleName("Node palette")
        self.setToolTip("")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.filter = QLineEdit(body)
        self.filter.setObjectName("palette_filter")
        self.filter.setPlaceholderText("Filter nodes…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter nodes")
        self.filter.setToolTip("Type to filter; Enter adds the first match at the view centre")
        self.tree = PaletteTree(body)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self.setWidget(body)
        self._populate()
        self.setMinimumWidth(self.readable_width())
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self._add_first_match)
        self.tree.itemActivated.connect(self._activated)

    # --- building ----------------------------------------------------------------------

    def _populate(self) -> None:
        bold = QFont(self.tree.font())
        bold.setBold(True)
        groups = [("Values", [("", "Value", VALUE_PAYLOAD, VALUE_TOOLTIP)])]
        for category, ops in by_category():
            entries = [(op.symbol, op.name, op_payload(op.name), op.description) for op in ops]
            groups.append((category, entries))
        for category, entries in groups:
            branch = QTreeWidgetItem(self.tree, [category])
            branch.setFlags(Qt.ItemFlag.ItemIsEnabled)
            branch.setFont(0, bold)
            branch.setFirstColumnSpanned(True)
            for symbol, name, payload, tooltip in entries:
                text = name if _same(symbol, name) else f"{symbol}    {name}"
                leaf = QTreeWidgetItem(branch, [text])
                leaf.setData(0, PAYLOAD_ROLE, payload)
                leaf.setData(0, NAME_ROLE, f"{symbol} {name}")
                leaf.setData(0, TEXT_ROLE, tooltip)
                leaf.setToolTip(0, f"<b>{_esc(name)}</b> {_esc(symbol)}<br>{_esc(tooltip)}")
                leaf.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
            branch.setExpanded(True)

    def readable_width(self) -> int:
        """The narrowest the dock can be with every entry whole (no cut label, no sideways
        scrolling), the vertical scroll bar included: a short window shows it."""
        tree = self.tree
        bar = tree.style().pixelMetric(tree.style().PixelMetric.PM_ScrollBarExtent, None, tree)
        margins = self.widget().layout().contentsMargins()
        frame = self.style().pixelMetric(self.style().PixelMetric.PM_DockWidgetFrameWidth)
        return (tree.sizeHintForColumn(0) + 2 * tree.frameWidth() + bar + margins.left()
                + margins.right() + 2 * frame + 2)

    # --- reading -----------------------------------------------------------------------

    def entries(self) -> list[QTreeWidgetItem]:
        """Every node entry (leaf), in display order."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            branch = self.tree.topLevelItem(i)
            out.extend(branch.child(j) for j in range(branch.childCount()))
        return out

    def entry(self, payload: str) -> QTreeWidgetItem:
        for item in self.entries():
            if item.data(0, PAYLOAD_ROLE) == payload:
                return item
        raise KeyError(payload)

    def visible_payloads(self) -> list[str]:
        return [i.data(0, PAYLOAD_ROLE) for i in self.entries() if not i.isHidden()]

    # --- filtering and adding -----------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        # The name, symbol and category match anywhere; the description only at a word's start,
        # so "tan" finds tanh (and Enter adds it), not powc's "a constant".
        in_words = re.compile(r"(?<![a-z0-9])" + re.escape(needle))
        for i in range(self.tree.topLevelItemCount()):
            branch = self.tree.topLevelItem(i)
            any_shown = False
            for j in range(branch.childCount()):
                leaf = branch.child(j)
                names = f"{leaf.data(0, NAME_ROLE)} {branch.text(0)}".lower()
                shown = (not needle or needle in names
                         or in_words.search(leaf.data(0, TEXT_ROLE).lower()) is not None)
                leaf.setHidden(not shown)
                any_shown |= shown
            branch.setHidden(not any_shown)

    def _add_first_match(self) -> None:
        visible = self.visible_payloads()
        if visible:
            self.add_requested.emit(visible[0])

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        payload = item.data(0, PAYLOAD_ROLE)
        if payload:
            self.add_requested.emit(payload)

    def index_of(self, payload: str) -> QModelIndex:
        return self.tree.indexFromItem(self.entry(payload))


def _same(symbol: str, name: str) -> bool:
    """Whether an op's symbol only spells its name ("log softmax" for log_softmax): the entry
    then shows the name once."""
    return not symbol or symbol.replace(" ", "_") == name


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
