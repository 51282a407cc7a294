"""The inspector writes numbers with the project's formatter (``numbers.number``, as on the
canvas) when 4 decimals tell the whole value, else to 12 significant digits; never float
noise like 0.9999999999999996 (it showed ``repr``: "grad 0.9999999999999996", "data -3.0"
next to the canvas's 1.0000 / -3.0000). The exact value is in the tooltip."""

from __future__ import annotations

import numpy as np

from playground.graph.document import GraphDocument
from playground.ui.inspector.number_field import readout, rounded_array
from tests.ui.teach_helpers import click_node
from tests.ui.window_helpers import new_window, shown

NOISY = 0.9999999999999996


def test_readout() -> None:
    assert readout(NOISY) == "1.0000"
    assert readout(-3.0) == "-3.0000"
    assert readout(-0.0) == "0.0000"
    assert readout(0.123456789012345) == "0.123456789012"
    assert readout(1.23456789e-7) == "1.23456789e-07"
    assert readout(0.30000000000000004) == "0.3000"
    assert readout(float("nan")) == "nan" and readout(float("-inf")) == "-inf"
    a = rounded_array(np.array([[0.30000000000000004, NOISY], [np.inf, 1e-300]]))
    assert a.tolist() == [[0.3, 1.0], [np.inf, 1e-300]]


def test_inspector_numbers_read_like_the_canvas(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "s.ini", example=False)
    try:
        doc = GraphDocument()
        a = doc.add_node("value", value=-3.0, label="a", pos=(0.0, 0.0))
        b = doc.add_node("value", value=NOISY, label="b", pos=(0.0, 150.0))
        c = doc.add_node("value", value=0.123456789012345, label="c", pos=(0.0, 300.0))
        m = doc.add_node("op", op="mul", label="m", pos=(260.0, 60.0))
        s = doc.add_node("op", op="add", label="L", pos=(520.0, 150.0))
        doc.connect(a, m, 0)
        doc.connect(b, m, 1)
        doc.connect(m, s, 0)
        doc.connect(c, s, 1)
        w.files.install(doc, None, "numbers")
        w.display.backward()
        w.view.fit_readable()
        qtbot.wait(10)

        click_node(w, qtbot, a)  # dL/da = b = 0.9999999999999996
        data, grad = w.inspector.data_label, w.inspector.grad_label
        assert data.text() == "-3.0000" == shown(w, a, "data")
        assert grad.text() == "1.0000" == shown(w, a, "grad")
        assert "Exact: 0.9999999999999996" in grad.label.toolTip()
        assert "Exact: -3.0" in data.label.toolTip()
        w.inspector.grab().save(str(tmp_path / "inspector.png"))

        click_node(w, qtbot, c)  # more digits than the canvas where they matter
        assert data.text() == "0.123456789012" and shown(w, c, "data") == "0.1235"
        assert "Exact: 0.123456789012345" in data.label.toolTip()
    finally:
        w.training.shutdown()
        w.undo_stack.setClean()
