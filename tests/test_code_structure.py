"""The package's import structure, read from the source (no module is run).

- No import circles anywhere in ``playground``, counting every import: under
  ``if TYPE_CHECKING:`` too (a circle the type checker needs is still a circle in the design:
  type against a small Protocol in a lower module instead, as ``ui/window/parts.py`` and
  ``ui/canvas/tool_scene.py`` do) and inside a function (it is still a dependency).
- The canvas imports nothing from the rest of the UI: the window hands it an editor
  (``playground.ui.canvas.editing.Editing``), and it paints what it is told.
- The teaching and training UI reach the canvas only through the display model and the editor:
  they import neither ``playground.ui.canvas`` nor the undo commands.
- Only the editor pushes undo commands.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "playground"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str) -> set[str]:
    """The ``playground`` modules that module ``name`` imports."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = nx.DiGraph((m, dep) for m in MODULES for dep in _imports(m))


def _package_level(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def test_the_import_graph_was_read() -> None:
    assert ("playground.ui.window.main_window", "playground.ui.editor") in GRAPH.edges
    # an import only for the type checker counts too
    assert ("playground.ui.canvas.scrub", "playground.ui.canvas.items") in GRAPH.edges
    assert ("playground.engine.value", "playground.ops.table") in GRAPH.edges or (
        "playground.engine.value", "playground.ops") in GRAPH.edges


def test_no_import_circles() -> None:
    # A package's __init__ that re-exports its modules is not a circle with them.
    modules = nx.DiGraph(
        (a, b) for a, b in GRAPH.edges
        if not (_package_level(b) and a.startswith(b + "."))
    )
    circles = [sorted(c) for c in nx.strongly_connected_components(modules) if len(c) > 1]
    assert circles == []


def _imports_from(prefix: str) -> dict[str, set[str]]:
    return {m: _imports(m) for m in MODULES if m == prefix or m.startswith(prefix + ".")}


WIDGETS = "playground.ui.widgets"
"""The shared widgets and helpers: the floor every room of the UI stands on."""


def test_the_canvas_imports_nothing_from_the_rest_of_the_ui() -> None:
    canvas = "playground.ui.canvas"
    leaks = {
        m: sorted(d for d in deps if d.startswith("playground.ui")
                  and not d.startswith((canvas, WIDGETS)))
        for m, deps in _imports_from(canvas).items()
    }
    assert {m: d for m, d in leaks.items() if d} == {}


def test_the_shared_widgets_import_no_room_of_the_ui() -> None:
    leaks = {
        m: sorted(d for d in deps if d.startswith("playground.ui") and not d.startswith(WIDGETS))
        for m, deps in _imports_from(WIDGETS).items()
    }
    assert {m: d for m, d in leaks.items() if d} == {}


@pytest.mark.parametrize("room", ["playground.ui.teaching", "playground.ui.training"])
def test_teaching_and_training_reach_the_canvas_only_through_display_and_editor(room) -> None:
    forbidden = ("playground.ui.canvas", "playground.ui.commands")
    leaks = {
        m: sorted(d for d in deps if d.startswith(forbidden))
        for m, deps in _imports_from(room).items()
    }
    assert {m: d for m, d in leaks.items() if d} == {}


def test_only_the_editor_pushes_undo_commands() -> None:
    pushers = []
    for name, path in MODULES.items():
        if not name.startswith("playground.ui") or name == "playground.ui.editor":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("push", "beginMacro", "endMacro")
                    and "stack" in ast.unparse(node.func.value).lower()):
                pushers.append(f"{name}:{node.lineno}")
    assert pushers == []


def _ui_sources() -> dict[str, str]:
    return {name: MODULES[name].read_text(encoding="utf-8")
            for name in MODULES if name.startswith("playground.ui")}


def test_only_the_display_model_evaluates_the_graph_for_display() -> None:
    calls = [f"{name}:{i}" for name, text in _ui_sources().items()
             if not name.startswith("playground.ui.display")
             for i, line in enumerate(text.splitlines(), 1)
             if re.search(r"\bevaluate\(", line)]
    assert calls == []


def test_no_ui_module_runs_backward_on_an_engine_graph() -> None:
    # Backward for display is the display model's (display.backward()); an engine graph's
    # .backward() belongs to the headless layers (training.network_for_sample, teach).
    calls = [f"{name}:{i}: {line.strip()}" for name, text in _ui_sources().items()
             if not name.startswith("playground.ui.display")  # its evaluator's, on the document
             for i, line in enumerate(text.splitlines(), 1)
             if re.search(r"\.backward\(", line) and not re.search(r"\bdisplay\.backward\(", line)
             and not re.search(r"def backward\(", line)]
    assert calls == []


def test_no_one_reads_what_the_scene_shows_from_its_private_state() -> None:
    readers = [name for name, text in _ui_sources().items()
               if re.search(r"\b(sc|scene)\._(grad_eval|grads|show_evaluation)\b", text)]
    assert readers == []


def test_every_undo_command_lives_in_the_commands_package() -> None:
    elsewhere = []
    for name, text in _ui_sources().items():
        if name == "playground.ui.commands" or name.startswith("playground.ui.commands."):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and any(
                "QUndoCommand" in ast.unparse(base) for base in node.bases
            ):
                elsewhere.append(f"{name}.{node.name}")
    assert elsewhere == []


def test_the_training_ui_reads_its_choices_from_the_training_layer() -> None:
    reaching = {m: sorted(d for d in deps if d.startswith("playground.engine"))
                for m, deps in _imports_from("playground.ui.training").items()}
    assert {m: d for m, d in reaching.items() if d} == {}


@pytest.mark.parametrize("room", ["playground.ui.teaching", "playground.ui.training",
                                  "playground.ui.canvas", "playground.ui.display",
                                  "playground.ui.inspector", "playground.ui.widgets"])
def test_the_window_installs_the_rooms_and_no_room_reaches_back_into_it(room) -> None:
    back = {m: sorted(d for d in deps if d.startswith("playground.ui.window"))
            for m, deps in _imports_from(room).items()}
    assert {m: d for m, d in back.items() if d} == {}
