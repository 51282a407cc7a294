"""``backprop-playground train --sweep-lr``: the same run at each learning rate, and its output.

A table (or one JSON object with ``--json``) of how each rate went, and with ``--plot`` the
loss curves side by side. Split from ``train.py``, which parses the options and calls
``run_sweep``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from playground.cli.train_output import (
    PROG,
    TOO_BIG,
    ProgressBar,
    config_dict,
    error,
    json_safe,
)
from playground.training.config import TrainConfig
from playground.training.sweep import Sweep, loss_range, sweep_rates, verdicts
from playground.training.trainer import ConfigError


def run_sweep(args: argparse.Namespace, config: TrainConfig) -> int:
    """``--sweep-lr``: the same run at each rate; a table (or JSON) of how each one went.
    Exit 0 when at least one rate learned, else 1."""
    rates = sweep_rates(*args.sweep_lr)
    try:
        sweep = Sweep(config, rates)
    except ConfigError as exc:
        return error(str(exc))
    except MemoryError:
        return error(TOO_BIG)
    bar = None if args.quiet else ProgressBar(config.steps, sys.stderr, regression=False)
    last = [0]

    def progress(taken: list) -> None:
        if bar is not None and taken and taken[0][1].step + 1 > last[0]:
            last[0] = taken[0][1].step + 1
            bar.update(taken[0][1])

    try:
        result = sweep.run(callback=progress)
    except MemoryError:
        print(f"{PROG}: stopped: {TOO_BIG}", file=sys.stderr)
        return 1
    if bar:
        bar.close()
    reasons = sweep.stopped_reasons()
    words = verdicts(result, config.steps, [r is not None for r in reasons])
    rows = []
    for (lr, losses), word, reason, t in zip(result, words, reasons, sweep.trainers,
                                             strict=True):
        final = t.evaluate() if t.history and reason is None else None
        rows.append({"lr": lr, "steps": len(losses), "losses": losses,
                     "final_loss": losses[-1] if losses else None,
                     "accuracy": final["accuracy"] if final else None,
                     "verdict": word, "stopped_reason": reason})
    if args.json:
        print(json.dumps(json_safe({"sweep": rows, "config": config_dict(config)}),
                         allow_nan=False))
    else:
        score = "R²" if sweep.trainers[0].task == "regression" else "accuracy"
        print(f"{'lr':>10}  {'steps':>5}  {'final loss':>12}  {score:>8}  verdict")
        for row in rows:
            acc = row["accuracy"]
            acc_text = "-" if acc is None else (f"{acc:.3f}" if score == "R²" else f"{acc:.0%}")
            loss = row["final_loss"]
            print(f"{row['lr']:>10g}  {row['steps']:>5}  "
                  f"{'-' if loss is None else f'{loss:.4g}':>12}  {acc_text:>8}  {row['verdict']}")
    if args.plot:
        try:
            write_sweep_plot(result, words, args.plot)
        except Exception as exc:  # matplotlib raises many kinds; the user needs one line
            print(f"{PROG}: error: cannot write {args.plot}: {exc}", file=sys.stderr)
            return 1
    return 0 if any(w.startswith(("best", "learns")) for w in words) else 1


def write_sweep_plot(result: list[tuple[float, list[float]]], words: list[str],
                     path: str) -> None:
    """The sweep's loss curves side by side, one panel per learning rate, on one log scale."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3 * len(result), 3.2), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(result), sharey=True, squeeze=False)[0]
    lo, hi = loss_range(result)
    for ax, (lr, losses), word in zip(axes, result, words, strict=True):
        finite = [v if math.isfinite(v) and v > 0 else float("nan") for v in losses]
        ax.plot(range(len(finite)), finite)
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_title(f"lr {lr:g}\n{word}", fontsize=9)
        ax.set_xlabel("step")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("loss")
    fig.savefig(path)
