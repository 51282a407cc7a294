"""Exports: DOT text; Python and PyTorch scripts that, run, reproduce evaluate()."""

from __future__ import annotations

import ast
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.graph import GraphDocument, io
from playground.graph.evaluate import evaluate
from playground.graph.examples import list_examples
from playground.graph.export import ExportError, to_dot, to_python, to_torch
from tests.graph.helpers import lecture, op, random_graph, values

HAS_TORCH = importlib.util.find_spec("torch") is not None
ROOT = Path(__file__).resolve().parents[2]


class Printed(dict):
    """What an exported script printed: printed name -> (data, grad), and ``rows``, every
    line as (name, data, grad) in order (constants show their value, so two may share one)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, object, object]] = []

    def add(self, name: str, data: object, grad: object) -> None:
        self.rows.append((name, data, grad))
        self[name] = (data, grad)


def run_script(code: str, tmp_path: Path) -> Printed:
    """Run an exported script; what it printed under each node's display name."""
    return run_scripts({"script": code}, tmp_path)["script"]


def run_scripts(codes: dict[str, str], tmp_path: Path) -> dict[str, Printed]:
    """Run several scripts in one fresh interpreter (torch takes seconds to import)."""
    paths = {}
    for name, code in codes.items():
        paths[name] = tmp_path / f"{name}.py"
        paths[name].write_text(code)
    runner = "import runpy, sys\nfor p in sys.argv[1:]:\n    print('=== ' + p)\n"
    runner += "    runpy.run_path(p, run_name='__main__')\n"
    proc = subprocess.run(
        [sys.executable, "-c", runner, *map(str, paths.values())],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Printed] = {}
    current = Printed()
    names = {str(p): n for n, p in paths.items()}
    for line in proc.stdout.splitlines():
        if line.startswith("=== "):
            current = out.setdefault(names[line[4:]], Printed())
            continue
        m = re.match(r"^(.+?)\s+data (.*) grad (.*)$", line)
        assert m, line
        current.add(m[1], _parse(m[2]), _parse(m[3]))
    return out


def _parse(text: str):
    text = text.strip().replace("nan", "'nan'").replace("inf", "'inf'")
    value = ast.literal_eval(text)
    return _floats(value)


def _floats(v):
    if isinstance(v, list):
        return [_floats(x) for x in v]
    if isinstance(v, str):
        return float(v.replace("'", ""))
    return v


def assert_matches(doc: GraphDocument, got: Printed, rtol: float = 1e-12) -> None:
    """The script printed every node, in evaluation order, under the name its card shows,
    with evaluate()'s data and grad."""
    ev = evaluate(doc, backward=True)
    assert [name for name, _, _ in got.rows] == [doc.display_name(n) for n in ev.order]
    for n, (_, data, grad) in zip(ev.order, got.rows, strict=True):
        r = ev.results[n]
        np.testing.assert_allclose(np.asarray(data, dtype=float), r.data, rtol=rtol, atol=1e-12)
        if r.grad is None:  # not upstream of the output: the engines say 0 or None
            assert grad is None or np.all(np.asarray(grad) == 0), n
        else:
            np.testing.assert_allclose(
                np.asarray(grad, dtype=float), r.grad, rtol=rtol, atol=1e-12, err_msg=n
            )


def test_dot_has_micrograd_records_and_separate_op_nodes():
    text = to_dot(lecture())
    assert text.startswith("digraph G {") and text.rstrip().endswith("}")
    assert '"a" [label="{ a | data 2.0000 | grad 6.0000 }"];' in text
    assert '"L" [label="{ L | data -8.0000 | grad 1.0000 }"];' in text
    assert '"e·op" [label="*", shape=ellipse];' in text
    assert '"e·op" -> "e";' in text and '"a" -> "e·op";' in text


def test_dot_escapes_and_errors_and_forward_only():
    doc = GraphDocument()
    values(doc, x=1.0)
    doc.set_label("x", 'a|b{c}"')
    op(doc, "s", "sub", "x")
    text = to_dot(doc, evaluate(doc))
    assert r"a\|b\{c\}\"" in text
    assert "input 'right' is not connected" in text
    assert "grad —" in text
    assert '"x" -> "s·op" [label="left"];' in text  # order matters for sub: the slot is named


def test_dot_tensors():
    doc = io.load(next(e.path for e in list_examples() if e.name == "tensor_layer"))
    text = to_dot(doc)
    # the canvas's digits: every element of a small tensor, the shape and mean of a big one
    assert "data [0.1000, -0.1000]" in text
    assert "data [[1.0000, -2.0000, 0.5000], [0.3000, 0.1000, -1.0000]]" in text
    doc.set_value("X", [[0.0] * 4] * 3)
    assert "data 3×4 array, mean 0.0000" in to_dot(doc)


def test_python_script_reproduces_evaluation(tmp_path):
    doc = lecture()
    code = to_python(doc)
    assert "from playground.engine import Value" in code and "L.backward()" in code
    assert_matches(doc, run_script(code, tmp_path))


def test_python_script_of_every_example(tmp_path):
    docs = {ex.name: io.load(ex.path) for ex in list_examples()}
    got = run_scripts({name: to_python(doc) for name, doc in docs.items()}, tmp_path)
    for name, doc in docs.items():
        assert_matches(doc, got[name])


def test_python_script_of_awkward_ids_and_specials(tmp_path):
    doc = GraphDocument()
    doc.add_node("value", value=2.0, node_id="x 1", label='quote"d')
    doc.add_node("value", value=math.inf, node_id="class")
    doc.add_node("value", value=3.0, node_id="x_1")
    doc.add_node("value", value=0.5, node_id="Value")
    op(doc, "1st", "add", "x 1", "x_1")
    op(doc, "lambda", "mul", "1st", "Value")
    op(doc, "show", "div", "lambda", "class")
    assert_matches(doc, run_script(to_python(doc), tmp_path))


def test_random_graphs_export(tmp_path):
    doc = random_graph(120, seed=5, ops=("add", "mul", "sub", "div", "tanh", "exp", "neg"))
    assert_matches(doc, run_script(to_python(doc), tmp_path), rtol=1e-9)


def test_unfinished_graph_is_refused():
    doc = lecture()
    doc.disconnect("e", 0)
    with pytest.raises(ExportError, match="e: input 'left' is not connected"):
        to_python(doc)
    with pytest.raises(ExportError, match="empty"):
        to_python(GraphDocument())


def test_no_single_output_exports_forward_only(tmp_path):
    doc = lecture()
    values(doc, z=1.0)
    op(doc, "t", "tanh", "z")
    code = to_python(doc)
    assert "no backward" in code
    got = run_script(code, tmp_path)
    assert got["L"] == (-8.0, 0.0)


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed")
def test_torch_script_reproduces_evaluation(tmp_path):
    docs = {ex.name: io.load(ex.path) for ex in list_examples()}
    docs["random"] = random_graph(60, seed=2, ops=("add", "mul", "sub", "div", "tanh", "relu"))
    codes = {name: to_torch(doc) for name, doc in docs.items()}
    assert all("import torch" in c and "dtype=torch.float64" in c for c in codes.values())
    got = run_scripts(codes, tmp_path)
    for name, doc in docs.items():
        assert_matches(doc, got[name], rtol=1e-9)
