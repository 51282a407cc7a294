"""``backprop-playground train``: train an MLP headlessly, with a progress bar and final metrics.

The defaults are micrograd's demo (moons, 100 points, noise 0.1, MLP 2-16-16-1, SVM loss +
1e-4 L2, 100 SGD steps, lr 1.0 -> 0.1 linear). ``--preset lecture`` is the lecture's
MLP(3, [4, 4, 1]) with tanh, sum of squared errors and lr 0.1; ``--preset sine`` fits
sin(3x) on [-2, 2] with a 1-16-16-1 tanh net. Explicit flags override a preset.

Regression (``--dataset function --function "x**3 - x"``, ``plane``, ``gaussians``, or a CSV
with ``--task regression``) defaults to the mean squared error and a linear output, and the
final metrics say ``task: "regression"`` with the train and test MSE and R².

stdout gets the final metrics (one JSON object with ``--json``), stderr the progress bar and
errors. Exit status: 0 trained, 1 training stopped (it diverged: ``stopped_reason`` says at
which step and which learning rate to try, ``suggested_lr`` is that rate, from a quick probe;
see ``playground.training.divergence``) or the plot could not be written, or stdout was closed
early (``... | head``: quietly), 2 bad options or bad data, or a run over the limits
(``budget.py``: at most 100,000 steps, and 1 GiB of memory a step, estimated before anything
is built), with a line naming what to lower.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from playground.cli.train_output import (
    PROG,
    TOO_BIG,
    ProgressBar,
    config_dict,
    error,
    json_safe,
)
from playground.cli.train_sweep import run_sweep
from playground.training.budget import STEP_BYTES, size_text
from playground.training.choices import (
    ACTIVATIONS,
    BACKENDS,
    DATASETS,
    LOSSES,
    OPTIMIZERS,
    PRESETS,
    SCHEDULES,
)
from playground.training.config import (
    FUNCTION_DATASETS,
    MAX_STEPS,
    TASKS,
    TrainConfig,
    parse_hidden,
    prepare,
)
from playground.training.divergence import explain
from playground.training.sweep import SWEEP_SIZE, parse_range
from playground.training.trainer import ConfigError, Trainer


def _hidden(text: str) -> tuple[int, ...]:
    if text.strip().lower() in ("none", "0"):  # the flag's words for "no hidden layer"
        return ()
    sizes, why = parse_hidden(text)
    if sizes is None:
        raise argparse.ArgumentTypeError(f"{text!r}: {why}")
    return sizes


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be at least 0 and below 1")
    return value


def _nonneg(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole number' if kind is int else 'number'}"
            ) from None
        if not (value >= 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{text!r}: must be a finite number >= 0")
        return value

    parse.__name__ = kind.__name__
    return parse


def _lr_range(text: str) -> tuple[float, float]:
    try:
        return parse_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _x_range(text: str) -> tuple[float, float]:
    parts = [t for t in text.replace(";", ",").replace(":", ",").split(",") if t.strip()]
    try:
        lo, hi = (float(t) for t in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write the range as two numbers, "
                                         f"e.g. -2,2") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise argparse.ArgumentTypeError(f"{text!r}: the start must be below the end")
    return lo, hi


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = (
        "Train an MLP without the window. Defaults: micrograd's moons demo.\n"
        "Explicit options override --preset.\n"
        f"A run whose step would take more than {size_text(STEP_BYTES)} of memory (the "
        "layers, the samples and the backend decide) is refused with what to lower."
    )
    p.add_argument("--preset", choices=PRESETS, default="demo",
                   help="starting point: demo (micrograd's moons, the default), lecture "
                        "(MLP(3,[4,4,1]), tanh, squared errors, lr 0.1) or sine (fit sin(3*x) "
                        "with a 1-16-16-1 tanh net)")
    g = p.add_argument_group("data")
    g.add_argument("--dataset", choices=(*DATASETS, *FUNCTION_DATASETS, "csv"),
                   help="toy dataset (default moons); function: y = f(x) of --function; "
                        "function_classes: points above/below y = f(x)")
    g.add_argument("--function", metavar="F(X)",
                   help="the function of x of the function datasets, e.g. \"sin(3*x)\"")
    g.add_argument("--x-range", type=_x_range, metavar="LO,HI",
                   help="x range of the function datasets (default -2,2; write --x-range=-1,1 "
                        "when it starts with a minus)")
    g.add_argument("--task", choices=TASKS,
                   help="regression: fit a CSV's label column as numbers (default auto)")
    g.add_argument("--csv", metavar="FILE", help="train on a CSV file: numeric features + label")
    g.add_argument("--label", metavar="COLUMN",
                   help="CSV label column: a header name or an index (default: the last)")
    g.add_argument("--samples", type=_nonneg(int), metavar="N", help="number of points")
    g.add_argument("--noise", type=_nonneg(float), metavar="X", help="noise level")
    g.add_argument("--classes", type=_nonneg(int), metavar="K",
                   help="number of classes (spiral, blobs)")
    g.add_argument("--test-fraction", type=_fraction, metavar="F",
                   help="hold out this share of points for test metrics (default 0)")
    g = p.add_argument_group("model")
    g.add_argument("--hidden", type=_hidden, metavar="SIZES",
                   help="hidden layer sizes, comma separated (default 16,16; 'none' for none)")
    g.add_argument("--activation", choices=ACTIVATIONS, help="hidden activation (default relu)")
    g.add_argument("--output-activation", choices=ACTIVATIONS,
                   help="output activation (default: tanh for tanh nets, linear otherwise)")
    g.add_argument("--backend", choices=BACKENDS,
                   help="tensor (fast, default) or scalar (micrograd-style Values)")
    g = p.add_argument_group("training")
    g.add_argument("--loss", choices=tuple(LOSSES), help="loss (default svm)")
    g.add_argument("--l2", type=_nonneg(float), metavar="ALPHA",
                   help="L2 regularisation strength (default 1e-4)")
    g.add_argument("--optimizer", choices=tuple(OPTIMIZERS), help="optimizer (default sgd)")
    g.add_argument("--lr", type=_nonneg(float), help="learning rate (default 1.0)")
    g.add_argument("--momentum", type=_nonneg(float), help="SGD momentum (default 0)")
    g.add_argument("--weight-decay", type=_nonneg(float), metavar="WD",
                   help="optimizer weight decay (default 0)")
    g.add_argument("--schedule", choices=SCHEDULES,
                   help="learning-rate schedule (default linear: lr*(1 - 0.9*k/steps))")
    g.add_argument("--batch-size", type=_nonneg(int), metavar="N", help="0 = full batch (default)")
    g.add_argument("--steps", type=_nonneg(int), metavar="N",
                   help=f"training steps (default 100, at most {MAX_STEPS:,})")
    g.add_argument("--seed", type=_nonneg(int), help="seed for data, weights and batches")
    g.add_argument("--forget-zero-grad", action="store_true", default=None,
                   help="the lecture's bug on purpose: never zero the grads, so each step's "
                        "grads add up over all the steps before it")
    g.add_argument("--sweep-lr", type=_lr_range, metavar="LOW:HIGH",
                   help=f"train {SWEEP_SIZE} runs at learning rates spaced evenly on a log "
                        f"scale from LOW to HIGH (e.g. 1e-3:1) and compare their losses")
    g = p.add_argument_group("output")
    g.add_argument("--json", action="store_true",
                   help="print the final metrics as one JSON object on stdout")
    g.add_argument("--plot", metavar="FILE.png", help="write the loss curve to this image")
    g.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


_FLAG_TO_FIELD = {
    "dataset": "dataset", "samples": "n_samples", "noise": "noise", "classes": "n_classes",
    "test_fraction": "test_fraction", "hidden": "hidden", "activation": "activation",
    "output_activation": "output_activation", "backend": "backend", "loss": "loss",
    "l2": "l2", "optimizer": "optimizer", "lr": "lr", "momentum": "momentum",
    "weight_decay": "weight_decay", "schedule": "schedule", "batch_size": "batch_size",
    "steps": "steps", "seed": "seed", "function": "function", "task": "task",
    "forget_zero_grad": "forget_zero_grad",
}
_FIELD_TO_FLAG = {v: "--" + k.replace("_", "-") for k, v in _FLAG_TO_FIELD.items()}
_FIELD_TO_FLAG.update({"csv_path": "--csv", "csv_label": "--label", "x_range": "--x-range"})


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The ``TrainConfig`` the flags describe: the preset, then every flag given."""
    overrides: dict[str, Any] = {
        field: getattr(args, flag)
        for flag, field in _FLAG_TO_FIELD.items()
        if getattr(args, flag, None) is not None
    }
    if args.csv is not None:
        overrides["csv_path"] = args.csv
        overrides.setdefault("dataset", "csv")
    if args.label is not None:
        overrides["csv_label"] = args.label
    if getattr(args, "x_range", None) is not None:
        overrides["x_min"], overrides["x_max"] = args.x_range
    return TrainConfig.preset(args.preset, **overrides)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    prepared = prepare(config)
    if prepared.config_problems:  # the settings' problems name the flag to change
        for problem in prepared.config_problems:
            print(f"{PROG}: error: {_FIELD_TO_FLAG.get(problem.field, problem.field)}: {problem}",
                  file=sys.stderr)
        return 2
    if args.plot:
        folder = Path(args.plot).expanduser().resolve().parent
        if not folder.is_dir():
            return error(f"--plot: folder {folder} does not exist")
        kind = Path(args.plot).suffix.lower().lstrip(".")
        kinds = _plot_formats()
        if kind and kind not in kinds:  # checked before training, not after it
            return error(f"--plot: matplotlib cannot write .{kind} files; use one of "
                          f"{', '.join('.' + k for k in sorted(kinds))}")
    if prepared.data_problems:  # the data's say what is wrong with the data (or the file)
        for problem in prepared.data_problems:
            error(problem)
        return 2
    if args.sweep_lr is not None:
        return run_sweep(args, config)
    try:
        trainer = Trainer(config, prepared)
    except ConfigError as exc:
        return error(str(exc))
    except MemoryError:
        return error(TOO_BIG)

    bar = None if args.quiet else ProgressBar(config.steps, sys.stderr,
                                              regression=trainer.task == "regression")
    try:
        trainer.run(callback=bar.update if bar else None)
    except MemoryError:
        if bar:
            bar.close()
        print(f"{PROG}: stopped: {TOO_BIG}", file=sys.stderr)
        return 1
    if bar:
        bar.close()

    final = summary(trainer)
    advice = explain(trainer, prepared)
    if advice is not None:  # say what to change, not only what went wrong
        final["stopped_reason"] = advice.text
    final["suggested_lr"] = advice.suggested_lr if advice is not None else None
    if args.json:
        print(json.dumps(json_safe(final), allow_nan=False))
    else:
        print(_human(final))
    status = 0
    if final["stopped_reason"]:
        print(f"{PROG}: stopped: {final['stopped_reason']}", file=sys.stderr)
        status = 1
    if args.plot:
        try:
            write_plot(trainer, args.plot)
        except Exception as exc:  # matplotlib raises many kinds; the user needs one line
            print(f"{PROG}: error: cannot write {args.plot}: {exc}", file=sys.stderr)
            return 1
    return status


def summary(trainer: Trainer) -> dict[str, Any]:
    """Final metrics: the trained parameters evaluated on the whole train (and test) split."""
    last = trainer.history[-1] if trainer.history else None
    final: dict[str, Any] = {"steps": trainer.step_count}
    final.update(trainer.evaluate())
    final["grad_norm"] = last.grad_norm if last else None
    final["elapsed"] = trainer.elapsed
    final["ms_per_step"] = 1000 * trainer.elapsed / trainer.step_count if last else None
    final["stopped_reason"] = trainer.stopped_reason
    final["diverged_at"] = trainer.diverged_at
    final["parameters"] = sum(getattr(p, "size", 1) for p in trainer.params)
    final["task"] = trainer.task
    final["config"] = config_dict(trainer.config)
    return final


def _human(final: dict[str, Any]) -> str:
    lines = [
        f"steps          {final['steps']}",
        f"loss           {final['loss']:.6g}   (data {final['data_loss']:.6g})",
    ]
    if final["task"] == "regression":
        lines.append(f"MSE            {final['mse']:.6g}   R² {final['r2']:.4f}")
        if final["test_mse"] is not None:
            lines.append(f"test MSE       {final['test_mse']:.6g}   R² {final['test_r2']:.4f}")
    else:
        lines.append(f"accuracy       {100 * final['accuracy']:.1f}%")
        if final["test_loss"] is not None:
            lines.append(f"test loss      {final['test_loss']:.6g}")
            lines.append(f"test accuracy  {100 * final['test_accuracy']:.1f}%")
    if final["ms_per_step"] is not None:
        lines.append(
            f"time           {final['elapsed']:.3f} s ({final['ms_per_step']:.3f} ms/step)"
        )
    return "\n".join(lines)


def _plot_formats() -> set[str]:
    """File name extensions matplotlib's Agg canvas can write (png, svg, pdf, ...)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return set(FigureCanvasAgg.get_supported_filetypes())


def write_plot(trainer: Trainer, path: str) -> None:
    """The loss curve and the accuracy per step, as an image (matplotlib's Agg, no window).

    Log scale when every plotted loss is positive. With a test split, train and test *data*
    losses are drawn too (the objective includes the L2 term, which the test loss does not).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    history, config = trainer.history, trainer.config
    fig = Figure(figsize=(7, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax_loss, ax_acc = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    steps = [m.step for m in history]
    curves: dict[str, list[Any]] = {"train loss (objective)": [m.loss for m in history]}
    if trainer.test_set is not None:
        curves["train data loss"] = [m.data_loss for m in history]
        curves["test data loss"] = [m.test_loss for m in history]
    for label, values in curves.items():
        ax_loss.plot(steps, values, label=label)
    every = [v for values in curves.values() for v in values]
    if every and all(v is not None and v > 0 for v in every):
        ax_loss.set_yscale("log")
    ax_loss.set_ylabel("loss")
    sizes = "-".join(map(str, (trainer.dataset.n_features, *config.hidden, trainer.n_outputs)))
    ax_loss.set_title(f"{trainer.dataset.name}: MLP {sizes} {config.activation}, {config.loss}, "
                      f"{config.optimizer} lr {config.lr:g} ({config.schedule})")
    ax_loss.legend()
    ax_loss.grid(True, alpha=0.3)
    scale = 1 if trainer.task == "regression" else 100  # R² is a fraction, accuracy a percent
    ax_acc.plot(steps, [scale * m.accuracy for m in history], label="train")
    if trainer.test_set is not None:
        ax_acc.plot(steps, [scale * (m.test_accuracy or 0.0) for m in history], label="test")
    ax_acc.set_ylabel("R²" if scale == 1 else "accuracy (%)")
    ax_acc.set_xlabel("step")
    ax_acc.set_ylim(0, 1.01 * scale)
    ax_acc.grid(True, alpha=0.3)
    ax_acc.legend()
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
