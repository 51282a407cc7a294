"""The clipboard with groups: a copied group brings its whole inside and nested groups; a paste
goes into a scope with fresh group ids; clipboard data from before groups still pastes."""

from __future__ import annotations

import json

import pytest

from playground.graph.clipboard import clipboard_problem, copy_nodes, paste_nodes
from playground.graph.document import GraphDocument, GraphError
from playground.graph.evaluate import evaluate
from tests.graph.test_groups import numbers, tanh_from_exp


def grouped() -> tuple[GraphDocument, dict[str, str], str, str]:
    d, ids = tanh_from_exp()
    ratio = d.add_group([ids[k] for k in ("e-1", "e+1", "o")], label="ratio", pos=(700, 0))
    tanh = d.add_group([ids[k] for k in ("two", "2n", "e", "one")] + [ratio], label="tanh",
                       pos=(300, 0))
    return d, ids, tanh, ratio


def test_a_copied_group_brings_its_whole_inside_and_its_nested_groups():
    d, ids, tanh, ratio = grouped()
    data = json.loads(json.dumps(copy_nodes(d, [tanh, ids["n"]])))  # via text
    assert clipboard_problem(data) is None and data["version"] == 2
    assert {n["id"] for n in data["nodes"]} == {ids[k] for k in (
        "two", "one", "2n", "e", "e-1", "e+1", "o", "n")}
    assert [(g["id"], g["label"], g["parent"]) for g in data["groups"]] == [
        (ratio, "ratio", tanh), (tanh, "tanh", None)]
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[ids["e"]]["group"] == tanh and by_id[ids["o"]]["group"] == ratio
    assert "group" not in by_id[ids["n"]]
    assert {"source": ids["n"], "target": ids["2n"], "slot": 1} in data["edges"]


def test_a_pasted_group_gets_fresh_ids_and_lands_in_the_paste_scope():
    d, ids, tanh, ratio = grouped()
    data = copy_nodes(d, [tanh, ids["n"], ids["xw"], ids["b"], ids["x"], ids["w"]])
    dst = d  # pasted into the same graph: every id must be fresh
    box = dst.add_group([ids["x"]], label="box")
    taken = set(dst.groups()) | set(dst.node_ids())
    new = paste_nodes(dst, data, offset=(10.0, 20.0), scope=box)
    assert not taken & set(new.values()) and len(set(new.values())) == len(new)
    assert dst.is_group(new[tanh]) and dst.group_of(new[tanh]) == box
    assert dst.group_of(new[ratio]) == new[tanh]
    assert dst.group_label(new[ratio]) == "ratio"
    assert dst.group_pos(new[tanh]) == (310.0, 20.0)
    assert dst.group_of(new[ids["e"]]) == new[tanh] and dst.group_of(new[ids["o"]]) == new[ratio]
    assert dst.group_of(new[ids["n"]]) == box  # it sat at the copy's top
    assert dst.ports(new[tanh]) == type(d.ports(tanh))(
        tuple(new[n] for n in d.ports(tanh).inputs), tuple(new[n] for n in d.ports(tanh).outputs))
    dst.set_output(new[ids["o"]])
    assert evaluate(dst).results[new[ids["o"]]].data == evaluate(d).results[ids["o"]].data


def test_copying_nodes_inside_a_group_pastes_them_at_the_top_unless_told():
    d, ids, tanh, _ = grouped()
    data = copy_nodes(d, [ids["e"], ids["2n"]])  # the canvas shows group tanh: its nodes
    assert data["version"] == 1 and "groups" not in data
    assert all("group" not in n for n in data["nodes"])
    new = paste_nodes(d, data)
    assert d.group_of(new[ids["e"]]) is None
    again = paste_nodes(d, data, scope=tanh)
    assert d.group_of(again[ids["e"]]) == tanh


def test_a_paste_redone_with_the_same_ids_makes_the_same_groups():
    d, _ids, tanh, _ratio = grouped()
    data = copy_nodes(d, [tanh])
    dst = GraphDocument()
    first = paste_nodes(dst, data)
    after = dst.to_data()
    for n in first.values():
        if n in dst:
            dst.remove_node(n)
    for g in reversed(first.values()):
        if dst.is_group(g):
            dst.delete_group(g)
    assert dst.to_data() == GraphDocument().to_data()
    assert paste_nodes(dst, data, new_ids=dict(first)) == first
    assert dst.to_data() == after


def test_clipboard_data_from_before_groups_still_pastes():
    old = {"format": "backprop-playground-clipboard", "version": 1,
           "nodes": [{"id": "a", "kind": "value", "op": None, "label": "a", "value": 2.0,
                      "pos": [0.0, 0.0], "group": "g7"},  # main's copy kept a node's group
                     {"id": "t", "kind": "op", "op": "tanh", "label": "", "value": None,
                      "pos": [100.0, 0.0]}],
           "edges": [{"source": "a", "target": "t", "slot": 0}]}
    assert clipboard_problem(old) is None
    d, _ids, tanh, _ = grouped()
    new = paste_nodes(d, old, scope=tanh)
    assert d.group_of(new["a"]) == tanh and d.inputs(new["t"]) == [new["a"]]
    flat = GraphDocument()
    new = paste_nodes(flat, old)
    assert flat.group_of(new["a"]) is None and flat.groups() == []


def test_damaged_groups_on_the_clipboard_are_refused_with_a_reason():
    d, _ids, tanh, ratio = grouped()
    good = copy_nodes(d, [tanh])
    loop = json.loads(json.dumps(good))
    loop["groups"][1]["parent"] = ratio
    assert clipboard_problem(loop) == (
        "the clipboard data is damaged: groups[0].parent: group "
        f"'{ratio}' would sit inside itself: {ratio} → {tanh} → {ratio}")
    stray = json.loads(json.dumps(good))
    stray["nodes"][0]["group"] = "nowhere"
    assert clipboard_problem(stray) == ("the clipboard data is damaged: nodes[0].group: there "
                                        "is no group 'nowhere'")
    clash = json.loads(json.dumps(good))
    clash["groups"][0]["id"] = clash["nodes"][0]["id"]
    assert "share their ids" in clipboard_problem(clash)


def test_pasting_into_a_group_that_does_not_exist_is_refused_and_changes_nothing():
    d, _ids, tanh, _ = grouped()
    before = d.to_data()
    with pytest.raises(GraphError, match="no group 'zz'"):
        paste_nodes(d, copy_nodes(d, [tanh]), scope="zz")
    assert d.to_data() == before


def test_a_copied_group_pasted_keeps_the_numbers():
    d, _ids, tanh, _ = grouped()
    flat = numbers(d)
    dst = GraphDocument()
    new = paste_nodes(dst, copy_nodes(d, [*d.children(None)[0], tanh]))
    assert {new[n]: v for n, v in flat.items()} == numbers(dst)
