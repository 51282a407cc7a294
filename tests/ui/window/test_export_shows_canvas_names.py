"""Issue 14 §2: an exported script prints each node under the name its card shows on the
canvas ("3*x**2 − 4*x"), never an internal id ("sub7"), and with the canvas's numbers."""

from __future__ import annotations

import importlib.util

import pytest

from tests.graph.test_export import run_scripts
from tests.ui.window_helpers import install_dialogs, new_window

HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini")
    yield w
    w.undo_stack.setClean()  # closing must not ask


@pytest.mark.parametrize("example", ["polynomial", "micrograd_readme"])
def test_exported_scripts_print_the_names_the_cards_show(window, dialogs, tmp_path, example):
    assert window.files.open_example(example, ask=False)
    doc = window.doc
    cards = {n: window.scene.node_item(n).label for n in doc.node_ids()}
    unnamed = [n for n in doc.node_ids() if cards[n] != n]
    assert unnamed  # the example has ops the user never named (sub7, mul4, ...)
    kinds = ["python", "torch"] if HAS_TORCH else ["python"]
    codes = {}
    for kind in kinds:  # File ▸ Export, as the user does it
        path = tmp_path / f"{example}_{kind}.py"
        dialogs.save_files.append(str(path))
        window.action(f"export_{kind}").trigger()
        codes[kind] = path.read_text()
    got = run_scripts(codes, tmp_path)
    shown = window.scene.evaluation  # the numbers on the cards
    order = list(shown.order)  # the scripts print in evaluation order
    for kind in kinds:
        printed = [name for name, _, _ in got[kind].rows]
        assert printed == [cards[n] for n in order], kind
        for n in unnamed:
            assert n not in printed, (kind, n)
        for (name, data, _), n in zip(got[kind].rows, order, strict=True):
            assert data == pytest.approx(shown.results[n].data), (kind, name)
