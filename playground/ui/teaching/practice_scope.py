"""Practice one level of the groups at a time (mixed into ``PracticePanel``): the questions
follow the level the canvas shows (``teach.practice_levels`` decides what a level asks).

The learner moves the canvas (a double-click opens a group card; the breadcrumb, Alt+Up or
Backspace goes up) and may group, ungroup, undo and redo while practising: grouping changes no
number, so the round goes on, its answers kept, with the levels worked out again. These changes
arrive in the middle of an edit (an undo rebuilds the scene as it goes, and the scene falls back
a level when the open group is undone), so the panel follows them once the edit is over
(``_later``), or at once before it reads its state (``_settle``, as Enter checks an answer). An
edit of the numbers is not followed: the display model ends the round (``interrupted``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

from playground.teach.practice import PracticeSession, Question
from playground.ui.display.model import GROUP_EVENTS
from playground.ui.teaching.common import esc


class PracticeLevels:
    """Mixed into ``PracticePanel`` (which has the session, the teaching and ``_show``)."""

    session: PracticeSession | None
    teaching: Any
    verdict: Any
    _regroup: bool
    _later: QTimer

    @property
    def running(self) -> bool: ...  # pragma: no cover - PracticePanel's
    def _show(self) -> None: ...  # pragma: no cover

    def _follow_levels(self) -> None:
        """Listen to the canvas's level and the document's groups (from ``__init__``)."""
        self._regroup = False  # the groups changed since the levels were worked out
        self._later = QTimer(self)  # type: ignore[arg-type]  # the panel: a QObject
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._refresh)
        scope_changed = getattr(self.teaching.window.scene, "scope_changed", None)
        if scope_changed is not None:
            scope_changed.connect(self._scope_moved)
        self.teaching.doc.subscribe(self._doc_event)

    def _canvas_scope(self) -> str | None:
        scene = self.teaching.window.scene
        flush = getattr(scene, "flush", None)
        if flush is not None:
            flush()  # a rebuild that is due may fall back a level (its group undone)
        return getattr(scene, "scope", None)

    def _scope_moved(self, _scope: object) -> None:
        """The canvas opened a group or went up: the questions follow, once the edit (if one
        moved it) is over."""
        if self.running:
            self._later.start()

    def _doc_event(self, event) -> None:
        moved = event.kind == "group_changed" and event.attr != "members"  # a card moved
        if event.kind in GROUP_EVENTS and not moved and self.session is not None:
            self._regroup = True
            if self.running:
                self._later.start()

    def _settle(self) -> None:
        """Follow a level change that is due now (before the answer box is checked)."""
        if self._later.isActive():
            self._later.stop()
            self._refresh()

    def _refresh(self) -> None:
        if not self.running:
            return
        self.teaching.display.flush()  # an edit of the numbers ends the round (interrupted)
        if self.running:
            self._show()

    def _follow_level(self) -> bool:
        """Ask at the level the canvas shows; True when that is another level than before."""
        session = self.session
        assert session is not None
        scope = self._canvas_scope()
        if self._regroup:
            self._regroup = False
            session.regroup()
        elif scope == session.scope:
            return False
        moved = scope != session.scope
        before = session.current
        session.at(scope)
        after = session.current
        if moved or (before is None) != (after is None) or (
                before is not None and after is not None
                and (before.node, before.card) != (after.node, after.card)):
            self.verdict = None  # the last verdict was about another question
        return moved

    def _where(self) -> str:
        session = self.session
        if session is None or session.scope is None:
            return ""
        return f" inside {self.teaching.doc.display_name(session.scope)}"

    def _wires(self, q: Question) -> list[tuple[str, str, int]]:
        """The wires ``q``'s grad flows back along at its level: into a group card, the flat
        wires into its inside (the canvas draws them as one)."""
        doc = self.teaching.doc
        edges: list[tuple[str, str, int]] = []
        for c in q.contributions:
            if not c.through_group:
                edges.append(c.edge)
                continue
            edges += [(e.source, e.target, e.slot) for e in doc.consumers(c.source)
                      if doc.representative(e.target, q.scope) == c.consumer]
        return edges

    def _level_note(self, q: Question) -> str:
        """A word on the levels of the groups, when the graph has some."""
        doc = self.teaching.doc
        if q.scope is not None and doc.is_group(q.scope) and doc.ports(q.scope).inputs:
            g = esc(doc.display_name(q.scope))
            return (f"The dimmed cards at the left feed {g} from outside: their grads are "
                    "asked at their own level (Alt+Up goes back up). ")
        if q.card is not None:
            return (f"{esc(doc.display_name(q.card))} is a group: its card stands for its "
                    "output; double-click it to practise its inside. ")
        return ""
