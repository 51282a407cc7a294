"""Every module of playground.graph (and the eval CLI) imports without Qt or matplotlib."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import playground.graph


def test_graph_modules_import_no_gui():
    names = [f"playground.graph.{m.name}" for m in pkgutil.iter_modules(playground.graph.__path__)]
    names.append("playground.cli.eval")
    code = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = {m.split(".")[0] for m in json.loads(proc.stdout.splitlines()[-1])}
    assert "playground" in loaded and len(names) >= 9
    assert not loaded & {"PySide6", "matplotlib", "torch"}
