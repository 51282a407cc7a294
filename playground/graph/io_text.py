"""Two things the JSON parser lets through that a graph file must not hold, and the save side
of the first.

- **Text that cannot be saved.** JSON's ``"\\ud800"`` escape gives Python a string with an
  unpaired surrogate, which no UTF-8 file can hold: such a file loaded, then could not be
  saved, autosaved or printed. ``find_unencodable`` finds the first such text (a key or a
  value, anywhere) with its location, so the loader refuses it (``nodes[0].label: ...``).
  A document can still get one another way (``show()`` of an engine value, a paste, code that
  sets a label), so ``encode_text`` turns the encoding error of a save or an export into an
  ``UnsavableText``, an ``OSError``: every writer already reports those as "Cannot save".
- **Duplicate keys.** ``{"version": 99, "version": 1}`` is valid JSON and the last one wins
  silently; ``pairs_hook`` marks such objects and ``find_duplicate`` says where the first one
  is.
"""

from __future__ import annotations

import re
from typing import Any

from playground.graph.quoting import brief

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a surrogate (``\\ud800``..``\\udfff``): only then can the parsed data hold
an unpaired one (a pair becomes one character), so only then is the data walked."""


class UnsavableText(OSError):
    """Text that cannot be written as UTF-8; the message names where it is. An OSError, so
    every writer's "Cannot save" handling reports it."""


def bad_character(text: str) -> int | None:
    """The index of the first character of ``text`` that UTF-8 cannot encode, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def why_unencodable(text: str, index: int) -> str:
    """``has a character that cannot be saved (U+D800, an unpaired surrogate, character 1)``."""
    code = ord(text[index])
    what = ", an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else ""
    return (f"has a character that cannot be saved as UTF-8 (U+{code:04X}{what}, "
            f"character {index + 1:,})")


def find_unencodable(data: Any, at: str = "") -> tuple[str, str] | None:
    """The first key or string in ``data`` that cannot be encoded: (location, reason)."""
    stack: list[tuple[Any, str]] = [(data, at)]
    while stack:
        x, where = stack.pop()
        if isinstance(x, str):
            i = bad_character(x)
            if i is not None:
                return where or "(the file)", f"the text {why_unencodable(x, i)}"
        elif isinstance(x, dict):
            children = []
            for k, v in x.items():
                here = _key_path(where, k)
                if isinstance(k, str) and (i := bad_character(k)) is not None:
                    return where or "(top level)", f"the key {brief(k)} {why_unencodable(k, i)}"
                children.append((v, here))
            stack.extend(reversed(children))  # file order: the first problem is reported
        elif isinstance(x, list):
            stack.extend((v, f"{where}[{j}]") for j, v in reversed(list(enumerate(x))))
    return None


class DuplicateKeys(dict):
    """A JSON object in which some key appears more than once (``duplicate``: the first)."""

    duplicate: str = ""


def make_pairs_hook() -> tuple[Any, list[bool]]:
    """An ``object_pairs_hook`` for ``json.loads`` and a flag it sets on a duplicate key."""
    seen_duplicate = [False]

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) == len(pairs):
            return out
        marked = DuplicateKeys(pairs)
        keys: set[str] = set()
        for k, _ in pairs:
            if k in keys:
                marked.duplicate = k
                break
            keys.add(k)
        seen_duplicate[0] = True
        return marked

    return hook, seen_duplicate


def find_duplicate(data: Any) -> str | None:
    """Where the first duplicated key is, and a sentence about it; None if there is none."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        x, where = stack.pop()
        if isinstance(x, DuplicateKeys):
            here = _key_path(where, x.duplicate)
            return (f"{here}: the key {brief(x.duplicate)} appears more than once in the same "
                    "object (only one is allowed)")
        if isinstance(x, dict):
            stack.extend((v, _key_path(where, k)) for k, v in reversed(list(x.items())))
        elif isinstance(x, list):
            stack.extend((v, f"{where}[{j}]") for j, v in reversed(list(enumerate(x))))
    return None


def _key_path(where: str, key: Any) -> str:
    text = key if isinstance(key, str) and key.isidentifier() and len(key) <= 60 else brief(key)
    return f"{where}.{text}" if where else text


# --- saving ---------------------------------------------------------------------------------


def encode_text(text: str, what: str = "the file") -> bytes:
    """``text`` as UTF-8 bytes for a file; ``UnsavableText`` (an OSError) when it cannot be."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnsavableText(f"{what} {why_unencodable(text, exc.start)}") from None


def place_in_file(data: dict[str, Any], where: str) -> str:
    """A location from ``find_unencodable`` in the user's words: ``nodes[0].label`` -> the
    label of node 'a'."""
    m = re.fullmatch(r"nodes\[(\d+)\]\.?(\w*).*", where)
    if m:
        nodes = data.get("nodes") or []
        i = int(m[1])
        node = nodes[i] if i < len(nodes) and isinstance(nodes[i], dict) else {}
        name = brief(node.get("id", f"#{i + 1}"))
        return f"the {m[2] or 'data'} of node {name}"
    m = re.fullmatch(r"groups\[(\d+)\]\.?(\w*).*", where)
    if m:
        groups = data.get("groups") or []
        i = int(m[1])
        group = groups[i] if i < len(groups) and isinstance(groups[i], dict) else {}
        return f"the {m[2] or 'data'} of group {brief(group.get('id', f'#{i + 1}'))}"
    if where in ("title", "description"):
        return f"the graph's {where}"
    return where
