"""A script that makes a window, edits and exits without closing it ends quietly."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from playground.app import make_app, show_start_example
from playground.ui.commands import SetValue
from playground.ui.window.main_window import MainWindow

app = make_app([])
w = MainWindow()
w.show()
app.processEvents()
show_start_example(w)
{extra}
w.undo_stack.push(SetValue(w.doc, w.doc.node_ids()[0], 5.0))
app.processEvents()
print("pushed", w.undo_stack.count(), w.isWindowModified())
"""


def run(extra: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(extra=extra)],
                          capture_output=True, text=True, timeout=120)


def test_exit_after_an_undo_command_prints_no_traceback():
    # The undo stack is destroyed with the window and emits cleanChanged/indexChanged on the
    # way out: nothing connected to them may touch the half-deleted window.
    out = run()
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["pushed", "1", "True"]
    assert "Traceback" not in out.stderr and "already deleted" not in out.stderr, out.stderr


def test_exit_with_the_teaching_and_training_tools_open_prints_no_traceback():
    out = run(
        "w.teaching.open_lesson('chain')\n"
        "w.teaching.steps.step_backward()\n"
        "w.action('show_training').trigger()\n"
        "app.processEvents()\n"
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "already deleted" not in out.stderr, out.stderr
