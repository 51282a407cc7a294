"""How well a regression fits: R², the coefficient of determination (no Qt, numpy only)."""

from __future__ import annotations

import numpy as np

__all__ = ["r_squared"]


def r_squared(predicted: np.ndarray, target: np.ndarray) -> float:
    """``1 - SS_res / SS_tot``: 1 for a perfect fit, 0 for predicting the targets' mean, below 0
    for worse. Targets that are all equal have no variance to explain: 1 if hit exactly, else
    -inf (a fit can only be worse than their mean). nan predictions give nan."""
    p = np.asarray(predicted, dtype=np.float64).reshape(-1)
    t = np.asarray(target, dtype=np.float64).reshape(-1)
    with np.errstate(all="ignore"):
        ss_res = float(np.sum((t - p) ** 2))
        ss_tot = float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else -np.inf
    return 1.0 - ss_res / ss_tot
