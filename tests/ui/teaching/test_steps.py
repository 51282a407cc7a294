"""Step Backward / Step Forward, play, reset and topological order, driven with real keys and
clicks; the panel shows the lecture's numbers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.teach_helpers import (
    by_label,
    click,
    click_node,
    inspector_grad,
    open_example,
    press,
    shown,
    teach_window,
)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def panel_text(window) -> str:
    return window.teaching.steps.text.toPlainText()


def test_step_backward_through_the_lecture_example(window):
    w = window
    open_example(w, "lecture")
    assert not w.teaching.dock.isVisible()
    press(w, Qt.Key.Key_F7)
    assert w.teaching.dock.isVisible()
    assert w.teaching.tabs.currentWidget().objectName() == "step_panel"
    assert "dL/dL = 1" in panel_text(w)
    assert w.teaching.steps.title.text() == "Backward step 1 of 7: L"
    # only the output's grad is known so far; the others appear as the steps reach them
    assert shown(w, "L", "grad") == "1.0000"
    assert shown(w, "a", "grad") == "—"
    seen = {}
    for _ in range(6):
        press(w, Qt.Key.Key_F7)
        step = w.teaching.steps.steps[w.teaching.steps.index]
        seen[step.node] = panel_text(w)
        assert w.teaching.overlay.highlight_nodes == [step.node]
        assert shown(w, step.node, "grad") != "—"
    assert "dL/da = dL/de · de/da = -2.0000 · -3.0000 = 6.0000" in seen["a"]
    assert "dL/db = dL/de · de/db = -2.0000 · 2.0000 = -4.0000" in seen["b"]
    assert "dL/dc = dL/dd · dd/dc = -2.0000 · 1.0000 = -2.0000" in seen["c"]
    assert "dL/df = d = 4.0000" in seen["f"]
    assert "dL/dd = f = -2.0000" in seen["d"]
    assert "dL/de = dL/dd · dd/de = -2.0000 · 1.0000 = -2.0000" in seen["e"]
    assert "Done: every grad is filled in" in panel_text(w)
    expected = {"a": "6.0000", "b": "-4.0000", "c": "-2.0000", "f": "4.0000", "d": "-2.0000",
                "e": "-2.0000"}
    assert {n: shown(w, n, "grad") for n in expected} == expected
    # the step's node and the wire its gradient flows along glow on the canvas
    assert w.teaching.overlay.highlight_edges == [("a", "e", 0)]
    assert len(w.teaching.overlay.items()) >= 2
    press(w, Qt.Key.Key_F7)  # past the end: nothing changes
    assert w.teaching.steps.index == 6


def grad_pixel(window, node_id: str):
    """The colour the canvas paints a node's grad row with (a blank spot of the row)."""
    item = window.scene.node_item(node_id)
    body = item.body
    spot = item.mapToScene(body.left() + body.width() * 0.42, body.bottom() - 3)
    image = window.view.viewport().grab().toImage()
    return image.pixelColor(window.view.mapFromScene(spot)).name()


def test_grad_colours_keep_the_full_backwards_scale_while_stepping(window):
    # Once the key went ±1 -> ±2 -> ±6 while stepping, so L's grad 1.0 was dark
    # blue at step 1 and pale at step 7. Colours now use the whole backward's scale (±6).
    w = window
    open_example(w, "lecture")
    press(w, Qt.Key.Key_F7)  # step 1: only L's grad is known
    assert w.scene.max_abs_grad == 6.0 and w.view.legend.isVisible()
    first = grad_pixel(w, "L")
    for _ in range(6):
        press(w, Qt.Key.Key_F7)
        assert w.scene.max_abs_grad == 6.0
    assert grad_pixel(w, "L") == first
    assert grad_pixel(w, "a") != first  # a's 6.0 is the darkest blue, L's 1.0 pale
    press(w, Qt.Key.Key_F6)  # forward steps show no grads: the key says so
    assert w.scene.grad_state() == "none"
    w.action("step_reset").trigger()
    w.action("backward").trigger()
    assert grad_pixel(w, "L") == first  # the same colour as after Backward


def test_toolbar_button_and_reset(window):
    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()
    ids = by_label(w)
    button = w.toolbar.widgetForAction(w.action("step_backward"))
    assert button.objectName() == "toolbutton_step_backward"
    click(button)
    click(button)
    assert w.teaching.steps.index == 1
    assert shown(w, ids["a"], "grad") == "—"
    click(w.teaching.steps.buttons["step_reset"])
    assert w.teaching.steps.mode is None and w.teaching.overlay.items() == []
    assert shown(w, ids["a"], "grad") == "6.0000"  # the real Backward numbers are back
    assert "Step Backward" in panel_text(w)


def test_a_node_used_twice_sums_its_contributions(window):
    w = window
    open_example(w, "a_plus_a")
    press(w, Qt.Key.Key_F7)
    press(w, Qt.Key.Key_F7)
    assert ("db/da = 1.0000 (via b, left input) + 1.0000 (via b, right input) = 2.0000"
            in panel_text(w))
    assert set(w.teaching.overlay.highlight_edges) == {("a", "b", 0), ("a", "b", 1)}


def test_play_runs_to_the_end_at_the_chosen_speed(window, qtbot):
    w = window
    open_example(w, "lecture")
    steps = w.teaching.steps
    steps.speed.setValue(steps.speed.maximum())
    assert steps.speed_value.text() == "0.15 s per step"
    press(w, Qt.Key.Key_F8)
    assert steps.playing and w.action("step_play").text() == "Pause"
    qtbot.waitUntil(lambda: not steps.playing, timeout=5000)
    assert steps.index == len(steps.steps) - 1 == 6
    assert w.action("step_play").text() == "Play"


def test_an_edit_ends_the_step_through(window, qtbot):
    from playground.ui import commands as cmd

    w = window
    open_example(w, "lecture")
    press(w, Qt.Key.Key_F7)
    w.undo_stack.push(cmd.SetValue(w.doc, "a", 3.0))
    qtbot.waitUntil(lambda: w.teaching.steps.mode is None)
    assert "starts over" in w.teaching.steps.title.text()
    assert w.teaching.overlay.items() == []


def test_step_forward_shows_data_inputs_first(window):
    w = window
    open_example(w, "lecture")
    texts = {}
    for _ in range(7):
        press(w, Qt.Key.Key_F6)
        step = w.teaching.steps.steps[w.teaching.steps.index]
        texts[step.node] = panel_text(w)
        if step.node == "e":
            assert shown(w, "d", "data") == "—"  # d comes later
            assert shown(w, "e", "data") == "-6.0000"
    assert "e = a * b = 2.0000 * -3.0000 = -6.0000" in texts["e"]
    assert "L = d * f = 4.0000 * -2.0000 = -8.0000" in texts["L"]


def test_topological_order_numbers(window):
    w = window
    open_example(w, "lecture")
    press(w, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert w.action("topo_order").isChecked()
    overlay = w.teaching.overlay
    order = w.display.evaluation.order
    assert [overlay.badge_text(n) for n in order] == [str(i + 1) for i in range(7)]
    pos = {n: i for i, n in enumerate(order)}
    for e in w.doc.edges():  # every wire goes from a smaller number to a larger one
        assert pos[e.source] < pos[e.target]
    w.action("topo_order").trigger()
    assert overlay.badge_text("a") is None


# --- the inspector while stepping ---------------------------------------------------------

NOT_REACHED = "— (not reached yet: keep stepping, F7)"


def test_inspector_shows_the_grad_as_of_the_current_step(window, qtbot):
    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()  # the final grads exist: the inspector must not leak them
    press(w, Qt.Key.Key_F7)
    steps = w.teaching.steps
    assert [s.node for s in steps.steps] == ["L", "f", "d", "e", "c", "b", "a"]
    click_node(w, qtbot, "a")
    assert shown(w, "a", "grad") == "—"
    assert inspector_grad(w) == NOT_REACHED
    assert not w.inspector.meaning_label.isVisibleTo(w.inspector)
    for _ in range(5):  # f, d, e, c, b: a stays selected and not reached
        press(w, Qt.Key.Key_F7)
        assert w.inspector.node == "a" and inspector_grad(w) == NOT_REACHED
    assert steps.steps[steps.index].node == "b"
    click_node(w, qtbot, "b")  # reached this very step
    assert inspector_grad(w) == "-4.0000" and shown(w, "b", "grad") == "-4.0000"
    click_node(w, qtbot, "L")  # reached first: d L / d L = 1
    assert inspector_grad(w) == "1.0000" and shown(w, "L", "grad") == "1.0000"
    click_node(w, qtbot, "a")
    assert inspector_grad(w) == NOT_REACHED
    press(w, Qt.Key.Key_F7)  # the last step reaches a: the inspector follows at once
    assert shown(w, "a", "grad") == "6.0000" and inspector_grad(w) == "6.0000"
    assert "L changes by about +6.0000·h" in w.inspector.meaning_label.text()
    press(w, Qt.Key.Key_F7)  # start over: only L is known again
    press(w, Qt.Key.Key_F6)
    press(w, Qt.Key.Key_F7)
    assert steps.index == 0 and inspector_grad(w) == NOT_REACHED
    click(steps.buttons["step_reset"])  # the real Backward's numbers come back everywhere
    assert inspector_grad(w) == "6.0000" and shown(w, "a", "grad") == "6.0000"
    click_node(w, qtbot, "c")
    assert inspector_grad(w) == "-2.0000" and shown(w, "c", "grad") == "-2.0000"


def test_step_forward_and_an_edit_bring_the_inspector_back(window, qtbot):
    from playground.ui import commands as cmd

    w = window
    open_example(w, "lecture")
    w.action("backward").trigger()
    press(w, Qt.Key.Key_F6)  # forward: data appear inputs first, no grads at all
    click_node(w, qtbot, "L")
    assert shown(w, "L", "data") == "—" and w.inspector.data_label.text() == "—"
    assert shown(w, "L", "grad") == "—" and inspector_grad(w) == "— (press Backward)"
    press(w, Qt.Key.Key_F7)
    assert inspector_grad(w) == "1.0000"
    w.undo_stack.push(cmd.SetValue(w.doc, "a", 3.0))  # an edit ends the step-through
    qtbot.waitUntil(lambda: w.teaching.steps.mode is None)
    assert w.inspector.data_label.text() == "-2.0000" and shown(w, "L", "data") == "-2.0000"
    assert "stale" in inspector_grad(w)  # as the canvas: the last Backward's, greyed
