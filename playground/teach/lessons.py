"""The lessons: each seed example of the lecture with a short card, in our own words.

A lesson opens a graph (a bundled example, or an expression) and shows its card next to the
canvas; ``tab`` says which teaching tool the card talks about. Every number on a card is
checked against the engine by the tests (tests/teach/test_lessons.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path
from playground.graph.expr import parse


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    card: str
    """The explanation card (plain text, a few sentences)."""
    example: str = ""
    """A bundled example's name ("lecture"), or empty when ``expression`` is given."""
    expression: str = ""
    """Text for the expression entry ("a = 2.0 ... L = d*f")."""
    tab: str = "steps"
    """Which teaching tool the card refers to: steps, check, wiggle, bug, expression."""
    focus: str = ""
    """The label of the node the card is about (selected when the lesson opens)."""

    def document(self) -> GraphDocument:
        """A fresh document with the lesson's graph."""
        if self.expression:
            return parse(self.expression)
        return io.load(example_path(self.example))


LECTURE_TEXT = """\
a = 2.0
b = -3.0
c = 10.0
e = a*b
d = e + c
f = -2.0
L = d*f
"""

LESSONS: list[Lesson] = [
    Lesson(
        "derivative",
        "1. The derivative is a slope",
        "f(x) = 3x² − 4x + 5 at x = 3 gives f = 20. Nudge x by a small h and measure how "
        "far f moves per unit of nudge: (f(3 + h) − f(3)) / h. With h = 0.001 that is "
        "14.003; the smaller h, the closer to 14, the derivative f'(x) = 6x − 4 at x = 3. "
        "Backward gets 14 exactly: it is x's grad.\n\n"
        "In the Gradient check tab, try h = 0.1 (too large: the curve bends within the step, "
        "14.3) and h = 1e-15 (too small: rounding eats the digits).",
        example="polynomial",
        tab="check",
        focus="x",
    ),
    Lesson(
        "partial",
        "2. Partial derivatives: x·y + z",
        "f(x, y, z) = x·y + z has one derivative per input, each taken while the other "
        "inputs stay put. With x = 2, y = −3, z = 10: df/dx = y = −3, df/dy = x = 2, "
        "df/dz = 1. Press Backward (Ctrl+B) and read them as the grads of x, y and z. "
        "Wiggle x in the Wiggle tab: f moves −3 times as much as x.",
        example="xy_plus_z",
        tab="wiggle",
        focus="x",
    ),
    Lesson(
        "chain",
        "3. The chain rule: L = (a·b + c)·f",
        "A car is twice as fast as a bike, the bike four times as fast as a walking man: "
        "the car is 2 × 4 = 8 times as fast as the man. Rates of change multiply along a "
        "path in the same way. Here L = −8, dL/dd = f = −2 and dd/de = 1, so "
        "dL/de = −2 · 1 = −2; then de/da = b = −3, so dL/da = −2 · −3 = 6.\n\n"
        "Press Step Backward (F7) to walk from L back to a, one node at a time.",
        example="lecture",
        tab="steps",
        focus="a",
    ),
    Lesson(
        "plus_times",
        "4. + routes the gradient, * swaps the operands",
        "A + node hands its gradient to both inputs unchanged (its local derivative is 1): "
        "in d = e + c, dL/de = dL/dc = dL/dd = −2. A * node swaps: in e = a·b, a gets b "
        "times e's gradient and b gets a times it: dL/da = −3 · −2 = 6, dL/db = 2 · −2 = −4.\n\n"
        "This graph was typed in the Expression tab: edit the text and press Build.",
        expression=LECTURE_TEXT,
        tab="expression",
        focus="e",
    ),
    Lesson(
        "a_plus_a",
        "5. The a + a bug",
        "b = a + a uses a twice, so two gradients flow back into a: 1 along each wire. "
        "They must add up: b = 2a, so db/da = 2. A backward that assigns "
        "(a.grad = 1 · b.grad) instead of adding (a.grad += 1 · b.grad) writes the second 1 "
        "over the first and says 1.\n\n"
        "Switch the bug on in the Accumulation bug tab, then open "
        "d = a*b; e = a + b; f = d*e from the same tab.",
        example="a_plus_a",
        tab="bug",
        focus="a",
    ),
    Lesson(
        "neuron",
        "6. A neuron with tanh",
        "o = tanh(x1·w1 + x2·w2 + b). tanh squashes n = 0.8814 to o = 0.7071, and its "
        "local derivative is 1 − o² = 0.5, so n's grad is 0.5; + passes 0.5 on to b and to "
        "both products. Then * swaps: w1 gets x1 · 0.5 = 1.0, x1 gets w1 · 0.5 = −1.5, and "
        "w2 gets x2 · 0.5 = 0: an input of 0 keeps its weight from learning.",
        example="neuron",
        tab="steps",
        focus="n",
    ),
]


def lesson(key: str) -> Lesson:
    for item in LESSONS:
        if item.key == key:
            return item
    raise KeyError(f"no lesson {key!r}")
