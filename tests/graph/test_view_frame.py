"""A file's ``view`` may name the cards it opens showing (``frame``); anything else in the
view is kept as it is and ignored (docs/file-format.md)."""

from __future__ import annotations

import pytest

from playground.graph import io
from playground.graph.examples import example_path
from playground.graph.expr import parse


@pytest.mark.parametrize(("view", "frame"), [
    ({"frame": ["a", "L"]}, ["a", "L"]),
    ({"frame": ["a", "nosuch", 3, None]}, ["a"]),  # what is not a node of the file: skipped
    ({"frame": "a"}, []),
    ({"zoom": 2.0, "center": [0, 0]}, []),
    ({}, []),
])
def test_a_views_frame_is_the_files_nodes_it_names(view, frame):
    doc = parse("a = 1.0\nb = 2.0\nL = a*b")
    ids = {doc.label(n): n for n in doc.node_ids()}
    named = {"a": ids["a"], "L": ids["L"]}
    if isinstance(view.get("frame"), list):
        view = {**view, "frame": [named.get(x, x) if isinstance(x, str) else x
                                  for x in view["frame"]]}
    assert io.view_frame(view, doc) == [named[x] for x in frame]


def test_a_frame_survives_a_save_as_it_was_read(tmp_path):
    loaded = io.load_file(example_path("micrograd_readme"))
    frame = io.view_frame(loaded.view, loaded.doc)
    assert {loaded.doc.label(n) for n in frame} >= {"a", "b"}
    path = tmp_path / "copy.json"
    io.save(loaded.doc, path, view=loaded.view)
    again = io.load_file(path)
    assert again.view == loaded.view and io.view_frame(again.view, again.doc) == frame
