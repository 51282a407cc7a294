"""The training tab's painted data (its own undo stack: ``editor.PaintEditor``)."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from playground.training.painted import PaintedSet, normalise

PAINT_MERGE_ID = 1601
"""``QUndoCommand.id`` of the painting commands that may merge (one eraser drag)."""


class SetPaintedPoints(QUndoCommand):
    """Replace the painted points ("Add a class 0 point", "Erase 3 points", "Clear 12
    points"). Commands with the same non-empty ``merge_key`` (the moves of one eraser drag)
    merge into one undo step, from the first one's points to the last one's."""

    def __init__(self, painted: PaintedSet, points: tuple, text: str, merge_key: str = ""
                 ) -> None:
        super().__init__(text)
        self.painted = painted
        self.before = painted.points
        self.after = normalise(points)
        self.merge_key = merge_key

    def id(self) -> int:
        return PAINT_MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetPaintedPoints) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        removed = len(self.before) - len(self.after)
        self.setText(f"Erase {removed} point{'s' * (removed != 1)}")
        return True

    def redo(self) -> None:
        self.painted.set_points(self.after)

    def undo(self) -> None:
        self.painted.set_points(self.before)
