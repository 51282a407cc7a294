"""Tensor engine speed against PyTorch and a hand-written numpy forward/backward, in one run.

    python benchmarks/tensor_engine.py [--reps 30] [--tiny-reps 600]

OpenBLAS may be slowed on purpose on this machine (see the env README): for figures, run
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/tensor_engine.py``.

Two workloads (``workloads.py``, shared with ``training.py``), one SGD step each (forward,
loss, backward, update), engines alternating step by step in a rotating order so that machine
noise hits all alike; medians of wall and CPU time are printed with ratios:
- big: MLP 784-256-256-10, ReLU, batch 256, softmax cross-entropy, float32. BLAS-bound.
  numpy's OpenBLAS and PyTorch run with the same thread count: all cores, then one. With
  several threads each engine runs in a process of its own (as a user runs one library:
  two thread pools in one process leave workers spinning that fight over the cores), the
  processes taking turns in blocks of 5 steps after a pause. On a shared machine whose other
  processes keep a core busy, multi-threaded BLAS waits on descheduled workers and wall
  times swing widely: compare ratios from one run, on an idle machine.
- tiny: micrograd's moons demo, MLP 2-16-16-1, ReLU, SVM max-margin loss + 1e-4 L2, full
  batch of 100, float64. Per-op overhead is everything; one thread everywhere. "Tensor" is the
  library as a user calls it (``TensorMLP``, ``losses.svm`` + ``losses.l2``, ``optim.SGD``);
  "Tensor, raw ops" writes the same step with the Tensor's operators, one op per node;
  "Tensor, as a user writes it" too, the way a PyTorch user would (weights (out, in),
  ``x @ W.T + b``, the hinge as ``(1 + -y*s).relu().mean()``, L2 as a sum of ``(p*p).sum()``).
Targets (issue 3): big within 1.1x of PyTorch; tiny >= 2x faster than PyTorch and within 2x
of hand-written numpy; (issue 13) both operator rows within 1.8x of hand-written numpy.
``--tiny-only`` runs the moons rows alone. On a shared machine, CPU time is the steadier
figure for one-thread runs. The figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads as W


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reps", type=int, default=30, help="timed steps per engine (big MLP)")
    ap.add_argument("--tiny-reps", type=int, default=600, help="timed steps per engine (moons)")
    ap.add_argument("--tiny-only", action="store_true", help="only the moons demo rows")
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
    W.steady_malloc()  # see there: freed temporaries faulted back in made numpy's step erratic
    set_blas = W.openblas_threads()
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
    x, y, params = W.big_problem()
    counts = [cores, 1] if set_blas is not None and cores > 1 else [cores]
    for n in [] if args.tiny_only else counts:
        steps = {
            "Tensor": W.tensor_big_step(params, x, y),
            "numpy by hand": W.numpy_big_step(params, x, y),
        }
        if torch:
            steps["torch"] = W.torch_step(params, x, y, "ce")
        if n == 1:
            times, losses = W.alternate(steps, args.reps, lambda k: 0.01, setup=threads(1))
        else:
            # Several threads: each engine in a process of its own, taking turns in blocks
            # (see W.alternate_isolated); wall time is the figure (CPU time counts the
            # workers' spinning).
            times, losses = W.alternate_isolated(list(steps), max(args.reps // 3, 3),
                                                 lambda k: 0.01, threads=n)
        med = W.report(f"MLP 784-256-256-10, batch 256, cross-entropy, float32, one SGD step, "
                       f"{n} thread{'s' if n > 1 else ''}", times, losses, check="Tensor")
        W.ratio(med, "Tensor", "torch", "<= 1.1")
        W.ratio(med, "Tensor", "numpy by hand", "~1")
        W.ratio(med, "numpy by hand", "torch", "the step by hand against PyTorch")
        if torch:
            # The step's eight matrix products alone: how much of the gap is the BLAS
            # numpy ships (OpenBLAS) against PyTorch's, which no engine on numpy can change.
            names = ["numpy BLAS", "torch BLAS"]
            if n == 1:
                blas = {k: W.numpy_products_step(params, x, y) if k == "numpy BLAS"
                        else W.torch_products_step(params, x, y) for k in names}
                times, losses = W.alternate(blas, args.reps, lambda k: 0.0, setup=threads(1))
            else:
                times, losses = W.alternate_isolated(names, max(args.reps // 3, 3),
                                                     lambda k: 0.0, threads=n)
            med = W.report(f"  the step's 8 matrix products alone, {n} thread"
                           f"{'s' if n > 1 else ''}", times, losses)
            W.ratio(med, "numpy BLAS", "torch BLAS", "BLAS against BLAS")

    # tiny: one thread. Each comparison alternates its own group: interleaving PyTorch's large
    # code with the others' steps costs a small-footprint step more than numpy's (the caches
    # it leaves behind), so the ratio against numpy is measured without it in the rotation.
    x, y, params = W.demo_problem()
    title = "moons demo, MLP 2-16-16-1, SVM loss + L2, batch 100, float64, one SGD step, 1 thread"
    steps = {
        "Tensor": W.tensor_demo_step(params, x, y),
        "Tensor, raw ops": W.tensor_demo_raw_step(params, x, y),
        "Tensor, as a user writes it": W.tensor_demo_user_step(params, x, y),
        "numpy by hand": W.numpy_demo_step(params, x, y),
    }
    times, losses = W.alternate(steps, args.tiny_reps, lambda k: 0.5, warmup=20,
                                setup=threads(1))
    med = W.report(title + ", against numpy", times, losses, check="Tensor")
    W.ratio(med, "Tensor", "numpy by hand", "<= 2")
    W.ratio(med, "Tensor, raw ops", "numpy by hand", "<= 1.8")
    W.ratio(med, "Tensor, as a user writes it", "numpy by hand", "<= 1.8")
    if torch:
        steps = {
            "Tensor": W.tensor_demo_step(params, x, y),
            "Tensor, raw ops": W.tensor_demo_raw_step(params, x, y),
            "Tensor, as a user writes it": W.tensor_demo_user_step(params, x, y),
            "torch": W.torch_step(params, x, y, "svm"),
        }
        times, losses = W.alternate(steps, args.tiny_reps, lambda k: 0.5, warmup=20,
                                    setup=threads(1))
        med = W.report(title + ", against PyTorch", times, losses, check="Tensor")
        W.ratio(med, "torch", "Tensor", ">= 2 (torch slower)")
        W.ratio(med, "torch", "Tensor, raw ops", "none: raw ops")
        W.ratio(med, "torch", "Tensor, as a user writes it", "none: operators")
    threads(cores)()


if __name__ == "__main__":
    main()
