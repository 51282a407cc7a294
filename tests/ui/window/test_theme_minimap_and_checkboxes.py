"""View ▸ Theme reaches the two controls that stayed light or vanished in dark (UX review, item
9): the canvas's minimap, whose ground follows a live switch (grabbed pixels), and the check
boxes, whose indicator gets an edge of 3:1 or more against the ground around it."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionButton

from tests.ui.canvas.test_zoom_and_open import open_example_from_menu, settle
from tests.ui.window.test_theme import (
    choose_theme,
    contrast,
    system_afterwards,  # noqa: F401 (a fixture)
)
from tests.ui.window_helpers import new_window


def minimap_ground(window) -> QColor:
    """The commonest colour of the grabbed minimap: its ground."""
    image = window.view.minimap.grab().toImage()
    counts = Counter(image.pixel(x, y) for x in range(image.width())
                     for y in range(image.height()))
    return QColor.fromRgb(counts.most_common(1)[0][0])


def test_the_minimap_ground_follows_a_live_theme_switch(qtbot, tmp_path, system_afterwards):  # noqa: F811
    window = new_window(qtbot, tmp_path / "settings.ini")
    open_example_from_menu(qtbot, window, "micrograd_readme")  # bigger than the view: a map
    minimap = window.view.minimap
    assert minimap.isVisible()
    choose_theme(window, qtbot, "light")
    light = minimap_ground(window)
    assert light.lightness() > 200, light.name()
    choose_theme(window, qtbot, "dark")
    settle(qtbot)
    dark = minimap_ground(window)
    assert dark.lightness() < 60, dark.name()  # no white panel on the dark canvas
    canvas = window.view.ground()
    assert contrast(dark, canvas) < 1.5  # it sits on the canvas, not glaring off it
    choose_theme(window, qtbot, "light")
    assert minimap_ground(window) == light


def indicator_edge_contrast(box: QCheckBox) -> float:
    """The contrast between the check box indicator's edge (its left column, middle) and the
    widget's ground between the indicator and its words, from grabbed pixels."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    y = rect.center().y()
    edge = QColor.fromRgb(image.pixel(rect.left(), y))
    ground = QColor.fromRgb(image.pixel(rect.right() + 2, y))
    return contrast(edge, ground)


def test_check_boxes_show_an_edge_in_the_dark_theme(qtbot, tmp_path, system_afterwards):  # noqa: F811
    window = new_window(qtbot, tmp_path / "settings.ini")
    window.training.show()
    choose_theme(window, qtbot, "dark")
    boxes = {b.text(): b for b in window.findChildren(QCheckBox)}
    for text in ("Log-scale loss", "whole batch", "follow training, every",
                 "forget it (the lecture's bug)"):
        box = boxes[text]
        assert indicator_edge_contrast(box) >= 3.0, text
    # and a click still ticks it (the style draws the tick as before)
    log = boxes["Log-scale loss"]
    qtbot.waitUntil(log.isVisible, timeout=2000)
    was = log.isChecked()
    qtbot.mouseClick(log, Qt.MouseButton.LeftButton,
                     pos=log.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator,
                                                    _option(log), log).center())
    assert log.isChecked() != was


def _option(box: QCheckBox) -> QStyleOptionButton:
    option = QStyleOptionButton()
    box.initStyleOption(option)
    return option
