"""The Data tab's preview: its caption and its points never cover each other."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from playground.ui.training.preview import CLASS_QCOLORS


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
