"""``show(value)`` and ``draw(value)``: a graph built in Python with the engine, seen in the app.

    from playground.engine import Value
    import playground

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + 10.0) * -2.0
    playground.draw(L)   # in a notebook: an SVG of the graph with data and grad on every node
    playground.show(L)   # the app window with this graph, to edit and step through

``draw`` is micrograd's ``draw_dot`` without graphviz: it paints with the canvas's own items
(``playground.ui.canvas.render_document``) and returns a ``Drawing`` that notebooks display
inline (``_repr_svg_`` / ``_repr_png_``). Both run a fresh evaluation of the graph, so the grads
shown are d root / d node (what ``root.backward()`` gives after ``zero_grad``); pass
``backward=False`` for data only.

``show`` blocks in the Qt event loop when no ``QApplication`` is running (a plain script),
and returns the open window at once when one is (IPython's ``%gui qt``, another Qt app).
"""

from __future__ import annotations

import os
import sys
import tempfile
import types
from pathlib import Path
from typing import Any, Literal

from playground.engine.value import Value
from playground.graph.evaluate import evaluate
from playground.graph.from_value import from_value

_WINDOWS: list[Any] = []
"""Windows opened by ``show`` (kept alive while Python holds no other reference)."""


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _check(root: Any) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"expected a playground.engine.Value, got {type(root).__name__}")


class Drawing:
    """An image of a graph; notebooks show it inline. ``data``: SVG text or PNG bytes."""

    def __init__(self, data: str | bytes, format: Literal["svg", "png"], nodes: int) -> None:
        self.data = data
        self.format = format
        self.nodes = nodes

    def _repr_svg_(self) -> str | None:
        return self.data if self.format == "svg" else None  # type: ignore[return-value]

    def _repr_png_(self) -> bytes | None:
        return self.data if self.format == "png" else None  # type: ignore[return-value]

    def save(self, path: str | os.PathLike[str]) -> Path:
        path = Path(path)
        if isinstance(self.data, str):
            path.write_text(self.data, encoding="utf-8")
        else:
            path.write_bytes(self.data)
        return path

    def __repr__(self) -> str:
        return f"<Drawing {self.format}, {self.nodes} nodes>"


def draw(
    root: Value,
    format: Literal["svg", "png"] = "svg",
    *,
    backward: bool = True,
    scale: float = 1.0,
) -> Drawing:
    """An SVG (default) or PNG image of ``root``'s graph with data and grads."""
    _check(root)
    if format not in ("svg", "png"):
        raise ValueError(f"format must be 'svg' or 'png', not {format!r}")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no screen: paint off screen
    from playground.ui.canvas.render import render_document

    doc = from_value(root)
    evaluation = evaluate(doc, backward=backward)
    with tempfile.TemporaryDirectory() as tmp:
        path = render_document(doc, evaluation, Path(tmp) / f"graph.{format}", scale=scale)
        data: str | bytes = (path.read_text(encoding="utf-8") if format == "svg"
                             else path.read_bytes())
    return Drawing(data, format, len(doc))


def show(root: Value, *, backward: bool = True, title: str | None = None) -> Any:
    """Open ``root``'s graph in the app window; returns the window (see the module doc)."""
    _check(root)
    from PySide6.QtWidgets import QApplication

    running = QApplication.instance() is not None
    if not running and not _has_display():
        raise RuntimeError("no display to show a window on: use playground.draw(value) for "
                           "an image instead")
    from PySide6.QtCore import Qt

    from playground.app import make_app
    from playground.ui.window.main_window import MainWindow

    app = make_app(["backprop-playground"])
    doc = from_value(root)
    window = MainWindow()
    name = doc.display_name(doc.output_node())
    window.files.install(doc, None, title or f"{name} (from Python)")
    if backward:
        window.display.backward()
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # closing frees it
    window.show()
    window.raise_()
    window.activateWindow()
    _WINDOWS.append(window)
    window.destroyed.connect(lambda *_: _forget(window))
    if not running:
        app.exec()
    return window


def _forget(window: Any) -> None:
    if window in _WINDOWS:
        _WINDOWS.remove(window)


class _CallableModule(types.ModuleType):
    """``import playground.show`` binds the module to ``playground.show``; calling it still
    shows the value, so ``playground.show(value)`` works however it was imported."""

    def __call__(self, root: Value, **kwargs: Any) -> Any:
        return show(root, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
