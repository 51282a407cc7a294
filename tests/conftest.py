"""Shared test set-up. Qt runs offscreen: CI has no display (see ../shared/TOOLING.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def gradcases() -> list[dict]:
    """The 200 reference cases (PyTorch float64, cross-checked with mpmath)."""
    return json.loads((DATA / "gradcases.json").read_text())["cases"]
