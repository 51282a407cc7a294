"""Training speed: the tensor backend against PyTorch and hand-written numpy, and the scalar
backend against the tensor one. Prints figures and ratios measured in this run.

    python benchmarks/training.py [--repeats 400] [--scalar-steps 100] [--big-repeats 20]

1. micrograd's moons demo step (100 points, MLP 2-16-16-1 ReLU, SVM loss + 1e-4 L2, full
   batch, SGD with the demo's learning-rate schedule): ``TensorMLP`` + ``losses`` +
   ``optim.SGD`` as a user writes it, the same step through ``Trainer.step()`` (metrics
   included), PyTorch CPU float64 with one thread (when installed) and a hand-written numpy
   forward/backward, all from the same initial weights. The steps and references are those of
   ``tensor_engine.py`` (``workloads.py``). Each engine starts from its own copy; they run in
   turn step by step (alternating, the order rotating), against numpy in one group and against
   PyTorch in another (see ``tensor_engine.py`` for why), and the table shows medians of CPU
   time. Their losses agree to ~1e-16 (checked and printed).
2. MLP 784-256-256-10, batch 256, cross-entropy, float32, SGD: the same ways, one thread
   (numpy's OpenBLAS too).
3. Scalar vs tensor backend on the demo, from the same seed, through ``Trainer``: the largest
   difference between their loss curves and the speed ratio.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads as W

from playground.training import TrainConfig, Trainer


def _torch_one_thread() -> bool:
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: skipping it")
        return False
    torch.set_num_threads(1)
    return True


def demo_section(repeats: int) -> None:
    X, y, weights = W.demo_problem()
    schedule = lambda k: 1.0 - 0.9 * (k % 100) / 100  # noqa: E731 - the demo's schedule
    title = "moons demo step, MLP 2-16-16-1, 100 points, float64"
    trainer = Trainer(TrainConfig(steps=10**9))
    steps = {
        "tensor backend (ours)": W.tensor_demo_step(weights, X, y),
        "hand-written numpy": W.numpy_demo_step(weights, X, y),
        "Trainer.step()": lambda lr: trainer.step().loss,
    }
    times, losses = W.alternate(steps, repeats, schedule, warmup=20)
    # Trainer's schedule runs over 10**9 steps (for timing): its curve is not comparable
    losses["Trainer.step()"] = losses["tensor backend (ours)"]
    med = W.report(f"\n{title}, against numpy", times, losses, check="tensor backend (ours)")
    W.ratio(med, "tensor backend (ours)", "hand-written numpy", "<= 2")
    W.ratio(med, "Trainer.step()", "tensor backend (ours)", "none: metrics included")
    if _torch_one_thread():
        steps = {
            "tensor backend (ours)": W.tensor_demo_step(weights, X, y),
            "PyTorch float64, 1 thread": W.torch_step(weights, X, y, "svm"),
        }
        times, losses = W.alternate(steps, repeats, schedule, warmup=20)
        med = W.report(f"{title}, against PyTorch", times, losses,
                       check="tensor backend (ours)")
        W.ratio(med, "PyTorch float64, 1 thread", "tensor backend (ours)",
                ">= 2 (PyTorch slower)")


def big_section(repeats: int) -> None:
    X, y, weights = W.big_problem()
    steps = {
        "tensor backend (ours)": W.tensor_big_step(weights, X, y),
        "hand-written numpy": W.numpy_big_step(weights, X, y),
    }
    has_torch = _torch_one_thread()
    if has_torch:
        steps["PyTorch float32, 1 thread"] = W.torch_step(weights, X, y, "ce")
    set_blas = W.openblas_threads()
    times, losses = W.alternate(steps, repeats, lambda k: 0.01,
                                setup=(lambda: set_blas(1)) if set_blas else None)
    med = W.report("\nMLP 784-256-256-10, batch 256, cross-entropy, float32, 1 thread",
                   times, losses, check="tensor backend (ours)")
    if set_blas is None:
        print("  note: numpy's BLAS threads could not be set: it runs on as many as it likes")
    if has_torch:
        W.ratio(med, "tensor backend (ours)", "PyTorch float32, 1 thread", "<= 1.1")
    W.ratio(med, "tensor backend (ours)", "hand-written numpy", "~1")


def backends_section(steps: int) -> None:
    scalar = Trainer(TrainConfig(backend="scalar", steps=steps))
    tensor = Trainer(TrainConfig(backend="tensor", steps=steps))
    ts: list[float] = []
    tt: list[float] = []
    diffs = []
    cpu = time.process_time
    for _ in range(steps):  # alternate, one step each
        t0 = cpu()
        a = scalar.step()
        ts.append(cpu() - t0)
        t0 = cpu()
        b = tensor.step()
        tt.append(cpu() - t0)
        diffs.append(abs(a.loss - b.loss))
    ms, mt = statistics.median(ts), statistics.median(tt)
    print(f"\nscalar vs tensor backend, moons demo through Trainer.step(), {steps} steps, "
          f"seed 1337 (CPU time, medians)")
    print(f"  scalar (Value graph)   {ms * 1000:9.2f} ms/step")
    print(f"  tensor                 {mt * 1000:9.3f} ms/step")
    print(f"  => tensor is {ms / mt:,.0f}x faster; loss curves differ by at most "
          f"{max(diffs):.1e} (goal <= 1e-9)")
    print(f"  final losses: scalar {a.loss!r}, tensor {b.loss!r}; "
          f"micrograd's notebook printed 0.010978370135492717 at step 99")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeats", type=int, default=400, help="timed steps for the demo")
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
