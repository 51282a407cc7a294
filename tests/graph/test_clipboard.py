"""The clipboard format, headless: a copied selection pasted into another document has the
same values, ops, parameters and wires, under fresh ids; foreign or damaged data is refused."""

from __future__ import annotations

import json

from playground.graph.clipboard import CLIPBOARD_FORMAT, clipboard_problem, copy_nodes, paste_nodes
from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from tests.graph.helpers import lecture, op, values


def test_a_selection_pasted_into_another_document_keeps_values_ops_and_wires():
    src = lecture()
    data = json.loads(json.dumps(copy_nodes(src, ["a", "b", "c", "e", "d"])))  # via text
    assert data["format"] == CLIPBOARD_FORMAT and clipboard_problem(data) is None
    dst = GraphDocument()
    values(dst, a=7.0)  # an id that the copy also uses
    new = paste_nodes(dst, data, offset=(30.0, 40.0))
    assert set(new) == {"a", "b", "c", "e", "d"}
    assert new["a"] != "a" and len(set(new.values())) == 5  # fresh ids, none reused
    assert dst.value("a") == 7.0 and dst.value(new["a"]) == 2.0 and dst.value(new["c"]) == 10.0
    assert dst.op_name(new["e"]) == "mul" and dst.op_name(new["d"]) == "add"
    assert dst.inputs(new["e"]) == [new["a"], new["b"]]
    assert dst.inputs(new["d"]) == [new["e"], new["c"]]
    assert dst.label(new["e"]) == "e"
    assert dst.pos(new["b"]) == (src.pos("b")[0] + 30.0, src.pos("b")[1] + 40.0)
    dst.set_output(new["d"])
    assert evaluate(dst).results[new["d"]].data == 4.0  # 2 * -3 + 10, as in the source


def test_only_the_wires_inside_the_selection_are_copied():
    src = lecture()
    data = copy_nodes(src, ["e", "L", "nope"])  # L's other input (d) stays behind
    assert [n["id"] for n in data["nodes"]] == ["e", "L"]
    assert data["edges"] == []
    dst = GraphDocument()
    new = paste_nodes(dst, data)
    assert dst.inputs(new["L"]) == [None, None] and dst.inputs(new["e"]) == [None, None]


def test_parameters_survive_a_copy():
    src = GraphDocument()
    values(src, x=[[1.0, 2.0], [3.0, 4.0]])
    op(src, "s", "sum", "x")
    src.set_params("s", {"axis": 1, "keepdims": False})
    dst = GraphDocument()
    new = paste_nodes(dst, copy_nodes(src, ["x", "s"]))
    assert dst.node(new["s"])["params"] == src.node("s")["params"]
    dst.set_output(new["s"])
    assert evaluate(dst).results[new["s"]].data.tolist() == [3.0, 7.0]


def test_a_second_paste_with_the_same_ids_makes_the_same_nodes():
    data = copy_nodes(lecture(), ["a", "b", "e"])
    doc = GraphDocument()
    first = paste_nodes(doc, data)
    for n in first.values():
        doc.remove_node(n)
    again = paste_nodes(doc, data, new_ids=dict(first))
    assert again == first and doc.inputs(first["e"]) == [first["a"], first["b"]]


def test_foreign_or_damaged_data_is_refused_with_a_reason():
    good = copy_nodes(lecture(), ["a", "e"])
    assert clipboard_problem({"nodes": []}) == "the clipboard holds no playground nodes"
    assert clipboard_problem("text") == "the clipboard holds no playground nodes"
    unknown = json.loads(json.dumps(good))
    unknown["nodes"][1]["op"] = "cosh"
    assert clipboard_problem(unknown) == "unknown op 'cosh' on the clipboard"
    dangling = json.loads(json.dumps(good))
    dangling["edges"] = [{"source": "a", "target": "zz", "slot": 0}]
    assert clipboard_problem(dangling) == "the clipboard data is damaged"
    into_value = json.loads(json.dumps(good))
    into_value["edges"] = [{"source": "e", "target": "a", "slot": 0}]
    assert clipboard_problem(into_value).startswith("the clipboard data is damaged: ")
