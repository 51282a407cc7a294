"""Issue 18 §3's training runs that ran away: how `train` refuses them now. Prints figures;
not a timed test.

    python benchmarks/train_budget.py

For each reproducer, `backprop-playground train` in a subprocess: the exit status, the wall
time (the interpreter's start included), the child's peak resident memory and its one line.
Then a run just inside the budget (``budget.STEP_BYTES``), to show the estimate's scale
against the real peak. ``reliability.py`` prints these too.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

SIXTY_WIDE = ",".join(["4096"] * 60)
REPRODUCERS = {
    "scalar, 20,000 samples, 64,64": ["--backend", "scalar", "--samples", "20000",
                                      "--hidden", "64,64", "--steps", "1"],
    "scalar, 4096,4096,4096": ["--backend", "scalar", "--hidden", "4096,4096,4096",
                               "--steps", "1"],
    "tensor, 60 layers of 4096": ["--backend", "tensor", "--hidden", SIXTY_WIDE, "--steps", "1"],
    "--steps 100000000": ["--steps", "100000000"],
}
INSIDE = {"scalar, 100 samples, 64,64 (inside)": ["--backend", "scalar", "--samples", "100",
                                                  "--hidden", "64,64", "--steps", "1", "-q"]}


def run(flags: list[str]) -> tuple[int, float, float, str]:
    """Exit status, seconds, the child's peak RSS in MiB, its last stderr line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "playground", "train", *flags],
                          capture_output=True, text=True, timeout=600, check=False)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = proc.stderr.strip().splitlines() or [""]
    # ru_maxrss of the children is the largest so far: report it only when this one raised it
    return proc.returncode, seconds, max(peak, before) / 1024, lines[-1]


def train_budget(quick: bool = False) -> None:
    from playground.training.budget import MAX_STEPS, STEP_BYTES, size_text

    print(f"5. training runs over the limits (a step may take {size_text(STEP_BYTES)}, "
          f"at most {MAX_STEPS:,} steps)")
    cases = dict(REPRODUCERS) if quick else {**REPRODUCERS, **INSIDE}
    for name, flags in cases.items():
        code, seconds, peak, line = run(flags)
        print(f"   {name}: exit {code} in {seconds:.2f} s, peak RSS so far {peak:.0f} MiB")
        if code == 2:
            print(f"      {line[:160]}")
        else:
            print(f"      estimated step: {size_text(estimate(flags))} (the peak includes "
                  f"Python, numpy and the data)")


def estimate(flags: list[str]) -> int:
    """The budget's estimate of one step of the run ``flags`` describe, in bytes."""
    import argparse

    from playground.cli.train import add_arguments, config_from_args
    from playground.training import budget
    from playground.training.config import prepare

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = config_from_args(parser.parse_args(flags))
    data = prepare(config)
    assert data.train is not None
    samples = budget.samples_at_once(len(data.train), len(data.test or ()), config.batch_size)
    sizes = [data.train.n_features, *config.hidden, 1]
    return budget.estimate_step(config.backend, sizes, samples, config.optimizer).bytes


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    train_budget("--quick" in sys.argv)
