"""What the screen shows, owned in one place: ``DisplayModel`` (see ``model.py``).

The canvas, the inspector, the status bar's state label and the teaching tools all follow its
one ``changed(Shown)`` signal; nothing else evaluates the graph for display.
"""

from playground.ui.display.model import NOT_RUN, DisplayModel, Tool
from playground.ui.display.shown import Shown

__all__ = ["NOT_RUN", "DisplayModel", "Shown", "Tool"]
