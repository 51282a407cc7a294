"""File format version 2: groups in files. A grouped graph saves as version 2 and opens as it
was; a graph without groups stays version 1; every version 1 file opens unchanged; a broken
group is one line naming where it is, exit 2 from ``eval``, and nothing changes."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.examples import list_examples
from playground.graph.io import LoadError
from tests.graph.test_groups import numbers, random_grouping

ROOT = Path(__file__).resolve().parents[2]


def tanh_file() -> dict:
    """o = tanh(x*w + b) built from exp, its exp part in group 'tanh' holding group 'g2'."""
    def value(i, v, pos, group=None):
        return {"id": i, "kind": "value", "label": i, "value": v, "pos": pos,
                **({"group": group} if group else {})}

    def op(i, name, pos, group=None):
        return {"id": i, "kind": "op", "op": name, "label": i, "pos": pos,
                **({"group": group} if group else {})}

    nodes = [value("x", 2.0, [0, 0]), value("w", -3.0, [0, 100]),
             value("b", 6.881373587019543, [0, 200]), op("xw", "mul", [150, 50]),
             op("n", "add", [300, 100]), value("two", 2.0, [300, 0], "tanh"),
             value("one", 1.0, [600, 200], "tanh"), op("2n", "mul", [450, 50], "tanh"),
             op("e", "exp", [600, 50], "tanh"), op("em1", "sub", [750, 0], "g2"),
             op("ep1", "add", [750, 150], "g2"), op("o", "div", [900, 50], "g2")]
    wires = [("x", "xw", 0), ("w", "xw", 1), ("xw", "n", 0), ("b", "n", 1), ("two", "2n", 0),
             ("n", "2n", 1), ("2n", "e", 0), ("e", "em1", 0), ("one", "em1", 1),
             ("e", "ep1", 0), ("one", "ep1", 1), ("em1", "o", 0), ("ep1", "o", 1)]
    return {
        "format": "backprop-playground", "version": 2, "nodes": nodes,
        "edges": [{"source": s, "target": t, "slot": k} for s, t, k in wires],
        "groups": [
            {"id": "tanh", "label": "tanh", "pos": [300, 0], "parent": None,
             "inputs": ["n"], "outputs": ["o"]},
            {"id": "g2", "label": "ratio", "pos": [750, 0], "parent": "tanh",
             "inputs": ["one", "e"], "outputs": ["o"]},
        ],
        "output": "o",
    }


def test_a_grouped_graph_saves_as_version_2_and_opens_as_it_was(tmp_path):
    doc = io.loads(json.dumps(tanh_file())).doc
    assert doc.group_of("e") == "tanh" and doc.group_of("g2") == "tanh"
    assert doc.group_label("g2") == "ratio" and doc.group_pos("tanh") == (300.0, 0.0)
    path = tmp_path / "tanh.json"
    io.save(doc, path)
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert data["groups"] == tanh_file()["groups"]  # the ports written for readers
    assert {n["id"]: n.get("group") for n in data["nodes"]}["2n"] == "tanh"
    again = io.load(path)
    assert again.to_data() == doc.to_data() and again.ports("g2") == doc.ports("g2")
    assert numbers(again) == numbers(doc)
    assert float(evaluate(again).results["o"].data) == pytest.approx(0.7071, abs=1e-4)


def test_a_graph_without_groups_is_still_written_as_version_1(tmp_path):
    doc = io.loads(json.dumps(tanh_file())).doc
    for g in reversed(doc.groups()):
        doc.remove_group(g)
    path = tmp_path / "flat.json"
    io.save(doc, path)
    data = json.loads(path.read_text())
    assert data["version"] == 1 and "groups" not in data
    assert all("group" not in n for n in data["nodes"])


def test_ports_are_optional_and_a_group_without_pos_sits_at_its_nodes_corner():
    data = tanh_file()
    for g in data["groups"]:
        del g["inputs"], g["outputs"], g["pos"]
    doc = io.loads(json.dumps(data)).doc
    assert doc.ports("tanh").inputs == ("n",) and doc.ports("tanh").outputs == ("o",)
    assert doc.group_pos("tanh") == (300.0, 0.0)  # 'two' at the top left of everything inside
    assert doc.group_pos("g2") == (750.0, 0.0)


def _graph_files() -> list[Path]:
    """Every graph file of the repository: the bundled examples and resources, and any the
    tests use."""
    found = []
    for path in sorted(ROOT.glob("**/*.json")):
        if any(part.startswith(".") or part in ("build", "dist") for part in
               path.relative_to(ROOT).parts):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("format") == io.FORMAT:
            found.append(path)
    return found


V1_FILES = [p for p in _graph_files() if json.loads(p.read_text())["version"] == 1]


def test_the_version_1_files_found_include_every_bundled_example():
    assert {e.path.resolve() for e in list_examples()} <= {p.resolve() for p in V1_FILES}


@pytest.mark.parametrize("path", V1_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_version_1_file_opens_unchanged(path, tmp_path):
    loaded = io.load_file(path)
    doc = loaded.doc
    assert doc.groups() == [] and not any(doc.group_of(n) for n in doc.node_ids())
    extras = {"title": loaded.title, "description": loaded.description, "view": loaded.view}
    text = io.dumps(doc, **extras)
    assert json.loads(text)["version"] == 1
    assert io.loads(text).doc.to_data() == doc.to_data()
    if path.resolve() in {e.path.resolve() for e in list_examples()}:
        assert text == path.read_text(encoding="utf-8")  # byte for byte
    io.save(doc, tmp_path / path.name, **extras)
    assert io.load(tmp_path / path.name).to_data() == doc.to_data()


def test_group_keys_in_a_version_1_file_are_ignored_as_they_always_were():
    data = tanh_file()
    data["version"] = 1
    data["groups"] = "anything"  # version 1 never read this key
    doc = io.loads(json.dumps(data)).doc
    assert doc.groups() == [] and doc.group_of("e") is None


def test_every_example_grouped_at_random_round_trips_through_a_file(tmp_path):
    for ex in list_examples():
        doc = io.load(ex.path)
        random_grouping(doc, random.Random(ex.name), rounds=6)
        path = tmp_path / f"{ex.name}.json"
        io.save(doc, path)
        again = io.load(path)
        assert again.to_data() == doc.to_data(), ex.name
        assert numbers(again) == numbers(doc)
        assert again.all_ports() == {g: doc.ports(g) for g in doc.groups()}


def broken(change) -> str:
    data = tanh_file()
    change(data)
    return json.dumps(data)


def _node(data, node_id):
    return next(n for n in data["nodes"] if n["id"] == node_id)


def _nest_loop(data):
    data["groups"][1]["parent"] = "g3"
    data["groups"].append({"id": "g3", "label": "", "pos": [0, 0], "parent": "g2"})


BROKEN_GROUPS = [
    (lambda d: _node(d, "2n").update(group="g9"), "nodes[7].group: there is no group 'g9'"),
    (lambda d: _node(d, "2n").update(group=3),
     "nodes[7].group: expected a group id or null, found a number"),
    (_nest_loop, "groups[1].parent: group 'g2' would sit inside itself: g2 → g3 → g2"),
    (lambda d: d["groups"][0].update(parent="tanh"),
     "groups[0].parent: group 'tanh' would sit inside itself: tanh → tanh"),
    (lambda d: d["groups"][1]["outputs"].append("zz"),
     "groups[1].outputs[1]: there is no node 'zz'"),
    (lambda d: d["groups"][0].update(outputs=["x"]),
     "groups[0].outputs[0]: 'x' is not inside group 'tanh'"),
    (lambda d: d["groups"][0].update(inputs=["e"]),
     "groups[0].inputs[0]: 'e' is inside group 'tanh': an input comes from outside it"),
    (lambda d: d["groups"][0].update(inputs=["n", "x"]),
     "groups[0].inputs[1]: 'x' is not an input of group 'tanh': no wire from it goes into "
     "the group"),
    (lambda d: d["groups"][0].update(outputs=["e", "o"]),
     "groups[0].outputs[0]: 'e' is not an output of group 'tanh': no wire from it leaves the "
     "group and it is not the graph's result"),
    (lambda d: d["groups"][1].update(inputs=["e"]),
     "groups[1].inputs: 'one' feeds a node inside group 'g2' but is not listed (the inputs "
     "must match the wires)"),
    (lambda d: d["groups"][1].update(outputs=[]),
     "groups[1].outputs: 'o' leaves group 'g2' but is not listed (the outputs must match "
     "the wires)"),
    (lambda d: d["groups"][1].update(inputs=["one", "one"]),
     "groups[1].inputs[1]: 'one' is listed twice (also groups[1].inputs[0])"),
    (lambda d: d["groups"][1].update(id="tanh"),
     "groups[1].id: duplicate group id 'tanh' (also groups[0])"),
    (lambda d: d["groups"][1].update(id="x"),
     "groups[1].id: 'x' is already the id of a node (nodes[0]): groups and nodes share their "
     "ids"),
    (lambda d: d["groups"][0].pop("id"), "groups[0].id: missing"),
    (lambda d: d["groups"][0].update(label=5), "groups[0].label: expected a string, found a "
     "number"),
    (lambda d: d["groups"][0].update(pos="here"), "groups[0].pos: expected [x, y]"),
    (lambda d: d["groups"][0].update(pos=[1, "y"]),
     "groups[0].pos[1]: expected a number, found a string"),
    (lambda d: d["groups"][1].update(parent="nope"), "groups[1].parent: there is no group "
     "'nope'"),
    (lambda d: d["groups"][1].update(parent=7),
     "groups[1].parent: expected a group id or null, found a number"),
    (lambda d: d["groups"][0].update(inputs="n"),
     "groups[0].inputs: expected a list of node ids, found a string"),
    (lambda d: d.update(groups={}), "groups: expected a list, found an object"),
    (lambda d: d["groups"].append(3), "groups[2]: expected an object, found a number"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN_GROUPS,
                         ids=[m.split(":")[0] + " " + m.split(": ")[1][:30]
                              for _, m in BROKEN_GROUPS])
def test_a_broken_group_is_one_line_naming_where_it_is(change, message):
    with pytest.raises(LoadError) as err:
        io.loads(broken(change))
    assert str(err.value) == message
    assert "\n" not in str(err.value)


def test_eval_of_a_broken_group_exits_2_with_one_line_and_leaves_the_file(tmp_path):
    path = tmp_path / "broken.json"
    text = broken(lambda d: d["groups"][1]["outputs"].append("zz"))
    path.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "playground", "eval", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"error: {path}: groups[1].outputs[1]: there is no node 'zz'\n"
    assert path.read_text() == text
    good = tmp_path / "good.json"
    good.write_text(json.dumps(tanh_file()))
    proc = subprocess.run([sys.executable, "-m", "playground", "eval", str(good), "--backward"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and "0.7071" in proc.stdout


def test_a_loaded_document_is_built_only_once_the_groups_check_out():
    doc = GraphDocument()
    before = copy.deepcopy(doc.to_data())
    with pytest.raises(LoadError):
        io.loads(broken(_nest_loop))
    assert doc.to_data() == before


def test_deep_nesting_and_a_long_loop_stay_one_line():
    data = tanh_file()
    chain = [{"id": f"d{i}", "label": "", "pos": [0, 0], "parent": f"d{i + 1}"}
             for i in range(5000)]
    chain[-1]["parent"] = None
    data["groups"][0]["parent"] = "d0"
    data["groups"] += chain
    doc = io.loads(json.dumps(data)).doc
    assert len(doc.path("g2")) == 5002 and doc.ports("tanh").outputs == ("o",)
    chain[-1]["parent"] = "d0"
    with pytest.raises(LoadError) as err:
        io.loads(json.dumps(data))
    assert str(err.value) == ("groups[2].parent: group 'd0' would sit inside itself: "
                              "d0 → d1 → d2 → d3 → d4 → d5 → d6 → d7 → … → d0")


def test_the_documented_version_2_example_opens_as_described():
    text = (ROOT / "docs" / "file-format.md").read_text(encoding="utf-8")
    section = text[text.index("### Groups (version 2)"):text.index("## Validation")]
    example = section[section.index("```json") + 7:section.index("```\n\nThis")]
    doc = io.loads(example).doc
    assert doc.children("tanh") == (["two", "one", "2n", "e"], ["g2"])
    assert doc.ports("tanh").inputs == ("n",) and doc.ports("tanh").outputs == ("o",)
    assert numbers(doc) == numbers(io.loads(json.dumps(tanh_file())).doc)


def test_a_group_label_utf8_cannot_hold_is_not_saved_and_the_old_file_stays(tmp_path):
    doc = io.loads(json.dumps(tanh_file())).doc
    path = tmp_path / "tanh.json"
    io.save(doc, path)
    before = path.read_bytes()
    doc.set_group_label("g2", "ratio\ud800")
    with pytest.raises(io.UnsavableText) as err:
        io.save(doc, path)
    assert str(err.value).startswith("the label of group 'g2' has a character that cannot be "
                                     "saved as UTF-8")
    assert path.read_bytes() == before
