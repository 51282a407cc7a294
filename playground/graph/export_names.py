"""The variable names of an exported script: one distinct, safe Python identifier per node.

A node's id is what the user typed, and it may be a name the script itself needs: a keyword
(``lambda = Value(2.0)`` is a syntax error), a builtin (``print = Value(2.0)`` and the script's
own ``print`` call fails), or a name the script imports or defines (``Value``, ``torch``,
``np``, ``show``, an engine function an op's template calls, such as ``concat``). Such a name
gets a ``_`` after it (``print_``); other characters become ``_``; a clash with another node's
name gets a number (``x_2``). The node's label and display name stay as they were: they are
written as strings (``show('print', print_)``), never as code.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterable

from playground.ops import OPS

SCRIPT_NAMES = frozenset(
    {"Value", "Tensor", "torch", "np", "numpy", "math", "playground", "show", "nodes",
     "gradient"}
)
"""What the exported scripts import or define at the top level themselves."""


def template_names() -> set[str]:
    """Top-level names the op table's code templates call (``concat``, ``torch``, ...): read
    from the table, so a new op's function is reserved too."""
    names: set[str] = set()
    for op in OPS.values():
        for template in (op.py, op.torch):
            text = re.sub(r"\{[^}]*\}", " ", template)  # the inputs and parameters
            for m in re.finditer(r"(?<![\w.])([A-Za-z_]\w*)", text):
                names.add(m[1])
    return names


def reserved_names() -> set[str]:
    """Every name a node's variable must not take."""
    return (
        set(keyword.kwlist)
        | set(keyword.softkwlist)
        | set(dir(builtins))
        | SCRIPT_NAMES
        | template_names()
    )


def variable_names(order: Iterable[str]) -> dict[str, str]:
    """A distinct, safe Python identifier per node id of ``order``, in that order (the name
    comes from the id alone, so the same graph always exports the same names)."""
    reserved = reserved_names()
    taken = set(reserved)
    names: dict[str, str] = {}
    for n in order:
        base = re.sub(r"\W", "_", n, flags=re.ASCII).strip("_") or "v"
        if base[0].isdigit():
            base = f"v_{base}"
        if base in reserved:
            base = f"{base}_"
        name, i = base, 2
        while name in taken:
            name = f"{base}_{i}"
            i += 1
        taken.add(name)
        names[n] = name
    return names
