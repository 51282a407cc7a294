"""A number typed outside a field's range is said under that field and stops Train (UX review,
item 10): the steps field took 0, put 100 back without a word, and 100 steps ran. Typed with
the keyboard as a learner does; the run must not start with any other number."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from playground.graph.marks import WARNING_MARK
from playground.training.config import MAX_STEPS
from playground.ui.training.panel import TrainingPanel

LEFT = Qt.MouseButton.LeftButton


def type_number(qtbot, box, text: str) -> None:
    """Select the field's text, type ``text`` and press Enter (the field commits on Enter)."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.fixture
def panel(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(560, 760)
    panel.show()
    return panel


def test_zero_steps_is_refused_under_the_field_and_no_run_starts(qtbot, panel):
    form = panel.form
    form.tabs.setCurrentIndex(2)  # the Training tab, where Steps is
    type_number(qtbot, form.steps, "0")
    assert form.steps.text() == "0"  # what was typed stays to be read and corrected
    assert form.error_text("steps") == "steps must be at least 1"
    assert form.tabs.tabText(2).endswith(WARNING_MARK)
    assert not panel.train_button.isEnabled()
    assert not panel.controls.step_button.isEnabled()
    assert panel.message_text().startswith("Can't train: steps must be at least 1")
    qtbot.mouseClick(panel.train_button, LEFT)  # a click on the greyed button does nothing
    panel.train_button.setFocus()
    qtbot.keyClick(panel.train_button, Qt.Key.Key_Space)
    qtbot.wait(50)
    assert panel.run is None
    # corrected: the message goes and the run takes the number typed
    type_number(qtbot, form.steps, "3")
    assert form.error_text("steps") == "" and not form.tabs.tabText(2).endswith(WARNING_MARK)
    assert panel.train_button.isEnabled()
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=20_000)
    assert panel.run.trainer.config.steps == 3 and len(panel.run.trainer.history) == 3


@pytest.mark.parametrize(("field", "typed", "message", "tab"), [
    ("steps", "-5", "steps must be at least 1", 2),
    ("steps", str(MAX_STEPS * 10), f"steps can be at most {MAX_STEPS:,}", 2),
    ("batch_size", "-1", "batch size must be at least 0", 2),
    ("seed", "-7", "seed must be at least 0", 2),
    ("momentum", "1.5", "momentum can be at most 0.99", 2),
    ("n_samples", "1", "samples must be at least 2", 0),
    ("noise", "7", "noise can be at most 5", 0),
    ("test_fraction", "95", "test split can be at most 90 %", 0),
])
def test_a_number_outside_its_range_is_said_where_it_was_typed(qtbot, panel, field, typed,
                                                                message, tab):
    form = panel.form
    form.tabs.setCurrentIndex(tab)
    box = form.fields[field]
    type_number(qtbot, box, typed)
    assert form.error_text(field) == message
    assert not panel.train_button.isEnabled() and panel.run is None


def test_the_arrows_stay_inside_the_range(qtbot, panel):
    form = panel.form
    form.tabs.setCurrentIndex(2)
    type_number(qtbot, form.steps, "1")
    form.steps.setFocus()
    qtbot.keyClick(form.steps, Qt.Key.Key_Down)  # the arrow key steps down, not below 1
    assert form.steps.value() == 1 and form.error_text("steps") == ""
