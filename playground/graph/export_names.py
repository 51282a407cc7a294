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
from collections.abc import Callable, Iterable

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


_SPOKEN = [("**", "_pow_"), ("*", "_times_"), ("/", "_over_"), ("+", "_plus_"),
           ("−", "_minus_"), ("-", "_minus_"), ("@", "_matmul_"), ("′", ""), ("″", ""),
           ("‴", ""), ("…", "")]
"""An unnamed op's card name is its expression (``3*x**2 − 4*x``): its variable spells the
operators out (``v3_times_x_pow_2_minus_4_times_x``), so no script shows an internal id. A
shortened name loses its "…", and a repeated name its primes: the variables ``sum_x`` and
``sum_x_2`` stand for the cards ``sum(x)`` and ``sum(x)′``."""


def identifier(text: str) -> str:
    for symbol, word in _SPOKEN:
        text = text.replace(symbol, word)
    base = re.sub(r"_+", "_", re.sub(r"\W", "_", text, flags=re.ASCII)).strip("_") or "v"
    return f"v{base}" if base[0].isdigit() else base


def variable_names(order: Iterable[str],
                   shown: Callable[[str], str] | None = None) -> dict[str, str]:
    """A distinct, safe Python identifier per node of ``order``, in that order, made from the
    name its card shows (``shown``, e.g. ``doc.display_name``; else the id itself). The same
    graph always exports the same names."""
    reserved = reserved_names()
    taken = set(reserved)
    names: dict[str, str] = {}
    for n in order:
        base = identifier(shown(n) if shown is not None else n)
        if base in reserved:
            base = f"{base}_"
        name, i = base, 2
        sep = "" if base.endswith("_") else "_"  # sum_2, not sum__2
        while name in taken:
            name = f"{base}{sep}{i}"
            i += 1
        taken.add(name)
        names[n] = name
    return names
