"""Groups in the window's files: a broken group in a version 2 file is said with its place and
the open document stays; autosave and crash recovery keep a graph's groups."""

from __future__ import annotations

import json
import random

import pytest

from playground.graph import io
from playground.graph.examples import example_path
from playground.ui.appdata import DATA_DIR_ENV
from playground.ui.window import autosave
from playground.ui.window.autosave import Autosaver, install_autosave
from tests.graph.test_groups import random_grouping
from tests.graph.test_io_groups import broken, tanh_file
from tests.ui.window_helpers import install_dialogs, new_window


@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def test_opening_a_broken_group_says_where_and_keeps_the_open_document(qtbot, tmp_path,
                                                                       dialogs):
    window = new_window(qtbot, tmp_path / "settings.ini")
    bad = tmp_path / "grouped.json"
    bad.write_text(broken(lambda d: d["groups"][1]["outputs"].append("zz")))
    before, title = window.doc.to_data(), window.windowTitle()
    dialogs.open_files.append(str(bad))
    window.action("open").trigger()
    assert window.doc.to_data() == before and window.windowTitle() == title
    (text,) = dialogs.texts("critical")
    assert "grouped.json" in text and "groups[1].outputs[1]: there is no node 'zz'" in text

    good = tmp_path / "tanh.json"
    good.write_text(json.dumps(tanh_file()))
    dialogs.open_files.append(str(good))
    window.action("open").trigger()
    assert window.doc.groups() == ["tanh", "g2"] and window.doc.group_of("e") == "tanh"
    window.undo_stack.setClean()


def test_a_grouped_graph_is_autosaved_and_recovered_with_its_groups(qtbot, tmp_path, data,
                                                                     dialogs, monkeypatch):
    first = new_window(qtbot, tmp_path / "settings0.ini")
    grouped = io.load(example_path("neuron"))
    random_grouping(grouped, random.Random(3), rounds=4)
    assert grouped.groups()
    assert first.editor.replace_document(grouped, "Group at random")
    saver = Autosaver(first, interval_ms=10_000)
    assert saver.autosave()
    assert json.loads(saver.graph_path.read_text())["version"] == 2
    edited = first.doc.to_data()
    assert edited["groups"] == grouped.to_data()["groups"]
    saver.abandon()  # the crash
    first.undo_stack.setClean()

    monkeypatch.setattr(autosave, "ask_recover", lambda parent, orphan: autosave.RECOVER)
    second = new_window(qtbot, tmp_path / "settings1.ini")
    new_saver = install_autosave(second, interval_ms=10_000)
    assert second.doc.to_data() == edited  # the groups too
    assert second.undo_stack.text(second.undo_stack.index() - 1) == "Recover autosaved changes"
    assert io.load(new_saver.graph_path).to_data() == edited
    new_saver.finish()
    second.undo_stack.setClean()


def test_file_export_writes_groups_as_functions_and_dot_as_clusters(qtbot, tmp_path, dialogs):
    window = new_window(qtbot, tmp_path / "settings.ini")
    good = tmp_path / "tanh.json"
    good.write_text(json.dumps(tanh_file()))
    dialogs.open_files.append(str(good))
    window.action("open").trigger()
    for name, out in (("export_python", "t.py"), ("export_torch", "t_torch.py"),
                      ("export_dot", "t.dot")):
        dialogs.save_files.append(str(tmp_path / out))
        window.action(name).trigger()
    assert "# groups are written as functions" in (tmp_path / "t.py").read_text()
    assert "def tanh_group(n):" in (tmp_path / "t.py").read_text()
    assert "    o = ratio_group(one, e)" in (tmp_path / "t_torch.py").read_text()
    dot = (tmp_path / "t.dot").read_text()
    assert 'subgraph "cluster_tanh" {' in dot and 'label="ratio"; style=rounded;' in dot
    window.undo_stack.setClean()
