"""Drive the real app (``playground.app.run_app``) in a child process, for crash tests.

``python -m tests.ui.crash_driver MODE [FILE]`` schedules a script on the event loop, then
calls ``run_app`` exactly as ``backprop-playground`` does (error handler, recovery offer,
autosave). It reports on stdout as lines ``@@ {json}``. The parent test sets
``BACKPROP_PLAYGROUND_DATA_DIR``, ``BACKPROP_PLAYGROUND_AUTOSAVE_MS``, ``XDG_CONFIG_HOME`` and
``QT_QPA_PLATFORM=offscreen``, and kills the process with SIGKILL when it wants a crash.

Modes:
- ``session FILE``: opens FILE, edits it like a user (palette adds, wires, inspector values,
  a move), waits until the autosave holds exactly those edits, reports ``ready`` with the
  document, then keeps the app busy (Forward/Backward, zoom) until it is killed.
- ``recover``: answers Recover when asked, reports what the window shows (document, modified
  mark, path, title, the document after Undo), saves with File > Save and closes normally.
- ``save-loop FILE``: opens FILE, moves every node (state B; the file is state A), then
  forever: undo or redo, report ``saving`` with the state's name, File > Save, report ``saved``.
  The disk is slowed down: each fsync reports ``fsync`` and then takes 50 ms, so the parent
  can kill while the temporary file is written but not yet renamed over the user's file.
- ``error``: raises inside a timer slot, reports whether the window survived and showed it,
  then closes normally.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.app import make_app, run_app
from playground.graph import io
from playground.ui import commands as cmd
from playground.ui.window import autosave


def report(**data: Any) -> None:
    print("@@ " + json.dumps(data), flush=True)


def the_window():
    from playground.ui.window.main_window import MainWindow

    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))


def later(ms: int, fn) -> None:
    QTimer.singleShot(ms, fn)


# --- session: edits, autosave, then busy until killed ---------------------------------------


def session() -> None:
    w = the_window()
    saver = w.findChild(autosave.Autosaver)
    view = w.view
    a = view.add_node_at("value", None, QPointF(-300, 400))
    b = view.add_node_at("value", None, QPointF(-300, 520))
    mul = view.add_node_at("op", "mul", QPointF(0, 460))
    w.undo_stack.push(cmd.Connect(w.doc, a, mul, 0))
    w.undo_stack.push(cmd.Connect(w.doc, b, mul, 1))
    for node, text in ((a, "2.5"), (b, "-4")):
        w.scene.select_nodes([node])
        w.inspector.value_edit.setText(text)
        QTest.keyClick(w.inspector.value_edit, Qt.Key.Key_Return)
    w.scene.select_nodes([mul])
    w.inspector.label_edit.setText("product")
    QTest.keyClick(w.inspector.label_edit, Qt.Key.Key_Return)
    w.undo_stack.push(cmd.MoveNodes(w.doc, {a: (w.doc.pos(a), (-320.5, 380.0))}))
    w.action("backward").trigger()
    expected = w.doc.to_data()

    def wait_for_autosave() -> None:
        if saver.graph_path.exists() and io.load(saver.graph_path).to_data() == expected:
            report(ready=True, doc=expected, autosave=str(saver.graph_path),
                   modified=w.isWindowModified())
            busy(0)
        else:
            later(20, wait_for_autosave)

    def busy(i: int) -> None:
        w.action("forward" if i % 2 else "backward").trigger()
        w.view.zoom_in() if i % 4 < 2 else w.view.zoom_out()
        later(5, lambda: busy(i + 1))

    wait_for_autosave()


# --- recover: what the next start shows ---------------------------------------------------

ASKED: list[str] = []


def answer_recover(parent: Any, orphan: autosave.Orphan) -> str:
    ASKED.append(orphan.name)
    return autosave.RECOVER


def recover() -> None:
    w = the_window()
    shown = {
        "asked": ASKED,
        "doc": w.doc.to_data(),
        "modified": w.isWindowModified(),
        "path": str(w.files.path) if w.files.path else None,
        "title": w.windowTitle(),
        "items": sorted(i.node_id for i in w.scene.node_items()),
        "status": w.statusBar().currentMessage(),
    }
    w.action("undo").trigger()
    shown["after_undo"] = w.doc.to_data()
    w.action("redo").trigger()
    w.action("save").trigger()
    shown["saved_clean"] = w.undo_stack.isClean()
    report(**shown)
    w.close()


# --- save-loop: kill me while I save -------------------------------------------------------


def slow_disk() -> None:
    """Every fsync takes 50 ms and says so first: the parent can kill inside a save's write."""
    real = os.fsync

    def fsync(fd: int) -> None:
        report(fsync=True)
        time.sleep(0.05)
        real(fd)

    os.fsync = fsync


def save_loop() -> None:
    w = the_window()
    doc = w.doc
    moves = {}
    for n in doc.node_ids():
        x, y = doc.pos(n)
        moves[n] = ((x, y), (x + 500.0, y + 250.0))
    w.undo_stack.push(cmd.MoveNodes(doc, moves))

    def tick(k: int) -> None:
        if k % 2:
            w.undo_stack.undo()
        else:
            w.undo_stack.redo()
        report(saving=k, state="A" if k % 2 else "B")
        w.files.save()
        report(saved=k)
        later(0, lambda: tick(k + 1))

    report(ready=True, nodes=len(doc))
    tick(1)


# --- error: an exception in a slot ----------------------------------------------------------


def error() -> None:
    w = the_window()

    def boom() -> None:
        raise RuntimeError("raised in a timer slot by crash_driver")

    def check() -> None:
        from playground.ui.errors import current_handler

        handler = current_handler()
        notice = handler.notice if handler is not None else None
        n = len(w.doc)
        w.edits.add_at_centre("value")
        report(
            alive=w.isVisible(),
            notice=notice is not None and notice.isVisible(),
            notice_text=notice.text.text() if notice is not None else "",
            status=w.statusBar().currentMessage(),
            added=len(w.doc) == n + 1,
            log=str(handler.log_path) if handler is not None else None,
        )
        w.undo_stack.setClean()
        w.close()

    later(0, boom)
    later(600, check)


MODES = {"session": session, "recover": recover, "save-loop": save_loop, "error": error}


def main() -> int:
    mode = sys.argv[1]
    file = sys.argv[2] if len(sys.argv) > 2 else None
    make_app()
    if mode == "recover":
        autosave.ask_recover = answer_recover
    if mode == "save-loop":
        slow_disk()
    later(0, MODES[mode])
    return run_app(file)


if __name__ == "__main__":
    sys.exit(main())
