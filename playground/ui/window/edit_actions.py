"""Edit ▸ and the canvas's editing commands: add at the centre, delete, rename (F2), cut, copy,
paste, duplicate, select all, auto layout, mark as output. Each asks the window's editor; a refusal
changes nothing (not even the selection or the clipboard).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QPointF, QRectF
from PySide6.QtGui import QGuiApplication

from playground.graph import clipboard
from playground.graph.layout import graph_layout
from playground.ui import commands as cmd
from playground.ui.canvas.scrub_look import MIN_ZOOM as CARD_TEXT_ZOOM
from playground.ui.window.palette import VALUE_PAYLOAD

if TYPE_CHECKING:
    from playground.ui.window.parts import WindowParts


class EditActions:
    def __init__(self, window: WindowParts) -> None:
        self.w = window
        self._paste_count = 0
        """Pastes since the last copy: each lands a little further down and right."""

    def add_at_centre(self, payload: str) -> str | None:
        """Add a palette entry ("value" or "op:<name>") at the middle of the view, or the
        nearest spot where it covers no node (a card on top of another hides its numbers)."""
        centre = self.free_spot(self.w.view.mapToScene(self.w.view.viewport().rect().center()))
        if payload == VALUE_PAYLOAD:
            node = self.w.view.add_node_at("value", None, centre)
        elif payload.startswith("op:"):
            node = self.w.view.add_node_at("op", payload[3:], centre)
        else:
            return None
        if node:
            self.w.select([node])
        return node

    def free_spot(self, centre: QPointF, size: tuple[float, float] = (200.0, 130.0),
                  step: float = 40.0, rings: int = 12) -> QPointF:
        """``centre``, or the nearest point on a grid around it where a card of ``size``
        (a little more than a node's, 159x109 with its ports, moved by up to half a grid
        step as it snaps; 96 high let it land on a card's edge) overlaps no node; ``centre``
        if there is none."""
        w, h = size
        reach = rings * step + max(w, h)
        near = QRectF(centre.x() - reach, centre.y() - reach, 2 * reach, 2 * reach)
        taken = [r for r in (i.sceneBoundingRect() for i in self.w.scene.node_items())
                 if r.intersects(near)]
        legend = self.w.view.legend
        if legend.isVisible():  # nor under the colour key
            taken.append(self.w.view.mapToScene(legend.geometry()).boundingRect())
        spots = sorted(
            ((dx, dy) for dx in range(-rings, rings + 1) for dy in range(-rings, rings + 1)),
            key=lambda d: (d[0] * d[0] + d[1] * d[1], abs(d[1]), d),
        )
        for dx, dy in spots:
            spot = QPointF(centre.x() + dx * step, centre.y() + dy * step)
            card = QRectF(spot.x() - w / 2, spot.y() - h / 2, w, h)
            if not any(card.intersects(r) for r in taken):
                return spot
        return centre

    def set_output(self, node_id: str, on: bool) -> None:
        target = node_id if on else None
        if self.w.doc.marked_output != target:
            self.w.editor.set_output(target)

    def toggle_output(self) -> None:
        ids = self.w.scene.selected_node_ids()
        if len(ids) != 1:
            self.w.show_status("Select one node to mark it as the output")
            return
        self.set_output(ids[0], self.w.doc.marked_output != ids[0])
        self.w.update_actions()

    def auto_layout(self) -> None:
        doc, scope = self.w.doc, self.w.scene.scope
        positions = None
        if doc.groups():  # the level on show: its nodes and group cards
            positions = graph_layout(doc.scope_graph(scope), *cmd.AUTO_LAYOUT_GAPS)
        if len(doc) and positions != {} and self.w.editor.auto_layout(positions):
            self.w.view.fit_all()

    def delete(self) -> None:
        nodes, edges = self.w.scene.selected_node_ids(), self.w.scene.selected_edges()
        if nodes or edges:
            command = self.w.editor.build(lambda: cmd.DeleteItems(self.w.doc, nodes, edges))
            if command is None:
                return  # refused: the selection stays too
            self.w.clear_selection()  # else Qt reports each removed selected item separately
            self.w.editor.push(command)
        else:
            self.w.show_status("Nothing to delete: select nodes or wires first")

    def rename(self) -> bool:
        """F2: type a new name for the one selected card, a node's or a group's, where it is
        (the card's in-place editor; far out, where a card is a box, the Inspector's field).
        Enter renames it (one undo step through the editor), Esc leaves it."""
        w = self.w
        ids = w.scene.selected_node_ids()
        if len(ids) != 1:
            w.show_status("Select one card to rename it (F2), or double-click a node's name")
            return False
        node = ids[0]
        w.view.ensure_node_visible(node)
        if w.view.zoom() >= CARD_TEXT_ZOOM:  # where a double-click edits on the card too
            w.view.setFocus()  # the keys go to the card's editor, through the canvas
            return w.scene.edit_on_card(node, "label")
        w.select([node])  # the Inspector shows it now, not at the next turn of the loop
        w.inspector.show()
        w.inspector.raise_()
        field = (w.inspector.group_panel.name_edit if w.doc.is_group(node)
                 else w.inspector.label_edit)
        field.setFocus()
        field.selectAll()
        return True

    def select_all(self) -> None:
        """Every card on show: the nodes and group cards of the open level."""
        sc = self.w.scene
        if sc.scope is None and not self.w.doc.groups():
            self.w.select(self.w.doc.node_ids())
            return
        self.w.select([n for n, item in sc.node_map.items()
                       if not getattr(item, "is_outside", False)])

    def copy(self) -> bool:
        ids = self.w.scene.selected_node_ids()
        if not ids:
            self.w.show_status("Nothing to copy: select nodes first")
            return False
        data = clipboard.copy_nodes(self.w.doc, ids)
        mime = QMimeData()
        text = json.dumps(data)
        mime.setData(clipboard.CLIPBOARD_MIME, QByteArray(text.encode()))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        n = len(ids)
        self.w.show_status(f"Copied {n} node{'s' if n != 1 else ''}")
        return True

    def cut(self) -> None:
        ids = self.w.scene.selected_node_ids()
        if not ids:
            self.copy()  # says there is nothing to cut
            return
        # Built before copying: a refused cut changes neither the clipboard nor the graph.
        edges = self.w.scene.selected_edges()
        command = self.w.editor.build(lambda: cmd.DeleteItems(self.w.doc, ids, edges))
        if command is None or not self.copy():
            return
        command.setText(command.text().replace("Delete", "Cut", 1))
        self.w.clear_selection()
        self.w.editor.push(command)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        raw = None
        if mime is not None and mime.hasFormat(clipboard.CLIPBOARD_MIME):
            raw = bytes(mime.data(clipboard.CLIPBOARD_MIME)).decode("utf-8", "replace")
        elif mime is not None and mime.hasText():
            raw = mime.text()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        problem = clipboard.clipboard_problem(data)
        if problem:
            self.w.show_status(f"Nothing to paste: {problem}")
            return
        self._paste_count += 1
        shift = 40.0 * self._paste_count
        new = self.w.editor.paste(data, (shift, shift), group=self.w.scene.scope)
        if new is not None:
            self.w.select(new)

    def duplicate(self) -> None:
        ids = self.w.scene.selected_node_ids()
        if not ids:
            self.w.show_status("Nothing to duplicate: select nodes first")
            return
        new = self.w.editor.paste(clipboard.copy_nodes(self.w.doc, ids), (40.0, 40.0),
                                  "Duplicate", group=self.w.scene.scope)
        if new is not None:
            self.w.select(new)
