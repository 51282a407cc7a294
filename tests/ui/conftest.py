"""Fixtures for the window tests (a test module's own fixture of the same name wins)."""

from __future__ import annotations

import pytest

from tests.ui.window_helpers import install_dialogs, new_window


@pytest.fixture
def dialogs(monkeypatch):
    """QMessageBox and QFileDialog replaced by recorders (see window_helpers.Dialogs)."""
    return install_dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    """A 1280x800 window with its own settings file, showing the neuron after Backward."""
    w = new_window(qtbot, tmp_path / "settings.ini", size=(1280, 800))
    yield w
    w.training.shutdown()
    w.undo_stack.setClean()  # closing must not ask


@pytest.fixture
def panel(qtbot):
    """A shown Training panel, 1150x640, its worker stopped afterwards."""
    from playground.ui.training.panel import TrainingPanel

    p = TrainingPanel()
    qtbot.addWidget(p)
    p.resize(1150, 640)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.shutdown()
