"""Versioned JSON files: load with full validation, save atomically. See docs/file-format.md.

``load`` returns a *new* ``GraphDocument`` or raises ``LoadError`` (a ``ValueError``) whose
message names the first problem and where it is (``nodes[3].op: unknown op 'tanhh'``). Nothing
else escapes for a bad file: not JSON, not UTF-8, too deeply nested, numbers too large,
cycles, ... ``save`` writes a temporary file in the same folder, fsyncs it and renames it over
the target, so a crash mid-save leaves the old file intact. A save killed before the rename
(SIGKILL, power cut) leaves its ``.NAME.xxxxxxxx.tmp`` behind; the next save of that file (and
opening it in the app) removes such leftovers once they are ``STALE_TEMP_SECONDS`` old
(``remove_stale_temps``), and never any other file.

The file is read here; its schema checks are ``io_check`` and writing is ``io_write`` (every
public name is importable from this module).

nan and inf literals: JSON has no such numbers, so they are written as the strings ``"nan"``,
``"inf"`` and ``"-inf"`` and read back from those strings. The bare tokens ``NaN`` and
``Infinity`` that Python's ``json`` module writes are refused with a message that says so.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from playground.engine.value import paused_gc
from playground.graph.document import GraphDocument, GraphError
from playground.graph.io_base import SPECIAL_FLOATS, LoadError
from playground.graph.io_check import (
    FORMAT,
    GROUPS_VERSION,
    NODE_KEYS,
    VERSION,
    check_edges,
    check_header,
    check_nodes,
    decode,
    json_type,
    parse_json,
)
from playground.graph.io_groups import check_groups, check_ports
from playground.graph.io_text import UnsavableText, encode_text
from playground.graph.io_write import (
    STALE_TEMP_SECONDS,
    TEMP_SUFFIX,
    dumps,
    encode_for_file,
    is_save_temp,
    remove_stale_temps,
    save,
    to_file_data,
    write_atomic,
)
from playground.graph.layout import graph_layout
from playground.graph.limits import MAX_FILE_BYTES, size_text
from playground.graph.quoting import brief, cut


@dataclass
class GraphFile:
    """A loaded file: the document plus the file-level extras the app may show or keep."""

    doc: GraphDocument
    description: str = ""
    title: str = ""
    view: dict[str, Any] = field(default_factory=dict)
    had_positions: bool = True
    """False when some node had no ``pos`` and the auto-layout placed it."""


def view_frame(view: dict[str, Any], doc: GraphDocument) -> list[str]:
    """The nodes a file's ``view`` asks to open showing (``"frame": ["a", "b"]``), those that
    are in ``doc``. The view is a hint, kept as it is: anything else in it, or a frame that is
    not a list of node ids, is ignored, never refused."""
    frame = view.get("frame") if isinstance(view, dict) else None
    if not isinstance(frame, list):
        return []
    return [n for n in frame if isinstance(n, str) and n in doc]


# --- loading ------------------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> GraphDocument:
    """Read a graph file into a new document. Raises ``LoadError`` (OSError for I/O failures
    is turned into LoadError too, with the reason)."""
    return load_file(path).doc


@paused_gc()  # a big file's parsed data and document: all kept
def load_file(path: str | os.PathLike[str]) -> GraphFile:
    return loads(read_graph_bytes(path))


def read_graph_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a graph file, or ``LoadError``: only a regular file of at most
    ``MAX_FILE_BYTES`` is read. It is looked at (``stat``) before it is opened, since opening
    a FIFO for reading blocks until a writer comes; it is opened non-blocking all the same and
    looked at again (``fstat``), in case it was swapped in between."""
    try:
        _check_kind(os.stat(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            _check_kind(os.fstat(fd))
            with os.fdopen(fd, "rb", closefd=False) as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise LoadError("no such file") from None
    except IsADirectoryError:
        raise LoadError("is a folder, not a file") from None
    except OSError as exc:
        raise LoadError(exc.strerror or str(exc)) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after the stat
        raise LoadError(_too_large(len(raw)))
    return raw


def _check_kind(st: os.stat_result) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise LoadError("is a folder, not a file")
    if not stat.S_ISREG(mode):
        what = ("a pipe (FIFO)" if stat.S_ISFIFO(mode) else
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise LoadError(f"is {what}, not a regular file: only a file can be a graph")
    if st.st_size > MAX_FILE_BYTES:
        raise LoadError(_too_large(st.st_size))


def _too_large(nbytes: int) -> str:
    return (f"the file is {size_text(nbytes)}: over the {size_text(MAX_FILE_BYTES)} limit "
            "for a graph file")


def loads(text: str | bytes) -> GraphFile:
    """Parse and validate file content (text or bytes)."""
    try:
        return _loads(text)
    except LoadError:
        raise
    except RecursionError:
        raise LoadError("nested too deeply to be a graph file") from None
    except Exception as exc:  # a validator bug must still not crash the app
        raise LoadError(
            f"cannot read this file: {type(exc).__name__}: {cut(str(exc))}"
        ) from None


def _loads(content: str | bytes) -> GraphFile:
    text = decode(content) if isinstance(content, bytes | bytearray) else str(content)
    if not text.strip():
        raise LoadError("the file is empty")
    data = parse_json(text)
    if not isinstance(data, dict):
        raise LoadError(f"expected a JSON object at the top level, found {json_type(data)}")
    version = check_header(data)
    nodes = check_nodes(data)
    edges = check_edges(data, nodes)
    output = data.get("output")
    if output is not None and (not isinstance(output, str) or output not in nodes):
        raise LoadError(f"output: there is no node {brief(output)}")
    view = data.get("view", {})
    if not isinstance(view, dict):
        raise LoadError(f"view: expected an object, found {json_type(view)}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise LoadError(f"description: expected a string, found {json_type(description)}")
    title = data.get("title", "")
    if not isinstance(title, str):
        raise LoadError(f"title: expected a string, found {json_type(title)}")
    groups: list[dict[str, Any]] = []
    if version >= GROUPS_VERSION:
        raw_nodes = data["nodes"]
        groups = check_groups(
            data, nodes, {n["id"]: n.get("group") for n in raw_nodes},
            {n["id"]: i for i, n in enumerate(raw_nodes)},
        )
    doc, had_positions = _build(nodes, edges, output, groups)
    if groups:
        check_ports(doc, data["groups"])
    return GraphFile(doc, description, title, view, had_positions)


def _build(
    nodes: dict[str, dict[str, Any]], edges: list[tuple[str, str, int]], output: str | None,
    groups: list[dict[str, Any]],
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
        doc.restore_groups(_placed(groups, nodes))  # checked: ids free, parents exist, no loop
        for n, a in nodes.items():
            doc.add_node(
                a["kind"], op=a["op"], label=a["label"], value=a["value"], pos=a["pos"],
                node_id=n, params=a["params"] or None, group=a.get("group"),
            )
        doc.connect_all(edges)
        if output is not None:
            doc.set_output(output)
    except GraphError as exc:  # validated above, so this is a bug; still a LoadError
        raise LoadError(str(exc)) from None
    return doc, not missing_pos


def _placed(groups: list[dict[str, Any]], nodes: dict[str, dict[str, Any]]
            ) -> list[dict[str, Any]]:
    """``groups`` with a place each: a group written without ``pos`` sits where the top-left
    of the nodes inside it is (as a new group does), or at (0, 0) when it holds none."""
    if all(g["pos"] is not None for g in groups):
        return groups
    parent = {g["id"]: g["parent"] for g in groups}
    corner: dict[str, tuple[float, float]] = {}
    for a in nodes.values():
        scope = a.get("group")
        while scope is not None:
            corner[scope] = min(corner.get(scope, a["pos"]), a["pos"])
            scope = parent[scope]
    return [g if g["pos"] is not None else {**g, "pos": corner.get(g["id"], (0.0, 0.0))}
            for g in groups]


__all__ = [
    "FORMAT",
    "GROUPS_VERSION",
    "NODE_KEYS",
    "SPECIAL_FLOATS",
    "STALE_TEMP_SECONDS",
    "TEMP_SUFFIX",
    "VERSION",
    "GraphFile",
    "LoadError",
    "UnsavableText",
    "dumps",
    "encode_for_file",
    "encode_text",
    "is_save_temp",
    "load",
    "load_file",
    "loads",
    "read_graph_bytes",
    "remove_stale_temps",
    "save",
    "to_file_data",
    "write_atomic",
]
