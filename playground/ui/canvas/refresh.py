"""Which cards to repaint when the scene is shown new numbers.

The display model hands over an edit's evaluation with the results of the nodes the edit did
not reach unchanged, the very same objects (the incremental forward keeps them), and the
stale grads as the last Backward's own evaluation, the same object edit after edit (then the
grads need no diff). So the scene diffs the new evaluation against the one on show by
result identity (``changed_nodes``) and refreshes only the changed cards. When every card
changes (the grads turn stale or fresh, the grad colour scale moves) or many do, only the
cards in view repaint now; the others forget their painting and paint afresh when scrolled
to (``refresh_many``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QPixmapCache

from playground.ui.canvas.card_paint import forget_far_looks
from playground.ui.canvas.items import NodeItem

if TYPE_CHECKING:
    from playground.ui.canvas.tool_scene import RefreshScene

MANY = 200
"""More changed cards than this: repaint only those in view (see ``refresh_many``)."""


def changed_nodes(old: Any, new: Any, old_grads: Any, new_grads: Any
                  ) -> tuple[list[str] | None, bool]:
    """The nodes whose result or grad result is another object than before (None: take them
    all), and whether every grad is still the same object (then the grad scale stands)."""
    if old is None or new is None or (old_grads is None) != (new_grads is None):
        return None, False
    old_r = old.results
    changed = [n for n, r in new.results.items() if old_r.get(n) is not r]
    if old_grads is new_grads:
        return changed, True
    if getattr(new_grads, "grad_scale", None) is not None:
        return None, False  # a step-through's scale: small graphs, repaint them whole
    og, ng = old_grads.results, new_grads.results
    same = len(og) == len(ng)
    seen = set(changed) if new_grads is not new else None
    for n, r in ng.items():
        o = og.get(n)
        if o is not r:
            if o is None or o.grad is not r.grad:
                same = False
            if seen is not None and n not in seen:
                seen.add(n)
                changed.append(n)
    return changed, same


def refresh_cards(scene: RefreshScene, changed: list[str] | None, overview: bool) -> None:
    """Repaint the cards of ``changed`` (None: every card); ``overview``: the scene is
    painted as an overview (every card in view)."""
    nodes = scene.node_map
    if changed is None:
        refresh_many(scene, nodes.values(), overview, every=True)
    elif len(changed) > MANY:
        refresh_many(scene, [nodes[n] for n in changed if n in nodes], overview)
    else:
        for n in changed:
            item = nodes.get(n)
            if item is not None:
                item.refresh()


def refresh_many(scene: RefreshScene, items: Iterable[NodeItem], overview: bool,
                 every: bool = False) -> None:
    """Many cards changed (``every``: all of them): repaint those the views show now; the
    others paint afresh when they come into view (the cached pixmaps are dropped). 10,000
    ``update()`` calls took 37 ms; the cards in a view at 100% are about a hundred."""
    rects = [v.mapToScene(v.viewport().rect()).boundingRect() for v in scene.views()]
    whole = scene.sceneRect()
    if overview or any(
            r.width() * r.height() * 4 >= whole.width() * whole.height() for r in rects):
        # Zoomed out (a view shows a quarter of the scene or more), most cards are in view:
        # sorting them out of 30,000 items costs more than it saves (177 vs 268-353 ms at
        # 10,000 nodes).
        for item in items:
            item.refresh()
        return
    shown: set[NodeItem] = set()
    for rect in rects:
        shown.update(i for i in scene.items(rect) if isinstance(i, NodeItem))
    if every:  # the far looks are forgotten all at once, not card by card
        forget_far_looks()
        for item in shown:
            item.refresh()
        QPixmapCache.clear()
        return
    for item in items:
        if item in shown:
            item.refresh()
        else:
            item.forget_painting()
    QPixmapCache.clear()  # the item caches live there: a card not found repaints whole
