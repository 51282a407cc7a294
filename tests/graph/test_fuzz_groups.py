"""Fuzzed version 2 files: every example grouped at random, then damaged (any part replaced by
junk, or the mistakes a hand-edited group makes: a node naming another or no group, a parent
loop, ports added, dropped or moved, a group id repeated or taken by a node), loads as a valid
document or fails with one LoadError line, never another exception; ``eval`` agrees (exit 2
with one line). Derandomized, with the same time limit per file as test_fuzz_files.py."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.graph import io
from playground.graph.examples import list_examples
from tests.graph.test_fuzz_files import (
    EXAMPLE_LIMIT,
    FUZZ,
    _paths,
    _replace,
    check_loads,
    junk,
    real_stderr,
)
from tests.graph.test_groups import random_grouping

real_stderr = real_stderr  # pytest finds the fixture by its name in this module


def _grouped_seeds() -> list[str]:
    seeds = []
    for ex in list_examples():
        for k in range(2):
            doc = io.load(ex.path)
            random_grouping(doc, random.Random(f"{ex.name}/{k}"), rounds=5)
            seeds.append(io.dumps(doc))
    return seeds


SEEDS = _grouped_seeds()
FEWER = settings(FUZZ, max_examples=800)


def test_the_seeds_are_valid_grouped_files() -> None:
    for text in SEEDS:
        doc = io.loads(text).doc
        assert doc.groups() and json.loads(text)["version"] == 2


@given(seed=st.sampled_from(SEEDS), data=st.data())
@FEWER
@EXAMPLE_LIMIT
def test_grouped_file_with_a_part_replaced_by_junk(seed: str, data: st.DataObject) -> None:
    doc = json.loads(seed)
    group_paths = [p for p in _paths(doc) if p[:1] == ("groups",) or "group" in p]
    path = data.draw(st.sampled_from(group_paths or _paths(doc)))
    check_loads(json.dumps(_replace(doc, path, data.draw(junk)), allow_nan=True), cli=True)


@given(seed=st.sampled_from(SEEDS), data=st.data())
@FEWER
@EXAMPLE_LIMIT
def test_grouped_file_with_a_hand_made_group_mistake(seed: str, data: st.DataObject) -> None:
    doc = json.loads(seed)
    nodes, groups = doc["nodes"], doc["groups"]
    node_ids = [n["id"] for n in nodes]
    group_ids = [g["id"] for g in groups]
    some_id = st.sampled_from([*node_ids, *group_ids, "nowhere", None])
    kind = data.draw(st.integers(0, 7))
    if kind == 0:
        data.draw(st.sampled_from(nodes))["group"] = data.draw(some_id)
    elif kind == 1:
        data.draw(st.sampled_from(groups))["parent"] = data.draw(some_id)
    elif kind == 2:
        g = data.draw(st.sampled_from(groups))
        key = data.draw(st.sampled_from(["inputs", "outputs"]))
        g[key] = [*g[key], data.draw(some_id)]
    elif kind == 3:
        g = data.draw(st.sampled_from(groups))
        key = data.draw(st.sampled_from(["inputs", "outputs"]))
        if g[key]:
            g[key].pop(data.draw(st.integers(0, len(g[key]) - 1)))
    elif kind == 4:
        groups.append(dict(data.draw(st.sampled_from(groups))))
    elif kind == 5:
        data.draw(st.sampled_from(groups))["id"] = data.draw(st.sampled_from(node_ids))
    elif kind == 6:
        groups.pop(data.draw(st.integers(0, len(groups) - 1)))
    else:
        g = data.draw(st.sampled_from(groups))
        g.pop(data.draw(st.sampled_from(sorted(g))))
    check_loads(json.dumps(doc), cli=True)
