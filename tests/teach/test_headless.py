"""The teaching core is headless, and ``import playground`` stays light (show/draw are lazy)."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    code += "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return {m.split(".")[0] for m in json.loads(proc.stdout.strip().splitlines()[-1])}


def test_teach_imports_no_gui():
    top = _modules_after("import playground.teach")
    assert "playground" in top
    assert not {"PySide6", "matplotlib"} & top


def test_import_playground_is_light_until_draw_is_used():
    top = _modules_after("import playground")
    assert not {"PySide6", "matplotlib", "networkx", "numpy"} & top
    top = _modules_after("import playground\nassert callable(playground.draw)\n"
                         "assert callable(playground.show)")
    assert "PySide6" not in top  # Qt comes only when something is drawn
