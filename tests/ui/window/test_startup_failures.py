"""Start-up never ends in a bare traceback: a bad start file, a damaged settings file, a window
that cannot be built. The child-process tests run ``backprop-playground``'s own entry point
(``tests/ui/startup_driver.py``) with real modal dialogs, which the driver answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from playground import app as app_module
from playground.ui import errors
from playground.ui.appdata import DATA_DIR_ENV
from playground.ui.window import menus
from playground.ui.window.autosave import Autosaver
from tests.ui.window_helpers import install_dialogs

ROOT = Path(__file__).resolve().parents[3]
APP = "Backprop Playground"


def run_driver(tmp: Path, mode: str, *args: str) -> tuple[int, list[dict], str]:
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        DATA_DIR_ENV: str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    proc = subprocess.run([sys.executable, "-m", "tests.ui.startup_driver", mode, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    reports = [json.loads(line[3:]) for line in proc.stdout.splitlines() if line.startswith("@@ ")]
    # The offscreen plugin's harmless dock-widget warning (see TOOLING.md) is not ours.
    stderr = "".join(line for line in proc.stderr.splitlines(keepends=True)
                     if "propagateSizeHints" not in line)
    return proc.returncode, reports, stderr


def the(reports: list[dict], key: str) -> list[dict]:
    return [r for r in reports if key in r]


# --- in a child process, like a user starting it --------------------------------------------


@pytest.mark.parametrize("name", ["nonexistent.bpg", "corrupt.bpg", "folder.bpg"])
def test_a_bad_file_on_the_command_line_opens_the_app_with_a_message(tmp_path, name):
    path = tmp_path / name
    if name == "corrupt.bpg":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 not a graph \xff\xfe")
    elif name == "folder.bpg":
        path.mkdir()
    code, reports, stderr = run_driver(tmp_path, "start", str(path))
    assert code == 0, stderr
    (dialog,) = the(reports, "dialog")
    assert dialog["dialog"] == "Cannot open graph" and name in dialog["text"]
    (window,) = the(reports, "window")
    assert window["visible"] and "o" in window["labels"], "the neuron example instead"
    assert name in window["status"] and "neuron example instead" in window["status"]
    assert "Traceback" not in stderr


def test_a_damaged_settings_file_does_not_stop_the_app(tmp_path):
    conf = tmp_path / "config" / APP / f"{APP}.conf"
    conf.parent.mkdir(parents=True)
    # What a damaged or hand-edited file can hold: a point where a list of files belongs
    # (this stopped the window from being built), junk geometry and dock state, binary junk.
    conf.write_bytes(
        b"[General]\nrecent_files=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x06QPointF\\0\\0\\0\\0\\0\\0\\0)\n"
        b"[window]\ngeometry=hello\nstate=@ByteArray(\\xff\\xff\\0)\n"
        b"[canvas]\nlegend_expanded=banana\n\x00\xff\xfe[[[ = = =\n"
    )
    code, reports, stderr = run_driver(tmp_path, "start")
    assert code == 0, stderr
    assert the(reports, "dialog") == []
    (window,) = the(reports, "window")
    assert window["visible"] and "o" in window["labels"]
    assert "Traceback" not in stderr


def test_a_window_that_cannot_be_built_says_so_and_exits_1(tmp_path):
    code, reports, stderr = run_driver(tmp_path, "broken-window")
    assert code == 1
    assert the(reports, "window") == [] and the(reports, "exit") == [{"exit": 1}]
    (dialog,) = the(reports, "dialog")
    assert dialog["dialog"] == f"{APP} could not start"
    assert "RuntimeError: the menus could not be built" in dialog["text"]
    log = tmp_path / "data" / "errors.log"
    assert str(log) in dialog["text"]
    lines = stderr.strip().splitlines()
    assert lines[-1] == (f"error: {APP} could not start: RuntimeError: the menus could not be "
                         f"built (forced by startup_driver) (details are in {log})")
    assert "Traceback" not in stderr, "the traceback is in the log, not the user's terminal"
    text = log.read_text()
    assert "could not start" in text and "Traceback" in text and "build_menus" in text


# --- in this process ------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def hooks():
    """Whatever the app installs on sys.excepthook is gone after the test."""
    before = (sys.excepthook, threading.excepthook)
    yield
    handler = errors.current_handler()
    if handler is not None:
        handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def close(window) -> None:
    saver = window.findChild(Autosaver)
    if saver is not None:
        saver.finish()
    window.training.shutdown()
    window.undo_stack.setClean()
    window.close()


def test_run_app_reports_a_failing_window_and_returns_1(
    qapp, monkeypatch, data_dir, hooks, capsys
):
    dialogs = install_dialogs(monkeypatch)

    def broken(_window) -> None:
        raise ValueError("no room for the docks")

    def never(*_a) -> int:
        raise AssertionError("the event loop must not start without a window")

    monkeypatch.setattr(menus, "build_toolbar", broken)
    monkeypatch.setattr(QApplication, "exec", never)
    assert app_module.run_app(None) == 1
    ((kind, title, text),) = dialogs.calls
    assert (kind, title) == ("critical", f"{APP} could not start")
    assert "ValueError: no room for the docks" in text and "errors.log" in text
    err = capsys.readouterr().err
    assert err.endswith(f"could not start: ValueError: no room for the docks (details are in "
                        f"{data_dir / 'errors.log'})\n")
    assert "no room for the docks" in (data_dir / "errors.log").read_text()
    assert errors.current_handler() is None or not errors.current_handler()._installed


def test_without_qt_the_message_goes_to_stderr(monkeypatch, capsys):
    """If the UI package cannot even be imported, there is no dialog: one line on stderr."""
    monkeypatch.setitem(sys.modules, "playground.ui.errors", None)  # import fails
    code = app_module.startup_failed(ImportError("libEGL.so.1: cannot open shared object file"))
    assert code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"error: {APP} could not start: ImportError: libEGL.so.1: cannot open shared object file"
    )


@pytest.mark.qt_no_exception_capture
def test_a_failure_after_the_window_exists_is_shown_and_the_app_goes_on(
    qtbot, monkeypatch, data_dir, hooks
):
    """Opening the start file raised (a bug): the error handler shows it on the window."""
    install_dialogs(monkeypatch)

    def fails(window, file) -> bool:
        raise KeyError("a bug while opening the start file")

    monkeypatch.setattr(app_module, "open_initial", fails)
    _app, window = app_module.start_app("whatever.json")
    try:
        handler = errors.current_handler()
        assert handler is not None and handler.window is window
        qtbot.waitUntil(lambda: handler.notice is not None and handler.notice.isVisible(),
                        timeout=3000)
        assert "a bug while opening the start file" in handler.notice.text.text()
        assert window.isVisible()
        window.edits.add_at_centre("value")  # still usable
        assert len(window.doc) == 1
        assert "KeyError" in (data_dir / "errors.log").read_text()
    finally:
        close(window)
