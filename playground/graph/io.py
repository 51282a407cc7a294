"""Versioned JSON files: load with full validation, save atomically. See docs/file-format.md.

``load`` returns a *new* ``GraphDocument`` or raises ``LoadError`` (a ``ValueError``) whose
message names the first problem and where it is (``nodes[3].op: unknown op 'tanhh'``). Nothing
else escapes for a bad file: not JSON, not UTF-8, too deeply nested, numbers too large,
cycles, ... ``save`` writes a temporary file in the same folder, fsyncs it and renames it over
the target, so a crash mid-save leaves the old file intact. A save killed before the rename
(SIGKILL, power cut) leaves its ``.NAME.xxxxxxxx.tmp`` behind; the next save of that file (and
opening it in the app) removes such leftovers once they are ``STALE_TEMP_SECONDS`` old
(``remove_stale_temps``), and never any other file.

nan and inf literals: JSON has no such numbers, so they are written as the strings ``"nan"``,
``"inf"`` and ``"-inf"`` and read back from those strings. The bare tokens ``NaN`` and
``Infinity`` that Python's ``json`` module writes are refused with a message that says so.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from playground.graph.document import GraphDocument, GraphError
from playground.graph.layout import graph_layout
from playground.graph.params import ParamError, normalize
from playground.graph.validate import MAX_TENSOR_DIMS
from playground.ops import OPS

FORMAT = "backprop-playground"
VERSION = 1
SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
NODE_KEYS = ("id", "kind", "op", "params", "label", "value", "pos")
STALE_TEMP_SECONDS = 60.0
"""A save's temp file older than this is a leftover of a save that was killed: no save takes
this long, so one still in progress (another window, the autosave) is never touched."""


class LoadError(ValueError):
    """A file that is not a valid graph; the message says what and where."""


@dataclass
class GraphFile:
    """A loaded file: the document plus the file-level extras the app may show or keep."""

    doc: GraphDocument
    description: str = ""
    title: str = ""
    view: dict[str, Any] = field(default_factory=dict)
    had_positions: bool = True
    """False when some node had no ``pos`` and the auto-layout placed it."""


# --- loading ------------------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> GraphDocument:
    """Read a graph file into a new document. Raises ``LoadError`` (OSError for I/O failures
    is turned into LoadError too, with the reason)."""
    return load_file(path).doc


def load_file(path: str | os.PathLike[str]) -> GraphFile:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError("no such file") from None
    except IsADirectoryError:
        raise LoadError("is a folder, not a file") from None
    except OSError as exc:
        raise LoadError(exc.strerror or str(exc)) from None
    return loads(raw)


def loads(text: str | bytes) -> GraphFile:
    """Parse and validate file content (text or bytes)."""
    try:
        return _loads(text)
    except LoadError:
        raise
    except RecursionError:
        raise LoadError("nested too deeply to be a graph file") from None
    except Exception as exc:  # a validator bug must still not crash the app
        raise LoadError(f"cannot read this file: {type(exc).__name__}: {exc}") from None


def _loads(content: str | bytes) -> GraphFile:
    text = _decode(content) if isinstance(content, bytes | bytearray) else str(content)
    if not text.strip():
        raise LoadError("the file is empty")
    data = _parse_json(text)
    if not isinstance(data, dict):
        raise LoadError(f"expected a JSON object at the top level, found {_json_type(data)}")
    _check_header(data)
    nodes = _check_nodes(data)
    edges = _check_edges(data, nodes)
    output = data.get("output")
    if output is not None and (not isinstance(output, str) or output not in nodes):
        raise LoadError(f"output: there is no node {output!r}")
    view = data.get("view", {})
    if not isinstance(view, dict):
        raise LoadError(f"view: expected an object, found {_json_type(view)}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise LoadError(f"description: expected a string, found {_json_type(description)}")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise LoadError(f"title: expected a string, found {_json_type(title)}")
    doc, had_positions = _build(nodes, edges, output)
    return GraphFile(doc, description, title, view, had_positions)


def _decode(raw: bytes) -> str:
    try:
        return bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return_ = raw.rfind(b"\n", 0, exc.start)
        col = exc.start - return_
        raise LoadError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} column {col}"
        ) from None


class _Huge:
    """A JSON number too large for a float (reported with its location later)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float | _Huge:
    x = float(text)
    return _Huge(text) if math.isinf(x) else x


class _BareConstant(Exception):
    pass


def _parse_constant(name: str) -> Any:
    raise _BareConstant(name)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)')


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(f"not JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except _BareConstant as exc:
        where = ""
        for m in _TOKEN.finditer(text):
            if m.group(1):
                line = text.count("\n", 0, m.start()) + 1
                col = m.start() - text.rfind("\n", 0, m.start())
                where = f"line {line} column {col}: "
                break
        raise LoadError(
            f"not JSON: {where}{exc.args[0]} is not a JSON number "
            '(write "nan", "inf" or "-inf" as a string)'
        ) from None
    except RecursionError:
        raise LoadError("not JSON we can read: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        raise LoadError(f"not JSON we can read: {exc}") from None


def _json_type(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "a boolean"
    if isinstance(x, int | float | _Huge):
        return "a number"
    if isinstance(x, str):
        return "a string"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, dict):
        return "an object"
    return type(x).__name__


def _check_header(data: dict[str, Any]) -> None:
    fmt = data.get("format")
    if fmt is None:
        raise LoadError(f'not a graph file: no "format": "{FORMAT}" key')
    if fmt != FORMAT:
        raise LoadError(f"format: expected {FORMAT!r}, found {fmt!r}")
    version = data.get("version")
    if version is None:
        raise LoadError("version: missing")
    if not isinstance(version, int) or isinstance(version, bool):
        raise LoadError(f"version: expected a whole number, found {_json_type(version)}")
    if version > VERSION:
        raise LoadError(
            f"version {version} is newer than this program understands "
            f"(it reads up to version {VERSION}): update Backprop Playground"
        )
    if version < 1:
        raise LoadError(f"version: {version} is not a valid version")


def _check_nodes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Validated nodes, id -> {kind, op, params, label, value, pos (or None)}, in file order."""
    nodes_raw = data.get("nodes")
    if nodes_raw is None:
        raise LoadError("nodes: missing")
    if not isinstance(nodes_raw, list):
        raise LoadError(f"nodes: expected a list, found {_json_type(nodes_raw)}")
    nodes: dict[str, dict[str, Any]] = {}
    where_id: dict[str, int] = {}
    for i, n in enumerate(nodes_raw):
        at = f"nodes[{i}]"
        if not isinstance(n, dict):
            raise LoadError(f"{at}: expected an object, found {_json_type(n)}")
        node_id = n.get("id")
        if node_id is None:
            raise LoadError(f"{at}.id: missing")
        if not isinstance(node_id, str) or not node_id:
            raise LoadError(f"{at}.id: expected a non-empty string, found {_json_type(node_id)}")
        if node_id in nodes:
            raise LoadError(f"{at}.id: duplicate id {node_id!r} (also nodes[{where_id[node_id]}])")
        kind = n.get("kind")
        if kind not in ("value", "op"):
            found = "missing" if kind is None else f"found {kind!r}"
            raise LoadError(f'{at}.kind: expected "value" or "op", {found}')
        op = n.get("op")
        value: Any = None
        params: dict[str, Any] = {}
        if kind == "op":
            if op is None:
                raise LoadError(f"{at}.op: missing (an op node needs an op name)")
            if not isinstance(op, str):
                raise LoadError(f"{at}.op: expected an op name, found {_json_type(op)}")
            if op not in OPS:
                hint = difflib.get_close_matches(op, list(OPS), n=1)
                suggest = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise LoadError(f"{at}.op: unknown op {op!r}{suggest}")
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
            value = _literal(n["value"], f"{at}.value")
        label = n.get("label", "")
        if label is None:
            label = ""
        if not isinstance(label, str):
            raise LoadError(f"{at}.label: expected a string, found {_json_type(label)}")
        pos = _pos(n["pos"], f"{at}.pos") if n.get("pos") is not None else None
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
        raise LoadError(f"{at}: expected an object like {{\"axis\": 0}}, found {_json_type(raw)}")
    try:
        return normalize(op, raw)
    except ParamError as exc:
        where = f"{at}.{exc.key}" if exc.key is not None else at
        raise LoadError(f"{where}: {exc.for_file()}") from None


def _literal(x: Any, at: str, depth: int = 0) -> Any:
    """A number or a rectangular nested list of numbers, with "nan"/"inf" strings decoded."""
    if isinstance(x, bool):
        raise LoadError(f"{at}: expected a number, found a boolean")
    if isinstance(x, _Huge):
        raise LoadError(f"{at}: {x.text} is too large for a float")
    if isinstance(x, int):
        try:
            return float(x)
        except OverflowError:
            digits = len(str(abs(x)))
            raise LoadError(f"{at}: a {digits}-digit number is too large for a float") from None
    if isinstance(x, float):
        return x
    if isinstance(x, str):
        special = SPECIAL_FLOATS.get(x.strip().lower())
        if special is None:
            raise LoadError(f"{at}: expected a number, found the string {x!r}")
        return special
    if isinstance(x, list):
        if depth >= MAX_TENSOR_DIMS:
            raise LoadError(f"{at}: a tensor of more than {MAX_TENSOR_DIMS} dimensions")
        if not x:
            raise LoadError(f"{at}: an empty list is not a tensor")
        items = [_literal(v, f"{at}[{j}]", depth + 1) for j, v in enumerate(x)]
        first = _shape(items[0])
        for j, item in enumerate(items):
            s = _shape(item)
            if s != first:
                raise LoadError(
                    f"{at}[{j}]: ragged tensor: shape {_fmt_shape(s)} where "
                    f"{at}[0] has shape {_fmt_shape(first)}"
                )
        return items
    raise LoadError(f"{at}: expected a number or a list of numbers, found {_json_type(x)}")


def _shape(x: Any) -> tuple[int, ...]:
    shape = []
    while isinstance(x, list):
        shape.append(len(x))
        x = x[0]
    return tuple(shape)


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "() (a number)" if not shape else str(shape)


def _pos(p: Any, at: str) -> tuple[float, float]:
    if not isinstance(p, list) or len(p) != 2:
        raise LoadError(f"{at}: expected [x, y]")
    out = []
    for j, c in enumerate(p):
        if isinstance(c, _Huge):
            raise LoadError(f"{at}[{j}]: a position must be a finite number")
        if isinstance(c, bool) or not isinstance(c, int | float):
            raise LoadError(f"{at}[{j}]: expected a number, found {_json_type(c)}")
        try:
            c = float(c)
        except OverflowError:
            c = math.inf
        if not math.isfinite(c):
            raise LoadError(f"{at}[{j}]: a position must be a finite number")
        out.append(c)
    return (out[0], out[1])


def _check_edges(
    data: dict[str, Any], nodes: dict[str, dict[str, Any]]
) -> list[tuple[str, str, int]]:
    edges_raw = data.get("edges", [])
    if not isinstance(edges_raw, list):
        raise LoadError(f"edges: expected a list, found {_json_type(edges_raw)}")
    fed: dict[tuple[str, int], str] = {}
    edges: list[tuple[str, str, int]] = []
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    for i, e in enumerate(edges_raw):
        at = f"edges[{i}]"
        if not isinstance(e, dict):
            raise LoadError(f"{at}: expected an object, found {_json_type(e)}")
        for key in ("source", "target"):
            end = e.get(key)
            if end is None:
                raise LoadError(f"{at}.{key}: missing")
            if not isinstance(end, str):
                raise LoadError(f"{at}.{key}: expected a node id, found {_json_type(end)}")
            if end not in nodes:
                raise LoadError(f"{at}.{key}: there is no node {end!r}")
        source, target = e["source"], e["target"]
        slot = e.get("slot")
        if slot is None:
            raise LoadError(f"{at}.slot: missing")
        if not isinstance(slot, int) or isinstance(slot, bool):
            raise LoadError(f"{at}.slot: expected a whole number, found {_json_type(slot)}")
        t = nodes[target]
        if t["kind"] == "value":
            raise LoadError(f"{at}.target: {target!r} is a value: it has no inputs")
        arity = OPS[t["op"]].arity
        if not 0 <= slot < arity:
            raise LoadError(
                f"{at}.slot: {target!r} ({t['op']}) has no input {slot} (it takes {arity})"
            )
        if source == target:
            raise LoadError(f"{at}: {source!r} cannot feed itself")
        if (target, slot) in fed:
            other = fed[target, slot]
            raise LoadError(f"{at}: slot {slot} of {target!r} is already fed by {other!r}")
        fed[target, slot] = source
        edges.append((source, target, slot))
        g.add_edge(source, target, key=slot, index=i)
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        last = max(g.edges[s, t, k]["index"] for s, t, k, *_ in cycle)
        path = " -> ".join(repr(s) for s, *_ in cycle) + f" -> {cycle[0][0]!r}"
        raise LoadError(f"edges[{last}]: makes a cycle ({path}): a value cannot depend on itself")
    return edges


def _build(
    nodes: dict[str, dict[str, Any]], edges: list[tuple[str, str, int]], output: str | None
) -> tuple[GraphDocument, bool]:
    missing_pos = [n for n, a in nodes.items() if a["pos"] is None]
    if missing_pos:
        g = nx.MultiDiGraph()
        g.add_nodes_from(nodes)
        g.add_edges_from((s, t, k) for s, t, k in edges)
        auto = graph_layout(g)
        for n in missing_pos:
            nodes[n]["pos"] = auto[n]
    doc = GraphDocument()
    try:
        for n, a in nodes.items():
            doc.add_node(
                a["kind"], op=a["op"], label=a["label"], value=a["value"], pos=a["pos"],
                node_id=n, params=a["params"] or None,
            )
        doc.connect_all(edges)
        if output is not None:
            doc.set_output(output)
    except GraphError as exc:  # validated above, so this is a bug; still a LoadError
        raise LoadError(str(exc)) from None
    return doc, not missing_pos


# --- saving -------------------------------------------------------------------------------


def to_file_data(
    doc: GraphDocument, *, description: str = "", title: str = "", view: dict | None = None
) -> dict[str, Any]:
    """The document as the file's JSON object (plain data, strict JSON)."""
    data = doc.to_data()
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if title:
        out["title"] = title
    if description:
        out["description"] = description
    nodes = []
    by_id = {n["id"]: n for n in data["nodes"]}
    for n in (by_id[i] for i in doc.node_ids()):  # document order: as the user built it
        item: dict[str, Any] = {"id": n["id"], "kind": n["kind"]}
        if n["kind"] == "op":
            item["op"] = n["op"]
            if n.get("params"):
                item["params"] = n["params"]
        if n.get("label"):
            item["label"] = n["label"]
        if n["kind"] == "value":
            item["value"] = _encode_literal(n["value"])
        x, y = n["pos"]
        item["pos"] = [_short(x), _short(y)]
        nodes.append(item)
    out["nodes"] = nodes
    out["edges"] = data["edges"]
    if data["output"] is not None:
        out["output"] = data["output"]
    if view:
        out["view"] = view
    return out


def _short(x: float) -> float | int:
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _encode_literal(x: Any) -> Any:
    if isinstance(x, list):
        return [_encode_literal(v) for v in x]
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def dumps(doc: GraphDocument, **extras: Any) -> str:
    """The file text: strict JSON, one node or edge per line (diff-friendly)."""
    data = to_file_data(doc, **extras)
    lines = ["{"]
    items = list(data.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key in ("nodes", "edges") and value:
            lines.append(f"  {json.dumps(key)}: [")
            for j, item in enumerate(value):
                sep = "," if j < len(value) - 1 else ""
                lines.append(f"    {_compact(item)}{sep}")
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {_compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False, allow_nan=False)


def save(doc: GraphDocument, path: str | os.PathLike[str], **extras: Any) -> None:
    """Write ``doc`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    ``extras``: ``description``, ``title``, ``view``. Raises OSError when the disk says no;
    the old file is then untouched.
    """
    text = dumps(doc, **extras)
    write_atomic(Path(path), text.encode("utf-8"))


def write_atomic(path: Path, content: bytes) -> None:
    if path.is_symlink():  # replace the file the link points to, not the link itself
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temps(path)
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


TEMP_SUFFIX = ".tmp"
_TEMP_RANDOM = r"[a-z0-9_]{8}"
"""What ``tempfile.mkstemp`` puts between prefix and suffix: 8 of ``[a-z0-9_]``."""


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def is_save_temp(name: str, for_file: str) -> bool:
    """Whether ``name`` is exactly what ``write_atomic`` names its temp file for ``for_file``."""
    pattern = re.escape(f".{for_file}.") + _TEMP_RANDOM + re.escape(TEMP_SUFFIX)
    return re.fullmatch(pattern, name) is not None


def remove_stale_temps(
    path: str | os.PathLike[str],
    *,
    older_than: float = STALE_TEMP_SECONDS,
    now: float | None = None,
) -> list[Path]:
    """Remove the temp files that killed saves of ``path`` left beside it; the removed paths.

    Only regular files (never a link or a folder) named exactly as ``write_atomic`` names
    its temp for this file name, owned by this user and last written more than
    ``older_than`` seconds ago. Best effort: a folder that cannot be read, a file that
    cannot be removed, is left alone without an error (the save itself must not fail).
    """
    path = Path(path)
    if path.is_symlink():  # the temps sit beside the file the link points to
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_save_temp(entry.name, path.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or (uid is not None and info.st_uid != uid):
            continue
        if now - info.st_mtime <= older_than:
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort elsewhere."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = [
    "FORMAT",
    "VERSION",
    "GraphFile",
    "LoadError",
    "dumps",
    "load",
    "load_file",
    "loads",
    "remove_stale_temps",
    "save",
    "to_file_data",
]
