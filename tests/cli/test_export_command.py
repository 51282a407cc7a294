"""``backprop-playground export`` (issue 14 §6), and micrograd-style scripts that run with the
real ``micrograd`` package and no playground at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from playground.cli import main
from playground.graph.evaluate import evaluate
from playground.graph.examples import resource_path
from playground.graph.export import MICROGRAD_OPS
from playground.graph.io import load

EXAMPLES = sorted(resource_path("examples").glob("*.json"))
# Runs the script with playground made unimportable: only micrograd can give it a Value.
NO_PLAYGROUND = ("import sys, runpy; sys.modules['playground'] = None; "
                 "runpy.run_path(sys.argv[1], run_name='__main__')")


def _micrograd_only(path: Path) -> bool:
    doc = load(path)
    ops = {doc.op_name(n) for n in doc.node_ids()} - {None}
    return evaluate(doc).engine == "scalar" and ops <= MICROGRAD_OPS


QUALIFYING = [p for p in EXAMPLES if _micrograd_only(p)]


def test_some_examples_use_only_micrograds_ops() -> None:
    assert {p.name for p in QUALIFYING} >= {"micrograd_readme.json", "lecture.json",
                                             "polynomial.json"}


@pytest.mark.parametrize("example", QUALIFYING, ids=lambda p: p.stem)
def test_micrograd_script_runs_with_real_micrograd_and_no_playground(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("micrograd.engine")
    out = tmp_path / "script.py"
    assert main(["export", str(example), "-o", str(out)]) == 0
    assert not out.read_text().startswith("# Needs")
    run = subprocess.run([sys.executable, "-I", "-c", NO_PLAYGROUND, str(out)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rows = []  # "e + c  data 2.0  grad -1.5": a name may hold spaces, and two 3s share one
    for line in run.stdout.splitlines():
        name, _, data, _, grad = line.rsplit(maxsplit=4)
        rows.append((name, float(data), float(grad)))
    doc = load(example)
    ev = evaluate(doc, backward=True)
    assert [name for name, _, _ in rows] == [doc.display_name(n) for n in ev.order]
    for n, (_, data, grad) in zip(ev.order, rows, strict=True):
        assert data == pytest.approx(ev.results[n].data, rel=1e-12)
        assert grad == pytest.approx(ev.results[n].grad, rel=1e-9, abs=1e-12)


def test_a_script_needing_more_ops_says_so_on_its_first_line(tmp_path: Path) -> None:
    out = tmp_path / "neuron.py"
    assert main(["export", str(resource_path("examples", "neuron.json")), "-o", str(out)]) == 0
    first = out.read_text().splitlines()[0]
    assert first.startswith("# Needs Backprop Playground") and "tanh" in first


@pytest.mark.parametrize("suffix,extra,start", [
    (".dot", [], "digraph G {"), (".py", ["--pytorch"], "\"\"\"Rebuilt"),
    (".svg", [], "<?xml"), (".png", [], "\x89PNG"),
])
def test_export_writes_each_kind(tmp_path: Path, suffix: str, extra: list[str],
                                 start: str) -> None:
    out = tmp_path / f"g{suffix}"
    assert main(["export", str(resource_path("examples", "lecture.json")), "-o", str(out),
                 *extra]) == 0
    assert out.read_bytes().decode("latin-1").startswith(start)


def test_bad_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["export", str(bad), "-o", str(tmp_path / "x.py")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert not (tmp_path / "x.py").exists()
    assert main(["export", str(bad), "-o", str(tmp_path / "x.txt")]) == 2
