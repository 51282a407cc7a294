"""The network by level: what opening micrograd's moons network for the whole batch costs.

    python benchmarks/network_levels.py [--samples 100] [--repeat 3] [--before] [--window]

The issue's case: MLP 2-16-16-1 (relu, linear output), SVM loss, the whole batch of 100 moons
samples: one scalar graph per sample sharing the weights, 65,140 nodes. Grouping is an overlay,
so every node is in the document and every number comes from the flat graph. The figures, CPU
medians (and best) of ``--repeat`` rounds in this thread:

- open at layer level: build the grouped document (``network_levels.network_document``), copy it
  into the window's document (``replace_with``, as ``files.install`` does), every name
  (``display_name``), the display model's first evaluation (``IncrementalEvaluator.forward``,
  ``DisplayModel.reset``) and Backward (the Training tab presses it), the top scope's cards and
  their ports; the parts, then the sum (target ≤ 1 s);
- expand one layer: the layer's children and its neuron groups' ports (target ≤ 200 ms);
- the batch by layer as the view builds it, in tensor ops (``network_tensor``, ~200 nodes):
  build, forward, Backward and the top ports;
- drag: the document's part of one drag step, a top card moved (``move_group``, the display
  model's evaluator told) and a node inside a neuron moved (target: inside a 16.7 ms frame,
  the canvas's share measured in ``canvas_scale.py``).

``--window`` times what the learner waits for in the app (offscreen): "Show network on canvas"
for the whole batch by layer as the view builds it (tensor ops) until the canvas has painted,
a double-click's ``set_scope`` into layer 2 until painted, and dragging a layer card (real mouse
moves, wall ms per step with Qt's repaint). It needs the canvas's scopes (``set_scope``).

``--before`` also times the way "Show network on canvas" built its graph before levels
(``from_value`` on the engine's graph, one ``add_node``/``connect`` per node, and the names'
general walk), once: it is slow.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.engine.data import moons
from playground.engine.nn import MLP
from playground.graph import names
from playground.graph.document import GraphDocument
from playground.graph.incremental import IncrementalEvaluator
from playground.training.network_levels import layer_group, network_document
from playground.training.snapshot import ModelSnapshot


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """(median, best) CPU milliseconds, and the last result."""
    times = []
    out = None
    for _ in range(repeat):
        gc.collect()
        t = time.thread_time()
        out = fn()
        times.append((time.thread_time() - t) * 1000)
    return statistics.median(times), min(times), out


def network(n_samples: int) -> tuple[ModelSnapshot, object]:
    data = moons(n_samples)
    m = MLP(2, [16, 16, 1], "relu", output_activation="linear", seed=1)
    return ModelSnapshot(2, (16, 16, 1), "relu", "linear", "zero", m.weights()), data


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", action="store_true")
    ap.add_argument("--window", action="store_true")
    args = ap.parse_args()
    if args.window:
        window_figures(args.samples)
        return
    snap, data = network(args.samples)
    r = args.repeat

    def build() -> GraphDocument:
        return network_document(snap, data.X, data.y, "svm", level="layers", sample=None,
                                tensor=False, limit=None).doc

    rows: list[tuple[str, float, float]] = []

    def row(what: str, fn: Callable[[], object]) -> object:
        med, best, out = timed(fn, r)
        rows.append((what, med, best))
        return out

    built = row("build the grouped document", build)
    n = len(built)

    def install() -> GraphDocument:
        shown = GraphDocument()
        shown.replace_with(built)
        return shown

    doc = row("copy into the window's document", install)

    def every_name() -> str:
        doc._names = None
        return doc.display_name("loss")

    row("every name (display_name)", every_name)
    state: dict[str, IncrementalEvaluator] = {}

    def first_forward() -> object:
        state["ev"] = IncrementalEvaluator(doc)
        return state["ev"].forward()

    row("first evaluation (forward)", first_forward)

    def backward() -> object:
        ev = IncrementalEvaluator(doc)
        ev.forward()
        t = time.thread_time()
        out = ev.backward()
        backward.ms = (time.thread_time() - t) * 1000  # type: ignore[attr-defined]
        return out

    times = []
    for _ in range(r):
        backward()
        times.append(backward.ms)  # type: ignore[attr-defined]
    rows.append(("Backward after it", statistics.median(times), min(times)))

    def top() -> object:
        doc._ports = None
        _, groups = doc.children(None)
        return [doc.ports(g) for g in groups]

    row("top scope: its cards and their ports", top)
    total = sum(m for _, m, _ in rows)

    def expand() -> object:
        _, groups = doc.children(layer_group(2))
        return [(doc.ports(g), doc.group_label(g)) for g in groups]

    med_x, best_x, _ = timed(expand, r)

    ev = state["ev"]
    unsubscribe = doc.subscribe(ev.note)
    steps = [0]

    def drag_card() -> object:
        steps[0] += 1
        doc.move_group(layer_group(2), (1000.0 + steps[0], 5.0))
        return doc.ports(layer_group(2))

    med_d, best_d, _ = timed(drag_card, max(r, 20))

    def drag_node() -> object:
        steps[0] += 1
        doc.move("wx2_3_1_s0", (10.0 + steps[0], 5.0))
        return ev.forward()

    med_n, best_n, _ = timed(drag_node, max(r, 20))
    unsubscribe()

    print(f"MLP 2-16-16-1, svm, whole batch of {args.samples} samples: {n:,} nodes, "
          f"{len(doc.groups())} groups (CPU ms, median / best of {r})")
    for what, med, best in rows:
        print(f"  {what:<44} {med:8.1f} / {best:8.1f}")
    print(f"open at layer level, the sum                   {total:8.1f}   (target <= 1000)")
    print(f"expand layer 2 (16 neuron cards and ports)     {med_x:8.1f} / {best_x:8.1f}"
          f"   (target <= 200)")
    print(f"drag a top card, one step (document's part)    {med_d:8.2f} / {best_d:8.2f}")
    print(f"drag a node in a neuron, one step + evaluator  {med_n:8.2f} / {best_n:8.2f}"
          f"   (target: inside 16.7)")

    def tensor_open() -> object:
        shown = network_document(snap, data.X, data.y, "svm", level="layers", sample=None)
        ev = IncrementalEvaluator(shown.doc)
        ev.forward()
        ev.backward()
        return [shown.doc.ports(g) for g in shown.doc.children(None)[1]]

    med_t, best_t, _ = timed(tensor_open, r)
    print(f"the batch by layer in tensor ops (what the view shows): build, forward, Backward, "
          f"top ports {med_t:.1f} / {best_t:.1f}")

    if args.before:
        from playground.graph.from_value import from_value
        from playground.training import network_levels as NL

        b = NL._Builder(snap, data.X, data.y, "svm", tuple(range(args.samples))).build()
        t = time.thread_time()
        old = from_value(b.root, layout=False)
        mid = time.thread_time()
        old._g.nodes[next(iter(old._g.nodes))]["label"] = ""  # force the general walk
        names.names(old)
        end = time.thread_time()
        print(f"before: from_value {1000 * (mid - t):.0f} ms, the names' general walk "
              f"{1000 * (end - mid):.0f} ms")


def window_figures(n_samples: int) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from playground.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = tempfile.mkdtemp()
    w = MainWindow(settings=QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat))
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    w.training.ensure_panel()
    snap, data = network(n_samples)
    vp = w.view.viewport()

    def painted() -> None:
        app.processEvents()
        vp.repaint()

    t, c = time.perf_counter(), time.thread_time()
    shown = network_document(snap, data.X, data.y, "svm", level="layers", sample=None)
    w.training.show_graph(shown.doc)
    painted()
    print(f"window: the batch by layer ({len(shown.doc)} nodes, tensor ops) shown and painted: "
          f"{(time.perf_counter() - t) * 1e3:.0f} ms wall, {(time.thread_time() - c) * 1e3:.0f}"
          f" ms CPU (target <= 1000)")
    t, c = time.perf_counter(), time.thread_time()
    w.scene.set_scope(layer_group(2))
    painted()
    print(f"window: open layer 2 (its 16 neuron cards) and paint: "
          f"{(time.perf_counter() - t) * 1e3:.0f} ms wall, {(time.thread_time() - c) * 1e3:.0f}"
          f" ms CPU (target <= 200)")
    w.scene.set_scope(None)
    w.view.fit_all()
    app.processEvents()
    card = w.scene.card_for("W2")
    start = w.view.mapFromScene(card.sceneBoundingRect().center())
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    app.processEvents()
    steps = []
    for k in range(1, 41):
        t = time.perf_counter()
        QTest.mouseMove(vp, start + QPoint(k * 2, k))
        app.processEvents()
        steps.append(time.perf_counter() - t)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(80, 40))
    app.processEvents()
    steps.sort()
    print(f"window: drag the Layer 2 card, per step median {statistics.median(steps) * 1e3:.1f}"
          f" ms, p90 {steps[int(len(steps) * 0.9)] * 1e3:.1f} ms (one frame = 16.7 ms)")
    w.undo_stack.setClean()
    w.training.shutdown()
    w.close()


if __name__ == "__main__":
    main()
