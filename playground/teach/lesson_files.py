"""Lessons as data files: one JSON file per lesson under ``resources/lessons/``.

Adding a lesson is adding a file. A file that does not load (bad JSON, a missing field, an
expression the parser refuses) becomes a one-line message for the lesson list; the other
files still load. Found through ``resource_path`` so the wheel and the bundle carry them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.graph.examples import resource_path
from playground.teach.lessons import Lesson

REQUIRED = ("key", "title", "card", "task")
MAX_BYTES = 200_000  # a lesson is a few sentences; anything larger is not a lesson


@dataclass(frozen=True)
class FileLesson:
    lesson: Lesson
    task: dict[str, Any]
    """What the app checks, e.g. {"kind": "predict_grad", "node": "a"}."""
    expected: dict[str, float] = field(default_factory=dict)
    """Numbers the card states, keyed "data:L" / "grad:a"; the tests recompute them."""


def lessons_folder() -> Path:
    return resource_path("lessons")


def _one(path: Path) -> FileLesson:
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES} bytes")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise ValueError(f"missing field {', '.join(missing)}")
    if not raw.get("expression") and not raw.get("example"):
        raise ValueError("needs an expression or an example")
    item = Lesson(str(raw["key"]), str(raw["title"]), str(raw["card"]),
                  example=str(raw.get("example", "")), expression=str(raw.get("expression", "")),
                  tab=str(raw.get("tab", "expression")), focus=str(raw.get("focus", "")))
    item.document()  # refuse now, in the list, not when the learner opens it
    expected = {str(k): float(v) for k, v in dict(raw.get("expected", {})).items()}
    return FileLesson(item, dict(raw["task"]), expected)


def load_lessons(folder: Path | None = None) -> tuple[list[FileLesson], list[str]]:
    """Every lesson file in ``folder`` (sorted by name), and a message per file that failed."""
    folder = folder or lessons_folder()
    found: list[FileLesson] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            found.append(_one(path))
        except Exception as exc:  # any bad file is one message, never a crash
            problems.append(f"{path.name}: could not load this lesson ({exc})")
    return found, problems
