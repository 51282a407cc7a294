"""Issue 18 §1 in the window: the 130 KB file whose Backward once took 4.66 GB and 11 s, and a
FIFO, which once blocked File > Open forever.

The matmul file (a 10000×1 literal @ a 1×10000 literal) is opened with File > Open (the
file dialog answers with its path) and Backward is pressed with Ctrl+B on the canvas. A
timer ticking every 10 ms measures the event loop's turns meanwhile; the process's peak
resident memory is Linux's VmHWM, reset just before the file is opened (``clear_refs``), so
what earlier tests in the same process used does not count.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtTest import QTest

from playground.graph.limits import NODE_BYTES
from tests.watchdog import real_stderr, time_limit

real_stderr = real_stderr  # the time limit's backstop writes where pytest's faulthandler does
GB = 10**9
REFUSAL = "result would be 10000×10000 float64 = 763 MiB: over the 256 MiB limit for one node"


def outer_file(tmp_path: Path, op: str = "matmul", n: int = 10_000) -> Path:
    doc = {"format": "backprop-playground", "version": 1, "nodes": [
        {"id": "a", "kind": "value", "value": [[1.0]] * n, "pos": [0, 0]},
        {"id": "b", "kind": "value", "value": [[1.0] * n], "pos": [0, 200]},
        {"id": "c", "kind": "op", "op": op, "pos": [300, 100]}],
        "edges": [{"source": "a", "target": "c", "slot": 0},
                  {"source": "b", "target": "c", "slot": 1}]}
    path = tmp_path / f"outer_{op}.json"
    path.write_text(json.dumps(doc))
    return path


def reset_peak_rss() -> bool:
    """Make VmHWM this process's RSS now (Linux 4.0+); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def status_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/self/status")


class Ticks:
    """A 10 ms timer's ticks: the longest gap between two is the longest the window froze."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.at: list[int] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.at.append(self.clock.elapsed()))
        self.timer.start()

    def longest_gap_ms(self) -> int:
        return max(b - a for a, b in zip(self.at, self.at[1:], strict=False))


@time_limit(seconds=60, hard=120)
def test_backward_on_the_10000_by_10000_matmul_is_refused_and_the_window_stays_responsive(
        window, dialogs, qtbot, tmp_path) -> None:
    path = outer_file(tmp_path)
    assert path.stat().st_size < 1_000_000
    measured = reset_peak_rss()
    rss_before = status_bytes("VmRSS")
    ticks = Ticks()
    qtbot.wait(50)  # a few ticks before anything happens
    dialogs.open_files.append(str(path))
    window.action("open").trigger()  # File > Open; the file dialog answers with the path
    assert window.files.path == path and window.files.last_error is None
    qtbot.wait(50)
    window.view.setFocus()
    pressed = len(ticks.at)
    QTest.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # Backward
    qtbot.wait(100)
    ticks.timer.stop()
    assert len(ticks.at) - pressed >= 3  # the loop kept turning after Backward
    # Computing the 763 MiB product (and its backward) took 11 s here once; the file's load
    # and Backward's refusal take a fraction of a second, even on a busy machine.
    assert ticks.longest_gap_ms() < 2_000, ticks.longest_gap_ms()

    item = window.scene.node_item("c")
    assert item.display().error == REFUSAL
    assert REFUSAL in item.tooltip_text()
    assert window.scene.node_item("a").display().error is None  # the literals are fine
    message = window.statusBar().currentMessage()
    assert message.startswith("Backward did not run") and "has a problem" in message, message
    assert "over the 256 MiB limit" in message  # the reason, not only "@ has a problem"
    assert not [c for c in dialogs.calls if c[0] in ("critical", "warning")]  # no dialog

    if not measured:
        pytest.skip("this system cannot reset the peak RSS (/proc/self/clear_refs)")
    peak = status_bytes("VmHWM")
    # Nothing near one node's budget was made: the file's literals and their views only.
    # (The peak itself is not checked against 1 GB here: in the whole suite this process
    # already holds what a few thousand earlier tests left, over 1 GB. A fresh window with
    # this file peaks at ~134 MiB: benchmarks/memory_limits.py measures it in its own process.)
    assert peak - rss_before < NODE_BYTES, f"grew {(peak - rss_before) / 2**20:.0f} MiB"
    if rss_before < GB - NODE_BYTES:  # run alone or early: the bound itself holds too
        assert peak < GB, f"peak RSS {peak / 2**20:.0f} MiB"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@time_limit(seconds=20, hard=60)  # a FIFO opened for reading blocks until a writer comes
def test_opening_a_fifo_says_cannot_open_without_blocking(window, dialogs, tmp_path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    before = window.doc.to_data()
    dialogs.open_files.append(str(fifo))
    t0 = time.perf_counter()
    window.action("open").trigger()  # File > Open; the file dialog answers with the FIFO
    assert time.perf_counter() - t0 < 2.0
    (_kind, title, text), = [c for c in dialogs.calls if c[0] == "critical"]
    assert title == "Cannot open graph"
    assert "pipe.json could not be opened" in text and "pipe (FIFO)" in text, text
    assert window.statusBar().currentMessage().startswith("Cannot open pipe.json")
    assert window.files.path != fifo and window.doc.to_data() == before  # nothing changed
