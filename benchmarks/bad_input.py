"""Bad input files (issue 18 §2, §4, §5): what `eval` says and how long the window's "Cannot
open" dialog takes to lay out. Prints figures; not a timed test.

    python benchmarks/bad_input.py [--quick]

For each reproducer: the exit status and the length of the one line `eval` writes, the time
to refuse the file, and the time the "Cannot open" dialog (a real ``QMessageBox`` with the
window's text, shown offscreen) takes to show. ``reliability.py`` prints these too.
"""

from __future__ import annotations

import contextlib
import io as text_io
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HEAD = '{"format": "backprop-playground", "version": 1, '


def reproducers(big: int) -> dict[str, str]:
    """Name -> file text."""
    value = '{"id": "a", "kind": "value", "value": 1}'
    return {
        f"op name of {big:,} chars": HEAD + f'"nodes": [{{"id": "a", "kind": "op", "op": '
                                            f'"{"x" * big}"}}]}}',
        f"kind of {big:,} chars": HEAD + f'"nodes": [{{"id": "a", "kind": "{"k" * big}"}}]}}',
        f"format of {big:,} chars": f'{{"format": "{"f" * big}", "version": 1, "nodes": []}}',
        f"edge source of {big:,} chars": HEAD + f'"nodes": [{value}], "edges": [{{"source": '
                                                f'"{"s" * big}", "target": "a", "slot": 0}}]}}',
        "5,000-digit number": HEAD + f'"nodes": [{value[:-2]}{"9" * 5000}}}]}}',
        "label with \\ud800": HEAD + '"nodes": [{"id": "a", "kind": "value", "label": '
                                    '"\\ud800", "value": 1}]}',
        "version given twice": '{"format": "backprop-playground", "version": 99, "version": 1, '
                               '"nodes": []}',
        "id given twice in a node": HEAD + '"nodes": [{"id": "a", "id": "b", "kind": "value", '
                                           '"value": 1}]}',
    }


def eval_line(path: Path) -> tuple[int, int, float]:
    """`eval FILE` in process: exit status, the length of the longest line, seconds."""
    from playground.cli import main as cli_main

    out, err = text_io.StringIO(), text_io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["eval", str(path)])
    seconds = time.perf_counter() - t0
    lines = (out.getvalue() + err.getvalue()).splitlines() or [""]
    return code, max(len(line) for line in lines), seconds


def dialog_seconds(path: Path) -> tuple[float, int]:
    """The "Cannot open" dialog for ``path`` as the window builds it: seconds to show, and the
    length of its text."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from playground.graph import io

    QApplication.instance() or QApplication([])
    try:
        io.load_file(path)
    except io.LoadError as exc:
        detail = str(exc)
    else:
        return 0.0, 0
    text = (f"<p><b>This file is not a Backprop Playground graph, or it is damaged.</b></p>"
            f"<p>{path.name} could not be opened.</p><p>Details: {detail}</p>")
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open graph", text)
    t0 = time.perf_counter()
    box.show()
    QApplication.processEvents()
    seconds = time.perf_counter() - t0
    box.close()
    box.deleteLater()
    return seconds, len(text)


def bad_inputs(tmp: Path, big: int = 10_000_000) -> None:
    print("\nBad input files (issue 18): eval's line and the Cannot open dialog")
    print(f"  {'file':<32} {'exit':>4} {'line chars':>10} {'eval ms':>8} {'dialog ms':>9}")
    for name, text in reproducers(big).items():
        path = tmp / "bad.json"
        path.write_text(text, encoding="utf-8")
        code, width, seconds = eval_line(path)
        shown, _ = dialog_seconds(path)
        print(f"  {name:<32} {code:>4} {width:>10,} {seconds * 1000:>8.1f} {shown * 1000:>9.1f}")


def main() -> int:
    big = 1_000_000 if "--quick" in sys.argv else 10_000_000
    with tempfile.TemporaryDirectory() as folder:
        bad_inputs(Path(folder), big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
