"""A sentence writes a node's name out in full, and every derivative one way (UX review 1)."""

from __future__ import annotations

import pytest

from playground.graph import names
from playground.graph.document import GraphDocument
from playground.graph.expr import parse


def _review_graph() -> tuple[GraphDocument, str]:
    """The review's graph: y = x*tanh(x + b) with the product left unnamed."""
    doc = parse("x = 3.0\nb = 1.0\ny = x*(x + b).tanh()")
    y = next(n for n in doc.node_ids() if doc.label(n) == "y")
    doc.set_label(y, "")
    return doc, y


def test_a_shortened_card_name_is_written_out_in_full_in_a_sentence() -> None:
    doc, y = _review_graph()
    assert doc.display_name(y) == "x*…"  # the card is short of room
    assert names.in_words(doc, y) == "x*tanh(x + b)"
    assert names.derivative(names.in_words(doc, y), "node") == "d(x*tanh(x + b))/d(node)"


@pytest.mark.parametrize(("out", "of", "text"), [
    ("L", "a", "dL/da"),
    ("o", "x1", "do/dx1"),            # a letter and its index read as one symbol
    ("L", "a′", "dL/da′"),
    ("both", "o_exp", "d(both)/d(o_exp)"),  # "dboth/do_exp" reads as words
    ("f", "3", "df/d(3)"),            # "df/d3" would read as a name d3
    ("f", "-4", "df/d(-4)"),
    ("x*tanh(x + b)", "x", "d(x*tanh(x + b))/dx"),
    (names.OUTPUT, "node", "d(output)/d(node)"),
])
def test_every_derivative_is_written_one_way(out: str, of: str, text: str) -> None:
    assert names.derivative(out, of) == text


def test_a_second_node_with_the_same_long_name_keeps_its_prime_in_full() -> None:
    doc, y = _review_graph()
    x, t = (next(n for n in doc.node_ids() if doc.display_name(n) == s)
            for s in ("x", "tanh(x + b)"))
    twin = doc.add_node("op", op="mul")
    doc.connect(x, twin, 0)
    doc.connect(t, twin, 1)
    assert doc.display_name(twin) == "x*…′"
    assert names.in_words(doc, y) == "x*tanh(x + b)"
    assert names.in_words(doc, twin) == "x*tanh(x + b)′"


def test_a_name_too_long_for_a_sentence_gives_the_words_asked_for_or_the_cards_name() -> None:
    doc = GraphDocument()
    prev = doc.add_node("value", label="x", value=1.0)
    for _ in range(30):  # tanh(tanh(tanh(...))): far past TEXT_MAX
        n = doc.add_node("op", op="tanh")
        doc.connect(prev, n, 0)
        prev = n
    assert names.in_words(doc, prev, names.OUTPUT) == names.OUTPUT
    assert names.in_words(doc, prev) == doc.display_name(prev)


def test_a_very_deep_unnamed_chain_is_named_without_walking_all_of_it() -> None:
    doc = GraphDocument()
    prev = doc.add_node("value", label="x", value=1.0)
    for _ in range(5000):  # deeper than Python's recursion limit
        n = doc.add_node("op", op="neg")
        doc.connect(prev, n, 0)
        prev = n
    assert names.in_words(doc, prev, names.OUTPUT) == names.OUTPUT


def test_a_labelled_node_and_a_short_name_are_the_cards_own() -> None:
    doc, y = _review_graph()
    for n in doc.node_ids():
        if n != y:
            assert names.in_words(doc, n) == doc.display_name(n)


def test_a_prime_the_card_needs_only_for_its_short_name_is_not_written_in_full() -> None:
    doc, y = _review_graph()
    prev = y
    for _ in range(3):  # tanh(x*…), then tanh(…) and tanh(…)′ on the cards
        n = doc.add_node("op", op="tanh")
        doc.connect(prev, n, 0)
        prev = n
    assert doc.display_name(prev) == "tanh(…)′"
    assert names.in_words(doc, prev) == "tanh(tanh(tanh(x*tanh(x + b))))"
