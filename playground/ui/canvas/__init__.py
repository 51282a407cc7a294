"""The node-editor canvas: a ``QGraphicsScene`` that mirrors a ``GraphDocument``, and its view.

Modules: scene (mirroring, selection, evaluation state; scene_mouse: its hit tests, which
gesture a press starts, tooltips, context menu), view (zoom/pan/keys/drops), items
(node cards and ports: ``NodeItem`` put together from card_text (what a card shows: ``Display``,
cells, tooltip), card_geometry (sizes, ports, where texts go) and card_paint (painting)),
edges (wires), wiring (the wire-drag gesture), card_edit (editing a name or number in
place), bubble (a refusal said where it happened), scrub (dragging a value's number sideways;
scrub_look: its cursor and hint, painted by the card), slot_names (input names by the ports),
overview (batched boxes when zoomed out), overlay (the teaching tools' marks), card_data
(what a card and a tooltip say about the numbers), legend, search (search-to-add popup),
style (fonts, colours, numbers), render (PNG/SVG without a window). No import circle, even
for the type checker: the tools type their scene against tool_scene's Protocols, the card's
painting helpers type the card against protocols.PaintedCard.

API (what the window and the tests rely on; keep this docstring true):

``GraphScene(doc: GraphDocument, editor: Editing | None, parent=None)``  (scene.py)
    Subscribes to ``doc`` events and adds/moves/removes items (mirror.py); never edits
    ``doc`` itself: every user edit is a request to ``editor`` (``editing.Editing``: the
    window's ``playground.ui.editor.Editor``, which pushes the undo command). A scene without
    an editor (``render``) is read-only.
    - ``connect_display(display)``: paint what the display model (``playground.ui.display``)
      shows, following its ``changed(Shown)`` (``show_numbers(shown)``); scrubbing asks it for
      previews. Without one (rendering a file, benchmarks): ``set_evaluation(evaluation |
      None, grads_stale: bool = False)``: items repaint from that
      ``playground.graph.evaluate.Evaluation``; ``grads_stale=True`` greys the grads.
    - ``evaluation``, ``grads_stale``, ``grad_evaluation`` (whose grads are drawn): what is
      painted now.
    - ``teaching_overlay()``: the teaching tools' marks over the canvas (``overlay.py``).
    - ``node_item(id) -> NodeItem | None``, ``node_items() -> list[NodeItem]``,
      ``edge_items() -> list[EdgeItem]``, ``edge_item(source, target, slot)``.
    - ``selected_node_ids() -> list[str]``, ``selected_edges() -> list[(source, target, slot)]``,
      ``select_nodes(ids)``, ``select_edges(keys, add=False)``; ``selectionChanged`` fires for
      both. Wires are selected by the scene (click, Ctrl-click), not by Qt's item selection.
    - ``output_id()``: the node drawn as the output; ``grad_state()``: "fresh"/"stale"/"none".
    - Grads: a Backward evaluation shows its grads; a forward-only evaluation with
      ``grads_stale=True`` keeps the last Backward's grads, greyed; with False, "grad —".
    - ``delete_selected()``: one undoable step for the selected nodes and wires.
    - Scrubbing (scrub.py): a sideways drag on a value's data number shows the new numbers
      live (``display.preview``: the document is untouched; grads greyed) and pushes one
      ``SetValue`` at release; ``scrubbing`` is True meanwhile; ``cancel_scrub() -> bool``
      (Esc) puts the old numbers back. A click there still selects; the header and grad row
      still move the node.
    - Editing on the card (card_edit.py): a double-click on a node card's header edits its
      label, on a value's data number that number (a line edit over the row; Enter asks the editor
      for one ``set_label``/``set_value``, Esc cancels, a click elsewhere commits); bad text
      and refused names keep the old one and say why at the card. ``card_editor`` (the open
      line edit or None), ``edit_on_card(id, "label" | "value") -> bool``.
    - Messages where they happened (bubble.py): ``say(text, at=None)`` (status bar and a
      bubble), ``show_bubble(text, at=None)`` (the bubble only; ``at`` None: where the mouse
      last was), ``bubble`` (the one on show, None once faded); ``bubble_shown(str)``.
    - ``add_node(kind, op, scene_pos, label=None) -> id``: asks the editor to add it (a
      value gets a fresh letter label a, b, c, ...); centred on ``scene_pos``.
    - signals ``status_message(str)`` (refusals and errors, for the status bar) and
      ``node_activated(str)`` (double-click on a card away from its name and number, or on
      a tensor's data: e.g. focus the inspector).
    - Groups (scope.py): ``set_scope(None | group id)`` shows one level (``scope``,
      ``scope_changed(object)``, ``go_up() -> bool``); a group is one ``GroupCard`` keyed by
      its id in ``node_item``/``node_map``; inside, the outside inputs are ``OutsideCard``s;
      ``card_for(node_id)``: the card standing for a node here (its group card if hidden);
      an ``EdgeItem`` keeps the document's key and is drawn between ``from_id``/``to_id``.
      A double-click anywhere on a group card opens it (``edit_on_card(gid, "label")``,
      Edit ▸ Rename's F2, renames it).
    - ``detach()``: unsubscribe from the document (before dropping the scene).
    - Scale: BSP index over a scene rect sized to the nodes (grows as they move). Below 50%
      zoom each card paints its far form (``card_lod.py``: name and data in large type on
      the grad colour; ``NodeItem.painted_form`` says which form was painted), and the view
      switches ``set_item_caching`` (pixmap cache per node) off; below 17% (where even that
      type would not read) ``set_overview(True)`` paints the boxes and the wires in batches
      (the wire items are hidden meanwhile: ``EdgeItem.isVisible()`` is False) and, with
      3,200 items or more, the scene goes without its BSP index (``itemIndexMethod()``).

Items (items.py) paint only. ``NodeItem``: ``node_id``, ``body`` (the card, item coords),
``display()`` (a ``Display``: data, grad, grad_state, error, warning, is_output),
``display_lines()`` (the painted text, e.g. ``["a", "data 2.0000", "grad 6.0000"]``; an op
with parameters adds its hint, ``["Σ", "r", "axis=1", ...]``; a tensor cell reads
``"data 2×3 ▦"``: its shape and a grid of squares, ``▦…`` when clipped), ``cells()`` (what the
data and grad cells show), ``text_rects()`` (each painted text or grid with its rectangle, all
inside ``body``: tensors never overflow the card), ``tooltip_text()`` (full values),
``input_anchor(slot)``/``output_anchor()`` (scene coords),
``input_ports``/``output_port``, ``scrubbable()``/``scrub_zone()`` (a value's data number,
which a sideways drag changes). ``PortItem`` is geometry only (painted by its node).
``EdgeItem``: ``source``, ``target``, ``slot``, ``key``, ``ends()``.

``GraphView(scene: GraphScene, parent=None)``  (view.py), objectName ``"canvas"``
    Grid background, wheel zoom (about the point under the cursor: ``zoom_at(factor, at)``) /
    Ctrl +/- / Ctrl 0, pan (middle-drag, space-drag),
    rubber-band and Ctrl-click selection, Delete/Backspace, Esc (cancels a scrub, else a
    wire drag and the selection), F = ``fit_all()``, Tab or a
    letter key opens the search-to-add popup, a grad legend in the bottom-left corner
    (``legend``: a click folds it into one line, ``toggled(expanded)``; a canvas shorter than
    ``AUTO_FOLD_BELOW`` shows it folded).
    - ``fit_all(readable=False)``, ``fit_readable()`` (automatic fits: a graph that would
      need a zoom under 0.8 opens at 0.8 on its output end), ``zoom_in()``, ``zoom_out()``,
      ``reset_zoom()``, ``zoom() -> float``.
    - ``minimap`` (minimap.py): the whole graph in the top-right corner while some card is
      out of view; a click or drag there centres the view on that spot.
    - ``add_node_at(kind: "value" | "op", op: str | None, scene_pos: QPointF) -> id``.
    - ``open_search(text="")``: the search popup at the cursor.
    - Drops: MIME type ``MIME_NODE = "application/x-backprop-playground-node"``, payload
      ``b"value"`` or ``b"op:<name>"`` (e.g. ``b"op:mul"``); the node appears at the drop point.

``render_document(doc, evaluation, path, *, grads_stale=False, scale=1.0) -> Path``
    (render.py): PNG or SVG (by suffix) of the whole graph with the canvas's own items on a
    white background, with the grad legend when there are grads. Needs a QApplication
    (creates one if there is none).

The canvas makes no commands: ``editing.Editing`` lists what it asks of its editor
(``add_node``, ``delete``, ``connect``, ``disconnect``, ``move_wire``, ``move_nodes``,
``set_value``, ``set_label``, ``set_output``; ``last_refusal``). The clipboard format is
``playground.graph.clipboard``.
"""

from playground.ui.canvas.edges import EdgeItem
from playground.ui.canvas.items import NodeItem, PortItem
from playground.ui.canvas.render import render_document
from playground.ui.canvas.scene import GraphScene
from playground.ui.canvas.view import GraphView
from playground.ui.canvas.view_drops import MIME_NODE

__all__ = [
    "MIME_NODE",
    "EdgeItem",
    "GraphScene",
    "GraphView",
    "NodeItem",
    "PortItem",
    "render_document",
]
