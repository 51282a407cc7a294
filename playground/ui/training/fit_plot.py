"""The training plots' right-hand side for a 1-D regression: the data and the network's curve.

``FitPlot`` draws on the same right axes as ``DecisionMap`` (``TrainingPlots`` shows one or the
other): the training points as dots, the test points as orange rings (apart from them), and the
network's output over the whole x range as a line that bends as the network trains. The points
change only with the data, so they are part of the saved background; the curve is *animated*:
``TrainingPlots`` blits it on its redraw timer, a few milliseconds a frame. This only sets the
artists; ``TrainingPlots`` decides when to draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.ticker import FormatStrFormatter, MaxNLocator, PercentFormatter

__all__ = ["CURVE_POINTS", "FitPlot", "RegressionPlotting"]

CURVE_POINTS = 200
"""x values the network's curve is drawn at (one forward pass of this many rows a frame)."""
CURVE_COLOR = "#1f4e79"
POINT_COLOR = "#0877bd"
TEST_COLOR = "#e8710a"


class FitPlot:
    """The data and the network's curve of a 1-D regression; see the module docstring."""

    def __init__(self, ax, animate: Callable[[list], None]) -> None:
        self.ax = ax
        self.xs = np.linspace(-1.0, 1.0, CURVE_POINTS)
        """Where the curve is evaluated: the x range of the data (``set_data``)."""
        self.curve_values: np.ndarray | None = None
        """The network's output at ``xs`` (None: nothing trained yet, no curve)."""
        self.y_limits = (-1.0, 1.0)
        self.train_points = ax.scatter([], [], s=14, color=POINT_COLOR, alpha=0.75,
                                       linewidths=0, zorder=3, label="train")
        self.test_points = ax.scatter([], [], s=24, facecolors="white", edgecolors=TEST_COLOR,
                                      linewidths=1.4, zorder=4, label="test")
        (self.curve,) = ax.plot([], [], color=CURVE_COLOR, lw=2.0, zorder=5, label="network")
        animate([self.curve])
        self._legend = None
        self.active = False
        self.show(False)

    def show(self, on: bool) -> None:
        self.active = on
        for artist in (self.train_points, self.test_points, self.curve):
            artist.set_visible(on)
        if self._legend is not None:
            self._legend.set_visible(on)

    def set_data(self, x: np.ndarray, y: np.ndarray, x_test: np.ndarray | None,
                 y_test: np.ndarray | None, x_range: tuple[float, float]) -> None:
        """The points (1-D inputs ``x``, targets ``y``) and the x range the curve spans."""
        ax = self.ax
        self.show(True)
        self.curve_values = None
        lo, hi = x_range
        self.xs = np.linspace(lo, hi, CURVE_POINTS)
        self.train_points.set_offsets(np.c_[x, y])
        has_test = x_test is not None and len(x_test)
        self.test_points.set_offsets(np.c_[x_test, y_test] if has_test else np.empty((0, 2)))
        ys = np.concatenate([y, y_test]) if has_test else np.asarray(y)
        y0, y1 = float(np.min(ys)), float(np.max(ys))
        pad = 0.15 * max(y1 - y0, 1e-9)
        self.y_limits = (y0 - pad, y1 + pad)
        ax.set_aspect("auto")
        ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
        ax.set_ylim(*self.y_limits)
        ax.tick_params(labelsize=7.5, length=2.5, pad=2, labelleft=True, labelbottom=True)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        handles = [self.train_points, self.curve] + ([self.test_points] if has_test else [])
        if self._legend is not None:
            self._legend.remove()
        self._legend = ax.legend(handles=handles, fontsize=7, loc="best", frameon=False,
                                 handlelength=1.4, borderaxespad=0.2)

    def update(self) -> None:
        """Apply the latest outputs to the curve (kept inside the axes: a curve far off them
        is drawn just past their edge, never at 1e300)."""
        values = self.curve_values
        if values is None:
            self.curve.set_data([], [])
            return
        lo, hi = self.y_limits
        span = hi - lo
        shown = np.clip(np.asarray(values, dtype=float).reshape(-1), lo - span, hi + span)
        shown = np.where(np.isfinite(shown), shown, np.nan)  # nan: a gap, not a spike
        self.curve.set_data(self.xs, shown)


class RegressionPlotting:
    """``TrainingPlots``'s regression methods (kept here, next to the fit plot they feed)."""

    # TrainingPlots sets these up; named for the type checker
    map: Any
    fit: FitPlot

    def set_regression(self, targets: np.ndarray | None) -> None:
        """A regression on these ``targets`` (R² in place of accuracy, heatmaps of values), or
        None for classes."""
        regression = targets is not None
        self.map.value_range = (
            (float(np.min(targets)), float(np.max(targets))) if regression and len(targets)
            else None)
        self._acc_title.set_text("R² (1 = perfect fit)" if regression else "accuracy")
        self.ax_acc.yaxis.set_major_formatter(
            FormatStrFormatter("%.1f") if regression else PercentFormatter(1.0, decimals=0))
        self._full_due = True

    def set_fit_data(self, x: np.ndarray, y: np.ndarray, x_test: np.ndarray | None,
                     y_test: np.ndarray | None, x_range: tuple[float, float]) -> None:
        """1-D regression: the points and the x range of the network's curve (``fit_plot``)."""
        self.map.set_data(None, None, None, None, None, None, "")
        self.map.note.set_text("")  # the fit plot takes the axes the map leaves empty
        self.map.title.set_text("fit: the data and the network's curve")
        self.fit.set_data(x, y, x_test, y_test, x_range)
        self._layout_due = True
        self._dirty = self._decision_dirty = self._full_due = True
        self.flush()

    def set_fit_curve(self, values: np.ndarray | None) -> None:
        """The network's output at ``fit.xs``."""
        self.fit.curve_values = values
        self._decision_dirty = True
