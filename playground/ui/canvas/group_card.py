"""The cards a scope adds to the plain node cards (``scope.py`` decides where they go).

- ``GroupCard``: a group seen from outside. A card like an op's: ``▣`` and the group's name in
  the header, one input port per outside node feeding it (named after that node), the data and
  grad of its (first) output, and one output port per output (with the inside node's name
  beside it when there are several; the tooltip gives each one's data and grad). Stacked
  edges behind the body say "there is more inside"; a double-click anywhere on it opens it
  (F2 renames it: ``scene.edit_on_card``).
  Its ports wire like a card's (``wiring.py``): a wire from output port ``i`` is
  ``output_ids[i]``'s; a wire dropped on input port ``j`` feeds it from the wire's source
  instead of ``input_ids[j]``.
- ``OutsideCard``: inside a group, an outside node that feeds it, shown at the left, dimmed and
  tagged "from outside". Read-only: it cannot be moved, selected, renamed or scrubbed here; its
  output port still starts a wire (feeding one more node inside is an edit inside).

Items paint; the document decides: both ask the scene for what they show and change nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from playground.graph.numbers import summary
from playground.ui.canvas import style as S
from playground.ui.canvas.card_text import Display, tooltip_lines
from playground.ui.canvas.items import NO_PORT, NodeItem, PortItem
from playground.ui.canvas.style import CanvasStyle

GROUP_MARK = "▣"
"""The symbol in a group card's header (and in the breadcrumb, the inspector)."""
STACK = 4.0
"""How far each of the two edges stacked behind a group card's body stands out."""
OUTSIDE_TAG = "from outside"
NAMES_W = 130.0
"""Room beside a group card's output ports for each output's name (its numbers are in the
tooltip and the Inspector: beside the port they would run into the next card)."""
OUTSIDE_OPACITY = 0.6


class GroupCard(NodeItem):
    """One group, seen from its parent level. ``node_id`` is the group's id."""

    is_group = True

    def __init__(self, gid: str, style: CanvasStyle, provider: Callable[[str], Display], *,
                 label: str, inputs: tuple[str, ...], outputs: tuple[str, ...],
                 hint: str, output_ids: tuple[str, ...] = (), input_ids: tuple[str, ...] = (),
                 cache: bool = True,
                 node_display: Callable[[str], Display] | None = None) -> None:
        self.input_ids = input_ids
        """The outside node each input port stands for (a wire dropped on one feeds it from
        the wire's source instead: ``Editor.feed_group_input``)."""
        self.output_names = outputs
        """The names of the inside nodes whose value leaves (one output port each)."""
        self.output_ids = output_ids
        self._node_display = node_display
        """What an inside node shows (for the numbers beside several output ports)."""
        self.stands_for = output_ids[0] if output_ids else None
        """The node whose numbers the card shows (its first output): far out, its colour."""
        super().__init__(gid, style, provider, kind="op", symbol=GROUP_MARK, label=label,
                         slot_names=inputs, cache=cache, hint=hint)
        self.output_ports = [self.output_port] + [
            PortItem(self, None, i) for i in range(1, len(outputs))]
        """One per output: a wire dragged from port i comes from ``output_ids[i]``."""

    def all_ports(self) -> list[PortItem]:
        return [*self.input_ports, *self.output_ports]

    def output_source(self, index: int = 0) -> str:
        return self.output_ids[index] if index < len(self.output_ids) else self.node_id

    def output_offsets(self) -> list[QPointF]:
        """Where each output port sits (item coords): the usual place for one output;
        several share the right edge below the header."""
        n = len(self.output_names)
        if n <= 1:
            return [self._geo.output]
        body, row = self.body, float(self.style.row_h)
        step = (body.height() - row) / n
        return [QPointF(body.right(), body.top() + row + (i + 0.5) * step) for i in range(n)]

    def port_offset(self, slot: int | None) -> QPointF:
        """``slot``: an input's slot, or an output's key (``items.output_key``)."""
        if slot is None:
            return self.output_offsets()[0]
        if slot < 0:
            return self.output_offsets()[NO_PORT - slot]
        return self._geo.inputs[slot]

    def output_anchor(self, index: int = 0) -> QPointF:
        offsets = self.output_offsets()
        return self.pos() + offsets[min(index, len(offsets) - 1)]

    def boundingRect(self) -> QRectF:
        names = NAMES_W if len(self.output_names) > 1 else 0.0  # beside the output ports
        return super().boundingRect().adjusted(0, 0, 2 * STACK + 1 + names, 2 * STACK + 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        # Two cards' edges behind the body: a pile, "there is more inside".
        painter.setPen(QPen(S.BORDER, 1.2))
        painter.setBrush(S.OP_FILL)
        for k in (2, 1):
            painter.drawRoundedRect(self.body.translated(k * STACK, k * STACK), 6, 6)
        super().paint(painter, option, widget)
        offsets = self.output_offsets()
        if len(offsets) < 2 or self.painted_form != "card":
            return
        r = self.style.port_r  # the ports themselves are painted with the card's (card_paint)
        painter.setFont(self.style.font)
        for c, name in zip(offsets, self.output_names, strict=True):
            painter.setPen(S.KEY_TEXT)
            painter.drawText(QRectF(c.x() + r + 2, c.y() - self.style.row_h, NAMES_W - 10,
                                    self.style.row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, name)

    def output_texts(self) -> list[str]:
        """Each output's name, data and (after Backward) grad, ``e-1 = 4.8284 · grad
        0.1464``, for the tooltip; the card's own rows show the first output's."""
        if self._node_display is None:
            return list(self.output_names)
        texts = []
        for name, oid in zip(self.output_names, self.output_ids, strict=False):
            d = self._node_display(oid)
            text = name if d.data is None else f"{name} = {summary(d.data)}"
            if d.grad is not None and d.grad_state == "fresh":
                text += f" · grad {summary(d.grad)}"
            texts.append(text)
        return texts + list(self.output_names[len(texts):])

    def scrubbable(self, d: Display | None = None) -> bool:
        return False

    def tooltip_text(self) -> str:
        d = self.display()
        lines = [f"{GROUP_MARK} group {d.label}: double-click to open it, F2 to rename it"]
        if self.slot_names:
            lines.append("inputs: " + ", ".join(self.slot_names))
        if self.output_names:
            lines.append("outputs: " + ", ".join(self.output_texts()))
        lines += tooltip_lines(d, self.node_id, "")[1:]
        return "\n".join(lines)


class OutsideCard(NodeItem):
    """An outside node feeding the group on show (see the module docstring)."""

    is_outside = True

    def __init__(self, node_id: str, style: CanvasStyle, provider: Callable[[str], Display],
                 *, label: str, cache: bool = True) -> None:
        super().__init__(node_id, style, provider, kind="value", symbol="", label=label,
                         slot_names=(), cache=cache)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        self.setOpacity(OUTSIDE_OPACITY)

    def display(self) -> Display:
        # Drawn as a record (name | data | grad) whatever it is: its own inputs are not here.
        return dataclasses.replace(self._provider(self.node_id), kind="value", symbol="",
                                   hint="", is_output=False)

    def scrubbable(self, d: Display | None = None) -> bool:
        return False

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(0, -self.style.tag_h - 4, 0, 0)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        super().paint(painter, option, widget)
        if self.painted_form == "card":
            st = self.style
            painter.setFont(st.font)
            painter.setPen(S.KEY_TEXT)
            painter.drawText(QRectF(0, -st.tag_h - 2, 200, st.tag_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             f"{OUTSIDE_TAG} ▸")

    def tooltip_text(self) -> str:
        return (f"{self.label} is outside this group and feeds it (read-only here: go up "
                f"to edit it)\n" + super().tooltip_text())


def is_group_card(item: Any) -> bool:
    return getattr(item, "is_group", False)


def is_outside_card(item: Any) -> bool:
    return getattr(item, "is_outside", False)
