"""The wheel (what ``pip install .`` installs) carries resources/ inside the package.

docs/architecture.md: "``pip install .`` from a fresh clone, then launching from another
folder, must find the examples." The editable install used by the tests finds ``resources/``
beside the source, so only a real wheel shows whether hatchling's ``force-include`` maps it to
``playground/resources`` and whether the lookup (importlib.resources) finds it there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600, cwd=out,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (found,) = out.glob("backprop_playground-*.whl")
    return found


def test_wheel_holds_every_example_and_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            inside = "playground/resources/" + path.relative_to(ROOT / "resources").as_posix()
            assert inside in names, f"{inside} is not in {wheel.name}"
    assert not any(n.startswith("resources/") for n in names)  # not as a top-level package


def test_installed_wheel_finds_its_examples_from_another_folder(wheel, tmp_path):
    target, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    code = (
        "import json, playground\n"
        "from playground.graph.examples import list_examples, example_path\n"
        "from playground.graph import io\n"
        "from playground.graph.evaluate import evaluate\n"
        "ev = evaluate(io.load(example_path('lecture')), backward=True)\n"
        "print(json.dumps({'package': playground.__file__,\n"
        "                  'examples': sorted(e.name for e in list_examples()),\n"
        "                  'where': str(example_path('lecture')),\n"
        "                  'L': ev.results[ev.output].data}))\n"
    )
    proc = subprocess.run([sys.executable, "-I", "-c", _with_path(code, target)],
                          capture_output=True, text=True, timeout=120, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["package"].startswith(str(target)), found["package"]
    assert found["where"].startswith(str(target / "playground" / "resources")), found["where"]
    shipped = sorted(p.stem for p in (ROOT / "resources" / "examples").glob("*.json"))
    assert found["examples"] == shipped
    assert found["L"] == -8.0


def _with_path(code: str, target: Path) -> str:
    """``-I``: no PYTHONPATH, no current folder. The editable install's .pth appends the source
    tree to sys.path; ``target`` goes first, so the wheel's copy is the one imported."""
    return f"import sys; sys.path.insert(0, {str(target)!r})\n" + code
