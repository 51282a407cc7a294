"""playground.draw(value) returns an image notebooks display; playground.show(value) opens
the window with the graph."""

from __future__ import annotations

import pytest

import playground
from playground.engine import Value


def lecture() -> Value:
    a, b, c, f = (Value(x, label=n) for x, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"),
                                                 (-2.0, "f")))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def test_draw_svg_has_the_labels_and_numbers(qapp):
    drawing = playground.draw(lecture())
    svg = drawing._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for text in (">a<", ">b<", ">e<", ">L<", ">-8.0000<", ">6.0000<", ">-4.0000<"):
        assert text in svg, text
    assert drawing._repr_png_() is None
    assert repr(drawing) == "<Drawing svg, 7 nodes>"


def test_draw_png_and_save(qapp, tmp_path):
    drawing = playground.draw(lecture(), "png", backward=False)
    assert drawing._repr_png_().startswith(b"\x89PNG") and drawing._repr_svg_() is None
    assert drawing.save(tmp_path / "g.png").read_bytes() == drawing.data
    with pytest.raises(ValueError):
        playground.draw(lecture(), "gif")
    with pytest.raises(TypeError):
        playground.draw(3.0)


def test_show_opens_the_window_with_the_graph(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QSettings

    import playground.ui.window.main_window as mw

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    original = mw.MainWindow.__init__
    monkeypatch.setattr(mw.MainWindow, "__init__",
                        lambda self, settings_=None, parent=None: original(self, settings, parent))
    from playground.show import _WINDOWS

    window = playground.show(lecture())  # a QApplication runs: returns at once
    assert window.isVisible() and window in _WINDOWS
    ids = {window.doc.label(n): n for n in window.doc.node_ids()}
    assert {"a", "b", "c", "d", "e", "f", "L"} <= set(ids)
    assert window.display.evaluation.results[ids["a"]].grad == 6.0
    assert "(from Python)" in window.windowTitle()
    window.close()  # deleted on close, and forgotten
    qtbot.waitUntil(lambda: not _WINDOWS)


def test_show_blocks_in_the_event_loop_when_no_app_runs(tmp_path):
    import os
    import subprocess
    import sys

    code = (
        "import playground\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import playground.ui.window.main_window as mw\n"
        "from playground.engine import Value\n"
        "shown = mw.MainWindow.show\n"
        "def show(self):\n"
        "    shown(self)\n"
        "    print('window', self.doc.label(self.doc.output_node()) or 'out', flush=True)\n"
        "    QTimer.singleShot(50, QApplication.quit)\n"
        "mw.MainWindow.show = show\n"
        "a = Value(2.0, label='a')\n"
        "y = a * 3\n"
        "y.label = 'y'\n"
        "playground.show(y)\n"
        "print('returned after the loop')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["window", "y", "returned", "after", "the", "loop"]
