"""Tensor engine speed against PyTorch and a hand-written numpy forward/backward, in one run.

    python benchmarks/tensor_engine.py [--reps 30]

OpenBLAS may be slowed on purpose on this machine (see the env README): for figures, run
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/tensor_engine.py``.

Two workloads, one SGD step each (forward, loss, backward, update), engines alternating
run by run so that machine noise hits all alike; medians are printed with ratios:
- big: MLP 784-256-256-10, ReLU, batch 256, softmax cross-entropy, float32. BLAS-bound.
  numpy's OpenBLAS and PyTorch run with the same thread count: all cores, then one.
- tiny: micrograd's moons demo, MLP 2-16-16-1, ReLU, SVM max-margin loss + 1e-4 L2, full
  batch of 100, float64. Per-op overhead is everything; one thread everywhere.
Targets (issue 3): big within 1.1x of PyTorch; tiny >= 2x faster than PyTorch and within 2x
of hand-written numpy. The figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.engine.tensor import Tensor, cross_entropy

Step = Callable[[], float]


# --- the networks' initial weights, shared by all engines -----------------------------------


def init_mlp(sizes: list[int], dtype: type, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    params = []
    for nin, nout in itertools.pairwise(sizes):
        params.append((rng.uniform(-1, 1, size=(nin, nout)) / np.sqrt(nin)).astype(dtype))
        params.append(np.zeros(nout, dtype=dtype))
    return params


def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.pi * np.arange(half) / (half - 1)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 1 - np.sin(t) - 0.5], axis=1)
    x = np.concatenate([upper, lower]) + rng.normal(0, noise, size=(2 * half, 2))
    y = np.concatenate([np.ones(half), -np.ones(half)])
    return x, y


# --- big MLP, cross-entropy, float32 --------------------------------------------------------


def big_tensor(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    ps = [Tensor(p, requires_grad=True) for p in params]
    xt = Tensor(x)
    w1, b1, w2, b2, w3, b3 = ps

    def step() -> float:
        h1 = (xt @ w1 + b1).relu()
        h2 = (h1 @ w2 + b2).relu()
        loss = cross_entropy(h2 @ w3 + b3, y)
        for p in ps:
            p.grad = None
        loss.backward()
        for p in ps:
            p.data -= lr * p.grad
        return loss.item()

    return step


def big_numpy(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    w1, b1, w2, b2, w3, b3 = ps = [p.copy() for p in params]
    n = x.shape[0]
    rows = np.arange(n)

    def step() -> float:
        z1 = x @ w1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ w3 + b3
        shifted = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, y]))
        dz3 = e / s
        dz3[rows, y] -= 1
        dz3 /= n
        dw3, db3 = h2.T @ dz3, dz3.sum(axis=0)
        dz2 = (dz3 @ w3.T) * (z2 > 0)
        dw2, db2 = h1.T @ dz2, dz2.sum(axis=0)
        dz1 = (dz2 @ w2.T) * (z1 > 0)
        dw1, db1 = x.T @ dz1, dz1.sum(axis=0)
        for p, g in zip(ps, (dw1, db1, dw2, db2, dw3, db3), strict=True):
            p -= lr * g
        return loss

    return step


def big_torch(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    import torch
    import torch.nn.functional as F

    ps = [torch.tensor(p, requires_grad=True) for p in params]
    w1, b1, w2, b2, w3, b3 = ps
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def step() -> float:
        h1 = torch.relu(xt @ w1 + b1)
        h2 = torch.relu(h1 @ w2 + b2)
        loss = F.cross_entropy(h2 @ w3 + b3, yt)
        for p in ps:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= lr * p.grad
        return loss.item()

    return step


# --- tiny: micrograd's moons demo -------------------------------------------------------------


def tiny_tensor(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    ps = [Tensor(p, requires_grad=True) for p in params]
    xt = Tensor(x)
    yc = y[:, None]
    w1, b1, w2, b2, w3, b3 = ps

    def step() -> float:
        h1 = (xt @ w1 + b1).relu()
        h2 = (h1 @ w2 + b2).relu()
        scores = h2 @ w3 + b3
        data_loss = (1 - yc * scores).relu().mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in ps)
        total = data_loss + reg_loss
        for p in ps:
            p.grad = None
        total.backward()
        for p in ps:
            p.data -= lr * p.grad
        return total.item()

    return step


def tiny_numpy(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    w1, b1, w2, b2, w3, b3 = ps = [p.copy() for p in params]
    yc = y[:, None]
    n = x.shape[0]

    def step() -> float:
        z1 = x @ w1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ w2 + b2
        h2 = np.maximum(z2, 0)
        scores = h2 @ w3 + b3
        margins = 1 - yc * scores
        data_loss = np.maximum(margins, 0).mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in ps)
        total = float(data_loss + reg_loss)
        dscores = -yc * (margins > 0) / n
        dw3, db3 = h2.T @ dscores, dscores.sum(axis=0)
        dz2 = (dscores @ w3.T) * (z2 > 0)
        dw2, db2 = h1.T @ dz2, dz2.sum(axis=0)
        dz1 = (dz2 @ w2.T) * (z1 > 0)
        dw1, db1 = x.T @ dz1, dz1.sum(axis=0)
        for p, g in zip(ps, (dw1, db1, dw2, db2, dw3, db3), strict=True):
            p -= lr * (g + 2e-4 * p)
        return total

    return step


def tiny_torch(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float) -> Step:
    import torch

    ps = [torch.tensor(p, requires_grad=True) for p in params]
    w1, b1, w2, b2, w3, b3 = ps
    xt, yc = torch.from_numpy(x), torch.from_numpy(y[:, None])

    def step() -> float:
        h1 = torch.relu(xt @ w1 + b1)
        h2 = torch.relu(h1 @ w2 + b2)
        scores = h2 @ w3 + b3
        data_loss = torch.relu(1 - yc * scores).mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in ps)
        total = data_loss + reg_loss
        for p in ps:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in ps:
                p -= lr * p.grad
        return total.item()

    return step


# --- timing -----------------------------------------------------------------------------------


def alternate(runners: dict[str, tuple[Step, Callable[[], None]]], reps: int, warmup: int = 3):
    """Run each engine's step once per round, rotating the order.

    Returns per-engine lists of (wall, cpu) seconds per step and the last losses. CPU time
    (the process's, all threads) is the steadier figure on a busy machine for one-thread runs.
    """
    names = list(runners)
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    losses: dict[str, float] = {}
    for r in range(warmup + reps):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            step, setup = runners[name]
            setup()
            c0, t0 = time.process_time(), time.perf_counter()
            losses[name] = step()
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            if r >= warmup:
                times[name].append((dt, dc))
    return times, losses


def report(title: str, times: dict[str, list[tuple[float, float]]], losses: dict[str, float]):
    """Print medians; return {engine: median wall}, {engine: median cpu}."""
    print(title)
    wall = {n: statistics.median(t[0] for t in ts) for n, ts in times.items()}
    cpu = {n: statistics.median(t[1] for t in ts) for n, ts in times.items()}
    for n in times:
        q1, _, q3 = statistics.quantiles([t[0] for t in times[n]], n=4)
        print(
            f"  {n:<15} wall {wall[n] * 1e3:8.3f} ms/step (IQR {q1 * 1e3:.3f}-{q3 * 1e3:.3f})"
            f"  cpu {cpu[n] * 1e3:8.3f} ms  loss after {losses[n]:.6f}"
        )
    return wall, cpu


def ratio(meds: tuple[dict, dict], a: str, b: str, target: str) -> None:
    wall, cpu = meds
    if a in wall and b in wall:
        print(f"  {a} / {b}: {wall[a] / wall[b]:.2f}x wall, {cpu[a] / cpu[b]:.2f}x cpu"
              f"   (target {target})")


def openblas_threads() -> Callable[[int], None] | None:
    """A setter for numpy's OpenBLAS thread count (through ctypes), or None if not found."""
    import ctypes

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    libs = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()}
    for lib in sorted(libs):
        try:
            handle = ctypes.CDLL(lib)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "openblas_set_num_threads64_", "openblas_set_num_threads"):
            fn = getattr(handle, name, None)
            if fn is not None:
                return lambda n, fn=fn: fn(int(n))
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reps", type=int, default=30, help="timed steps per engine (big MLP)")
    ap.add_argument("--tiny-reps", type=int, default=300, help="timed steps per engine (moons)")
    args = ap.parse_args()

    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed: PyTorch columns skipped")
    cores = os.cpu_count() or 1
    print(f"numpy {np.__version__}, {cores} cores", end="")
    print(f", torch {torch.__version__}" if torch else "")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"):
        if var in os.environ:
            print(f"  note: {var}={os.environ[var]} is set")
    set_blas = openblas_threads()
    if set_blas is None:
        print("  note: cannot set numpy's BLAS threads here; numpy runs with its default")

    def threads(n: int) -> Callable[[], None]:
        """Both libraries on n threads (set before every timed step: they alternate)."""

        def setup() -> None:
            if set_blas is not None:
                set_blas(n)
            if torch is not None:
                torch.set_num_threads(n)

        return setup

    # big: matched thread counts, all cores and one
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 784)).astype(np.float32)
    y = rng.integers(0, 10, size=256)
    params = init_mlp([784, 256, 256, 10], np.float32, seed=1)
    for n in [cores, 1] if set_blas is not None and cores > 1 else [cores]:
        setup = threads(n)
        runners = {
            "Tensor": (big_tensor(params, x, y, 0.01), setup),
            "numpy by hand": (big_numpy(params, x, y, 0.01), setup),
        }
        if torch:
            runners["torch"] = (big_torch(params, x, y, 0.01), setup)
        times, losses = alternate(runners, args.reps)
        med = report(f"MLP 784-256-256-10, batch 256, cross-entropy, float32, one SGD step, "
                     f"{n} thread{'s' if n > 1 else ''}:", times, losses)
        ratio(med, "Tensor", "torch", "<= 1.1")
        ratio(med, "Tensor", "numpy by hand", "~1")
        ratio(med, "numpy by hand", "torch", "(BLAS against BLAS)")

    # tiny: one thread
    x, yy = moons()
    params = init_mlp([2, 16, 16, 1], np.float64, seed=1337)
    setup = threads(1)
    runners = {
        "Tensor": (tiny_tensor(params, x, yy, 0.5), setup),
        "numpy by hand": (tiny_numpy(params, x, yy, 0.5), setup),
    }
    if torch:
        runners["torch"] = (tiny_torch(params, x, yy, 0.5), setup)
    times, losses = alternate(runners, args.tiny_reps, warmup=20)
    med = report("moons demo, MLP 2-16-16-1, SVM loss + L2, batch 100, float64, one SGD step, "
                 "1 thread:", times, losses)
    ratio(med, "torch", "Tensor", ">= 2 (torch slower)")
    ratio(med, "Tensor", "numpy by hand", "<= 2")
    threads(cores)()


if __name__ == "__main__":
    main()
