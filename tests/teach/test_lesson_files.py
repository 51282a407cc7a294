"""Lesson data files: every number a file states is the engine's; every task is checked against
the engine; a bad file is one message and the others still load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from playground.graph.evaluate import evaluate
from playground.teach.bug import assign_backward
from playground.teach.lesson_files import lessons_folder, load_lessons
from playground.teach.lesson_tasks import answer, check, inputs_first_backward, read_number
from playground.teach.lessons import LESSONS, lesson
from playground.teach.numeric import Replay, h_sweep
from playground.training import TrainConfig, Trainer
from tests.teach.helpers import ids

SIX = ["derivative", "partial", "chain", "plus_times", "a_plus_a", "neuron"]
SEED = ["rule_constant", "rule_identity", "rule_square", "rule_power", "rule_sum",
        "rule_product", "rule_exp", "optimisation_step", "tanh_from_exp", "topological_order",
        "accumulation_bug", "training_loop", "pytorch"]


def _numbers(doc) -> tuple[dict[str, float], dict[str, float]]:
    ev = evaluate(doc, backward=True)
    named = ids(doc)
    return ({k: ev.results[n].data for k, n in named.items()},
            {k: ev.results[n].grad for k, n in named.items()})


def _after_step(doc, step: float, name: str) -> float:
    """Nudge every leaf by step · grad (the lecture's p.data += 0.01 * p.grad), forward again."""
    data, grad = _numbers(doc)
    for label, node in ids(doc).items():
        if doc.kind(node) == "value":
            doc.set_value(node, data[label] + step * grad[label])
    return _numbers(doc)[0][name]


def _trained(item, lr: float, first: bool = False) -> float:
    settings = dict(item.training)
    preset = settings.pop("preset")
    metrics = Trainer(TrainConfig.preset(preset, **dict(settings, lr=lr))).run()
    return metrics[0].loss if first else metrics[-1].loss


def computed(item, key: str) -> float:
    """The engine's value for one ``expected`` key of a lesson file."""
    kind, name = key.split(":")
    doc = item.document()
    named = ids(doc)
    if kind == "data":
        return _numbers(doc)[0][name]
    if kind == "grad":
        return _numbers(doc)[1][name]
    if kind == "after_step":
        return _after_step(doc, 0.01, name)
    if kind == "slope":  # forward difference of the task's node at h = name
        (row,) = h_sweep(doc, named[item.task.node], (float(name),))
        return row.forward
    if kind == "wrong_order":
        return inputs_first_backward(doc)[named[name]]
    if kind == "bug":
        return assign_backward(doc)[0][named[name]]
    if kind == "pileup":
        replay = Replay(doc)
        replay.run().backward()
        replay.run().backward()
        return replay.leaves[named[name]].grad
    if kind == "train":
        return _trained(item, float(name))
    if kind == "train_start":
        return _trained(item, float(name), first=True)
    raise AssertionError(f"{item.key}: unknown expected key {key}")


def test_the_six_first_lessons_are_kept_and_the_whole_seed_is_covered():
    keys = [x.key for x in LESSONS]
    assert set(SIX) <= set(keys)
    assert set(SEED) <= set(keys)
    assert len(keys) == len(set(keys)) == len(list(lessons_folder().glob("*.json")))


@pytest.mark.parametrize("item", LESSONS, ids=[x.key for x in LESSONS])
def test_every_number_a_lesson_file_states_is_what_the_engine_computes(item):
    assert item.expected, f"{item.key} states no numbers"
    for key, want in item.expected.items():
        assert round(computed(item, key), 6) == round(want, 6), (item.key, key)


@pytest.mark.parametrize("item", LESSONS, ids=[x.key for x in LESSONS])
def test_every_lesson_task_passes_with_the_engines_answer_and_fails_with_another(item):
    doc = item.document()
    task = item.task
    assert task is not None and task.text
    if not task.needs_answer:  # increase_output: take one step along the grads
        start = _numbers(doc)[0][task.node]
        assert not check(task, doc, start=start).passed
        _after_step(doc, 0.01, task.node)
        verdict = check(task, doc, start=start)
        assert verdict.passed, verdict.message
        return
    right = answer(task, doc)
    assert check(task, doc, f"{right:.6g}").passed
    wrong = right * 10 if task.kind == "best_h" else right + 0.5
    verdict = check(task, doc, f"{wrong:.6g}")
    assert not verdict.passed and "Not quite" in verdict.message


def test_the_card_and_task_numbers_are_the_lectures():
    assert lesson("optimisation_step").expected["after_step:L"] == -7.286496
    assert answer(lesson("derivative").task, lesson("derivative").document()) == 1e-08
    assert answer(lesson("topological_order").task, lesson("topological_order").document()) == 0
    neuron = {k: lesson("neuron").expected[k] for k in ("grad:x1", "grad:w1", "data:o")}
    assert neuron == {"grad:x1": -1.5, "grad:w1": 1.0, "data:o": 0.707107}
    both = lesson("tanh_from_exp").expected  # the lecture's o and n.grad, in both forms
    assert [both[k] for k in ("data:o_tanh", "data:o_exp", "grad:n_tanh", "grad:n_exp")] == [
        0.707107, 0.707107, 0.5, 0.5]
    loop = lesson("training_loop").training
    assert loop["preset"] == "lecture" and loop["lr"] == 0.1


def test_a_task_answer_that_is_not_a_number_gets_a_hint():
    item = lesson("chain")
    for text in ("", "six", "1/2", "nan"):
        verdict = check(item.task, item.document(), text)
        assert not verdict.passed and verdict.message.startswith("Type one number")
    assert read_number("−4") == -4.0 and read_number(" 1e-8 ") == 1e-8


def test_the_partial_task_is_checked_on_the_graph_the_learner_changed():
    item = lesson("partial")
    doc = item.document()
    doc.set_value(ids(doc)["y"], 5.0)  # the task: set y to 5, then df/dx = y
    assert check(item.task, doc, "5").passed
    assert not check(item.task, doc, "-3").passed


def test_the_pytorch_export_of_the_pytorch_lesson_prints_the_same_numbers(tmp_path: Path):
    pytest.importorskip("torch")
    import subprocess
    import sys

    from playground.graph.export import to_torch

    item = lesson("pytorch")
    script = tmp_path / "neuron_torch.py"
    script.write_text(to_torch(item.document()), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    printed = {}  # "x1  data 2.0  grad -1.4999999999999998" -> {"data:x1": 2.0, "grad:x1": ...}
    for line in run.stdout.splitlines():
        name, _, data, _, grad = line.rsplit(maxsplit=4)  # a name may hold spaces: "e + c"
        printed[f"data:{name}"], printed[f"grad:{name}"] = float(data), float(grad)
    for key in ("grad:x1", "grad:w1", "grad:x2", "grad:w2", "data:o"):
        assert round(printed[key], 6) == item.expected[key], (key, run.stdout)


def _good(key: str = "k") -> dict:
    return {"key": key, "title": "T", "card": "c", "expression": "a = 2.0\nb = a*a\n",
            "task": {"kind": "grad", "node": "a", "text": "Predict db/da."}}


def test_a_bad_lesson_file_is_one_message_and_the_others_still_load(tmp_path: Path):
    (tmp_path / "1_good.json").write_text(json.dumps(_good()), encoding="utf-8")
    (tmp_path / "2_corrupt.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "3_missing.json").write_text(json.dumps({"key": "x"}), encoding="utf-8")
    unknown = dict(_good("u"), expression="a = 2.0\nb = frobnicate(a)\n")
    (tmp_path / "4_unknown_op.json").write_text(json.dumps(unknown), encoding="utf-8")
    no_node = dict(_good("n"), task={"kind": "grad", "node": "zz", "text": "t"})
    (tmp_path / "5_no_node.json").write_text(json.dumps(no_node), encoding="utf-8")
    bad_kind = dict(_good("b"), task={"kind": "guess", "node": "a", "text": "t"})
    (tmp_path / "6_bad_kind.json").write_text(json.dumps(bad_kind), encoding="utf-8")
    (tmp_path / "7_same_key.json").write_text(json.dumps(_good()), encoding="utf-8")
    (tmp_path / "8_binary.json").write_bytes(b"\xff\xfe\x00garbage")
    found, problems = load_lessons(tmp_path)
    assert [f.key for f in found] == ["k"]
    assert len(problems) == 7
    assert problems[0].startswith("2_corrupt.json: could not load this lesson")
    assert "missing field title, card, task" in problems[1]
    assert problems[2].startswith("4_unknown_op.json")
    assert "'zz' is not a node" in problems[3]
    assert "unknown task kind 'guess'" in problems[4]
    assert "already has the key 'k'" in problems[5]
    assert problems[6].startswith("8_binary.json")


def test_adding_a_lesson_is_adding_a_file(tmp_path: Path):
    for path in lessons_folder().glob("*.json"):
        shutil.copy(path, tmp_path)
    (tmp_path / "99_new.json").write_text(json.dumps(_good("new")), encoding="utf-8")
    found, problems = load_lessons(tmp_path)
    assert problems == [] and found[-1].key == "new"
    assert len(found) == len(LESSONS) + 1
