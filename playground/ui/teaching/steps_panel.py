"""The Step-through tab: Step Backward / Step Forward one node at a time, with the chain rule
written out in real numbers, play/pause at a chosen speed, and reset.

While stepping, the canvas shows only what has been computed so far (grads appear node by
node, output first; in forward, data appear inputs first), the current node glows, and the
wires its numbers flow along carry the number that flows. Grads are coloured on the scale of
the whole backward (``StepEvaluation.grad_scale``), so a grad's colour means the same at every
step. The inspector shows the same numbers
(a grad backward has not reached yet reads "— (not reached yet ...)", not its final value).

Both directions step one level of the groups at a time (``teach.group_steps``), starting at
the level the canvas shows: a group is one step (backward: its local derivative "computed by
its inside"; forward: its outputs, computed by its inside), with a **Step inside** button
that opens the group on the canvas and walks its inside. When the inside's steps are done (or
**Back out** is pressed) the canvas and the steps return to the level above, after the group's
step. Opening the group on the canvas (double-click) at its step is the same
as Step inside, and going up by the breadcrumb is the same as Back out.
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
from playground.teach import Step, TeachError
from playground.teach.group_steps import backward_steps_at, forward_steps_at
from playground.ui.teaching.common import TabPause, esc, mono, muted_colour
from playground.ui.teaching.step_levels import Level, StepLevels
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


class StepPanel(StepLevels, QWidget):
    display_kind = "step-through"
    def __init__(self, teaching, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("step_panel")
        self.teaching = teaching
        self.mode: str | None = None
        self.steps: list[Step] = []
        self.index = -1
        self.scope: str | None = None
        """The level of the groups the steps are at (None: the top)."""
        self.outer: list[Level] = []
        """The levels above, innermost last, each at the step of the group we are inside."""
        self._moving_canvas = False
        self._insides: dict[str, set[str]] = {}
        self._pause = TabPause(self)
        """The graph's numbers key when the learner left the tab mid-way (see ``tab_left``)."""
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

        self.title = QLabel(self)
        self.title.setObjectName("step_title")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        group_row = self._group_row(self)  # Step inside / Back out (step_levels.py)
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
        layout.addLayout(group_row)
        layout.addWidget(self.text, 1)
        self._speed_changed(self.speed.value())
        self._show_intro()
        self._update_group_buttons(None)
        scope_changed = getattr(teaching.window.scene, "scope_changed", None)
        if scope_changed is not None:
            scope_changed.connect(self._canvas_scope_changed)

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
        at_end = self.mode is None or self._at_end()
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
        self._clear()
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
        self._clear()
        self._show_intro()
        if was:
            self.title.setText("The graph changed: stepping starts over.")
        self._update_play()

    # --- stepping ------------------------------------------------------------------------

    def _clear(self) -> None:
        self._insides = {}
        self.mode, self.steps, self.index = None, [], -1
        self.scope, self.outer = None, []
        self._update_group_buttons(None)

    def _at_end(self) -> bool:
        """The last step of the last level (inside a group, the outer levels go on)."""
        return self.index >= len(self.steps) - 1 and not self.outer

    def _step(self, mode: str) -> bool:
        self.teaching.show_tab("steps")
        if self.mode != mode:
            return self._start(mode)
        if self._at_end():
            self.timer.stop()
            self._update_play()
            self.teaching.window.show_status(
                "That was the last step: press Reset Steps (Shift+F7), or step the other way")
            return False
        self._advance()
        return True

    def _advance(self) -> None:
        """The next step: at the end of a group's inside, back out to the level above."""
        if self.index >= len(self.steps) - 1 and self.outer:
            self._back_to(len(self.outer) - 1, after=True)
            return
        self.index += 1
        self._show()

    def _start(self, mode: str) -> bool:
        doc = self.teaching.doc
        self.teaching.display.flush()
        scope = self._canvas_scope()
        try:
            if mode == "backward":
                full = self.teaching.display.evaluate_copy(backward=True)
                steps = backward_steps_at(doc, scope, full)
            else:
                full = self.teaching.display.evaluate_copy(backward=False)
                steps = forward_steps_at(doc, scope, full)
        except TeachError as exc:
            self.timer.stop()
            self._clear()
            self.title.setText(f"Cannot step {mode}: {exc}")
            self.teaching.window.show_status(f"Cannot step {mode}: {exc}")
            self._update_play()
            return False
        if not steps:
            return False
        self._full, self._insides = full, {}
        self.steps, self.scope, self.outer = steps, scope, []
        self.mode, self.index = mode, 0
        self._show()
        return True

    def _tick(self) -> None:
        if self.mode is None or self._at_end():
            self.pause()
            return
        self._advance()
        if self._at_end():
            self.pause()

    def _show(self) -> None:
        step = self.steps[self.index]
        doc = self.teaching.doc
        self._set_canvas_scope(self.scope)  # back from another tab: the step's level
        visited = self._visited()
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
            notes = {n: "not reached yet: keep stepping, F7" for n, r in full.results.items()
                     if r.grad is not None and n not in visited}
        else:
            full = self._full
            results = {n: replace(r, data=r.data if n in visited else None)
                       for n, r in full.results.items()}
            shown = replace(full, results=results)
            labels = {k: f"{summary(full.results[k[0]].data)} →" for k in step.edges}
        last = self._at_end()
        # the last step shows what Backward (or Forward) shows: the same state words
        where = f" inside {doc.display_name(self.scope)}" if self.scope is not None else ""
        state = None if last else (f"stepping {self.mode}{where}: {self.index + 1} of "
                                   f"{len(self.steps)}")
        self.teaching.show_evaluation(shown, self, notes, state)
        overlay = self.teaching.overlay
        # Where the numbers come from: the consumers (backward) or the inputs (forward); a
        # node hidden in a group is marked by the group's card standing for it here.
        ends = {e[1] if self.mode == "backward" else e[0] for e in step.edges}
        overlay.set_marks({self._shown_as(n) for n in ends}, "source")
        overlay.set_highlight([step.node], step.edges, labels)
        # The current node must be on screen (the dock opening at F7 shrinks the canvas and
        # the first refit runs on the next turn: follow it, then check again).
        view = self.teaching.window.view
        view.ensure_node_visible(step.node)
        QTimer.singleShot(0, lambda n=step.node: self._follow(n))
        self.title.setText(f"Inside {doc.display_name(self.scope)} · {step.title}"
                           if self.scope is not None else step.title)
        self.text.setHtml(self._html(step))
        self._update_group_buttons(step)
        self._update_play()

    def _shown_as(self, node: str) -> str:
        doc = self.teaching.doc
        if node not in doc:
            return node
        return doc.representative(node, self.scope) or node

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
        nxt = self._next_text(step)
        parts.append(f"<p style='color:{muted}; margin-top:8px'>{nxt}</p>")
        source = "the node its grad comes from" if self.mode == "backward" else "its inputs"
        unknown = "grad" if self.mode == "backward" else "data"
        hex_of = self.teaching.overlay.colour_hex
        parts.append(
            f"<p style='color:{muted}'>On the canvas: <b style='color:{hex_of('step')}'>teal</b> "
            f"this step, <b style='color:{hex_of('source')}'>lilac</b> {source}; "
            f"a {unknown} shown as — is not computed yet.</p>")
        return "".join(parts)

    def _next_text(self, step: Step) -> str:
        last = self.index >= len(self.steps) - 1
        name = self.teaching_name
        if last and self.outer:
            level = self.outer[-1]
            after = min(level.index + 1, len(level.steps) - 1)
            above = name(level.scope) if level.scope is not None else "the top level"
            return (f"Done inside {esc(name(self.scope or ''))}. Next: back out to "
                    f"{esc(above)}, on to {esc(name(level.steps[after].node))} (F7)")
        if last and self.scope is not None:
            what, key = (("grad", "Backward (F7)") if self.mode == "backward"
                         else ("data", "Forward (F6)"))
            return (f"Done inside {esc(name(self.scope))}: every {what} in it is filled in. "
                    f"Go up by the bar over the canvas, then Step {key} for the rest.")
        if last and self.mode == "backward":
            return ("Done: every grad is filled in. Backward (Ctrl+B) does all these steps at "
                    "once.")
        if last:
            return "Done: every node's data is computed. Now try Step Backward (F7)."
        key = "F7" if self.mode == "backward" else "F6"
        following = self.steps[self.index + 1]
        text = (f"Next: {esc(name(following.node))} "
                f"(press Step {(self.mode or '').capitalize()}, {key})")
        if step.opens is not None:
            text += f", or Step inside {esc(name(step.opens))} to see how it gets its numbers"
        return text

    def teaching_name(self, node: str) -> str:
        doc = self.teaching.doc
        known = node in doc or doc.is_group(node)
        return doc.display_name(node) if known else node

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
