"""Lesson data files: every file's numbers are the engine's; a bad file is one message."""

from __future__ import annotations

import json
from pathlib import Path

from playground.graph.evaluate import evaluate
from playground.teach.lesson_files import load_lessons
from tests.teach.helpers import ids


def _numbers(doc) -> tuple[dict[str, float], dict[str, float]]:
    ev = evaluate(doc, backward=True)
    assert ev.ok()
    named = ids(doc)
    return ({k: ev.results[n].data for k, n in named.items()},
            {k: ev.results[n].grad for k, n in named.items()})


def test_every_bundled_lesson_file_loads_and_its_numbers_are_the_engines():
    found, problems = load_lessons()
    assert problems == [] and found
    for item in found:
        doc = item.lesson.document()
        data, grad = _numbers(doc)
        step = float(item.task.get("step", 0.01))
        named = ids(doc)
        for key, want in item.expected.items():
            kind, name = key.split(":")
            if kind == "data":
                assert round(data[name], 6) == round(want, 6), (item.lesson.key, key)
            elif kind == "grad":
                assert round(grad[name], 6) == round(want, 6), (item.lesson.key, key)
            else:  # after_step: nudge every leaf by step·grad, run forward again
                for label, node in named.items():
                    if doc.kind(node) == "value":
                        doc.set_value(node, data[label] + step * grad[label])
                after, _ = _numbers(doc)
                assert round(after[name], 6) == round(want, 6), (item.lesson.key, key)


def test_a_bad_lesson_file_is_one_message_and_the_others_still_load(tmp_path: Path):
    good = {"key": "k", "title": "T", "card": "c", "task": {"kind": "backward"},
            "expression": "a = 2.0\nb = a*a\n"}
    (tmp_path / "1_good.json").write_text(json.dumps(good), encoding="utf-8")
    (tmp_path / "2_corrupt.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "3_missing.json").write_text(json.dumps({"key": "x"}), encoding="utf-8")
    unknown = dict(good, expression="a = 2.0\nb = frobnicate(a)\n")
    (tmp_path / "4_unknown_op.json").write_text(json.dumps(unknown), encoding="utf-8")
    found, problems = load_lessons(tmp_path)
    assert [f.lesson.key for f in found] == ["k"]
    assert len(problems) == 3
    assert problems[0].startswith("2_corrupt.json: could not load this lesson")
    assert "missing field title, card, task" in problems[1]
    assert problems[2].startswith("4_unknown_op.json")
