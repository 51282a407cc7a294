"""Who may show numbers and who may reach the canvas (issue 13's import rules), read from the
source: only the display model evaluates the graph for display; teaching and training reach
the canvas only through the display model (and the window's editor); the canvas imports
nothing else of the UI but what it paints with."""

from __future__ import annotations

import ast
import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "playground" / "ui"
CANVAS_MAY_IMPORT = {"playground.ui.marks", "playground.ui.commands"}
"""Both on their way out of the canvas (marks to playground.graph, commands behind the
editor)."""


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def modules(*parts: str) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        p = UI / part
        out.extend(sorted(p.rglob("*.py")) if p.is_dir() else sorted(UI.glob(part)))
    assert out, parts
    return out


def test_only_the_display_model_evaluates_for_display():
    calls = []
    for path in modules("."):
        if "display" in path.relative_to(UI).parts:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bevaluate\(", line):
                calls.append(f"{path.relative_to(UI)}:{i}: {line.strip()}")
    assert calls == []


def test_teaching_and_training_reach_the_canvas_only_through_the_display_model():
    reached = [f"{p.relative_to(UI)}: {m}"
               for p in modules("teaching", "training*.py", "training")
               if p.exists()
               for m in sorted(imports(p)) if m.startswith("playground.ui.canvas")]
    assert reached == []


def test_the_canvas_imports_nothing_else_of_the_ui():
    outside = [f"{p.relative_to(UI)}: {m}" for p in modules("canvas")
               for m in sorted(imports(p))
               if m.startswith("playground.ui.") and not m.startswith("playground.ui.canvas")
               and m.rsplit(".", 1)[0] not in CANVAS_MAY_IMPORT | {"playground.ui"}
               and m not in CANVAS_MAY_IMPORT]
    assert outside == []


def test_no_one_reads_what_the_scene_shows_from_its_private_state():
    readers = [f"{p.relative_to(UI)}" for p in modules(".")
               if re.search(r"\b(sc|scene)\._(grad_eval|grads|show_evaluation)\b",
                            p.read_text(encoding="utf-8"))]
    assert readers == []
