"""Issue 18 §1's input files that ran away: what `eval` and the window do with them now.
Prints figures; not a timed test.

    python benchmarks/memory_limits.py [--quick]

`eval` runs in a subprocess, under an address-space cap (``CAP``) so that a regression fails
here with a MemoryError instead of taking the machine; for each file: the exit status, the
wall time (the interpreter's start included), the child's own peak resident memory (through
a small launcher: see ``LAUNCH``) and its last line on stderr. The reproducers:

- the 130 KB file: a 10000×1 literal @ a 1×10000 literal (matmul), and the broadcasting add
  of the same shapes, with ``eval --backward --json`` (once: over 10 GB and 4 GB);
- ``/dev/zero`` (once: 3 GB in 2 s) and a FIFO (once: blocked forever);
- a literal of 10⁸ numbers (once: 142 s and 6.2 GB; its file is 191 MiB), and one of
  33,000,000 numbers, the most a file under the 64 MiB cap holds; and 33 literals of
  1,000,000 numbers, each within the literal cap (a file this size is past the 1 MB the
  1 GB promise covers: the figure shows what the 64 MiB cap allows).

Then the window (``MainWindow``, offscreen): File > Open of the matmul file and Backward,
with the time each takes and the process's peak RSS (VmHWM, reset first where Linux allows).
``reliability.py`` prints these too.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MiB = 1 << 20
CAP = 3 << 30
"""The children's address space (numpy's and OpenBLAS's mappings need room beyond the RSS)."""
HEAD = '{"format": "backprop-playground", "version": 1, '


def outer_file(path: Path, op: str, n: int = 10_000) -> Path:
    """The reproducer: ``n``×1 and 1×``n`` literals into ``op``."""
    doc = {"format": "backprop-playground", "version": 1, "nodes": [
        {"id": "a", "kind": "value", "value": [[1.0]] * n},
        {"id": "b", "kind": "value", "value": [[1.0] * n]},
        {"id": "c", "kind": "op", "op": op}],
        "edges": [{"source": "a", "target": "c", "slot": 0},
                  {"source": "b", "target": "c", "slot": 1}]}
    path.write_text(json.dumps(doc))
    return path


def literal_file(path: Path, n: int) -> Path:
    """One value node holding a literal of ``n`` zeros (2 bytes a number), written in chunks."""
    chunk = b"0," * 1_000_000
    with open(path, "wb") as f:
        f.write((HEAD + '"nodes": [{"id": "a", "kind": "value", "value": [').encode())
        whole, rest = divmod(n - 1, 1_000_000)
        for _ in range(whole):
            f.write(chunk)
        f.write(b"0," * rest + b"0]}]}")
    return path


def many_literals_file(path: Path, nodes: int, n: int) -> Path:
    """``nodes`` value nodes of ``n`` zeros each: every literal within its cap, the file
    just under 64 MiB."""
    with open(path, "wb") as f:
        f.write((HEAD + '"nodes": [').encode())
        for i in range(nodes):
            f.write(f'{"," if i else ""}{{"id": "v{i}", "kind": "value", "value": ['.encode())
            f.write(b"0," * (n - 1) + b"0]}")
        f.write(b"]}")
    return path


LAUNCH = """
import resource, subprocess, sys
cap = int(sys.argv[1])
code = subprocess.call(sys.argv[3:],
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)))
with open(sys.argv[2], "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""
"""Runs the command under the cap and writes its peak RSS (KiB). A small process in between,
because a child's ru_maxrss includes the memory of the process it was forked from (Linux
counts the forked copy's high-water mark at exec): forked from this benchmark, every eval
would report this process's size, not its own."""


def run_eval(path: Path, *flags: str, timeout: float = 300) -> tuple[int | None, float, float,
                                                                     str]:
    """`eval FILE` in a subprocess: exit status (None: killed at ``timeout``), seconds (a
    launcher's start, ~30 ms, included), the child's own peak RSS in MiB, its last stderr line
    (or the node's error from --json)."""
    with tempfile.TemporaryDirectory() as folder:
        out, err, peak = (Path(folder) / name for name in ("out", "err", "peak"))
        t0 = time.perf_counter()
        with open(out, "wb") as fo, open(err, "wb") as fe:
            proc = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, str(CAP), str(peak), sys.executable, "-m",
                 "playground", "eval", *flags, str(path)],
                stdout=fo, stderr=fe, start_new_session=True)
            try:
                code: int | None = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                code = None
        seconds = time.perf_counter() - t0
        text = out.read_text(errors="replace")
        lines = err.read_text(errors="replace").strip().splitlines()
        peak_mib = int(peak.read_text()) / 1024 if peak.exists() else float("nan")
    line = lines[-1] if lines else ""
    if not line and text.startswith("{"):
        errors = [n["error"] for n in json.loads(text)["nodes"] if n.get("error")]
        line = errors[0] if errors else ""
    return code, seconds, peak_mib, line


def window_figures(path: Path, settings: Path) -> None:
    """File > Open of ``path`` and Backward in the real window: times and peak RSS."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from playground.app import make_app
    from playground.ui.window.main_window import MainWindow

    make_app()
    w = MainWindow(settings=QSettings(str(settings), QSettings.Format.IniFormat))
    w.resize(1280, 800)
    w.show()
    QApplication.processEvents()
    reset = reset_peak()
    before = status_kib("VmRSS")
    t0 = time.perf_counter()
    opened = w.files.open_path(path)
    QApplication.processEvents()
    t1 = time.perf_counter()
    w.action("backward").trigger()
    QApplication.processEvents()
    t2 = time.perf_counter()
    peak = status_kib("VmHWM") if reset else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss
    error = w.scene.node_item("c").display().error if opened else w.files.last_error
    print(f"   window, {path.name}: File > Open {(t1 - t0) * 1000:.0f} ms, Backward "
          f"{(t2 - t1) * 1000:.0f} ms; RSS {before / 1024:.0f} MiB before, peak "
          f"{peak / 1024:.0f} MiB{'' if reset else ' (the process peak so far)'}")
    print(f"      node c: {error}")
    w.undo_stack.setClean()
    w.close()
    w.deleteLater()


def reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux: ``clear_refs`` 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def memory_limits(tmp: Path, quick: bool = False) -> None:
    from playground.graph import limits

    print(f"\n6. input files that ran away (issue 18 §1): files up to "
          f"{limits.size_text(limits.MAX_FILE_BYTES)}, literals up to "
          f"{limits.MAX_LITERAL_ELEMENTS:,} numbers, {limits.size_text(limits.NODE_BYTES)} a "
          f"node, {limits.size_text(limits.GRAPH_BYTES)} a graph")
    matmul = outer_file(tmp / "outer_matmul.json", "matmul")
    cases: list[tuple[str, Path, tuple[str, ...]]] = [
        (f"10000×1 @ 1×10000 ({matmul.stat().st_size / 1024:.0f} KB), --backward --json",
         matmul, ("--backward", "--json")),
        ("10000×1 + 1×10000, --backward --json", outer_file(tmp / "outer_add.json", "add"),
         ("--backward", "--json")),
        ("/dev/zero", Path("/dev/zero"), ()),
    ]
    fifo = tmp / "pipe.json"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append(("a FIFO", fifo, ()))
    big = [] if quick else [10 ** 8]
    for n in (*big, 33_000_000):
        path = literal_file(tmp / f"literal{n}.json", n)
        cases.append((f"a literal of {n:,} numbers ({path.stat().st_size / MiB:.0f} MiB)",
                      path, ()))
    many = many_literals_file(tmp / "many.json", 33, 1_000_000)
    cases.append((f"33 literals of 1,000,000 numbers ({many.stat().st_size / MiB:.0f} MiB)",
                  many, ()))
    for name, path, flags in cases:
        code, seconds, peak, line = run_eval(path, *flags, timeout=120)
        status = "killed after 120 s" if code is None else f"exit {code}"
        print(f"   eval {name}: {status} in {seconds:.2f} s, peak RSS {peak:.0f} MiB")
        print(f"      {line[:160]}")
        if path.parent == tmp and path.suffix == ".json" and path.stat().st_size > MiB:
            path.unlink()
    window_figures(matmul, tmp / "limits.ini")


def main() -> int:
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        memory_limits(Path(folder), "--quick" in sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
