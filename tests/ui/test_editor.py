"""The editor: every edit one undo step behind one refusal guard; a refusal changes nothing."""

from __future__ import annotations

import pytest

from playground.graph.document import GraphDocument
from playground.ui.editor import Editor
from tests.ui.canvas_helpers import lecture_doc


@pytest.fixture
def editor(qapp) -> Editor:
    return Editor(lecture_doc())


def refusals(editor: Editor) -> list[str]:
    said: list[str] = []
    editor.refused.connect(said.append)
    return said


def test_a_wire_that_would_make_a_cycle_is_refused_in_words_and_nothing_changes(editor):
    said = refusals(editor)
    before = editor.doc.to_data()
    assert editor.connect("L", "e", 0) is False
    assert editor.doc.to_data() == before
    assert editor.stack.count() == 0
    assert said == [editor.last_refusal] and "cycle" in said[0]


def test_moving_a_wire_is_one_undo_step_that_undo_takes_back(editor):
    doc = editor.doc
    before = doc.to_data()
    assert editor.move_wire(("a", "e", 0), ("a", "d", 1))  # a replaces c in d's right slot
    assert doc.input_of("e", 0) is None and doc.input_of("d", 1) == "a"
    assert editor.stack.count() == 1
    assert editor.stack.undoText() == "Move wire a → d (slot 1: right)"
    editor.stack.undo()
    assert doc.to_data() == before


def test_moving_a_wire_into_a_cycle_leaves_the_old_wire_in_place(editor):
    doc = editor.doc
    before = doc.to_data()
    said = refusals(editor)
    assert editor.move_wire(("d", "L", 0), ("d", "e", 0)) is False  # e feeds d: a cycle
    assert doc.to_data() == before and doc.input_of("L", 0) == "d"
    assert editor.stack.count() == 0 and not editor.stack.canRedo()
    assert said and "cycle" in said[0]


def test_replacing_the_document_is_undone_exactly(editor):
    doc = editor.doc
    before = doc.to_data()
    other = GraphDocument()
    other.add_node("value", label="x", value=3.0, node_id="x")
    assert editor.replace_document(other, "Build x")
    assert doc.to_data() == other.to_data()
    assert editor.last_command().text() == "Build x"
    assert not editor.last_command().recovery
    editor.stack.undo()
    assert doc.to_data() == before
    editor.stack.redo()
    assert doc.to_data() == other.to_data()


def test_a_bad_parameter_is_refused_while_the_command_is_built(qapp):
    doc = GraphDocument()
    doc.add_node("op", op="sum", node_id="s")
    editor = Editor(doc)
    said = refusals(editor)
    assert editor.set_params("s", {"axis": "sideways"}) is False
    assert editor.stack.count() == 0 and said and said[0] == editor.last_refusal


def test_paste_returns_the_new_ids_and_is_one_step(editor):
    from playground.graph.clipboard import copy_nodes

    data = copy_nodes(editor.doc, ["a", "b", "e"])
    new = editor.paste(data, (40.0, 40.0))
    assert new is not None and len(new) == 3 and not set(new) & {"a", "b", "e"}
    assert editor.stack.count() == 1
    editor.stack.undo()
    assert all(n not in editor.doc for n in new)
