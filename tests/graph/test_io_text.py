"""What JSON lets through and a graph file must not hold: text that cannot be saved (unpaired
surrogates), keys given twice; and messages that quote a huge value briefly."""

from __future__ import annotations

import json
import time

import pytest

from playground.cli import main as cli_main
from playground.graph import GraphDocument, io
from playground.graph.quoting import brief

HEAD = '{"format": "backprop-playground", "version": 1, '
SURROGATE = "\\ud800"  # as written in the JSON text: the escape of an unpaired surrogate


def node(**fields: str) -> str:
    base = {"id": '"a"', "kind": '"value"', "value": "1.0"}
    base.update(fields)
    return "{" + ", ".join(f'"{k}": {v}' for k, v in base.items()) + "}"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEAD + f'"nodes": [{node(label=chr(34) + SURROGATE + chr(34))}]}}', "nodes[0].label"),
        (HEAD + f'"nodes": [{node(id=chr(34) + "a" + SURROGATE + chr(34))}]}}', "nodes[0].id"),
        (HEAD + f'"title": "x{SURROGATE}", "nodes": []}}', "title"),
        (HEAD + f'"description": "{SURROGATE}", "nodes": []}}', "description"),
        (HEAD + f'"view": {{"zoom": ["{SURROGATE}"]}}, "nodes": []}}', "view.zoom[0]"),
        (HEAD + f'"nodes": [], "x{SURROGATE}": 1}}', "(top level)"),
        (HEAD + f'"nodes": [{node()}], "edges": [{{"source": "{SURROGATE}"}}]}}',
         "edges[0].source"),
        (HEAD + '"nodes": [], "note": "\\udc80\\ud83d"}', "note"),
    ],
)
def test_text_that_cannot_be_saved_is_refused_at_load_with_where(text: str, where: str) -> None:
    with pytest.raises(io.LoadError) as info:
        io.loads(text)
    message = str(info.value)
    assert message.startswith(f"{where}: "), message
    assert "cannot be saved as UTF-8" in message and "unpaired surrogate" in message
    message.encode("utf-8")  # the message itself can be printed


def test_a_surrogate_pair_is_one_character_and_loads() -> None:
    gf = io.loads(HEAD + '"nodes": [' + node(label='"\\ud83d\\ude00"') + "]}")
    assert gf.doc.label("a") == "\N{GRINNING FACE}"


def test_eval_refuses_the_file_with_exit_2_and_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text(HEAD + f'"nodes": [{node(label=chr(34) + SURROGATE + chr(34))}]}}')
    assert cli_main(["eval", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {path}: nodes[0].label: the text has a character that cannot be " \
        "saved as UTF-8 (U+D800, an unpaired surrogate, character 1)\n"


def test_saving_a_label_with_a_surrogate_is_an_oserror_that_names_the_node(tmp_path) -> None:
    doc = GraphDocument()
    doc.add_node("value", value=1.0, label="ok", node_id="a")
    target = tmp_path / "g.json"
    io.save(doc, target)
    before = target.read_bytes()
    doc.set_label("a", "x\ud800")  # as code, a paste or show() of an engine value could
    with pytest.raises(OSError) as info:
        io.save(doc, target)
    assert isinstance(info.value, io.UnsavableText)
    assert str(info.value).startswith("the label of node 'a' has a character that cannot be "
                                      "saved as UTF-8 (U+D800, an unpaired surrogate, character 2)")
    assert target.read_bytes() == before  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]  # and no temp left


def test_a_title_that_cannot_be_saved_is_named_too(tmp_path) -> None:
    with pytest.raises(io.UnsavableText, match=r"^the graph's title has a character"):
        io.save(GraphDocument(), tmp_path / "g.json", title="\udfff")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "backprop-playground", "version": 99, "version": 1, "nodes": []}',
         "version: the key 'version' appears more than once in the same object"),
        (HEAD + '"nodes": [{"id": "a", "id": "b", "kind": "value", "value": 1}]}',
         "nodes[0].id: the key 'id' appears more than once"),
        (HEAD + '"nodes": [' + node() + ', {"id": "m", "kind": "op", "op": "neg"}], '
         '"edges": [{"source": "a", "target": "m", "slot": 0, "slot": 0}]}',
         "edges[0].slot: the key 'slot' appears more than once"),
        (HEAD + '"nodes": [], "view": {"z": {"k": 1, "k": 2}}}',
         "view.z.k: the key 'k' appears more than once"),
    ],
)
def test_duplicate_keys_are_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(io.LoadError) as info:
        io.loads(text)
    assert str(info.value).startswith(message), str(info.value)


BIG = 10_000_000


@pytest.mark.parametrize(
    ("content", "start"),
    [
        (HEAD + '"nodes": [{"id": "a", "kind": "op", "op": "' + "x" * BIG + '"}]}',
         "nodes[0].op: unknown op 'xxx"),
        (HEAD + '"nodes": [{"id": "a", "kind": "' + "k" * BIG + '"}]}', "nodes[0].kind: "),
        ('{"format": "' + "f" * BIG + '", "version": 1, "nodes": []}', "format: expected"),
        (HEAD + '"nodes": [' + node() + '], "edges": [{"source": "' + "s" * BIG + '"}]}',
         "edges[0].source: there is no node 's"),
        (HEAD + '"nodes": [' + node(value='"' + "v" * BIG + '"') + "]}",
         "nodes[0].value: expected a number, found the string 'vvv"),
        (HEAD + '"nodes": [' + node(value="1" * 4_200 + "e999") + "]}",
         "nodes[0].value: 1111"),
        (HEAD + '"nodes": [' + node(value="9" * 4_299) + "]}", "nodes[0].value: a 4,299-digit"),
        (HEAD + '"nodes": [' + node(value="9" * 5_000) + "]}",
         "not JSON we can read: line 1 column 97: a 5,000-digit number is too long"),
        ('{"format": "backprop-playground", "version": ' + "7" * 4_000 + ', "nodes": []}',
         "version a 4,000-digit number is newer"),
        (HEAD + '"nodes": [' + node() + ', {"id": "s", "kind": "op", "op": "sum", '
         '"params": {"axis": ' + "3" * 4_000 + "}}]}",
         "nodes[1].params.axis: a 4,000-digit number is too large for axis"),
        (HEAD + '"nodes": [' + node() + ', {"id": "m", "kind": "op", "op": "neg"}], '
         '"edges": [{"source": "a", "target": "m", "slot": ' + "5" * 4_000 + "}]}",
         "edges[0].slot: 'm' (neg) has no input a 4,000-digit number"),
        (HEAD + '"nodes": [' + node(id='"' + "i" * BIG + '"') + "], "
         '"output": "' + "o" * BIG + '"}', "output: there is no node 'ooo"),
    ],
)
def test_messages_quote_a_huge_value_briefly(content: str, start: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(io.LoadError) as info:
        io.loads(content)
    message = str(info.value)
    assert message.startswith(start), message[:300]
    assert len(message) < 300, len(message)
    assert time.perf_counter() - t0 < 5  # no difflib over 10 MB


def test_an_edge_slot_of_1e999_says_what_it_is() -> None:
    text = (HEAD + '"nodes": [' + node() + ', {"id": "m", "kind": "op", "op": "neg"}], '
            '"edges": [{"source": "a", "target": "m", "slot": 1e999}]}')
    with pytest.raises(io.LoadError, match=r"^edges\[0\]\.slot: expected a whole number, "
                                           r"found 1e999$"):
        io.loads(text)


def test_brief_keeps_short_values_and_cuts_long_ones_with_their_length() -> None:
    assert brief("tanhh") == "'tanhh'"
    assert brief(1.5) == "1.5"
    assert brief("x" * BIG) == "'" + "x" * 60 + "'… (10,000,000 characters)"
    assert brief(10**5000) == "a 5,001-digit number"
    assert brief([1, 2]) == "a list"


def test_the_cli_line_for_a_10_mb_op_name_is_short(tmp_path, capsys) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "backprop-playground", "version": 1,
                                "nodes": [{"id": "a", "kind": "op", "op": "y" * BIG}]}))
    assert cli_main(["eval", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert len(err) < 200 + len(str(path)), len(err)
    assert err.endswith("… (10,000,000 characters)\n")


def test_a_paste_of_text_that_cannot_be_saved_is_refused() -> None:
    from playground.graph.clipboard import clipboard_problem, copy_nodes

    doc = GraphDocument()
    doc.add_node("value", value=1.0, label="a", node_id="a")
    data = json.loads(json.dumps(copy_nodes(doc, ["a"])).replace('"label": "a"',
                                                                 '"label": "\\ud800"'))
    assert clipboard_problem(data) == (
        "the clipboard's nodes[0].label: the text has a character that cannot be saved as "
        "UTF-8 (U+D800, an unpaired surrogate, character 1)")
    assert clipboard_problem(copy_nodes(doc, ["a"])) is None
