"""PyInstaller entry script: the frozen app runs the same entry point as `backprop-playground`."""

import os
import sys
import tempfile
from pathlib import Path


def _use_the_normal_matplotlib_config() -> None:
    """Undo PyInstaller's matplotlib run-time hook in a onedir bundle.

    The hook points MPLCONFIGDIR at a fresh temporary folder on every start, because a onefile
    bundle unpacks to a new folder each time. A onedir bundle does not move, so matplotlib can
    keep its font cache in ~/.cache/matplotlib like the installed app; rebuilding it costs
    ~0.3 s whenever the training plots are first shown.
    """
    meipass = getattr(sys, "_MEIPASS", None)
    configdir = os.environ.get("MPLCONFIGDIR")
    if meipass is None or configdir is None:
        return
    onedir = Path(meipass).parent == Path(sys.executable).resolve().parent
    in_tmp = Path(configdir).parent == Path(tempfile.gettempdir())
    if onedir and in_tmp and Path(configdir).is_dir() and not any(Path(configdir).iterdir()):
        os.environ.pop("MPLCONFIGDIR")
        Path(configdir).rmdir()


if __name__ == "__main__":
    _use_the_normal_matplotlib_config()

    from playground.cli import main

    sys.exit(main())
