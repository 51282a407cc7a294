"""Issue 18 §1: no input file exhausts memory or blocks (graph/limits.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playground.graph import io
from playground.graph.evaluate import evaluate


def _outer(tmp_path: Path, n: int, op: str) -> Path:
    doc = {"format": "backprop-playground", "version": 1, "nodes": [
        {"id": "a", "kind": "value", "value": [[1.0]] * n},
        {"id": "b", "kind": "value", "value": [[1.0] * n]},
        {"id": "c", "kind": "op", "op": op}],
        "edges": [{"source": "a", "target": "c", "slot": 0},
                  {"source": "b", "target": "c", "slot": 1}]}
    path = tmp_path / f"{op}.json"
    path.write_text(json.dumps(doc))
    return path


LAUNCH = """
import resource, subprocess, sys
cap = int(sys.argv[1])
code = subprocess.call(sys.argv[3:],
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
with open(sys.argv[2], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""
"""Runs a command under an address-space cap and writes its peak RSS (KiB). A small process
in between: a child's ru_maxrss counts the memory of the process it was forked from (Linux
takes the forked copy's high-water mark at exec), so measured from pytest it would be
pytest's size, not eval's."""


@pytest.mark.parametrize("op", ["matmul", "add"])
def test_outer_product_reproducer_is_refused_within_1_gb(tmp_path: Path, op: str) -> None:
    path = _outer(tmp_path, 10000, op)
    limit = 1_500_000_000
    peak = tmp_path / "peak_kib"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", LAUNCH, str(limit), str(peak), sys.executable,
                          "-m", "playground", "eval", "--backward", "--json", str(path)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 1, run.stderr
    node = json.loads(run.stdout)["nodes"][-1]
    assert node["error"] == ("result would be 10000×10000 float64 = 763 MiB: over the "
                             "256 MiB limit for one node")
    peak_kib = int(peak.read_text())
    assert 10_000 < peak_kib < 1_000_000  # eval's own peak (an interpreter is ~10 MB at least)


def test_backward_too_large_is_a_node_error_forward_still_computes(tmp_path: Path) -> None:
    doc = io.load(_outer(tmp_path, 4000, "add"))
    assert evaluate(doc).results["c"].data.shape == (4000, 4000)
    ev = evaluate(doc, backward=True)
    assert "backward would make 366 MiB" in ev.results["c"].error


def test_fifo_device_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path, words in ((fifo, "pipe"), (Path("/dev/zero"), "device"), (tmp_path, "folder")):
        run = subprocess.run([sys.executable, "-m", "playground", "eval", str(path)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and words in run.stderr and run.stderr.count("\n") == 1


def test_file_over_64_mib_and_literal_over_a_million_numbers_are_refused(tmp_path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(64 * 2**20 + 1)
    with pytest.raises(io.LoadError, match="over the 64 MiB limit"):
        io.load(big)
    doc = {"format": "backprop-playground", "version": 1,
           "nodes": [{"id": "a", "kind": "value", "value": [0] * 1_000_001}]}
    with pytest.raises(io.LoadError, match=r"nodes\[0\].value: .*1,000,000 limit"):
        io.loads(json.dumps(doc))


def test_a_files_literals_hold_at_most_four_million_numbers_together(tmp_path) -> None:
    """33 literals of a million numbers fit a 63 MiB file and took 52 s and 1.9 GB to load:
    literals are counted, together, before any number is read one by one."""
    million = "[" + "0," * 999_999 + "0]"

    def text(values: list[str]) -> str:
        nodes = ", ".join(f'{{"id": "v{i}", "kind": "value", "value": {v}}}'
                          for i, v in enumerate(values))
        return f'{{"format": "backprop-playground", "version": 1, "nodes": [{nodes}]}}'

    assert len(io.loads(text([million] * 4)).doc) == 4  # exactly the limit: loads
    with pytest.raises(io.LoadError) as refused:
        io.loads(text([million] * 4 + ["[[1.5], [2.5]]"]))
    assert str(refused.value) == ("nodes[4].value: the file's literals hold 4,000,002 numbers "
                                  "with this one: over the 4,000,000 limit for a file")
    with pytest.raises(io.LoadError, match=r"nodes\[4\].value: .* hold 4,000,001 numbers"):
        io.loads(text(["3"] + [million] * 4))  # a plain number counts too
