"""View ▸ Theme: System, Light and Dark, chosen with the mouse from the menu, remembered in the
window's settings; the canvas, its cards, the colour key and the training plots follow it with
readable contrast (WCAG: 4.5:1 for text on its ground, measured on grabbed pixels)."""

from __future__ import annotations

from collections import Counter

import pytest
from matplotlib.colors import to_rgb
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from playground.ui.training.plots import TrainingPlots
from playground.ui.window import theme
from tests.ui.window_helpers import new_window


def luminance(c: QColor | tuple[float, float, float]) -> float:
    rgb = (c.redF(), c.greenF(), c.blueF()) if isinstance(c, QColor) else c
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def colours(image: QImage) -> Counter:
    return Counter(image.pixel(x, y) for x in range(image.width())
                   for y in range(image.height()))


def ink_on(image: QImage, ground: int) -> QColor:
    """In the box around the pixels of colour ``ground``, the colour covering 3 pixels or
    more (text stems, not antialiasing) that contrasts most with it."""
    xs = [x for x in range(image.width()) for y in range(image.height())
          if image.pixel(x, y) == ground]
    ys = [y for x in range(image.width()) for y in range(image.height())
          if image.pixel(x, y) == ground]
    box = image.copy(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
    inks = [QColor.fromRgb(p) for p, n in colours(box).items() if n >= 3]
    return max(inks, key=lambda c: contrast(c, QColor.fromRgb(ground)))


def card_rows(window, label: str) -> list[int]:
    """A card's three grounds, grabbed: its name row, its data row and its grad row, the
    commonest colours of its picture that the canvas around it does not have."""
    viewport = window.view.viewport().grab().toImage()
    canvas = set(colours(viewport.copy(viewport.width() - 40, 0, 40, 40)))
    node = next(n for n in window.doc.node_ids() if window.doc.label(n) == label)
    item = window.scene.node_item(node)
    rect = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    image = window.view.viewport().grab(rect).toImage()
    grounds = [p for p, _ in colours(image).most_common() if p not in canvas][:3]
    # top to bottom: by the first row each ground is found on
    first = {g: next(y for y in range(image.height()) for x in range(image.width())
                     if image.pixel(x, y) == g) for g in grounds}
    return [image, *sorted(grounds, key=first.__getitem__)]


@pytest.fixture
def system_afterwards():
    yield
    theme.apply("system")  # the palette is the application's: give the next test its own
    QApplication.processEvents()


def choose_theme(window, qtbot, name: str) -> None:
    """A click on View in the menu bar, one on Theme, one on ``name``."""
    window.activateWindow()
    bar = window.menuBar()
    view = window.findChild(QMenu, "menu_view")
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.actionGeometry(view.menuAction()).center())
    qtbot.waitUntil(view.isVisible, timeout=2000)
    sub = window.findChild(QMenu, "menu_theme")
    QTest.mouseClick(view, Qt.MouseButton.LeftButton,
                     pos=view.actionGeometry(sub.menuAction()).center())
    qtbot.waitUntil(sub.isVisible, timeout=2000)
    action = next(a for a in sub.actions() if a.objectName() == f"theme_{name}")
    QTest.mouseClick(sub, Qt.MouseButton.LeftButton, pos=sub.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)
    QApplication.processEvents()


def check_readable(window, dark: bool) -> None:
    view = window.view
    viewport = view.viewport().grab().toImage()
    background = QColor.fromRgb(viewport.pixel(QPoint(viewport.width() - 8, 8)))
    assert (background.lightness() < 80) == dark, background.name()
    # x1's card: its name, its data and its grad (the most negative: orange) on their grounds
    image, name, data, grad = card_rows(window, "x1")
    assert (QColor.fromRgb(data).lightness() < 100) == dark, QColor.fromRgb(data).name()
    orange = QColor.fromRgb(grad)
    assert orange.red() > orange.blue() + 60, orange.name()
    for ground in (name, data, grad):
        ink = ink_on(image, ground)
        assert contrast(QColor.fromRgb(ground), ink) >= 4.5, (QColor.fromRgb(ground).name(),
                                                               ink.name())
    # the colour key's ground and words
    key = view.legend.grab().toImage()
    key_ground = colours(key).most_common(1)[0][0]
    assert (QColor.fromRgb(key_ground).lightness() < 100) == dark
    assert contrast(QColor.fromRgb(key_ground), ink_on(key, key_ground)) >= 4.5


def test_dark_theme_chosen_from_the_menu_colours_canvas_cards_key_and_plots_readably(
        qtbot, tmp_path, system_afterwards):
    window = new_window(qtbot, tmp_path / "settings.ini")
    window.action("backward").trigger()
    check_readable(window, dark=False)
    choose_theme(window, qtbot, "dark")
    assert window.findChild(QMenu, "menu_theme").actions()[2].isChecked()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    check_readable(window, dark=True)
    window.training.show()
    plots = window.findChild(TrainingPlots, "training_plots")
    qtbot.waitUntil(plots.isVisible, timeout=2000)
    face = to_rgb(plots.ax_loss.get_facecolor())
    assert luminance(face) < 0.05
    title = next(t for t in plots.ax_loss.texts if t.get_text() == "loss")
    assert contrast(face, to_rgb(title.get_color())) >= 4.5
    ticks = plots.ax_loss.get_yticklabels()
    assert ticks and all(contrast(face, to_rgb(t.get_color())) >= 4.5 for t in ticks)
    # back to Light: the plots and the cards follow again
    choose_theme(window, qtbot, "light")
    assert luminance(to_rgb(plots.ax_loss.get_facecolor())) > 0.9
    window.training.show_canvas()
    QApplication.processEvents()
    check_readable(window, dark=False)


def test_the_chosen_theme_survives_into_a_new_window_with_the_same_settings(
        qtbot, tmp_path, system_afterwards):
    settings = tmp_path / "settings.ini"
    first = new_window(qtbot, settings)
    choose_theme(first, qtbot, "dark")
    first.close()
    theme.apply("system")  # as a new start of the app has it
    QApplication.processEvents()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
    second = new_window(qtbot, settings)
    dark = next(a for a in second.findChild(QMenu, "menu_theme").actions()
                if a.objectName() == "theme_dark")
    assert dark.isChecked()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    second.action("backward").trigger()
    QApplication.processEvents()
    check_readable(second, dark=True)
    choose_theme(second, qtbot, "system")
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
    third = new_window(qtbot, settings)
    assert next(a for a in third.findChild(QMenu, "menu_theme").actions()
                if a.objectName() == "theme_system").isChecked()
