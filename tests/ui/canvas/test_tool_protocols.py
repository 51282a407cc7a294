"""The Protocols the canvas's tools and card helpers are typed against match the real classes.

The type checker is not run in the suite, so a member renamed on ``GraphScene`` or
``NodeItem`` (or added to a Protocol) would otherwise go unnoticed until a gesture breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Protocol

import pytest

from playground.ui.canvas.protocols import CardPort, PaintedCard
from playground.ui.canvas.tool_scene import CardScene, ShownScene, WiringScene
from tests.ui.canvas_helpers import lecture_doc, make_canvas


def _members(proto: type) -> set[str]:
    names: set[str] = set()
    for klass in proto.__mro__:
        if klass is object or klass is Protocol or not getattr(klass, "_is_protocol", False):
            continue
        names.update(getattr(klass, "__annotations__", {}))
        names.update(n for n in vars(klass) if not n.startswith("_"))
    return names


@pytest.mark.parametrize("proto", [CardScene, WiringScene, ShownScene])
def test_the_scene_has_everything_its_tools_ask_of_it(qtbot, proto) -> None:
    scene, _view, _stack = make_canvas(qtbot, lecture_doc())
    assert len(_members(proto)) >= 9
    missing = sorted(n for n in _members(proto) if not hasattr(scene, n))
    assert missing == []


def test_a_card_and_its_ports_have_everything_their_painting_helpers_ask_of_them(qtbot) -> None:
    scene, _view, _stack = make_canvas(qtbot, lecture_doc())
    card = scene.node_item("e")
    assert card is not None
    missing = sorted(n for n in _members(PaintedCard) if not hasattr(card, n))
    assert missing == []
    port = card.port(0)
    assert sorted(n for n in _members(CardPort) if not hasattr(port, n)) == []
    assert card.port(1).highlight is None and card.port(0).pos().x() == 0.0


@pytest.mark.parametrize(("module", "proto"), [
    ("wiring", WiringScene), ("scrub", ShownScene), ("overview", ShownScene),
])
def test_each_tool_asks_its_scene_only_for_what_its_protocol_names(module, proto) -> None:
    # Read from the source: every ``sc.x`` / ``self.scene.x`` in the tool's module.
    path = Path(__file__).resolve().parents[3] / "playground" / "ui" / "canvas" / f"{module}.py"
    asked = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) in ("sc", "self.scene"):
            asked.add(node.attr)
    assert asked, module
    assert sorted(asked - _members(proto)) == []
