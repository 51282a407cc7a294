"""What a card shows: the ``Display`` a node's scene hands it, and the texts made from it.

A ``Display`` is the document's label/op and the latest evaluation's data and grad. Each of
the data and grad rows becomes a ``Cell`` (``cell_for``): one number, or a tensor's shape with
a grid of squares (one per element) or a clipped preview of its values, fitted to the room the
card has. ``tooltip_lines`` writes the full values and why a result is an error, nan or inf.
No Qt here beyond the style's font measures: geometry is ``card_geometry``, painting
``card_paint``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt

from playground.graph import numbers as fmt
from playground.graph.marks import ERROR_MARK, WARNING_MARK
from playground.ui.canvas.style import (
    GRID_MAX_ROWS,
    CanvasStyle,
    clip_preview,
    grid_view,
    tensor_pieces,
)

KEY_GAP = 6.0
"""Room between the "data"/"grad" key and the value."""
GRID_CELL_W = 12.0
GRID_CELL_H = 8.0
GRID_MIN_W = 6.0
"""Narrowest square: tensors with more columns than fit at this width are clipped."""
ELLIPSIS = "…"
GRID_MARK = "▦"
"""How ``display_lines()`` writes a grid of cells."""


@dataclass(frozen=True)
class Display:
    """What a node shows, from the document and the latest evaluation."""

    kind: str
    symbol: str
    label: str
    data: Any
    grad: Any
    grad_state: str
    """"fresh", "stale" (graph changed since Backward), "none" (no Backward yet) or
    "unreached" (Backward ran but the output does not depend on this node)."""
    grad_value: float | None
    """One number for the colour (see style.grad_scalar)."""
    max_abs: float
    error: str | None = None
    warning: str | None = None
    is_output: bool = False
    hint: str = ""
    """The op's parameters in a few characters (``axis=0``), shown in the title."""
    pending: bool = False
    """``error`` only says an input is not connected yet (here or upstream): the node is
    being built, shown muted ("waiting for input"), not red."""
    waiting: tuple[str, ...] = ()
    """For a pending node, words for its data row, longest first ("needs left, right",
    "needs both", "waiting"): the card shows the first that fits, muted."""

    @property
    def problem(self) -> str | None:
        """The error to show in red: ``error`` unless the node is only waiting for input."""
        return None if self.pending else self.error

    @property
    def data_text(self) -> str:
        return fmt.summary(self.data) if self.error is None else fmt.NONE

    @property
    def grad_text(self) -> str:
        if self.grad is None or self.error is not None:
            return "—"
        return fmt.summary(self.grad)


Provider = Callable[[str], Display]


@dataclass(frozen=True)
class Cell:
    """What one data or grad cell paints: texts right-aligned, maybe a grid of squares."""

    value: str
    """The number, the clipped preview, or "" (grid only)."""
    shape: str = ""
    """A tensor's shape, in the key colour, left of the value or grid."""
    grid: tuple[int, int] | None = None
    """(rows, columns) of squares: the top-left corner of the tensor's ``grid_view``."""
    cell_size: tuple[float, float] = (0.0, 0.0)
    clipped: bool = False
    """The grid shows only part of the tensor (an ellipsis follows it)."""

    def line(self) -> str:
        parts = [p for p in (self.shape, self.value) if p]
        if self.grid is not None:
            parts.append(GRID_MARK + (ELLIPSIS if self.clipped else ""))
        return " ".join(parts) if parts else "—"


def cells_for(st: CanvasStyle, d: Display, room: float) -> tuple[Cell, Cell]:
    """What the data and the grad cells show, each value at most ``room`` wide."""
    data = None if d.error is not None else d.data
    grad = None if d.error is not None else d.grad
    if d.pending and d.waiting:  # "needs right" in place of a number, muted
        words = next((w for w in d.waiting if st.text_width(w) <= room), d.waiting[-1])
        return Cell(words), cell_for(st, grad, room)
    return cell_for(st, data, room), cell_for(st, grad, room)


def cell_for(st: CanvasStyle, x: Any, room: float) -> Cell:
    """One number; or a tensor's shape with a grid of squares, or with a clipped preview of
    its values, or its shape alone: whatever fits in ``room``."""
    if x is None:
        return Cell("—")
    if not isinstance(x, np.ndarray):
        return Cell(fmt.number(x))
    if x.size == 1:
        return Cell(fmt.number(x.reshape(-1)[0]))
    shape = fmt.shape(x)
    if x.size == 0:
        return _fit_shape(st, f"{shape} empty", room)
    shape_w = st.text_width(shape)
    view = grid_view(x)
    if view is not None:
        n_rows, n_cols = view.shape
        rows = min(n_rows, GRID_MAX_ROWS)
        avail = room - shape_w - KEY_GAP
        cw = min(GRID_CELL_W, math.floor(avail / n_cols))
        cols = n_cols
        if cw < GRID_MIN_W:
            cw = GRID_MIN_W
            cols = math.floor((avail - st.text_width(ELLIPSIS) - 2) / cw)
        ch = min(GRID_CELL_H, math.floor((st.row_h - 7) / rows))
        if cols >= 1:
            clipped = rows < n_rows or cols < n_cols
            return Cell("", shape, (rows, cols), (float(cw), float(ch)), clipped)
    preview = clip_preview(tensor_pieces(x), room - shape_w - st.text_width(" "),
                           st.text_width)
    if preview:
        return Cell(preview, shape)
    return _fit_shape(st, shape, room)


def _fit_shape(st: CanvasStyle, text: str, room: float) -> Cell:
    if st.text_width(text) > room:
        text = st.fm.elidedText(text, Qt.TextElideMode.ElideRight, room)
    return Cell("", text)


def tooltip_lines(d: Display, node_id: str, hint: str) -> list[str]:
    """The tooltip's paragraphs: full-precision numbers, and why a result is an error, nan
    or inf (the scrub's hint is the item's to add)."""
    name = d.label or d.symbol or node_id
    parts = []
    if d.pending:
        parts.append(f"{name} is waiting for input: {d.error}")
    elif d.error:
        parts.append(f"{ERROR_MARK} {name}: {d.error}")
    elif d.warning:
        parts.append(f"{WARNING_MARK} {name}: {d.warning}")
    # an op's own name ("n") says its op; a name made from its inputs ("x1*w1") already does
    head = (f"{name} = {d.symbol}(…)" if d.kind == "op" and d.label and d.symbol not in name
            else name)
    if d.kind == "op" and hint:
        head += f"   [{hint}]"
    if not d.error:
        parts.append(f"{head}\ndata{_shape_note(d.data)} = {_full(d.data)}")
        if d.grad_state in ("fresh", "stale") and d.grad is not None:
            stale = ""
            if d.grad_state == "stale":
                stale = " (stale: the graph changed, press Backward)"
            parts.append(f"grad{_shape_note(d.grad)} = {_full(d.grad)}{stale}")
            parts.extend(_tensor_colour_note(d.grad))
        elif d.grad_state == "unreached":
            parts.append("grad: none, the output does not depend on this node")
        else:
            parts.append("grad: press Backward to compute it")
    if d.is_output:
        parts.append("This is the output: Backward starts here (grad = 1).")
    return parts


def _full(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size <= 1:
        return fmt.full(x.reshape(-1)[0]) if x.size else "[]"
    return fmt.full(x, line_width=100)  # every value up to 1,000 (the inspector shows all)


def _shape_note(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size > 1:
        return f" ({fmt.shape(x)})"
    return ""


def _tensor_colour_note(g: Any) -> list[str]:
    """For a tensor grad: which element gives the cell its colour, and what the squares are."""
    if not isinstance(g, np.ndarray) or g.size <= 1:
        return []
    flat = np.abs(g.reshape(-1))
    if np.all(np.isnan(flat)):
        return []
    i = int(np.nanargmax(flat))
    where = ", ".join(map(str, np.unravel_index(i, g.shape)))
    lines = [f"grad colour: the element with the largest |grad|, "
             f"{fmt.number(g.reshape(-1)[i])} at [{where}]"]
    lines.append("squares: one per element, blue +, orange −")
    return lines
