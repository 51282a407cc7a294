"""File format: round trips, every loader error with its location, atomic save."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from playground.graph import GraphDocument, io
from playground.graph.io import FORMAT, VERSION, LoadError
from tests.graph.helpers import lecture, op, random_graph, values


def file_text(**overrides) -> str:
    """A valid file (a*b -> m) with top-level keys replaced."""
    data = {
        "format": FORMAT,
        "version": 1,
        "nodes": [
            {"id": "a", "kind": "value", "label": "a", "value": 2.0, "pos": [0, 0]},
            {"id": "b", "kind": "value", "value": -3.0, "pos": [0, 100]},
            {"id": "m", "kind": "op", "op": "mul", "label": "e", "pos": [160, 0]},
        ],
        "edges": [
            {"source": "a", "target": "m", "slot": 0},
            {"source": "b", "target": "m", "slot": 1},
        ],
        "output": "m",
    }
    data.update(overrides)
    return json.dumps(data)


def nodes_with(i: int, **changes) -> list[dict]:
    nodes = json.loads(file_text())["nodes"]
    nodes[i].update(changes)
    return [{k: v for k, v in n.items() if v is not _DROP} for n in nodes]


_DROP = object()


def test_a_small_valid_file_loads_to_plain_data():
    doc = io.loads(file_text()).doc
    assert doc.to_data() == {
        "nodes": [
            {"id": "a", "kind": "value", "op": None, "label": "a", "value": 2.0, "pos": (0.0, 0.0)},
            {
                "id": "b",
                "kind": "value",
                "op": None,
                "label": "",
                "value": -3.0,
                "pos": (0.0, 100.0),
            },
            {
                "id": "m",
                "kind": "op",
                "op": "mul",
                "label": "e",
                "value": None,
                "pos": (160.0, 0.0),
            },
        ],
        "edges": [
            {"source": "a", "target": "m", "slot": 0},
            {"source": "b", "target": "m", "slot": 1},
        ],
        "output": "m",
    }


def test_round_trip_load_save_load(tmp_path):
    doc = lecture()
    doc.set_output("L")
    doc.move("a", (12.5, -3))
    values(doc, T=[[1.0, math.nan], [math.inf, -math.inf]])
    op(doc, "s", "sum", "T")
    path = tmp_path / "g.json"
    io.save(doc, path, description="lecture", title="Lecture", view={"zoom": 1.5})
    first = io.load_file(path)
    assert first.description == "lecture" and first.title == "Lecture"
    assert first.view == {"zoom": 1.5} and first.had_positions
    assert _same(first.doc.to_data(), doc.to_data())
    io.save(
        first.doc,
        tmp_path / "again.json",
        description="lecture",
        title="Lecture",
        view={"zoom": 1.5},
    )
    assert (tmp_path / "again.json").read_text() == path.read_text()
    second = io.load(tmp_path / "again.json")
    assert _same(second.to_data(), first.doc.to_data())


def _same(a, b) -> bool:
    """== with nan equal to nan."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_saved_file_is_strict_json_with_special_floats_as_strings(tmp_path):
    doc = GraphDocument()
    values(doc, x=math.nan, y=[math.inf, 1.0])
    io.save(doc, tmp_path / "g.json")
    text = (tmp_path / "g.json").read_text()
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert data["nodes"][0]["value"] == "nan" and data["nodes"][1]["value"] == ["inf", 1.0]


def test_random_graphs_round_trip(tmp_path):
    for seed in range(5):
        doc = random_graph(80, seed=seed)
        io.save(doc, tmp_path / "r.json")
        assert io.load(tmp_path / "r.json").to_data() == doc.to_data()


def test_file_without_positions_is_laid_out():
    text = file_text(
        nodes=[{k: v for k, v in n.items() if k != "pos"} for n in json.loads(file_text())["nodes"]]
    )
    loaded = io.loads(text)
    assert not loaded.had_positions
    pos = {n: loaded.doc.pos(n) for n in loaded.doc.node_ids()}
    assert pos["a"][0] < pos["m"][0] and pos["b"][0] < pos["m"][0]
    assert pos["a"] != pos["b"]


def test_optional_keys():
    data = json.loads(file_text())
    del data["output"]
    for n in data["nodes"]:
        n.pop("label", None)
    doc = io.loads(json.dumps(data)).doc
    assert doc.marked_output is None and doc.label("m") == ""
    data["edges"] = []
    data.pop("edges")
    assert io.loads(json.dumps(data)).doc.edges() == []


def test_extra_keys_are_allowed():
    data = json.loads(file_text(view={"center": [0, 0]}, app={"anything": 1}))
    data["nodes"][0]["color"] = "red"
    assert len(io.loads(json.dumps(data)).doc) == 3


def test_bytes_with_bom_and_unicode_labels():
    text = file_text(nodes=nodes_with(0, label="α"))
    assert io.loads(("\ufeff" + text).encode("utf-8")).doc.label("a") == "α"


ERRORS = [
    # (content, expected message)
    ("", "the file is empty"),
    ("  \n ", "the file is empty"),
    (
        '{"format": "backprop-playground",\n "version": 1,\n "nodes": [\n   {"id": , }]}',
        "not JSON: line 4 column 11",
    ),
    ("[1, 2]", "expected a JSON object at the top level, found a list"),
    ('{"version": 1}', 'not a graph file: no "format": "backprop-playground" key'),
    (file_text(format="other"), "format: expected 'backprop-playground', found 'other'"),
    (file_text(version=7), "version 7 is newer than this program understands"),
    (file_text(version="1"), "version: expected a whole number, found the string '1'"),
    (file_text(version=True), "version: expected a whole number, found a boolean"),
    (file_text(version=0), "version: 0 is not a valid version"),
    (file_text(version=None), "version: missing"),
    (file_text(nodes=None), "nodes: missing"),
    (file_text(nodes={}), "nodes: expected a list, found an object"),
    (file_text(nodes=[3]), "nodes[0]: expected an object, found a number"),
    (file_text(nodes=nodes_with(1, id=_DROP)), "nodes[1].id: missing"),
    (file_text(nodes=nodes_with(1, id=5)), "nodes[1].id: expected a non-empty string"),
    (file_text(nodes=nodes_with(2, id="a")), "nodes[2].id: duplicate id 'a' (also nodes[0])"),
    (
        file_text(nodes=nodes_with(2, kind="opp")),
        'nodes[2].kind: expected "value" or "op", found \'opp\'',
    ),
    (
        file_text(nodes=nodes_with(2, kind=_DROP)),
        'nodes[2].kind: expected "value" or "op", missing',
    ),
    (
        file_text(nodes=nodes_with(2, op="tanhh")),
        "nodes[2].op: unknown op 'tanhh' (did you mean 'tanh'?)",
    ),
    (file_text(nodes=nodes_with(2, op=_DROP)), "nodes[2].op: missing"),
    (file_text(nodes=nodes_with(2, op=3)), "nodes[2].op: expected an op name, found a number"),
    (file_text(nodes=nodes_with(2, value=1.0)), "nodes[2].value: an op node has no value"),
    (file_text(nodes=nodes_with(0, op="add")), "nodes[0].op: a value node has no op"),
    (file_text(nodes=nodes_with(0, value=_DROP)), "nodes[0].value: missing"),
    (
        file_text(nodes=nodes_with(0, value=True)),
        "nodes[0].value: expected a number, found a boolean",
    ),
    (
        file_text(nodes=nodes_with(0, value="two")),
        "nodes[0].value: expected a number, found the string 'two'",
    ),
    (
        file_text(nodes=nodes_with(0, value=None)),
        "nodes[0].value: expected a number or a list of numbers, found null",
    ),
    (file_text(nodes=nodes_with(0, value=[])), "nodes[0].value: an empty list is not a tensor"),
    (
        file_text(nodes=nodes_with(0, value=[[1, 2], [3]])),
        "nodes[0].value[1]: ragged tensor: shape (1,) where nodes[0].value[0] has shape (2,)",
    ),
    (
        file_text(nodes=nodes_with(0, value=[1, [2]])),
        "nodes[0].value[1]: ragged tensor: shape (1,) where nodes[0].value[0] has shape ()",
    ),
    (
        file_text(nodes=nodes_with(0, value=[1, {"x": 1}])),
        "nodes[0].value[1]: expected a number or a list",
    ),
    (file_text(nodes=nodes_with(0, label=3)), "nodes[0].label: expected a string, found a number"),
    (file_text(nodes=nodes_with(0, pos=[1])), "nodes[0].pos: expected [x, y]"),
    (
        file_text(nodes=nodes_with(0, pos=[1, "2"])),
        "nodes[0].pos[1]: expected a number, found a string",
    ),
    (file_text(edges={}), "edges: expected a list, found an object"),
    (file_text(edges=[[1]]), "edges[0]: expected an object, found a list"),
    (file_text(edges=[{"target": "m", "slot": 0}]), "edges[0].source: missing"),
    (
        file_text(edges=[{"source": "zz", "target": "m", "slot": 0}]),
        "edges[0].source: there is no node 'zz'",
    ),
    (
        file_text(edges=[{"source": "a", "target": "zz", "slot": 0}]),
        "edges[0].target: there is no node 'zz'",
    ),
    (
        file_text(edges=[{"source": "a", "target": 1, "slot": 0}]),
        "edges[0].target: expected a node id, found a number",
    ),
    (file_text(edges=[{"source": "a", "target": "m"}]), "edges[0].slot: missing"),
    (
        file_text(edges=[{"source": "a", "target": "m", "slot": "0"}]),
        "edges[0].slot: expected a whole number, found the string '0'",
    ),
    (
        file_text(edges=[{"source": "a", "target": "m", "slot": True}]),
        "edges[0].slot: expected a whole number, found a boolean",
    ),
    (
        file_text(edges=[{"source": "a", "target": "m", "slot": 2}]),
        "edges[0].slot: 'm' (mul) has no input 2 (it takes 2)",
    ),
    (
        file_text(edges=[{"source": "a", "target": "m", "slot": -1}]),
        "edges[0].slot: 'm' (mul) has no input -1",
    ),
    (
        file_text(edges=[{"source": "m", "target": "a", "slot": 0}]),
        "edges[0].target: 'a' is a value: it has no inputs",
    ),
    (
        file_text(edges=[{"source": "m", "target": "m", "slot": 0}]),
        "edges[0]: 'm' cannot feed itself",
    ),
    (
        file_text(
            edges=[
                {"source": "a", "target": "m", "slot": 0},
                {"source": "a", "target": "m", "slot": 1},
                {"source": "b", "target": "m", "slot": 1},
            ]
        ),
        "edges[2]: slot 1 of 'm' is already fed by 'a'",
    ),
    (file_text(output="zz"), "output: there is no node 'zz'"),
    (file_text(output=3), "output: there is no node 3"),
    (file_text(view=[]), "view: expected an object, found a list"),
    (file_text(description=3), "description: expected a string, found a number"),
]


@pytest.mark.parametrize(("content", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_loader_errors_name_the_first_problem(content, message):
    with pytest.raises(LoadError) as info:
        io.loads(content)
    assert str(info.value).startswith(message), str(info.value)


def test_cycle_in_a_file():
    data = json.loads(file_text())
    data["nodes"] += [
        {"id": "t", "kind": "op", "op": "tanh"},
        {"id": "s", "kind": "op", "op": "add"},
    ]
    data["edges"] = [
        {"source": "a", "target": "s", "slot": 0},
        {"source": "t", "target": "s", "slot": 1},
        {"source": "s", "target": "t", "slot": 0},
    ]
    with pytest.raises(LoadError, match=r"^edges\[2\]: makes a cycle \('.' -> '.' -> '.'\)"):
        io.loads(json.dumps(data))


def test_bare_nan_tokens_are_refused_with_their_position():
    text = file_text().replace("-3.0", "NaN")
    with pytest.raises(
        LoadError, match=r'not JSON: line 1 column \d+: NaN is not a JSON number \(write "nan"'
    ):
        io.loads(text)
    with pytest.raises(LoadError, match="-Infinity is not a JSON number"):
        io.loads(file_text().replace("-3.0", "-Infinity"))
    # as strings they are fine
    doc = io.loads(file_text().replace("-3.0", '"-inf"')).doc
    assert doc.value("b") == -math.inf


def test_huge_numbers():
    with pytest.raises(LoadError, match=r"^nodes\[1\]\.value: 1e999 is too large for a float"):
        io.loads(file_text().replace("-3.0", "1e999"))
    with pytest.raises(LoadError, match=r"^nodes\[1\]\.value: a 400-digit number is too large"):
        io.loads(file_text().replace("-3.0", "9" * 400))
    with pytest.raises(LoadError, match=r"^not JSON we can read"):
        io.loads(file_text().replace("-3.0", "9" * 5000))
    with pytest.raises(
        LoadError, match=r"^nodes\[0\]\.pos\[0\]: a position must be a finite number"
    ):
        io.loads(file_text().replace("[0, 0]", "[1e999, 0]"))
    doc = io.loads(file_text().replace("-3.0", "1e300")).doc
    assert doc.value("b") == 1e300


def test_deep_nesting_never_escapes_as_recursion_error():
    for junk in [
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
    ]:
        with pytest.raises(LoadError):
            io.loads(junk)
    deep_value = "[" * 40 + "1" + "]" * 40
    with pytest.raises(LoadError, match=r"nodes\[1\]\.value.*more than 32 dimensions"):
        io.loads(file_text().replace("-3.0", deep_value))


def test_not_utf8():
    with pytest.raises(LoadError, match=r"^not UTF-8 text: byte 0xff at line 2 column 3"):
        io.loads(b"{\n  \xff}")


@pytest.mark.parametrize(
    "junk",
    [
        b"\x00\x01\x02",
        b"null",
        b"1",
        b'"x"',
        b"{}",
        b"\x89PNG\r\n\x1a\n",
        "\ud800".encode("utf-8", "surrogatepass"),
    ],
)
def test_junk_raises_only_load_error(junk):
    with pytest.raises(LoadError):
        io.loads(junk)


def test_load_missing_file_and_folder(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        io.load(tmp_path / "nope.json")
    with pytest.raises(LoadError, match="is a folder"):
        io.load(tmp_path)


def test_load_returns_a_new_document_and_leaves_the_open_one_alone(tmp_path):
    open_doc = lecture()
    before = open_doc.to_data()
    path = tmp_path / "bad.json"
    path.write_text(file_text(version=9))
    with pytest.raises(LoadError):
        io.load(path)
    assert open_doc.to_data() == before
    path.write_text(file_text())
    loaded = io.load(path)
    assert loaded is not open_doc and open_doc.to_data() == before


# --- atomic save --------------------------------------------------------------------------


def test_crash_during_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    io.save(lecture(), path)
    old = path.read_bytes()

    def crash(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    other = GraphDocument()
    values(other, z=1.0)
    with pytest.raises(OSError, match="disk on fire"):
        io.save(other, path)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.json"]  # no temp file left


def test_crash_while_writing_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    io.save(lecture(), path)
    old = path.read_bytes()

    def crash(fd):
        raise OSError("fsync failed")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="fsync failed"):
        io.save(GraphDocument(), path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_save_writes_in_the_same_folder_and_keeps_permissions(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    io.save(lecture(), path)
    os.chmod(path, 0o640)
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((Path(src).parent, Path(dst).parent))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    io.save(lecture(), path)
    assert seen == [(tmp_path, tmp_path)]
    assert os.stat(path).st_mode & 0o777 == 0o640


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "dotfiles" / "g.json"
    real.parent.mkdir()
    io.save(lecture(), real)
    link = tmp_path / "g.json"
    link.symlink_to(real)
    other = GraphDocument()
    values(other, z=1.0)
    io.save(other, link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert io.load(real).to_data() == other.to_data()
    assert sorted(p.name for p in real.parent.iterdir()) == ["g.json"]  # no temp file left


def test_version_constant():
    assert VERSION == 2  # groups (tests/graph/test_io_groups.py); a graph without is version 1
