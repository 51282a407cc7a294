"""The Training tab in a small window: it shrinks, a hidden tab never sets the window's size,
and the run buttons never move under the pointer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QProgressBar, QSpinBox

from tests.ui.window_helpers import new_window

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def small_window(qtbot, tmp_path, dialogs):
    """A window as on a 1024x768 screen, with the Learn dock open (as the reviewer had it)."""
    w = new_window(qtbot, tmp_path / "settings.ini", size=(1024, 700))
    w.teaching.open_lesson("chain")
    qtbot.waitUntil(lambda: w.teaching.dock.isVisible())
    yield w
    w.training.shutdown()
    w.undo_stack.setClean()


def settle(qtbot) -> None:
    qtbot.wait(50)


def test_visiting_the_training_tab_does_not_make_the_window_wider(qtbot, small_window):
    w = small_window
    fresh = w.minimumSizeHint().width()
    w.action("show_training").trigger()
    qtbot.waitUntil(lambda: w.training.panel is not None and w.training.panel.plots is not None)
    settle(qtbot)
    assert w.minimumSizeHint().width() <= 700  # the panel itself shrinks a long way
    w.action("show_training").trigger()  # back to the graph: its docks come back
    settle(qtbot)
    assert w.centralWidget().currentWidget() is w.view and w.teaching.dock.isVisible()
    assert w.width() == 1024, "the window grew itself past a 1024 px screen"
    # the hidden Training tab counts for nothing: only the tab bar's width is new
    assert w.minimumSizeHint().width() <= fresh + 100
    w.teaching.dock.close()
    settle(qtbot)
    assert w.width() == 1024
    w.resize(600, 500)
    settle(qtbot)
    assert w.width() <= 610


def _inside(panel, widget) -> bool:
    top_left = widget.mapTo(panel, widget.rect().topLeft())
    return panel.rect().contains(QRect(top_left, widget.size()))


def test_the_training_tab_fits_800_by_600_without_clipping_a_control(qtbot, small_window):
    w = small_window
    panel = w.training.show()
    qtbot.waitUntil(lambda: panel.plots is not None)
    settle(qtbot)  # the graph's docks (the Learn dock is 934 px wide) step aside
    assert not w.teaching.dock.isVisible()
    w.resize(800, 600)
    settle(qtbot)
    assert (w.width(), w.height()) == (800, 600)
    controls = [c for kind in (QAbstractButton, QComboBox, QSpinBox, QProgressBar)
                for c in panel.findChildren(kind)
                if c.isVisible() and c.window() is w
                and not any(c is s or s.isAncestorOf(c) for s in (panel.form.tabs,))]
    assert len(controls) >= 15
    for c in controls:
        name = c.objectName() or c.text() if isinstance(c, QAbstractButton) else c.objectName()
        assert _inside(panel, c), f"{name} sticks out of the panel"
        hint = c.minimumSizeHint()
        assert c.width() >= min(hint.width(), c.minimumWidth() or hint.width()), (
            f"{name} is squashed: {c.width()} < {hint.width()}")
        assert c.height() >= hint.height() - 1, f"{name} is cut: {c.height()}"
    # the plots keep a readable size
    assert panel.plots.canvas.width() >= 240 and panel.plots.canvas.height() >= 150


def buttons_at(panel) -> list[QRect]:
    return [QRect(b.mapTo(panel, b.rect().topLeft()), b.size())
            for b in (panel.train_button, panel.pause_button, panel.step_button,
                      panel.reset_button)]


def test_the_run_buttons_stay_put_when_the_backend_or_the_status_changes(qtbot):
    from playground.ui.training.panel import TrainingPanel

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 640)
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot)
    before = buttons_at(panel)
    tabs = panel.form.tabs
    qtbot.mouseClick(tabs.tabBar(), LEFT, pos=tabs.tabBar().tabRect(2).center())
    backend = panel.form.backend
    backend.setFocus()
    qtbot.keyClick(backend, Qt.Key.Key_Down)  # tensor -> scalar
    assert backend.currentData() == "scalar"
    settle(qtbot)
    assert buttons_at(panel) == before  # the buttons did not move...
    assert "s a step here" in panel.form.backend_note_text()  # ...for the scalar hint
    qtbot.keyClick(backend, Qt.Key.Key_Up)
    settle(qtbot)
    assert panel.form.backend_note_text() == "" and buttons_at(panel) == before

    # a run with a test split: the status gets a second line of numbers
    panel.form.test_percent.setValue(20)
    panel.form.steps.setValue(5)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run.state == "finished", timeout=20_000)
    settle(qtbot)
    assert "test loss" in panel.status.text()
    assert buttons_at(panel) == before
    panel.shutdown()
