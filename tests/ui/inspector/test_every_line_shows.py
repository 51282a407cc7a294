"""The inspector shows every line of every label, wide or narrow (no text cut off)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea

from playground.ops import OPS
from playground.ui.widgets.wrap_label import WrapLabel
from tests.ui.window_helpers import install_dialogs, new_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    w = new_window(qtbot, tmp_path / "settings.ini", size=(1280, 800))
    yield w
    w.undo_stack.setClean()


def settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


def cut_labels(window) -> list[str]:
    """Visible labels of the inspector that are shorter than their text or stick out."""
    scroll = window.inspector.findChild(QScrollArea)
    viewport = scroll.viewport()
    problems = []
    for label in window.inspector.findChildren(QLabel):
        if not label.isVisibleTo(window.inspector) or not label.text():
            continue
        name = label.objectName() or label.text()[:30]
        if label.wordWrap() and label.height() < label.heightForWidth(label.width()):
            problems.append(f"{name}: {label.height()} px high, needs "
                            f"{label.heightForWidth(label.width())}")
        right = label.mapTo(viewport, QPoint(label.width(), 0)).x()
        if right > viewport.width() + 1:
            problems.append(f"{name}: right edge {right} past the viewport {viewport.width()}")
    return problems


@pytest.mark.parametrize("width", [None, 260])
def test_every_op_description_shows_fully(qtbot, window, width):
    if width is not None:
        window.resizeDocks([window.inspector], [width], Qt.Orientation.Horizontal)
    settle(qtbot)
    if width is not None:
        assert window.inspector.width() <= width + 10
    seen = []
    for name in OPS:
        node = window.edits.add_at_centre(f"op:{name}")
        assert node is not None
        window.select([node])
        settle(qtbot)
        assert window.inspector.op_label.isVisible()
        assert OPS[name].description.split()[0] in window.inspector.op_label.text()
        seen += [f"{name}: {p}" for p in cut_labels(window)]
        window.undo_stack.undo()
    assert seen == []


def test_long_labels_wrap_and_get_their_height(qtbot, window):
    window.resizeDocks([window.inspector], [260], Qt.Orientation.Horizontal)
    node = window.edits.add_at_centre("op:matmul")
    window.select([node])
    settle(qtbot)
    op = window.inspector.op_label
    assert isinstance(op, WrapLabel)
    assert "∂out/∂left" in op.text() and "∂out/∂right" in op.text()
    assert op.height() >= op.heightForWidth(op.width()) > 4 * op.fontMetrics().height()
    body = window.inspector.findChild(QScrollArea).widget()
    assert body.minimumSizeHint().width() <= window.inspector.width()
    # a value with a long error message
    window.select([window.doc.node_ids()[0]])
    settle(qtbot)
    window.inspector.value_edit.setText("[[1, 2], [3")
    window.inspector._commit_value()
    settle(qtbot)
    assert window.inspector.value_error.isVisible()
    assert cut_labels(window) == []
