"""Teaching tools, headless (no Qt): step-through explanations, numerical gradients (of
numbers, and element by element of tensors), wiggle, the accumulation bug and the lessons.
The Qt panels live in ``playground.ui.teaching``."""

from playground.teach.bug import BugReport, BugRow, accumulation_bug, assign_backward
from playground.teach.lessons import LESSON_PROBLEMS, LESSONS, Lesson, Task, lesson
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
from playground.teach.tensor_check import (
    ElementCheck,
    TensorCheckReport,
    TensorLeafCheck,
    element_name,
    tensor_gradient_check,
)

__all__ = [
    "LESSONS",
    "LESSON_PROBLEMS",
    "BugReport",
    "BugRow",
    "ElementCheck",
    "GradCheckReport",
    "LeafCheck",
    "Lesson",
    "Replay",
    "Step",
    "Task",
    "TeachError",
    "TensorCheckReport",
    "TensorLeafCheck",
    "Wiggle",
    "accumulation_bug",
    "assign_backward",
    "backward_steps",
    "element_name",
    "forward_steps",
    "gradient_check",
    "h_sweep",
    "lesson",
    "tensor_gradient_check",
    "wiggle",
]
