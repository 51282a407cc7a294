"""Fuzzed graph files: every mutated or corrupted file loads as a valid document or fails with
one LoadError line — never another exception — and `backprop-playground eval` on the same file
exits 0/1 with its output, or 2 with one `error: FILE: reason` line.

Issue 18 §1's reproducers are here too: a 130 KB file whose matmul or broadcasting add of a
10000×1 and a 1×10000 literal once took over 10 GB, outer products of random sizes on either
side of the per-node budget, and files that are not regular or too large (a FIFO, /dev/zero,
a literal of 10⁸ numbers, one of 33,000,000 under the file cap): each is refused with its own
message, in well under a second (the last: in a few).

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
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.cli import main as cli_main
from playground.graph.evaluate import evaluate
from playground.graph.examples import resource_path
from playground.graph.io import LoadError, load, loads
from playground.graph.limits import MAX_FILE_BYTES, NODE_BYTES
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


def _outer(n: int, op: str, m: int | None = None, flip: bool = False) -> bytes:
    """Issue 18 §1's reproducer: an n×1 and a 1×m literal into ``op`` (swapped with ``flip``)."""
    m = n if m is None else m
    column, row = [[1.0]] * n, [[1.0] * m]
    left, right = (row, column) if flip else (column, row)
    return json.dumps({"format": "backprop-playground", "version": 1, "nodes": [
        {"id": "a", "kind": "value", "value": left},
        {"id": "b", "kind": "value", "value": right},
        {"id": "c", "kind": "op", "op": op}],
        "edges": [{"source": "a", "target": "c", "slot": 0},
                  {"source": "b", "target": "c", "slot": 1}]}).encode()


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
        # issue 18 §1: 130 KB files whose result once took over 10 GB (matmul) and 4 GB (add)
        _outer(10_000, "matmul"),
        _outer(10_000, "add"),
        # past the literal cap, ragged: counted, not walked ("more than 1,000,000 numbers")
        _HEAD + b'"nodes": [{"id": "a", "kind": "value", "value": [[0, 0], ['
        + b"0," * 1_000_000 + b'0]]}]}',
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


def _refusal(n: int, m: int) -> str:
    """The per-node refusal of an n×m float64 result, worked out here (not by limits.py)."""
    mib = n * m * 8 / 2**20
    size = f"{mib:.1f} MiB" if mib < 10 else f"{round(mib):,} MiB"
    return f"result would be {n}×{m} float64 = {size}: over the 256 MiB limit for one node"


@given(n=st.sampled_from([1, 3, 200, 6_000, 10_000]), m=st.sampled_from([1, 3, 200, 6_000, 10_000]),
       op=st.sampled_from(["matmul", "add", "sub", "mul", "div", "pow"]), flip=st.booleans())
@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@EXAMPLE_LIMIT
def test_outer_products_are_computed_or_refused_by_their_size(n: int, m: int, op: str,
                                                              flip: bool) -> None:
    """An n×1 and a 1×m literal into matmul or a broadcasting op, with backward: an n×m result
    of at most 256 MiB is computed (the sizes drawn keep those at 16 MB), a larger one is
    refused with its size before anything is made; matmul's swapped operands (1×m @ n×1) fit
    only when n == m, and then give 1×1."""
    content = _outer(n, op, m, flip)
    check_loads(content, cli=False)  # the fuzzer's contract first: no exception, no net
    ev = evaluate(loads(content).doc, backward=True)
    c = ev.results["c"]
    if op == "matmul" and flip:
        if n == m:
            assert c.error is None and c.data.shape == (1, 1) and c.data[0, 0] == n
        else:
            assert c.error is not None and "limit" not in c.error, c.error
        return
    if n * m * 8 > NODE_BYTES:
        assert c.error == _refusal(n, m) and c.data is None
        assert ev.backward is False  # backward refused: the output has a problem
    else:
        assert c.error is None, c.error
        assert c.data.shape == (n, m) and ev.backward
        assert ev.results["a"].grad.shape == ((1, m) if flip else (n, 1))


@EXAMPLE_LIMIT
def test_files_that_are_not_regular_or_too_large_are_refused_at_once(tmp_path, capsys) -> None:
    """A FIFO (once: blocked forever), /dev/zero (once: 3 GB in 2 s), a folder and a literal of
    10⁸ numbers (once: 142 s and 6.2 GB; its file is 191 MiB): `eval` exits 2 with one line,
    within a second each, reading nothing."""
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:  # 10⁸ zeros, 2 bytes each, written as the real thing
        f.write(_HEAD + b'"nodes": [{"id": "a", "kind": "value", "value": [')
        for _ in range(100):
            f.write(b"0," * 1_000_000)
        f.write(b"0]}]}")
    assert huge.stat().st_size > MAX_FILE_BYTES
    cases = {fifo: "is a pipe (FIFO), not a regular file", Path("/dev/zero"): "is a device",
             tmp_path: "is a folder", huge: "the file is 191 MiB: over the 64 MiB limit"}
    try:
        for path, words in cases.items():
            t0 = time.perf_counter()
            code = cli_main(["eval", "--backward", "--json", str(path)])
            took = time.perf_counter() - t0
            out, err = capsys.readouterr()
            assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)
            assert err.startswith(f"error: {path}: ") and words in err, err
            assert took < 1.0, f"{path}: {took:.2f} s"
            with pytest.raises(LoadError, match=words.replace("(", r"\(").replace(")", r"\)")):
                load(path)
    finally:
        huge.unlink()


def _peak_reset() -> bool:
    try:  # VmHWM := the RSS now (Linux 4.0+), so the peak measured is this test's own
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


@time_limit(seconds=60, hard=120)
def test_a_literal_of_33_million_numbers_under_the_file_cap_is_counted_not_walked(
        tmp_path, capsys) -> None:
    """63 MiB of ``0,``: under the 64 MiB cap, so the file is read and parsed, but its
    literal is counted (stopping past 1,000,000) before any number is checked: refused in
    about 2 s with a few hundred MiB (44 s and 1.7 GB when every number was checked first)."""
    path = tmp_path / "zeros.json"
    with open(path, "wb") as f:
        f.write(_HEAD + b'"nodes": [{"id": "a", "kind": "value", "value": [')
        for _ in range(33):
            f.write(b"0," * 1_000_000)
        f.write(b"0]}]}")
    assert 0.95 * MAX_FILE_BYTES < path.stat().st_size < MAX_FILE_BYTES
    measured = _peak_reset()
    before = _status_mib("VmRSS")
    try:
        t0 = time.perf_counter()
        code = cli_main(["eval", str(path)])
        took = time.perf_counter() - t0
    finally:
        path.unlink()
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (f"error: {path}: nodes[0].value: a tensor of 33,000,001 numbers: over the "
                   "1,000,000 limit for one literal\n")
    assert took < 15, f"{took:.1f} s"
    if measured:  # the bytes, their text and the parsed list: about 400 MiB
        grew = _status_mib("VmHWM") - before
        assert grew < 800, f"grew {grew:.0f} MiB"
