"""`eval --json` carries the warnings the table shows; -inf is called -inf."""

from __future__ import annotations

import json

from playground.cli import main
from playground.graph import io
from tests.graph.helpers import lecture


def run(tmp_path, capsys, *args: str) -> tuple[int, str]:
    code = main(["eval", str(tmp_path / "g.json"), *args])
    return code, capsys.readouterr().out


def test_json_warnings_are_the_table_notes_and_minus_inf_is_named(tmp_path, capsys) -> None:
    doc = lecture()
    doc.set_value("a", float("-inf"))
    io.save(doc, tmp_path / "g.json")
    code, out = run(tmp_path, capsys, "--json", "--backward")
    assert code == 0
    nodes = {n["id"]: n for n in json.loads(out)["nodes"]}
    assert nodes["a"]["data"] == "-inf"
    assert nodes["a"]["warnings"] == ["value is -inf"]
    assert all(isinstance(n["warnings"], list) for n in nodes.values())
    warned = {i for i, n in nodes.items() if n["warnings"]}
    assert "a" in warned and len(warned) > 1  # downstream nodes warn too
    code, table = run(tmp_path, capsys, "--backward")
    assert code == 0
    assert "value is -inf" in table and "value is inf" not in table
    for i, n in nodes.items():
        row = next(line for line in table.splitlines() if line.startswith(n["label"] or i))
        for w in n["warnings"]:
            assert w in row, (i, w, row)


def test_a_graph_without_trouble_has_empty_warnings(tmp_path, capsys) -> None:
    io.save(lecture(), tmp_path / "g.json")
    code, out = run(tmp_path, capsys, "--json", "--backward")
    assert code == 0
    assert [n["warnings"] for n in json.loads(out)["nodes"]] == [[]] * len(lecture())
