"""The training plots in the light or dark theme: a figure's ground, axes, grid and words.

The plots draw their neutral parts (the figure and axes grounds, spines, ticks, grid, titles,
notes, legend frames) in one of two sets of colours, read from the widget's palette; the
curves and the decision map keep their own colours, which read on both. ``recolour`` swaps a
figure between the sets in place (an artist in either set's colour gets the other's), so a
figure made in one theme follows the switch without being built again.
"""

from __future__ import annotations

from matplotlib.colors import to_hex
from matplotlib.figure import Figure

# role: (light, dark). Text colours keep a contrast of 4.5:1 or more on their ground.
COLOURS = {
    "figure": ("#ffffff", "#1f2124"),
    "axes": ("#ffffff", "#26282c"),
    "title": ("#333333", "#e6e6e6"),
    "note": ("#555555", "#b8bdc4"),
    "ink": ("#000000", "#d0d4d9"),  # spines, ticks and tick labels
    "grid": ("#e6e6e6", "#3a3d42"),
}



def colour(role: str, dark: bool) -> str:
    return COLOURS[role][dark]


def recolour(figure: Figure, dark: bool) -> None:
    """Give ``figure``'s neutral parts the ``dark`` (or light) colours."""
    swap = {to_hex(pair[not dark]): pair[dark] for pair in COLOURS.values()}
    swap.update({to_hex(pair[dark]): pair[dark] for pair in COLOURS.values()})
    ink = colour("ink", dark)
    figure.set_facecolor(colour("figure", dark))
    for ax in figure.axes:
        ax.set_facecolor(colour("axes", dark))
        for spine in ax.spines.values():
            spine.set_edgecolor(ink)
        ax.tick_params(colors=ink, which="both")
        for line in ax.get_xgridlines() + ax.get_ygridlines():
            line.set_color(colour("grid", dark))
        texts = [*ax.texts, ax.title, ax.xaxis.label, ax.yaxis.label]
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(colour("axes", dark))
            legend.get_frame().set_edgecolor(colour("grid", dark))
            texts += legend.get_texts()
        for text in texts:
            new = swap.get(to_hex(text.get_color()))
            if new is not None:
                text.set_color(new)
        # Grid lines made later (new ticks) take the axes' grid settings: set those too.
        if any(line.get_visible() for line in ax.get_xgridlines() + ax.get_ygridlines()):
            ax.grid(True, color=colour("grid", dark), linewidth=0.6)
