"""One visible name per node: what the card shows and every text says.

A node's name is, in this order:
- its label (a value's letter, ``L``, a constant's number ``3``);
- for an op nobody named, its expression from its inputs' names, written with the op table's
  own operators (``a*b``, ``e + c``, ``tanh(n)``, ``-x``; ``?`` for an input not wired yet),
  shortened past ``NAME_MAX`` characters. It is computed, not stored, so it stays true when a
  wire or an input's name changes;
- for a value nobody named (an old file, ``from_value``), the next letter no node uses.

Two nodes never share a name: a computed name that is taken gets a prime (``a*b′``). The one
exception is a constant, whose label is its number: two 2s are both "2", as on paper.
``names(doc)`` computes every name in one pass (linear in the graph); ``GraphDocument``
caches it until its next event, so ``doc.display_name(n)`` is the one function every text
uses (step-through, status bar, inspector, messages, exports).

A sentence has more room than a card: ``in_words`` writes a shortened name out in full
(``x*tanh(x + b)``, not ``x*…``) up to ``TEXT_MAX`` characters, and ``derivative`` is the one
way every text writes d…/d… (``dL/da``, ``d(x*tanh(x + b))/d(node)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import networkx as nx

from playground.ops import OPS, Op

NAME_MAX = 12
"""A computed name longer than this is cut, ending in "…"."""
ELLIPSIS = "…"
PRIME = "′"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


TEXT_MAX = 40
"""A sentence writes a computed name out in full up to this many characters."""
OUTPUT = "the output"
"""What a sentence calls the output whose full name is too long for it."""
_SYMBOL = re.compile(r"^[A-Za-z][0-9]*[′″‴]*$")
"""A name read as one symbol after a "d": a letter, its index, its primes (``x``, ``w1``,
``a′``). Anything longer gets parentheses: ``dboth`` would read as a word, ``dx*…`` as dx
times something."""


def is_constant_label(label: str) -> bool:
    """A label that is a number (an expression's constant): it may repeat."""
    return bool(_NUMBER.match(label))


def letters() -> Iterator[str]:
    """a, b, ..., z, then a1, b1, ..., z1, a2, ..."""
    suffix = 0
    while True:
        for letter in "abcdefghijklmnopqrstuvwxyz":
            yield letter + (str(suffix) if suffix else "")
        suffix += 1


def free_letter(taken: set[str]) -> str:
    """The first of ``letters()`` not in ``taken``."""
    return next(n for n in letters() if n not in taken)


def free_variant(label: str, taken: set[str]) -> str:
    """``label`` if free, else ``label2``, ``label3``, ... (a pasted ``L`` becomes ``L2``)."""
    if label not in taken:
        return label
    k = 2
    while f"{label}{k}" in taken:
        k += 1
    return f"{label}{k}"


def wrap(name: str) -> str:
    """A name fit inside any expression: ``x1`` and ``3`` stay, ``a*b`` gets parentheses."""
    plain = _IDENT.match(name) or (_NUMBER.match(name) and not name.startswith("-"))
    return name if plain else f"({name})"


_PRECEDENCE = {"**": 4, "*": 3, "/": 3, "@": 3, "%": 3, "//": 3, "+": 2, "-": 2}
"""Python's binding strength of its binary operators (its grammar, not a list of ops): which
inner expressions need parentheses, so ``3*x**2 − 4*x`` reads as a learner writes it."""
ATOM = 9
"""A name with nothing to bind: a label, a call ``tanh(n)``, anything in parentheses."""
UNARY = 3.5
"""``-x``: tighter than ``*``, looser than ``**`` (as in Python)."""


def _part(name: str, strength: float, need: float) -> str:
    if name == ELLIPSIS:
        return name
    return name if strength >= need and ELLIPSIS not in name else wrap(name)


def expression(op: Op, parts: list[tuple[str, float]], params: dict | None = None
               ) -> tuple[str, float]:
    """An op applied to its inputs' (name, binding strength), as the op table writes it: a
    binary operator between them (``+`` and ``−`` spaced, as a sum reads, ``a*b`` tight), a
    unary operator in front (``-x``) or, with a parameter, behind (``x**2``), else a call
    (``tanh(n)``). Returns the text and its own binding strength."""
    if op.name == "powc":  # x**2: the exponent is a parameter, written as the card writes it
        (a, sa), = parts
        exponent = (params or {}).get("exponent", op.params["exponent"])
        return f"{_part(a, sa, _PRECEDENCE['**'] + 0.5)}**{_short(float(exponent))}", 4
    if op.operator and len(parts) == 2:
        p = _PRECEDENCE.get(op.operator, 2)
        sep = f" {op.symbol} " if op.operator in ("+", "-") else op.symbol
        # a**b**c groups to the right; a-(b-c) and a/(b*c) need their parentheses
        left = p + 0.5 if op.operator == "**" else p
        right = p if op.operator in ("+", "*") else p + 0.5
        (a, sa), (b, sb) = parts
        return f"{_part(a, sa, left)}{sep}{_part(b, sb, right)}", p
    if op.operator and len(parts) == 1:
        (a, sa), = parts
        if params:
            value = _short(next(iter(params.values())))
            return f"{_part(a, sa, ATOM)}{op.operator}{value}", _PRECEDENCE.get(op.operator, 4)
        return f"{op.operator}{_part(a, sa, UNARY)}", UNARY
    return f"{op.name}({', '.join(a for a, _ in parts)})", ATOM


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def shorten(text: str, limit: int = NAME_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _computed(op: Op, parts: list[tuple[str, float]], params: dict | None) -> tuple[str, float]:
    """The expression; too long, its longest input becomes "…" (``a*b + …``: the op still
    shows), then the text is cut."""
    text, strength = expression(op, parts, params)
    while len(text) > NAME_MAX and any(a != ELLIPSIS for a, _ in parts):
        # among the inputs still written out: an input named by one letter is as long as
        # "…", and picking it again would loop for ever (cross_entropy(z, t))
        longest = max((i for i, (a, _) in enumerate(parts) if a != ELLIPSIS),
                      key=lambda i: len(parts[i][0]))
        parts = [(ELLIPSIS, ATOM) if i == longest else x for i, x in enumerate(parts)]
        text, strength = expression(op, parts, params)
    if len(text) > NAME_MAX and not op.operator:  # "linear(…)", not "linear(…, ……"
        text = f"{op.name}({ELLIPSIS})"
    return shorten(text), strength


def names(doc: Any) -> dict[str, str]:
    """Every node's visible name (see the module's docstring); ``doc`` is a
    ``GraphDocument`` (not imported: the document imports this module)."""
    named = _all_named(doc)
    if named is not None:
        return named
    g = doc.graph
    out: dict[str, str] = {}
    strength: dict[str, float] = {}
    labels = {doc.label(n) for n in g.nodes}
    used: set[str] = set()
    taken = set(labels)  # used | labels, kept as it grows (a union per node is quadratic)
    tried: dict[str, int] = {}
    tried_taken: dict[str, int] = {}
    fresh = letters()  # taken only grows, so the next free letter is never behind this one
    try:
        order = list(nx.topological_sort(g))
    except nx.NetworkXUnfeasible:  # never kept by the document; be safe anyway
        order = list(g.nodes)
    for n in order:
        label = doc.label(n)
        strength[n] = ATOM
        if label:
            text = label
            if is_constant_label(label):
                out[n] = label  # constants may repeat: the number is the name
                continue
            # a name given twice (micrograd's ``c += 1``): the later node is c′, as on paper
            text = _primed(text, used, tried)
        elif doc.kind(n) == "value":
            text = next(x for x in fresh if x not in taken)
        else:
            op = OPS[doc.op_name(n)]
            parts = [(out[s], strength[s]) if s is not None else ("?", ATOM)
                     for s in doc.inputs(n)]
            text, strength[n] = _computed(op, parts, doc.params(n) or None)
            text = _primed(text, taken, tried_taken)
        out[n] = text
        used.add(text)
        taken.add(text)
    return out


def _all_named(doc: Any) -> dict[str, str] | None:
    """Every node's label, when every node has one and no name repeats (a constant's number
    may): then the walk below would give each node its label, in any order. A program's
    graph (the training network's 65,000 nodes) is named this way in 30 ms instead of the
    walk's 1.5 s (its topological sort is most of it). None when the walk is needed."""
    seen: set[str] = set()
    out: dict[str, str] = {}
    for n, attrs in doc._g._node.items():
        label = attrs["label"]
        if not label:
            return None
        if label in seen and not is_constant_label(label):
            return None
        seen.add(label)
        out[n] = label
    return out


def _marks(k: int) -> str:
    """The k-th mark: none, ′, ″, ‴, then ′4, ′5, ... (a row of 40 primes is unreadable)."""
    return ("", PRIME, "″", "‴")[k] if k < 4 else f"{PRIME}{k}"


def _primed(text: str, taken: set[str], tried: dict[str, int]) -> str:
    """``text``, else ``text′``, ``text″``, ``text‴``, then more primes. ``taken`` only grows
    during one ``names()`` pass, so the search for ``text`` resumes where it last stopped
    (``tried``): a graph whose 2,000 names all shorten to the same text stays linear."""
    k = tried.get(text, 0)
    while text + _marks(k) in taken:
        k += 1
    tried[text] = k
    return text + _marks(k)


def d(name: str) -> str:
    """The differential of a name: ``dL``, ``dx1``; ``d(loss)``, ``d(a*b)``, ``d(3)``. The
    output too long to write (``OUTPUT``) is ``d(output)``."""
    if name == OUTPUT:
        return "d(output)"
    return f"d{name}" if _SYMBOL.match(name) else f"d({name})"


def derivative(out: str, of: str) -> str:
    """How every text writes a derivative of one name by another: ``dL/da``,
    ``d(x*tanh(x + b))/d(node)``, ``dL/d(3)`` for a constant."""
    return f"{d(out)}/{d(of)}"


def in_words(doc: Any, node: str, instead: str | None = None) -> str:
    """A node's name for a sentence: the card's name, with a shortened one (``x*…``) written
    out in full when that takes at most ``TEXT_MAX`` characters; longer, ``instead`` (e.g.
    ``OUTPUT``) when given, else the card's name. A group or an id not in the graph: as
    ``doc.display_name`` says it."""
    shown = doc.display_name(node)
    if node not in doc or ELLIPSIS not in shown:
        return shown
    full = _full(doc, node, {}, 0)
    if full is not None:
        return full[0]
    return instead if instead is not None else shown


def _full(doc: Any, n: str, seen: dict[str, tuple[str, float] | None], depth: int
          ) -> tuple[str, float] | None:
    """The name ``names()`` would give ``n`` with no ``NAME_MAX`` (its primes kept), and its
    binding strength; None past ``TEXT_MAX``. An op's name is longer than each of its
    inputs', so a name ``depth`` unnamed ops above this one is at least ``depth`` characters
    longer: the walk stops ``TEXT_MAX`` deep and reads a few dozen nodes."""
    if n in seen:
        return seen[n]
    if depth > TEXT_MAX:
        return None
    shown = doc.display_name(n)
    if doc.label(n) or doc.kind(n) != "op":
        seen[n] = (shown, ATOM)
        return seen[n]
    op = OPS[doc.op_name(n)]
    params = doc.params(n) or None
    sources = doc.inputs(n)
    short = [(doc.display_name(s), _strength(doc, s)) if s is not None else ("?", ATOM)
             for s in sources]
    text, strength = _computed(op, short, params)
    # the prime names() gave it, kept only where a twin (the same op on the same inputs)
    # has the same whole name: "tanh(…)′" is primed for another "tanh(…)", not for its own
    mark = shown[len(text):] if shown.startswith(text) and _has_twin(doc, n, sources) else ""
    if ELLIPSIS not in text:
        seen[n] = (shown, strength)
        return seen[n]
    parts: list[tuple[str, float]] = []
    for s in sources:
        part = _full(doc, s, seen, depth + 1) if s is not None else ("?", ATOM)
        if part is None:
            return None
        parts.append(part)
    full, strength = expression(op, parts, params)
    full += mark
    seen[n] = (full, strength) if len(full) <= TEXT_MAX else None
    return seen[n]


def _has_twin(doc: Any, n: str, sources: list[str | None]) -> bool:
    """Whether another node applies ``n``'s op, with its parameters, to the same inputs."""
    first = next((s for s in sources if s is not None), None)
    if first is None:
        return True  # nothing wired to tell twins by: keep the card's prime
    op, params = doc.op_name(n), doc.params(n)
    return any(e.target != n and doc.op_name(e.target) == op
               and doc.inputs(e.target) == sources and doc.params(e.target) == params
               for e in doc.consumers(first))


def _strength(doc: Any, n: str) -> float:
    """How tightly ``n``'s name binds (``names()``'s: a label is an atom; an op's strength is
    its operator's, whatever its inputs)."""
    if doc.label(n) or doc.kind(n) != "op":
        return ATOM
    parts = [("x", ATOM)] * len(doc.inputs(n))
    return expression(OPS[doc.op_name(n)], parts, doc.params(n) or None)[1]
