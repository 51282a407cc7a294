"""Input-slot names ("left", "right", "base", "exponent") beside an op node's input ports.

A name sits left of its port, above where the wire comes in. Drawn always, it touched the
wires in tight layouts (``b = a + a``: both wires run right through "right"), so a name shows:
- while its port is open (unconnected): the learner must see what goes there, and no wire
  can run through it;
- on a connected port only while the node is hovered or selected, or while a wire being
  dragged lights the port up, on a small chip of the card's header colour so it stays
  readable over the wires it then crosses.
Painting only: the item tells which slots are connected; this module never asks the document.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from playground.ui.canvas import style as S
from playground.ui.canvas.protocols import PaintedCard

GAP = 3.0
"""Between the name and its port."""


def visible_slots(item: PaintedCard, selected: bool) -> list[int]:
    """The slots whose names are drawn now (see the module doc)."""
    if not item.show_slot_names:
        return []
    everything = selected or item.hovered
    return [p.slot for p in item.input_ports
            if p.slot is not None
            and (everything or p.slot not in item.connected or p.highlight is not None)]


def name_rect(item: PaintedCard, slot: int) -> QRectF:
    """Where slot ``slot``'s name is drawn (item coordinates): right-aligned at its port."""
    st = item.style
    name = item.shown_slot_names[slot]
    width = st.text_width(name)
    y = item.port(slot).pos().y()
    right = -st.port_r - GAP
    return QRectF(right - width, y - st.fm.height() - 1, width, st.fm.height())


def paint(painter: QPainter, item: PaintedCard, selected: bool) -> None:
    st = item.style
    painter.setFont(st.font)
    for slot in visible_slots(item, selected):
        r = name_rect(item, slot)
        if slot in item.connected:  # wires may cross it now: a chip keeps it readable
            painter.setPen(Qt.PenStyle.NoPen)
            chip = QColor(S.LABEL_FILL)  # the theme's, read when painting
            chip.setAlpha(235)
            painter.setBrush(chip)
            painter.drawRoundedRect(r.adjusted(-2, 0, 2, 0), 3, 3)
        painter.setPen(S.KEY_TEXT)
        painter.drawText(r.adjusted(-1, 0, 1, 0),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                         item.shown_slot_names[slot])
