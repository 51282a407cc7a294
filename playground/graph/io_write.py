"""Writing graph files: the file's JSON (``to_file_data``, ``dumps``, one node or edge per
line) and the atomic save (``save``, ``write_atomic``: a temp file in the same folder, fsync,
rename), with the clean-up of temps that killed saves left behind (``remove_stale_temps``).
Importable from ``playground.graph.io`` as before.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from playground.graph.document import GraphDocument
from playground.graph.io_check import FORMAT, GROUPS_VERSION
from playground.graph.io_text import UnsavableText, encode_text, find_unencodable, place_in_file

STALE_TEMP_SECONDS = 60.0
"""A save's temp file older than this is a leftover of a save that was killed: no save takes
this long, so one still in progress (another window, the autosave) is never touched."""


def to_file_data(
    doc: GraphDocument, *, description: str = "", title: str = "", view: dict | None = None
) -> dict[str, Any]:
    """The document as the file's JSON object (plain data, strict JSON). A graph with groups is
    a version 2 file; one without stays version 1, so programs from before groups open it."""
    data = doc.to_data()
    grouped = bool(doc.groups())
    out: dict[str, Any] = {"format": FORMAT, "version": GROUPS_VERSION if grouped else 1}
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
        if n.get("group") is not None:
            item["group"] = n["group"]
        nodes.append(item)
    out["nodes"] = nodes
    out["edges"] = data["edges"]
    if grouped:
        out["groups"] = _groups(doc)
    if data["output"] is not None:
        out["output"] = data["output"]
    if view:
        out["view"] = view
    return out


def _groups(doc: GraphDocument) -> list[dict[str, Any]]:
    """The group table, each group with its ports (written for readers; checked on load)."""
    ports = doc.all_ports()
    out = []
    for g in doc.groups_data():
        x, y = g["pos"]
        out.append({"id": g["id"], "label": g["label"], "pos": [_short(x), _short(y)],
                    "parent": g["parent"], "inputs": list(ports[g["id"]].inputs),
                    "outputs": list(ports[g["id"]].outputs)})
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
        if key in ("nodes", "edges", "groups") and value:
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

    ``extras``: ``description``, ``title``, ``view``. Raises OSError when the disk says no,
    or ``UnsavableText`` (an OSError) for text UTF-8 cannot hold; the old file is then
    untouched.
    """
    text = dumps(doc, **extras)
    write_atomic(Path(path), encode_for_file(text, doc, **extras))


def encode_for_file(text: str, doc: GraphDocument, **extras: Any) -> bytes:
    """``text`` (the file, or an export of ``doc``) as UTF-8 bytes. A text that UTF-8 cannot
    hold (an unpaired surrogate in a label set by code or pasted) is an ``UnsavableText`` (an
    OSError) that names the node, never a crash."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        data = to_file_data(doc, **extras)
        found = find_unencodable(data)
        if found is None:  # pragma: no cover - the text came from this data
            return encode_text(text)
        where, reason = found
        raise UnsavableText(
            f"{place_in_file(data, where)} {reason.removeprefix('the text ')}: "
            "change it, then save again"
        ) from None


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
