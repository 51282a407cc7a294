"""Launching: the self-test in a real process, and what the window opens with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from playground.app import NEURON_GRADS, make_app, open_initial
from playground.graph import io
from playground.graph.examples import example_path
from tests.ui.window_helpers import by_label, install_dialogs, new_window, shown


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must choose offscreen by itself
    return env


def test_self_test_in_a_subprocess_writes_a_png(tmp_path):
    out = tmp_path / "shots" / "self-test.png"
    exe = Path(sys.executable).with_name("backprop-playground")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "playground"]
    proc = subprocess.run(
        [*cmd, "--self-test", str(out)], capture_output=True, text=True, timeout=120,
        env=_env(), cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("self-test ok"), proc.stdout
    assert "Traceback" not in proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 20_000  # a real window, not a blank image


def test_self_test_without_a_path_via_python_m(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "playground", "--self-test"], capture_output=True, text=True,
        timeout=120, env=_env(), cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("self-test ok")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is how X11 works")
def test_no_display_is_one_line_and_exit_2_not_a_qt_abort(tmp_path):
    """Without a display Qt aborts the process (SIGABRT, exit 134) with its plugin message."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for extra in ([], [str(example_path("lecture"))]):
        proc = subprocess.run([sys.executable, "-m", "playground", *extra], capture_output=True,
                              text=True, timeout=60, env=env, cwd=tmp_path)
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        assert proc.stderr.startswith("error: no display to open the window on")
        assert proc.stderr.count("\n") == 1 and "--self-test" in proc.stderr
        assert proc.stdout == ""


def test_qt_found_a_font(qapp):
    make_app()
    assert QFontInfo(QApplication.font()).family()


def test_start_without_a_file_shows_the_neuron_with_grads(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    window = new_window(qtbot, tmp_path / "s.ini", example=False)
    assert open_initial(window, None) is False
    ids = by_label(window)
    for label, grad in NEURON_GRADS.items():
        assert shown(window, ids[label], "grad") == f"{grad:.4f}"
    assert not window.isWindowModified()


def test_start_with_a_file_opens_it(qtbot, tmp_path, monkeypatch):
    install_dialogs(monkeypatch)
    path = tmp_path / "lecture.json"
    io.save(io.load(example_path("lecture")), path)
    window = new_window(qtbot, tmp_path / "s.ini", example=False)
    assert open_initial(window, str(path)) is True
    assert window.current_path == path
    assert "lecture.json" in window.windowTitle()
    ids = by_label(window)
    assert shown(window, ids["L"], "data") == "-8.0000"


def test_start_with_a_bad_file_says_why_and_shows_the_example(qtbot, tmp_path, monkeypatch):
    dialogs = install_dialogs(monkeypatch)
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "backprop-playground", "version": 99, "nodes": [], "edges": []}')
    window = new_window(qtbot, tmp_path / "s.ini", example=False)
    assert open_initial(window, str(bad)) is False
    (text,) = dialogs.texts("critical")
    assert "broken.json" in text and "newer" in text
    assert "newer" in window.statusBar().currentMessage()
    assert "o" in by_label(window)  # the neuron example instead of an empty window
    missing = tmp_path / "nope.json"
    window2 = new_window(qtbot, tmp_path / "s2.ini", example=False)
    assert open_initial(window2, str(missing)) is False
    assert "no such file" in dialogs.texts("critical")[-1]
    for w in (window, window2):
        w.undo_stack.setClean()


def test_self_test_reports_a_wrong_answer(qapp, tmp_path, monkeypatch, capsys):
    from playground import app as app_module

    monkeypatch.setattr(app_module, "NEURON_GRADS", {"x1": 99.0})
    before = {w for w in QApplication.topLevelWidgets() if w.isVisible()}
    assert app_module.run_app(self_test=str(tmp_path / "x.png")) == 1
    # the failed check closed its window: a later test's mouse must not land on it
    assert {w for w in QApplication.topLevelWidgets() if w.isVisible()} <= before
    err = capsys.readouterr().err
    assert "self-test FAILED: x1.grad is -1.4999" in err and "expected 99.0" in err


def test_self_test_in_process_passes(qapp, tmp_path, capsys):
    from playground import app as app_module

    assert app_module.run_app(self_test=str(tmp_path / "ok.png")) == 0
    assert capsys.readouterr().out.startswith("self-test ok")
    assert (tmp_path / "ok.png").is_file()


def test_the_window_icon_is_the_packaged_svg(qapp):
    from PySide6.QtGui import QIcon

    from playground.graph.examples import resource_path
    from playground.ui.window.icons import app_icon

    svg = resource_path("icons", "app.svg")
    assert svg.is_file()
    want = QIcon(str(svg)).pixmap(64).toImage()
    got = app_icon().pixmap(64).toImage()
    assert not got.isNull() and got == want
    assert make_app().windowIcon().pixmap(64).toImage() == want
