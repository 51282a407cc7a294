"""The panel's limits are the config's, and running out of memory is a message, not a crash."""

from __future__ import annotations

from PySide6.QtCore import Qt

import playground.ui.training.panel as panel_module
from playground.training.config import MAX_NEURONS, MAX_SAMPLES, parse_hidden
from playground.ui.training.panel import TrainingPanel


def test_the_form_uses_the_configs_limits(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    assert panel.form.n_samples.allowed == (2, MAX_SAMPLES)
    assert parse_hidden(str(MAX_NEURONS))[0] == (MAX_NEURONS,)
    # one neuron too many: refused at the field, with the limit, and Train is off
    panel.form.hidden.selectAll()
    qtbot.keyClicks(panel.form.hidden, str(MAX_NEURONS + 1))
    assert str(MAX_NEURONS) in panel.form.error_text("hidden")
    assert not panel.train_button.isEnabled()
    panel.form.hidden.selectAll()
    qtbot.keyClicks(panel.form.hidden, str(MAX_NEURONS))
    assert panel.form.error_text("hidden") == ""
    assert panel.train_button.isEnabled()


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
