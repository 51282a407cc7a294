"""The training plots' right-hand side: the decision boundary of 2-D data, or each sample's
output next to its target for other data.

``DecisionMap`` owns the right axes of ``TrainingPlots``'s figure. For 2-D data it shows a
heatmap of the model's output on a grid (two classes: the output's tanh from orange to blue;
more: the winning class's colour, paler where it barely wins), the train points as dots and the
test points as rings; a regression's (``value_range`` set) from orange (its lowest target) to
blue (its highest), points coloured by their targets. For other data with up to
``MAX_BAR_SAMPLES`` samples, a bar per sample
(its output) and a red tick (its target). ``TrainingPlots`` decides when to draw; this only
sets the artists (the heatmap, the points and the bars are animated: blitted every frame).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.ticker import MaxNLocator

__all__ = ["CLASS_COLORS", "MAX_BAR_SAMPLES", "DecisionMap"]

# TensorFlow Playground's orange and blue for two classes, then a qualitative palette.
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf")
BAR_COLOR = "#1f4e79"
MAP_STRENGTH = 0.6
"""How far the heatmap goes from white towards a class colour (pastel, so the points show)."""
MAX_BAR_SAMPLES = 60

_BINARY_CMAP = LinearSegmentedColormap.from_list(
    "playground_binary", [CLASS_COLORS[0], "#ffffff", CLASS_COLORS[1]]
)


class DecisionMap:
    """The right axes; see the module docstring. ``animate(artists)`` / ``unanimate(artists)``
    register artists with the canvas that blits them."""

    def __init__(self, ax, title: Callable, animate: Callable[[list], None],
                 unanimate: Callable[[list], None]) -> None:
        self.ax = ax
        self._animate, self._unanimate = animate, unanimate
        self.decision: np.ndarray | None = None
        """Raw outputs on the grid (2-D data)."""
        self.sample_outputs: np.ndarray | None = None
        """Each sample's raw output(s) (other data)."""
        self.extent: tuple[float, float, float, float] | None = None
        self.value_range: tuple[float, float] | None = None
        """A regression's lowest and highest target (None: classes)."""
        self.mode = ""
        """"points", "bars" or "message": what the axes show."""
        self.hint = ""
        """Words after the title while a click on the points edits them ("click to add
        points": painting; the map is a painting surface nothing else said it was)."""
        self.title = title(ax, "decision boundary")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#cccccc")
        ax.set_aspect("equal", adjustable="box")
        self.image = ax.imshow(
            np.zeros((2, 2)), cmap=_BINARY_CMAP, vmin=-1 / MAP_STRENGTH, vmax=1 / MAP_STRENGTH,
            origin="lower", extent=(0, 1, 0, 1), interpolation="bilinear", zorder=0,
        )
        self.image.set_visible(False)
        self.train_points = ax.scatter([], [], s=18, linewidths=0.7, edgecolors="#333333",
                                       zorder=3)
        self.test_points = ax.scatter([], [], s=26, linewidths=1.6, facecolors="white", zorder=4)
        self.bars = None
        self._targets = None
        self._zero_line = None
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize=8, color="#555555", wrap=True)

    def animated(self) -> list:
        """The artists ``TrainingPlots`` blits from the start."""
        return [self.image, self.train_points, self.test_points]

    def forget_outputs(self) -> None:
        self.decision = None
        self.sample_outputs = None

    def set_data(
        self,
        X: np.ndarray | None,
        y: np.ndarray | None,
        X_test: np.ndarray | None,
        y_test: np.ndarray | None,
        extent: tuple[float, float, float, float] | None,
        targets: np.ndarray | None,
        message: str,
    ) -> bool:
        """See ``TrainingPlots.set_data``; True when what the axes show changed kind (the
        figure must be laid out again)."""
        self.extent = extent
        self.forget_outputs()
        self._clear_bars()
        self.image.set_visible(False)
        ax = self.ax
        if X is not None and X.ndim == 2 and X.shape[1] == 2:
            self.note.set_text("")
            self.title.set_text(self._points_title())
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal", adjustable="box")
            self.train_points.set_offsets(X)
            self.train_points.set_facecolors(self._colors(y))
            if X_test is not None and len(X_test):
                self.test_points.set_offsets(X_test)
                self.test_points.set_edgecolors(self._colors(y_test))
            else:
                self.test_points.set_offsets(np.empty((0, 2)))
            x0, x1, y0, y1 = extent or _bounds(X)
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            self.image.set_extent((x0, x1, y0, y1))
        else:
            self.train_points.set_offsets(np.empty((0, 2)))
            self.test_points.set_offsets(np.empty((0, 2)))
            self.title.set_text("")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("auto")
            if targets is not None and 0 < len(targets) <= MAX_BAR_SAMPLES:
                self.note.set_text("")
                self._make_bars(np.asarray(targets, dtype=float))
            else:
                self.note.set_text(message or "no data")
        mode = "points" if self.bars is None and not self.note.get_text() else (
            "bars" if self.bars is not None else "message")
        changed = mode != self.mode
        self.mode = mode
        return changed

    def _points_title(self) -> str:
        base = "output: orange low, blue high" if self.value_range else "decision boundary"
        return f"{base} · {self.hint}" if self.hint else base

    def set_hint(self, hint: str) -> bool:
        """``hint`` after the title (see ``hint``); True when the drawn title changed."""
        if hint == self.hint:
            return False
        self.hint = hint
        if self.mode != "points":
            return False
        self.title.set_text(self._points_title())
        return True

    def _clear_bars(self) -> None:
        if self.bars is not None:
            self._unanimate(list(self.bars))
            self.bars.remove()
            self._targets.remove()
            self._zero_line.remove()
            self.bars = self._targets = self._zero_line = None

    def _make_bars(self, targets: np.ndarray) -> None:
        ax = self.ax
        self.title.set_text("output per sample (bars) and target (red)")
        n = len(targets)
        idx = np.arange(n)
        ax.set_xticks(idx if n <= 12 else idx[:: max(1, n // 8)])
        ax.tick_params(labelsize=7.5, length=2.5, pad=2, labelleft=True)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        self.bars = ax.bar(idx, np.zeros(n), width=0.6, color=BAR_COLOR, alpha=0.8, zorder=2)
        self._animate(list(self.bars))
        self._targets = ax.scatter(idx, targets, marker="_", s=600 / max(1, n / 4), c="#d62728",
                                   linewidths=2.4, zorder=3)
        lo, hi = min(-1.15, float(targets.min()) - 0.15), max(1.15, float(targets.max()) + 0.15)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(lo, hi)
        self._zero_line = ax.axhline(0, color="#999999", lw=0.7, zorder=1)

    def update(self) -> None:
        """Apply the latest outputs to the bars or the heatmap."""
        if self.bars is not None:
            out = self.sample_outputs
            values = ([0.0] * len(self.bars) if out is None
                      else (out[:, 0] if out.ndim == 2 else out))
            lo, hi = self.ax.get_ylim()
            span = hi - lo  # a bar far off the axis is drawn just past it, never at 1e300
            values = np.nan_to_num(np.clip(np.asarray(values, dtype=float), lo - span,
                                           hi + span), nan=0.0)
            for rect, v in zip(self.bars, values, strict=False):
                rect.set_height(float(v))
            return
        d = self.decision
        if d is None or self.extent is None:
            self.image.set_visible(False)
            return
        if self.value_range is not None:  # a regression: the value, lowest to highest target
            self.image.set_data(np.nan_to_num(self._scaled(d), nan=0.0))  # pastel, as classes
        elif d.ndim == 2:  # one output: its sign is the class
            self.image.set_data(np.nan_to_num(np.tanh(d), nan=0.0))  # nan: undecided, white
        else:  # one output per class: the winner's colour, paler where it barely wins
            z = d - d.max(axis=-1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=-1, keepdims=True)
            k = p.shape[-1]
            win = p.argmax(axis=-1)
            conf = (p.max(axis=-1) - 1.0 / k) / (1.0 - 1.0 / k)
            colors = np.array([to_rgb(CLASS_COLORS[i % len(CLASS_COLORS)]) for i in range(k)])
            conf = MAP_STRENGTH * conf[..., None]
            rgb = colors[win] * conf + (1.0 - conf)
            self.image.set_data(np.clip(np.nan_to_num(rgb, nan=1.0), 0, 1))
        self.image.set_extent(self.extent)
        self.image.set_visible(True)

    def _scaled(self, values: np.ndarray) -> np.ndarray:
        """A regression's values on -1 (lowest target) .. 1 (highest), clipped."""
        lo, hi = self.value_range or (-1.0, 1.0)
        half = max((hi - lo) / 2, 1e-12)
        with np.errstate(all="ignore"):
            return np.clip((np.asarray(values, dtype=float) - (lo + hi) / 2) / half, -1, 1)

    def _colors(self, y: np.ndarray | None) -> list:
        if y is not None and self.value_range is not None:
            return list(_BINARY_CMAP((self._scaled(y) + 1) / 2))
        return _colors(y)


def _colors(y: np.ndarray | None) -> list:
    if y is None:
        return []
    return [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in y]


def _bounds(X: np.ndarray, pad: float = 0.15) -> tuple[float, float, float, float]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad * span, hi + pad * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
