"""Lessons as data files: one JSON file per lesson under ``resources/lessons/``.

Adding a lesson is adding a file. A file holds:

    {"key": "chain", "title": "10. The chain rule", "card": "paragraphs split by a blank line",
     "expression": "a = 2.0\\n..."  or  "example": "lecture",
     "tab": "steps", "focus": "a",
     "task": {"kind": "grad", "node": "a", "text": "Predict dL/da, then press Backward."},
     "expected": {"data:L": -8.0, "grad:a": 6.0},
     "training": {"preset": "lecture", "lr": 0.1, "steps": 20},      (optional)
     "groups": [{"label": "tanh from exp", "output": "o", "inputs": ["n"]}]}   (optional)

A group names its output and its inputs by label: it holds every node the output depends on
that is not an input or upstream of one (the constants a formula uses go inside with it).

``expected`` lists the numbers the card states; the tests recompute every one of them with the
engine (tests/teach/test_lesson_files.py). The task is checked by ``lesson_tasks.check``.

A file that does not load (bad JSON, a missing field, an expression the parser refuses, a task
about a node the graph lacks) becomes a one-line message for the lesson list; the other files
still load. Found through ``resource_path`` so the wheel and the bundle carry them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path, resource_path
from playground.graph.expr import parse
from playground.graph.layout import COLUMN_GAP, ROW_GAP, graph_layout

REQUIRED = ("key", "title", "card", "task")
MAX_BYTES = 200_000  # a lesson is a few sentences; anything larger is not a lesson
TABS = ("steps", "check", "wiggle", "bug", "expression")
KINDS = ("grad", "data", "best_h", "wrong_order_grad", "bug_grad", "pileup_grad",
         "increase_output")
"""The task kinds ``lesson_tasks.check`` knows (listed here so this module imports no checker)."""


@dataclass(frozen=True)
class Task:
    """What the learner is asked to do, and what the app checks (``lesson_tasks``)."""

    kind: str
    text: str
    node: str = ""
    """The label of the node the task is about."""
    hs: tuple[float, ...] = ()
    """For ``best_h``: the step sizes the learner chooses from."""

    @property
    def needs_answer(self) -> bool:
        """The learner types a number (every kind but ``increase_output``)."""
        return self.kind != "increase_output"

    @property
    def hides_grads(self) -> bool:
        """A prediction is only one before Backward has shown the answer."""
        return self.kind == "grad"


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    card: str
    """The explanation card (plain text, paragraphs split by a blank line)."""
    example: str = ""
    """A bundled example's name ("lecture"), or empty when ``expression`` is given."""
    expression: str = ""
    """Text for the expression entry ("a = 2.0 ... L = d*f")."""
    tab: str = "steps"
    """Which teaching tool the card refers to: steps, check, wiggle, bug, expression."""
    focus: str = ""
    """The label of the node the card is about (selected when the lesson opens)."""
    task: Task | None = None
    expected: dict[str, float] = field(default_factory=dict, compare=False)
    """Numbers the card states, keyed "data:L", "grad:a", "after_step:L", "train:0.1"."""
    training: dict[str, Any] = field(default_factory=dict, compare=False)
    """Settings for the Training tab ({"preset": "lecture", "lr": 0.1}), empty when none."""
    file: str = ""
    groups: tuple[GroupSpec, ...] = ()
    """Groups to make on the graph (the expression has no way to say them)."""

    def document(self) -> GraphDocument:
        """A fresh document with the lesson's graph (and its groups)."""
        doc = parse(self.expression) if self.expression else io.load(example_path(self.example))
        for spec in self.groups:
            spec.make(doc)
        if self.groups:
            _lay_out_top(doc)
        return doc


def _lay_out_top(doc: GraphDocument) -> None:
    """Columns for what the top level shows, a group card as one node (the expression's layout
    placed the group's inside, which is where its nodes stay for when it is opened)."""
    level = doc.scope_graph(None)
    # a group card is wider and taller than a node's: more room between columns and rows
    for item, pos in graph_layout(level, COLUMN_GAP * 1.4, ROW_GAP * 1.8).items():
        if doc.is_group(item):
            doc.move_group(item, pos)
        else:
            doc.move(item, pos)


@dataclass(frozen=True)
class GroupSpec:
    """A group of a lesson's graph: what ``output`` computes from ``inputs`` (labels)."""

    label: str
    output: str
    inputs: tuple[str, ...]

    def make(self, doc: GraphDocument) -> str:
        named = {doc.label(n): n for n in doc.node_ids() if doc.label(n)}
        for label in (self.output, *self.inputs):
            if label not in named:
                raise ValueError(f"the group {self.label!r} names {label!r}, which is not a "
                                 "node of the graph")
        out = named[self.output]
        before = set()
        for label in self.inputs:
            before |= nx.ancestors(doc.graph, named[label]) | {named[label]}
        members = [n for n in doc.node_ids()
                   if n not in before and (n == out or n in nx.ancestors(doc.graph, out))]
        if out in before:
            raise ValueError(f"the group {self.label!r}: {self.output!r} is one of its inputs")
        return doc.add_group(members, label=self.label)


def lessons_folder() -> Path:
    return resource_path("lessons")


def _task(raw: Any) -> Task:
    if not isinstance(raw, dict):
        raise ValueError("task is not an object")
    kind = str(raw.get("kind", ""))
    if kind not in KINDS:
        raise ValueError(f"unknown task kind {kind!r} (one of {', '.join(KINDS)})")
    if not raw.get("text"):
        raise ValueError("the task has no text")
    hs = tuple(float(h) for h in raw.get("hs", ()))
    if kind == "best_h" and (len(hs) < 2 or min(hs) <= 0):
        raise ValueError("a best_h task needs two or more positive hs")
    return Task(kind, str(raw["text"]), str(raw.get("node", "")), hs)


def _groups(raw: Any) -> tuple[GroupSpec, ...]:
    if not isinstance(raw, list):
        raise ValueError("groups is not a list")
    found = []
    for g in raw:
        if not isinstance(g, dict) or not g.get("output") or not isinstance(g.get("inputs"), list):
            raise ValueError("a group needs an output and a list of inputs (labels)")
        found.append(GroupSpec(str(g.get("label", "")), str(g["output"]),
                               tuple(str(i) for i in g["inputs"])))
    return tuple(found)


def read_lesson(path: Path) -> Lesson:
    """One lesson file; ``ValueError`` (or a JSON/parse error) says why it is not one."""
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES} bytes")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise ValueError(f"missing field {', '.join(missing)}")
    if not raw.get("expression") and not raw.get("example"):
        raise ValueError("needs an expression or an example")
    tab = str(raw.get("tab", "expression"))
    if tab not in TABS:
        raise ValueError(f"unknown tab {tab!r}")
    training = raw.get("training", {})
    if not isinstance(training, dict):
        raise ValueError("training is not an object")
    item = Lesson(str(raw["key"]), str(raw["title"]), str(raw["card"]),
                  example=str(raw.get("example", "")), expression=str(raw.get("expression", "")),
                  tab=tab, focus=str(raw.get("focus", "")), task=_task(raw["task"]),
                  expected={str(k): float(v) for k, v in dict(raw.get("expected", {})).items()},
                  training=dict(training), file=path.name,
                  groups=_groups(raw.get("groups", [])))
    doc = item.document()  # refuse now, in the list, not when the learner opens it
    labels = {doc.label(n) for n in doc.node_ids()}
    for what, label in (("focus", item.focus), ("task node", item.task.node if item.task else "")):
        if label and label not in labels:
            raise ValueError(f"the {what} {label!r} is not a node of the graph")
    return item


def load_lessons(folder: Path | None = None) -> tuple[list[Lesson], list[str]]:
    """Every lesson file in ``folder`` (sorted by name), and a message per file that failed."""
    folder = folder or lessons_folder()
    found: list[Lesson] = []
    problems: list[str] = []
    keys: set[str] = set()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            item = read_lesson(path)
            if item.key in keys:
                raise ValueError(f"another lesson already has the key {item.key!r}")
        except Exception as exc:  # any bad file is one message, never a crash
            problems.append(f"{path.name}: could not load this lesson ({exc})")
            continue
        keys.add(item.key)
        found.append(item)
    return found, problems
