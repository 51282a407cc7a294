"""Saving and opening with awkward text: the file's ``view`` survives Save; text that cannot
be saved goes to "Cannot save" (save, autosave, export), never to the crash handler; the
"Cannot open" dialog for a file with a 10 MB op name is short and lays out at once."""

from __future__ import annotations

import json
import time

from PySide6.QtWidgets import QMessageBox

from playground.ui import commands as cmd
from playground.ui.window.autosave import Autosaver

SHOTS = "/work/notes/shots"
VIEW = {"zoom": 1.5, "center": [10, -2.5], "later": {"grid": True, "names": ["a", "b"]}}


def graph_file(tmp_path, **extra) -> str:
    path = tmp_path / "g.json"
    data = {"format": "backprop-playground", "version": 1, "title": "T",
            "nodes": [{"id": "a", "kind": "value", "value": 2.0, "label": "a", "pos": [0, 0]},
                      {"id": "t", "kind": "op", "op": "tanh", "pos": [300, 0]}],
            "edges": [{"source": "a", "target": "t", "slot": 0}], **extra}
    path.write_text(json.dumps(data))
    return str(path)


def test_save_and_save_as_keep_the_files_view_object(window, dialogs, tmp_path) -> None:
    path = graph_file(tmp_path, view=VIEW)
    assert window.files.open_path(path)
    window.undo_stack.push(cmd.SetLabel(window.doc, "a", "renamed"))
    assert window.files.save()
    saved = json.loads((tmp_path / "g.json").read_text())
    assert saved["view"] == VIEW and saved["nodes"][0]["label"] == "renamed"
    dialogs.save_files.append(str(tmp_path / "copy.json"))
    assert window.files.save_as()
    assert json.loads((tmp_path / "copy.json").read_text())["view"] == VIEW
    assert window.files.new()  # a new graph has no view of its own
    dialogs.save_files.append(str(tmp_path / "new.json"))
    assert window.files.save()
    assert "view" not in json.loads((tmp_path / "new.json").read_text())


def test_a_label_that_cannot_be_saved_is_a_cannot_save_message(window, dialogs, tmp_path):
    path = graph_file(tmp_path)
    assert window.files.open_path(path)
    before = (tmp_path / "g.json").read_bytes()
    window.undo_stack.push(cmd.SetLabel(window.doc, "a", "bad\ud800"))  # as a paste could
    assert window.files.save() is False
    (_kind, title, text), = [c for c in dialogs.calls if c[0] == "critical"]
    assert title == "Cannot save"
    assert "the label of node 'a' has a character that cannot be saved" in text
    assert "Could not save g.json" in window.statusBar().currentMessage()
    assert (tmp_path / "g.json").read_bytes() == before
    assert window.isWindowModified()  # the work is still there, still unsaved
    window.undo_stack.push(cmd.SetLabel(window.doc, "a", "fine"))
    assert window.files.save()


def test_an_export_that_cannot_be_written_says_so(window, dialogs, tmp_path):
    assert window.files.open_path(graph_file(tmp_path))
    window.undo_stack.push(cmd.SetLabel(window.doc, "a", "\udc80"))
    dialogs.save_files.append(str(tmp_path / "g.dot"))
    assert window.files.export("dot") is False
    (_kind, title, text), = [c for c in dialogs.calls if c[0] == "critical"]
    assert title == "Cannot export" and "node 'a'" in text and "cannot be saved" in text
    assert not (tmp_path / "g.dot").exists()
    dialogs.save_files.append(str(tmp_path / "g.py"))  # the script quotes labels: it works
    assert window.files.export("python")
    assert "\\udc80" in (tmp_path / "g.py").read_text()


def test_autosave_of_a_label_that_cannot_be_saved_reports_it(window, tmp_path):
    saver = Autosaver(window, folder=tmp_path / "autosave", interval_ms=10_000)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    node = window.doc.node_ids()[0]
    window.undo_stack.push(cmd.SetLabel(window.doc, node, "\ud800"))
    assert saver.autosave() is False
    assert len(failures) == 1 and "cannot be saved as UTF-8" in failures[0]
    assert "Autosave failed" in window.statusBar().currentMessage()
    window.undo_stack.push(cmd.SetLabel(window.doc, node, "x"))
    assert saver.autosave() is True  # and the next good state is kept
    saver.finish()


def test_the_cannot_open_dialog_for_a_10_mb_op_name_is_short_and_quick(window, dialogs, qtbot,
                                                                        tmp_path):
    path = tmp_path / "huge_op.json"
    path.write_text(json.dumps({"format": "backprop-playground", "version": 1,
                                "nodes": [{"id": "a", "kind": "op", "op": "x" * 10_000_000}]}))
    assert window.files.open_path(path) is False
    (_kind, title, text), = [c for c in dialogs.calls if c[0] == "critical"]
    assert len(text) < 1_000, len(text)
    assert "… (10,000,000 characters)" in text
    assert len(window.statusBar().currentMessage()) < 1_000
    # The dialog as the window shows it (the recorder stood in for the blocking call):
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok,
                      window)
    qtbot.addWidget(box)
    t0 = time.perf_counter()
    box.show()
    qtbot.waitExposed(box)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"the dialog took {elapsed:.2f} s to lay out"
    screen = window.screen().availableGeometry()
    assert box.width() <= screen.width() and box.height() <= screen.height()
    box.grab().save(f"{SHOTS}/b18text_cannot_open_huge_op.png")
    box.close()
