"""Groups on the canvas (scope.py, group_card.py, breadcrumb.py; Graph ▸ Group/Ungroup): real
mouse clicks and keys on the window, the document and the undo stack checked after each."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from playground.graph.document import GraphDocument
from playground.graph.layout import layered_layout
from playground.graph.numbers import summary
from playground.ui.canvas.group_card import GroupCard, OutsideCard
from playground.ui.canvas.view_zoom import GROUP_SMALLEST_FIT
from tests.ui.canvas_helpers import body_point, click, drag, undo_texts, vp_point

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
EXP_PART = ("2n", "e", "e-1", "e+1", "o")


def tanh_from_exp() -> GraphDocument:
    """The lecture's tanh built from exp: o = (e - 1) / (e + 1), e = exp(2n), n = x*w + b."""
    d = GraphDocument()
    for name, v in (("x", 2.0), ("w", -3.0), ("b", 6.8813735870195432), ("two", 2.0),
                    ("one", 1.0)):
        d.add_node("value", value=v, label=name, node_id=name)
    for name, op in (("xw", "mul"), ("n", "add"), ("2n", "mul"), ("e", "exp"),
                     ("e-1", "sub"), ("e+1", "add"), ("o", "div")):
        d.add_node("op", op=op, label=name, node_id=name)
    for s, t, k in (("x", "xw", 0), ("w", "xw", 1), ("xw", "n", 0), ("b", "n", 1),
                    ("two", "2n", 0), ("n", "2n", 1), ("2n", "e", 0), ("e", "e-1", 0),
                    ("one", "e-1", 1), ("e", "e+1", 0), ("one", "e+1", 1), ("e-1", "o", 0),
                    ("e+1", "o", 1)):
        d.connect(s, t, k)
    for n, p in layered_layout(d, 200.0, 100.0).items():
        d.move(n, p)
    return d


def load(window) -> None:
    window.doc.replace_with(tanh_from_exp())
    window.editor.forget_history()
    window.display.backward()
    window.view.fit_all()


def select_by_clicks(window, ids) -> None:
    """Click the first card, Ctrl-click the others (real mouse events on the canvas)."""
    view, scene = window.view, window.scene
    for i, n in enumerate(ids):
        click(view, body_point(scene, n, fy=0.6), CTRL if i else NONE)
    assert sorted(scene.selected_node_ids()) == sorted(ids)


def key(window, k, mods=NONE) -> None:
    QTest.keyClick(window.view, k, mods)


def double_click(view, p: QPointF) -> None:
    vp, at = view.viewport(), vp_point(view, p)
    QTest.mousePress(vp, LEFT, NONE, at)
    QTest.mouseRelease(vp, LEFT, NONE, at)
    QTest.mouseDClick(vp, LEFT, NONE, at)
    QTest.mouseRelease(vp, LEFT, NONE, at)


def group_exp_part(window) -> str:
    load(window)
    select_by_clicks(window, EXP_PART)
    key(window, Qt.Key.Key_G, CTRL)
    gid = window.doc.groups()[-1]
    return gid


def test_ctrl_g_makes_the_selection_one_card_showing_the_outputs_numbers_in_one_undo_step(
        window):
    load(window)
    before = window.doc.to_data()
    o_data = window.scene.evaluation.results["o"].data
    select_by_clicks(window, EXP_PART)
    key(window, Qt.Key.Key_G, CTRL)
    doc, scene = window.doc, window.scene
    (gid,) = doc.groups()
    assert doc.group_label(gid) == "group1"
    assert undo_texts(window.undo_stack) == ["Group 5 nodes as group1"]
    card = scene.node_item(gid)
    assert isinstance(card, GroupCard) and card.isSelected()
    assert all(scene.node_item(n) is None for n in EXP_PART)  # inside, not on the top level
    assert set(card.slot_names) == {"two", "n", "one"}  # one port per outside source
    lines = card.display_lines()
    assert lines[:2] == ["▣", "group1"] and lines[-2] == f"data {o_data:.4f}"
    assert scene.evaluation.results["o"].data == o_data  # grouping changes no number
    # the wire n -> 2n now enters the card's port for n
    edge = scene.edge_item("n", "2n", 1)
    assert (edge.from_id, edge.to_id) == ("n", gid)
    assert card.slot_names[edge.to_slot] == "n"
    # one feeds e-1 and e+1 inside: one wire into the card, not two
    assert sum(1 for e in scene.edge_items() if e.from_id == "one") == 1
    key(window, Qt.Key.Key_Z, CTRL)
    assert doc.to_data() == before and scene.node_item("o") is not None
    key(window, Qt.Key.Key_Y, CTRL)
    assert doc.groups() == [gid] and isinstance(scene.node_item(gid), GroupCard)


def test_ctrl_shift_g_on_a_group_card_restores_the_nodes_exactly_and_undo_regroups(window):
    load(window)
    before = window.doc.to_data()
    gid = group_exp_part(window)
    grouped = window.doc.to_data()
    click(window.view, body_point(window.scene, gid, fy=0.6))
    key(window, Qt.Key.Key_G, CTRL | SHIFT)
    assert window.doc.to_data() == before
    assert window.scene.node_item("e") is not None and window.scene.node_item(gid) is None
    assert sorted(window.scene.selected_node_ids()) == sorted(EXP_PART)
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.to_data() == grouped
    key(window, Qt.Key.Key_Y, CTRL)
    assert window.doc.to_data() == before


def test_group_and_ungroup_refusals_are_said_and_change_nothing(window):
    load(window)
    before = window.doc.to_data()
    window.view.setFocus()
    window.clear_selection()
    key(window, Qt.Key.Key_G, CTRL)
    assert window.editor.last_refusal == "select the nodes to group first"
    assert window.statusBar().currentMessage() == "select the nodes to group first"
    if window.view.hasFocus():  # a bubble where the learner works
        assert window.scene.bubble.text == "select the nodes to group first"
    click(window.view, body_point(window.scene, "x", fy=0.6))
    key(window, Qt.Key.Key_G, CTRL | SHIFT)
    assert window.editor.last_refusal == "select one group card to ungroup"
    assert window.doc.to_data() == before and window.undo_stack.count() == 0


def test_ctrl_g_around_a_node_between_the_selected_ones_is_refused_and_says_what_to_add(
        window):
    load(window)
    before = window.doc.to_data()
    select_by_clicks(window, ["e", "e+1", "o"])  # e-1 takes e and feeds o: it sits between
    key(window, Qt.Key.Key_G, CTRL)
    assert window.editor.last_refusal.startswith(
        "e-1 takes a value from the selection and feeds one back into it")
    assert "Add e-1 to the selection" in window.statusBar().currentMessage()
    assert window.doc.to_data() == before and window.undo_stack.count() == 0
    select_by_clicks(window, ["e", "e+1", "o", "e-1"])  # as the message says: now it groups
    key(window, Qt.Key.Key_G, CTRL)
    assert len(window.doc.groups()) == 1 and window.undo_stack.count() == 1


def test_double_click_opens_a_group_and_the_breadcrumb_alt_up_and_backspace_lead_back(
        window, qtbot):
    gid = group_exp_part(window)
    scene, view = window.scene, window.view
    window.editor.set_label(gid, "tanh")
    double_click(view, body_point(scene, gid, fy=0.6))
    assert scene.scope == gid
    assert view.breadcrumb.isVisible() and view.breadcrumb.parts() == ["Graph", "▣ tanh"]
    # inside: the group's nodes, its outside inputs read-only at the left, its output marked
    assert {n for n, i in scene.node_map.items() if not isinstance(i, OutsideCard)} == set(
        EXP_PART)
    outside = {n for n, i in scene.node_map.items() if isinstance(i, OutsideCard)}
    assert outside == {"two", "n", "one"}
    left = min(scene.node_item(n).pos().x() for n in EXP_PART)
    assert all(scene.node_item(n).pos().x() < left for n in outside)
    assert not scene.node_item("n").flags() & scene.node_item("n").GraphicsItemFlag.ItemIsMovable
    double_click(view, body_point(scene, "n", fy=0.1))  # its name: read-only here
    assert scene.card_editor is None and "outside this group" in (
        window.statusBar().currentMessage())
    # the whole group and its outside inputs are in view (at 1280 x 800 they read at 74%)
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(scene.nodes_rect()) and view.zoom() >= GROUP_SMALLEST_FIT
    qtbot.mouseClick(view.breadcrumb.buttons[0], LEFT)
    assert scene.scope is None and isinstance(scene.node_item(gid), GroupCard)
    double_click(view, body_point(scene, gid, fy=0.6))
    assert scene.scope == gid
    window.clear_selection()
    key(window, Qt.Key.Key_Up, ALT)
    assert scene.scope is None
    double_click(view, body_point(scene, gid, fy=0.6))
    window.clear_selection()
    key(window, Qt.Key.Key_Backspace)
    assert scene.scope is None and window.doc.groups() == [gid]  # nothing deleted


def test_groups_nest_and_an_undo_that_removes_the_open_group_falls_back_a_level(window):
    outer = group_exp_part(window)
    scene, view = window.scene, window.view
    double_click(view, body_point(scene, outer, fy=0.6))
    select_by_clicks(window, ["e-1", "e+1"])
    key(window, Qt.Key.Key_G, CTRL)
    inner = window.doc.groups()[-1]
    assert window.doc.group_of(inner) == outer
    card = scene.node_item(inner)
    assert card.output_names == ("e-1", "e+1")  # two outputs, one port each
    edge = scene.edge_item("e+1", "o", 1)
    assert (edge.from_id, edge.from_port) == (inner, 1)
    double_click(view, body_point(scene, inner, fy=0.6))
    assert view.breadcrumb.parts() == ["Graph", "▣ group1", "▣ group2"]
    key(window, Qt.Key.Key_Z, CTRL)  # undo the inner group while it is open
    assert scene.scope == outer and scene.node_item("e-1") is not None
    key(window, Qt.Key.Key_Z, CTRL)  # and the outer one
    assert scene.scope is None and not window.doc.groups()


def test_deleting_a_group_card_deletes_its_inside_and_undo_brings_back_everything(window):
    outer = group_exp_part(window)
    window.scene.set_scope(outer)
    select_by_clicks(window, ["e-1", "e+1"])
    key(window, Qt.Key.Key_G, CTRL)
    window.scene.set_scope(None)
    before = window.doc.to_data()
    n_steps = window.undo_stack.count()
    click(window.view, body_point(window.scene, outer, fy=0.6))
    key(window, Qt.Key.Key_Delete)
    assert not window.doc.groups() and "e" not in window.doc and "x" in window.doc
    assert window.undo_stack.count() == n_steps + 1
    assert undo_texts(window.undo_stack)[-1] == "Delete group group1"
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.to_data() == before
    assert isinstance(window.scene.node_item(outer), GroupCard)


def test_dragging_a_group_card_moves_it_and_f2_renames_it_on_the_card_in_one_step(window):
    gid = group_exp_part(window)
    scene, view = window.scene, window.view
    old = window.doc.group_pos(gid)
    p = body_point(scene, gid, fy=0.6)
    drag(view, p, p + QPointF(0, 120))
    new = window.doc.group_pos(gid)
    assert new[0] == old[0] and new[1] > old[1] + 60
    assert scene.node_item(gid).pos().y() == new[1]
    assert undo_texts(window.undo_stack)[-1] == "Move group1"
    assert scene.selected_node_ids() == [gid]
    key(window, Qt.Key.Key_F2)  # the dragged card is selected: F2 opens its name
    assert scene.scope is None and scene.card_editor is not None
    assert scene.card_editor.selectedText() == "group1"
    QTest.keyClicks(view, "tanh")
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert window.doc.group_label(gid) == "tanh"
    assert undo_texts(window.undo_stack)[-1] == "Rename group group1 to tanh"
    assert scene.node_item(gid).label == "tanh"
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.group_label(gid) == "group1"


def test_nodes_added_or_pasted_inside_an_open_group_go_into_it_and_edits_there_apply(window):
    gid = group_exp_part(window)
    scene = window.scene
    scene.set_scope(gid)
    node = window.edits.add_at_centre("op:tanh")
    assert window.doc.group_of(node) == gid and scene.node_item(node) is not None
    click(window.view, body_point(scene, "e", fy=0.6))
    key(window, Qt.Key.Key_C, CTRL)
    known = set(window.doc.node_ids())
    key(window, Qt.Key.Key_V, CTRL)
    pasted = [n for n in window.doc.node_ids() if n not in known]
    assert len(pasted) == 1 and window.doc.group_of(pasted[0]) == gid
    assert scene.node_item(pasted[0]) is not None
    # an edit inside: delete the pasted copy; the outside's numbers are the flat graph's
    key(window, Qt.Key.Key_Delete)
    assert pasted[0] not in window.doc
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.group_of(pasted[0]) == gid and scene.node_item(pasted[0]) is not None


def test_the_inspector_shows_a_selected_group_and_its_open_button_opens_it(window, qtbot):
    gid = group_exp_part(window)
    qtbot.waitUntil(lambda: window.inspector.group == gid, timeout=2000)
    panel = window.inspector.group_panel
    assert panel.isVisible() and "group1" in window.inspector.title.text()
    o = window.scene.evaluation.results["o"]
    assert panel.outputs_label.text().startswith(f"o: data {o.data:.4f}")
    assert panel.inputs_label.text().splitlines()[0].startswith("two: data 2")
    qtbot.mouseClick(panel.open_button, LEFT)
    assert window.scene.scope == gid


def test_tools_that_point_at_a_hidden_node_find_the_group_card_that_holds_it(window):
    gid = group_exp_part(window)
    scene = window.scene
    assert scene.card_for("e") is scene.node_item(gid)
    assert scene.card_for("x") is scene.node_item("x")
    scene.set_scope(gid)
    assert scene.card_for("e") is scene.node_item("e")
    assert scene.card_for("x") is None  # outside and not feeding the group
    key(window, Qt.Key.Key_A, CTRL)  # select all: what is on show, not the outside inputs
    assert sorted(scene.selected_node_ids()) == sorted(EXP_PART)


def test_auto_layout_lays_out_the_level_on_show_and_leaves_the_inside_where_it_is(window):
    gid = group_exp_part(window)
    doc = window.doc
    inside = {n: doc.pos(n) for n in EXP_PART}
    window.view.setFocus()
    key(window, Qt.Key.Key_L, CTRL)
    assert undo_texts(window.undo_stack)[-1] == "Auto layout"
    assert {n: doc.pos(n) for n in EXP_PART} == inside
    x = doc.group_pos(gid)[0]
    assert all(doc.pos(n)[0] < x for n in ("n", "two", "one"))
    assert window.scene.node_item(gid).pos().x() == x
    key(window, Qt.Key.Key_Z, CTRL)
    assert {n: doc.pos(n) for n in EXP_PART} == inside


def test_a_teaching_mark_on_a_hidden_node_glows_on_the_group_card_that_holds_it(window):
    gid = group_exp_part(window)
    scene = window.scene
    overlay = scene.teaching_overlay()
    overlay.set_highlight(nodes=["e"])
    glow = overlay._node_glows[("e", "step")]
    card = scene.node_item(gid)
    assert glow.path().boundingRect().contains(card.mapRectToScene(card.body))
    scene.set_scope(gid)  # inside, the mark moves to e's own card
    glow = overlay._node_glows[("e", "step")]
    e_card = scene.node_item("e")
    assert glow.path().boundingRect().contains(e_card.mapRectToScene(e_card.body))


def test_a_wire_fed_from_a_nested_group_card_can_be_picked_up_and_unplugged(window):
    outer = group_exp_part(window)
    scene, view = window.scene, window.view
    scene.set_scope(outer)
    select_by_clicks(window, ["e-1", "e+1"])
    key(window, Qt.Key.Key_G, CTRL)
    o = scene.node_item("o")
    port = o.mapToScene(o.port_offset(0))
    drag(view, port, port + QPointF(-40, 160))
    assert window.doc.input_of("o", 0) is None
    assert undo_texts(window.undo_stack)[-1].startswith("Disconnect e-1 → o")
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.input_of("o", 0) == "e-1"


def test_far_out_a_group_card_is_a_box_in_its_outputs_grad_colour(window):
    gid = group_exp_part(window)
    view, scene = window.view, window.scene
    view.set_zoom(0.08)
    assert scene.overview
    overview = scene._overview
    assert overview.key(gid) == overview.key("o") == (True, 8)  # o's grad: 1.0 of 1.5
    assert any(gid in cell for cell in overview.groups()[overview.key(gid)].values())
    view.fit_all()
    assert not scene.overview


def test_another_graph_opens_at_its_top_level_and_its_undo_too(window):
    gid = group_exp_part(window)
    window.scene.set_scope(gid)
    window.editor.replace_document(tanh_from_exp(), "Open")
    assert window.scene.scope is None and window.view.breadcrumb.isHidden()
    assert window.scene.node_item("e") is not None
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.scene.scope is None and window.doc.groups() == [gid]
    assert isinstance(window.scene.node_item(gid), GroupCard)
    assert window.view.breadcrumb.parts() == ["Graph"]


def test_selecting_a_hidden_node_selects_the_group_card_that_holds_it(window, qtbot):
    gid = group_exp_part(window)
    window.select(["e"])  # as a teaching tool does
    assert window.scene.selected_node_ids() == [gid]
    qtbot.waitUntil(lambda: window.inspector.group == gid, timeout=2000)


def test_tab_search_inside_an_open_group_adds_the_node_into_it(window):
    gid = group_exp_part(window)
    window.scene.set_scope(gid)
    known = set(window.doc.node_ids())
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    QTest.keyClicks(window.view.search.edit, "tanh")
    QTest.keyClick(window.view.search.edit, Qt.Key.Key_Return)
    (new,) = set(window.doc.node_ids()) - known
    assert window.doc.op_name(new) == "tanh" and window.doc.group_of(new) == gid
    assert window.scene.node_item(new) is not None
    window.scene.set_scope(None)
    assert window.scene.node_item(new) is None  # inside the group card


def test_deleting_the_one_wire_drawn_into_a_group_deletes_every_wire_it_stands_for(window):
    gid = group_exp_part(window)
    scene, view = window.scene, window.view
    (wire,) = [e for e in scene.edge_items() if e.from_id == "one"]
    assert len(wire.also) == 1  # one feeds e-1 and e+1 inside: one wire drawn
    p = wire.path().pointAtPercent(0.5)
    view.centerOn(p)
    click(view, p)
    assert sorted(scene.selected_edges()) == [("one", "e+1", 1), ("one", "e-1", 1)]
    before = window.doc.to_data()
    key(window, Qt.Key.Key_Delete)
    assert not window.doc.consumers("one")
    assert not [e for e in scene.edge_items() if e.from_id == "one"]
    assert scene.node_item(gid).slot_names == ("two", "n")  # the port went with them
    key(window, Qt.Key.Key_Z, CTRL)
    assert window.doc.to_data() == before
    assert len([e for e in scene.edge_items() if e.from_id == "one"]) == 1


def test_the_breadcrumb_takes_the_dark_themes_colours(window, qtbot):
    from PySide6.QtGui import QPalette

    from playground.ui.window import theme

    gid = group_exp_part(window)
    window.scene.set_scope(gid)
    crumb = window.view.breadcrumb
    try:
        theme.apply("dark")
        qtbot.waitUntil(lambda: crumb.buttons and crumb.buttons[0].palette().color(
            QPalette.ColorRole.ButtonText).lightness() > 128, timeout=2000)
        assert crumb.palette().color(QPalette.ColorRole.Window).lightness() < 128
        assert crumb.parts() == ["Graph", "▣ group1"]
    finally:
        theme.apply("system")


def test_a_group_with_two_outputs_tells_each_outputs_name_data_and_grad(window):
    load(window)
    select_by_clicks(window, ["e-1", "e+1"])  # both feed o, outside: two outputs
    key(window, Qt.Key.Key_G, CTRL)
    gid = window.doc.groups()[-1]
    card = window.scene.node_item(gid)
    ev = window.scene.evaluation
    e_minus, e_plus = ev.results["e-1"], ev.results["e+1"]
    assert card.output_texts() == [
        f"e-1 = {summary(e_minus.data)} · grad {summary(e_minus.grad)}",
        f"e+1 = {summary(e_plus.data)} · grad {summary(e_plus.grad)}",
    ]
    assert card.output_texts()[0] == "e-1 = 4.8284 · grad 0.1464"  # the lecture's numbers
    assert "outputs: e-1 = 4.8284" in card.tooltip_text()
