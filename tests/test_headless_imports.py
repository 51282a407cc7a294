"""The headless core imports no Qt and no matplotlib; the engine and op table not even networkx.

Each check runs in a fresh interpreter, so modules imported by other tests don't count.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

GUI = ("PySide6", "matplotlib")


def _modules_after(*packages: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(packages)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def _top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_ops_and_engine_import_no_gui_and_no_networkx() -> None:
    loaded = _modules_after("playground.ops", "playground.engine")
    assert {"playground.ops", "playground.engine"} <= loaded  # the check really ran
    top = _top_level(loaded)
    for name in (*GUI, "networkx"):
        assert name not in top, f"importing ops + engine pulled in {name}"


@pytest.mark.parametrize("package", ["playground.graph", "playground.training"])
def test_headless_packages_import_no_gui(package: str) -> None:
    loaded = _modules_after("playground.ops", "playground.engine", package)
    assert package in loaded
    top = _top_level(loaded)
    for name in GUI:
        assert name not in top, f"importing {package} pulled in {name}"


def test_engine_value_is_importable_like_micrograd() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from playground.engine import Value; print(Value(2.0) * 3)"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Value(data=6.0, grad=0.0)"
