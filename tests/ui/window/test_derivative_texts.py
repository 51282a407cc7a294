"""Every derivative text names an unnamed output in full, in parentheses (UX review item 1).

The review built y = x*tanh(x + b) and left the product unnamed: its card reads "x*…", and the
status bar said "every grad is dx*…/d(node)", which reads as dx times something.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.window_helpers import view_point

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def _review_file(tmp_path: Path, depth: int = 0) -> Path:
    """x = 3, b = 1, an unnamed x*tanh(x + b); ``depth`` unnamed tanh's more on top."""
    nodes = [
        {"id": "x", "kind": "value", "label": "x", "value": 3.0, "pos": [0, 0]},
        {"id": "b", "kind": "value", "label": "b", "value": 1.0, "pos": [0, 120]},
        {"id": "s", "kind": "op", "op": "add", "pos": [200, 120]},
        {"id": "t", "kind": "op", "op": "tanh", "pos": [400, 120]},
        {"id": "y", "kind": "op", "op": "mul", "pos": [600, 0]},
    ]
    edges = [{"source": "x", "target": "s", "slot": 0}, {"source": "b", "target": "s", "slot": 1},
             {"source": "s", "target": "t", "slot": 0}, {"source": "x", "target": "y", "slot": 0},
             {"source": "t", "target": "y", "slot": 1}]
    last = "y"
    for i in range(depth):
        nodes.append({"id": f"u{i}", "kind": "op", "op": "tanh", "pos": [800 + 200 * i, 0]})
        edges.append({"source": last, "target": f"u{i}", "slot": 0})
        last = f"u{i}"
    path = tmp_path / "review.json"
    path.write_text(json.dumps({"format": "backprop-playground", "version": 1, "nodes": nodes,
                                "edges": edges}), encoding="utf-8")
    return path


def _meaning(window) -> str:
    """The inspector's sentence, its no-break spaces (no wrap inside a name) read as spaces."""
    return window.inspector.meaning_label.text().replace("\u00a0", " ")


def _click(window, node_id: str) -> None:
    window.view.ensure_node_visible(node_id)
    QTest.mouseClick(window.view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier,
                     view_point(window, node_id))
    window.sync_selection()


def test_backward_from_an_unnamed_output_writes_its_whole_name_in_parentheses(
        window, tmp_path):
    assert window.files.open_path(_review_file(tmp_path))
    assert window.doc.display_name("y") == "x*…"  # the card is short of room
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_B, CTRL)
    status = window.statusBar().currentMessage()
    assert "every grad is d(x*tanh(x + b))/d(node)" in status, status
    assert "Backward from x*tanh(x + b)" in status
    assert window.state_label.text() == "grads: d(x*tanh(x + b))/d(node)"
    assert "…" not in status + window.state_label.text()

    _click(window, "y")
    assert _meaning(window) == (
        "Backward starts here: d(x*tanh(x + b))/d(x*tanh(x + b)) = 1.")
    _click(window, "x")
    meaning = _meaning(window)
    assert meaning.startswith("If x goes up by a small h, x*tanh(x + b) changes by about +")


def test_an_output_whose_whole_name_is_too_long_is_called_the_output(window, tmp_path):
    assert window.files.open_path(_review_file(tmp_path, depth=5))
    out = "u4"  # x*tanh(x + b) in five more tanh: 43 characters, past TEXT_MAX
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_B, CTRL)
    status = window.statusBar().currentMessage()
    assert "Backward from the output: every grad is d(output)/d(node)" in status, status
    assert window.state_label.text() == "grads: d(output)/d(node)"
    _click(window, out)
    assert _meaning(window) == "Backward starts here: d(output)/d(output) = 1."
    _click(window, "x")
    assert _meaning(window).startswith(
        "If x goes up by a small h, the output changes by about ")
