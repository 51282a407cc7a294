"""A dataset painted by hand: points (x, y) of classes 0 .. K-1, as plain data (no Qt).

The training panel turns clicks into edits of a ``PaintedSet`` (one undoable command each); the
points then train like any dataset (``TrainConfig(dataset="painted", painted=points)``), are
saved with the app's session (``TrainConfig.to_dict``) and export to CSV in the loader's format
(``csv_text``: columns ``x1, x2, label``, which ``playground.engine.data.load_csv`` reads back
to the same ``Dataset``).

A point is a tuple ``(x, y, cls)``: two floats and a class index. ``to_dataset`` numbers the
classes the way the CSV loader does (the painted class numbers, sorted, become 0 .. K-1), so a
painted set and its exported CSV train to the very same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from playground.engine.data import Dataset, DatasetError, parse_csv

__all__ = [
    "MAX_CLASSES",
    "MAX_POINTS",
    "PAINT_BOX",
    "PaintError",
    "PaintedSet",
    "Point",
    "csv_text",
    "erase_near",
    "from_dataset",
    "normalise",
    "to_dataset",
    "view_extent",
    "write_csv",
]

Point = tuple[float, float, int]

PAINT_BOX = (-2.0, 2.0, -2.0, 2.0)
"""Where an empty painted set starts (x0, x1, y0, y1): the view of the preview and the decision
boundary stays put while points are added inside it."""
MAX_POINTS = 5000
"""The most points a painted set may have (clicking one at a time, a learner never gets near)."""
MAX_CLASSES = 10
"""Classes a learner can paint (the palette has ten colours)."""


class PaintError(ValueError):
    """A painting edit that cannot be made (the message is meant for the learner)."""


def normalise(points: Iterable[Sequence[float]]) -> tuple[Point, ...]:
    """``points`` as a tuple of ``(float, float, int)``; raises ``PaintError`` on anything
    else (a session file edited by hand, a wrong number of columns, inf/nan)."""
    out: list[Point] = []
    for i, p in enumerate(points):
        try:
            x, y, c = p
            x, y = float(x), float(y)
        except (TypeError, ValueError):
            raise PaintError(f"painted point {i + 1} is not (x, y, class): {p!r}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise PaintError(f"painted point {i + 1} is not finite: ({x}, {y})")
        if isinstance(c, bool) or not isinstance(c, int | np.integer) or not (
                0 <= c < MAX_CLASSES):
            raise PaintError(f"painted point {i + 1}: the class must be a whole number from 0 "
                             f"to {MAX_CLASSES - 1}, not {c!r}")
        out.append((x, y, int(c)))
    if len(out) > MAX_POINTS:
        raise PaintError(f"{len(out)} painted points is more than this playground keeps "
                         f"({MAX_POINTS})")
    return tuple(out)


def to_dataset(points: Sequence[Point], name: str = "painted") -> Dataset:
    """The points as a ``Dataset`` whose classes are numbered as ``load_csv`` numbers the
    label column (the painted class numbers, sorted); raises ``DatasetError`` when there is
    nothing to learn yet (fewer than 2 points or 2 classes), saying what to paint."""
    if len(points) < 2:
        raise DatasetError(f"painted data: {len(points)} point{'s' * (len(points) != 1)} so "
                           f"far: click the preview to add points (left: class 0, right: "
                           f"class 1)")
    painted = sorted({p[2] for p in points})
    if len(painted) < 2:
        other = 1 if painted[0] == 0 else 0
        raise DatasetError(f"painted data: every point is class {painted[0]}: add points of "
                           f"another class (e.g. class {other}: "
                           f"{'right' if other == 1 else 'left'} click)")
    index = {c: i for i, c in enumerate(painted)}
    X = np.array([[p[0], p[1]] for p in points], dtype=np.float64)
    y = np.array([index[p[2]] for p in points], dtype=np.int64)
    return Dataset(X, y, name, tuple(str(c) for c in painted))


def from_dataset(ds: Dataset) -> tuple[Point, ...]:
    """A 2-D classification set's points as painted points (to paint on top of them)."""
    if ds.regression or ds.n_features != 2:
        raise PaintError("only 2-D data with classes can be painted on")
    labels = [int(c) if c.lstrip("-").isdigit() and 0 <= int(c) < MAX_CLASSES else i
              for i, c in enumerate(ds.classes)]
    return normalise((float(x), float(y), labels[int(c)]) for (x, y), c in zip(ds.X, ds.y,
                                                                             strict=True))


def csv_text(points: Sequence[Point]) -> str:
    """The loader's format: a header ``x1,x2,label`` and one row per point (``repr`` floats:
    the numbers read back exactly)."""
    lines = ["x1,x2,label"]
    lines += [f"{x!r},{y!r},{c}" for x, y, c in points]
    return "\n".join(lines) + "\n"


def write_csv(points: Sequence[Point], path: str | Path) -> Path:
    """Write ``csv_text`` to ``path`` (through a temporary file, so a failure leaves no half
    file); checks first that the loader reads it back (``PaintError`` if it would not: no
    points, or a single class, which the loader refuses)."""
    path = Path(path)
    text = csv_text(points)
    try:
        parse_csv(text, source="the painted points")
    except DatasetError as exc:  # before anything is written
        raise PaintError(str(exc).removeprefix("the painted points: ")) from None
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def erase_near(points: Sequence[Point], centre: tuple[float, float],
               radius: float) -> list[int]:
    """The indices of the points within ``radius`` of ``centre`` (the eraser's reach)."""
    cx, cy = centre
    r2 = radius * radius
    return [i for i, (x, y, _c) in enumerate(points) if (x - cx) ** 2 + (y - cy) ** 2 <= r2]


def view_extent(points: Sequence[Point], pad: float = 0.1) -> tuple[float, float, float, float]:
    """Where to show painted points (x0, x1, y0, y1): ``PAINT_BOX`` while every point is in it
    (a click inside never moves the view), else grown to hold them all with a margin; square
    (both axes have one scale, so a circle stays round)."""
    x0, x1, y0, y1 = PAINT_BOX
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if points and not (x0 <= min(xs) and max(xs) <= x1 and y0 <= min(ys) and max(ys) <= y1):
        x0, x1 = min(x0, min(xs)), max(x1, max(xs))
        y0, y1 = min(y0, min(ys)), max(y1, max(ys))
        margin = max(x1 - x0, y1 - y0) * pad
        x0, x1, y0, y1 = x0 - margin, x1 + margin, y0 - margin, y1 + margin
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half, cx + half, cy - half, cy + half)


class PaintedSet:
    """The painted points, changed only through its methods; each change tells every
    subscriber (like ``GraphDocument``: the commands edit it, the views follow it)."""

    def __init__(self, points: Iterable[Sequence[float]] = ()) -> None:
        self._points: tuple[Point, ...] = normalise(points)
        self._subscribers: list[Callable[[tuple[Point, ...]], None]] = []

    @property
    def points(self) -> tuple[Point, ...]:
        return self._points

    def __len__(self) -> int:
        return len(self._points)

    def subscribe(self, callback: Callable[[tuple[Point, ...]], None]) -> None:
        self._subscribers.append(callback)

    def set_points(self, points: Iterable[Sequence[float]]) -> None:
        """Replace every point (what each painting command does, and its undo)."""
        new = normalise(points)
        if new == self._points:
            return
        self._points = new
        for callback in list(self._subscribers):
            callback(new)

    def with_point(self, x: float, y: float, cls: int) -> tuple[Point, ...]:
        """The points with one more (not applied: a command applies it)."""
        if len(self._points) >= MAX_POINTS:
            raise PaintError(f"the painted set is full ({MAX_POINTS} points): erase some first")
        return (*self._points, *normalise([(x, y, cls)]))

    def without(self, indices: Iterable[int]) -> tuple[Point, ...]:
        gone = set(indices)
        return tuple(p for i, p in enumerate(self._points) if i not in gone)
