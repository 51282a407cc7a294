"""Autosave and recovery in one process (tests/ui/window/test_crash_recovery.py kills real ones).

A crash is simulated with ``Autosaver.abandon()``: the session stops without cleaning up and
drops its lock, exactly what the operating system does when a process dies.
"""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.ui import commands as cmd
from playground.ui.appdata import DATA_DIR_ENV
from playground.ui.window import autosave
from playground.ui.window.autosave import Autosaver, find_orphans, install_autosave, offer_recovery
from tests.ui.window_helpers import install_dialogs, new_window


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def make_window(qtbot, tmp_path, data, dialogs):
    made = []

    def make(example: bool = True):
        w = new_window(qtbot, tmp_path / f"settings{len(made)}.ini", example=example)
        made.append(w)
        return w

    yield make
    for w in made:
        w.undo_stack.setClean()


@pytest.fixture
def answers(monkeypatch):
    """What ``ask_recover`` answers, in order; ``answers.asked`` lists the names offered."""

    class Answers(list):
        asked: list[str]

    a = Answers()
    a.asked = []

    def ask(parent, orphan):
        a.asked.append(orphan.name)
        return a.pop(0) if a else autosave.LATER

    monkeypatch.setattr(autosave, "ask_recover", ask)
    return a


def edit(window, n: int = 3) -> None:
    """A few undoable edits: n new values wired into a new sum."""
    doc, stack = window.doc, window.undo_stack
    total = cmd.AddNode(doc, "op", "add", label="total", pos=(400, 300))
    stack.push(total)
    for i in range(n):
        value = cmd.AddNode(doc, "value", label=f"v{i}", value=i + 0.5, pos=(100, 100 * i))
        stack.push(value)
        if i < 2:
            stack.push(cmd.Connect(doc, value.node_id, total.node_id, i))
    stack.push(cmd.MoveNodes(doc, {total.node_id: ((400, 300), (420.5, 310.25))}))


def saved_graph(saver: Autosaver) -> dict:
    return io.load(saver.graph_path).to_data()


def saved_meta(saver: Autosaver) -> dict:
    return json.loads(saver.meta_path.read_text())


def test_only_unsaved_changes_are_autosaved_and_a_clean_document_has_none(make_window, qtbot,
                                                                         tmp_path):
    w = make_window()
    saver = Autosaver(w, interval_ms=40)
    assert saver.folder == tmp_path / "data" / "autosave"
    qtbot.wait(150)
    assert not saver.graph_path.exists(), "an unchanged document needs no autosave"

    edit(w)
    qtbot.waitUntil(saver.graph_path.exists, timeout=2000)
    assert saved_graph(saver) == w.doc.to_data()
    meta = saved_meta(saver)
    assert meta["source"] is None and meta["name"] == w.files.name
    assert meta["pid"] == os.getpid() and meta["nodes"] == len(w.doc)

    while w.undo_stack.canUndo():  # back to the state that was opened: nothing to lose
        w.action("undo").trigger()
    assert not saver.graph_path.exists() and not saver.meta_path.exists()
    w.action("redo").trigger()
    qtbot.waitUntil(saver.graph_path.exists, timeout=2000)
    assert saved_graph(saver) == w.doc.to_data()

    path = tmp_path / "mine.json"
    assert w.files._write(path)  # File > Save
    assert not saver.graph_path.exists(), "a saved document leaves no autosave behind"
    edit(w, 1)
    qtbot.waitUntil(saver.graph_path.exists, timeout=2000)
    assert saved_meta(saver)["source"] == str(path.resolve())
    saver.finish()
    assert list(saver.folder.iterdir()) == [], "a normal end leaves nothing to recover"


def test_an_unchanged_document_is_not_written_again(make_window, qtbot):
    w = make_window()
    saver = Autosaver(w, interval_ms=10_000)
    written = []
    saver.saved.connect(written.append)
    edit(w)
    assert saver.autosave() and not saver.autosave() and len(written) == 1
    w.undo_stack.push(cmd.SetLabel(w.doc, w.doc.node_ids()[0], "renamed"))
    assert saver.autosave() and len(written) == 2
    saver.finish()


def test_crash_then_recover_gives_the_edits_as_an_unsaved_document(make_window, answers, tmp_path):
    source = tmp_path / "graph.json"
    first = make_window()
    assert first.files._write(source)
    on_disk = first.doc.to_data()
    saver = Autosaver(first, interval_ms=10_000)
    edit(first)
    edited = first.doc.to_data()
    assert saver.autosave()
    saver.abandon()  # the crash

    answers.append(autosave.RECOVER)
    second = make_window()
    new_saver = install_autosave(second, interval_ms=10_000)
    assert answers.asked == ["graph.json"]
    assert second.doc.to_data() == edited
    assert second.isWindowModified() and not second.undo_stack.isClean()
    assert second.files.path == source.resolve() and "graph.json" in second.windowTitle()
    assert second.undo_stack.text(second.undo_stack.index() - 1) == "Recover autosaved changes"
    assert "Recovered the unsaved changes to graph.json" in second.statusBar().currentMessage()
    assert {n.node_id for n in second.scene.node_items()} == set(second.doc.node_ids())

    assert not saver.graph_path.exists(), "the crashed session's autosave is gone once recovered"
    assert new_saver.graph_path.exists(), "...after this session wrote its own copy"
    assert io.load(new_saver.graph_path).to_data() == edited

    second.action("undo").trigger()
    assert second.doc.to_data() == on_disk and not second.isWindowModified()
    second.action("redo").trigger()
    assert second.doc.to_data() == edited
    second.action("save").trigger()
    assert io.load(source).to_data() == edited
    assert not new_saver.graph_path.exists()
    new_saver.finish()
    assert find_orphans() == []


def test_an_untitled_graph_is_recovered_untitled(make_window, answers):
    first = make_window(example=False)
    saver = Autosaver(first, interval_ms=10_000)
    edit(first, 2)
    assert saver.autosave()
    saver.abandon()
    answers.append(autosave.RECOVER)
    second = make_window()
    install_autosave(second, interval_ms=10_000).finish()
    assert second.doc.to_data() == first.doc.to_data()
    assert second.files.path is None and second.isWindowModified()
    second.action("undo").trigger()
    assert len(second.doc) == 0


def test_discard_deletes_and_not_now_keeps_for_the_next_start(make_window, answers):
    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    edit(first)
    assert saver.autosave()
    saver.abandon()
    second = make_window()
    example = second.doc.to_data()

    answers.append(autosave.LATER)
    assert not offer_recovery(second)
    assert second.doc.to_data() == example and saver.graph_path.exists()
    answers.append(autosave.DISCARD)
    assert not offer_recovery(second)
    assert second.doc.to_data() == example and not second.isWindowModified()
    assert not saver.graph_path.exists() and not saver.meta_path.exists()
    assert answers.asked == [first.files.name, first.files.name]
    assert not offer_recovery(second) and len(answers.asked) == 2


def test_a_window_still_open_is_not_offered(make_window, answers):
    first = make_window()
    running = Autosaver(first, interval_ms=10_000)
    edit(first)
    assert running.autosave()
    second = make_window()
    install_autosave(second, interval_ms=10_000).finish()
    assert answers.asked == [] and running.graph_path.exists()
    running.finish()


def test_newest_crash_first_and_one_recovery_per_start(make_window, answers):
    names = []
    for label in ("older", "newer"):
        w = make_window(example=False)
        w.files.name = label
        saver = Autosaver(w, interval_ms=10_000)
        edit(w, 1)
        assert saver.autosave()
        meta = saved_meta(saver)
        meta["saved_at"] = "2030-01-01T10:00:00+00:00" if label == "older" else \
            "2030-01-01T11:00:00+00:00"
        saver.meta_path.write_text(json.dumps(meta))
        saver.abandon()
        names.append(label)
    answers.append(autosave.RECOVER)
    w = make_window()
    install_autosave(w, interval_ms=10_000).finish()
    assert answers.asked == ["newer"]
    assert [o.name for o in _orphans_released()] == ["older"]


def _orphans_released():
    found = find_orphans()
    for o in found:
        o.release()
    return found


def test_a_damaged_autosave_is_set_aside_not_offered_forever(make_window, answers):
    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    edit(first)
    assert saver.autosave()
    saver.abandon()
    saver.graph_path.write_text('{"format": "backprop-playground", "nod')
    answers.append(autosave.RECOVER)
    second = make_window()
    example = second.doc.to_data()
    install_autosave(second, interval_ms=10_000).finish()
    assert second.doc.to_data() == example
    assert "could not be read" in second.statusBar().currentMessage()
    assert (saver.folder / ("damaged-" + saver.graph_path.name)).exists()
    assert find_orphans() == []


def test_a_failing_autosave_says_so_once_and_keeps_the_graph(make_window, qtbot):
    w = make_window()
    saver = Autosaver(w, interval_ms=20)
    failures = []
    saver.failed.connect(failures.append)
    for p in saver.folder.iterdir():
        p.unlink()
    saver.folder.rmdir()
    saver.folder.write_text("not a folder")  # every write now fails
    before = w.doc.to_data()
    edit(w)
    qtbot.wait(200)
    assert len(failures) == 1 and "Autosave failed" in w.statusBar().currentMessage()
    assert w.doc.to_data() != before and w.isWindowModified()
    saver.finish()


def test_recovered_document_can_be_edited_and_autosaved_again(make_window, answers, qtbot):
    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    edit(first)
    assert saver.autosave()
    saver.abandon()
    answers.append(autosave.RECOVER)
    second = make_window()
    again = install_autosave(second, interval_ms=30)
    node = second.view.add_node_at("value", None, QPointF(0, 0))
    assert node in second.doc
    qtbot.waitUntil(lambda: again.graph_path.exists()
                    and io.load(again.graph_path).to_data() == second.doc.to_data(),
                    timeout=2000)
    again.finish()
    assert GraphDocument.from_data(second.doc.to_data()).to_data() == second.doc.to_data()


def test_recovery_replaces_the_examples_description_and_numbers_in_the_inspector(
        make_window, answers):
    """The window shows an example (its description in the inspector) when an untitled crashed
    session is recovered: the inspector describes and numbers the recovered graph, as the
    canvas shows it, not the example's."""
    first = make_window(example=False)
    saver = Autosaver(first, interval_ms=10_000)
    edit(first, 2)  # total = v0 + v1 = 0.5 + 1.5
    assert saver.autosave()
    saver.abandon()
    answers.append(autosave.RECOVER)
    second = make_window()
    second.select([])
    assert "One tanh neuron" in second.inspector.title.text()  # the start example's words
    install_autosave(second, interval_ms=10_000).finish()
    second.select([])
    assert "One tanh neuron" not in second.inspector.title.text()
    assert "Nothing selected" in second.inspector.title.text()
    total = next(n for n in second.doc.node_ids() if second.doc.label(n) == "total")
    assert second.scene.evaluation is second.display.evaluation
    assert second.display.evaluation.results[total].data == 2.0
    second.select([total])
    assert second.inspector.data_label.text() == "2.0000"
    assert second.scene.node_item(total).display().data == 2.0


def test_a_recovered_example_is_described_as_itself_not_as_the_example_shown_before(
        make_window, answers):
    """The crashed session had micrograd's README example open and edited; the new window
    shows the start example (One tanh neuron). After the real recovery path the inspector's
    description is the README's, which the canvas now shows, and no word of the neuron's."""
    first = make_window(example=False)
    saver = Autosaver(first, interval_ms=10_000)
    assert first.files.open_example("micrograd_readme", ask=False)
    a = next(n for n in first.doc.node_ids() if first.doc.label(n) == "a")
    assert first.editor.set_value(a, -3.0)
    assert saver.autosave()
    saver.abandon()
    recovered_nodes = {first.doc.label(n) for n in first.doc.node_ids()}
    answers.append(autosave.RECOVER)
    second = make_window()
    second.select([])
    assert "One tanh neuron" in second.inspector.title.text()
    install_autosave(second, interval_ms=10_000).finish()
    QApplication.processEvents()  # the description settles once the undo stack has
    second.select([])
    text = second.inspector.title.text()
    assert {second.doc.label(n) for n in second.doc.node_ids()} == recovered_nodes
    assert "micrograd" in text and "README" in text
    assert "tanh neuron" not in text and "Neuron" not in text
    assert second.doc.value(a) == -3.0


# --- painted points (the Training tab): saved with the session on close, autosaved meanwhile --


def paint_three(qtbot, window) -> tuple:
    """Three points painted with real clicks on the Training tab's preview."""
    from tests.ui.training.test_paint import LEFT_SIDE, RIGHT, RIGHT_SIDE, click_preview, paint_mode
    from tests.ui.training.test_paint_in_the_window import open_panel

    panel = open_panel(qtbot, window)
    preview = paint_mode(qtbot, panel)
    click_preview(qtbot, preview, LEFT_SIDE[:2])
    click_preview(qtbot, preview, RIGHT_SIDE[:1], RIGHT)
    assert len(panel.form.painted) == 3
    return panel.form.painted.points


def test_painted_points_survive_a_crash_and_undo_gives_the_sessions_back(make_window, answers,
                                                                         qtbot):
    from tests.ui.training.test_paint_in_the_window import click_toolbar, open_panel

    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    assert not saver.needed()
    points = paint_three(qtbot, first)
    assert first.undo_stack.isClean(), "painting is no graph edit"
    assert saver.needed() and saver.autosave()
    meta = saved_meta(saver)
    assert meta["graph_changed"] is False
    assert meta["painting"] == {"points": [list(p) for p in points], "dataset": "painted"}
    assert not saver.autosave(), "unchanged painting: not written again"
    saver.abandon()  # the crash: the session (window settings) never got the points
    first.training.shutdown()

    answers.append(autosave.RECOVER)
    second = make_window()
    example = second.doc.to_data()
    new_saver = install_autosave(second, interval_ms=10_000)
    panel = second.training.panel
    assert panel is not None and panel.form.painted.points == points
    assert panel.form.dataset.currentData() == "painted"
    assert second.doc.to_data() == example and not second.isWindowModified(), \
        "only the painting had changes: the graph is left as it was"
    message = second.statusBar().currentMessage()
    assert "Recovered 3 painted points (Training tab)" in message, message
    assert not saver.graph_path.exists()
    assert saved_meta(new_saver)["painting"]["points"] == [list(p) for p in points]

    open_panel(qtbot, second)  # Undo on the Training tab: the session's (no) points
    click_toolbar(qtbot, second, "undo")
    assert panel.form.painted.points == ()
    assert not new_saver.autosave() and not new_saver.graph_path.exists(), \
        "back to the session's points: nothing left to recover"
    click_toolbar(qtbot, second, "redo")
    assert panel.form.painted.points == points
    assert new_saver.autosave() and new_saver.graph_path.exists()
    new_saver.finish()
    second.training.shutdown()


def test_graph_edits_and_painted_points_come_back_together_each_with_its_own_undo(
        make_window, answers, qtbot):
    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    points = paint_three(qtbot, first)
    edit(first)
    edited = first.doc.to_data()
    assert saver.autosave() and saved_meta(saver)["graph_changed"] is True
    saver.abandon()
    first.training.shutdown()

    answers.append(autosave.RECOVER)
    second = make_window()
    install_autosave(second, interval_ms=10_000).finish()
    panel = second.training.panel
    assert second.doc.to_data() == edited and panel.form.painted.points == points
    message = second.statusBar().currentMessage()
    assert message.startswith("Recovered the unsaved changes to ") and \
        "and 3 painted points (Training tab)" in message, message
    assert panel.form.paint_editor.stack.undoText() == "Recover painted points"
    assert second.undo_stack.undoText() == "Recover autosaved changes"
    panel.form.paint_editor.stack.undo()
    assert panel.form.painted.points == () and second.doc.to_data() == edited
    second.training.shutdown()


def test_unreadable_autosaved_points_leave_the_session_and_say_so(make_window, answers, qtbot):
    first = make_window()
    saver = Autosaver(first, interval_ms=10_000)
    paint_three(qtbot, first)
    assert saver.autosave()
    saver.abandon()
    first.training.shutdown()
    meta = saved_meta(saver)
    meta["painting"]["points"][1] = [0.5, "inf", 1]
    saver.meta_path.write_text(json.dumps(meta))

    answers.append(autosave.RECOVER)
    second = make_window()
    install_autosave(second, interval_ms=10_000).finish()
    assert "painted points could not be read" in second.statusBar().currentMessage()
    assert second.training.ensure_panel().form.painted.points == ()
    assert not second.isWindowModified()
    assert (saver.folder / ("damaged-" + saver.graph_path.name)).exists(), \
        "kept aside, not offered at every start"
    second.training.shutdown()
