"""The lessons: each seed example of the lecture with a short card and a task, in our own words.

The lessons are data files (``resources/lessons/*.json``, read by ``lesson_files``): adding a
lesson is adding a file. ``LESSONS`` are the bundled ones that loaded; ``LESSON_PROBLEMS`` has a
message for each bundled file that did not (the UI re-reads the folder and lists those too).
A lesson opens a graph (a bundled example, or an expression) and shows its card next to the
canvas; ``tab`` says which teaching tool the card talks about. Every number on a card is
checked against the engine by the tests (tests/teach/test_lesson_files.py).
"""

from __future__ import annotations

from playground.teach.lesson_files import Lesson, Task, load_lessons

__all__ = ["LECTURE_TEXT", "LESSONS", "LESSON_PROBLEMS", "Lesson", "Task", "lesson"]

LECTURE_TEXT = """\
a = 2.0
b = -3.0
c = 10.0
e = a*b
d = e + c
f = -2.0
L = d*f
"""

LESSONS, LESSON_PROBLEMS = load_lessons()


def lesson(key: str, lessons: list[Lesson] | None = None) -> Lesson:
    for item in LESSONS if lessons is None else lessons:
        if item.key == key:
            return item
    raise KeyError(f"no lesson {key!r}")
