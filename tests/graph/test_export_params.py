"""Exports carry each node's op parameters; the exported scripts, run, reproduce evaluate()."""

from __future__ import annotations

import pytest

from playground.graph import GraphDocument
from playground.graph.export import ExportError, to_dot, to_python, to_torch
from tests.graph.helpers import values
from tests.graph.test_export import HAS_TORCH, assert_matches, run_scripts


def params_graph() -> GraphDocument:
    """Every parameterized op with non-default parameters, feeding one scalar output."""
    doc = GraphDocument()
    values(doc, x=[[1.0, -2.0, 0.5, 0.25], [0.3, 0.1, -1.0, 2.0], [0.7, -0.4, 0.2, 0.9]])
    nodes = [
        ("s0", "sum", {"axis": 0}, ["x"]),                       # (4,)
        ("m1", "mean", {"axis": 1, "keepdims": True}, ["x"]),    # (3, 1)
        ("mx", "max", {"axis": -1}, ["x"]),                      # (3,)
        ("rs", "reshape", {"shape": [2, -1]}, ["x"]),            # (2, 6)
        ("tr", "transpose", {}, ["x"]),                          # (4, 3)
        ("tp", "transpose", {"axes": [1, 0]}, ["x"]),            # (4, 3)
        ("gi", "getitem", {"index": "1:, ::2"}, ["x"]),          # (2, 2)
        ("gl", "getitem", {"index": "[0, 2, 2]"}, ["x"]),        # (3, 4)
        ("cc", "concat", {"axis": 1}, ["tr", "tp"]),             # (4, 6)
        ("ls", "log_softmax", {"axis": 0}, ["cc"]),              # (4, 6)
    ]
    for n, name, params, inputs in nodes:
        doc.add_node("op", op=name, params=params, node_id=n)
        for slot, source in enumerate(inputs):
            doc.connect(source, n, slot)
    # Everything into one number, so every node gets a gradient.
    last = None
    for n in ("s0", "m1", "mx", "rs", "gi", "gl", "ls"):
        total = f"t_{n}"
        doc.add_node("op", op="sum", node_id=total)
        doc.connect(n, total, 0)
        if last is not None:
            acc = f"a_{n}"
            doc.add_node("op", op="add", node_id=acc)
            doc.connect(last, acc, 0)
            doc.connect(total, acc, 1)
            total = acc
        last = total
    doc.set_output(last)
    return doc


def test_scripts_show_the_parameters():
    doc = params_graph()
    py, torch = to_python(doc), to_torch(doc)
    assert "sum_x = x.sum(axis=0, keepdims=False)" in py
    assert "mean_x = x.mean(axis=1, keepdims=True)" in py
    assert "reshape_x = x.reshape((2, -1))" in py
    assert "transpose_x = x.transpose((1, 0))" in py  # the default, made explicit for the input
    assert "getitem_x = x[1:, ::2]" in py and "getitem_x_2 = x[[0, 2, 2]]" in py
    assert "concat_ = concat([transpose_x, transpose_x_2], axis=1)" in py
    assert "log_softmax_ = log_softmax(concat_, axis=0)" in py
    assert "from playground.engine.tensor import concat, log_softmax" in py
    assert "sum_x = x.sum(dim=0, keepdim=False)" in torch
    assert "max_x = torch.amax(x, dim=-1, keepdim=False)" in torch
    assert "transpose_x = x.permute((1, 0))" in torch
    assert "concat_ = torch.cat([transpose_x, transpose_x_2], dim=1)" in torch
    assert "log_softmax_ = torch.log_softmax(concat_, dim=0)" in torch


def test_dot_names_the_parameters():
    text = to_dot(params_graph())
    assert '"s0·op" [label="Σ axis=0", shape=ellipse];' in text
    assert '"rs·op" [label="reshape → (2, -1)", shape=ellipse];' in text
    assert '"gi·op" [label="[ ] [1:, ::2]", shape=ellipse];' in text


def test_python_script_with_parameters_reproduces_evaluation(tmp_path):
    doc = params_graph()
    got = run_scripts({"params": to_python(doc)}, tmp_path)["params"]
    assert_matches(doc, got)


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed")
def test_torch_script_with_parameters_reproduces_evaluation(tmp_path):
    doc = params_graph()
    got = run_scripts({"params": to_torch(doc)}, tmp_path)["params"]
    assert_matches(doc, got, rtol=1e-9)


def test_a_parameter_a_template_cannot_say_becomes_a_keyword():
    doc = GraphDocument()
    values(doc, z=[[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], t=[0.0, 2.0])
    doc.add_node("op", op="cross_entropy", params={"reduction": "sum"}, node_id="ce")
    doc.connect("z", "ce", 0)
    doc.connect("t", "ce", 1)
    assert "cross_entropy_ = cross_entropy(z, t, reduction='sum')" in to_python(doc)
    assert "cross_entropy(z, t, reduction='sum')" in to_torch(doc)


def test_bad_parameters_block_the_export_with_the_node_named():
    doc = GraphDocument()
    values(doc, x=[1.0, 2.0])
    doc.add_node("op", op="sum", params={"axis": 3}, label="s", node_id="s")
    doc.connect("x", "s", 0)
    with pytest.raises(ExportError, match="s: axis 3 does not exist"):
        to_python(doc)
