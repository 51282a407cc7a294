"""The training plots' matplotlib canvas, made for blitting.

``TrainingPlots`` draws its curves, heatmap and points as *animated* artists over a saved
background. This canvas keeps the list of them (``animated``), puts them back into a saved
picture (``savefig`` leaves animated artists out), and clears ``idle`` while it draws: the
training worker waits for it before each step, since a step taken during a draw slows the draw
about tenfold (the two threads share the GIL).
"""

from __future__ import annotations

import threading

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure

__all__ = ["BlitCanvas"]


class BlitCanvas(FigureCanvasQTAgg):
    """The figure's canvas: says when it is drawing (``idle``), counts full draws and blits,
    and saves pictures with the animated artists in them."""

    def __init__(self, figure: Figure) -> None:
        super().__init__(figure)
        self.idle = threading.Event()
        self.idle.set()
        self.animated: list = []

    def draw(self) -> None:
        self.idle.clear()
        try:
            super().draw()
        finally:
            self.idle.set()

    def print_figure(self, *args, **kwargs):  # savefig skips animated artists: un-animate
        for a in self.animated:
            a.set_animated(False)
        try:
            return super().print_figure(*args, **kwargs)
        finally:
            for a in self.animated:
                a.set_animated(True)
