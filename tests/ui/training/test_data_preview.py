"""The Data tab's preview: its caption and its points never cover each other."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF

from playground.ui.training.preview import CLASS_QCOLORS, EMPTY_NOTE_FLAGS


def show_data_tab(qtbot, panel) -> None:
    tabs = panel.form.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count())
                              if tabs.tabText(i).lower().startswith("data")))
    qtbot.waitUntil(lambda: panel.form.data.preview.isVisible())


def class_pixels_in(image, box: QRectF) -> int:
    wanted = [QColor(c) for c in CLASS_QCOLORS[:2]]
    count = 0
    r = box.toAlignedRect()
    for x in range(max(r.left(), 0), min(r.right(), image.width() - 1) + 1):
        for y in range(max(r.top(), 0), min(r.bottom(), image.height() - 1) + 1):
            c = image.pixelColor(x, y)
            if any(abs(c.red() - w.red()) + abs(c.green() - w.green())
                   + abs(c.blue() - w.blue()) < 60 for w in wanted):
                count += 1
    return count


@pytest.mark.parametrize("preset", ["lecture", "demo"])
def test_no_point_is_drawn_on_the_caption(qtbot, panel, preset):
    getattr(panel, f"apply_{preset}_preset")()
    show_data_tab(qtbot, panel)
    preview = panel.form.data.preview
    caption = preview.caption_rect()
    assert caption.height() > 0 and preview.point_count() > 0
    points = preview.point_positions()
    assert len(points) == preview.point_count()
    frame = QRectF(preview.rect())
    for centre, radius, _ring, _c in points:
        disc = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        assert not disc.intersects(caption), (centre, caption)
        assert frame.contains(disc)
    # and in the pixels: no class colour inside the caption's line
    image = preview.grab().toImage()
    assert class_pixels_in(image, caption) == 0
    assert class_pixels_in(image, frame) > 0  # the points are painted (the check can fail)


def text_pixels_outside(image, square: QRectF) -> int:
    """Dark grey (text) pixels of ``image`` outside ``square`` and inside the frame's line."""
    inside = square.adjusted(-1, -1, 1, 1)
    count = 0
    for x in range(3, image.width() - 3):
        for y in range(3, image.height() - 3):
            c = image.pixelColor(x, y)
            grey = abs(c.red() - c.blue()) < 12 and abs(c.red() - c.green()) < 12
            if grey and c.red() < 170 and not inside.contains(x + 0.5, y + 0.5):
                count += 1
    return count


def test_an_empty_painting_says_how_to_paint_inside_the_square_to_click(qtbot, panel):
    combo = panel.form.dataset
    combo.setCurrentIndex(combo.findData("painted"))
    show_data_tab(qtbot, panel)
    preview = panel.form.data.preview
    qtbot.waitUntil(lambda: preview.paintable)
    square = preview.painting_square()
    assert square is not None and preview.point_count() == 0
    note = preview.empty_note_rect()
    assert square.contains(note)
    # the words fit in it, wrapped
    metrics = QFontMetricsF(preview._caption_font())
    needed = metrics.boundingRect(note, int(EMPTY_NOTE_FLAGS.value), preview._note)
    assert "left click" in preview._note and note.contains(needed), (needed, note)
    # and in the pixels: no text across the square's dashed line or around it
    image = preview.grab().toImage()
    assert text_pixels_outside(image, square) == 0
    assert text_pixels_outside(image, QRectF()) > 0  # the words are painted (it can fail)
