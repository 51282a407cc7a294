"""Scrubbing a value's number: drag it left or right and watch every node downstream follow.

Where: the data number of a value node that holds one number (its data row, right of the
"data" key). Hovering the card underlines the number; over the number the cursor turns into
↔ and the number turns blue. The header and the grad row still move the node as before.
(Not Alt+drag on the whole card: many Linux desktops take Alt+drag to move the window, and a
modifier nobody sees is harder to discover than a number that lights up under the mouse.)

How much: per screen pixel, 1/100 of the value's order of magnitude when the press began
(2.0 moves by 0.01 a pixel, 37 by 0.1, 0 or 0.05 by 0.001); Shift is 10 times finer, Ctrl
10 times coarser (switch while dragging). Vertical motion does nothing.

What changes: nothing in the document until release. While dragging, the display model shows a
preview of the numbers with the new value (``display.preview``) on the canvas, in the inspector
and in the grads label (the grads turn grey, as after any edit: they belong to the old value),
and the status bar compares how much the output moved with what the grad predicted: "a: 2.0000
→ 2.1000 (Δ +0.1000); L changed by +0.6000 ≈ grad·Δ = 6.0000 × 0.1000 = +0.6000". Release
pushes one ``SetValue`` from the old value to the new one (one undo step; the display model then
re-evaluates and marks grads stale as for an inspector edit). Esc ends the preview
(``display.end_preview``): the old numbers come back and nothing changes. A press that does not
move sideways is a click: it selects the node (Ctrl-click toggles it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGraphicsSceneMouseEvent

from playground.graph import numbers as fmt
from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation
from playground.graph.names import OUTPUT, in_words
from playground.ui.canvas.scrub_look import CURSOR, readable

if TYPE_CHECKING:
    from playground.ui.canvas.items import NodeItem
    from playground.ui.canvas.tool_scene import ShownScene

SLOP = 3
"""Screen pixels sideways before a press on the number becomes a scrub (less is a click)."""
SMALLEST_UNIT = 0.1
"""A value nearer 0 than this scrubs like 0.1 (0.001 a pixel), not ever more slowly."""
FINE, NORMAL, COARSE = 1, 10, 100
"""Steps a pixel is worth, in thousandths of the value's order of magnitude (Shift, -, Ctrl)."""


def magnitude(value: float) -> float:
    """The value's order of magnitude, a power of ten (2.0 -> 1, 37 -> 10, 0 -> 0.1)."""
    return 10.0 ** math.floor(math.log10(max(abs(value), SMALLEST_UNIT)))


def steps_per_pixel(modifiers: Any) -> int:
    """Shift: fine; Ctrl: coarse; Shift wins when both are held."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return FINE
    if modifiers & Qt.KeyboardModifier.ControlModifier:
        return COARSE
    return NORMAL


def scrubbable_literal(doc: GraphDocument, node_id: str) -> bool:
    """A value node holding one finite number (tensors are edited in the inspector)."""
    if node_id not in doc or doc.kind(node_id) != "value":
        return False
    v = doc.value(node_id)
    return isinstance(v, float) and math.isfinite(v)


def change_text(name: str, old: float, new: float, *, out_name: str | None = None,
                out_change: float | None = None, grad: float | None = None,
                grads: str = "none") -> str:
    """The status line: the value's change and, when there is an output, the output's, next to
    what the grad predicts. ``grads``: "fresh", "stale", "none" or "unreached" (the grad
    state when the drag began; ``grad`` is d output / d value when "fresh")."""
    delta = new - old
    text = f"{name}: {fmt.number(old)} → {fmt.number(new)} (Δ {fmt.signed(delta)})"
    if out_name is None:
        return text
    if out_change is None:
        return f"{text}; {out_name} has no number to compare"
    text += f"; {out_name} changed by {fmt.signed(out_change)}"
    if grads == "fresh" and grad is not None:
        return (f"{text} ≈ grad·Δ = {fmt.number(grad)} × {fmt.number(delta)} = "
                f"{fmt.signed(grad * delta)}")
    if grads == "unreached":
        return f"{text} ({out_name} does not depend on {name})"
    if grads == "stale":
        return f"{text} (grads are stale: press Backward to compare with grad·Δ)"
    return f"{text} (press Backward to see the grad that predicts it)"


@dataclass
class ScrubDrag:
    node_id: str
    press_x: int
    old: float
    ctrl_click: bool
    last_x: int = 0
    steps: int = 0
    """In thousandths of ``unit``: integers, so a drag there and back lands on ``old``."""
    unit: float = 1.0
    started: bool = False
    cancelled: bool = False
    """Esc (or an edit from elsewhere) ended it; the mouse is still down until release."""
    before: Any = None
    """The output's data at the old value."""
    output: str | None = None
    grad: float | None = None
    grads: str = "none"
    shown: float | None = None
    """The value the canvas shows now..."""
    shown_eval: Evaluation | None = None
    """... and its evaluation."""

    def value(self) -> float:
        new = self.old + self.steps * self.unit / 1000.0
        decimals = max(0, 3 - round(math.log10(self.unit)))
        if round(self.old, decimals) == self.old:  # on the step grid: keep it clean (2.1, not
            new = round(new, decimals)            # 2.0999999999999996)
        return new + 0.0  # never -0.0


class ScrubTool:
    """The scrub gesture of one scene: ``press``, ``move``, ``release``; ``cancel`` (Esc)."""

    def __init__(self, scene: ShownScene) -> None:
        self.scene = scene
        self.drag: ScrubDrag | None = None

    @property
    def active(self) -> bool:
        """A press on a number is being handled (until its release)."""
        return self.drag is not None

    @property
    def scrubbing(self) -> bool:
        """The value is being dragged (the canvas shows a preview)."""
        d = self.drag
        return d is not None and d.started and not d.cancelled

    # --- the gesture -------------------------------------------------------------------------

    def press(self, item: NodeItem, event: QGraphicsSceneMouseEvent) -> bool:
        """Take a left press on ``item``'s number; False (the press is not ours) elsewhere."""
        sc = self.scene
        if event.button() != Qt.MouseButton.LeftButton or self.drag is not None:
            return False
        if sc.display is None:  # no display model to preview with
            return False
        if not scrubbable_literal(sc.doc, item.node_id) or not readable(event):
            return False
        if not item.scrub_zone().contains(item.mapFromScene(event.scenePos())):
            return False
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        x = event.screenPos().x()
        self.drag = ScrubDrag(item.node_id, x, float(sc.doc.value(item.node_id)), ctrl, x)
        if not ctrl:  # a press selects, as anywhere on a card
            sc.select_nodes([item.node_id])
        return True

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        d = self.drag
        if d is None or d.cancelled:
            return
        x = event.screenPos().x()
        if not d.started:
            if abs(x - d.press_x) < SLOP:
                return
            self._begin(d)
        d.steps += (x - d.last_x) * steps_per_pixel(event.modifiers())
        d.last_x = x
        self._preview(d)

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        d, self.drag = self.drag, None
        if d is None or d.cancelled:
            return
        sc = self.scene
        if not d.started:
            if d.ctrl_click:  # Ctrl-click toggles, as on the rest of the card
                item = sc.node_item(d.node_id)
                if item is not None:
                    item.setSelected(not item.isSelected())
            return
        self._end_visuals(d)
        new = d.value()
        sc.display.end_preview()  # the push below brings the real numbers
        if new == d.old or d.node_id not in sc.doc:
            return
        if d.shown_eval is not None:
            sc.status_message.emit(self._text(d, new, d.shown_eval))
        # One undo step from the old value to the new one; the document (and, through it, the
        # display model: new data, grads stale) changes only now.
        sc.editor.set_value(d.node_id, new)

    def cancel(self) -> bool:
        """Esc: put the old numbers back. True if a press on a number was being handled."""
        d = self.drag
        if d is None or d.cancelled:
            return False
        d.cancelled = True
        if d.started:
            self._end_visuals(d)
            self.scene.display.end_preview()
            name = self.scene.doc.display_name(d.node_id)
            self.scene.status_message.emit(
                f"{name}: back to {fmt.number(d.old)} (Esc: nothing changed)")
        return True

    def abort(self) -> None:
        """The document changed under the drag (an undo, a load): stop showing the preview."""
        d = self.drag
        if d is not None and d.started and not d.cancelled:
            d.cancelled = True
            self._end_visuals(d)
            self.scene.display.end_preview()
        elif d is not None:
            d.cancelled = True

    # --- helpers ------------------------------------------------------------------------------

    def _begin(self, d: ScrubDrag) -> None:
        sc = self.scene
        d.started = True
        d.unit = magnitude(d.old)
        before = sc.display.evaluate_copy()
        d.output = before.output
        out = before.results.get(d.output) if d.output is not None else None
        d.before = None if out is None or out.error else out.data
        d.grads = sc.grad_state()
        grad_eval = sc.grad_evaluation
        if d.grads == "fresh" and grad_eval is not None:
            r = grad_eval.results.get(d.node_id)
            g = None if r is None else r.grad
            if g is None:
                d.grads = "unreached"
            elif isinstance(g, float):
                d.grad = g
            else:
                d.grads = "none"  # a tensor output: no one-number prediction
        item = sc.node_item(d.node_id)
        if item is not None:
            item.set_scrubbing(True)
        QApplication.setOverrideCursor(CURSOR)  # ↔ even when the mouse leaves the card

    def _end_visuals(self, d: ScrubDrag) -> None:
        item = self.scene.node_item(d.node_id)
        if item is not None:
            item.set_scrubbing(False)
        QApplication.restoreOverrideCursor()

    def _preview(self, d: ScrubDrag) -> None:
        new = d.value()
        if new == d.shown:
            return
        d.shown = new
        preview = self.scene.display.preview({d.node_id: new})  # grads stay on show, stale
        d.shown_eval = preview
        self.scene.status_message.emit(self._text(d, new, preview))

    def _text(self, d: ScrubDrag, new: float, preview: Evaluation) -> str:
        doc = self.scene.doc
        name = doc.display_name(d.node_id)
        if d.output is None or d.output == d.node_id or d.output not in doc:
            return change_text(name, d.old, new)
        r = preview.results.get(d.output)
        after = None if r is None or r.error else r.data
        change = None
        if isinstance(after, float) and isinstance(d.before, float):
            change = after - d.before
        return change_text(name, d.old, new, out_name=in_words(doc, d.output, OUTPUT),
                           out_change=change, grad=d.grad, grads=d.grads)

