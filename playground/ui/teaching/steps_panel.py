"""The Step-through tab: Step Backward / Step Forward one node at a time, with the chain rule
written out in real numbers, play/pause at a chosen speed, and reset.

While stepping, the canvas shows only what has been computed so far (grads appear node by
node, output first; in forward, data appear inputs first), the current node glows, and the
wires its numbers flow along carry the number that flows. Grads are coloured on the scale of
the whole backward (``StepEvaluation.grad_scale``), so a grad's colour means the same at every
step. The inspector shows the same numbers
(a grad backward has not reached yet reads "— (not reached yet ...)", not its final value).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.graph.evaluate import Evaluation
from playground.graph.numbers import grad_range, summary
from playground.teach import Step, TeachError, backward_steps, forward_steps
from playground.ui.teaching.common import TabPause, esc, mono, muted_colour
from playground.ui.widgets.flow_layout import FlowLayout

INTRO = (
    "<p><b>Step Backward</b> (F7) walks the graph from the output back to the inputs, one node "
    "at a time, in reversed topological order, and shows how the chain rule gives each grad: "
    "the grad flowing back into a node, times the local derivative of the op it feeds.</p>"
    "<p><b>Step Forward</b> (F6) computes the data, inputs first. <b>Play</b> (F8) steps on "
    "its own.</p>"
)
SPEEDS = (4.0, 3.0, 2.0, 1.5, 1.0, 0.75, 0.5, 0.3, 0.15)
"""Seconds per step, slow to fast."""


@dataclass(frozen=True)
class StepEvaluation(Evaluation):
    """A step's evaluation (only the grads found so far) with the colour scale of the whole
    backward: the canvas colours by ``grad_scale`` instead of the largest grad shown, so a
    grad keeps its colour from step to step (L's 1.0 is as pale at step 1 as at the end)."""

    grad_scale: float | None = None


def full_scale(evaluation: Evaluation) -> float:
    """The largest finite |grad| of ``evaluation`` (as the canvas's colour key measures it)."""
    return grad_range(evaluation.results.values())


class StepPanel(QWidget):
    display_kind = "step-through"
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step_panel")
        self.teaching = teaching
        self.mode: str | None = None
        self.steps: list[Step] = []
        self.index = -1
        self._pause = TabPause(self)
        """The graph's numbers key when the learner left the tab mid-way (see ``tab_left``)."""
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

        self.title = QLabel(self)
        self.title.setObjectName("step_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QTextBrowser(self)
        self.text.setObjectName("step_text")
        self.text.setAccessibleName("Step explanation")
        self.text.setOpenLinks(False)

        self.buttons: dict[str, QToolButton] = {}
        # The buttons and the speed wrap onto a second row in a narrow dock (a single row made
        # the Learn dock, and so the window, at least ~630 px wide).
        row = FlowLayout()
        for name in ("step_forward", "step_backward", "step_play", "step_reset"):
            button = QToolButton(self)
            button.setObjectName(f"button_{name}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.buttons[name] = button
            row.addWidget(button)
        speed_box = QWidget(self)
        speed_label = QLabel("Speed", speed_box)
        self.speed = QSlider(Qt.Orientation.Horizontal, speed_box)
        self.speed.setObjectName("step_speed")
        self.speed.setAccessibleName("Play speed")
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(SPEEDS.index(1.0))
        self.speed.setFixedWidth(120)
        self.speed_value = QLabel(speed_box)
        self.speed_value.setObjectName("step_speed_value")
        self.speed.valueChanged.connect(self._speed_changed)
        speed_label.setBuddy(self.speed)
        speed_row = QHBoxLayout(speed_box)
        speed_row.setContentsMargins(12, 0, 0, 0)
        speed_row.addWidget(speed_label)
        speed_row.addWidget(self.speed)
        speed_row.addWidget(self.speed_value)
        row.addWidget(speed_box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        self._speed_changed(self.speed.value())
        self._show_intro()

    def bind(self, actions: dict) -> None:
        """Use the window's actions for the buttons (same text, shortcut, enabled state)."""
        for name, button in self.buttons.items():
            button.setDefaultAction(actions[name])

    # --- commands ------------------------------------------------------------------------

    def step_backward(self) -> bool:
        return self._step("backward")

    def step_forward(self) -> bool:
        return self._step("forward")

    def play_pause(self) -> None:
        if self.timer.isActive():
            self.pause()
            return
        at_end = self.mode is None or self.index >= len(self.steps) - 1
        if at_end and not self._start(self.mode or "backward"):
            return
        self.timer.start()
        self._update_play()

    def pause(self) -> None:
        self.timer.stop()
        self._update_play()

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def reset(self) -> None:
        self.timer.stop()
        self.mode, self.steps, self.index = None, [], -1
        self.teaching.restore(self)
        self._show_intro()
        self._update_play()

    def tab_left(self) -> None:
        """Another Learn tab came up: the canvas gets the real numbers back (as the other tools
        leave it) and play pauses; the step is kept for ``tab_back``."""
        if self.mode is None:
            return
        self.timer.stop()
        self._update_play()
        self._pause.leave()

    def tab_back(self) -> None:
        """The tab is shown again: the paused step comes back, unless the graph changed."""
        self._pause.back(self.mode is not None, self._show)

    def interrupted(self) -> None:
        """The graph or its numbers changed: the steps no longer hold."""
        self.timer.stop()
        was = self.mode
        self.mode, self.steps, self.index = None, [], -1
        self._show_intro()
        if was:
            self.title.setText("The graph changed: stepping starts over.")
        self._update_play()

    # --- stepping ------------------------------------------------------------------------

    def _step(self, mode: str) -> bool:
        self.teaching.show_tab("steps")
        if self.mode != mode:
            return self._start(mode)
        if self.index >= len(self.steps) - 1:
            self.timer.stop()
            self._update_play()
            self.teaching.window.show_status(
                "That was the last step: press Reset Steps (Shift+F7), or step the other way")
            return False
        self.index += 1
        self._show()
        return True

    def _start(self, mode: str) -> bool:
        doc = self.teaching.doc
        self.teaching.display.flush()
        try:
            self.steps = backward_steps(doc) if mode == "backward" else forward_steps(doc)
        except TeachError as exc:
            self.timer.stop()
            self.mode, self.steps, self.index = None, [], -1
            self.title.setText(f"Cannot step {mode}: {exc}")
            self.teaching.window.show_status(f"Cannot step {mode}: {exc}")
            self._update_play()
            return False
        if not self.steps:
            return False
        self._full = self.teaching.display.evaluate_copy(backward=mode == "backward")
        self.mode, self.index = mode, 0
        self._show()
        return True

    def _tick(self) -> None:
        if self.mode is None or self.index >= len(self.steps) - 1:
            self.pause()
            return
        self.index += 1
        self._show()
        if self.index >= len(self.steps) - 1:
            self.pause()

    def _show(self) -> None:
        step = self.steps[self.index]
        visited = {s.node for s in self.steps[: self.index + 1]}
        notes: dict[str, str] = {}
        if self.mode == "backward":
            full = self._full
            results = {n: replace(r, grad=r.grad if n in visited else None)
                       for n, r in full.results.items()}
            contributions = {k: v for k, v in full.contributions.items() if k[0] in visited}
            shown = StepEvaluation(
                **{f.name: getattr(full, f.name) for f in fields(Evaluation)},
                grad_scale=full_scale(full),
            )
            shown = replace(shown, results=results, contributions=contributions)
            labels = {k: f"← {v}" for k, v in step.edge_values.items()}
            later = (s.node for s in self.steps[self.index + 1:])
            notes = {n: "not reached yet: keep stepping, F7" for n in later}
        else:
            full = self._full
            results = {n: replace(r, data=r.data if n in visited else None)
                       for n, r in full.results.items()}
            shown = replace(full, results=results)
            labels = {k: f"{summary(full.results[k[0]].data)} →" for k in step.edges}
        last = self.index >= len(self.steps) - 1
        # the last step shows what Backward (or Forward) shows: the same state words
        state = None if last else f"stepping {self.mode}: {self.index + 1} of {len(self.steps)}"
        self.teaching.show_evaluation(shown, self, notes, state)
        overlay = self.teaching.overlay
        # Where the numbers come from: the consumers (backward) or the inputs (forward).
        overlay.set_marks({e[1] if self.mode == "backward" else e[0] for e in step.edges},
                          "source")
        overlay.set_highlight([step.node], step.edges, labels)
        # The current node must be on screen (the dock opening at F7 shrinks the canvas and
        # the first refit runs on the next turn: follow it, then check again).
        view = self.teaching.window.view
        view.ensure_node_visible(step.node)
        QTimer.singleShot(0, lambda n=step.node: self._follow(n))
        self.title.setText(step.title)
        self.text.setHtml(self._html(step))
        self._update_play()

    def _follow(self, node: str) -> None:
        if self.mode is not None and self.teaching.owner is self and node in self.teaching.doc:
            self.teaching.window.view.ensure_node_visible(node)

    def _html(self, step: Step) -> str:
        muted = muted_colour(self)
        family = mono().family()
        lines = list(step.lines)
        parts = [f"<div style='font-family:\"{family}\"; font-size:14pt; font-weight:600'>"
                 f"{esc(lines[0])}</div>"]
        for line in lines[1:]:
            if line.startswith("    "):
                parts.append(f"<div style='margin-left:36px; color:{muted}'>"
                             f"{esc(line.strip())}</div>")
            elif line.startswith("  "):
                parts.append(f"<div style='margin-left:18px; font-family:\"{family}\"'>"
                             f"{esc(line.strip())}</div>")
            else:
                parts.append(f"<p style='margin:6px 0'>{esc(line)}</p>")
        last = self.index >= len(self.steps) - 1
        if last and self.mode == "backward":
            nxt = ("Done: every grad is filled in. Backward (Ctrl+B) does all these steps at "
                   "once.")
        elif last:
            nxt = "Done: every node's data is computed. Now try Step Backward (F7)."
        else:
            key = "F7" if self.mode == "backward" else "F6"
            following = self.steps[self.index + 1]
            nxt = (f"Next: {esc(self.teaching_name(following.node))} "
                   f"(press Step {self.mode.capitalize()}, {key})")
        parts.append(f"<p style='color:{muted}; margin-top:8px'>{nxt}</p>")
        source = "the node its grad comes from" if self.mode == "backward" else "its inputs"
        unknown = "grad" if self.mode == "backward" else "data"
        hex_of = self.teaching.overlay.colour_hex
        parts.append(
            f"<p style='color:{muted}'>On the canvas: <b style='color:{hex_of('step')}'>teal</b> "
            f"this step, <b style='color:{hex_of('source')}'>lilac</b> {source}; "
            f"a {unknown} shown as — is not computed yet.</p>")
        return "".join(parts)

    def teaching_name(self, node: str) -> str:
        doc = self.teaching.doc
        return doc.display_name(node) if node in doc else node

    def _show_intro(self) -> None:
        self.title.setText("Step through the chain rule")
        self.text.setHtml(INTRO)

    def _speed_changed(self, value: int) -> None:
        seconds = SPEEDS[value]
        self.timer.setInterval(round(seconds * 1000))
        self.speed_value.setText(f"{seconds:g} s per step")

    def _update_play(self) -> None:
        action = self.buttons["step_play"].defaultAction()
        if action is not None:
            action.setText("Pause" if self.timer.isActive() else "Play")
