"""The minimap never shows the graph that was open before (UX review item 8).

After a big graph, opening a small one left the big one's boxes in the corner for a second or
two: the map re-reads its cards at most every SPACING times what the last reading cost, and
the last reading was the big graph's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path


def _big_file(tmp_path: Path, n: int = 3000) -> Path:
    """Columns of 50: values, then + and * fed by the column before (far past the view)."""
    doc = GraphDocument()
    prev: list[str] = []
    col = 0
    while len(doc) < n:
        layer = []
        for r in range(50):
            pos = (col * 200.0, r * 100.0)
            if not prev:
                nid = doc.add_node("value", label=f"x{r}", value=r / 50, pos=pos)
            else:
                nid = doc.add_node("op", op="add" if r % 2 else "mul", pos=pos)
                doc.connect(prev[r], nid, 0)
                doc.connect(prev[(r + 1) % 50], nid, 1)
            layer.append(nid)
        prev = layer
        col += 1
    doc.set_output(prev[0])
    path = tmp_path / "big.json"
    io.save(doc, path)
    return path


def _open_with_ctrl_o(window, dialogs, path: Path) -> None:
    dialogs.open_files.append(str(path))
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.files.path == path


def _boxes(window) -> int:
    return len(window.view.minimap._boxes)


def test_opening_a_small_graph_after_a_big_one_never_shows_the_big_ones_map(
        window, qtbot, tmp_path, dialogs):
    minimap = window.view.minimap
    _open_with_ctrl_o(window, dialogs, _big_file(tmp_path))
    qtbot.waitUntil(lambda: minimap.isVisible() and _boxes(window) == 3000, timeout=5000)

    small = tmp_path / "small.json"
    small.write_bytes(example_path("xy_plus_z").read_bytes())
    _open_with_ctrl_o(window, dialogs, small)
    # the old map is gone before the window paints again...
    assert not minimap.isVisible() or _boxes(window) == len(window.doc)
    # ...and stays gone: every refresh from now on reads the small graph
    for _ in range(6):
        qtbot.wait(20)
        QApplication.processEvents()
        assert not minimap.isVisible() or _boxes(window) == len(window.doc)
    assert _boxes(window) == len(window.doc)  # read at the first refresh, not a second later
    assert not minimap.isVisible()  # the small graph is all in view: no map


def test_opening_a_big_graph_after_another_shows_its_map_at_the_first_refresh(
        window, qtbot, tmp_path, dialogs):
    minimap = window.view.minimap
    big = _big_file(tmp_path, 1000)
    _open_with_ctrl_o(window, dialogs, big)
    qtbot.waitUntil(lambda: minimap.isVisible() and _boxes(window) == 1000, timeout=5000)
    other = tmp_path / "big2.json"
    doc = io.load(big)
    doc.remove_node(doc.node_ids()[0])  # another graph: one value fewer
    io.save(doc, other)
    _open_with_ctrl_o(window, dialogs, other)
    qtbot.waitUntil(lambda: minimap.isVisible() and _boxes(window) == 999, timeout=200)
