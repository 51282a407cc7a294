"""The accumulation-bug switch belongs to the graph it was ticked on: opening any other
document unticks it, and while it is on a red banner over the canvas says so."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from tests.ui.teach_helpers import by_label, click, inspector_grad, shown, teach_window

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def bug_on(w, qtbot):
    w.action("show_bug").trigger()
    bug = w.teaching.panels["bug"]
    click(bug.switch)
    assert bug.switch.isChecked()
    qtbot.waitUntil(lambda: w.teaching.bug_banner.isVisible())
    return bug


def assert_bug_off(w, qtbot, bug):
    qtbot.wait(20)  # the bug's re-run is queued on the event loop: let it (not) run
    assert not bug.switch.isChecked()
    assert not w.teaching.bug_banner.isVisible()
    assert w.teaching.owner is None
    assert not w.teaching.overlay.marks  # no red "should be" badges


def test_opening_lesson_1_turns_the_bug_off(window, qtbot):
    w = window
    bug = bug_on(w, qtbot)
    assert "WITH THE BUG" in w.teaching.bug_banner.text()
    w.findChild(QMenu, "lessons").actions()[0].trigger()  # Help > Lessons > 1
    assert_bug_off(w, qtbot, bug)
    x = by_label(w)["x"]
    assert shown(w, x, "grad") == "14.0000"  # what the card says Backward gets
    w.inspector.set_node(x)
    assert "bug" not in inspector_grad(w)


@pytest.mark.parametrize("how", ["example", "new", "file", "expression", "network"])
def test_any_other_document_turns_the_bug_off(window, qtbot, tmp_path, how):
    w = window
    bug = bug_on(w, qtbot)
    if how == "example":
        assert w.files.open_example("lecture", ask=False)
    elif how == "new":
        w.action("new").trigger()
    elif how == "file":
        from playground.graph import io

        path = tmp_path / "g.json"
        io.save(w.doc, path)
        assert w.files.open_path(path)
    elif how == "expression":
        panel = w.teaching.panels["expression"]
        w.teaching.show_tab("expression")
        panel.set_text("a = 3.0\nL = a*a")
        click(panel.build_button)
    elif how == "network":
        w.action("show_training").trigger()
        qtbot.waitUntil(lambda: w.training.panel is not None)
        panel = w.training.panel
        qtbot.mouseClick(panel.show_button, LEFT)
        qtbot.waitUntil(lambda: "network" in w.windowTitle())
        w.training.show_canvas()
    assert_bug_off(w, qtbot, bug)
    assert w.scene.evaluation is w.display.evaluation
    if how == "network":
        w.training.shutdown()


def test_the_bug_tabs_own_example_keeps_it_on(window, qtbot):
    w = window
    bug = bug_on(w, qtbot)
    click(bug.open_a)
    qtbot.waitUntil(lambda: w.teaching.owner is bug)
    assert bug.switch.isChecked() and w.teaching.bug_banner.isVisible()
    assert shown(w, "a", "grad") == "1.0000"  # still the bug's answer
    click(bug.switch)
    assert not w.teaching.bug_banner.isVisible()
    assert shown(w, "a", "grad") == "2.0000"


def test_the_banner_opens_the_bug_tab(window, qtbot):
    w = window
    bug = bug_on(w, qtbot)
    w.teaching.show_tab("check")
    banner = w.teaching.bug_banner
    w.grab().save("/tmp/round2/1_bug_banner.png")
    qtbot.mouseClick(banner, LEFT, pos=banner.rect().center())
    assert w.teaching.tabs.currentWidget() is bug
