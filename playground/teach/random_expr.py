"""Random expressions to practise backprop on: ``random_expression(difficulty, seed)``.

A ``Difficulty`` says which ops may appear, how deep the graph is (the most ops on a path from
a leaf to the output, exactly), and whether a node is reused (feeds two wires, as a in
``b = a + a``: its grad is a sum) or the graph is a tree. The text is one op per line, named
by letters as in the lecture (``e = a*b``, ``d = e + c``, ``L = d*f``), so the hints name the
nodes the way the learner reads them. Leaves are small halves and integers (never 0), so the
+, − and × graphs have short exact grads.

The same seed gives the same text. Every graph it gives evaluates finite, data and grads, and
every number is at most ``LIMIT`` in size: a draw that fails is drawn again from the same
random stream (seeded, so still the same result for the same seed). Headless: no Qt.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.graph.expr import parse

TEMPLATES = {
    "add": "{} + {}",
    "sub": "{} - {}",
    "mul": "{}*{}",
    "div": "{}/{}",
    "pow": "{}**2",
    "tanh": "{}.tanh()",
    "exp": "{}.exp()",
    "relu": "{}.relu()",
}
"""How each op the generator uses is written (op table names); pow squares (x**2)."""
UNARY = {"pow", "tanh", "exp", "relu"}
LEAVES = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0)
LIMIT = 1000.0
"""No data or grad larger than this: sums a learner can do by hand."""
MAX_DEPTH = 5
ATTEMPTS = 500

OP_SETS: dict[str, tuple[str, ...]] = {
    "+ and ×": ("add", "mul"),
    "+ − × ÷": ("add", "sub", "mul", "div"),
    "all: + − × ÷ ** tanh exp relu": ("add", "sub", "mul", "div", "pow", "tanh", "exp", "relu"),
}
"""The op choices the Practice tab offers, by what they read as."""


class DifficultyError(ValueError):
    """A difficulty no expression can meet (the message says why)."""


@dataclass(frozen=True)
class Difficulty:
    ops: tuple[str, ...] = ("add", "mul")
    depth: int = 2
    reuse: bool = False

    def check(self) -> None:
        unknown = [o for o in self.ops if o not in TEMPLATES]
        if not self.ops or unknown:
            raise DifficultyError(
                f"choose ops among {', '.join(TEMPLATES)}" + (f" (not {unknown[0]})"
                                                              if unknown else ""))
        if not 1 <= self.depth <= MAX_DEPTH:
            raise DifficultyError(f"the depth goes from 1 to {MAX_DEPTH}")
        if self.reuse and all(o in UNARY for o in self.ops):
            raise DifficultyError("a node is reused only by a two-input op: add + or ×")


def random_expression(difficulty: Difficulty, seed: int) -> str:
    """The text of a random graph meeting ``difficulty`` (same seed, same text)."""
    difficulty.check()
    rng = random.Random(seed)
    for _ in range(ATTEMPTS):
        draw = _Draw(rng, difficulty)
        text = draw.text()
        if draw.reused != difficulty.reuse or draw.degenerate:
            continue
        if _fine(parse(text)):
            return text
    raise DifficultyError("no expression with finite numbers found: try other ops")


def random_document(difficulty: Difficulty, seed: int) -> GraphDocument:
    """``random_expression``'s graph, laid out."""
    return parse(random_expression(difficulty, seed))


def _fine(doc: GraphDocument) -> bool:
    """Finite and modest numbers; no relu at its kink (0: its slope is a convention there);
    some leaf with a grad that is not 0 (a relu that is off everywhere teaches nothing new)."""
    ev = evaluate(doc, backward=True)
    if ev.problems or not ev.backward:
        return False
    for r in ev.results.values():
        for x in (r.data, r.grad):
            if x is None or not math.isfinite(x) or abs(x) > LIMIT:
                return False
    for n in doc.node_ids():
        relu = doc.kind(n) == "op" and doc.op_name(n) == "relu"
        if relu and ev.results[doc.inputs(n)[0]].data == 0:
            return False
    leaves = [n for n in doc.node_ids() if doc.kind(n) == "value"]
    return any(ev.results[n].grad != 0 for n in leaves)


class _Draw:
    """One random graph, built output-down, written leaves-up."""

    def __init__(self, rng: random.Random, difficulty: Difficulty) -> None:
        self.rng = rng
        self.d = difficulty
        self.lines: list[str] = []
        self.depth_of: dict[str, int] = {}
        self.reused = False
        self.degenerate = False
        self._letters = iter(_names())
        self.out = self.node(difficulty.depth, "L")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def node(self, depth: int, name: str | None = None) -> str:
        """A node whose longest path of ops from a leaf is exactly ``depth``."""
        rng = self.rng
        if self.d.reuse and name is None and rng.random() < 0.5:
            same = [n for n, k in self.depth_of.items() if k == depth]
            if same:
                self.reused = True
                return rng.choice(same)
        if depth == 0:
            me = next(self._letters)
            value = rng.choice(LEAVES)
            self.lines.append(f"{me} = {value}")
            self.depth_of[me] = 0
            return me
        op = rng.choice(self.d.ops)
        if op in UNARY:
            args = [self.node(depth - 1)]
        else:
            deep = rng.randrange(2)
            other = rng.randrange(depth)  # 0 .. depth-1: the other side may be shallower
            args = [self.node(depth - 1 if i == deep else other) for i in range(2)]
            if args[0] == args[1]:
                self.reused = True  # b = a + a
                if op in ("sub", "div"):
                    self.degenerate = True  # a − a = 0, a / a = 1: nothing to learn
        me = name or next(self._letters)
        self.lines.append(f"{me} = {TEMPLATES[op].format(*args)}")
        self.depth_of[me] = depth
        return me


def _names():
    """a, b, ..., z (L is the output's), then a2, b2, ..."""
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz"]
    yield from letters
    k = 2
    while True:
        for c in letters:
            yield f"{c}{k}"
        k += 1
