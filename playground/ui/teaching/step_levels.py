"""Stepping one level of the groups at a time: the Step inside and Back out buttons, and the
stack of outer levels (mixed into ``StepPanel``), backward and forward alike.

A group's step opens it: **Step inside** shows the group on the canvas (``scene.set_scope``)
and the steps of its inside (``teach.group_steps``); after its last step, or on **Back out**,
the canvas and the steps return to the level above, at the step after the group's. The learner
may also move the canvas: opening the group at its step is Step inside, going up by the
breadcrumb to a level we came from is Back out, and any other level starts the steps over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from playground.teach import Step, TeachError
from playground.teach.group_steps import backward_steps_at, forward_steps_at


@dataclass(frozen=True)
class Level:
    """An outer level kept while the learner is inside a group: its steps and the group's."""

    scope: str | None
    steps: list[Step]
    index: int


class StepLevels:
    """Mixed into ``StepPanel`` (which has the steps, the index, the mode and the teaching)."""

    teaching: Any
    mode: str | None
    steps: list[Step]
    index: int
    scope: str | None
    outer: list[Level]
    _full: Any
    _moving_canvas: bool
    _insides: dict[str, set[str]]
    inside_button: QPushButton
    out_button: QPushButton
    timer: Any

    def _show(self) -> None: ...  # pragma: no cover - StepPanel's
    def _clear(self) -> None: ...  # pragma: no cover
    def _show_intro(self) -> None: ...  # pragma: no cover
    def _update_play(self) -> None: ...  # pragma: no cover
    title: Any

    def _group_row(self, parent: QWidget) -> QHBoxLayout:
        """The two buttons, shown only when they apply."""
        self.inside_button = QPushButton(parent)
        self.inside_button.setObjectName("step_inside")
        self.inside_button.clicked.connect(self.step_inside)
        self.out_button = QPushButton(parent)
        self.out_button.setObjectName("step_back_out")
        self.out_button.clicked.connect(self.back_out)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.inside_button)
        row.addWidget(self.out_button)
        row.addStretch(1)
        return row

    def step_inside(self) -> bool:
        """Open the current step's group on the canvas and step through its inside."""
        step = self.steps[self.index] if self.mode is not None and self.steps else None
        if step is None or step.opens is None:
            return False
        at = backward_steps_at if self.mode == "backward" else forward_steps_at
        try:
            inside = at(self.teaching.doc, step.opens, self._full)
        except TeachError as exc:
            self.teaching.window.show_status(f"Cannot step inside: {exc}")
            return False
        self.timer.stop()
        self.outer.append(Level(self.scope, self.steps, self.index))
        self.scope, self.steps, self.index = step.opens, inside, 0
        self._set_canvas_scope(step.opens)
        self._show()
        return True

    def back_out(self) -> bool:
        """Leave the group's steps: back to the level above, after the group's step."""
        if not self.outer:
            return False
        self._back_to(len(self.outer) - 1, after=True)
        return True

    def _back_to(self, depth: int, after: bool) -> None:
        """Return to the outer level ``depth`` (0: the outermost kept), at its group's step,
        or at the step after it."""
        level = self.outer[depth]
        del self.outer[depth:]
        self.scope, self.steps = level.scope, level.steps
        self.index = min(level.index + 1, len(level.steps) - 1) if after else level.index
        self._set_canvas_scope(self.scope)
        self._show()

    def _canvas_scope(self) -> str | None:
        return getattr(self.teaching.window.scene, "scope", None)

    def _set_canvas_scope(self, scope: str | None) -> None:
        scene: Any = self.teaching.window.scene
        if getattr(scene, "set_scope", None) is None or self._canvas_scope() == scope:
            return
        self._moving_canvas = True
        try:
            scene.set_scope(scope)
        finally:
            self._moving_canvas = False

    def _canvas_scope_changed(self, scope: str | None) -> None:
        """The learner opened a group or went up on the canvas while stepping: at
        the group's step that is Step inside, up to a level we came from is Back out."""
        if self._moving_canvas or self.mode is None or scope == self.scope:
            return
        doc = self.teaching.doc
        levels = [self.scope, *(level.scope for level in self.outer)]
        if any(g is not None and not doc.is_group(g) for g in levels):
            self._start_over()  # an undo took a group away: the graph changed under us
            return
        step = self.steps[self.index]
        if step.opens is not None and scope == step.opens:
            self.step_inside()
            return
        depths = [i for i, level in enumerate(self.outer) if level.scope == scope]
        if depths:
            self._back_to(depths[0], after=False)
            return
        self._start_over()  # another level altogether: these steps are not what it shows

    def _start_over(self) -> None:
        self.timer.stop()
        self.teaching.restore(self)
        self._clear()
        self._show_intro()
        self.title.setText("The canvas shows another level: Step Backward (F7) steps there.")
        self._update_play()

    def _visited(self) -> set[str]:
        """The nodes whose grads (data, forward) the steps have found so far, across the
        levels: a group's step stands for its whole inside (unless we are inside it now)."""
        doc = self.teaching.doc
        found: set[str] = set()

        def reached(step: Step) -> set[str]:
            if step.leaving:
                return set()  # the node outside gets the rest of its grad out there
            return self._inside(step.opens) if step.opens is not None else {step.node}

        for level in self.outer:
            for step in level.steps[: level.index]:
                found |= reached(step)
            gid = level.steps[level.index].opens
            if gid is not None and self.mode == "backward":  # grads from outside it
                found |= set(doc.ports(gid).outputs)
        if self.mode == "forward" and self.scope is not None and not self.outer:
            found |= set(doc.node_ids()) - self._inside(self.scope)  # what feeds it is given
        for step in self.steps[: self.index + 1]:
            found |= reached(step)
        return found

    def _inside(self, gid: str) -> set[str]:
        """A group's nodes, read once per run of steps (each read walks the whole graph)."""
        if gid not in self._insides:
            self._insides[gid] = self.teaching.doc.inside(gid)
        return self._insides[gid]

    def _update_group_buttons(self, step: Step | None) -> None:
        doc = self.teaching.doc
        opens = step.opens if step is not None and self.mode is not None else None
        self.inside_button.setVisible(opens is not None)
        if opens is not None:
            self.inside_button.setText(f"Step inside {doc.display_name(opens)} ▸")
            self.inside_button.setToolTip(
                "Open the group on the canvas and step through its inside: how it computes "
                "its local derivative")
        inside = bool(self.outer) and self.scope is not None
        self.out_button.setVisible(inside)
        if inside and self.scope is not None:
            above = self.outer[-1].scope
            where = doc.display_name(above) if above is not None else "the top level"
            self.out_button.setText(f"◂ Back out to {where}")
            self.out_button.setToolTip("Leave this group's steps: back to the level above")
