"""Undo commands: readable names, and undo/redo puts ``doc.to_data()`` back exactly."""

from __future__ import annotations

import json
import random

import pytest
from PySide6.QtGui import QUndoStack

from playground.graph.clipboard import copy_nodes
from playground.graph.document import GraphDocument, GraphError
from playground.ops import OPS
from playground.ui import commands as C
from tests.ui.canvas_helpers import lecture_doc


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def check_undo_redo(stack: QUndoStack, doc: GraphDocument, command) -> None:
    before = doc.to_data()
    stack.push(command)
    after = doc.to_data()
    stack.undo()
    assert doc.to_data() == before
    stack.redo()
    assert doc.to_data() == after


def test_names_are_readable(stack: QUndoStack) -> None:
    doc = lecture_doc()
    assert C.AddNode(doc, "op", "tanh").text() == "Add tanh"
    assert C.AddNode(doc, "op", "mul").text() == "Add * (mul)"
    assert C.AddNode(doc, "value", label="x").text() == "Add value x"
    assert C.Disconnect(doc, "e", 0).text() == "Disconnect a → e (left input)"
    assert C.Connect(doc, "c", "e", 0).text() == "Connect c → e (left input), replacing a"
    assert C.MoveNodes(doc, {"a": ((0, 0), (1, 1)), "b": ((0, 0), (1, 1)),
                             "c": ((0, 0), (1, 1))}).text() == "Move 3 nodes"
    assert C.SetValue(doc, "a", 3.0).text() == "Edit value of a"
    assert C.SetLabel(doc, "a", "x").text() == "Rename a to x"
    assert C.DeleteItems(doc, ["a", "b"]).text() == "Delete 2 nodes"
    assert C.SetOutput(doc, "L").text() == "Mark L as output"
    assert C.AutoLayout(doc).text() == "Auto layout"
    data = copy_nodes(doc, ["a", "b", "e"])
    assert C.PasteNodes(doc, data).text() == "Paste 3 nodes"
    assert C.PasteNodes(doc, data, verb="Duplicate").text() == "Duplicate 3 nodes"
    doc2 = GraphDocument()
    doc2.add_node("op", op="pow", node_id="p")
    doc2.add_node("value", label="k", node_id="k")
    assert C.Connect(doc2, "k", "p", 1).text() == "Connect k → ?**? (exponent input)"
    # one input: nothing to tell apart; a one-letter port name would read like a node's name
    doc2.add_node("op", op="tanh", node_id="t")
    assert C.Connect(doc2, "k", "t", 0).text() == "Connect k → tanh(?)"
    doc2.add_node("op", op="linear", node_id="lin")
    assert C.Connect(doc2, "k", "lin", 1).text() == "Connect k → linear(…) (2nd input)"
    assert "slot" not in C.Disconnect(doc, "e", 0).text()


def test_every_command_undoes_exactly(stack: QUndoStack) -> None:
    doc = lecture_doc()
    check_undo_redo(stack, doc, C.AddNode(doc, "op", "tanh", pos=(700, 0)))
    check_undo_redo(stack, doc, C.AddNode(doc, "value", label="g", value=1.5, pos=(5, 5)))
    check_undo_redo(stack, doc, C.Disconnect(doc, "L", 1))
    check_undo_redo(stack, doc, C.Connect(doc, "f", "L", 1))
    check_undo_redo(stack, doc, C.MoveNodes(doc, {"a": (doc.pos("a"), (10.0, 20.0))}))
    check_undo_redo(stack, doc, C.SetValue(doc, "a", [[1, 2], [3, 4]]))
    check_undo_redo(stack, doc, C.SetLabel(doc, "a", "alpha"))
    check_undo_redo(stack, doc, C.SetOutput(doc, "d"))
    check_undo_redo(stack, doc, C.SetOutput(doc, None))
    check_undo_redo(stack, doc, C.AutoLayout(doc))
    check_undo_redo(stack, doc, C.DeleteItems(doc, ["e", "c"]))
    check_undo_redo(stack, doc, C.DeleteItems(doc, [], [("f", "L", 1)]))
    check_undo_redo(stack, doc, C.PasteNodes(doc, copy_nodes(doc, ["a", "b"])))


def test_delete_restores_nodes_edges_and_output_in_one_step(stack: QUndoStack) -> None:
    doc = lecture_doc()
    before = doc.to_data()
    stack.push(C.DeleteItems(doc, ["L", "e"]))
    assert stack.count() == 1
    assert "L" not in doc and "e" not in doc
    assert doc.marked_output is None
    assert not [e for e in doc.edges() if "e" in (e.source, e.target)]
    stack.undo()
    assert doc.to_data() == before
    assert doc.marked_output == "L"


def test_connect_onto_a_filled_slot_replaces_in_one_step(stack: QUndoStack) -> None:
    doc = lecture_doc()
    before = doc.to_data()
    stack.push(C.Connect(doc, "c", "e", 0))
    assert stack.count() == 1
    assert doc.input_of("e", 0) == "c"
    stack.undo()
    assert doc.to_data() == before
    assert doc.input_of("e", 0) == "a"


def test_connect_refused_raises_before_anything_changes(stack: QUndoStack) -> None:
    doc = lecture_doc()
    before = doc.to_data()
    with pytest.raises(GraphError, match="cycle"):
        C.Connect(doc, "L", "e", 0).redo()
    assert doc.to_data() == before


def test_copy_is_plain_json_and_paste_uses_fresh_ids(stack: QUndoStack) -> None:
    doc = lecture_doc()
    data = copy_nodes(doc, ["a", "b", "e", "L"])
    assert json.loads(json.dumps(data)) == data
    assert {(e["source"], e["target"], e["slot"]) for e in data["edges"]} == {
        ("a", "e", 0), ("b", "e", 1)
    }
    cmd = C.PasteNodes(doc, data, offset=(30, 40))
    stack.push(cmd)
    new = cmd.new_ids
    assert set(new) == {"a", "b", "e", "L"}
    assert not set(new.values()) & {"a", "b", "e", "L"}
    assert doc.input_of(new["e"], 0) == new["a"]
    assert doc.pos(new["a"]) == (doc.pos("a")[0] + 30, doc.pos("a")[1] + 40)
    assert doc.inputs(new["L"]) == [None, None]  # its inputs were not copied
    ids = dict(new)
    stack.undo()
    stack.redo()
    assert cmd.new_ids == ids  # redo brings back the same ids


def test_paste_refuses_foreign_data() -> None:
    doc = lecture_doc()
    with pytest.raises(GraphError, match="clipboard"):
        C.PasteNodes(doc, {"nodes": []})
    bad = copy_nodes(doc, ["a"])
    bad["edges"] = [{"source": "a", "target": "zz", "slot": 0}]
    with pytest.raises(GraphError):
        C.PasteNodes(doc, bad)


def test_random_command_sequences_undo_and_redo_exactly(stack: QUndoStack) -> None:
    rng = random.Random(7)
    doc = lecture_doc()
    snapshots = [doc.to_data()]
    ops = [o for o in OPS.values() if o.scalar]
    for _ in range(120):
        ids = doc.node_ids()
        choice = rng.randrange(8)
        cmd = None
        if choice == 0 or len(ids) < 3:
            if rng.random() < 0.5:
                cmd = C.AddNode(doc, "value", label=f"v{rng.randrange(99)}",
                                value=rng.uniform(-3, 3), pos=(rng.randrange(500), 0))
            else:
                cmd = C.AddNode(doc, "op", rng.choice(ops).name, pos=(0, rng.randrange(500)))
        elif choice == 1:
            targets = [n for n in ids if doc.kind(n) == "op"]
            if targets:
                t = rng.choice(targets)
                s = rng.choice(ids)
                k = rng.randrange(doc.n_slots(t))
                if doc.connect_refusal(s, t, k, replace=True) is None and doc.input_of(t, k) != s:
                    cmd = C.Connect(doc, s, t, k)
        elif choice == 2 and doc.edges():
            e = rng.choice(doc.edges())
            cmd = C.Disconnect(doc, e.target, e.slot)
        elif choice == 3:
            chosen = rng.sample(ids, k=min(len(ids), rng.randrange(1, 3)))
            cmd = C.DeleteItems(doc, chosen)
        elif choice == 4:
            chosen = rng.sample(ids, k=min(len(ids), 3))
            cmd = C.MoveNodes(doc, {n: (doc.pos(n), (rng.uniform(-99, 99), 1.0)) for n in chosen})
        elif choice == 5:
            values = [n for n in ids if doc.kind(n) == "value"]
            if values:
                cmd = C.SetValue(doc, rng.choice(values), rng.uniform(-5, 5))
        elif choice == 6:
            cmd = C.PasteNodes(doc, copy_nodes(doc, rng.sample(ids, k=2)))
        else:
            cmd = C.SetOutput(doc, rng.choice([*ids, None]))
        if cmd is None:
            continue
        stack.push(cmd)
        snapshots.append(doc.to_data())
    n = stack.count()
    assert n == len(snapshots) - 1
    for i in range(n, 0, -1):
        assert doc.to_data() == snapshots[i]
        stack.undo()
    assert doc.to_data() == snapshots[0]
    for i in range(1, n + 1):
        stack.redo()
        assert doc.to_data() == snapshots[i]


def test_auto_layout_puts_inputs_left_of_consumers() -> None:
    doc = lecture_doc()
    C.AutoLayout(doc).redo()
    pos = {n: doc.pos(n) for n in doc.node_ids()}
    for e in doc.edges():
        assert pos[e.source][0] < pos[e.target][0]


def test_feeding_a_group_input_repoints_every_wire_of_the_port_and_undoes_exactly(
        stack: QUndoStack) -> None:
    doc = lecture_doc()
    doc.connect("b", "L", 1, replace=True)  # b feeds e (outside the group) and L
    gid = doc.add_group(["d", "L"], label="tail")
    assert doc.ports(gid).inputs == ("b", "c", "e")
    command = C.FeedGroupInput(doc, gid, "c", "a")
    assert command.text() == "Feed tail's input c from a"
    check_undo_redo(stack, doc, command)
    assert doc.input_of("d", 1) == "a" and doc.input_of("e", 1) == "b"
    stack.undo()
    assert doc.input_of("d", 1) == "c"
    with pytest.raises(GraphError, match="f does not feed tail"):
        C.FeedGroupInput(doc, gid, "f", "a")
