"""What the training panel does for painted data, in one place: ``PaintBinding(panel)``.

- The decision-boundary plot is a painting surface too: matplotlib's mouse events on the map's
  axes go to the form's ``Painter`` (not while the toolbar's pan or zoom is on);
- painted points show in their painted colours in the preview and on the map, in the painted
  set's fixed view (``training.painted.view_extent``), even before they can train (one class,
  one point); a run on them samples its decision boundary on that same square, so a point
  painted after the run lands on the boundary it is compared with;
- Undo and Redo (Ctrl+Z, Ctrl+Shift+Z) of the painting are the panel's own keys; in the main
  window the keys are Edit ▸ Undo/Redo's, which act on the painting while the Training tab
  shows (``tab.py``);
- while a click can paint (painted data, no run under way) the map's title says so ("decision
  boundary · click to add points"): nothing else showed that the plot takes clicks;
- the painter's words go to the panel's message line, and "Sweep 5 learning rates…" opens the
  sweep window (``sweep_view``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Slot

from playground.training.painted import view_extent
from playground.ui.training import plot_feed
from playground.ui.training.preview import ERASER_PX
from playground.ui.training.worker import Grid

__all__ = ["PaintBinding"]

_BUTTONS = {1: "left", 3: "right"}
MAP_HINT = "click to add points"
"""After the map's title while a click on it paints."""


class PaintBinding(QObject):
    def __init__(self, panel: Any) -> None:
        super().__init__(panel)
        self.panel = panel
        self.form = panel.form
        self.last_decision: np.ndarray | None = None
        """The last decision grid a run sent (to keep under points painted after it)."""
        self.sweep_window = None
        self._dragging = False
        self.form.painter.message.connect(self._say)
        self.form.changed.connect(self._form_changed)  # after the panel's own slot
        self.form.sweep_requested.connect(self.open_sweep)
        panel.addActions(self.form.paint_tools.actions_for_shortcuts())
        # the form locks the tools while a run is under way: the map's hint follows
        self.form.paint_tools.installEventFilter(self)

    @property
    def painting(self) -> bool:
        return self.form.dataset.currentData() == "painted"

    def grid(self) -> Grid:
        """The painted set's square: the preview's, the map's and a run's decision grid."""
        return Grid(view_extent(self.form.painted.points))

    # --- the map as a painting surface -----------------------------------------------------

    def attach(self, plots: Any) -> None:
        canvas = plots.canvas
        canvas.mpl_connect("button_press_event", self._press)
        canvas.mpl_connect("motion_notify_event", self._motion)
        canvas.mpl_connect("button_release_event", self._release)
        self.update_hint()

    def update_hint(self) -> None:
        """The map's title says a click paints when one does (``MAP_HINT``)."""
        plots = self.panel.plots
        if plots is not None:
            plots.set_map_hint(MAP_HINT if not self.form.painter.allowed() else "")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange:
            self.update_hint()
        return False

    def _map_point(self, event: Any) -> tuple[float, float, float] | None:
        plots = self.panel.plots
        if (plots is None or not self.painting or event.inaxes is not plots.ax_map
                or plots.toolbar.mode or plots.map.mode != "points" or event.xdata is None):
            return None
        ax = plots.ax_map
        (x0, _), (x1, _) = ax.transData.transform([(0.0, 0.0), (1.0, 0.0)])
        per_unit = abs(x1 - x0) or 1.0
        radius = ERASER_PX * plots.canvas.device_pixel_ratio / per_unit
        return float(event.xdata), float(event.ydata), radius

    def _press(self, event: Any) -> None:
        at = self._map_point(event)
        button = _BUTTONS.get(int(event.button)) if event.button is not None else None
        if at is None or button is None:
            return
        self._dragging = True
        self.form.painter.press(at[0], at[1], button, at[2])

    def _motion(self, event: Any) -> None:
        if self._dragging:
            at = self._map_point(event)
            if at is not None:
                self.form.painter.drag(*at)

    def _release(self, _event: Any) -> None:
        if self._dragging:
            self._dragging = False
            self.form.painter.release()

    # --- showing painted points ------------------------------------------------------------

    def show_preview(self, state: Any) -> bool:
        """The painted points in the preview; False when the data is not painted."""
        if not self.painting:
            return False
        problem = str(state.problems[0]) if state is not None and state.problems else ""
        self.form.data.show_painted(self.form.painted.points,
                                    state.test if state is not None else None, problem)
        return True

    def show_on_plots(self, state: Any, grid: Grid | None = None) -> bool:
        """The painted points on the map (idle, or after a run); False when not painted."""
        plots = self.panel.plots
        if plots is None or not self.painting:
            return False
        if state is not None and state.train is not None:
            plot_feed.show_data(plots, state.train, state.test, grid or self.grid())
            return True
        points = self.form.painted.points
        X = np.array([p[:2] for p in points], dtype=np.float64).reshape(-1, 2)
        y = np.array([p[2] for p in points], dtype=np.int64)
        plots.set_regression(None)
        plots.set_data(X, y, extent=(grid or self.grid()).extent)
        return True

    @Slot()
    def _form_changed(self) -> None:
        """Points painted after a run: show them over that run's boundary."""
        self.update_hint()
        panel = self.panel
        run = panel.run
        if run is None or run.state != "finished" or not self.painting or panel.plots is None:
            return
        grid = panel._run_grid
        if grid is None or grid.extent != self.grid().extent:
            return  # the view grew: that boundary no longer lines up; the next run draws one
        self.show_on_plots(panel.state, grid)
        if self.last_decision is not None:
            panel.plots.set_decision(self.last_decision)
            panel.plots.flush()

    # --- words and the sweep ---------------------------------------------------------------

    def _say(self, text: str) -> None:
        kind = "error" if text.startswith("Can't") else "info"
        self.panel._set_message(text, kind, key="paint")

    def open_sweep(self) -> Any:
        from playground.ui.training.sweep_view import SweepWindow

        if self.sweep_window is None:
            self.sweep_window = SweepWindow(self.panel.config, self.panel)
        self.sweep_window.show()
        self.sweep_window.raise_()
        return self.sweep_window

    def shutdown(self) -> None:
        if self.sweep_window is not None:
            self.sweep_window.stop()
