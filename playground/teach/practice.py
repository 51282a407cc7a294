"""Practice: the learner types every node's grad, output first, and the app checks each one.

``PracticeSession(doc)`` asks for the grads in reversed topological order (the order Backward
finishes them, ``backward_steps``), so the grads a node's chain rule needs are always answered
before it is asked. ``answer(text)`` returns a ``Verdict``:

- right: the answer agrees with the grad to 4 decimals (the digits the canvas shows); the
  session moves on to the next node;
- close: off in the 4th decimal only (worked from the canvas's rounded numbers): no penalty,
  the learner is told to use more digits;
- wrong: a hint that grows with each wrong try on the same node: first the chain rule with the
  known grads filled in (``dL/da = dL/de · de/da = -2.0000 · ?``), then the local derivative
  (``de/da = b = -3.0000``), then the answer;
- not a number: what to type instead (never an exception).

With groups, practice asks one level at a time: the level the canvas shows (``scope``; see
``practice_levels``): a group card is asked as its output, its inside when it is opened
(``at``), and answers are kept across levels. ``done`` is every grad of every level found;
``level_done`` those of the level on show.

The score counts the nodes answered right at the first try. Constants of an expression (the 2
of ``2*a``, labelled by their value) are not asked: nothing learns them, and a learner expects
to practise the graph's named nodes. Names are the canvas's (``teach.text.name``), numbers are
written as the canvas writes them (``graph.numbers.summary``). Headless: no Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from playground.graph.document import GraphDocument
from playground.graph.evaluate import Evaluation
from playground.graph.expr import constant_label
from playground.graph.numbers import summary
from playground.teach.practice_hints import card_line, grads, group_hint, local_line, term
from playground.teach.practice_levels import elsewhere, level_items
from playground.teach.practice_question import TOLERANCE, Question
from playground.teach.steps import TeachError, _ready, backward_steps
from playground.teach.text import d, name, output_name

CLOSE = 1e-3
"""Off by less than this (or this share of the grad), an answer is close, not wrong: the
canvas shows 4 decimals, and a chain worked from rounded numbers drifts in the last one."""
MAX_TEXT = 60
"""Longer text is not a number anyone typed on purpose."""

Kind = Literal["right", "close", "wrong", "not a number", "done"]
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_WORDS = {"nan": math.nan, "inf": math.inf, "+inf": math.inf, "-inf": -math.inf}


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    message: str
    """One sentence for the learner."""
    hint: tuple[str, ...] = ()
    """Lines of the hint (the main equation first), empty when none is due."""
    value: float | None = None
    """The number read from the answer, if any."""


def parse_answer(text: str) -> float | str:
    """The number in ``text`` (``-2``, ``−2.5``, ``0,5``, ``1e-3``, ``3/4``), or why it is
    not one, in words."""
    raw = text.strip()
    if not raw:
        return "Type a number first, then press Enter."
    if len(raw) > MAX_TEXT:
        return "That is not a number: type the grad alone, like -2 or 0.5."
    t = raw.replace("−", "-").replace("–", "-").replace(" ", "")
    if "," in t and "." not in t and t.count(",") == 1:
        t = t.replace(",", ".")  # a decimal comma
    if t.lower() in _WORDS:
        return _WORDS[t.lower()]
    if "/" in t and t.count("/") == 1:
        top, bottom = t.split("/")
        if _NUMBER.match(top) and _NUMBER.match(bottom):
            if float(bottom) == 0:
                return f"{raw} divides by zero: type a number, like -2 or 0.5."
            return float(top) / float(bottom)
    if _NUMBER.match(t):
        return float(t)
    return f"“{raw}” is not a number: type the grad as a number, like -2, 0.5 or 3/4."


def agrees(answer: float, expected: float, tolerance: float = TOLERANCE) -> bool:
    """Right to 4 decimals, within ``tolerance`` (or, for a number the canvas writes in
    scientific notation, to its 4 significant digits); nan and inf must match exactly."""
    if not math.isfinite(expected) or not math.isfinite(answer):
        return (math.isnan(expected) and math.isnan(answer)) or answer == expected
    if abs(answer - expected) <= tolerance + 1e-12:
        return True
    return summary(answer) == summary(expected)


def is_constant(doc: GraphDocument, node: str) -> bool:
    """A constant of an expression: a value node labelled by its own value (the 2 of 2*a)."""
    if doc.kind(node) != "value":
        return False
    value = doc.value(node)
    return not isinstance(value, list) and doc.label(node) == constant_label(value)


@dataclass
class PracticeSession:
    """See the module docstring. ``evaluation``: the document's backward evaluation, if the
    caller has it (else it is computed); ``scope``: the level of the groups to ask at first
    (None: the top)."""

    doc: GraphDocument
    evaluation: Evaluation | None = None
    scope: str | None = None
    questions: list[Question] = field(init=False)
    """The questions of the level on show, in the order asked."""
    every: dict[str, Question] = field(init=False)
    """Every node practice asks, at any level (by node, in backward order)."""
    problem: str | None = field(init=False, default=None)
    """Why the level on show has nothing to ask (a grouping makes a loop there), or None."""
    tries: dict[str, int] = field(init=False, default_factory=dict)
    """node -> wrong answers so far."""
    first_try: set[str] = field(init=False, default_factory=set)
    """Nodes answered right at the first try (close answers do not count as tries)."""
    answered: list[str] = field(init=False, default_factory=list)
    """Nodes answered right, at any level, in the order answered."""

    def __post_init__(self) -> None:
        self.evaluation = _ready(self.doc, self.evaluation, backward=True)
        steps = backward_steps(self.doc, self.evaluation)  # raises TeachError, in words
        if steps and not all(isinstance(s.value, float | int) for s in steps):
            raise TeachError("practice works on graphs of numbers, and this one has tensors")
        out = self.out_name = output_name(self.doc, steps[0].node) if steps else ""
        self.every = {
            s.node: Question(s.node, name(self.doc, s.node), d(out, name(self.doc, s.node)),
                             float(s.value), i == 0, s.contributions)
            for i, s in enumerate(steps) if i == 0 or not is_constant(self.doc, s.node)
        }
        if not self.every:
            raise TeachError("there is no grad to practise on this graph")
        self._done: set[str] = set()
        self._levels: dict[str | None, list[Question]] = {}
        self.at(self.scope)

    # --- levels ---------------------------------------------------------------------------

    def at(self, scope: str | None) -> None:
        """Ask at ``scope`` now (the canvas opened a group or went up): its questions, the
        answers kept. A level that cannot be ordered asks nothing and says why (``problem``)."""
        self.scope = scope
        self.problem = None
        if scope not in self._levels:
            try:
                self._levels[scope] = self._level(scope)
            except TeachError as exc:
                self.problem = str(exc)
                self.questions = []
                return
        self.questions = self._levels[scope]

    def regroup(self) -> None:
        """The groups changed (never a number): every level is worked out again when shown."""
        self._levels.clear()

    def _level(self, scope: str | None) -> list[Question]:
        if scope is None and not self.doc.groups():
            return list(self.every.values())  # the flat graph: backward_steps' own questions
        assert self.evaluation is not None
        return [replace(self.every[i.node], contributions=i.here, card=i.card,
                        outside=i.outside, scope=scope)
                for i in level_items(self.doc, self.evaluation, scope, self.every)]

    def elsewhere(self) -> tuple[int, dict[str, int]]:
        """The grads still to find outside the level on show: how many above it, and how
        many inside each group card on it (``practice_levels.elsewhere``)."""
        return elsewhere(self.doc, self.scope, [n for n in self.every if n not in self._done])

    # --- where we are ---------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Every grad practice asks, at every level."""
        return len(self.every)

    @property
    def score(self) -> int:
        return len(self.first_try)

    @property
    def done(self) -> bool:
        """Every grad of every level found."""
        return len(self._done) >= len(self.every)

    @property
    def level_done(self) -> bool:
        return self.current is None

    @property
    def index(self) -> int:
        """How many of the level's questions are answered (the current one's place)."""
        return sum(1 for q in self.questions if q.node in self._done)

    @property
    def current(self) -> Question | None:
        return next((q for q in self.questions if q.node not in self._done), None)

    def known(self) -> set[str]:
        """The nodes whose grads may be shown: answered, or every one once all are."""
        if self.done:
            return {s for s in self.doc.node_ids()}
        return set(self.answered)

    def missed(self) -> list[str]:
        """Names of the nodes that took more than one try, in the order answered."""
        return [self.every[n].name for n in self.answered if n not in self.first_try]

    # --- answering ------------------------------------------------------------------------

    def answer(self, text: str) -> Verdict:
        q = self.current
        if q is None:
            return Verdict("done", self.summary() if self.done else self.level_summary())
        value = parse_answer(text)
        if isinstance(value, str):
            return Verdict("not a number", value, (f"{q.prompt} = ?",))
        if agrees(value, q.expected, q.tolerance):
            if self.tries.get(q.node, 0) == 0:
                self.first_try.add(q.node)
            self.answered.append(q.node)
            self._done.add(q.node)
            return Verdict("right", f"Right: {q.prompt} = {summary(q.expected)}.", value=value)
        if _close(value, q.expected):
            return Verdict(
                "close",
                f"Close: {summary(value)} is off in the 4th decimal. Work with more digits "
                "(select a node: the inspector shows its numbers in full).",
                value=value,
            )
        tries = self.tries[q.node] = self.tries.get(q.node, 0) + 1
        return Verdict("wrong", f"Not {summary(value)}. Try again:", self.hint(q, tries), value)

    def hint(self, q: Question, level: int) -> tuple[str, ...]:
        """The chain rule for ``q`` with the known numbers filled in; ``level`` 2 adds the
        local derivatives, 3 and up the answer."""
        if q.output:
            lines = [f"{q.prompt} = ?",
                     f"{q.name} is the output: nudge it by h and it moves by h."]
            if q.card is not None:
                lines.append(card_line(self.doc, q))
            if level >= 2:
                lines.append(f"So {q.prompt} = 1.")
            return tuple(lines)
        if q.grouped:
            return group_hint(self.doc, self.out_name, q, level)
        doc = self.doc
        out = self.out_name
        cs = q.contributions
        unknown = " + ".join(f"{summary(c.upstream)} · ?" for c in cs)
        if len(cs) == 1 and name(doc, cs[0].consumer) == out:
            # dL/dL = 1 times the local derivative: "dL/dd = dL/dL · dL/dd" would read as
            # circular, so the hint asks for the local derivative straight away
            lines = [f"{q.prompt} = ?"]
        elif any(name(doc, c.consumer) == out for c in cs):
            lines = [f"{q.prompt} = {unknown}"]  # (L = d*d): no circular dL/dd on the right
        else:
            terms = [term(doc, out, c, cs) for c in cs]
            lines = [f"{q.prompt} = {' + '.join(terms)} = {unknown}"]
        if len(cs) > 1:
            lines.append(f"{q.name} feeds {len(cs)} wires: what flows back along each one "
                         "adds up.")
        for c in cs:
            lines.append(local_line(doc, q.name, c, reveal=level >= 2))
        if level >= 3 and len(cs) == 1 and name(doc, cs[0].consumer) == out:
            lines.append(f"So {q.prompt} = {summary(q.expected)}.")
        elif level >= 3:
            products = " + ".join(
                f"{summary(c.upstream)} · {summary(c.local)}" for c in cs if c.local is not None)
            lines.append(f"So {q.prompt} = {products} = {summary(q.expected)}.")
        return tuple(lines)

    def level_summary(self) -> str:
        """Where the grads still to find are, once the level on show has none left."""
        doc = self.doc
        here = "inside " + name(doc, self.scope) if self.scope is not None else "at this level"
        if self.problem is not None:
            head = f"Nothing to practise here: {self.problem}."
        elif not self.questions:
            head = f"Nothing to practise {here}: nothing in it feeds {self.out_name}."
        else:
            head = f"Every grad {here} is found."
        above, inside = self.elsewhere()
        parts = [f"open {name(doc, g)} (double-click its card) for {_the(k)} inside it"
                 for g, k in inside.items()]
        if above:
            parts.append(f"go back up (Alt+Up, or the bar over the canvas) for {grads(above)} "
                         "more")
        return head + (" Next: " + "; or ".join(parts) + "." if parts else "")

    def summary(self) -> str:
        """The score in words."""
        text = f"Score: {self.score} of {self.total} right at the first try"
        missed = self.missed()
        if self.done and not missed:
            return text + ". Every grad right: well done!"
        if missed:
            text += f"; {', '.join(missed)} needed more than one"
        return text + "."


def _close(answer: float, expected: float) -> bool:
    if not (math.isfinite(answer) and math.isfinite(expected)):
        return False
    return abs(answer - expected) <= max(CLOSE, CLOSE * abs(expected))


def _the(k: int) -> str:
    """``the grad`` or ``the 4 grads``."""
    return "the grad" if k == 1 else f"the {k} grads"
