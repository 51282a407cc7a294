"""The message under the training plots never changes the plots' size: the "Done" line at
the end of a run used to shrink them by its height (the layout jumped)."""

from __future__ import annotations

from PySide6.QtCore import Qt

LEFT = Qt.MouseButton.LeftButton


def test_done_message_does_not_move_the_plots(qtbot, panel):
    qtbot.mouseClick(panel.lecture_button, LEFT)
    panel.form.steps.setValue(10)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.plots is not None)
    qtbot.wait(20)
    during = panel.plot_holder.geometry()
    assert panel.message_text() == ""
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=20_000)
    qtbot.waitUntil(lambda: panel.message_text().startswith("Done"))
    qtbot.wait(20)
    assert panel.plot_holder.geometry() == during
    panel.grab().save("/tmp/round2/7_training_done.png")
