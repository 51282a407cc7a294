"""Where the app keeps its own files: autosaves and the error log.

``data_dir()`` is the user's app-data folder (``QStandardPaths.AppDataLocation``, e.g.
``~/.local/share/Backprop Playground/Backprop Playground`` on Linux), or the folder named by
the environment variable ``BACKPROP_PLAYGROUND_DATA_DIR`` (tests, portable installs). It is
created on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "BACKPROP_PLAYGROUND_DATA_DIR"
FALLBACK = Path.home() / ".backprop-playground"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override).expanduser()
    else:
        from PySide6.QtCore import QStandardPaths

        location = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation
        )
        folder = Path(location) if location else FALLBACK
    folder.mkdir(parents=True, exist_ok=True)
    return folder
