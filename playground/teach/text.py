"""How the teaching tools write names and derivatives.

Names are what the canvas shows: ``GraphDocument.display_name`` (``playground.graph.names``).
Numbers are written by ``playground.graph.numbers`` (4 decimals like micrograd's
``draw_dot``), as on the canvas, so the text and the nodes show the same digits.
"""

from __future__ import annotations

import re

from playground.graph import names
from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation
from playground.graph.evaluate_text import pending_text

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
"""A constant's label (``3``, ``0.5``, ``1e-07``): needs no parentheses in an expression."""


def name(doc: GraphDocument, node_id: str) -> str:
    """How the text names a node: as its card shows it (``doc.display_name``: the label, an
    unnamed op's expression ``e*f``, ...), written out in full where the card shortens it
    (``names.in_words``: ``x*tanh(x + b)``, not ``x*…``), or a group's label; an id no longer
    in the graph as is."""
    known = node_id in doc or doc.is_group(node_id)
    return names.in_words(doc, node_id) if known else node_id


def output_name(doc: GraphDocument, node_id: str) -> str:
    """How the text names the output: as ``name`` does, or "the output" when its full name is
    too long for a sentence (``d`` writes it d(output))."""
    known = node_id in doc or doc.is_group(node_id)
    return names.in_words(doc, node_id, names.OUTPUT) if known else node_id


def expression(doc: GraphDocument, node_id: str, operands: list[str], spaced: bool = True) -> str:
    """An op node applied to ``operands`` (names or numbers) as the lecture writes it: ``a * b``,
    ``tanh(n)``, and a power by a constant with its number, ``x ** 2`` (powc's exponent is a
    parameter, not an input). ``spaced=False`` gives the compact form of a name, ``a*b``."""
    from playground.graph import params as P
    from playground.ops import OPS

    op = OPS[doc.op_name(node_id)]
    gap = " " if spaced else ""
    if op.name == "powc":
        exponent = P.number_text(doc.effective_params(node_id)["exponent"])
        return f"{operands[0]}{gap}**{gap}{exponent}"
    if len(operands) == 2:
        return f"{operands[0]}{gap}{op.symbol}{gap}{operands[1]}"
    return f"{op.symbol}({operands[0]})"


def wrap(label: str) -> str:
    """A name fit for an expression: ``x1`` and a constant ``3`` stay, ``x1*w1 + x2*w2`` and
    ``-4`` get parentheses."""
    return label if _IDENT.match(label) or _NUMBER.match(label) else f"({label})"


def the_output(out_name: str) -> str:
    """"L is the output"; "This is the output" when the output's name is "the output"."""
    return "This is the output" if out_name == names.OUTPUT else f"{out_name} is the output"


def d(out: str, of: str) -> str:
    """``dL/da``; ``d(a*b)/dx``, ``df/d(3)``: ``names.derivative``, the one way every text
    writes a derivative."""
    return names.derivative(out, of)


def input_name(slot_name: str, slot: int) -> str:
    """How the text names an op's input: ``left input``, ``base input``. A one-letter slot name
    would read like a node's name (``input a`` next to a node a), so it becomes ``1st input``."""
    if len(slot_name) == 1:
        return f"{('1st', '2nd', '3rd')[slot] if slot < 3 else f'{slot + 1}th'} input"
    return f"{slot_name} input"


def substitute(formula: str, names: dict[str, str]) -> str:
    """Replace whole words of ``formula`` (slot names, ``out``) by node names."""
    if not names:
        return formula
    words = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z0-9_])"
    )
    return pattern.sub(lambda m: names[m.group(1)], formula)


def obstacle(doc: GraphDocument, ev: Evaluation, node: str) -> str:
    """What stops a teaching tool at ``node``, in words: an op still being wired is not broken
    ("e needs its 'right' input: wire it first"), anything else is ("... has a problem")."""
    waiting = pending_text(ev.results, node, lambda n: name(doc, n))
    if waiting is not None:
        return f"{waiting}: wire it first"
    return f"{name(doc, node)} has a problem ({ev.results[node].error}): fix it first"
