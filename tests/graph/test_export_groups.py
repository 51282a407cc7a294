"""Exports of grouped graphs: DOT draws groups as nested clusters; the scripts write each group
as a function called where it sits, or flattened, say which, and print exactly the flat graph's
numbers (every example grouped at random, each script run)."""

from __future__ import annotations

import ast
import math
import random
import re

import numpy as np
import pytest

from playground.cli import main
from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.examples import example_path, list_examples
from playground.graph.export import to_dot, to_python, to_torch
from tests.graph.test_export import HAS_TORCH, Printed, assert_matches, run_script, run_scripts
from tests.graph.test_groups import force_group, random_grouping, tanh_from_exp

EXPORTS = {"python": to_python, "torch": to_torch}


def grouped_tanh() -> tuple[GraphDocument, dict[str, str], str, str]:
    """The lecture's tanh from exp, its exp part in group 'tanh' holding group 'ratio'."""
    d, ids = tanh_from_exp()
    ratio = d.add_group([ids[k] for k in ("e-1", "e+1", "o")], label="ratio")
    tanh = d.add_group([ids[k] for k in ("two", "2n", "e", "one")] + [ratio], label="tanh")
    return d, ids, tanh, ratio


def test_dot_draws_groups_as_nested_clusters_labelled_with_their_names():
    d, ids, tanh, ratio = grouped_tanh()
    text = to_dot(d)
    outer = text.index(f'subgraph "cluster_{tanh}" {{')
    inner = text.index(f'subgraph "cluster_{ratio}" {{')
    assert outer < inner
    assert text[outer:].splitlines()[1].strip() == 'label="tanh"; style=rounded;'
    assert text[inner:].splitlines()[1].strip() == 'label="ratio"; style=rounded;'
    depth, where = 0, {}
    for line in text.splitlines()[1:-1]:  # which cluster each record sits in, by nesting
        m = re.match(r'\s*"([^"]+)" \[label="\{', line)
        if m:
            where[m[1]] = depth
        depth += line.count("{") - line.count("}") if "subgraph" in line or line.strip() == "}" \
            else 0
    assert where[ids["x"]] == 0 and where[ids["e"]] == 1 and where[ids["o"]] == 2
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")
    flat = to_dot(tanh_from_exp()[0])
    assert "subgraph" not in flat  # without groups the text is as it always was


def test_a_group_is_a_function_called_where_it_sits_and_the_header_says_so(tmp_path):
    d, *_ = grouped_tanh()
    code = to_python(d)
    lines = code.splitlines()
    assert "# groups are written as functions: each group is a def of its inputs that " \
           "returns its outputs," in lines[:4]
    assert "def tanh_group(n):" in lines and "def ratio_group(one, e):" in lines
    assert "    o = ratio_group(one, e)" in lines  # the nested group: a call inside tanh's def
    assert "o = tanh_group(n)" in lines  # called where it sits, at the top
    body = code[code.index("def tanh_group"):code.index("def ratio_group")]
    assert "    return o" in body and "two = Value(2.0)" in body
    got = run_script(code, tmp_path)
    assert_matches(d, got)
    assert got["o"][0] == pytest.approx(0.7071067811865476, abs=1e-15)

    flat = to_python(d, groups="flat")
    assert "# groups flattened: every node is written out, a group's nodes together where " \
           "the group sits" in flat.splitlines()[:4]
    assert "def " not in flat.replace("def show", "")
    assert run_script(flat, tmp_path).rows == got.rows
    assert to_python(tanh_from_exp()[0]) == to_python(tanh_from_exp()[0], groups="flat")
    assert "groups" not in to_python(tanh_from_exp()[0])  # no word on groups without any


def test_a_group_with_several_outputs_returns_a_tuple(tmp_path):
    d, ids = tanh_from_exp()
    d.add_group([ids["e-1"], ids["e+1"]], label="around e")
    code = to_python(d)
    assert "def around_e_group(one, e):" in code
    assert "    return e_minus_1, e_plus_1" in code
    assert "e_minus_1, e_plus_1 = around_e_group(one, e)" in code
    assert run_script(code, tmp_path).rows == run_script(to_python(d, "flat"), tmp_path).rows


def test_a_group_a_value_leaves_and_comes_back_into_is_written_flat_and_said(tmp_path):
    d, ids = tanh_from_exp()
    force_group(d, [ids["2n"], ids["e-1"]], "apart")  # 2n -> e (outside) -> e-1
    code = to_python(d)
    assert "# group 'apart' is written out flat: a value leaves it and comes back in, so it " \
           "cannot be one call" in code.splitlines()
    assert "def apart" not in code
    assert_matches(d, run_script(code, tmp_path))


def test_names_of_groups_never_clash_with_variables_builtins_or_each_other(tmp_path):
    d, ids = tanh_from_exp()
    d.set_label(ids["x"], "print_group")
    d.add_group([ids["e"]], label="print")
    d.add_group([ids["2n"]], label="")
    odd = 'quo"te\\'
    d.add_group([ids["o"]], label=odd)
    code = to_python(d)
    assert "def print_group_2(" in code and "def group(" in code and "def quo_te_group(" in code
    docs = {f.name: ast.get_docstring(f) for f in ast.parse(code).body
            if isinstance(f, ast.FunctionDef)}
    assert docs["quo_te_group"] == f"Group {odd!r}: e-1, e+1 in, o out."
    assert docs["print_group_2"] == "Group 'print': 2n in, e out."
    assert_matches(d, run_script(code, tmp_path))


def _same(a, b) -> bool:
    """Equal bit for bit (nan equal to nan), numbers or nested lists."""
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def assert_exact(doc: GraphDocument, got: Printed) -> None:
    """The script printed evaluate()'s data and grads bit for bit."""
    ev = evaluate(doc, backward=True)
    for n, (_, data, grad) in zip(ev.order, got.rows, strict=True):
        r = ev.results[n]
        assert _same(data, np.asarray(r.data).tolist()), (n, data, r.data)
        if r.grad is None:
            assert grad is None or np.all(np.asarray(grad) == 0), n
        else:
            assert _same(grad, np.asarray(r.grad).tolist()), (n, grad, r.grad)


OWN_ENGINE = ('import sys\n'
              'sys.modules["micrograd"] = None  # the test: the playground\'s Value, always\n')
"""Put before a micrograd-style script, it runs with the playground's ``Value`` even where
micrograd is installed: micrograd's backward orders the nodes through a ``set`` of objects,
so the last bit of a grad summed from three or more paths can change from run to run of the
very same script, flat or not (seen: 645.5772594752187 and ...186)."""


@pytest.mark.parametrize("flavour", ["python", "torch"])
def test_every_example_grouped_at_random_exports_the_flat_numbers_exactly(flavour, tmp_path):
    if flavour == "torch" and not HAS_TORCH:
        pytest.skip("torch is not installed")
    export = EXPORTS[flavour]
    own = OWN_ENGINE if flavour == "python" else ""
    docs, codes = {}, {}
    for ex in list_examples():
        for seed in range(3):
            doc = io.load(ex.path)
            random_grouping(doc, random.Random(f"{ex.name} {seed}"), rounds=6)
            key = f"{ex.name}_{seed}"
            docs[key] = doc
            function, flat = export(doc), export(doc, groups="flat")
            assert "groups are written as functions" in function
            assert "# groups flattened" in flat
            codes[f"{key}_function"], codes[f"{key}_flat"] = own + function, own + flat
            if own and "from micrograd.engine import Value" in function:
                codes[f"{key}_micrograd"] = function  # with micrograd's own Value
        codes[f"{ex.name}_ungrouped"] = own + export(io.load(ex.path))
    got = run_scripts(codes, tmp_path)
    for key, doc in docs.items():
        function, flat = got[f"{key}_function"], got[f"{key}_flat"]
        assert function.rows == flat.rows, key  # printed with repr: bit for bit
        assert_matches(doc, function)
        if flavour == "python":
            assert_exact(doc, function)  # the playground's engine: evaluate's very numbers
            assert flat.rows == got[f"{key.rsplit('_', 1)[0]}_ungrouped"].rows, key
        if f"{key}_micrograd" in got:
            assert_matches(doc, got[f"{key}_micrograd"])


@pytest.mark.parametrize("flavour", ["python", "torch"])
def test_random_graphs_grouped_at_random_export_the_flat_numbers_exactly(flavour, tmp_path):
    if flavour == "torch" and not HAS_TORCH:
        pytest.skip("torch is not installed")
    from playground.teach.random_expr import Difficulty, random_document

    docs, codes = {}, {}
    # 178 and 187: a grad summed from several uses, whose torch sum order once differed
    for seed in [*range(12), 178, 187]:
        ops, depth, rounds = (("add", "mul", "tanh", "exp"), 3, 5) if seed < 100 else (
            ("add", "mul", "tanh", "exp", "sub"), 4, 6)
        doc = random_document(Difficulty(ops=ops, depth=depth, reuse=True), seed)
        random_grouping(doc, random.Random(seed), rounds=rounds)
        docs[seed] = doc
        own = OWN_ENGINE if flavour == "python" else ""
        codes[f"s{seed}_function"] = own + EXPORTS[flavour](doc)
        codes[f"s{seed}_flat"] = own + EXPORTS[flavour](doc, groups="flat")
    got = run_scripts(codes, tmp_path)
    for seed, doc in docs.items():
        assert got[f"s{seed}_function"].rows == got[f"s{seed}_flat"].rows, seed
        assert_matches(doc, got[f"s{seed}_function"])
        if flavour == "python":
            assert_exact(doc, got[f"s{seed}_function"])


def test_cli_export_writes_groups_as_functions_unless_told_flat(tmp_path, capsys):
    d, *_ = grouped_tanh()
    path = tmp_path / "tanh.json"
    io.save(d, path)
    assert main(["export", str(path), "-o", str(tmp_path / "f.py")]) == 0
    assert "def tanh_group(n):" in (tmp_path / "f.py").read_text()
    assert main(["export", str(path), "-o", str(tmp_path / "flat.py"), "--groups", "flat"]) == 0
    assert "# groups flattened" in (tmp_path / "flat.py").read_text()
    assert main(["export", str(path), "-o", str(tmp_path / "t.py"), "--pytorch"]) == 0
    assert "def tanh_group(n):" in (tmp_path / "t.py").read_text()
    assert main(["export", str(path), "-o", str(tmp_path / "g.dot")]) == 0
    assert 'subgraph "cluster_' in (tmp_path / "g.dot").read_text()
    with pytest.raises(SystemExit) as err:
        main(["export", str(path), "-o", str(tmp_path / "x.py"), "--groups", "nested"])
    assert err.value.code == 2
    assert "invalid choice: 'nested'" in capsys.readouterr().err


def test_flattened_groups_write_the_graphs_own_lines_a_groups_nodes_together():
    doc = io.load(example_path("neuron"))
    before = to_python(doc)
    s = doc.add_group(["x2", "w2", "x2w2"], label="second input")  # x2w2 comes late in order
    flat = to_python(doc, groups="flat").splitlines()
    assert sorted(line for line in flat if "groups flattened" not in line) == sorted(
        before.splitlines())
    computed = [line.split(" = ")[0] for line in flat if " = " in line and "." not in
                line.split(" = ")[0] and line[0] != " "]
    assert computed[computed.index("x2"):computed.index("x2") + 3] == ["x2", "w2", "x2_times_w2"]
    function = to_python(doc)
    assert "x2_times_w2 = second_input_group()" in function and doc.is_group(s)


def test_a_long_record_of_a_groups_inside_is_wrapped_and_still_runs(tmp_path):
    d = GraphDocument()
    total = d.add_node("value", value=0.5, label="start")
    inner = []
    for i in range(8):
        w = d.add_node("value", value=0.25 * i, label=f"a_rather_long_weight_name_{i}")
        s = d.add_node("op", op="add", label=f"running_total_after_{i}")
        d.connect(total, s, 0)
        d.connect(w, s, 1)
        inner += [w, s]
        total = s
    d.add_group(inner, label="accumulate")
    code = to_python(d)
    start = code.index("    nodes.update(")
    record = code[start:code.index("    return", start)]
    assert record.count("\n") > 2 and all(len(line) <= 99 for line in record.splitlines())
    assert run_script(code, tmp_path).rows == run_script(to_python(d, "flat"), tmp_path).rows
