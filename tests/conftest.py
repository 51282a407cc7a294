"""Shared test set-up. Qt runs offscreen: CI has no display (see ../shared/TOOLING.md)."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The app's QSettings (window layout, recent files) and app-data folder (autosaves, error log)
# follow XDG_CONFIG_HOME / XDG_DATA_HOME on Linux. Point them, for this process and every app
# a test starts, at a throw-away folder, so running the tests never changes a developer's own
# settings or offers their autosaves for recovery.
_HOME = tempfile.mkdtemp(prefix="backprop-playground-tests-")
os.environ["XDG_CONFIG_HOME"] = str(Path(_HOME, "config"))
os.environ["XDG_DATA_HOME"] = str(Path(_HOME, "data"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every hypothesis test gets a per-example time limit (tests/watchdog.py): a hang fails
    its test instead of hanging CI. hypothesis lets a test's ``inner_test`` be wrapped for
    this; tests that set their own limit (the fuzz files, with the file in the message) keep
    theirs, as the innermost one fires first. ``TEST_EXAMPLE_LIMIT`` (seconds) overrides the
    default 20 s: how the guard itself was checked against a test that sleeps."""
    from tests.watchdog import time_limit

    limit = time_limit(seconds=float(os.environ.get("TEST_EXAMPLE_LIMIT", 20)), hard=120)
    for item in items:
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        if handle is not None and not getattr(handle.inner_test, "_time_limited", False):
            guarded = limit(handle.inner_test)
            guarded._time_limited = True  # type: ignore[attr-defined]
            handle.inner_test = guarded
