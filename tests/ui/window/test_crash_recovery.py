"""Kill the real app with SIGKILL mid-session and mid-save; nothing the user did is lost.

Each test runs ``playground.app.run_app`` in a child process (``tests/ui/crash_driver.py``)
with its own app-data folder, settings folder and a short autosave interval.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


class App:
    """The app in a child process, with its ``@@`` reports read on a thread."""

    def __init__(self, tmp: Path, mode: str, *args: str, autosave_ms: int = 100) -> None:
        env = dict(os.environ)
        env.update({
            "QT_QPA_PLATFORM": "offscreen",
            "BACKPROP_PLAYGROUND_DATA_DIR": str(tmp / "data"),
            "BACKPROP_PLAYGROUND_AUTOSAVE_MS": str(autosave_ms),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        })
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.crash_driver", mode, *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.reports: queue.Queue[dict] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@ "):
                self.reports.put(json.loads(line[3:]))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)

    def next(self, timeout: float = 60.0) -> dict:
        try:
            return self.reports.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError(
                f"no report from the app in {timeout} s; stderr:\n{''.join(self.stderr)}"
            ) from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def wait(self, timeout: float = 60.0) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the app did not exit; stderr:\n{''.join(self.stderr)}") from None


def plain(data: dict) -> dict:
    """As it comes through JSON (positions become lists), to compare with the reports."""
    return json.loads(json.dumps(data))


def session_files(tmp: Path) -> list[str]:
    folder = tmp / "data" / "autosave"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_sigkill_mid_session_then_the_next_start_recovers_the_edits(tmp_path):
    source = tmp_path / "neuron.json"
    io.save(io.load(example_path("neuron")), source)
    on_disk = plain(io.load(source).to_data())

    app = App(tmp_path, "session", str(source))
    ready = app.next()
    assert ready["ready"] and ready["modified"]
    edited = ready["doc"]
    assert edited != on_disk
    time.sleep(0.3)  # busy with Forward/Backward and zooming
    app.kill()
    assert app.proc.returncode == -signal.SIGKILL
    assert plain(io.load(ready["autosave"]).to_data()) == edited
    assert plain(io.load(source).to_data()) == on_disk, "the crash did not touch the user's file"

    again = App(tmp_path, "recover")
    shown = again.next()
    assert again.wait() == 0, "".join(again.stderr)
    assert shown["asked"] == ["neuron.json"]
    assert shown["doc"] == edited, "recovery restores every edit"
    assert shown["modified"] and "neuron.json" in shown["title"]
    assert shown["path"] == str(source.resolve())
    assert shown["items"] == sorted(n["id"] for n in edited["nodes"])
    assert "Recovered the unsaved changes to neuron.json" in shown["status"]
    assert shown["after_undo"] == on_disk, "Undo shows the file as it was last saved"
    assert shown["saved_clean"]
    assert plain(io.load(source).to_data()) == edited, "File > Save wrote the recovered edits"
    assert session_files(tmp_path) == [], "a normal exit leaves no autosave behind"


def big_graph(n: int) -> GraphDocument:
    """A chain of n/2 additions: every node and position differs from its neighbours."""
    doc = GraphDocument()
    prev = doc.add_node("value", label="x0", value=1.0, pos=(0, 0))
    for i in range(1, n // 2):
        v = doc.add_node("value", label=f"x{i}", value=i * 0.5, pos=(i % 100 * 220, i // 100 * 130))
        s = doc.add_node("op", op="add", pos=(i % 100 * 220 + 110, i // 100 * 130 + 65))
        doc.connect(prev, s, 0)
        doc.connect(v, s, 1)
        prev = s
    return doc


@pytest.mark.slow
def test_sigkill_mid_save_leaves_the_old_file_or_the_new_one_never_a_mix(tmp_path):
    """File > Save in a loop on a 3,000-node graph, killed at four moments of a save.

    The graph alternates between A (as opened) and B (every node moved), so every line of the
    file differs between the two: any mix would show. The child's disk is slowed down (50 ms
    per fsync, announced), so some kills land for sure while the temporary file is written:
    then the file must still be the old state.
    """
    path = tmp_path / "big.json"
    state_a = big_graph(3000)
    moved = GraphDocument.from_data(state_a.to_data())
    for n in moved.node_ids():
        x, y = moved.pos(n)
        moved.move(n, (x + 500.0, y + 250.0))
    states = {"A": plain(state_a.to_data()), "B": plain(moved.to_data())}
    rng = random.Random(5)
    landed = {"during the write": 0, "elsewhere": 0}
    for round_, when in enumerate(["fsync", 0.0, "fsync", 0.06]):
        io.save(state_a, path)
        app = App(tmp_path, "save-loop", str(path), autosave_ms=3_600_000)
        assert app.next(timeout=120)["ready"]
        target = 2 + rng.randrange(3)
        state = old = None
        while state is None:
            r = app.next()
            if "saved" in r:
                old = "A" if r["saved"] % 2 else "B"
            elif r.get("saving") == target:
                state = r["state"]
        if when == "fsync":
            while "fsync" not in app.next():
                pass
        else:
            time.sleep(when)
        app.kill()
        loaded = plain(io.load(path).to_data())  # it loads: never half a file
        assert loaded in (states[old], states[state]), f"round {round_}: a mix of two saves"
        temps = list(tmp_path.glob(".big.json.*.tmp"))
        if when == "fsync":
            assert loaded == states[old], "killed before the rename: the old file"
            assert temps, "the kill should have left the unfinished temporary file"
        landed["during the write" if temps else "elsewhere"] += 1
        for t in temps:  # a kill mid-write leaves the temporary file, never the user's file
            t.unlink()
    print(f"\nkills during File > Save: {landed}; the file was always whole, old or new")


def test_an_exception_in_a_slot_is_shown_and_the_real_app_keeps_running(tmp_path):
    app = App(tmp_path, "error")
    shown = app.next()
    assert app.wait() == 0, "".join(app.stderr)
    assert shown["alive"] and shown["added"]
    assert shown["notice"] and "RuntimeError: raised in a timer slot" in shown["notice_text"]
    log = Path(shown["log"])
    assert log.parent == tmp_path / "data"
    assert "RuntimeError: raised in a timer slot by crash_driver" in log.read_text()
    assert "RuntimeError: raised in a timer slot by crash_driver" in "".join(app.stderr)
