"""Float comparisons shared by the engine tests (nan equals nan, infinities must match)."""

from __future__ import annotations

import math


def close(got: float, want: float, rel: float = 1e-9, abs_: float = 0.0) -> bool:
    """math.isclose, except nan matches only nan and an infinity only the same infinity."""
    if math.isnan(got) or math.isnan(want):
        return math.isnan(got) and math.isnan(want)
    if math.isinf(got) or math.isinf(want):
        return got == want
    return math.isclose(got, want, rel_tol=rel, abs_tol=abs_)


def bits(x: float) -> str:
    """Exact bit pattern of a float (distinguishes -0.0 and nan payloads)."""
    return float(x).hex() if not math.isnan(x) else "nan"
