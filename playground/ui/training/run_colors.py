"""Each run's colour, the same on the plots, in the legend and in the table of runs.

Kept apart from ``run_curves`` (matplotlib) so the panel and the table can name a run's colour
without importing matplotlib (the panel imports it only when the plots are first shown)."""

from __future__ import annotations

__all__ = ["RUN_COLORS", "run_color"]

RUN_COLORS = ("#1f4e79", "#d95f02", "#1b9e77", "#e7298a", "#7570b3", "#66a61e", "#a6761d",
              "#e6ab02", "#555555", "#17becf")
"""Run n gets RUN_COLORS[(n - 1) % 10]: run 1 keeps the plots' old dark blue."""


def run_color(number: int) -> str:
    return RUN_COLORS[(max(number, 1) - 1) % len(RUN_COLORS)]
