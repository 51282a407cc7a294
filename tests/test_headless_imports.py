"""The headless core imports no Qt and no matplotlib; the engine and op table not even networkx.

Each check runs in a fresh interpreter, so modules imported by other tests don't count, and
imports every module of the package (found with pkgutil), not only what its ``__init__`` pulls
in: a module nobody imports at start-up (``training/export.py``, ``teach/text.py``) counts too.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

GUI = ("PySide6", "matplotlib")


HEADLESS = ("playground.ops", "playground.engine", "playground.graph", "playground.training",
            "playground.teach")


def _modules_after(*packages: str) -> set[str]:
    """Every module in sys.modules after importing ``packages`` and all their submodules."""
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"for name in {list(packages)!r}:\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        importlib.import_module(info.name)\n"
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
    # the check really ran, over every module
    assert {"playground.ops.table", "playground.engine.value", "playground.engine.nn"} <= loaded
    top = _top_level(loaded)
    for name in (*GUI, "networkx"):
        assert name not in top, f"importing ops + engine pulled in {name}"


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_import_no_gui(package: str) -> None:
    loaded = _modules_after(package)
    submodules = {m for m in loaded if m.startswith(package + ".")}
    assert len(submodules) >= 3, f"{package}: only {sorted(submodules)} were imported"
    top = _top_level(loaded)
    for name in GUI:
        assert name not in top, f"importing {package} (every module) pulled in {name}"


def test_headless_list_covers_every_package_but_the_ui() -> None:
    """A new package under playground/ is either in HEADLESS or is a front end on purpose."""
    import pkgutil

    import playground

    packages = {f"playground.{m.name}" for m in pkgutil.iter_modules(playground.__path__)
                if m.ispkg}
    front_ends = {"playground.ui", "playground.cli"}  # Qt; and the CLI that starts it
    assert packages - front_ends == set(HEADLESS)


def test_engine_value_is_importable_like_micrograd() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from playground.engine import Value; print(Value(2.0) * 3)"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Value(data=6.0, grad=0.0)"
