"""The graph file's schema checks: the JSON text and each part of it (header, nodes, values,
parameters, positions, edges) checked one by one, each problem a ``LoadError`` that names
where it is (``nodes[3].op: unknown op 'tanhh'``). ``playground.graph.io`` reads files with
these; see docs/file-format.md.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
from typing import Any

import networkx as nx

from playground.engine.value import paused_gc
from playground.graph.io_base import LoadError, _Huge
from playground.graph.io_literals import _count_literals, _literal
from playground.graph.io_text import (
    SURROGATE_ESCAPE,
    bad_character,
    find_duplicate,
    find_unencodable,
    make_pairs_hook,
)
from playground.graph.params import ParamError, normalize
from playground.graph.quoting import brief, cut, found
from playground.graph.quoting import kind as json_type
from playground.ops import OPS

FORMAT = "backprop-playground"
VERSION = 2
"""The newest version this program reads and writes. A graph without groups is still written
as version 1, which programs from before groups read (``io_write.to_file_data``)."""
GROUPS_VERSION = 2
"""The first version with groups (``io_groups``); in version 1 ``groups`` was an ignored key."""
NODE_KEYS = ("id", "kind", "op", "params", "label", "value", "pos")




def decode(raw: bytes) -> str:
    try:
        return bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return_ = raw.rfind(b"\n", 0, exc.start)
        col = exc.start - return_
        raise LoadError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} column {col}"
        ) from None




def _parse_float(text: str) -> float | _Huge:
    x = float(text)
    return _Huge(text) if math.isinf(x) else x


class _BareConstant(Exception):
    pass


def _parse_constant(name: str) -> Any:
    raise _BareConstant(name)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)')


_LONG_INT = re.compile(r"-?[0-9]{4301,}")


def parse_json(text: str) -> Any:
    """The JSON data of ``text``, or a LoadError: not JSON, a bare NaN, a number of more than
    4,300 digits, a key given twice in one object, text that cannot be saved as UTF-8."""
    hook, duplicate = make_pairs_hook()
    try:
        # json's own float parsing first: the hook is a Python call per number (3 s for a
        # million); a number past float64 parses to inf there (JSON has no inf of its own),
        # so only then is the text parsed again with the hook, which says where it is
        with paused_gc():  # a million-row literal is a million new lists, none in a cycle
            data = json.loads(text, parse_constant=_parse_constant, object_pairs_hook=hook)
        if _may_hold_floats(text) and _has_inf(data):
            hook, duplicate = make_pairs_hook()
            data = json.loads(
                text, parse_float=_parse_float, parse_constant=_parse_constant,
                object_pairs_hook=hook,
            )
    except json.JSONDecodeError as exc:
        raise LoadError(f"not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except _BareConstant as exc:
        where = ""
        for m in _TOKEN.finditer(text):
            if m.group(1):
                where = _line_column(text, m.start()) + ": "
                break
        raise LoadError(
            f"not JSON: {where}{exc.args[0]} is not a JSON number "
            '(write "nan", "inf" or "-inf" as a string)'
        ) from None
    except RecursionError:
        raise LoadError("not JSON we can read: nested too deeply") from None
    except ValueError as exc:  # an integer with more than 4,300 digits (Python's limit)
        m = _LONG_INT.search(text)
        if m is None:
            raise LoadError(f"not JSON we can read: {cut(str(exc))}") from None
        digits = len(m[0].lstrip("-"))
        raise LoadError(
            f"not JSON we can read: {_line_column(text, m.start())}: a {digits:,}-digit "
            "number is too long (numbers may have up to 4,300 digits)"
        ) from None
    if duplicate[0]:
        raise LoadError(find_duplicate(data) or "a key appears more than once in an object")
    if SURROGATE_ESCAPE.search(text) or (not text.isascii() and bad_character(text) is not None):
        found = find_unencodable(data)
        if found is not None:
            raise LoadError(f"{found[0]}: {found[1]}")
    return data


def _has_inf(data: Any) -> bool:
    """Whether any float in ``data`` is infinite (or may be: then the hook's parse decides).
    A list of floats is searched by C loops (``inf in x``) and a list of lists flattened a
    level at a time, so a (1,000,000, 1) literal takes no Python call per number. A stack,
    not recursion: any nesting json reads is walked."""
    stack = [data]
    while stack:
        x = stack.pop()
        while x.__class__ is list:
            kinds = set(map(type, x))
            if float in kinds and (math.inf in x or -math.inf in x):
                return True
            if kinds != {list}:
                break
            x = list(itertools.chain.from_iterable(x))
        if isinstance(x, list):
            if kinds <= _LEAVES:
                continue
            if len(x) > _MIXED_WALK:
                return True  # numbers mixed with lists or objects, and many: no walk
            stack.extend(v for v in x if isinstance(v, list | dict))
        elif isinstance(x, dict):
            for v in x.values():
                if isinstance(v, list | dict):
                    stack.append(v)
                elif v.__class__ is float and math.isinf(v):
                    return True
        elif x.__class__ is float and math.isinf(x):
            return True
    return False


def _may_hold_floats(text: str) -> bool:
    """Whether ``text`` may hold a JSON number that parses to a float: one has a fraction
    (".") or an exponent. A file of whole numbers only (``[0, 0, ...]``) needs no search."""
    if "." in text:
        return True
    for e in "eE":  # an exponent: e or E then a sign or a digit (str.find: a C scan, no regex)
        i = text.find(e)
        while i != -1:
            if text[i + 1:i + 2] in _EXPONENT_NEXT:
                return True
            i = text.find(e, i + 1)
    return False


_EXPONENT_NEXT = frozenset("+-0123456789")
_LEAVES = {float, int, str, bool, type(None)}
_MIXED_WALK = 100_000


def _line_column(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    col = index - text.rfind("\n", 0, index)
    return f"line {line} column {col}"


def check_header(data: dict[str, Any]) -> int:
    """The file's version, once the format and version keys are checked."""
    fmt = data.get("format")
    if fmt is None:
        raise LoadError(f'not a graph file: no "format": "{FORMAT}" key')
    if fmt != FORMAT:
        raise LoadError(f"format: expected {FORMAT!r}, found {brief(fmt)}")
    version = data.get("version")
    if version is None:
        raise LoadError("version: missing")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LoadError(f"version: expected a whole number, found {found(version)}")
    if version > VERSION:
        raise LoadError(
            f"version {brief(version)} is newer than this program understands "
            f"(it reads up to version {VERSION}): update Backprop Playground"
        )
    if version < 1:
        raise LoadError(f"version: {brief(version)} is not a valid version")
    return version


def item_id(item: Any, at: str) -> str:
    """The ``id`` of an object in the file's nodes or groups list: a non-empty string."""
    if not isinstance(item, dict):
        raise LoadError(f"{at}: expected an object, found {json_type(item)}")
    found = item.get("id")
    if found is None:
        raise LoadError(f"{at}.id: missing")
    if not isinstance(found, str) or not found:
        raise LoadError(f"{at}.id: expected a non-empty string, found {json_type(found)}")
    return found


def check_nodes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Validated nodes, id -> {kind, op, params, label, value, pos (or None)}, in file order."""
    nodes_raw = data.get("nodes")
    if nodes_raw is None:
        raise LoadError("nodes: missing")
    if not isinstance(nodes_raw, list):
        raise LoadError(f"nodes: expected a list, found {json_type(nodes_raw)}")
    grids = _count_literals(nodes_raw)
    nodes: dict[str, dict[str, Any]] = {}
    where_id: dict[str, int] = {}
    for i, n in enumerate(nodes_raw):
        at = f"nodes[{i}]"
        node_id = item_id(n, at)
        if node_id in nodes:
            raise LoadError(
                f"{at}.id: duplicate id {brief(node_id)} (also nodes[{where_id[node_id]}])"
            )
        kind = n.get("kind")
        if kind not in ("value", "op"):
            found = "missing" if kind is None else f"found {brief(kind)}"
            raise LoadError(f'{at}.kind: expected "value" or "op", {found}')
        op = n.get("op")
        value: Any = None
        params: dict[str, Any] = {}
        if kind == "op":
            if op is None:
                raise LoadError(f"{at}.op: missing (an op node needs an op name)")
            if not isinstance(op, str):
                raise LoadError(f"{at}.op: expected an op name, found {json_type(op)}")
            if op not in OPS:
                # a long name resembles no op, and comparing it would take seconds
                hint = difflib.get_close_matches(op, list(OPS), n=1) if len(op) <= 40 else []
                suggest = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise LoadError(f"{at}.op: unknown op {brief(op)}{suggest}")
            if n.get("value") is not None:
                raise LoadError(f"{at}.value: an op node has no value")
            params = _params(op, n.get("params"), f"{at}.params")
        else:
            if op is not None:
                raise LoadError(f"{at}.op: a value node has no op")
            if n.get("params") not in (None, {}):
                raise LoadError(f"{at}.params: a value node has no parameters")
            if "value" not in n:
                raise LoadError(f"{at}.value: missing (a value node needs a number)")
            value = n["value"]  # counted, and maybe checked whole: _count_literals
            if id(value) not in grids:
                value = _literal(value, f"{at}.value")
        label = n.get("label", "")
        if label is None:
            label = ""
        if not isinstance(label, str):
            raise LoadError(f"{at}.label: expected a string, found {json_type(label)}")
        pos = pos_of(n["pos"], f"{at}.pos") if n.get("pos") is not None else None
        nodes[node_id] = {
            "kind": kind, "op": op, "params": params, "label": label, "value": value, "pos": pos
        }
        where_id[node_id] = i
    return nodes


def _params(op: str, raw: Any, at: str) -> dict[str, Any]:
    """An op node's ``params`` object, checked against the op's parameters (see params.py)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LoadError(f"{at}: expected an object like {{\"axis\": 0}}, found {json_type(raw)}")
    try:
        return normalize(op, raw)
    except ParamError as exc:
        where = f"{at}.{exc.key}" if exc.key is not None else at
        raise LoadError(f"{where}: {exc.for_file()}") from None


def pos_of(p: Any, at: str) -> tuple[float, float]:
    if not isinstance(p, list) or len(p) != 2:
        raise LoadError(f"{at}: expected [x, y]")
    out = []
    for j, c in enumerate(p):
        if isinstance(c, _Huge):
            raise LoadError(f"{at}[{j}]: a position must be a finite number")
        if isinstance(c, bool) or not isinstance(c, int | float):
            raise LoadError(f"{at}[{j}]: expected a number, found {json_type(c)}")
        try:
            c = float(c)
        except OverflowError:
            c = math.inf
        if not math.isfinite(c):
            raise LoadError(f"{at}[{j}]: a position must be a finite number")
        out.append(c)
    return (out[0], out[1])


def check_edges(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]]
) -> list[tuple[str, str, int]]:
    edges_raw = data.get("edges", [])
    if not isinstance(edges_raw, list):
        raise LoadError(f"edges: expected a list, found {json_type(edges_raw)}")
    fed: dict[tuple[str, int], str] = {}
    edges: list[tuple[str, str, int]] = []
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    for i, e in enumerate(edges_raw):
        at = f"edges[{i}]"
        if not isinstance(e, dict):
            raise LoadError(f"{at}: expected an object, found {json_type(e)}")
        for key in ("source", "target"):
            end = e.get(key)
            if end is None:
                raise LoadError(f"{at}.{key}: missing")
            if not isinstance(end, str):
                raise LoadError(f"{at}.{key}: expected a node id, found {json_type(end)}")
            if end not in nodes:
                raise LoadError(f"{at}.{key}: there is no node {brief(end)}")
        source, target = e["source"], e["target"]
        slot = e.get("slot")
        if slot is None:
            raise LoadError(f"{at}.slot: missing")
        if not isinstance(slot, int) or isinstance(slot, bool):
            raise LoadError(f"{at}.slot: expected a whole number, found {found(slot)}")
        t = nodes[target]
        if t["kind"] == "value":
            raise LoadError(f"{at}.target: {brief(target)} is a value: it has no inputs")
        arity = OPS[t["op"]].arity
        if not 0 <= slot < arity:
            raise LoadError(
                f"{at}.slot: {brief(target)} ({t['op']}) has no input {brief(slot)} "
                f"(it takes {arity})"
            )
        if source == target:
            raise LoadError(f"{at}: {brief(source)} cannot feed itself")
        if (target, slot) in fed:
            other = fed[target, slot]
            raise LoadError(
                f"{at}: slot {slot} of {brief(target)} is already fed by {brief(other)}"
            )
        fed[target, slot] = source
        edges.append((source, target, slot))
        g.add_edge(source, target, key=slot, index=i)
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        last = max(g.edges[s, t, k]["index"] for s, t, k, *_ in cycle)
        path = " -> ".join(brief(s, 20) for s, *_ in cycle[:8])
        path += " -> ..." if len(cycle) > 8 else f" -> {brief(cycle[0][0], 20)}"
        raise LoadError(f"edges[{last}]: makes a cycle ({path}): a value cannot depend on itself")
    return edges
