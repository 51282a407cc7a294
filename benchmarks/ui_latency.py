"""Event-loop latency of the training panel while it trains (target: <= 50 ms).

A ``QTimer`` asks to fire every ``TICK_MS``; how late each tick comes is how long the event loop
was busy (drawing plots, handling the worker's signals, waiting for the GIL). Measured with the
real ``TrainingPanel`` offscreen, Train pressed through its button, for: idle (no training), the
tensor backend (fast steps, the plots redraw all the time; on moons and on the sine preset,
whose fit plot redraws the network's curve), and the scalar backend (slow steps in pure Python:
the worker holds the GIL most of the time).

Run: python benchmarks/ui_latency.py [--seconds 4]
Frames are drawn only when something new arrived: with the scalar backend on the 2-16-16-1
demo a step takes ~0.15 s, so there are only a handful of new points (and frames) a second.

Prints per scenario: lateness median / p95 / max, frames per second (full draws + blits),
training steps per second, the GUI thread's CPU use (its own CPU time over wall time: this
depends less on how busy the machine is); and a CPU calibration (a fixed Python loop) so runs
on a busy machine can be read as "x times slower than usual".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 10
TARGET_MS = 50.0


def calibrate() -> tuple[float, float]:
    """(wall, CPU) seconds for 1,000,000 additions in a Python loop: on a busy machine the
    wall time grows past the CPU time (the process waits for a core)."""
    t0, c0 = time.perf_counter(), time.process_time()
    s = 0
    for i in range(1_000_000):
        s += i
    return time.perf_counter() - t0, time.process_time() - c0


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def measure(panel, seconds: float, train: bool) -> dict:
    late: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        late.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    plots = panel.ensure_plots()
    frames0, draws0 = plots.frame_count, plots.draw_count
    steps0 = 0
    if train:
        panel.train_button.click()
    timer.start()
    t0 = time.perf_counter()
    cpu0 = time.thread_time()
    wait(int(seconds * 1000))
    elapsed = time.perf_counter() - t0
    gui_cpu = (time.thread_time() - cpu0) / elapsed
    timer.stop()
    steps = 0
    if panel.run is not None:
        steps = panel.plots.current.steps[-1] + 1 if len(panel.plots.current) else 0
        panel.reset()
    late.sort()
    return {
        "median": statistics.median(late) if late else 0.0,
        "p95": late[int(0.95 * (len(late) - 1))] if late else 0.0,
        "max": late[-1] if late else 0.0,
        "fps": (plots.frame_count - frames0) / elapsed,
        "full_draws_per_s": (plots.draw_count - draws0) / elapsed,
        "steps_per_s": (steps - steps0) / elapsed,
        "gui_cpu": gui_cpu,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    from playground.ui.training.panel import TrainingPanel

    wall, cpu = calibrate()
    print(f"calibration: a 1e6-step Python loop took {wall * 1000:.0f} ms wall, "
          f"{cpu * 1000:.0f} ms CPU (wall >> CPU: the machine is busy; figures are then worse)")
    if hasattr(os, "getloadavg"):
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    panel = TrainingPanel()
    panel.resize(1150, 640)
    panel.show()
    wait(300)
    worst = 0.0
    scenarios = [
        ("idle (no training)", {}, False),
        ("tensor backend, moons 2-16-16-1", {"steps": 1_000_000}, True),
        ("tensor backend, sine fit 1-16-16-1", {"preset": "sine", "steps": 1_000_000}, True),
        ("scalar backend, moons 2-16-16-1", {"steps": 1_000_000, "backend": "scalar"}, True),
        ("scalar backend, lecture 3-4-4-1", {"preset": "lecture", "steps": 1_000_000,
                                             "backend": "scalar"}, True),
    ]
    print(f"{'scenario':34} {'late median':>11} {'p95':>7} {'max':>7} {'frames/s':>9} "
          f"{'full/s':>7} {'steps/s':>8} {'GUI CPU':>8}")
    for name, overrides, train in scenarios:
        from playground.training.config import TrainConfig

        base = TrainConfig.preset(overrides.pop("preset", "demo"))
        from dataclasses import replace

        panel.form.set_config(replace(base, **overrides))
        wait(100)
        r = measure(panel, args.seconds, train)
        if train:
            worst = max(worst, r["p95"])
        print(f"{name:34} {r['median']:9.1f}ms {r['p95']:5.1f}ms {r['max']:5.1f}ms "
              f"{r['fps']:9.1f} {r['full_draws_per_s']:7.1f} {r['steps_per_s']:8.0f} "
              f"{r['gui_cpu']:8.0%}")
    panel.shutdown()
    verdict = "OK" if worst <= TARGET_MS else "OVER TARGET"
    print(f"worst p95 lateness while training: {worst:.1f} ms (target <= {TARGET_MS:.0f} ms): "
          f"{verdict}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
