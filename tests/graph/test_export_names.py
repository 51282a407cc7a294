"""Exported scripts run whatever the node ids are: ids that are Python keywords, builtins or
names the script uses itself get safe variable names, and the ids and labels stay strings."""

from __future__ import annotations

import ast
import builtins
import keyword

from playground.graph import GraphDocument
from playground.graph.export import to_python, to_torch
from playground.graph.export_names import reserved_names, variable_names
from playground.ops import OPS
from tests.graph.test_export import HAS_TORCH, assert_matches, run_scripts

SCALAR_IDS = ["print", "sum", "lambda", "Value", "torch", "np", "show", "float", "class",
              "print_", "__builtins__", "1x"]


def scalar_graph() -> GraphDocument:
    """lambda = print * sum; Value = tanh(lambda); torch = Value + np; show = torch * float;
    class = show - print_; __builtins__ = class + 1x (each label the same as its id)."""
    doc = GraphDocument()
    for n, x in [("print", 2.0), ("sum", -3.0), ("np", 0.5), ("float", 1.5), ("print_", 4.0),
                 ("1x", 0.25)]:
        doc.add_node("value", value=x, label=n, node_id=n)
    for n, op, inputs in [("lambda", "mul", ["print", "sum"]), ("Value", "tanh", ["lambda"]),
                          ("torch", "add", ["Value", "np"]), ("show", "mul", ["torch", "float"]),
                          ("class", "sub", ["show", "print_"]),
                          ("__builtins__", "add", ["class", "1x"])]:
        doc.add_node("op", op=op, label=n, node_id=n)
        for slot, source in enumerate(inputs):
            doc.connect(source, n, slot)
    doc.set_output("__builtins__")
    return doc


def tensor_graph() -> GraphDocument:
    """Ids that are the engine functions the tensor script imports: concat, linear, sum."""
    doc = GraphDocument()
    a = doc.add_node("value", value=[1.0, 2.0], label="np", node_id="np")
    b = doc.add_node("value", value=[3.0, -1.0], label="list", node_id="list")
    c = doc.add_node("op", op="concat", label="concat", node_id="concat")
    doc.connect(a, c, 0)
    doc.connect(b, c, 1)
    s = doc.add_node("op", op="sum", label="sum", node_id="sum")
    doc.connect(c, s, 0)
    t = doc.add_node("op", op="tanh", label="Tensor", node_id="Tensor")
    doc.connect(s, t, 0)
    doc.set_output(t)
    return doc


def assigned_names(code: str) -> set[str]:
    tree = ast.parse(code)
    return {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)}


def test_no_variable_takes_a_keyword_builtin_or_a_name_the_script_uses() -> None:
    names = variable_names([*SCALAR_IDS, "concat", "linear", "sumsq", "len", "match"])
    assert len(set(names.values())) == len(names)
    for node_id, name in names.items():
        assert name.isidentifier(), (node_id, name)
        assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name), name
        assert not hasattr(builtins, name), name
        assert name not in {"Value", "Tensor", "torch", "np", "show", "concat", "linear"}, name
    assert names["print"] == "print_" and names["print_"] == "print_2"


def test_names_an_op_template_calls_are_reserved_as_the_table_says() -> None:
    for op in OPS.values():
        for template in (op.py, op.torch):
            head = template.split("(")[0].strip()
            if head.isidentifier():  # concat(...), torch.cat(...): a name the script needs
                assert head in reserved_names(), (op.name, template)


def test_scripts_for_ids_that_are_python_names_run_and_match_evaluate(tmp_path) -> None:
    scalar, tensor = scalar_graph(), tensor_graph()
    codes = {"scalar": to_python(scalar), "tensor": to_python(tensor)}
    if HAS_TORCH:
        codes["scalar_torch"] = to_torch(scalar)
        codes["tensor_torch"] = to_torch(tensor)
    for code in codes.values():
        assigned = assigned_names(code)
        assert not assigned & {"print", "sum", "lambda", "Value", "torch", "np", "concat"}
    assert "'print'" in codes["scalar"]  # the label and the id stay strings
    got = run_scripts(codes, tmp_path)
    assert_matches(scalar, got["scalar"])
    assert_matches(tensor, got["tensor"])
    if HAS_TORCH:
        assert_matches(scalar, got["scalar_torch"])
        assert_matches(tensor, got["tensor_torch"])


def test_variables_are_named_after_the_cards_not_the_internal_ids() -> None:
    from playground.graph.examples import resource_path
    from playground.graph.io import load

    for path in sorted(resource_path("examples").glob("*.json")):
        doc = load(path)
        ids = {n for n in doc.node_ids() if n != doc.display_name(n)}
        for code in (to_python(doc), to_torch(doc)):
            assert not assigned_names(code) & ids, (path.name, assigned_names(code) & ids)
    poly = load(resource_path("examples", "polynomial.json"))
    code = to_python(poly)
    assert "x_pow_2 = x ** 2" in code
    assert "v3_times_x_pow_2_minus_4_times_x = v3_times_x_pow_2 - v4_times_x" in code
