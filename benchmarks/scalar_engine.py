"""Scalar engine speed, side by side with micrograd, in one run.

    pip install micrograd        # only for this benchmark
    python benchmarks/scalar_engine.py [--steps 5]

Workload: micrograd's own moons demo (MLP 2-16-16-1, ReLU, SVM max-margin loss + 1e-4 L2,
100 points, full batch), written once below and run with each engine's ``Value``. micrograd is
timed as users run it (gc on) and with gc disabled. Engines alternate step by step so that
machine noise hits both alike. Also: backward nodes per second on a 1,000,000-deep chain.
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

from playground.engine import Value  # noqa: E402


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


def time_steps(runners: dict[str, Callable[[], float]], steps: int) -> dict[str, list[float]]:
    """Alternate the engines step by step. Each keeps its own gc thresholds, as it would in a
    process of its own (the playground raises its threshold; micrograd runs on the default)."""
    times: dict[str, list[float]] = {name: [] for name in runners}
    losses: dict[str, float] = {}
    default = gc.get_threshold()
    thresholds = dict.fromkeys(runners, default)
    for _ in range(steps):
        for name, run in runners.items():
            gc.collect()
            gc.set_threshold(*thresholds[name])
            t0 = time.perf_counter()
            losses[name] = run()
            times[name].append(time.perf_counter() - t0)
            thresholds[name] = gc.get_threshold()
            gc.set_threshold(*default)
    for name, loss in losses.items():
        print(f"  {name:<28} final loss {loss:.12f}")
    return times


def gc_off(step: Callable[[], float]) -> Callable[[], float]:
    def run() -> float:
        gc.disable()
        try:
            return step()
        finally:
            gc.enable()

    return run


def chain_backward(depth: int) -> tuple[float, int]:
    x = Value(0.5)
    y = x
    for i in range(depth):
        y = y * 1.0000001 if i % 2 else y + 0.25
    t0 = time.perf_counter()
    y.backward()
    dt = time.perf_counter() - t0
    return dt, 2 * depth + 1  # every op node plus its constant operand, plus x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--steps", type=int, default=5)
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
    times = time_steps(runners, args.steps)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    for name, m in med.items():
        print(f"  {name:<28} {m * 1000:8.1f} ms/step")
    ours = med["playground"]
    for name in ("micrograd", "micrograd (gc disabled)"):
        if name in med:
            print(f"  speed-up over {name:<24} {med[name] / ours:6.2f}x")

    dt, nodes = chain_backward(args.depth)
    print(f"backward on a {args.depth:,}-deep chain: {dt:.2f} s, {nodes / dt / 1e6:.2f} M nodes/s")


if __name__ == "__main__":
    main()
