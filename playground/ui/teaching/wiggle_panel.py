"""The Wiggle tab: nudge one node with a slider and watch the output move.

Any node the output depends on can be nudged, a value or an op (as the lecture nudges d:
``d.data += h``, then only what lies downstream moves). The canvas shows the nudged graph live
(data and grads at the nudged point); the panel puts how much the output actually moved next
to what the grad predicted, ``dL ≈ grad · dx``. Nothing is changed until Apply (one undoable
"Edit value" step, for a value only: an op's output is computed from its inputs); Reset puts
the slider back.
A graph with tensors has no number to slide: the panel says so and points at the Gradient check,
which nudges every element of a tensor.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from playground.graph.numbers import signed
from playground.teach import Replay, TeachError, wiggle
from playground.ui.teaching.common import bad_colour, esc, good_colour, mono

TENSORS = ("Wiggle nudges one number, and this graph has tensors. The Gradient check tab "
           "nudges each element of every tensor by ±h instead and compares the output's move "
           "with backward's grad.")
NO_LEAF = ("Pick a node to wiggle: the output must depend on it, and the graph must be made of "
           "numbers (no tensors).")
OP_APPLY = ("An op's output is computed from its inputs: wiggle a value to change the graph. "
            "This nudge only shows what would move.")
RANGES = (1.0, 0.1, 0.01)
TICKS = 100
"""The slider runs from -TICKS to TICKS: dx = value / TICKS * range."""


class WigglePanel(QWidget):
    display_kind = "wiggle"
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wiggle")
        self.teaching = teaching
        self._why_none = NO_LEAF
        self.leaf = QComboBox(self)
        self.leaf.setObjectName("wiggle_leaf")
        self.leaf.setAccessibleName("Node to wiggle")
        self.leaf.setMinimumContentsLength(8)
        self.leaf.currentIndexChanged.connect(lambda _i: self.reset())
        self.range = QComboBox(self)
        self.range.setObjectName("wiggle_range")
        self.range.setAccessibleName("Wiggle range")
        for r in RANGES:
            self.range.addItem(f"dx within ±{r:g}", r)
        self.range.currentIndexChanged.connect(lambda _i: self._changed())
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("wiggle_slider")
        self.slider.setAccessibleName("Wiggle dx")
        self.slider.setRange(-TICKS, TICKS)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(TICKS // 2)
        self.slider.valueChanged.connect(lambda _v: self._changed())
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setObjectName("wiggle_apply")
        self.apply_button.setToolTip("Keep the nudged value (one undo step)")
        self.apply_button.clicked.connect(self.apply)
        self.reset_button = QPushButton("Reset", self)
        self.reset_button.setObjectName("wiggle_reset")
        self.reset_button.clicked.connect(self.reset)
        # Two rows, so the tab fits a narrow dock (one row made it ~480 px wide at least).
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Wiggle", self))
        pick.addWidget(self.leaf, 1)
        pick.addWidget(self.range)
        top = QHBoxLayout()
        top.addWidget(self.slider, 1)
        top.addWidget(self.apply_button)
        top.addWidget(self.reset_button)
        self.readout = QLabel(self)
        self.readout.setObjectName("wiggle_text")
        self.readout.setWordWrap(True)
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(pick)
        layout.addLayout(top)
        layout.addWidget(self.readout, 1)
        teaching.scene.selectionChanged.connect(self._follow_selection)
        self.refill()

    # --- leaves --------------------------------------------------------------------------

    def refill(self) -> None:
        """List every node the output depends on, values first, by the names the canvas
        shows (keeps the current one if it is still there)."""
        doc = self.teaching.doc
        keep = self.current_leaf()
        self._why_none = NO_LEAF
        try:
            replay = Replay(doc)
            leaves = list(replay.leaves) + [n for n in replay.nodes if n not in replay.leaves]
        except TeachError:  # not a graph of numbers, no output, an input unconnected: no leaves
            leaves = []
            ev = self.teaching.display.evaluation
            if ev is not None and ev.engine == "tensor":
                self._why_none = TENSORS
        self.leaf.blockSignals(True)
        self.leaf.clear()
        for n in leaves:
            self.leaf.addItem(doc.display_name(n), n)
        if keep in leaves:
            self.leaf.setCurrentIndex(leaves.index(keep))
        self.leaf.blockSignals(False)
        self._changed()

    def relabel(self) -> None:
        """A node was renamed: the list says the names the canvas shows now (an unnamed op's
        name follows its inputs' names)."""
        doc = self.teaching.doc
        for i in range(self.leaf.count()):
            n = self.leaf.itemData(i)
            if n in doc:
                self.leaf.setItemText(i, doc.display_name(n))
        self._changed()

    def current_leaf(self) -> str | None:
        return self.leaf.currentData()

    def set_leaf(self, node: str) -> bool:
        i = self.leaf.findData(node)
        if i < 0:
            return False
        self.leaf.setCurrentIndex(i)
        return True

    def _follow_selection(self) -> None:
        try:
            ids = self.teaching.scene.selected_node_ids()
        except RuntimeError:  # the window is being torn down
            return
        if len(ids) == 1 and self.slider.value() == 0:
            self.set_leaf(ids[0])

    def dx(self) -> float:
        return self.slider.value() / TICKS * float(self.range.currentData())

    def set_dx(self, dx: float) -> None:
        """Move the slider to ``dx`` (rounded to a tick)."""
        self.slider.setValue(round(dx / float(self.range.currentData()) * TICKS))

    # --- actions -------------------------------------------------------------------------

    def apply(self) -> None:
        node, dx = self.current_leaf(), self.dx()
        if node is None or dx == 0 or self.teaching.doc.kind(node) != "value":
            return
        doc = self.teaching.doc
        value = float(doc.value(node)) + dx
        self.slider.blockSignals(True)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.teaching.window.editor.set_value(node, value)

    def reset(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.teaching.restore(self)
        self._changed()

    def interrupted(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(0)
        self.slider.blockSignals(False)

    def graph_changed(self) -> None:
        """Follow an edit (now if the tab is on screen, else when it is shown)."""
        self._stale = True
        if self.isVisible():
            self._stale = False
            self.refill()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._stale = False
            self.refill()

    # --- live ----------------------------------------------------------------------------

    def _changed(self) -> None:
        node = self.current_leaf()
        doc = self.teaching.doc
        if node is None or node not in doc:
            self.readout.setText(esc(self._why_none))
            self.apply_button.setEnabled(False)
            return
        dx = self.dx()
        try:
            w = wiggle(doc, node, dx)
        except TeachError as exc:
            self.readout.setText(f"<span style='color:{bad_colour(self)}'>{esc(str(exc))}</span>")
            return
        self.apply_button.setEnabled(dx != 0 and w.leaf)
        self.apply_button.setToolTip("Keep the nudged value (one undo step)" if w.leaf
                                     else OP_APPLY)
        lines = w.lines()
        good = dx != 0 and abs(w.actual - w.predicted) <= 1e-9 + 1e-6 * abs(w.actual)
        colour = good_colour(self) if good else bad_colour(self)
        family = mono().family()
        rows = "".join(
            f"<div style='font-family:\"{family}\"; font-size:12pt'>{esc(t)}</div>"
            for t in lines[:3]
        )
        verdict = lines[3] if dx == 0 else f"<span style='color:{colour}'>{esc(lines[3])}</span>"
        note = "" if w.leaf else f"<p><i>{esc(OP_APPLY)}</i></p>"
        self.readout.setText(f"{rows}<p>{verdict}</p>{note}")
        if dx == 0:
            self.teaching.restore(self)
            return
        display = self.teaching.display
        nudged = (display.evaluate_copy({node: w.x + dx}, backward=True) if w.leaf
                  else display.evaluate_nudged(node, dx))
        self.teaching.show_evaluation(nudged, self)
        out = display.evaluation.output if display.evaluation else None
        tags = {node: f"dx {signed(dx)}"}
        if out is not None:
            tags[out] = f"moved {signed(w.actual)}"
        self.teaching.overlay.set_highlight(list(tags), (), {}, "info", tags)
