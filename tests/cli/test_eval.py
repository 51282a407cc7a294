"""`backprop-playground eval`: exit codes, table, JSON shape, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from playground.cli import main
from playground.graph import io
from playground.graph.examples import example_path
from playground.graph.expr import parse
from tests.graph.helpers import lecture, op, values

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "playground", "eval", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_json_output_subprocess():
    proc = cli(str(example_path("neuron")), "--backward", "--json")
    assert proc.returncode == 0 and proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["output"] == "o" and data["problems"] == []
    nodes = {n["id"]: n for n in data["nodes"]}
    for n in data["nodes"]:
        assert set(n) == {"id", "label", "op", "data", "grad", "error", "warnings"}
    assert nodes["x1"]["op"] is None and nodes["o"]["op"] == "tanh"
    assert nodes["o"]["data"] == pytest.approx(0.7071, abs=1e-4)
    assert nodes["x1"]["grad"] == pytest.approx(-1.5) and nodes["w2"]["grad"] == 0.0


def test_table_output_subprocess():
    proc = cli(str(example_path("lecture")), "--backward")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["label", "op", "data", "grad"]
    row = next(line for line in lines if line.startswith("L "))
    assert row.split() == ["L", "*", "-8", "1", "output"]


def test_unreadable_file_exit_2_one_line_subprocess(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-playground", "version": 7, "nodes": []}')
    proc = cli(str(bad))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        f"error: {bad}: version 7 is newer than this program understands "
        "(it reads up to version 2): update Backprop Playground\n"
    )
    proc = cli(str(tmp_path / "missing.json"), "--json")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("error: ") and "no such file" in proc.stderr


def test_tensors_as_nested_lists(capsys):
    assert main(["eval", str(example_path("tensor_layer")), "--json", "--backward"]) == 0
    data = json.loads(capsys.readouterr().out)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["X"]["data"] == [[1.0, -2.0, 0.5], [0.3, 0.1, -1.0]]
    assert len(nodes["W"]["grad"]) == 3 and len(nodes["W"]["grad"][0]) == 2


def test_grad_null_without_backward(capsys):
    assert main(["eval", str(example_path("lecture")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(n["grad"] is None for n in data["nodes"])


def test_graph_that_cannot_be_evaluated_exit_1(tmp_path, capsys):
    doc = lecture()
    doc.set_output("L")
    doc.disconnect("e", 1)
    io.save(doc, tmp_path / "g.json")
    assert main(["eval", str(tmp_path / "g.json"), "--json", "--backward"]) == 1
    data = json.loads(capsys.readouterr().out)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["e"]["error"] == "input 'right' is not connected" and nodes["e"]["data"] is None
    assert data["problems"] == ["cannot run backward: 'L' waits for 'e', which needs its 'right' "
                                "input"]
    assert main(["eval", str(tmp_path / "g.json")]) == 1
    out = capsys.readouterr().out
    assert "error: input 'right' is not connected" in out


def test_several_sinks_fail_only_backward(tmp_path, capsys):
    doc = lecture()
    values(doc, z=1.0)
    op(doc, "t", "tanh", "z")
    io.save(doc, tmp_path / "g.json")
    assert main(["eval", str(tmp_path / "g.json")]) == 0
    capsys.readouterr()
    assert main(["eval", str(tmp_path / "g.json"), "--backward"]) == 1
    assert "problem: 2 nodes have no consumer (L, t): mark one as the output" in (
        capsys.readouterr().out
    )


def test_nan_in_json_is_a_string(tmp_path, capsys):
    doc = lecture()
    doc.set_value("a", float("nan"))
    io.save(doc, tmp_path / "g.json")
    assert main(["eval", str(tmp_path / "g.json"), "--json", "--backward"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text, parse_constant=lambda c: pytest.fail(c))
    assert {n["id"]: n["data"] for n in data["nodes"]}["L"] == "nan"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe", b"[" * 50_000, b"null"])
def test_junk_files_exit_2(tmp_path, capsys, content):
    path = tmp_path / "junk.json"
    path.write_bytes(content)
    assert main(["eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1


PARAMS_FILE = """{
  "format": "backprop-playground", "version": 1,
  "nodes": [
    {"id": "X", "kind": "value", "label": "X", "value": [[1, 2, 3], [4, 5, 6]]},
    {"id": "cols", "kind": "op", "op": "sum", "label": "cols", "params": {"axis": 0}},
    {"id": "col", "kind": "op", "op": "reshape", "label": "col", "params": {"shape": [3, 1]}},
    {"id": "t", "kind": "op", "op": "tanh", "label": "t"},
    {"id": "L", "kind": "op", "op": "sum", "label": "L"}
  ],
  "edges": [
    {"source": "X", "target": "cols", "slot": 0},
    {"source": "cols", "target": "col", "slot": 0},
    {"source": "col", "target": "t", "slot": 0},
    {"source": "t", "target": "L", "slot": 0}
  ]
}
"""


def test_op_parameters_in_json_and_table(tmp_path, capsys):
    path = tmp_path / "params.json"
    path.write_text(PARAMS_FILE)
    assert main(["eval", str(path), "--json", "--backward"]) == 0
    nodes = {n["id"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    # every parameter of the op, the node's own over the defaults; none for other nodes
    assert nodes["cols"]["params"] == {"axis": 0, "keepdims": False}
    assert nodes["col"]["params"] == {"shape": [3, 1]}
    assert nodes["L"]["params"] == {"axis": None, "keepdims": False}
    assert "params" not in nodes["X"] and "params" not in nodes["t"]
    assert list(nodes["cols"]) == ["id", "label", "op", "params", "data", "grad", "error",
                                  "warnings"]
    assert nodes["cols"]["data"] == [5.0, 7.0, 9.0]  # the parameters are the ones used
    assert nodes["col"]["data"] == [[5.0], [7.0], [9.0]]

    assert main(["eval", str(path), "--backward"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[2:]}
    # the table shows what the node sets (the defaults go without saying)
    assert rows["cols"].split()[1:3] == ["Σ", "axis=0"]
    assert rows["col"].split()[1:3] == ["reshape", "shape=[3,1]"]
    assert rows["L"].split()[1:3] == ["Σ", "2.99991"] and "=" not in rows["L"]
    assert "=" not in rows["t"] and "=" not in rows["X"]


def test_example_with_parameters_subprocess():
    proc = cli(str(example_path("tensor_layer")), "--json")
    assert proc.returncode == 0 and proc.stderr == ""
    nodes = {n["id"]: n for n in json.loads(proc.stdout)["nodes"]}
    assert nodes["r"]["params"] == {"axis": 1, "keepdims": False}
    assert [n for n in nodes if "params" in nodes[n]] == ["r", "s"]


def _table_cells(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label + " "))


def test_tensor_grads_show_their_values_like_the_data(capsys):
    path = str(example_path("tensor_layer"))
    assert main(["eval", path, "--json", "--backward"]) == 0
    nodes = {n["id"]: n for n in json.loads(capsys.readouterr().out)["nodes"]}
    assert main(["eval", path, "--backward"]) == 0
    table = capsys.readouterr().out
    assert "array of shape" not in table
    for name in ("X", "W"):
        row = _table_cells(table, name)
        for rows in (nodes[name]["data"], nodes[name]["grad"]):
            shown = "[" + ", ".join("[" + ", ".join(f"{v:.4g}" for v in r) + "]"
                                    for r in rows) + "]"
            assert shown in row  # the same four-digit values as the JSON's numbers


def test_a_big_tensor_shows_its_corners_and_shape(tmp_path, capsys):
    from playground.graph.document import GraphDocument

    doc = GraphDocument()
    values(doc, big=[[float(i * 10 + j) for j in range(10)] for i in range(10)])
    op(doc, "t", "sum", "big")
    io.save(doc, tmp_path / "big.json")
    assert main(["eval", str(tmp_path / "big.json"), "--backward"]) == 0
    row = _table_cells(capsys.readouterr().out, "big")
    assert ("[[0, 1, ..., 8, 9], [10, 11, ..., 18, 19], ..., [80, 81, ..., 88, 89], "
            "[90, 91, ..., 98, 99]] (shape (10, 10))") in row
    assert row.count("(shape (10, 10))") == 2  # data and grad alike


def test_a_power_by_a_constant_reads_as_on_its_card(tmp_path, capsys):
    # x**2 and x**-1 are powc: the table's op column is **2 / **-1 (not powc's palette **n)
    path = tmp_path / "powc.json"
    io.save(parse("x = -3.0\ny = x**2 + x**-1"), path)
    assert main(["eval", str(path), "--backward"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    ops = {row[1]: row[2:4] for row in rows if row[1].startswith("**")}
    assert ops == {"**2": ["9", "1"], "**-1": ["-0.333333", "1"]}
    (x,) = [row for row in rows if row[0] == "x"]
    assert x[1:] == ["-3", "-6.11111"]  # a value has no op column; 2·(−3) − 1/9
