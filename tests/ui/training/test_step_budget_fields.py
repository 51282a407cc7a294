"""Issue 18 §3 in the panel: a run too big for one step's memory is refused at the field to
lower, typed with the keyboard as a learner would; steps past ``MAX_STEPS`` are refused there."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from playground.graph.marks import WARNING_MARK
from playground.training.config import MAX_STEPS
from playground.ui.training.panel import TrainingPanel

SHOTS = os.environ.get("BUDGET_SHOTS")
"""A folder to save the screenshots in (unset: none saved)."""


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll() if hasattr(widget, "selectAll") else None
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)  # spin boxes commit on Enter (no key tracking)


def _choose_backend(qtbot, panel: TrainingPanel, name: str) -> None:
    box = panel.form.backend
    box.setFocus()
    key = Qt.Key.Key_Down if name == "scalar" else Qt.Key.Key_Up
    qtbot.keyClick(box, key)
    assert box.currentData() == name


def test_scalar_run_too_big_is_refused_under_samples_and_freed_by_the_tensor_backend(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 760)
    panel.show()
    _type(qtbot, panel.form.hidden, "64, 64")
    _type(qtbot, panel.form.n_samples, "20000")
    assert panel.form.n_samples.value() == 20000
    assert panel.form.error_text("n_samples") == ""  # the tensor backend handles it
    assert panel.train_button.isEnabled()

    _choose_backend(qtbot, panel, "scalar")
    text = panel.form.error_text("n_samples")
    assert "the scalar backend would build ~177 M nodes a step" in text
    assert "use the tensor backend, fewer samples (at most" in text
    assert not panel.train_button.isEnabled()
    assert panel.form.tabs.tabText(0).endswith(WARNING_MARK)  # the Data tab is marked
    if SHOTS:
        panel.form.tabs.setCurrentIndex(0)
        panel.grab().save(os.path.join(SHOTS, "budget_samples.png"))

    _choose_backend(qtbot, panel, "tensor")
    assert panel.form.error_text("n_samples") == ""
    assert panel.train_button.isEnabled()


def test_layers_too_big_for_the_scalar_backend_are_refused_under_hidden_layers(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 760)
    panel.show()
    _choose_backend(qtbot, panel, "scalar")
    _type(qtbot, panel.form.hidden, "4096, 4096, 4096")
    text = panel.form.error_text("hidden")
    assert "scalar backend would build" in text and "smaller hidden layers" in text
    assert "34 M parameters now" in text
    assert not panel.train_button.isEnabled()
    if SHOTS:
        panel.form.tabs.setCurrentIndex(1)
        panel.grab().save(os.path.join(SHOTS, "budget_hidden.png"))
    _type(qtbot, panel.form.hidden, "16, 16")
    assert panel.form.error_text("hidden") == ""
    assert panel.train_button.isEnabled()


def test_steps_past_the_cap_the_cli_refuses_are_refused_under_the_field(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert panel.form.steps.allowed == (1, MAX_STEPS)
    assert f"{MAX_STEPS:,}" in panel.form.steps.toolTip()
    _type(qtbot, panel.form.steps, "100000000")
    assert panel.form.steps.value() == 100_000_000  # as typed, not cut to another number
    assert panel.form.error_text("steps") == f"steps can be at most {MAX_STEPS:,}"
    assert not panel.train_button.isEnabled()
    assert panel.config().steps <= MAX_STEPS
