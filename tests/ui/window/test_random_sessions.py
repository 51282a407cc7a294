"""Random UI sessions: thousands of seeded random edits through the real main window.

Every action goes through what a user can reach: the window's actions (Delete, Cut, Copy,
Paste, Duplicate, Auto Layout, Forward, Backward, Zero Grads, Mark as Output, Undo, Redo,
Select All), the canvas's own entry points (``add_node_at``, the checks the scene makes before
it pushes ``Connect``), the inspector's line edits (Return key), and, where cheap, real mouse
drags on the canvas (moving nodes, wiring ports, pulling a wire off its input) and real key
presses (Ctrl+Z, Ctrl+Shift+Z, Delete).

Invariants, checked every ``CHECK_EVERY`` steps and at the end:
- the scene mirrors the document: one node item per node at the document's position, one
  wire per edge with its ends on the right ports, the fed input ports marked, no stray items;
- the document equals the snapshot recorded when the undo stack was last at this index, the
  modified mark follows the stack's clean state, the evaluation covers exactly the nodes;
- no exception reaches Qt's event loop (checked after every step; pytest-qt's own capture
  stays on and would fail the test too);
- undoing everything gives the initial document, redoing everything the final one.

Reproduce a failure with the printed seed: ``RANDOM_SESSION_SEED=<seed> pytest
tests/ui/window/test_random_sessions.py`` (``RANDOM_SESSION_STEPS`` and
``RANDOM_SESSION_CHECK_EVERY`` change the length and the checking rate).
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph import clipboard
from playground.ops import OPS
from playground.ui import commands as cmd
from playground.ui.canvas import EdgeItem, NodeItem
from tests.ui.canvas_helpers import body_point, drag
from tests.ui.window_helpers import install_dialogs, new_window

SEED = int(os.environ.get("RANDOM_SESSION_SEED", "20240917"))
STEPS = int(os.environ.get("RANDOM_SESSION_STEPS", "5000"))
CHECK_EVERY = int(os.environ.get("RANDOM_SESSION_CHECK_EVERY", "10"))
EVENTS_EVERY = 7
MAX_NODES = 45
SCALAR_OPS = [name for name in OPS if OPS[name].category != "Tensor"]
TENSOR_OPS = [name for name in OPS if OPS[name].category == "Tensor"]
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

VALUE_TEXTS = ["0", "-0", "1", "-3", "2.5", "1e-300", "1e308", "nan", "inf", "-inf",
               "[1, 2]", "[[1, 2], [3, 4]]", "[0.5, -1, 2]", "abc", "", "[1, [2]]", "1e999"]
LABELS = ["", "a", "x1", "w", "L", "loss", "Δ", "a very long label for a node", "b", "o"]


class Session:
    """One seeded random session on ``window``; ``run(steps)`` does and checks it."""

    def __init__(self, window: Any, seed: int) -> None:
        self.w = window
        self.doc = window.doc
        self.stack = window.undo_stack
        self.rng = random.Random(seed)
        self.seed = seed
        self.step = -1
        self.action = "start"
        self.recent: deque[str] = deque(maxlen=12)
        self.escaped: list[str] = []
        self.snapshots: dict[int, dict] = {self.stack.index(): self.doc.to_data()}
        self.counts: dict[str, int] = {}
        self.checks = 0
        self.actions: list[tuple[Callable[[], str], float]] = [
            (self.add, 10), (self.delete, 4), (self.cut, 1), (self.connect, 14),
            (self.disconnect, 4), (self.move, 8), (self.edit_value, 7), (self.edit_label, 4),
            (self.mark_output, 2), (self.copy, 3), (self.paste, 3), (self.paste_junk, 1),
            (self.duplicate, 2), (self.auto_layout, 1), (self.forward, 3), (self.backward, 4),
            (self.zero_grad, 1), (self.undo, 9), (self.redo, 6), (self.select_all, 1),
            (self.toggle_auto_forward, 0.3),
        ]

    # --- running ------------------------------------------------------------------------

    def where(self) -> str:
        return (f"seed {self.seed}, step {self.step}, action {self.action!r}\n"
                "last actions:\n  " + "\n  ".join(self.recent) +
                f"\nreproduce: RANDOM_SESSION_SEED={self.seed} "
                "pytest tests/ui/window/test_random_sessions.py")

    def excepthook(self, previous: Callable[..., Any]) -> Callable[..., Any]:
        def hook(etype, value, tb) -> None:
            text = "".join(traceback.format_exception(etype, value, tb))
            self.escaped.append(f"at {self.where()}\n{text}")
            previous(etype, value, tb)

        return hook

    def run(self, steps: int, check_every: int) -> None:
        funcs = [f for f, _ in self.actions]
        weights = [wt for _, wt in self.actions]
        previous = sys.excepthook
        sys.excepthook = self.excepthook(previous)
        try:
            self.check()
            for self.step in range(steps):
                big = len(self.doc) >= MAX_NODES
                f = self.rng.choices(funcs, weights)[0]
                if big and f in (self.add, self.paste, self.duplicate):
                    f = self.delete
                self.action = f.__name__
                index = self.stack.index()
                detail = f()
                if self.step % EVENTS_EVERY == 0:  # repaints, deferred work (costly offscreen)
                    QApplication.processEvents()
                self.recent.append(f"{self.step}: {self.action} {detail}")
                self.counts[self.action] = self.counts.get(self.action, 0) + 1
                if self.escaped:
                    pytest.fail("an exception reached Qt's event loop at " + self.escaped[0],
                                pytrace=False)
                if self.stack.index() != index and f not in (self.undo, self.redo):
                    self.snapshots[self.stack.index()] = self.doc.to_data()
                if self.step % check_every == 0:
                    self.check()
            self.action = "final check"
            self.check()
        finally:
            sys.excepthook = previous

    def check(self) -> None:
        problem = None
        QApplication.processEvents()
        try:
            check_mirror(self.w)
            want = self.snapshots.get(self.stack.index(), self.doc.to_data())
            assert self.doc.to_data() == want, (
                f"the document differs from the one recorded at undo index {self.stack.index()}"
            )
        except AssertionError as exc:
            problem = str(exc).split("\nassert ")[0]
        if problem is not None:
            pytest.fail(f"invariant broken at {self.where()}\n{problem}", pytrace=False)
        self.checks += 1

    # --- helpers ------------------------------------------------------------------------

    def nodes(self) -> list[str]:
        return self.doc.node_ids()

    def some_nodes(self, most: int = 3) -> list[str]:
        nodes = self.nodes()
        if not nodes:
            return []
        k = self.rng.randint(1, min(most, len(nodes)))
        return self.rng.sample(nodes, k)

    def real(self, p: float = 0.3) -> bool:
        return self.rng.random() < p

    def show(self, *points: QPointF) -> bool:
        """Scroll the canvas (at 100%) so ``points`` are on screen; False if they cannot be."""
        view = self.w.view
        if abs(view.zoom() - 1.0) > 1e-9:
            view.reset_zoom()
        xs = [p.x() for p in points]
        ys = [p.y() for p in points]
        view.centerOn(QPointF((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
        shown = view.mapToScene(view.viewport().rect().adjusted(20, 20, -20, -20)).boundingRect()
        return all(shown.contains(p) for p in points)

    def select(self, nodes: list[str], edges: list[tuple[str, str, int]] = ()) -> None:
        self.w.scene.select_nodes(nodes)
        if edges:
            self.w.scene.select_edges(edges, add=True)
        # The window follows the selection on the next event-loop turn; a user's next click
        # always comes after that turn.
        sync = getattr(self.w, "sync_selection", None)
        sync() if sync is not None else QApplication.processEvents()

    # --- actions (each returns a few words for the log) ----------------------------------

    def add(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            kind, op = "value", None
        else:
            kind = "op"
            op = self.rng.choice(TENSOR_OPS if r > 0.93 else SCALAR_OPS)
        if self.real(0.3):
            payload = "value" if op is None else f"op:{op}"
            node = self.w.edits.add_at_centre(payload)
            return f"{payload} at the centre -> {node}"
        pos = QPointF(self.rng.uniform(-600, 900), self.rng.uniform(-400, 600))
        node = self.w.view.add_node_at(kind, op, pos)
        return f"{op or 'value'} at ({pos.x():.0f}, {pos.y():.0f}) -> {node}"

    def delete(self) -> str:
        nodes = self.some_nodes(3) if self.rng.random() < 0.8 else []
        edges = self.doc.edges()
        chosen = [(e.source, e.target, e.slot) for e in
                  self.rng.sample(edges, min(len(edges), self.rng.randint(0, 2)))]
        self.select(nodes, chosen)
        if self.real(0.3):
            self.w.view.setFocus()
            QTest.keyClick(self.w.view, Qt.Key.Key_Delete)
            how = "Delete key"
        else:
            self.w.action("delete").trigger()
            how = "Delete action"
        return f"{how} {nodes} {chosen}"

    def cut(self) -> str:
        nodes = self.some_nodes(3)
        self.select(nodes)
        self.w.action("cut").trigger()
        return str(nodes)

    def connect(self) -> str:
        ops = [n for n in self.nodes() if self.doc.kind(n) == "op"]
        nodes = self.nodes()
        if not ops or not nodes:
            return "(nothing to wire)"
        target = self.rng.choice(ops)
        source = self.rng.choice(nodes)
        slot = self.rng.randrange(self.doc.n_slots(target))
        scene = self.w.scene
        if self.real(0.35):
            start = scene.node_item(source).output_anchor()
            end = scene.node_item(target).input_anchor(slot)
            if self.show(start, end):
                drag(self.w.view, start, end)
                return f"drag {source} -> {target}[{slot}]"
        # What the scene does when a wire is dropped on a port (GraphScene._finish_wire).
        reason = self.doc.connect_refusal(source, target, slot, replace=True)
        if reason:
            scene.status_message.emit(reason)
            return f"{source} -> {target}[{slot}] refused: {reason}"
        if self.doc.input_of(target, slot) == source:
            return f"{source} -> {target}[{slot}] already"
        self.stack.push(cmd.Connect(self.doc, source, target, slot))
        return f"{source} -> {target}[{slot}]"

    def disconnect(self) -> str:
        edges = self.doc.edges()
        if not edges:
            return "(no wires)"
        e = self.rng.choice(edges)
        r = self.rng.random()
        scene = self.w.scene
        if r < 0.3:
            start = scene.node_item(e.target).input_anchor(e.slot)
            end = start + QPointF(-60, 170)
            if self.show(start, end) and scene.node_at(end) is None and \
                    scene.port_near(end) is None:
                drag(self.w.view, start, end)
                return f"pull {e} off its input"
        if r < 0.6:
            self.stack.push(cmd.Disconnect(self.doc, e.target, e.slot))
            return f"command {e}"
        self.select([], [(e.source, e.target, e.slot)])
        self.w.action("delete").trigger()
        return f"select and delete {e}"

    def move(self) -> str:
        nodes = self.some_nodes(3)
        if not nodes:
            return "(no nodes)"
        dx = round(self.rng.uniform(-250, 250), self.rng.choice([0, 1, 3]))
        dy = round(self.rng.uniform(-250, 250), self.rng.choice([0, 1, 3]))
        scene = self.w.scene
        if self.real(0.35):
            self.select(nodes)
            grip = body_point(scene, nodes[0])
            to = grip + QPointF(dx, dy)
            if self.show(grip, to) and scene.port_near(grip) is None:
                drag(self.w.view, grip, to)
                return f"drag {nodes} by ({dx}, {dy})"
        moves = {}
        for n in nodes:
            x, y = self.doc.pos(n)
            moves[n] = ((x, y), (x + dx, y + dy))
        self.stack.push(cmd.MoveNodes(self.doc, moves))
        return f"{nodes} by ({dx}, {dy})"

    def edit_value(self) -> str:
        values = [n for n in self.nodes() if self.doc.kind(n) == "value"]
        if not values:
            return "(no values)"
        node = self.rng.choice(values)
        if self.rng.random() < 0.5:
            text = self.rng.choice(VALUE_TEXTS)
        else:
            text = repr(round(self.rng.uniform(-5, 5), self.rng.randint(0, 6)))
        self.select([node])
        edit = self.w.inspector.value_edit
        edit.setText(text)
        QTest.keyClick(edit, Qt.Key.Key_Return)
        return f"{node} = {text!r}"

    def edit_label(self) -> str:
        nodes = self.nodes()
        if not nodes:
            return "(no nodes)"
        node = self.rng.choice(nodes)
        text = self.rng.choice(LABELS)
        self.select([node])
        edit = self.w.inspector.label_edit
        edit.setText(text)
        QTest.keyClick(edit, Qt.Key.Key_Return)
        return f"{node} label {text!r}"

    def mark_output(self) -> str:
        nodes = self.some_nodes(1)
        self.select(nodes)
        self.w.action("mark_output").trigger()
        return str(nodes)

    def copy(self) -> str:
        nodes = self.some_nodes(4)
        self.select(nodes)
        self.w.action("copy").trigger()
        return str(nodes)

    def paste(self) -> str:
        if self.real(0.3):
            self.w.view.setFocus()
            QTest.keyClick(self.w.view, Qt.Key.Key_V, CTRL)
            return "Ctrl+V"
        self.w.action("paste").trigger()
        return "Paste action"

    def paste_junk(self) -> str:
        """Paste text a user could have on the clipboard: near-misses of real clipboard data."""
        good = clipboard.copy_nodes(self.doc, self.some_nodes(3))
        nodes = good["nodes"]
        r = self.rng.randrange(7)
        if r == 0:
            text = "hello"
        elif r == 1:
            text = json.dumps({"format": clipboard.CLIPBOARD_FORMAT, "nodes": [], "edges": []})
        elif r == 2 and nodes:
            nodes[0]["value" if nodes[0]["kind"] == "value" else "label"] = "abc"
            text = json.dumps(good)
        elif r == 3 and nodes:
            good["edges"].append({"source": nodes[0]["id"], "target": nodes[-1]["id"],
                                  "slot": 7})
            text = json.dumps(good)
        elif r == 4 and nodes:
            nodes[0]["pos"] = ["x", None]
            text = json.dumps(good)
        elif r == 5 and len(nodes) >= 2:
            a, b = nodes[0]["id"], nodes[1]["id"]
            good["edges"] += [{"source": a, "target": b, "slot": 0},
                              {"source": b, "target": a, "slot": 0}]
            text = json.dumps(good)
        else:
            text = json.dumps(good)[: self.rng.randint(0, 60)]
        mime = QMimeData()
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self.w.action("paste").trigger()
        return f"variant {r}: {text[:80]!r}"

    def duplicate(self) -> str:
        nodes = self.some_nodes(3)
        self.select(nodes)
        self.w.action("duplicate").trigger()
        return str(nodes)

    def auto_layout(self) -> str:
        self.w.action("auto_layout").trigger()
        return ""

    def forward(self) -> str:
        self.w.action("forward").trigger()
        return ""

    def backward(self) -> str:
        if self.real(0.2):
            QTest.mouseClick(self.w.toolbar.widgetForAction(self.w.action("backward")),
                             Qt.MouseButton.LeftButton)
            return "toolbar button"
        self.w.action("backward").trigger()
        return ""

    def zero_grad(self) -> str:
        self.w.action("zero_grad").trigger()
        return ""

    def undo(self) -> str:
        n = self.rng.choice([1, 1, 1, 2, 3, 6])
        for _ in range(n):
            if self.real(0.2):
                self.w.view.setFocus()
                QTest.keyClick(self.w.view, Qt.Key.Key_Z, CTRL)
            else:
                self.w.action("undo").trigger()
        return f"x{n}"

    def redo(self) -> str:
        n = self.rng.choice([1, 1, 2, 4])
        for _ in range(n):
            if self.real(0.2):
                self.w.view.setFocus()
                QTest.keyClick(self.w.view, Qt.Key.Key_Z, CTRL | SHIFT)
            else:
                self.w.action("redo").trigger()
        return f"x{n}"

    def select_all(self) -> str:
        self.w.action("select_all").trigger()
        return ""

    def toggle_auto_forward(self) -> str:
        act = self.w.action("auto_forward")
        act.trigger()
        return f"now {act.isChecked()}"


# --- invariants ----------------------------------------------------------------------------


def _close(a: QPointF, b: QPointF) -> bool:
    return abs(a.x() - b.x()) < 1e-6 and abs(a.y() - b.y()) < 1e-6


def check_mirror(window: Any) -> None:
    """The scene shows exactly the document; raises AssertionError saying what differs."""
    doc, scene = window.doc, window.scene
    window.display.flush()
    ids = doc.node_ids()
    items = scene.node_items()
    shown = [i.node_id for i in items]
    assert sorted(shown) == sorted(ids), (
        f"node items {sorted(set(shown) - set(ids))} have no node; "
        f"nodes {sorted(set(ids) - set(shown))} have no item"
    )
    in_scene = [i for i in scene.items() if isinstance(i, NodeItem)]
    assert len(in_scene) == len(ids), f"{len(in_scene)} node items in the scene, {len(ids)} nodes"
    for item in items:
        n = item.node_id
        x, y = doc.pos(n)
        assert (item.pos().x(), item.pos().y()) == (x, y), (
            f"{n} is drawn at ({item.pos().x()}, {item.pos().y()}), the document says ({x}, {y})"
        )
        shown = doc.display_name(n)  # the label, else the op's expression, else a letter
        assert item.label == shown, f"{n} is drawn as {item.label!r}, not {shown!r}"
        fed = {k for k, s in enumerate(doc.inputs(n)) if s is not None}
        assert item.connected == fed, f"{n} marks inputs {item.connected} fed, really {fed}"
        assert item.scene() is scene and item.isVisible(), f"{n}'s item is not shown"
    edges = sorted((e.source, e.target, e.slot) for e in doc.edges())
    wires = sorted(e.key for e in scene.edge_items())
    assert wires == edges, (
        f"wires without an edge: {sorted(set(wires) - set(edges))}; "
        f"edges without a wire: {sorted(set(edges) - set(wires))}"
    )
    in_scene_edges = [i for i in scene.items() if isinstance(i, EdgeItem)]
    assert len(in_scene_edges) == len(edges), (
        f"{len(in_scene_edges)} wires in the scene, {len(edges)} edges"
    )
    for wire in scene.edge_items():
        s, t, k = wire.key
        p1, p2 = wire.ends()
        want1, want2 = scene.node_item(s).output_anchor(), scene.node_item(t).input_anchor(k)
        assert _close(p1, want1) and _close(p2, want2), (
            f"wire {wire.key} runs {p1.toTuple()} -> {p2.toTuple()}, "
            f"its ports are at {want1.toTuple()} -> {want2.toTuple()}"
        )
        # zoomed far out the overview draws every wire in batches, its item hidden
        assert wire.isVisible() != scene.overview, (
            f"wire {wire.key} is {'shown' if wire.isVisible() else 'hidden'}, "
            f"overview {'on' if scene.overview else 'off'}")
    assert set(scene.selected_edges()) <= set(edges), "a deleted wire is still selected"
    assert window.isWindowModified() == (not window.undo_stack.isClean()), (
        "the modified mark does not follow the undo stack's clean state"
    )
    marked = doc.marked_output
    if marked is not None:
        assert scene.output_id() == marked, f"output drawn on {scene.output_id()}, not {marked}"
    ev = window.display.evaluation
    if window.display.auto_forward and ev is not None:
        assert set(ev.results) == set(ids), (
            f"evaluation covers {sorted(set(ev.results) ^ set(ids))} wrongly"
        )
        assert scene.evaluation is ev, "the scene shows an older evaluation"
    rect = scene.sceneRect()
    for item in items:
        assert rect.contains(item.pos()), (
            f"{item.node_id} lies outside the scene rect (the view cannot scroll to it)"
        )


def undo_all(window: Any) -> None:
    stack = window.undo_stack
    while stack.canUndo():
        before = stack.index()
        window.action("undo").trigger()
        assert stack.index() == before - 1, f"undo stuck at index {before}"


def redo_all(window: Any, until: int | None = None) -> None:
    stack = window.undo_stack
    while stack.canRedo() and (until is None or stack.index() < until):
        before = stack.index()
        window.action("redo").trigger()
        assert stack.index() == before + 1, f"redo stuck at index {before}"


# --- the test -------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini", example=True, size=(1200, 760))
    yield w
    w.undo_stack.setClean()


def test_random_session(window, qtbot):
    started = time.perf_counter()
    initial = window.doc.to_data()
    session = Session(window, SEED)
    session.run(STEPS, CHECK_EVERY)
    final, final_index = window.doc.to_data(), window.undo_stack.index()
    assert window.undo_stack.count() > STEPS // 20, "the session made too few edits to mean much"

    session.action = "undo everything"
    undo_all(window)
    session.check()
    assert window.doc.to_data() == initial, f"undoing everything: {session.where()}"
    assert window.undo_stack.isClean() and not window.isWindowModified()

    session.action = "redo everything"
    redo_all(window, until=final_index)  # the session may have ended with steps undone
    session.check()
    assert window.doc.to_data() == final, f"redoing everything: {session.where()}"
    redo_all(window)
    session.check()
    assert not session.escaped, session.escaped[0]
    took = time.perf_counter() - started
    print(f"\nrandom session seed {SEED}: {STEPS} actions, {window.undo_stack.count()} undo "
          f"steps, {session.checks} checks, {len(window.doc)} nodes at the end, {took:.1f} s")
    print("actions: " + ", ".join(f"{k} {v}" for k, v in sorted(session.counts.items())))
    assert math.isfinite(took)


@pytest.mark.parametrize("damage", ["bad value", "edge into a value", "slot out of range",
                                    "bad pos", "cycle", "duplicate id"])
def test_pasting_damaged_clipboard_text_is_refused_and_changes_nothing(window, damage):
    """Found by the random session: such a paste used to fail inside PasteNodes.redo, leaving
    half the nodes pasted, a dead step on the undo stack and an exception in Qt's loop."""
    doc = window.doc
    ids = doc.node_ids()
    data = clipboard.copy_nodes(doc, ids[:3])
    nodes = data["nodes"]
    value = next(n for n in nodes if n["kind"] == "value")
    if damage == "bad value":
        value["value"] = "abc"
    elif damage == "edge into a value":
        data["edges"].append({"source": nodes[0]["id"], "target": value["id"], "slot": 0})
    elif damage == "slot out of range":
        op = next(n for n in window.doc.node_ids() if doc.kind(n) == "op")
        data = clipboard.copy_nodes(doc, [op, *ids[:2]])
        data["edges"] = [{"source": ids[0], "target": op, "slot": 7}]
    elif damage == "bad pos":
        nodes[-1]["pos"] = ["x", None]
    elif damage == "cycle":
        ops = [n for n in doc.node_ids() if doc.kind(n) == "op"][:2]
        data = clipboard.copy_nodes(doc, ops)
        data["edges"] = [{"source": ops[0], "target": ops[1], "slot": 0},
                         {"source": ops[1], "target": ops[0], "slot": 0}]
    else:
        nodes.append(dict(nodes[0]))
    before, count = doc.to_data(), window.undo_stack.count()
    mime = QMimeData()
    mime.setText(json.dumps(data))
    QGuiApplication.clipboard().setMimeData(mime)
    window.action("paste").trigger()
    assert doc.to_data() == before and window.undo_stack.count() == count
    assert window.statusBar().currentMessage().startswith("Nothing to paste:")
    check_mirror(window)
