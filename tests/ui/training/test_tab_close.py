"""The Training tab's close button is a plain "×" that says what it does.

The style's own close icon (Fusion: a red ✖) on the "Training" tab read as a problem marker,
and nothing said that closing only hides the tab or how to get it back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from playground.ui.training.tab import CLOSE_TIP


def _close_button(window) -> QToolButton:
    tabs = window.training.tabs
    bar = tabs.tabBar()
    index = tabs.indexOf(window.training.panel)
    buttons = [bar.tabButton(index, side) for side in (bar.ButtonPosition.LeftSide,
                                                       bar.ButtonPosition.RightSide)]
    shown = [b for b in buttons if b is not None and b.isVisible()]
    assert len(shown) == 1, buttons
    return shown[0]


def test_training_tab_close_button_says_what_it_does(qtbot, window, tmp_path):
    window.action("show_training").trigger()
    qtbot.wait(10)
    button = _close_button(window)
    assert isinstance(button, QToolButton) and button.text() == "×"
    assert button.toolTip() == CLOSE_TIP and "Ctrl+Shift+T" in button.toolTip()
    assert button.accessibleName() == "Close the Training tab"
    window.training.tabs.tabBar().grab().save(str(tmp_path / "tabs.png"))

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    tabs = window.training.tabs
    assert tabs.count() == 1 and tabs.currentWidget() is window.view
    assert "Ctrl+Shift+T" in window.statusBar().currentMessage()

    window.action("show_training").trigger()  # back, with a new button of the same kind
    qtbot.wait(10)
    assert tabs.currentWidget() is window.training.panel
    again = _close_button(window)
    assert again.text() == "×" and again.toolTip() == CLOSE_TIP
