"""Backprop Playground: learn backpropagation by building it with your hands."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backprop-playground")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def __getattr__(name: str):
    """``playground.show(value)`` / ``playground.draw(value)``, imported on first use so that
    ``import playground`` stays light and headless (no Qt until you draw)."""
    if name in ("show", "draw", "Drawing"):
        import importlib

        module = importlib.import_module("playground.show")
        # Importing the submodule bound the module to ``playground.show``: bind the functions.
        globals().update(show=module.show, draw=module.draw, Drawing=module.Drawing)
        return globals()[name]
    raise AttributeError(f"module 'playground' has no attribute {name!r}")
