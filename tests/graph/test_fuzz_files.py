"""Fuzzed graph files: every mutated or corrupted file loads as a valid document or fails with
one LoadError line — never another exception — and `backprop-playground eval` on the same file
exits 0/1 with its output, or 2 with one `error: FILE: reason` line.

Over 10,000 files in all: byte-level damage (truncation, flipped bytes, non-UTF-8, empty),
JSON-level damage (a random part replaced by junk: wrong types, huge numbers, NaN tokens,
unknown ops, duplicate ids, dangling edges, cycles, deep nesting). Derandomized, so a CI
failure reproduces; hypothesis prints the failing file. Every example has a time limit
(``tests/watchdog.py``; the slowest takes well under a second): a hang fails its test with the
file that caused it instead of hanging CI.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.cli import main as cli_main
from playground.graph.evaluate import evaluate
from playground.graph.examples import resource_path
from playground.graph.io import LoadError, loads
from tests.watchdog import real_stderr, time_limit

INTERNAL_LOAD = "cannot read this file:"  # io.loads's net for exceptions that are not LoadError
INTERNAL_EVAL = "internal error"  # evaluate's net for exceptions from its own code
EXAMPLES = sorted(resource_path("examples").glob("*.json"))
SEEDS = [ex.read_bytes() for ex in EXAMPLES]
real_stderr = real_stderr  # pytest finds the fixture by its name in this module
_CHECKING: list[bytes | str] = [b""]
"""The file ``check_loads`` is on: the time limit's message shows it."""
EXAMPLE_LIMIT = time_limit(seconds=10, hard=60,
                           context=lambda: f"the file: {_CHECKING[0]!r}"[:2000])
"""Per example; hypothesis's deadline stays off (it cannot stop a hang, see tests/watchdog.py)."""
FUZZ = settings(
    max_examples=2_500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


_SCRATCH = tempfile.TemporaryDirectory(prefix="fuzz-eval-")  # hypothesis and tmp_path clash
_EVAL_FILE = Path(_SCRATCH.name) / "fuzzed.json"


def check_eval_cli(content: bytes | str, load_error: str | None) -> None:
    """``eval`` on the file, in process: the loader's verdict, as the CLI's contract says.

    Alternates between ``--json`` (strict JSON: nan/inf as strings) and the table, both with
    ``--backward``, so both printers meet every kind of damage."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    _EVAL_FILE.write_bytes(raw)
    as_json = len(raw) % 2 == 0
    args = ["eval", str(_EVAL_FILE), "--backward", *(["--json"] if as_json else [])]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(args)
    out_text, err_text = out.getvalue(), err.getvalue()
    if load_error is not None:
        assert code == 2, (code, out_text, err_text)
        assert out_text == "" and err_text == f"error: {_EVAL_FILE}: {load_error}\n", err_text
        return
    assert code in (0, 1), (code, err_text)
    assert err_text == "", err_text
    if as_json:
        json.loads(out_text, parse_constant=lambda c: pytest.fail(f"bare {c} in eval --json"))
    else:
        assert out_text.splitlines()[0].split()[:4] == ["label", "op", "data", "grad"]


def check_loads(content: bytes | str, *, cli: bool = True) -> None:
    """The contract: a valid document that evaluates without raising, or one LoadError line.

    ``loads`` and ``evaluate`` each have a safety net that turns an unexpected exception into a
    message ("cannot read this file: KeyError: ...", "internal error: ..."), so the app survives
    a bug. For the fuzzer those nets firing *is* the bug: a caught crash is still a crash.
    """
    _CHECKING[0] = content
    try:
        gf = loads(content)
    except LoadError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        assert len(message) < 1_000, f"a long message: {message[:200]!r}..."  # issue 18 §4
        message.encode("utf-8")  # printable: no unpaired surrogate quoted (issue 18 §2)
        assert "Traceback" not in message
        assert not message.startswith(INTERNAL_LOAD), f"a loader bug, caught: {message}"
        if cli:
            check_eval_cli(content, message)
        return
    ev = evaluate(gf.doc, backward=True)  # must not raise either
    assert set(ev.results) == set(gf.doc.node_ids())
    internal = [p for p in ev.problems if p.startswith(INTERNAL_EVAL)]
    internal += [e for e in ev.errors().values() if e.startswith(INTERNAL_EVAL)]
    assert not internal, f"an evaluation bug, caught: {internal[0]}"
    if cli:
        check_eval_cli(content, None)


junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["tanhh", "value", "op", "nan", "inf", "-inf", "n1", "mul", "", "x" * 500,
                       "\ud800", "a\udfffb", "x" * 5_000]),  # unsavable text, long quotes
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=8,
)


def _paths(x: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(x, dict):
        for k, v in x.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _paths(v, (*prefix, i))
    return out


def _replace(x: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    x = copy.copy(x)
    x[path[0]] = _replace(x[path[0]], path[1:], new)
    return x


@given(seed=st.sampled_from(SEEDS), cut=st.floats(min_value=0, max_value=1))
@FUZZ
@EXAMPLE_LIMIT
def test_truncated_files(seed: bytes, cut: float) -> None:
    check_loads(seed[: int(len(seed) * cut)])


@given(seed=st.sampled_from(SEEDS), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                   min_size=1, max_size=6))
@FUZZ
@EXAMPLE_LIMIT
def test_flipped_bytes(seed: bytes, flips: list[tuple[float, int]]) -> None:
    data = bytearray(seed)
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    check_loads(bytes(data))


@given(seed=st.sampled_from(SEEDS), data=st.data())
@FUZZ
@EXAMPLE_LIMIT
def test_json_subtree_replaced_by_junk(seed: bytes, data: st.DataObject) -> None:
    doc = json.loads(seed)
    path = data.draw(st.sampled_from(_paths(doc)))
    mutated = _replace(doc, path, data.draw(junk))
    check_loads(json.dumps(mutated, allow_nan=True))


@given(seed=st.sampled_from(SEEDS), data=st.data())
@FUZZ
@EXAMPLE_LIMIT
def test_structural_mutations(seed: bytes, data: st.DataObject) -> None:
    """The mistakes a hand-edited file makes: duplicate ids, dangling or doubled edges,
    cycles, unknown ops, wrong slots, NaN literals, a missing key."""
    doc = json.loads(seed)
    nodes, edges = doc["nodes"], doc["edges"]
    ids = [n["id"] for n in nodes]
    kind = data.draw(st.integers(0, 7))
    if kind == 0:
        nodes.append(copy.deepcopy(data.draw(st.sampled_from(nodes))))
    elif kind == 1:
        edges.append({"source": data.draw(st.sampled_from(ids)), "target": "nowhere", "slot": 0})
    elif kind == 2 and edges:
        edges.append(copy.deepcopy(data.draw(st.sampled_from(edges))))
    elif kind == 3 and edges:  # close a cycle: the last edge's target feeds its source's slot
        e = data.draw(st.sampled_from(edges))
        edges.append({"source": e["target"], "target": e["source"], "slot": 0})
    elif kind == 4:
        data.draw(st.sampled_from(nodes))["op"] = data.draw(st.sampled_from(["tanhh", 3, None]))
    elif kind == 5 and edges:
        data.draw(st.sampled_from(edges))["slot"] = data.draw(st.integers(-3, 5))
    elif kind == 6:
        values = [n for n in nodes if n["kind"] == "value"]
        if values:
            data.draw(st.sampled_from(values))["value"] = data.draw(
                st.sampled_from([math.nan, math.inf, 1e308 * 10, "nan", [1, [2]], [[]]])
            )
    else:
        n = data.draw(st.sampled_from(nodes))
        n.pop(data.draw(st.sampled_from(sorted(n))))
    check_loads(json.dumps(doc, allow_nan=True))


_HEAD = b'{"format": "backprop-playground", "version": 1, '


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
        b'{"format": "backprop-playground", "version": 1, "nodes": ' + b"[" * 50_000,
        b"null",
        b'"just a string"',
        b'{"format": "backprop-playground", "version": 7, "nodes": [], "edges": []}',
        b'{"format": "backprop-playground", "version": 1, "nodes": [], "edges": []}',
        b'{"format": "backprop-playground", "version": 1, "nodes": [{"id": "a", "kind":'
        b' "value", "value": 1e999999}], "edges": []}',
        # issue 18: text that cannot be saved, keys given twice, huge quoted values
        _HEAD + b'"nodes": [{"id": "a", "kind": "value", "label": "\\ud800", "value": 1.0}]}',
        _HEAD + b'"title": "\\udfff", "nodes": []}',
        b'{"format": "backprop-playground", "version": 99, "version": 1, "nodes": []}',
        _HEAD + b'"nodes": [{"id": "a", "id": "b", "kind": "value", "value": 1}]}',
        _HEAD + b'"nodes": [{"id": "a", "kind": "op", "op": "' + b"x" * 1_000_000 + b'"}]}',
        _HEAD + b'"nodes": [{"id": "a", "kind": "' + b"k" * 1_000_000 + b'"}]}',
        b'{"format": "' + b"f" * 1_000_000 + b'", "version": 1, "nodes": []}',
        _HEAD + b'"nodes": [{"id": "a", "kind": "value", "value": ' + b"9" * 5_000 + b"}]}",
        _HEAD + b'"nodes": [{"id": "a", "kind": "value", "value": 1}], "edges": '
        b'[{"source": "' + b"s" * 1_000_000 + b'", "target": "a", "slot": 1e999}]}',
        _HEAD + b'"nodes": [{"id": "r", "kind": "op", "op": "reshape", "params": {"shape": ['
        + b"4" * 4_000 + b"]}}]}",
    ],
)
@EXAMPLE_LIMIT
def test_pathological_files(content: bytes) -> None:
    check_loads(content)


@EXAMPLE_LIMIT
def test_eval_cli_on_corrupt_files(tmp_path, capsys) -> None:
    """`backprop-playground eval` on damaged copies of every example: exit 0/1 with output, or
    exit 2 with exactly one `error: FILE: reason` line on stderr."""
    cases = []
    for ex in SEEDS:
        cases += [ex[: len(ex) // 2], ex.replace(b'"mul"', b'"mull"'), ex + b"}", b"\x00" + ex]
    for i, content in enumerate(cases):
        path = tmp_path / f"case{i}.json"
        path.write_bytes(content)
        code = cli_main(["eval", str(path), "--json"])
        out, err = capsys.readouterr()
        if code == 2:
            assert err.count("\n") == 1 and err.startswith(f"error: {path}: "), err
            assert out == ""
        else:
            assert code in (0, 1)
            json.loads(out)
