"""Editing on the card: double-click a card's name or a value's number and type.

Where: the header row of a node's card edits its label (an op's label too: "L" on the
output's ``*``); the data number of a value that holds one number edits that number. Anywhere
else a double-click still brings the Inspector forward (``node_activated``), as do a tensor's
data (typed as a list in the Inspector) and a zoomed-out canvas (the cards are boxes there).
A group card is not edited by a double-click: a double-click anywhere on it opens it (the
How-to says so, and its title is where everyone double-clicks). F2 (Edit ▸ Rename) opens
this editor on the name of the one selected card, a group's or a node's (``scene.edit_on_card``).

How: a line edit over that row (a ``QGraphicsProxyWidget``, a child of the card, so it zooms
and pans with it), its text selected. Enter commits as one undo step through the editor, the
same verbs the Inspector uses (``set_label``, ``set_value``); Esc cancels; clicking elsewhere
commits, as the Inspector does when it loses focus. Text that is not a finite number, and a
name another node has, change nothing: the editor stays open with the text to fix (after
Enter) and a bubble at the card says why (``scene.say``; the status bar and View ▸ Messages
keep it too).

Scrubbing is untouched: a press and a sideways drag on the number scrubs as before; a
double-click (two presses without a sideways move) opens the editor; a drag started from the
open editor selects text in it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QGraphicsProxyWidget, QLineEdit

from playground.graph import numbers as fmt
from playground.graph.quoting import brief, cut

if TYPE_CHECKING:
    from playground.ui.canvas.items import NodeItem
    from playground.ui.canvas.tool_scene import CardScene

MIN_WIDTH = 96.0
"""Scene units: room for "-0.00123" even on a narrow card (the editor may stick out)."""
HINT = "type a number like -3.5 or 1e-3"
LOOK = ("QLineEdit { border: 2px solid #0877bd; border-radius: 3px; padding: 0 3px;"
        " background: #ffffff; color: #161616; selection-background-color: #bcdcf4;"
        " selection-color: #161616; }")


def read_number(text: str) -> float:
    """The finite number ``text`` spells, or ValueError saying why not (for the bubble)."""
    cleaned = text.strip().replace("−", "-")
    if not cleaned:
        raise ValueError(f"nothing typed: {HINT}")
    if cleaned.startswith(("[", "(")):
        raise ValueError("a tensor is typed in the Inspector's Value box, not on the card")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{brief(cleaned)} is not a number: {HINT}") from None
    if math.isinf(value) and "inf" not in cleaned.lower():
        raise ValueError(f"too large: {cut(cleaned, 40)} overflows to inf in float64")
    if not math.isfinite(value):
        raise ValueError(f"{cleaned} is not a finite number: the card takes finite numbers "
                         "(the Inspector's Value box takes inf and nan)")
    return value + 0.0  # never -0.0


class CardLineEdit(QLineEdit):
    """A line edit that tells its ``CardEdit`` about Esc and losing focus."""

    def __init__(self, owner: CardEdit) -> None:
        super().__init__()
        self.owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.owner.cancel()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Tab:  # not to the next widget: the card is the place
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # not its own context menu
            self.owner.commit(close_on_refusal=True)


class CardEdit:
    """The in-place editor of one scene: ``start``, ``commit`` (Enter), ``cancel`` (Esc)."""

    def __init__(self, scene: CardScene) -> None:
        self.scene = scene
        self.node_id: str | None = None
        self.what = ""
        """ "label" or "value" while open."""
        self.proxy: QGraphicsProxyWidget | None = None
        self.line: CardLineEdit | None = None
        self._busy = False

    @property
    def active(self) -> bool:
        return self.proxy is not None

    def editable(self, item: NodeItem, local: QPointF) -> str:
        """What a double-click at ``local`` (item coords) edits: "label", "value" or ""."""
        if self.scene.editor is None or getattr(item, "is_outside", False):
            return ""  # an outside input is read-only inside a group
        doc = self.scene.doc
        if doc.is_group(item.node_id):
            return ""  # a double-click anywhere on a group card opens it (F2 renames it)
        if 0 <= local.y() < item.style.row_h and 0 <= local.x() <= item.body.width():
            return "label"
        if (doc.kind(item.node_id) == "value" and isinstance(doc.value(item.node_id), float)
                and item.scrub_zone().contains(local)):
            return "value"
        return ""

    def contains(self, scene_pos: QPointF) -> bool:
        """Whether ``scene_pos`` is on the open editor (its clicks are the line edit's)."""
        p = self.proxy
        return p is not None and p.sceneBoundingRect().contains(scene_pos)

    def start(self, item: NodeItem, what: str) -> None:
        """Open the editor of ``item``'s label or value (see the module docstring)."""
        self.close()
        doc = self.scene.doc
        node = item.node_id
        line = CardLineEdit(self)
        line.setObjectName(f"card_{what}_edit")
        line.setAccessibleName("Name" if what == "label" else "Value")
        line.setStyleSheet(LOOK)
        line.setFont(item.style.font)
        if what == "label":
            line.setText(_label(doc, node))
            line.setPlaceholderText(doc.display_name(node))
            line.setToolTip("The node's name: Enter renames it, Esc leaves it as it was")
            rect = QRectF(0, 0, item.body.width(), item.style.row_h)
        else:
            line.setText(fmt.precise(doc.value(node)))
            line.setToolTip(f"{HINT}: Enter sets it (Ctrl+Z takes it back), Esc leaves it")
            rect = item.scrub_zone()
        if rect.width() < MIN_WIDTH:  # a value's number grows leftwards, as it is aligned
            if what == "value":
                rect.setLeft(rect.right() - MIN_WIDTH)
            else:
                rect.setWidth(MIN_WIDTH)
        line.returnPressed.connect(self.commit)
        proxy = QGraphicsProxyWidget(item)
        proxy.setWidget(line)
        proxy.setPos(rect.topLeft())
        proxy.resize(rect.width(), rect.height())
        self.node_id, self.what, self.proxy, self.line = node, what, proxy, line
        proxy.setFocus(Qt.FocusReason.MouseFocusReason)
        line.setFocus(Qt.FocusReason.MouseFocusReason)
        line.selectAll()

    def commit(self, close_on_refusal: bool = False) -> bool:
        """Apply the text (one undo step); True if the editor closed. A refusal is said at
        the card and keeps the editor open, unless ``close_on_refusal`` (focus went away)."""
        if self._busy or self.line is None or self.node_id is None:
            return False
        sc, node, text = self.scene, self.node_id, self.line.text()
        if node not in sc.doc and not sc.doc.is_group(node):
            self.close()
            return True
        self._busy = True  # the editor's signals may move the focus (a refusal's bubble)
        try:
            reason, said = self._apply(node, text)
        finally:
            self._busy = False
        anchor = self._anchor(node)
        if reason is None or close_on_refusal:
            self.close()
        else:
            self.line.selectAll()
        if reason is not None and said:  # the status bar has it already: the bubble only
            sc.show_bubble(reason, anchor)
        elif reason is not None:
            name = sc.doc.display_name(node)
            kept = (f"{name} keeps its name" if self.what == "label"
                    else f"{name} stays {fmt.number(sc.doc.value(node))}")
            sc.say(f"{reason} ({kept})", anchor)
        return reason is None or close_on_refusal

    def _apply(self, node: str, text: str) -> tuple[str | None, bool]:
        """Ask the editor for the change: (why it did not happen or None, whether the editor
        said so already)."""
        doc, editor = self.scene.doc, self.scene.editor
        assert editor is not None
        if self.what == "label":
            label = text.strip()
            if label == _label(doc, node):
                return None, False
            ok = editor.set_label(node, label)
        else:
            try:
                value = read_number(text)
            except ValueError as exc:
                return str(exc), False
            if value == doc.value(node):
                return None, False
            ok = editor.set_value(node, value)
        return (None, False) if ok else (editor.last_refusal or "refused", True)

    def _anchor(self, node: str) -> QPointF:
        """Where the bubble points: the middle of the edited row's top edge."""
        item = self.scene.node_item(node)
        p = self.proxy
        if item is None:
            return QPointF()
        if p is not None:
            r = p.sceneBoundingRect()
            return QPointF(r.center().x(), r.top())
        return item.mapToScene(QPointF(item.body.width() / 2, 0))

    def cancel(self) -> None:
        """Esc: close, nothing changes."""
        self.close()

    def close(self) -> None:
        proxy, self.proxy, self.line, self.node_id = self.proxy, None, None, None
        if proxy is None:
            return
        views = proxy.scene().views() if proxy.scene() is not None else []
        proxy.setParentItem(None)
        if proxy.scene() is not None:
            proxy.scene().removeItem(proxy)
        proxy.deleteLater()
        for view in views:  # the keys go back to the canvas
            view.setFocus(Qt.FocusReason.OtherFocusReason)


def _label(doc: Any, node: str) -> str:
    """The name typed for a node or a group (a group's card is edited the same way)."""
    return doc.group_label(node) if doc.is_group(node) else doc.label(node)
