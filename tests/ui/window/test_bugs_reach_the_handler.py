"""Fallbacks catch only what is expected; a bug reaches the app's error handler.

(The wiggle leaf list, the decision grid, the plots' layout and File > Export each used to
catch every exception and carry on silently.)
"""

from __future__ import annotations

import numpy as np
import pytest

import playground.ui.teaching.wiggle_panel as wiggle_module
from playground.teach import TeachError
from playground.training.config import TrainConfig
from playground.training.trainer import Trainer
from playground.ui.training import worker as workers
from tests.ui.teach_helpers import open_example, teach_window
from tests.ui.window_helpers import install_dialogs, new_window


class Bug(RuntimeError):
    pass


def broken(*_args, **_kwargs):
    raise Bug("a bug")


# --- wiggle --------------------------------------------------------------------------------

@pytest.fixture
def teach(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def test_wiggle_leaf_list_empties_for_a_teach_error_but_not_for_a_bug(teach, monkeypatch):
    open_example(teach, "lecture")
    teach.action("show_wiggle").trigger()
    panel = teach.teaching.panels["wiggle"]
    assert panel.leaf.count() > 0

    def not_numbers(_doc):
        raise TeachError("this works on graphs of numbers only")

    monkeypatch.setattr(wiggle_module, "Replay", not_numbers)
    panel.refill()
    assert panel.leaf.count() == 0
    monkeypatch.setattr(wiggle_module, "Replay", broken)
    with pytest.raises(Bug):
        panel.refill()


# --- decision grid -------------------------------------------------------------------------

def grid_worker() -> workers.TrainWorker:
    trainer = Trainer(TrainConfig())
    return workers.TrainWorker(trainer, workers.Grid.around(trainer.dataset.X))


def test_decision_grid_overflow_is_quiet_but_a_bug_is_reported(qapp, monkeypatch):
    reported = []
    monkeypatch.setattr(workers, "report", reported.append)
    worker = grid_worker()
    assert worker._decision_grid() is not None

    def overflow(_points):
        raise OverflowError("math range error")

    monkeypatch.setattr(worker.trainer, "decision_function", overflow)
    assert worker._decision_grid() is None and reported == []
    monkeypatch.setattr(worker.trainer, "decision_function", broken)
    assert worker._decision_grid() is None
    assert [type(e) for e in reported] == [Bug]


# --- plots layout --------------------------------------------------------------------------

def test_plots_layout_skips_a_collapsed_figure_but_not_a_bug(qtbot, monkeypatch):
    from playground.ui.training.plots import TrainingPlots

    plots = TrainingPlots()
    qtbot.addWidget(plots)

    def singular(_figure):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(plots._layout, "execute", singular)
    plots._lay_out()  # quietly keeps the old positions
    monkeypatch.setattr(plots._layout, "execute", broken)
    with pytest.raises(Bug):
        plots._lay_out()


# --- File > Export -------------------------------------------------------------------------

@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini")
    yield w
    w.undo_stack.setClean()


def test_export_shows_a_dialog_for_os_errors_and_lets_bugs_through(window, dialogs, tmp_path,
                                                                    monkeypatch):
    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(window.files, "write_export", full)
    dialogs.save_files.append(str(tmp_path / "g.dot"))
    assert window.files.export("dot") is False
    assert "No space left on device" in dialogs.texts("critical")[0]

    monkeypatch.setattr(window.files, "write_export", broken)
    dialogs.calls.clear()
    dialogs.save_files.append(str(tmp_path / "g.dot"))
    with pytest.raises(Bug):
        window.files.export("dot")
    assert "critical" not in dialogs.kinds()
