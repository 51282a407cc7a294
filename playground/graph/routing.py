"""Where a wire runs: the plain S-curve, or, when that would pass under a card, a route around.

Pure geometry on floats (no Qt), so it is quick to test. A wire leaves its source's output to
the right and enters its target's input from the left. ``plan`` is asked only when the plain
curve (``curve_points``) hits a card. It groups the cards between the two ends into *bands*
(cards whose x ranges overlap, merged), finds the free vertical gaps in each band, and picks
one height per band so that the wire climbs and drops as little as it can (a short dynamic
programme over the gaps' edges and the ends' heights). The wire then runs level through each
band and bends in the free space between bands, where no card is. The Auto layout's lanes are
such gaps, so after Auto layout a long wire runs along its lane.

A route is a list of runs ``(x_from, x_to, y)``; ``points`` turns one into a polyline (for hit
tests), and ``edges.wire_path`` draws it with the same S-bends.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]
"""left, top, right, bottom (a card's body, grown by MARGIN)."""
Run = tuple[float, float, float]

MARGIN = 8.0
"""Room kept between a wire and a card's body."""
BEND_COST = 30.0
"""A change of height costs this much more than its length: fewer bends when it is a tie."""
CURVE_SAMPLES = 16


def bend_handle(x1: float, x2: float) -> float:
    """How far the S-curve's control points sit from its ends (the old ``wire_path`` rule)."""
    return max(abs(x2 - x1) * 0.5, 40.0)


def curve_points(p1: Point, p2: Point, handle: float | None = None, n: int = CURVE_SAMPLES
                 ) -> list[Point]:
    """Points along the S-curve from ``p1`` (leaving right) to ``p2`` (entering from the left)."""
    (x1, y1), (x2, y2) = p1, p2
    d = bend_handle(x1, x2) if handle is None else handle
    c1x, c2x = x1 + d, x2 - d
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        a, b, c, e = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append((a * x1 + b * c1x + c * c2x + e * x2, (a + b) * y1 + (c + e) * y2))
    return out


def points(p1: Point, p2: Point, runs: Sequence[Run]) -> list[Point]:
    """The routed wire as a polyline: level runs joined by S-bends (sampled)."""
    out = [p1]
    cur = p1
    for xa, xb, y in runs:
        out.extend(_bend(cur, (xa, y))[1:])
        out.append((xb, y))
        cur = (xb, y)
    out.extend(_bend(cur, p2)[1:])
    return out


def _bend(a: Point, b: Point) -> list[Point]:
    if a[1] == b[1] or b[0] - a[0] < 1.0:
        return [a, b]
    return curve_points(a, b, (b[0] - a[0]) / 2, 8)


def hits(poly: Sequence[Point], boxes: Sequence[Box]) -> bool:
    """Does the polyline pass through the inside of any box?"""
    return any(hits_box(poly, box) for box in boxes)


def hits_box(poly: Sequence[Point], box: Box) -> bool:
    """Does the polyline pass through the inside of ``box``? (``segment_hits`` on each
    segment. A moved card is tested against every wire near it, so the segments that lie
    wholly on one side of the box, nearly all of them, are passed over here without a call.)"""
    left, top, right, bottom = box
    if len(poly) < 2:
        return False
    x1, y1 = poly[0]
    for i in range(1, len(poly)):
        x2, y2 = poly[i]
        # the same early exits as segment_hits's first line
        if not ((x1 <= left and x2 <= left) or (x1 >= right and x2 >= right)
                or (y1 <= top and y2 <= top) or (y1 >= bottom and y2 >= bottom)) \
                and segment_hits((x1, y1), (x2, y2), box):
            return True
        x1, y1 = x2, y2
    return False


def segment_hits(a: Point, b: Point, box: Box) -> bool:
    """Liang-Barsky: does segment a-b pass through the inside of ``box``?"""
    (x1, y1), (x2, y2) = a, b
    left, top, right, bottom = box
    if max(x1, x2) <= left or min(x1, x2) >= right or max(y1, y2) <= top or min(y1, y2) >= bottom:
        return False
    t0, t1 = 0.0, 1.0
    for p, q in ((x1 - x2, x1 - left), (x2 - x1, right - x1),
                 (y1 - y2, y1 - top), (y2 - y1, bottom - y1)):
        if p == 0:
            if q <= 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 >= t1:
            return False
    return True


def plan(p1: Point, p2: Point, boxes: Sequence[Box], window: tuple[float, float]
         ) -> list[Run] | None:
    """Runs that take the wire from ``p1`` to ``p2`` through the free gaps between ``boxes``
    (the cards, grown, without the wire's own two), within heights ``window`` (top, bottom).
    None when some band has no free gap inside the window (ask again with a taller one)."""
    (x1, y1), (x2, y2) = p1, p2
    if x2 <= x1:
        return None
    bands = _bands([b for b in boxes if b[2] > x1 and b[0] < x2], x1, x2)
    if not bands:
        return []
    top, bottom = window
    choices: list[list[float]] = []
    for _, _, blocked in bands:
        gaps = _free(blocked, top, bottom)
        if not gaps:
            return None
        cands = set()
        for lo, hi in gaps:
            cands.update((lo, hi, min(max(y1, lo), hi), min(max(y2, lo), hi)))
        choices.append(sorted(cands))
    # cost[i][j]: the least climbing to reach band i at height choices[i][j]
    cost = [abs(y - y1) + (BEND_COST if y != y1 else 0.0) for y in choices[0]]
    back: list[list[int]] = [[0] * len(choices[0])]
    for i in range(1, len(choices)):
        row, links = [], []
        for y in choices[i]:
            best, arg = float("inf"), 0
            for j, (yp, c) in enumerate(zip(choices[i - 1], cost)):  # noqa: B905
                c2 = c + abs(y - yp) + (BEND_COST if y != yp else 0.0)
                if c2 < best:
                    best, arg = c2, j
            row.append(best)
            links.append(arg)
        cost, back = row, [*back, links]
    final = [c + abs(y2 - y) + (BEND_COST if y != y2 else 0.0)
             for y, c in zip(choices[-1], cost)]  # noqa: B905
    j = min(range(len(final)), key=final.__getitem__)
    heights = [0.0] * len(bands)
    for i in range(len(bands) - 1, -1, -1):
        heights[i] = choices[i][j]
        j = back[i][j]
    runs: list[Run] = []
    for (xa, xb, _), y in zip(bands, heights):  # noqa: B905
        if runs and runs[-1][2] == y:
            runs[-1] = (runs[-1][0], xb, y)  # level on: one run
        else:
            runs.append((xa, xb, y))
    return _soften(y1, y2, runs)


def _soften(y1: float, y2: float, runs: list[Run]) -> list[Run]:
    """Let each bend start MARGIN early and end MARGIN late: cards are grown by MARGIN, so
    the bend still keeps off every card, and two bands with no room between them get a
    curve instead of a vertical drop."""
    out = []
    for i, (xa, xb, y) in enumerate(runs):
        before = runs[i - 1][2] if i else y1
        after = runs[i + 1][2] if i + 1 < len(runs) else y2
        a = xa + (MARGIN if before != y else 0.0)
        b = xb - (MARGIN if after != y else 0.0)
        if a > b:
            a = b = (xa + xb) / 2
        out.append((a, b, y))
    return out


def _bands(boxes: list[Box], x1: float, x2: float
           ) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """Boxes whose x ranges overlap, merged: (left, right, their (top, bottom)s), clipped to
    the wire's x range."""
    out: list[tuple[float, float, list[tuple[float, float]]]] = []
    for left, top, right, bottom in sorted(boxes):
        if out and left < out[-1][1]:
            a, b, ys = out[-1]
            ys.append((top, bottom))
            out[-1] = (a, max(b, right), ys)
        else:
            out.append((left, right, [(top, bottom)]))
    return [(max(a, x1), min(b, x2), ys) for a, b, ys in out]


def _free(blocked: list[tuple[float, float]], top: float, bottom: float
          ) -> list[tuple[float, float]]:
    """The gaps of [top, bottom] that no (top, bottom) interval covers."""
    gaps = []
    y = top
    for a, b in sorted(blocked):
        if a > y:
            gaps.append((y, a))
        y = max(y, b)
    if y < bottom:
        gaps.append((y, bottom))
    return gaps
