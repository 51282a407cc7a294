"""Numeric faults in the window: log(0), x/0, exp(1000), 0 ** -1.

The graph is built in the real window (palette adds, wires, values typed into the inspector),
then Forward and Backward run from the toolbar actions. Warnings must appear on exactly the
nodes whose data or grad is inf or nan (the node item's warning, its tooltip and the amber
badge painted on it), healthy nodes stay clean, and no dialog opens at any point.

Expected numbers, by hand (out = ((log 0 + 3/0) + (exp 1000 + 0 ** -1)) + a*b):
data: log0 = -inf, div0 = inf, exp1000 = inf, powneg = inf, s1 = -inf + inf = nan, s2 = inf,
s3 = nan, out = nan; zero, x, big, m1, a, b, c = a*b = -6 and spare are finite.
grad (d out / d node): x = 1/0 = inf; big = exp(1000) = inf; m1 = 0**-1 * log 0 = -inf;
zero = 1/0 - 3/0**2 - 0**-2 = nan; a = b = -3, b = a = 2, c = 1 (finite); spare: no grad.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from playground.ui import commands as cmd
from playground.ui.canvas import style as S
from tests.ui.reliability_helpers import discarding_window

VALUES = {"zero": "0", "x": "3", "big": "1000", "m1": "-1", "a": "2", "b": "-3", "spare": "5"}
OPS = {"log0": "log", "div0": "div", "exp1000": "exp", "powneg": "pow", "s1": "add",
       "s2": "add", "s3": "add", "c": "mul", "out": "add"}
WIRES = [("zero", "log0", 0), ("x", "div0", 0), ("zero", "div0", 1), ("big", "exp1000", 0),
         ("zero", "powneg", 0), ("m1", "powneg", 1), ("log0", "s1", 0), ("div0", "s1", 1),
         ("exp1000", "s2", 0), ("powneg", "s2", 1), ("s1", "s3", 0), ("s2", "s3", 1),
         ("a", "c", 0), ("b", "c", 1), ("s3", "out", 0), ("c", "out", 1)]
BAD_DATA = {"log0", "div0", "exp1000", "powneg", "s1", "s2", "s3", "out"}
BAD_GRAD = {"x", "big", "m1", "zero"}
REASONS = {"log0": "log of zero", "div0": "division by zero", "exp1000": "overflow",
           "powneg": "zero to a negative power", "s1": "an input is nan or inf"}


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    def no_dialog(*args, **kwargs):
        raise AssertionError("a numeric fault opened a dialog")

    for name in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, no_dialog)
    monkeypatch.setattr(QMessageBox, "exec", no_dialog)
    monkeypatch.setattr(QDialog, "exec", no_dialog)
    return discarding_window(qtbot, tmp_path / "settings.ini")


def select(window, node: str) -> None:
    window.scene.select_nodes([node])
    QApplication.processEvents()  # the window follows the selection on the next loop turn


def type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def build(window) -> dict[str, str]:
    """The faulty graph, made the way a user makes it; returns label -> node id."""
    ids: dict[str, str] = {}
    for i, label in enumerate([*VALUES, *OPS]):
        kind, op = ("value", None) if label in VALUES else ("op", OPS[label])
        node = window.view.add_node_at(kind, op, QPointF(200 * (i % 5), 150 * (i // 5)))
        ids[label] = node
        select(window, node)
        type_into(window.inspector.label_edit, label)
        if label in VALUES:
            type_into(window.inspector.value_edit, VALUES[label])
    for s, t, k in WIRES:
        window.undo_stack.push(cmd.Connect(window.doc, ids[s], ids[t], k))
    select(window, ids["out"])
    window.action("mark_output").trigger()
    window.action("auto_layout").trigger()
    window.view.reset_zoom()
    return ids


def badge_pixels(window, node: str) -> int:
    """Amber pixels where the warning badge is painted (the card's top-right corner)."""
    item = window.scene.node_item(node)
    corner = item.mapToScene(QPointF(item.body.right() - 2, item.body.top() + 1))
    area = QRectF(corner.x() - 12, corner.y() - 12, 24, 24)
    image = QImage(48, 48, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, 48, 48), area)
    painter.end()
    amber = S.WARNING.rgb() & 0xFFFFFF
    return sum(
        1 for x in range(48) for y in range(48) if image.pixel(x, y) & 0xFFFFFF == amber
    )


def shown_warnings(window, ids: dict[str, str]) -> dict[str, str]:
    """label -> the warning the canvas shows on that node (item, tooltip and badge agree)."""
    out = {}
    for label, node in ids.items():
        item = window.scene.node_item(node)
        d = item.display()
        assert d.error is None, f"{label}: a nan/inf is a warning, not an error ({d.error})"
        tip = item.tooltip_text()
        painted = badge_pixels(window, node)
        if d.warning:
            assert tip.startswith(f"⚠ {label}: {d.warning}"), f"{label}'s tooltip: {tip!r}"
            assert painted > 20, f"{label} has a warning but no badge is painted"
            out[label] = d.warning
        else:
            assert "⚠" not in tip, f"{label}'s tooltip warns: {tip!r}"
            assert painted == 0, f"{label} has no warning but a badge is painted"
    return out


def test_inf_and_nan_are_marked_on_exactly_the_affected_nodes(window, qtbot):
    ids = build(window)
    assert window.doc.marked_output == ids["out"]

    window.action("forward").trigger()
    warned = shown_warnings(window, ids)
    assert set(warned) == BAD_DATA
    for label, reason in REASONS.items():
        assert reason in warned[label], f"{label}: {warned[label]!r} should say {reason!r}"
    assert window.statusBar().currentMessage().count("\n") == 0

    QTest.mouseClick(window.toolbar.widgetForAction(window.action("backward")),
                     Qt.MouseButton.LeftButton)
    warned = shown_warnings(window, ids)
    assert set(warned) == BAD_DATA | BAD_GRAD
    for label in BAD_GRAD:
        assert warned[label].startswith("gradient is"), warned[label]
    for label, want in {"a": "-3.0000", "b": "2.0000", "c": "1.0000"}.items():
        assert f"grad {want}" in window.scene.node_item(ids[label]).display_lines()

    select(window, ids["zero"])  # the inspector says it too, in words
    # and where it came from: log(0)'s slope 1/0 (evaluate's reason)
    assert window.inspector.problem_label.text().startswith("⚠ gradient is nan: ")
    assert "local derivative is not finite" in window.inspector.problem_label.text()

    # Editing the fault away (zero := 1) clears the warnings it caused, and only those:
    # exp(1000) still overflows.
    type_into(window.inspector.value_edit, "1")
    window.action("backward").trigger()
    assert set(shown_warnings(window, ids)) == {"exp1000", "s2", "s3", "out", "big"}
