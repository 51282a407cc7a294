"""PasteNodes with groups: one undo step that puts the document back exactly, pasting into
the scope it is given; a scope that is no group is refused up front."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from playground.graph.clipboard import copy_nodes
from playground.graph.document import GraphError
from playground.ui import commands as C
from tests.graph.test_clipboard_groups import grouped
from tests.ui.test_commands import check_undo_redo


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def test_pasting_groups_undoes_and_redoes_exactly(stack: QUndoStack) -> None:
    d, ids, tanh, ratio = grouped()
    data = copy_nodes(d, [tanh, ids["n"]])
    check_undo_redo(stack, d, C.PasteNodes(d, data))
    command = C.PasteNodes(d, data, group=ratio, verb="Duplicate")
    assert command.text() == "Duplicate 8 nodes"
    check_undo_redo(stack, d, command)
    pasted = [g for g in command.new_ids.values() if d.is_group(g)]
    assert len(pasted) == 2 and d.group_of(command.new_ids[tanh]) == ratio
    stack.undo()
    assert not any(d.is_group(g) for g in pasted)


def test_a_paste_into_no_group_is_refused_before_anything_changes(stack: QUndoStack) -> None:
    d, _ids, tanh, _ = grouped()
    with pytest.raises(GraphError, match="no group 'zz' to paste into"):
        C.PasteNodes(d, copy_nodes(d, [tanh]), group="zz")
