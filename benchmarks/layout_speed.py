"""Auto Layout and opening of a big graph, in CPU seconds. Prints figures; not a timed test.

    python benchmarks/layout_speed.py [N_NODES] [REPEATS]

The graph is canvas_scale.py's (layers of 50 + and * nodes; 10,000 by default). Each figure
is the median of REPEATS (3) runs, in CPU time (``time.process_time``: what a quiet machine
would take; this machine is shared and its wall times swing by 2-3x).

- open: ``io.load`` of the saved file, then building the canvas (``GraphScene``: the cards,
  the wires, every wire's route).
- Auto Layout, at 100% zoom and zoomed far out (the overview on): ``layered_layout``, then the
  undo step through the editor (every card moves, its wires re-route) and the repaint Qt then
  does. Each run is undone (not timed) before the next.
The goals: Auto Layout of 10,000 nodes under 5 s, the scene of the open under 2 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from canvas_scale import build
from PySide6.QtWidgets import QApplication

from playground.graph import io
from playground.graph.layout import layered_layout
from playground.ui.commands import AUTO_LAYOUT_GAPS
from playground.ui.editor import Editor


def median(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s"


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    app = QApplication.instance() or QApplication([])
    from playground.ui.canvas import GraphScene, GraphView

    path = Path(tempfile.mkdtemp()) / "big.json"
    io.save(build(n), path)
    loads, scenes = [], []
    for _ in range(repeats):
        c = time.process_time()
        doc = io.load(path)
        loads.append(time.process_time() - c)
        editor = Editor(doc)
        c = time.process_time()
        scene = GraphScene(doc, editor)
        scenes.append(time.process_time() - c)
        scene.detach()
    print(f"graph: {len(doc)} nodes, {len(doc.edges())} wires; CPU, median of {repeats}")
    print(f"open: load {median(loads)}, scene (cards, wires, routes) {median(scenes)}"
          f"  goal: scene <= 2 s")

    scene = GraphScene(doc, editor)
    view = GraphView(scene)
    view.resize(1280, 800)
    view.show()
    for label, far in (("100%", False), ("far out", True)):
        view.fit_all() if far else view.reset_zoom()
        app.processEvents()
        assert scene.overview == far
        plans, totals = [], []
        for _ in range(repeats):
            c = time.process_time()
            positions = layered_layout(doc, *AUTO_LAYOUT_GAPS)
            plans.append(time.process_time() - c)
            editor.auto_layout(positions)
            app.processEvents()  # the repaint
            totals.append(time.process_time() - c)
            editor.stack.undo()
            app.processEvents()
        print(f"Auto Layout, {label}: {median(totals)} (of which layered_layout "
              f"{median(plans)})  goal <= 5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
