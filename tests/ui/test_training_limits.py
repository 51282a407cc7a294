"""The panel's limits are the config's, and running out of memory is a message, not a crash."""

from __future__ import annotations

from PySide6.QtCore import Qt

import playground.ui.training_panel as panel_module
from playground.training.config import MAX_NEURONS, MAX_SAMPLES
from playground.ui.training_form import parse_hidden
from playground.ui.training_panel import TrainingPanel


def test_the_form_uses_the_configs_limits(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    assert panel.form.n_samples.maximum() == MAX_SAMPLES
    assert parse_hidden(str(MAX_NEURONS))[0] == (MAX_NEURONS,)
    assert parse_hidden(str(MAX_NEURONS + 1))[0] is None


def test_memory_error_making_the_trainer_is_a_clear_message(qtbot, monkeypatch):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.show()

    def no_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(panel_module, "Trainer", no_memory)
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert panel.run is None
    text = panel.message_text()
    assert "not enough memory" in text and "fewer samples" in text
    assert panel.train_button.isEnabled()
