"""Teaching tools, headless (no Qt): step-through explanations, numerical gradients, wiggle,
the accumulation bug and the lessons. The Qt panels live in ``playground.ui.teaching``."""

from playground.teach.bug import BugReport, BugRow, accumulation_bug, assign_backward
from playground.teach.lessons import LESSONS, Lesson, lesson
from playground.teach.numeric import (
    GradCheckReport,
    LeafCheck,
    Replay,
    Wiggle,
    gradient_check,
    h_sweep,
    wiggle,
)
from playground.teach.steps import Step, TeachError, backward_steps, forward_steps

__all__ = [
    "LESSONS",
    "BugReport",
    "BugRow",
    "GradCheckReport",
    "LeafCheck",
    "Lesson",
    "Replay",
    "Step",
    "TeachError",
    "Wiggle",
    "accumulation_bug",
    "assign_backward",
    "backward_steps",
    "forward_steps",
    "gradient_check",
    "h_sweep",
    "lesson",
    "wiggle",
]
