"""The teaching tools in the main window: ``install(window) -> Teaching``.

Adds, without changing the window's own code beyond one call:
- a **Learn** dock (objectName ``learn_dock``, hidden until used) with a lesson card and tabs:
  Step through (``step_panel``), Gradient check (``gradient_check``), Wiggle (``wiggle``),
  Accumulation bug (``accumulation_bug``), Expression (``expression_entry``), Practice
  (``practice_panel``);
- a **Learn** menu (``menu_learn``) before Help, with the actions ``step_forward`` (F6),
  ``step_backward`` (F7), ``step_play`` (F8), ``step_reset``, ``topo_order`` (checkable),
  ``show_check``, ``show_wiggle``, ``show_bug``, ``show_expression``, ``practice`` (F9),
  ``show_learn``;
- **Help ▸ Lessons** (QMenu ``lessons``, actions ``lesson_<key>``, read from the lesson files
  when the window is made; a file that did not load is a disabled ``lesson_problem`` entry
  saying why), each lesson's card with its task: the card's Check asks
  ``playground.teach.lesson_tasks.check`` and shows the verdict;
- Step Backward and Step Forward on the toolbar.
The actions are registered in ``window.actions_by_name`` so ``window.action(name)`` finds them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QSplitter, QTabWidget

from playground.graph.document import GraphDocument
from playground.teach import Lesson, lesson
from playground.teach.lesson_files import load_lessons
from playground.teach.lesson_tasks import check, output_value
from playground.ui.teaching.bug_banner import BugBanner
from playground.ui.teaching.bug_panel import BugPanel
from playground.ui.teaching.check_panel import GradientCheckPanel
from playground.ui.teaching.coordinator import Teaching
from playground.ui.teaching.expression_panel import ExpressionPanel
from playground.ui.teaching.lesson_card import LessonCard
from playground.ui.teaching.practice_panel import PracticePanel
from playground.ui.teaching.steps_panel import StepPanel
from playground.ui.teaching.wiggle_panel import WigglePanel
from playground.ui.widgets.actions import make_action

__all__ = ["Teaching", "TeachingUI", "install"]

DOCK_HEIGHT = 290
"""The Learn dock's height when it opens in a tall window ..."""
DOCK_SHARE = 0.3
"""... else this share of the window's height (a fixed 290 px left a 1024x700 window's canvas
290 px tall, and an 800x600 one's 190 px), ..."""
DOCK_MIN = 170
"""... but never less than this: a step's formula, its words and the buttons."""


def dock_height(window_height: int) -> int:
    """The Learn dock's height on opening: the canvas keeps most of the window."""
    return max(DOCK_MIN, min(DOCK_HEIGHT, round(window_height * DOCK_SHARE)))

TABS = (
    ("steps", "Step through"),
    ("check", "Gradient check"),
    ("wiggle", "Wiggle"),
    ("bug", "Accumulation bug"),
    ("expression", "Expression"),
    ("practice", "Practice"),
)


class TeachingUI(Teaching):
    """``Teaching`` plus its dock, panels, actions and menus."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.panels = {
            "steps": StepPanel(self),
            "check": GradientCheckPanel(self),
            "wiggle": WigglePanel(self),
            "bug": BugPanel(self),
            "expression": ExpressionPanel(self),
            "practice": PracticePanel(self),
        }
        # Read the lesson files now, not at import: a file added or broken since shows here.
        self.lessons: list[Lesson]
        self.lessons, self.lesson_problems = load_lessons()
        self.lesson_start: float | None = None
        """The output's value when the lesson opened (an increase_output task compares)."""
        self.card = LessonCard()
        self.card.next_requested.connect(self.open_lesson)
        self.card.check_requested.connect(self.check_task)
        self.card.training_requested.connect(self.open_lesson_training)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("learn_tabs")
        self.tabs.setDocumentMode(True)
        for key, title in TABS:
            self.tabs.addTab(self.panels[key], title)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.card)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.dock = QDockWidget("Learn", window)
        self.dock.setObjectName("learn_dock")
        self.dock.setAccessibleName("Learn panel")
        self.dock.setWidget(self.splitter)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._dock_visibility)
        self.bug_banner = BugBanner(window.view, lambda: self.show_tab("bug"))
        self._build_actions()
        self._build_menus()
        window.doc.subscribe(self._on_doc_event)
        window.display.changed.connect(self._after_evaluation)

    # --- panels ---------------------------------------------------------------------------

    @property
    def steps(self) -> StepPanel:
        return self.panels["steps"]  # type: ignore[return-value]

    @property
    def practice(self) -> PracticePanel:
        return self.panels["practice"]  # type: ignore[return-value]

    def _tab_tools(self) -> tuple:
        """The panels whose numbers on the canvas belong to their tab (a step-through's
        partial grads, practice's hidden ones): another tab, or the dock closed, gets the
        real numbers; coming back brings theirs back."""
        return (self.steps, self.practice)

    def show_tab(self, key: str) -> None:
        if self.dock.isHidden():
            self.dock.show()
            self.window.resizeDocks([self.dock], [dock_height(self.window.height())],
                                    Qt.Orientation.Vertical)
            QTimer.singleShot(0, self.window.view.fit_readable)  # the canvas just got smaller
        self.dock.raise_()
        self.tabs.setCurrentWidget(self.panels[key])

    def _tab_changed(self, _index: int) -> None:
        # The step-through's highlights and partial grads belong to its tab: another tab
        # gets the real numbers (the step waits for the learner to come back).
        current = self.tabs.currentWidget()
        for panel in self._tab_tools():
            if panel is not current:
                panel.tab_left()
        if current in self._tab_tools():
            current.tab_back()

    def _dock_visibility(self, visible: bool) -> None:
        # Closing the dock mid-way is leaving the Step-through tab too: the canvas gets its
        # real numbers back; opening it again on that tab shows the same step (or starts
        # over if the graph changed meanwhile).
        current = self.tabs.currentWidget()
        if current not in self._tab_tools():
            return  # another tab is up: the steps already left the canvas
        if visible:
            current.tab_back()
        else:
            current.tab_left()

    def _on_doc_event(self, event) -> None:
        if event.kind == "reset" or event.attr not in ("pos", "label"):
            self._graph_dirty = True
        elif event.attr == "label":
            self.panels["check"].relabel()  # type: ignore[attr-defined]
            self.panels["wiggle"].relabel()  # type: ignore[attr-defined]
        if event.kind == "reset":
            self.panels["bug"].document_replaced()  # type: ignore[attr-defined]
            if not self.keeping_card:
                self.card.hide()  # another graph: the lesson's card no longer applies

    def bug_mode_changed(self, on: bool) -> None:
        """The bug switch went on or off: the banner over the canvas says so."""
        self.bug_banner.set_on(on)

    def _after_evaluation(self, shown) -> None:
        if shown.cause != "evaluated":
            return  # a tool's numbers, or a preview: the graph is as it was
        if getattr(self, "_graph_dirty", True):
            self._graph_dirty = False
            self.panels["wiggle"].graph_changed()  # type: ignore[attr-defined]
            self.panels["check"].graph_changed()  # type: ignore[attr-defined]
            self.panels["bug"].graph_changed()  # type: ignore[attr-defined]

    # --- lessons --------------------------------------------------------------------------

    def open_lesson(self, key: str) -> bool:
        item = lesson(key, self.lessons)
        w = self.window
        with self.keep_card():
            if item.example:
                if not w.files.open_example(item.example):
                    return False
            else:
                if not w.files.maybe_save():
                    return False
                doc: GraphDocument = item.document()
                w.files.install(doc, None, f"{item.title} (lesson)")
        if item.task is None or not item.task.hides_grads:
            w.display.backward()  # a prediction task leaves Backward to the learner
        self.lesson_start = output_value(w.doc)
        self.card.show_lesson(item, [x.key for x in self.lessons])
        focus = next((n for n in w.doc.node_ids() if w.doc.label(n) == item.focus), None)
        if focus is not None:
            w.scene.select_nodes([focus])
        if item.tab == "expression":
            self.panels["expression"].set_text(item.expression)  # type: ignore[attr-defined]
        self.show_tab(item.tab)
        QTimer.singleShot(0, self._widen_card)
        if item.tab == "check" and focus is not None:
            check = self.panels["check"]
            check.set_h(1e-3)  # type: ignore[attr-defined]
            check.select_leaf(focus)  # type: ignore[attr-defined]
        if item.tab == "wiggle" and focus is not None:
            self.panels["wiggle"].set_leaf(focus)  # type: ignore[attr-defined]
        w.show_status(f"Lesson: {item.title}")
        return True

    def _widen_card(self) -> None:
        # A card with a task needs more than its 300 px minimum; in a wide dock give it a
        # third, so the explanation reads without much scrolling (narrow docks keep 300).
        total = self.splitter.width()
        card = max(300, min(460, total // 3))
        if self.card.isVisible() and self.splitter.sizes()[0] < card < total - 400:
            self.splitter.setSizes([card, total - card])

    def check_task(self, text: str) -> bool:
        """Check the open lesson's task on the canvas's graph; the card shows the verdict."""
        item = self.card.lesson
        if item is None or item.task is None:
            return False
        verdict = check(item.task, self.window.doc, text, self.lesson_start)
        self.card.show_verdict(verdict)
        self.window.show_status(("Task passed: " if verdict.passed else "Task: ")
                                + verdict.message)
        return verdict.passed

    def open_lesson_training(self) -> None:
        """The Training tab with the open lesson's settings filled in."""
        from playground.training import TrainConfig

        item = self.card.lesson
        if item is None or not item.training:
            return
        settings = dict(item.training)
        try:
            config = TrainConfig.preset(str(settings.pop("preset", "lecture")), **settings)
        except (TypeError, ValueError) as exc:  # a lesson file's bad settings: say so
            self.window.show_status(f"This lesson's training settings do not work: {exc}")
            return
        self.window.training.show().apply_config(config)
        self.window.show_status(f"Training: {item.title}'s settings are filled in; press Train.")

    # --- actions and menus ----------------------------------------------------------------

    def _action(self, name: str, text: str, slot, *, shortcut: str | None = None,
                tip: str = "", checkable: bool = False) -> QAction:
        w = self.window
        action = make_action(w, name, text, slot, shortcut=shortcut, tip=tip,
                             checkable=checkable)
        w.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        s = self.steps
        self.actions = {
            "step_forward": a("step_forward", "Step &Forward", s.step_forward, shortcut="F6",
                              tip="Compute one node's data, inputs first, with the numbers"),
            "step_backward": a("step_backward", "Step &Backward", s.step_backward,
                               shortcut="F7",
                               tip="Find one node's grad by the chain rule, output first"),
            "step_play": a("step_play", "&Play", s.play_pause, shortcut="F8",
                           tip="Step on automatically (again to pause)"),
            "step_reset": a("step_reset", "&Reset Steps", s.reset, shortcut="Shift+F7",
                            tip="Stop stepping and show all numbers again"),
            "topo_order": a("topo_order", "&Topological Order", self.set_topo,
                            shortcut="Ctrl+T", checkable=True,
                            tip="Number the nodes in the order forward visits them"),
            "show_check": a("show_check", "&Gradient Check", lambda: self.show_tab("check"),
                            tip="Compare every grad with finite differences"),
            "show_wiggle": a("show_wiggle", "&Wiggle a Value", lambda: self.show_tab("wiggle"),
                             tip="Nudge a value and compare the output's move with grad · dx"),
            "show_bug": a("show_bug", "Accumulation &Bug", lambda: self.show_tab("bug"),
                          tip="See what goes wrong when backward assigns instead of adds"),
            "show_expression": a("show_expression", "&Expression…",
                                 lambda: self.show_tab("expression"), shortcut="Ctrl+E",
                                 tip="Type an expression like L = (a*b + c) * f to build it"),
            "practice": a("practice", "&Practice", self.practice.practise, shortcut="F9",
                          tip="Type every node's grad yourself, output first: the app checks "
                              "each one and hints at the chain rule"),
        }
        s.bind(self.actions)
        toggle = self.dock.toggleViewAction()
        toggle.setObjectName("show_learn")
        toggle.setText("Show &Learn Panel")
        toggle.setToolTip("Show or hide the Learn panel")
        self.window.actions_by_name["show_learn"] = toggle
        self.actions["show_learn"] = toggle

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        help_menu = w.findChild(QMenu, "menu_help")
        learn = QMenu("&Learn", w)
        learn.setObjectName("menu_learn")
        for name in ("step_forward", "step_backward", "step_play", "step_reset", None,
                     "topo_order", None, "show_check", "show_wiggle", "show_bug",
                     "show_expression", "practice", None, "show_learn"):
            learn.addSeparator() if name is None else learn.addAction(self.actions[name])
        self.lessons_menu = QMenu("&Lessons", w)
        self.lessons_menu.setObjectName("lessons")
        for item in self.lessons:
            action = self.lessons_menu.addAction(item.title)
            action.setObjectName(f"lesson_{item.key}")
            action.setStatusTip(item.card.split(". ")[0])
            action.triggered.connect(lambda _c=False, k=item.key: self.open_lesson(k))
        if self.lesson_problems:
            self.lessons_menu.addSeparator()
        for problem in self.lesson_problems:  # a broken file: say which and why, open nothing
            short = problem if len(problem) <= 90 else problem[:89] + "…"
            action = self.lessons_menu.addAction(f"⚠ {short}")
            action.setObjectName("lesson_problem")
            action.setToolTip(problem)
            action.setStatusTip(problem)
            action.setEnabled(False)
        learn.addSeparator()
        learn.addMenu(self.lessons_menu)
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), learn)
            first = help_menu.actions()[0] if help_menu.actions() else None
            help_menu.insertMenu(first, self.lessons_menu)
            help_menu.insertSeparator(first)
        else:
            bar.addMenu(learn)
        self.learn_menu = learn
        toolbar = getattr(w, "toolbar", None)
        if toolbar is not None:
            toolbar.addSeparator()
            for name in ("step_backward", "step_forward"):
                toolbar.addAction(self.actions[name])
                button = toolbar.widgetForAction(self.actions[name])
                if button is not None:
                    button.setObjectName(f"toolbutton_{name}")


def install(window: Any) -> TeachingUI:
    """Add the teaching tools to ``window`` (a ``MainWindow``)."""
    return TeachingUI(window)
