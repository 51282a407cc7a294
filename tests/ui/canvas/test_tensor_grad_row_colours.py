"""A tensor card's grad row is coloured per element, not in its largest element's colour.

The tensor example's W.grad has mixed signs; its grad row used to be filled orange (the colour
of its largest |element|, a negative one) as if every element were negative.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.ui.canvas.style import WHITE, grad_fill


def _grad_row_image(window, node_id: str) -> QImage:
    """The node's grad row as the canvas shows it on screen."""
    item = window.view.graph_scene.node_item(node_id)
    body = item.body
    row = QRectF(body.left() + 2, body.top() + body.height() * 0.62 + 2,
                 body.width() - 4, body.height() * 0.38 - 5)
    rect = window.view.mapFromScene(item.mapToScene(row)).boundingRect()
    return window.view.viewport().grab(rect).toImage()


def _near(c: QColor, target: QColor, tol: int = 40) -> bool:
    return (abs(c.red() - target.red()) + abs(c.green() - target.green())
            + abs(c.blue() - target.blue())) < tol


def _share(image: QImage, target: QColor) -> float:
    w, h = image.width(), image.height()
    hits = sum(_near(image.pixelColor(x, y), target) for x in range(w) for y in range(h))
    return hits / (w * h)


def test_a_mixed_sign_tensor_grad_row_is_coloured_per_element(window, qtbot, tmp_path):
    assert window.files.open_example("tensor_layer", ask=False)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # Backward
    QApplication.processEvents()
    grad = np.asarray(window.display.evaluation.results["W"].grad)
    assert grad.min() < 0 < grad.max()  # mixed signs: the case the row used to hide
    window.view.centerOn(window.view.graph_scene.node_item("W"))
    QApplication.processEvents()
    image = _grad_row_image(window, "W")
    image.save(str(tmp_path / "W_grad_row.png"))
    scale = max(float(np.abs(r.grad).max()) for r in window.display.evaluation.results.values()
                if r.grad is not None)
    whole_row = grad_fill(float(grad.reshape(-1)[np.argmax(np.abs(grad))]), scale)
    # The row is not one block of the largest element's colour ...
    assert _share(image, whole_row) < 0.15
    assert _share(image, WHITE) > 0.4
    # ... and each element's square shows its own sign: blue and orange are both there.
    wanted = [grad_fill(float(v), scale) for v in (grad.min(), grad.max())]
    assert all(_share(image, c) > 0.0 for c in wanted), [c.name() for c in wanted]


def test_a_scalar_grad_row_keeps_its_fill(window, qtbot):
    """A number's grad row is still filled in its grad's colour (the neuron's x1: -1.5)."""
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    result = window.display.evaluation.results["x1"]
    scale = max(abs(float(r.grad)) for r in window.display.evaluation.results.values()
                if r.grad is not None)
    image = _grad_row_image(window, "x1")
    assert _share(image, grad_fill(float(result.grad), scale)) > 0.4
