"""Scalar engine speed, side by side with micrograd, in one run.

    pip install micrograd        # only for this benchmark
    python benchmarks/scalar_engine.py [--steps 5]

Workload: micrograd's own moons demo (MLP 2-16-16-1, ReLU, SVM max-margin loss + 1e-4 L2,
100 points, full batch), written once below and run with each engine's ``Value``. micrograd is
timed as users run it (gc on) and with gc disabled. Engines alternate step by step so that
machine noise hits both alike; CPU time (the steadier figure on a shared machine) and wall
time are printed. Also: backward nodes per second on a 1,000,000-deep chain.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.engine import Value


def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    import math

    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * (i % (n // 2)) / (n // 2 - 1)
        if i < n // 2:
            x, y, label = math.cos(t), math.sin(t), 1
        else:
            x, y, label = 1 - math.cos(t), 1 - math.sin(t) - 0.5, -1
        xs.append([x + rng.gauss(0, noise), y + rng.gauss(0, noise)])
        ys.append(label)
    return xs, ys


def make_step(value_cls: type) -> Callable[[], float]:
    """micrograd's demo, parameterised by the Value class (the same code for every engine)."""
    rng = random.Random(1337)

    def neuron(nin: int, nonlin: bool) -> tuple[list, object, bool]:
        return [value_cls(rng.uniform(-1, 1)) for _ in range(nin)], value_cls(0), nonlin

    sizes = [2, 16, 16, 1]
    layers = [
        [neuron(sizes[i], i != len(sizes) - 2) for _ in range(sizes[i + 1])]
        for i in range(len(sizes) - 1)
    ]
    params = [p for layer in layers for (w, b, _) in layer for p in [*w, b]]
    xs, ys = moons()
    k = [0]

    def model(x: list) -> object:
        for layer in layers:
            out = []
            for w, b, nonlin in layer:
                act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
                out.append(act.relu() if nonlin else act)
            x = out
        return x[0]

    def step() -> float:
        inputs = [list(map(value_cls, xrow)) for xrow in xs]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        total.backward()
        lr = 1.0 - 0.9 * k[0] / 100
        for p in params:
            p.data -= lr * p.grad
        k[0] += 1
        return total.data

    return step


def time_steps(
    runners: dict[str, Callable[[], float]], steps: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Alternate the engines step by step, the order rotating. Each keeps its own gc
    thresholds, as it would in a process of its own (the playground raises its threshold;
    micrograd runs on the default). Returns per-engine wall and CPU seconds per step."""
    wall: dict[str, list[float]] = {name: [] for name in runners}
    cpu: dict[str, list[float]] = {name: [] for name in runners}
    losses: dict[str, float] = {}
    default = gc.get_threshold()
    thresholds = dict.fromkeys(runners, default)
    names = list(runners)
    for k in range(steps):
        for name in names[k % len(names):] + names[:k % len(names)]:
            run = runners[name]
            gc.collect()
            gc.set_threshold(*thresholds[name])
            c0, t0 = time.process_time(), time.perf_counter()
            losses[name] = run()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
            thresholds[name] = gc.get_threshold()
            gc.set_threshold(*default)
    for name, loss in losses.items():
        print(f"  {name:<28} final loss {loss:.12f}")
    return wall, cpu


def gc_off(step: Callable[[], float]) -> Callable[[], float]:
    def run() -> float:
        gc.disable()
        try:
            return step()
        finally:
            gc.enable()

    return run


def chain_backward(depth: int) -> tuple[float, float, int]:
    """(wall, CPU) seconds of backward on a ``depth``-deep chain, and its number of nodes."""
    x = Value(0.5)
    y = x
    for i in range(depth):
        y = y * 1.0000001 if i % 2 else y + 0.25
    c0, t0 = time.process_time(), time.perf_counter()
    y.backward()
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return dt, dc, 2 * depth + 1  # every op node plus its constant operand, plus x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--steps", type=int, default=7)
    ap.add_argument("--depth", type=int, default=1_000_000)
    args = ap.parse_args()

    runners: dict[str, Callable[[], float]] = {"playground": make_step(Value)}
    try:
        from micrograd.engine import Value as MicroValue

        runners["micrograd"] = make_step(MicroValue)
        runners["micrograd (gc disabled)"] = gc_off(make_step(MicroValue))
    except ImportError:
        print("micrograd not installed (pip install micrograd): showing playground alone")

    print(f"moons demo, MLP 2-16-16-1, one full-batch step, median of {args.steps}:")
    wall, cpu = time_steps(runners, args.steps)
    med_wall = {name: statistics.median(ts) for name, ts in wall.items()}
    med_cpu = {name: statistics.median(ts) for name, ts in cpu.items()}
    for name in runners:
        print(f"  {name:<28} {med_cpu[name] * 1000:8.1f} ms/step CPU, "
              f"{med_wall[name] * 1000:8.1f} ms wall")
    for name in ("micrograd", "micrograd (gc disabled)"):
        if name in med_cpu:
            print(f"  speed-up over {name:<24} {med_cpu[name] / med_cpu['playground']:6.2f}x CPU, "
                  f"{med_wall[name] / med_wall['playground']:6.2f}x wall")

    dt, dc, nodes = chain_backward(args.depth)
    print(f"backward on a {args.depth:,}-deep chain: {dc:.2f} s CPU ({dt:.2f} s wall), "
          f"{nodes / dc / 1e6:.2f} M nodes/s CPU ({nodes / dt / 1e6:.2f} M wall)")


if __name__ == "__main__":
    main()
