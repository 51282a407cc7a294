"""Issue 14 §2: every text names a node as its card does, never by an internal id.

Opens every bundled example and every lesson, steps through forward and backward with the
step buttons, runs the gradient check and a wiggle, selects each node for the inspector, and
collects what the window says (step titles and text, status bar, inspector, check table and
summary, wiggle list and readout, card labels) and the names the exports show (DOT records,
the names the Python and PyTorch scripts print). An internal id (``sub7``, ``mul4``) may appear
in none of it as a word, unless it is also some node's displayed name."""

from __future__ import annotations

import ast
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from playground.graph.examples import list_examples
from playground.graph.export import to_dot, to_python, to_torch
from playground.teach import LESSONS
from tests.ui.teach_helpers import click, open_example, teach_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def _texts_of_a_walk(w) -> list[str]:
    texts: list[str] = []
    doc = w.doc
    for n in doc.node_ids():  # the inspector on each node, and its card
        w.scene.set_scope(doc.group_of(n))  # a node in a group shows when it is open
        w.scene.select_nodes([n])
        texts += [lab.text() for lab in w.inspector.findChildren(QLabel) if lab.isVisible()]
        texts.append(w.scene.node_item(n).label)
    w.scene.set_scope(None)
    steps = w.teaching.steps
    w.teaching.show_tab("steps")
    for button in ("step_forward", "step_backward"):
        for _ in range(len(doc) + 1):
            QTest.mouseClick(steps.buttons[button], Qt.MouseButton.LeftButton)
            texts += [steps.title.text(), steps.text.toPlainText(),
                      w.statusBar().currentMessage()]
    click(steps.buttons["step_reset"])
    w.teaching.show_tab("check")
    check = w.teaching.panels["check"]
    click(check.run_button)
    texts.append(check.summary.text())
    texts += [check.table.item(r, 0).text() for r in range(check.table.rowCount())]
    texts.append(check.sweep_title.text())
    w.teaching.show_tab("wiggle")
    wiggle = w.teaching.panels["wiggle"]
    for i in range(wiggle.leaf.count()):
        wiggle.leaf.setCurrentIndex(i)
        wiggle.slider.setFocus()
        QTest.keyClick(wiggle.slider, Qt.Key.Key_PageUp)
        texts += [wiggle.leaf.itemText(i), wiggle.readout.text()]
        click(wiggle.reset_button)
    texts.append(w.statusBar().currentMessage())
    return texts + _export_texts(doc)


def _export_texts(doc) -> list[str]:
    """The names the exports show a reader: the DOT records' labels and the names the
    Python and PyTorch scripts print (their variables and graphviz's node ids are code)."""
    texts = re.findall(r'label="\{ (.*?) \|', to_dot(doc))
    for code in (to_python(doc), to_torch(doc)):
        shown = re.findall(r"^show\(('.*?'), (?:\w+|nodes\['\w+'\])\)$", code, re.M)
        texts += [ast.literal_eval(m) for m in shown]
    assert len(texts) == 3 * len(doc)
    return texts


def _assert_no_id(w, texts: list[str], where: str) -> None:
    doc = w.doc
    shown = {doc.display_name(n) for n in doc.node_ids()}
    for n in doc.node_ids():
        w.scene.set_scope(doc.group_of(n))
        assert w.scene.node_item(n).label == doc.display_name(n), (where, n)
    w.scene.set_scope(None)
    hidden = [n for n in doc.node_ids() if n not in shown]
    for text in texts:
        for n in hidden:
            assert not re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", text), (where, n, text)


@pytest.mark.parametrize("name", [e.name for e in list_examples()])
def test_every_example_names_nodes_as_the_canvas_shows_them(window, name):
    w = window
    open_example(w, name)
    # the example's own description is prose written by hand ("d e²/d2" means d by the 2)
    prose = next(e.description for e in list_examples() if e.name == name)
    texts = [t.replace(prose, "") for t in _texts_of_a_walk(w)]
    assert len(texts) > 10
    _assert_no_id(w, texts, name)


@pytest.mark.parametrize("key", [x.key for x in LESSONS])
def test_every_lesson_names_nodes_as_the_canvas_shows_them(window, key):
    w = window
    assert w.teaching.open_lesson(key)
    texts = [w.teaching.card.findChild(QLabel).text()] if w.teaching.card.findChild(QLabel) else []
    texts += _texts_of_a_walk(w)
    _assert_no_id(w, texts, key)


def test_the_polynomial_steps_say_the_names_not_sub7(window):
    # issue 14: "df/dsub7 · dsub7/d(4*x) … because sub7 = mul4 − (4*x)"
    w = window
    open_example(w, "polynomial")
    texts = " ".join(_texts_of_a_walk(w))
    assert "sub7" not in texts and "mul4" not in texts
    assert "df/d(3*x**2 − 4*x)" in texts


def test_an_unnamed_divide_starts_backward_with_its_name(window):
    # issue 14: "Backward starts here: d//d/ = 1"
    w = window
    w.expression_entry = w.teaching.panels["expression"]
    from playground.graph.expr import parse

    doc = parse("a = 6.0\nb = 3.0\na/b")
    w.files.install(doc, None, "divide")
    steps = w.teaching.steps
    w.teaching.show_tab("steps")
    QTest.mouseClick(steps.buttons["step_backward"], Qt.MouseButton.LeftButton)
    text = steps.text.toPlainText()
    assert "d(a/b)/d(a/b) = 1" in text and "d//d/" not in text
