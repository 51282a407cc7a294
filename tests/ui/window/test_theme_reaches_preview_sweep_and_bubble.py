"""View ▸ Theme reaches the parts that stayed light: the Training tab's data preview, the
learning-rate sweep window and the canvas's message bubble. Each is grabbed in both themes and
its words are measured against their ground (WCAG: 4.5:1), as in test_theme.py."""

from __future__ import annotations

from matplotlib.colors import to_rgb
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor

from playground.training.config import TrainConfig
from tests.ui.training.test_sweep_view import DONE_MS, open_sweep, set_range
from tests.ui.window.test_theme import (
    choose_theme,
    colours,
    contrast,
    ink_on,
    luminance,
    system_afterwards,  # noqa: F401 (a fixture)
)
from tests.ui.window_helpers import new_window

LEFT = Qt.MouseButton.LeftButton


def check_bubble(window, dark: bool) -> None:
    """A refusal's bubble on the canvas: its fill follows the theme, its words read on it."""
    view, scene = window.view, window.scene
    at = view.mapToScene(view.viewport().rect().center())
    bubble = scene.show_bubble("connecting + to / would make a cycle", QPointF(at))
    view.viewport().repaint()
    box = bubble.box().translated(view.mapFromScene(bubble.scenePos()).toPointF())
    image = view.viewport().grab(box.toRect().adjusted(3, 3, -3, -3)).toImage()
    fill = colours(image).most_common(1)[0][0]
    assert (QColor.fromRgb(fill).lightness() < 100) == dark, QColor.fromRgb(fill).name()
    ink = ink_on(image, fill)
    assert contrast(QColor.fromRgb(fill), ink) >= 4.5, (QColor.fromRgb(fill).name(), ink.name())
    bubble.remove()


def check_preview(preview, dark: bool) -> None:
    """The data preview's ground, its painting square and its caption."""
    image = preview.grab().toImage()
    ground = colours(image).most_common(1)[0][0]
    assert (QColor.fromRgb(ground).lightness() < 80) == dark, QColor.fromRgb(ground).name()
    caption = preview.caption_rect().toRect()
    assert caption.height() > 0, "the preview has a caption to read"
    words = image.copy(caption.adjusted(0, 0, 0, 2))
    words_ground = colours(words).most_common(1)[0][0]
    assert contrast(QColor.fromRgb(words_ground), ink_on(words, words_ground)) >= 4.5


def check_sweep(window, dark: bool) -> None:
    """The sweep's figure: its ground, its verdicts and its curves on that ground."""
    window.canvas.draw()
    face = to_rgb(window.axes[0].get_facecolor())
    assert (luminance(face) < 0.05) == dark and (luminance(face) > 0.9) == (not dark)
    for ax in window.axes:
        assert contrast(face, to_rgb(ax.title.get_color())) >= 4.5, ax.get_title()
        ticks = ax.get_xticklabels()
        assert ticks and all(contrast(face, to_rgb(t.get_color())) >= 4.5 for t in ticks)
    for line in window.lines:
        assert contrast(face, to_rgb(line.get_color())) >= 4.5, line.get_color()
    image = window.canvas.grab().toImage()
    ground = QColor.fromRgb(colours(image).most_common(1)[0][0])
    assert (ground.lightness() < 80) == dark, ground.name()


def test_dark_theme_reaches_the_data_preview_the_sweep_window_and_the_bubble(
        qtbot, tmp_path, system_afterwards):  # noqa: F811
    window = new_window(qtbot, tmp_path / "settings.ini")
    check_bubble(window, dark=False)
    choose_theme(window, qtbot, "dark")
    check_bubble(window, dark=True)

    window.training.show()
    qtbot.waitUntil(window.training.is_current)
    panel = window.training.panel
    panel.form.set_config(TrainConfig(steps=40))
    preview = panel.form.data.preview
    qtbot.waitUntil(lambda: preview.point_count() > 0)
    check_preview(preview, dark=True)
    # the painting square too: a dark ground to click on, not a white one
    panel.form.dataset.setCurrentIndex(panel.form.dataset.findData("painted"))
    qtbot.waitUntil(lambda: preview.paintable)
    square = preview.painting_square().toRect()
    inside = preview.grab(QRect(square.center(), square.center())).toImage()
    assert QColor.fromRgb(inside.pixel(0, 0)).lightness() < 80
    panel.form.dataset.setCurrentIndex(panel.form.dataset.findData("moons"))
    qtbot.waitUntil(lambda: not preview.paintable)

    sweep = open_sweep(qtbot, panel)
    set_range(qtbot, sweep, "1e-3", "100")
    qtbot.mouseClick(sweep.start_button, LEFT)
    qtbot.waitUntil(lambda: sweep.state == "done", timeout=DONE_MS)
    assert any(w.startswith(("blew", "worse", "unstable")) for w in sweep.words), sweep.words
    check_sweep(sweep, dark=True)

    # and back: each part follows to Light again
    choose_theme(window, qtbot, "light")
    check_sweep(sweep, dark=False)
    check_preview(preview, dark=False)
    sweep.close()
    window.training.show_canvas()
    check_bubble(window, dark=False)
    window.training.shutdown()
