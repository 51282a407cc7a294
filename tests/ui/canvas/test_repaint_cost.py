"""What an edit repaints besides the changed cards: the colour key only when its picture
changes (its repaint repaints the canvas under it), and the grid from Qt's background cache,
drawn again after a light/dark switch."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QColor, QPalette

from playground.ui import commands as C
from playground.ui.display import DisplayModel
from tests.ui.canvas.test_incremental_repaint import wide_doc
from tests.ui.canvas_helpers import make_canvas


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_key_repaints_when_grads_turn_stale_not_on_every_edit(qtbot):
    doc = wide_doc()
    scene, view, stack = make_canvas(qtbot, doc)
    display = DisplayModel(doc, stack)
    scene.connect_display(display)
    display.backward()
    qtbot.wait(20)
    legend = view.legend
    fresh = legend.grab().toImage()
    paints = Paints()
    legend.installEventFilter(paints)
    stack.push(C.SetValue(doc, "k", 3.0))  # the first edit: the key says "stale"
    qtbot.wait(20)
    assert paints.count >= 1
    stale = legend.grab().toImage()
    assert stale != fresh
    paints.count = 0
    stack.push(C.SetValue(doc, "k", 4.0))  # still stale: the key is the same picture
    qtbot.wait(20)
    assert paints.count == 0
    display.backward()  # fresh again (and another scale: dL/dt3 = k = 4 now)
    qtbot.wait(20)
    assert paints.count >= 1
    assert legend.grab().toImage() != stale
    stack.push(C.SetValue(doc, "k", 2.0))  # back to the start's scale ...
    display.backward()
    qtbot.wait(20)
    assert legend.grab().toImage() == fresh  # ... and to its picture (kept, not repainted)


def test_the_grid_follows_a_dark_palette(qtbot):
    doc = wide_doc()
    scene, view, _stack = make_canvas(qtbot, doc)
    empty = QPoint(view.viewport().width() - 5, 5)
    assert scene.itemAt(view.mapToScene(empty), view.transform()) is None

    def background() -> QColor:
        return view.viewport().grab().toImage().pixelColor(empty)

    assert background().lightness() > 200
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    view.setPalette(dark)
    qtbot.wait(20)
    assert background().lightness() < 80  # not the light grid cached before
