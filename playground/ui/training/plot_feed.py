"""What the training panel gives the plots: which picture the data gets, the model's outputs for
it, and the words for a run's score.

- 2-D data: the decision boundary (classes) or the output as a heatmap (a regression);
- a 1-D regression: the points and the network's curve (``fit_plot``);
- other data: each sample's output next to its target (up to ``MAX_BAR_SAMPLES``), or a note.

The score is accuracy for classes and R² for a regression (``Trainer.task``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.training.choices import Dataset
from playground.training.snapshot import ModelSnapshot
from playground.ui.training.worker import Grid

__all__ = ["MAX_BAR_SAMPLES", "score_words", "show_data", "show_outputs"]

MAX_BAR_SAMPLES = 60


def score_words(value: float | None, regression: bool) -> str:
    """"accuracy 97%" or "R² 0.993"."""
    if value is None:
        return ""
    return f"R² {value:.3f}" if regression else f"accuracy {value:.0%}"


def fits_a_curve(train: Dataset | None) -> bool:
    return train is not None and train.regression and train.n_features == 1


def show_data(plots: Any, train: Dataset | None, test: Dataset | None,
              grid: Grid | None) -> None:
    """Give ``plots`` (a ``TrainingPlots``) the data; ``grid``: the run's decision grid, or
    None for one around the data."""
    if train is None:
        plots.set_regression(None)
        plots.set_data(None, None, message="no data")
        return
    plots.set_regression(np.concatenate([train.y] + ([test.y] if test is not None else []))
                         if train.regression else None)
    if fits_a_curve(train):
        x = np.concatenate([train.X[:, 0]] + ([test.X[:, 0]] if test is not None else []))
        plots.set_fit_data(train.X[:, 0], train.y, test.X[:, 0] if test is not None else None,
                           test.y if test is not None else None,
                           (float(x.min()), float(x.max())))
        return
    if train.n_features == 2:
        full = np.vstack([train.X] + ([test.X] if test is not None else []))
        grid = grid or Grid.around(full)
        plots.set_data(
            train.X, train.y, test.X if test is not None else None,
            test.y if test is not None else None, n_classes=train.n_classes, extent=grid.extent,
        )
        return
    targets = None
    if (train.regression or train.n_classes == 2) and len(train) <= MAX_BAR_SAMPLES:
        targets = train.signs()
    plots.set_data(
        None, None, n_classes=train.n_classes, targets=targets,
        message=f"A decision boundary needs 2 input features; this data has "
                f"{train.n_features}.",
    )


def show_outputs(plots: Any, snapshot: ModelSnapshot, train: Dataset | None,
                 decision: np.ndarray | None, has_grid: bool) -> None:
    """Give ``plots`` the model's latest outputs: on the grid (sent by the worker), along the
    fit plot's x range, or for each sample."""
    if has_grid:
        if decision is not None:
            plots.set_decision(decision)
    elif fits_a_curve(train):
        with np.errstate(all="ignore"):
            plots.set_fit_curve(snapshot.outputs(plots.fit.xs[:, None])[:, 0])
    elif train is not None and len(train) <= MAX_BAR_SAMPLES:
        plots.set_sample_outputs(snapshot.outputs(train.X))
