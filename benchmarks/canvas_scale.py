"""How the canvas copes with a 10,000-node graph. Prints figures; not a timed test.

    python benchmarks/canvas_scale.py [N_NODES]

Measures: opening (load the file + forward/backward + build the scene + first paint), a
full repaint of the fitted graph (drawn afresh, after a pan, after a selection, unchanged), and
dragging one node with real mouse events (each step: the move, the wires that follow it, and
the repaint of the view) at 100% zoom and zoomed out to fit all.
Then, in the window's flow (the display model feeding the scene): an edit after Backward
(``Editor.set_value``, a SetValue through the undo stack) until the viewport has repainted,
for a value near the output and one at the inputs (which feeds most of this graph); and a
scrub (``DisplayModel.preview``), per mouse move.
The goal: opening <= 3 s; a drag step well inside one 60 Hz frame (16.7 ms); an edit after
Backward <= 15 ms at 2,000 nodes and <= 50 ms at 10,000; a scrub move inside one frame.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.graph.document import GraphDocument
from playground.ui.canvas.zoom_steps import SETTLE_MS
from playground.ui.editor import Editor


def build(n_nodes: int) -> GraphDocument:
    """Layers of 50 nodes: values on the left, then rows of + and * fed by the layer before."""
    doc = GraphDocument()
    width = 50
    prev: list[str] = []
    i = 0
    col = 0
    while i < n_nodes:
        layer = []
        for r in range(min(width, n_nodes - i)):
            pos = (col * 200.0, r * 100.0)
            if not prev:
                nid = doc.add_node("value", label=f"x{r}", value=(r % 7) / 7 - 0.4, pos=pos)
            else:
                nid = doc.add_node("op", op="add" if r % 2 else "mul", pos=pos)
                doc.connect(prev[r % len(prev)], nid, 0)
                doc.connect(prev[(r + 1) % len(prev)], nid, 1)
            layer.append(nid)
            i += 1
        prev = layer
        col += 1
    sinks = doc.sinks()
    if len(sinks) > 1:
        doc.set_output(sinks[0])
    return doc


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    app = QApplication.instance() or QApplication([])
    from playground.graph import io
    from playground.graph.evaluate import evaluate
    from playground.ui.canvas import GraphScene, GraphView

    doc = build(n)
    print(f"graph: {len(doc)} nodes, {len(doc.edges())} wires")
    path = Path(tempfile.mkdtemp()) / "big.json"
    io.save(doc, path)

    t0, c0 = time.perf_counter(), time.process_time()
    doc = io.load(path)
    t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
    t = time.perf_counter()
    evaluation = evaluate(doc, backward=True)
    t_eval = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    scene = GraphScene(doc, Editor(doc))
    t_scene, c_scene = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    scene.set_evaluation(evaluation)
    view = GraphView(scene)
    view.resize(1280, 800)
    view.fit_all()
    view.show()
    app.processEvents()  # the first paint
    t_paint, c_paint = time.perf_counter() - t, time.process_time() - c
    t_open, c_open = time.perf_counter() - t0, time.process_time() - c0
    print(f"open: {t_open:.2f} s  (load {t_load:.2f}, evaluate+backward {t_eval:.2f}, "
          f"scene {t_scene:.2f}, view+fit+first paint {t_paint:.2f})  goal <= 3 s")
    print(f"  CPU time (what a quiet machine would take): open {c_open:.2f} s = load "
          f"{c_load:.2f} + canvas (scene {c_scene:.2f}, view+fit+first paint {c_paint:.2f}) "
          f"+ evaluate")

    cpu: list[float] = []  # the CPU time of the last figure's repaints (see cpu_ms)

    def cpu_ms() -> str:
        """The CPU median of the last timed repaints: what a quiet machine would take (the
        machine this runs on is shared, and its wall times swing by 3x)."""
        return f"{statistics.median(cpu) * 1e3:.1f} ms CPU"

    def repaint_time(repeats: int = 5) -> float:
        times = []
        cpu.clear()
        for _ in range(repeats):
            t, c = time.perf_counter(), time.thread_time()
            view.viewport().repaint()
            times.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
        return statistics.median(times)

    def repaint_after(change, repeats: int = 5) -> float:
        """A full repaint after ``change(k)`` (k = 0, 1, ...), which Qt has not painted yet."""
        times = []
        cpu.clear()
        for k in range(repeats):
            app.processEvents()  # nothing left to paint
            change(k)
            t, c = time.perf_counter(), time.thread_time()
            view.viewport().repaint()
            times.append(time.perf_counter() - t)
            cpu.append(time.thread_time() - c)
        app.processEvents()
        return statistics.median(times)

    def figure(seconds: float) -> str:
        return f"{seconds * 1e3:.1f} ms ({cpu_ms()})"

    # Afresh: a zoom set in one go (by a hair, there and back), or the wheel come to rest,
    # leaves nothing of the last picture: every box and wire is drawn. Two to warm up (the
    # first ones after opening are slower), then 15: this machine's CPU time swings by 1.5x.
    fitted = view.zoom()

    def hair(k: int) -> None:
        view.set_zoom(fitted * (1.001 if k % 2 else 1.002))

    repaint_after(hair, repeats=2)
    afresh = figure(repaint_after(hair, repeats=15))
    # A wheel step, one notch in, one out: the last frame is shown scaled until the wheel
    # rests (zoom_steps.py), then drawn afresh once.
    centre = view.viewport().rect().center()
    wheel = figure(repaint_after(lambda k: turn_wheel(view, centre, -120 if k % 2 else 120),
                                 repeats=15))
    QTest.qWait(SETTLE_MS + 50)  # rested: drawn sharp, not inside the next figures
    view.fit_all()
    app.processEvents()
    bar = view.horizontalScrollBar()
    panned = figure(repaint_after(lambda k: bar.setValue(bar.value() + (2 if k % 2 else -2))))
    some = [scene.node_item(n) for n in doc.node_ids()[len(doc) // 3:][:2]]
    picked = figure(repaint_after(lambda k: scene.select_nodes([some[k % 2].node_id])))
    scene.clearSelection()
    again = figure(repaint_time())
    print(f"full repaint, fitted ({view.zoom():.3f}x): drawn afresh (a zoom set in one go, or "
          f"the wheel come to rest) {afresh};\n  a wheel step (the kept picture scaled) {wheel};"
          f" after a 2-pixel pan {panned}; after selecting a box {picked}; the same "
          f"picture again {again}")

    def drag_steps(label: str) -> None:
        node = doc.node_ids()[len(doc) // 2 + 25]
        item = scene.node_item(node)
        view.centerOn(item)
        app.processEvents()
        vp = view.viewport()
        start = view.mapFromScene(item.mapToScene(QPointF(item.body.width() / 2, 8)))
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        app.processEvents()
        times, worst, cpu_steps = [], [], []
        for k in range(1, 61):
            t, c = time.perf_counter(), time.thread_time()
            QTest.mouseMove(vp, start + QPoint(k * 2, k))
            if k % 2:
                app.processEvents()  # Qt repaints what changed, as in the running app
                times.append(time.perf_counter() - t)
                cpu_steps.append(time.thread_time() - c)
            else:
                vp.repaint()  # worst case: the whole viewport
                worst.append(time.perf_counter() - t)
        t = time.perf_counter()
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           start + QPoint(120, 60))
        app.processEvents()
        t_release = time.perf_counter() - t
        times.sort()
        worst.sort()
        cpu_steps.sort()
        print(f"drag one node, {label}: per step median {statistics.median(times) * 1e3:.1f} ms,"
              f" p90 {times[int(len(times) * 0.9)] * 1e3:.1f} ms (CPU p90 "
              f"{cpu_steps[int(len(cpu_steps) * 0.9)] * 1e3:.1f} ms; move + wires + Qt's repaint);"
              f" with a full-viewport repaint {statistics.median(worst) * 1e3:.1f} ms;"
              f" release (undo step) {t_release * 1e3:.1f} ms; one frame = 16.7 ms")

    wheel_walk(app, view)
    view.reset_zoom()
    print(f"full repaint at 100%: {repaint_time() * 1e3:.1f} ms ({cpu_ms()})")
    drag_steps("100% zoom")
    view.fit_all()
    drag_steps(f"fitted {view.zoom():.3f}x")

    t = time.perf_counter()
    scene.set_evaluation(evaluate(doc), grads_stale=True)
    view.viewport().repaint()
    print(f"set_evaluation(forward, stale) + full repaint, fitted: "
          f"{(time.perf_counter() - t) * 1e3:.0f} ms")
    scene.detach()
    edits_and_scrub(app, doc)
    return 0


def wheel_walk(app: QApplication, view) -> None:
    """The wheel turned notch by notch from 100% out to the fitted zoom: each notch and the
    repaint it makes (CPU), then the drawing once it rests."""
    view.reset_zoom()
    app.processEvents()
    fitted = 0.0
    vp = view.viewport()
    steps = []
    while view.zoom() > 0.04:
        c = time.thread_time()
        turn_wheel(view, vp.rect().center(), -120)
        vp.repaint()
        steps.append(time.thread_time() - c)
        fitted = view.zoom()
    c = time.thread_time()
    view.zoom_steps.settle()
    vp.repaint()
    rest = time.thread_time() - c
    steps.sort()
    print(f"wheel from 100% to {fitted:.3f}x, {len(steps)} notches, each with its repaint, CPU: "
          f"median {statistics.median(steps) * 1e3:.1f} ms, p90 "
          f"{steps[int(len(steps) * 0.9)] * 1e3:.1f}, worst {steps[-1] * 1e3:.0f} (a new "
          f"picture, every 4x); drawn once it rests {rest * 1e3:.0f} ms")


def turn_wheel(view, at: QPoint, delta: int) -> None:
    """One notch of a real wheel (delta 120) at ``at``, in viewport pixels."""
    vp = view.viewport()
    event = QWheelEvent(QPointF(at), QPointF(vp.mapToGlobal(at)), QPoint(), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)


def edits_and_scrub(app: QApplication, doc: GraphDocument) -> None:
    """The window's flow: the display model feeding the scene, Backward, then an edit through
    the editor (SetValue on the undo stack), timed until the viewport has repainted (100%
    zoom, centred on the edited node, as when editing it); and a real mouse drag on a value's
    data number, per move."""
    from playground.ui.canvas import GraphScene, GraphView
    from playground.ui.display import DisplayModel

    # A constant near the output (as f = -2 in the lecture graph): its downstream is small.
    # The values on the left feed most of the graph (x0: see "downstream" below).
    last = doc.sinks()[0]
    target = next(t for t in doc.node_ids()[-200:] if doc.kind(t) == "op")
    near = doc.add_node("value", label="k", value=0.5, pos=(doc.pos(target)[0] - 200, -300))
    doc.connect(near, target, 1, replace=True)
    doc.set_output(last)
    editor = Editor(doc)
    scene = GraphScene(doc, editor)
    view = GraphView(scene)
    view.resize(1280, 800)
    ctl = DisplayModel(doc, editor.stack)
    scene.connect_display(ctl)
    view.show()
    ctl.reset()  # as the window does when a file is opened: the first forward
    ctl.backward()
    app.processEvents()
    import networkx as nx

    def painted_after(fn) -> tuple[float, float]:
        """Wall and CPU time of ``fn`` plus the repaint Qt then does (what the user waits
        for; CPU time is what a quiet machine would take)."""
        t, c = time.perf_counter(), time.thread_time()
        fn()
        app.processEvents()  # the forward ran in the push; this paints what changed
        return time.perf_counter() - t, time.thread_time() - c

    def figures(times: list[tuple[float, float]]) -> str:
        wall = sorted(w for w, _ in times)
        cpu = sorted(c for _, c in times)
        return (f"median {statistics.median(wall) * 1e3:.1f} ms, p90 "
                f"{wall[int(len(wall) * 0.9)] * 1e3:.1f} ms (CPU median "
                f"{statistics.median(cpu) * 1e3:.1f} ms)")

    for node in (near, doc.node_ids()[0]):
        below = len(nx.descendants(doc._g, node))
        item = scene.node_item(node)
        view.reset_zoom()
        view.centerOn(item)
        app.processEvents()
        first, then = [], []
        for k in range(20):
            if k % 4 == 0:  # grads fresh again: the first edit after Backward greys them all
                ctl.backward()
                app.processEvents()
            new = float(doc.value(node)) + 0.125
            t = painted_after(lambda n=node, v=new: editor.set_value(n, v))
            (first if k % 4 == 0 else then).append(t)
        print(f"edit after Backward -> forward + stale repaint, value {doc.label(node)} "
              f"({below} nodes downstream of {len(doc)}), 100% zoom; goal <= 50 ms at "
              f"10,000 nodes, <= 15 ms at 2,000:\n  the first edit (every card turns grey): "
              f"{figures(first)}\n  the next edits (grads already stale): {figures(then)}")

    # Scrub: press on a value's number and drag sideways, each move until repainted.
    for node in (near, doc.node_ids()[0]):
        below = len(nx.descendants(doc._g, node))
        ctl.backward()
        item = scene.node_item(node)
        view.reset_zoom()
        view.centerOn(item)
        app.processEvents()
        vp = view.viewport()
        start = view.mapFromScene(item.mapToScene(item.scrub_zone().center()))
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        app.processEvents()
        times = []
        for k in range(1, 41):
            at = start + QPoint(3 * k, 0)
            ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(at), QPointF(vp.mapToGlobal(at)),
                             Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier)
            times.append(painted_after(lambda e=ev, w=vp: QApplication.sendEvent(w, e)))
        assert scene.scrubbing, "the drag did not scrub"
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           start + QPoint(120, 0))
        app.processEvents()
        times = times[2:]  # the first moves pass the slop and start the drag
        print(f"scrub {doc.label(node)} ({below} nodes downstream), each mouse move until "
              f"repainted: {figures(times)}; one frame = 16.7 ms")
    scene.detach()


if __name__ == "__main__":
    raise SystemExit(main())
