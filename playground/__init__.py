"""Backprop Playground: learn backpropagation by building it with your hands."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backprop-playground")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
