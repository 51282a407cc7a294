"""Practice (F9) on a graph with a group, with real keys and clicks: the level on show is what is
asked (a group card as its output, its inside once opened), answers are kept across levels, the
hints through a group say "computed by its inside", and no order of grouping, undo, opening and
stopping raises. Every answer typed is the engine's own grad (a Backward of the document)."""

from __future__ import annotations

import itertools
import os

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from playground.graph.evaluate import evaluate
from playground.ui.canvas.group_card import GroupCard, OutsideCard
from tests.ui.teach_helpers import by_label, double_click_card, press, shown, teach_window

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = os.environ.get("PRACTICE_SHOTS")  # a folder: save screenshots there to look at


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    yield from teach_window(qtbot, tmp_path, monkeypatch)


def panel(w):
    return w.teaching.practice


def open_tanh_lesson(w) -> tuple[str, dict[str, str]]:
    """Lesson 14: tanh beside the same tanh built from exp, the exp part one group."""
    w.findChild(QAction, "lesson_tanh_from_exp").trigger()
    (gid,) = w.doc.groups()
    w.teaching.card.hide()  # the lesson's own task is not what these tests practise
    return gid, by_label(w)


def grads(w) -> dict[str, float]:
    """The engine's grads of the graph on the canvas (what every answer must be)."""
    ev = evaluate(w.doc, backward=True)
    return {n: r.grad for n, r in ev.results.items()}


def start(qtbot, w) -> None:
    press(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: panel(w).answer.hasFocus(), timeout=2000)


def asked(w) -> str | None:
    q = panel(w).session.current
    return None if q is None else q.node


def type_answer(qtbot, w, text: str) -> None:
    """Type into the answer box (clicked first, as a learner coming from the canvas) + Enter."""
    box = panel(w).answer
    if not box.hasFocus():
        QTest.mouseClick(box, LEFT)
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)


def answer_right(qtbot, w) -> str:
    node = asked(w)
    assert node is not None
    type_answer(qtbot, w, repr(grads(w)[node]))
    assert panel(w).verdict.kind == "right", panel(w).feedback.toPlainText()
    return node


def save(qtbot, w, name: str) -> None:
    if SHOTS:
        qtbot.wait(50)
        w.grab().save(os.path.join(SHOTS, name))


def test_the_group_card_is_asked_as_its_output_and_its_inside_is_not_asked_above(
        qtbot, window):
    w = window
    gid, ids = open_tanh_lesson(w)
    start(qtbot, w)
    session = panel(w).session
    # the top level: the nodes on show, and the card as its output o_exp; nothing hidden
    assert [q.node for q in session.questions] == [
        ids["both"], ids["o_exp"], ids["o_tanh"], ids["n_exp"], ids["n_tanh"]]
    assert session.questions[1].card == gid
    assert answer_right(qtbot, w) == ids["both"]
    # the card's question: d(both)/d(o_exp), glowing on the card, "—" on it until answered
    assert panel(w).prompt.text() == "d(both)/d(o_exp) ="
    assert "the output of tanh from exp (its card glows)" in panel(w).title.text()
    overlay = w.teaching.overlay
    assert overlay.highlight_nodes == [ids["o_exp"]]
    assert w.scene.card_for(ids["o_exp"]) is w.scene.node_item(gid)
    assert isinstance(w.scene.node_item(gid), GroupCard)
    assert overlay.node_tag(ids["o_exp"]) == "d(both)/d(o_exp) = ?"
    assert shown(w, gid, "grad") == "—"
    save(qtbot, w, "practice_group_card.png")
    answer_right(qtbot, w)
    assert shown(w, gid, "grad") == "1.0000"
    while asked(w) is not None:
        answer_right(qtbot, w)
    # the top is done; the inside waits to be opened
    assert not session.done and session.level_done
    assert panel(w).title.text() == "Practice: every grad here is found"
    text = panel(w).feedback.toPlainText()
    assert "open tanh from exp (double-click its card) for the 4 grads inside it" in text
    assert panel(w).answer.isReadOnly()
    assert shown(w, ids["n_exp"], "grad") == "0.5000"


def test_opening_the_group_asks_its_inside_and_going_back_up_resumes_with_answers_kept(
        qtbot, window):
    w = window
    gid, ids = open_tanh_lesson(w)
    start(qtbot, w)
    answer_right(qtbot, w)  # both
    double_click_card(w, gid)  # before the card's own question: open it
    assert w.scene.scope == gid
    qtbot.waitUntil(lambda: panel(w).session.scope == gid, timeout=2000)
    session = panel(w).session
    # inside: the output first (the same grad its card asks for), then the inner nodes;
    # the outside input n_exp (a dimmed card) is not asked here
    inner = [q.node for q in session.questions]
    assert inner[0] == ids["o_exp"] and ids["e"] in inner
    assert ids["n_exp"] not in inner
    assert isinstance(w.scene.node_item(ids["n_exp"]), OutsideCard)
    assert shown(w, ids["n_exp"], "grad") == "—"
    assert panel(w).title.text().startswith("Inside tanh from exp · Practice 1 of 5")
    assert "from outside" in panel(w).feedback.toPlainText()
    assert panel(w).answer.hasFocus()  # the next answer is typed straight away
    # its hint: the grad comes from outside the group
    type_answer(qtbot, w, "7")
    hint = panel(w).feedback.toPlainText()
    assert "o_exp is an output of tanh from exp: its grad comes from outside the group" in hint
    answer_right(qtbot, w)  # o_exp
    answer_right(qtbot, w)  # e + 1
    assert shown(w, ids["o_exp"], "grad") == "1.0000"
    save(qtbot, w, "practice_inside_group.png")
    # up by Alt+Up (the canvas focused): the top resumes after what is answered, o_exp too
    w.view.setFocus()
    w.clear_selection()
    QTest.keyClick(w.view, Qt.Key.Key_Up, ALT)
    assert w.scene.scope is None
    qtbot.waitUntil(lambda: panel(w).session.scope is None, timeout=2000)
    assert asked(w) == ids["o_tanh"]
    assert shown(w, gid, "grad") == "1.0000"  # the card shows the answer found inside
    assert panel(w).title.text().startswith("Practice 3 of 5")
    answer_right(qtbot, w)
    # in again by the canvas: the inside carries on where it was left
    double_click_card(w, gid)
    qtbot.waitUntil(lambda: panel(w).session.scope == gid, timeout=2000)
    assert panel(w).title.text().startswith("Inside tanh from exp · Practice 3 of 5")
    named = {w.doc.display_name(n): n for n in w.doc.node_ids()}
    assert shown(w, named["e + 1"], "grad") == "-0.1036"
    while asked(w) is not None:
        answer_right(qtbot, w)
    text = panel(w).feedback.toPlainText()
    assert "Every grad inside tanh from exp is found" in text
    assert "go back up (Alt+Up, or the bar over the canvas) for 2 grads more" in text
    # back up by the breadcrumb's first part, with the mouse
    qtbot.mouseClick(w.view.breadcrumb.buttons[0], LEFT)
    qtbot.waitUntil(lambda: panel(w).session.scope is None, timeout=2000)
    while asked(w) is not None:
        answer_right(qtbot, w)
    session = panel(w).session
    assert session.done and (session.score, session.total) == (8, 9)  # o_exp took two tries
    assert panel(w).title.text() == "Practice: done"
    assert "Score: 8 of 9 right at the first try; o_exp needed more than one" in (
        panel(w).feedback.toPlainText())


def test_a_wrong_answer_through_the_group_card_says_computed_by_its_inside(qtbot, window):
    w = window
    gid, ids = open_tanh_lesson(w)
    start(qtbot, w)
    while asked(w) != ids["n_exp"]:
        answer_right(qtbot, w)
    type_answer(qtbot, w, "1")
    text = panel(w).feedback.toPlainText()
    assert "d(both)/d(n_exp) = d(both)/d(o_exp) · d(o_exp)/d(n_exp) = 1.0000 · ?" in text
    assert ("? is d(o_exp)/d(n_exp): how tanh from exp's output o_exp moves when n_exp moves, "
            "computed by its inside") in text
    overlay = w.teaching.overlay
    assert overlay.marks == {gid: overlay.colour_hex("source")} or gid in overlay.marks
    # the wire from n_exp into the card glows: one of the flat wires it stands for
    assert any(w.scene.edge_item(*k) is not None for k in overlay.highlight_edges)
    type_answer(qtbot, w, "1")
    text = panel(w).feedback.toPlainText()
    assert "d(o_exp)/d(n_exp) = 0.5000, computed by its inside: tanh from exp is a group" in text
    type_answer(qtbot, w, "0.5")
    assert panel(w).verdict.kind == "right"


def level_cards(w) -> tuple[list[str], list[str]]:
    """The plain node cards and the group cards on show (not the outside inputs)."""
    items = w.scene.node_map.items()
    nodes = [n for n, i in items if not isinstance(i, OutsideCard | GroupCard)]
    groups = [n for n, i in items if isinstance(i, GroupCard)]
    return nodes, groups


def click_card(w, node_id: str, mods=NONE) -> None:
    item = w.scene.node_item(node_id)
    w.view.ensureVisible(item)
    p = w.view.mapFromScene(item.mapToScene(QPointF(item.body.width() / 2,
                                                    item.body.height() * 0.6)))
    QTest.mouseClick(w.view.viewport(), LEFT, mods, p)


def on_canvas(w, key, mods=NONE) -> None:
    w.view.setFocus()
    QTest.keyClick(w.view, key, mods)


def do(qtbot, w, action: str) -> None:
    """One thing a learner does, with real keys and clicks."""
    p = panel(w)
    if action == "start":
        press(w, Qt.Key.Key_F9)
    elif action in ("answer", "wrong"):
        if p.running and p.session.current is not None:
            type_answer(qtbot, w, repr(grads(w)[asked(w)]) if action == "answer" else "123")
    elif action == "group":
        nodes, _groups = level_cards(w)
        pairs = [(a, b) for a, b in itertools.combinations(nodes, 2)
                 if w.doc.group_refusal([a, b]) is None]
        if pairs:
            w.clear_selection()
            click_card(w, pairs[0][0])
            click_card(w, pairs[0][1], CTRL)
            on_canvas(w, Qt.Key.Key_G, CTRL)
    elif action == "ungroup":
        _nodes, groups = level_cards(w)
        if groups:
            w.clear_selection()
            click_card(w, groups[0])
            on_canvas(w, Qt.Key.Key_G, CTRL | SHIFT)
    elif action == "undo":
        on_canvas(w, Qt.Key.Key_Z, CTRL)
    elif action == "redo":
        on_canvas(w, Qt.Key.Key_Z, CTRL | SHIFT)
    elif action == "open":
        _nodes, groups = level_cards(w)
        if groups:
            double_click_card(w, groups[0])
    elif action == "up":
        w.clear_selection()
        on_canvas(w, Qt.Key.Key_Up, ALT)
    elif action == "delete":  # a group card if there is one: numbers change, the round ends
        nodes, groups = level_cards(w)
        if groups or nodes:
            w.clear_selection()
            click_card(w, (groups or nodes)[0])
            on_canvas(w, Qt.Key.Key_Delete)
    elif action == "stop":
        p.start_button.setFocus()
        QTest.keyClick(p.start_button, Qt.Key.Key_Escape)
    else:
        raise AssertionError(action)


def check_practice_follows_the_canvas(qtbot, w) -> None:
    """While practising: the level asked is the level on show, the node asked has a card
    there, and its expected grad is the engine's."""
    qtbot.wait(1)  # the level change that an edit or a double-click leaves for later
    p = panel(w)
    if not p.running:
        return
    session = p.session
    assert session.scope == w.scene.scope
    q = session.current
    if q is None:
        assert p.answer.isReadOnly()
        return
    assert w.scene.card_for(q.node) is not None, q.name
    rep = w.doc.representative(q.node, session.scope)
    assert rep == (q.card or q.node)  # its own card, or the group card standing for it
    assert q.expected == pytest.approx(grads(w)[q.node], rel=1e-12, abs=1e-12)


ACTIONS = ("start", "answer", "wrong", "group", "ungroup", "undo", "redo", "open", "up",
           "delete", "stop")


@pytest.mark.parametrize("order", [
    # the brief's own orders first, then every pair of actions after a start, then a few
    # longer seeded mixes
    ("start", "group", "open", "answer", "undo", "up", "answer", "redo", "stop"),
    ("start", "open", "answer", "group", "open", "answer", "undo", "undo", "up", "stop"),
    ("group", "start", "ungroup", "answer", "undo", "open", "answer", "redo", "up", "stop"),
    ("start", "answer", "open", "ungroup", "answer", "undo", "answer", "redo", "stop", "undo"),
    ("start", "open", "delete", "undo", "start", "up", "delete", "undo", "open", "answer"),
])
def test_no_order_of_grouping_undo_opening_and_stopping_breaks_practice(qtbot, window, order):
    w = window
    open_tanh_lesson(w)
    for action in order:
        do(qtbot, w, action)
        check_practice_follows_the_canvas(qtbot, w)


def test_every_pair_of_actions_while_practising_keeps_practice_on_the_level_shown(
        qtbot, window):
    w = window
    open_tanh_lesson(w)
    start_doc = w.doc.to_data()
    for first, second in itertools.product(ACTIONS[1:], repeat=2):
        w.doc.replace_with(type(w.doc).from_data(start_doc))
        w.editor.forget_history()
        w.scene.set_scope(None)
        do(qtbot, w, "start")
        for action in (first, "answer", second, "answer", "open", "answer", "up"):
            do(qtbot, w, action)
            check_practice_follows_the_canvas(qtbot, w)
        do(qtbot, w, "stop")


def test_grouping_while_practising_asks_the_new_card_and_undo_keeps_every_answer(
        qtbot, window):
    w = window
    assert w.files.open_example("lecture", ask=False)
    w.display.backward()
    start(qtbot, w)
    assert answer_right(qtbot, w) == "L"
    assert answer_right(qtbot, w) == "f"
    assert asked(w) == "d"
    # the learner groups d = e + c with e = a*b: one card, standing for d
    w.clear_selection()
    click_card(w, "d")
    click_card(w, "e", CTRL)
    on_canvas(w, Qt.Key.Key_G, CTRL)
    (gid,) = w.doc.groups()
    qtbot.waitUntil(lambda: panel(w).session.current.card == gid, timeout=2000)
    assert asked(w) == "d" and w.teaching.overlay.highlight_nodes == ["d"]
    assert w.scene.card_for("d") is w.scene.node_item(gid)
    assert [q.node for q in panel(w).session.questions] == ["L", "f", "d", "c", "b", "a"]
    assert panel(w).title.text().startswith("Practice 3 of 6: the grad of d, the output of")
    answer_right(qtbot, w)  # d, as the card
    assert shown(w, gid, "grad") == "-2.0000"
    assert asked(w) == "c"
    type_answer(qtbot, w, "5")
    assert "dd/dc = ?" not in panel(w).feedback.toPlainText()
    assert "computed by its inside" in panel(w).feedback.toPlainText()
    answer_right(qtbot, w)  # c
    score = panel(w).session.score
    # undo the grouping: e is on show again and is asked next; nothing answered is lost
    on_canvas(w, Qt.Key.Key_Z, CTRL)
    assert not w.doc.groups()
    qtbot.waitUntil(lambda: asked(w) == "e", timeout=2000)
    session = panel(w).session
    assert session.answered == ["L", "f", "d", "c"] and session.score == score
    assert shown(w, "d", "grad") == "-2.0000" and shown(w, "e", "grad") == "—"
    assert panel(w).title.text().startswith("Practice 5 of 7: the grad of e")
    # redo: e hides in the card again, and is not asked at the top
    on_canvas(w, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: asked(w) == "b", timeout=2000)
    answer_right(qtbot, w)
    answer_right(qtbot, w)
    assert panel(w).session.level_done and not panel(w).session.done
    assert "for the grad inside it" in panel(w).feedback.toPlainText()


def test_a_card_with_two_outputs_asks_each_one_by_name_on_the_card(qtbot, window):
    from playground.graph.expr import parse

    w = window
    doc = parse("a = 2.0\nb = -3.0\nc = 4.0\np = a*b\nq = p + c\nL = p*q\n")
    n = {doc.label(k): k for k in doc.node_ids() if doc.label(k)}
    gid = doc.add_group([n["p"], n["q"]], label="pq")
    w.doc.replace_with(doc)
    w.editor.forget_history()
    w.view.fit_all()
    start(qtbot, w)
    answer_right(qtbot, w)  # L
    assert asked(w) == n["q"] and w.scene.card_for(n["q"]) is w.scene.node_item(gid)
    assert "the grad of q, one of pq's outputs (its card glows" in panel(w).title.text()
    assert w.teaching.overlay.node_tag(n["q"]) == "dL/dq = ?"
    answer_right(qtbot, w)
    assert asked(w) == n["p"]
    type_answer(qtbot, w, "1")
    assert "p is used inside pq too" in panel(w).feedback.toPlainText()
    save(qtbot, w, "practice_two_outputs.png")
    answer_right(qtbot, w)
    while asked(w) is not None:
        answer_right(qtbot, w)
    assert panel(w).session.done  # p and q, the whole inside, were answered as the card
    assert shown(w, gid, "grad") == summary_of(grads(w)[n["p"]])


def summary_of(x: float) -> str:
    from playground.graph.numbers import summary

    return summary(x)
