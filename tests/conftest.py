"""Shared test set-up. Qt runs offscreen: CI has no display (see ../shared/TOOLING.md)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def gradcases() -> list[dict]:
    """The 200 reference cases (PyTorch float64, cross-checked with mpmath)."""
    return json.loads((DATA / "gradcases.json").read_text())["cases"]


@pytest.fixture(scope="session", autouse=True)
def _empty_clipboard_before_exit():
    """Empty Qt's clipboard while Python still runs.

    The offscreen platform's clipboard is destroyed by C++ exit handlers, after Python has
    finalized; a ``QMimeData`` made in Python (Edit ▸ Copy) that is still on it then calls
    into the dead interpreter: pytest ends with a segfault (exit 139) after all tests passed.
    """
    yield
    gui = sys.modules.get("PySide6.QtGui")
    if gui is not None and gui.QGuiApplication.instance() is not None:
        gui.QGuiApplication.clipboard().clear()
