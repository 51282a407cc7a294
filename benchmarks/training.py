"""Training speed: the tensor backend against PyTorch and hand-written numpy, and the scalar
backend against the tensor one. Prints figures and ratios measured in this run.

    python benchmarks/training.py [--repeats 50] [--scalar-steps 100] [--big-repeats 20]

1. micrograd's moons demo step (100 points, MLP 2-16-16-1 ReLU, SVM loss + 1e-4 L2, full
   batch, SGD): ``TensorMLP`` + ``losses`` + ``optim.SGD`` as a user writes it, the same step
   through ``Trainer.step()`` (metrics included), PyTorch CPU float64 with one thread (when
   installed) and a hand-written numpy forward/backward, all from the same initial weights.
   Each starts from its own copy; they run in turn step by step (alternating), and the table
   shows medians. Their losses must agree to ~1e-12 (checked and printed).
2. MLP 784-256-256-10, batch 256, cross-entropy, float32, SGD: the same three ways.
3. Scalar vs tensor backend on the demo, from the same seed, through ``Trainer``: the largest
   difference between their loss curves and the speed ratio.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.engine.data import moons
from playground.engine.losses import l2, svm
from playground.engine.nn import TensorMLP
from playground.engine.optim import SGD
from playground.engine.tensor import Tensor, cross_entropy
from playground.training import TrainConfig, Trainer

Step = Callable[[], float]
ALPHA = 1e-4


# --- hand-written numpy reference ---------------------------------------------------------


def numpy_demo_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Callable:
    """Forward/backward of the demo network by hand; returns step(lr) -> loss."""
    W1, b1, W2, b2, W3, b3 = weights
    params = weights
    n = len(y)

    def step(lr: float) -> float:
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0.0)
        s = (h2 @ W3 + b3)[:, 0]
        margin = 1.0 - y * s
        loss = np.maximum(margin, 0.0).mean() + ALPHA * sum(float((p * p).sum()) for p in params)
        ds = np.where(margin > 0, -y, 0.0)[:, None] / n
        dW3 = h2.T @ ds
        db3 = ds.sum(0)
        dz2 = (ds @ W3.T) * (z2 > 0)
        dW2 = h1.T @ dz2
        db2 = dz2.sum(0)
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1 = X.T @ dz1
        db1 = dz1.sum(0)
        for p, g in zip(params, (dW1, db1, dW2, db2, dW3, db3), strict=True):
            p -= lr * (g + 2 * ALPHA * p)
        return float(loss)

    return step


def numpy_big_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> Callable:
    W1, b1, W2, b2, W3, b3 = weights
    n = len(y)
    rows = np.arange(n)

    def step(lr: float) -> float:
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3 + b3
        z3 = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(z3)
        sm = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(sm[rows, y]).mean()
        sm[rows, y] -= 1
        dz3 = sm / n
        dW3 = h2.T @ dz3
        dz2 = (dz3 @ W3.T) * (z2 > 0)
        dW2 = h1.T @ dz2
        dz1 = (dz2 @ W2.T) * (z1 > 0)
        dW1 = X.T @ dz1
        for p, g in zip(weights, (dW1, dz1.sum(0), dW2, dz2.sum(0), dW3, dz3.sum(0)), strict=True):
            p -= lr * g
        return float(loss)

    return step


# --- PyTorch ------------------------------------------------------------------------------


def torch_step(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, kind: str) -> Callable:
    import torch

    torch.set_num_threads(1)
    params = [torch.tensor(w.copy(), requires_grad=True) for w in weights]
    Xt = torch.from_numpy(X.copy())
    yt = torch.from_numpy(y.copy())
    F = torch.nn.functional

    def forward() -> torch.Tensor:
        W1, b1, W2, b2, W3, b3 = params
        h = torch.relu(Xt @ W1 + b1)
        h = torch.relu(h @ W2 + b2)
        return h @ W3 + b3

    def step(lr: float) -> float:
        out = forward()
        if kind == "svm":
            penalty = ALPHA * sum((p * p).sum() for p in params)
            loss = torch.relu(1 - yt * out[:, 0]).mean() + penalty
        else:
            loss = F.cross_entropy(out, yt)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss.item()

    return step


# --- ours ---------------------------------------------------------------------------------


def ours_demo_step(model: TensorMLP, X: np.ndarray, y: np.ndarray) -> Callable:
    params = model.parameters()
    opt = SGD(params, lr=1.0)
    Xt = Tensor(X)

    def step(lr: float) -> float:
        loss = svm(model(Xt), y) + l2(params, ALPHA)
        opt.zero_grad()
        loss.backward()
        opt.lr = lr
        opt.step()
        return float(loss.data)

    return step


def ours_big_step(model: TensorMLP, X: np.ndarray, y: np.ndarray) -> Callable:
    params = model.parameters()
    opt = SGD(params, lr=0.01)
    Xt = Tensor(X)

    def step(lr: float) -> float:
        loss = cross_entropy(model(Xt), y)
        opt.zero_grad()
        loss.backward()
        opt.lr = lr
        opt.step()
        return float(loss.data)

    return step


# --- timing -------------------------------------------------------------------------------


def alternate(runners: dict[str, Callable], repeats: int, lr: Callable[[int], float],
              warmup: int = 3) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Run the contenders in turn, one step each, ``repeats`` times; per-step times, losses."""
    times: dict[str, list[float]] = {k: [] for k in runners}
    losses: dict[str, list[float]] = {k: [] for k in runners}
    for k in range(warmup + repeats):
        for name, step in runners.items():
            t0 = time.perf_counter()
            loss = step(lr(k))
            dt = time.perf_counter() - t0
            if k >= warmup:
                times[name].append(dt)
            losses[name].append(loss)
    return times, losses


def report(title: str, times: dict[str, list[float]], losses: dict[str, list[float]],
           ours: str) -> dict[str, float]:
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{title}  (median of {len(next(iter(times.values())))} alternating steps)")
    for name, m in med.items():
        ratio = "" if name == ours else f"   {med[name] / med[ours]:6.2f}x ours"
        print(f"  {name:<34} {m * 1000:9.3f} ms/step{ratio}")
    ref = losses[ours]
    for name, ls in losses.items():
        if name != ours:
            diff = max(abs(a - b) for a, b in zip(ls, ref, strict=True))
            print(f"  loss curve vs ours, max |diff|: {name:<20} {diff:.2e}")
    return med


def demo_section(repeats: int) -> None:
    ds = moons(100, 0.1, seed=1337)
    X, y = ds.X, ds.signs()
    model = TensorMLP(2, [16, 16, 1], seed=1337)
    weights = [w for pair in model.weights() for w in pair]
    sched = lambda k: 1.0 - 0.9 * (k % 100) / 100  # noqa: E731 - the demo's schedule
    runners: dict[str, Callable] = {"tensor backend (ours)": ours_demo_step(model, X, y)}
    trainer = Trainer(TrainConfig(steps=10**9))
    runners["tensor backend, Trainer.step()"] = lambda lr: trainer.step().loss
    try:
        runners["PyTorch float64, 1 thread"] = torch_step(weights, X, y, "svm")
    except ImportError:
        print("PyTorch not installed: skipping it")
    runners["hand-written numpy"] = numpy_demo_step([w.copy() for w in weights], X, y)
    times, losses = alternate(runners, repeats, sched)
    # Trainer's schedule runs over 10**9 steps (for timing): leave its curve out of the check
    losses.pop("tensor backend, Trainer.step()")
    med = report("moons demo step, MLP 2-16-16-1, 100 points, float64", times, losses,
                 "tensor backend (ours)")
    ours = med["tensor backend (ours)"]
    if "PyTorch float64, 1 thread" in med:
        print(f"  => tensor backend is {med['PyTorch float64, 1 thread'] / ours:.2f}x faster "
              f"than PyTorch (goal >= 2x)")
    print(f"  => tensor backend takes {ours / med['hand-written numpy']:.2f}x the hand-written "
          f"numpy time (goal <= 2x)")


def big_section(repeats: int) -> None:
    rs = np.random.RandomState(0)
    X = rs.normal(size=(256, 784)).astype(np.float32)
    y = rs.randint(0, 10, size=256)
    model = TensorMLP(784, [256, 256, 10], seed=0, dtype=np.float32)
    for layer in model.layers:  # scale uniform(-1, 1) down to a trainable start (He-like)
        layer.W.data *= np.float32(np.sqrt(6.0 / layer.W.shape[0]))
    weights = [w for pair in model.weights() for w in pair]
    runners: dict[str, Callable] = {"tensor backend (ours)": ours_big_step(model, X, y)}
    try:
        runners["PyTorch float32, 1 thread"] = torch_step(weights, X, y, "ce")
    except ImportError:
        print("PyTorch not installed: skipping it")
    runners["hand-written numpy"] = numpy_big_step([w.copy() for w in weights], X, y)
    times, losses = alternate(runners, repeats, lambda k: 0.01)
    med = report("MLP 784-256-256-10, batch 256, cross-entropy, float32", times, losses,
                 "tensor backend (ours)")
    print("  note: PyTorch runs on 1 thread here, numpy's BLAS on as many as it likes; run with "
          "OPENBLAS_NUM_THREADS=1 for a like-for-like figure. BLAS-bound: a busy machine "
          "moves these numbers a lot.")
    if "PyTorch float32, 1 thread" in med:
        ratio = med["tensor backend (ours)"] / med["PyTorch float32, 1 thread"]
        print(f"  => tensor backend takes {ratio:.2f}x PyTorch's time (goal <= 1.1x)")


def backends_section(steps: int) -> None:
    scalar = Trainer(TrainConfig(backend="scalar", steps=steps))
    tensor = Trainer(TrainConfig(backend="tensor", steps=steps))
    ts: list[float] = []
    tt: list[float] = []
    diffs = []
    for _ in range(steps):  # alternate, one step each
        t0 = time.perf_counter()
        a = scalar.step()
        ts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        b = tensor.step()
        tt.append(time.perf_counter() - t0)
        diffs.append(abs(a.loss - b.loss))
    ms, mt = statistics.median(ts), statistics.median(tt)
    print(f"\nscalar vs tensor backend, moons demo through Trainer.step(), {steps} steps, "
          f"seed 1337")
    print(f"  scalar (Value graph)   {ms * 1000:9.2f} ms/step")
    print(f"  tensor                 {mt * 1000:9.3f} ms/step")
    print(f"  => tensor is {ms / mt:,.0f}x faster; loss curves differ by at most "
          f"{max(diffs):.1e} (goal <= 1e-9)")
    print(f"  final losses: scalar {a.loss!r}, tensor {b.loss!r}; "
          f"micrograd's notebook printed 0.010978370135492717 at step 99")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=200, help="timed steps for the demo")
    ap.add_argument("--big-repeats", type=int, default=20, help="timed steps for the big MLP")
    ap.add_argument("--scalar-steps", type=int, default=100, help="steps for scalar vs tensor")
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args()
    demo_section(args.repeats)
    if not args.skip_big:
        big_section(args.big_repeats)
    backends_section(args.scalar_steps)


if __name__ == "__main__":
    main()
