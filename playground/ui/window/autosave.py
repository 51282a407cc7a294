"""Never lose work: autosave a modified document, and offer to recover it after a crash.

``install_autosave(window)`` (called by ``playground.app.run_app`` once the window shows its
first document) first offers to recover what a crashed session left behind, then starts an
``Autosaver``.

The ``Autosaver`` writes the window's document every ``interval_ms`` (30 s; the environment
variable ``BACKPROP_PLAYGROUND_AUTOSAVE_MS`` changes it) when it has changes that are not saved
(the undo stack is not clean) and it changed since the last autosave. It writes to the
``autosave`` folder of the app-data folder (``playground.ui.appdata``) with the same atomic
writer as File ▸ Save (``playground.graph.io``), so a crash mid-autosave leaves the previous
autosave whole. Per session (one running window) there are three files:

- ``session-<pid>-<token>.json``: the graph, an ordinary graph file;
- ``session-<pid>-<token>.meta.json``: the sidecar: which file the graph belongs to (its path,
  or none for an untitled graph), the window's name for it, the file's title and description,
  the time of the autosave, whether the graph had changes (``graph_changed``), and the
  Training tab's painted points when they differ from the session's (``painting``: they are
  saved with the session only when the window closes, so a crash would lose them);
- ``session-<pid>-<token>.lock``: a ``QLockFile`` held while the session runs. A lock whose
  process is gone (a crash, SIGKILL, power loss) is stale: that is how the next start tells a
  crashed session's autosave from one of another window that is still open.

An autosave is needed while the graph has unsaved changes or the painted points differ from
the session's. The files go away when neither holds any more (the graph saved, undone back to
the saved state, or replaced by New/Open; the painting undone), and when the app quits normally
(``finish``).

Recovery (``offer_recovery``): for each crashed session, newest first, ``ask_recover`` (a
``QMessageBox``: Recover / Discard / Not Now; tests replace this function) decides. Recover
opens the file the autosave belongs to as it is on disk (an empty untitled graph if it had
none or it is gone) and applies the autosaved graph on top as one undoable step ("Recover
autosaved changes"), so the window shows the edits as an unsaved, modified document: Save
writes them to the original file, Undo shows the file as it was last saved. When only the
painting had changes the graph is left as it is. Painted points come back on the Training tab
as one step of the painting's own undo stack ("Recover painted points": Undo there shows the
session's points). Discard deletes the autosave; Not Now leaves it for the next start.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from playground.graph import io
from playground.graph.document import Event, GraphDocument
from playground.training.painted import PaintError

if TYPE_CHECKING:
    from playground.ui.window.main_window import MainWindow

INTERVAL_ENV = "BACKPROP_PLAYGROUND_AUTOSAVE_MS"
DEFAULT_INTERVAL_MS = 30_000
FOLDER_NAME = "autosave"
META_FORMAT = "backprop-playground-autosave"
META_VERSION = 1


def autosave_dir() -> Path:
    from playground.ui.appdata import data_dir

    folder = data_dir() / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def interval_from_env(default: int = DEFAULT_INTERVAL_MS) -> int:
    try:
        value = int(os.environ.get(INTERVAL_ENV, ""))
    except ValueError:
        return default
    return value if value > 0 else default


# --- the autosaver ------------------------------------------------------------------------


class Autosaver(QObject):
    """Autosaves one window's document while it has unsaved changes (see the module doc)."""

    saved = Signal(str)
    """The graph file just written."""
    failed = Signal(str)
    """Why an autosave could not be written (also shown in the status bar, once per reason)."""

    def __init__(
        self, window: MainWindow, *, folder: Path | None = None, interval_ms: int | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.finished = False
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.folder.mkdir(parents=True, exist_ok=True)
        base = f"session-{os.getpid()}-{secrets.token_hex(4)}"
        self.graph_path = self.folder / f"{base}.json"
        self.meta_path = self.folder / f"{base}.meta.json"
        self.lock = QLockFile(str(self.folder / f"{base}.lock"))
        self.lock.setStaleLockTime(0)  # stale only when its process is gone
        self.lock.tryLock(0)
        self.changed = False
        """The document changed since the last autosave."""
        self._painting_written: dict[str, Any] | None = None
        """The painted points the last autosave wrote."""
        self._last_failure: str | None = None
        self._unsubscribe = window.doc.subscribe(self._on_event)
        window.undo_stack.cleanChanged.connect(self._clean_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms if interval_ms is not None else interval_from_env())
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.finish)

    def _on_event(self, _event: Event) -> None:
        self.changed = True

    def _clean_changed(self, clean: bool) -> None:
        if clean and not self.needed():
            self.remove_files()
        else:
            self.changed = True  # the sidecar's graph_changed is out of date

    def _painting(self) -> dict[str, Any] | None:
        """The Training tab's painted points while they differ from the session's."""
        training = getattr(self.window, "training", None)
        return training.unsaved_painting() if training is not None else None

    def needed(self) -> bool:
        """Is there work that a crash now would lose?"""
        return not self.finished and (not self.window.undo_stack.isClean()
                                      or self._painting() is not None)

    def autosave(self) -> bool:
        """Write the autosave now if it is needed and out of date; True if it wrote."""
        if not self.needed():
            self.remove_files()
            return False
        painting = self._painting()
        if not self.changed and painting == self._painting_written and self.graph_path.exists():
            return False
        files = self.window.files
        extras = {k: v for k, v in files.extras.items() if v and k in ("title", "description")}
        meta = {
            "format": META_FORMAT,
            "version": META_VERSION,
            "graph": self.graph_path.name,
            "source": str(files.path.resolve()) if files.path is not None else None,
            "name": files.name,
            "extras": extras,
            "pid": os.getpid(),
            "saved_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "nodes": len(self.window.doc),
            "graph_changed": not self.window.undo_stack.isClean(),
        }
        if painting is not None:
            meta["painting"] = painting
        try:
            io.save(self.window.doc, self.graph_path, **extras)
            io.write_atomic(self.meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            if reason != self._last_failure:
                self._last_failure = reason
                self.window.show_status(f"Autosave failed: {reason} (your graph is unchanged)")
                self.failed.emit(reason)
            return False
        self._last_failure = None
        self.changed = False
        self._painting_written = painting
        self.saved.emit(str(self.graph_path))
        return True

    def remove_files(self) -> None:
        for path in (self.graph_path, self.meta_path):
            with contextlib.suppress(OSError):
                path.unlink()
        self.changed = True  # the next autosave must write again

    def finish(self) -> None:
        """A normal end (the app quits, the window closed): nothing to recover next time."""
        if self.finished:
            return
        self._stop()
        self.remove_files()
        self.lock.unlock()

    def abandon(self) -> None:
        """Stop without cleaning up, as a crash would (tests simulate a crash with this)."""
        if not self.finished:
            self._stop()
            self.lock.unlock()

    def _stop(self) -> None:
        self.finished = True
        self.timer.stop()
        self._unsubscribe()
        with contextlib.suppress(RuntimeError, TypeError):
            self.window.undo_stack.cleanChanged.disconnect(self._clean_changed)


# --- finding and recovering what a crash left ---------------------------------------------


@dataclass
class Orphan:
    """An autosave whose session is gone; ``lock`` is held while we decide about it."""

    graph_path: Path
    meta_path: Path
    lock: QLockFile
    meta: dict[str, Any]

    @property
    def source(self) -> Path | None:
        source = self.meta.get("source")
        return Path(source) if isinstance(source, str) and source else None

    @property
    def name(self) -> str:
        name = self.meta.get("name")
        if isinstance(name, str) and name:
            return name
        return self.source.name if self.source is not None else "untitled"

    @property
    def graph_changed(self) -> bool:
        # older sidecars had only graph changes; a sidecar with nothing else is read as one
        return self.meta.get("graph_changed", True) is not False or self.painting is None

    @property
    def painting(self) -> Any:
        return self.meta.get("painting")

    @property
    def saved_at(self) -> datetime.datetime:
        text = self.meta.get("saved_at")
        if isinstance(text, str):
            with contextlib.suppress(ValueError):
                return datetime.datetime.fromisoformat(text)
        stamp = self.graph_path.stat().st_mtime
        return datetime.datetime.fromtimestamp(stamp).astimezone()

    def remove(self) -> None:
        prefix = self.graph_path.stem
        for path in (self.graph_path, self.meta_path):
            with contextlib.suppress(OSError):
                path.unlink()
        for tmp in self.graph_path.parent.glob(f".{prefix}*.tmp"):  # a write cut short
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.release()

    def release(self) -> None:
        self.lock.unlock()

    def set_aside(self) -> Path | None:
        """Keep an autosave that cannot be read under a name that is never offered again."""
        target = self.graph_path.with_name("damaged-" + self.graph_path.name)
        try:
            self.graph_path.replace(target)
        except OSError:
            target = None
        with contextlib.suppress(OSError):
            self.meta_path.unlink()
        self.release()
        return target


def find_orphans(folder: Path | None = None, *, exclude: Autosaver | None = None) -> list[Orphan]:
    """Autosaves of sessions that ended without cleaning up (crashed), newest first.

    Each returned orphan's lock is held (call ``remove()`` or ``release()``), so two starting
    windows never recover the same autosave.
    """
    folder = Path(folder) if folder is not None else autosave_dir()
    found: list[Orphan] = []
    for graph in sorted(folder.glob("session-*.json")):
        if graph.name.endswith(".meta.json"):
            continue
        if exclude is not None and graph == exclude.graph_path:
            continue
        lock = QLockFile(str(graph.with_suffix(".lock")))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            continue  # its window is still open
        meta_path = graph.with_name(graph.stem + ".meta.json")
        meta: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(meta_path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("format") == META_FORMAT:
                meta = loaded
        found.append(Orphan(graph, meta_path, lock, meta))
    for meta_path in folder.glob("session-*.meta.json"):  # a sidecar without its graph
        graph = meta_path.with_name(meta_path.name.replace(".meta.json", ".json"))
        lock = QLockFile(str(graph.with_suffix(".lock")))
        lock.setStaleLockTime(0)
        if not graph.exists() and lock.tryLock(0):
            with contextlib.suppress(OSError):
                meta_path.unlink()
            lock.unlock()
    found.sort(key=lambda o: o.saved_at, reverse=True)
    return found


RECOVER, DISCARD, LATER = "recover", "discard", "later"


def ask_recover(parent: Any, orphan: Orphan) -> str:
    """Ask whether to recover ``orphan``: RECOVER, DISCARD or LATER. Tests replace this."""
    when = orphan.saved_at.strftime("%Y-%m-%d %H:%M")
    box = QMessageBox(parent)
    box.setObjectName("recover_dialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved changes?")
    what = f"Unsaved changes to “{orphan.name}”" if orphan.graph_changed else (
        "Unsaved painted points (Training tab)")
    box.setText(f"Backprop Playground did not close normally. {what} were autosaved at {when}.")
    box.setInformativeText(
        "Recover them? They open as an unsaved document: Save keeps them, "
        "Undo shows the file as it was last saved."
    )
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.setEscapeButton(later)
    box.exec()
    clicked = box.clickedButton()
    if clicked is recover:
        return RECOVER
    if clicked is discard:
        return DISCARD
    return LATER


def recover(window: MainWindow, orphan: Orphan) -> bool:
    """Show the orphan's edits in ``window`` as an unsaved, modified document, and its painted
    points on the Training tab."""
    if orphan.graph_changed:
        try:
            recovered = io.load_file(orphan.graph_path).doc
        except io.LoadError as exc:
            window.show_status(
                f"The autosave of “{orphan.name}” could not be read ({exc}); it was kept as "
                f"damaged-{orphan.graph_path.name} in {orphan.graph_path.parent}"
            )
            return False
        if not _recover_graph(window, orphan, recovered):
            return False
    words = [f"the unsaved changes to {window.files.name}"] if orphan.graph_changed else []
    if orphan.painting is not None:
        try:
            n = window.training.recover_painting(orphan.painting)
        except PaintError as exc:
            window.show_status(f"The autosaved painted points could not be read ({exc}); "
                               "the Training tab keeps the session's")
            return orphan.graph_changed
        words.append(f"{n} painted point{'s' * (n != 1)} (Training tab)")
    when = orphan.saved_at.strftime("%H:%M")
    undo = ("Undo shows the file as it was last saved" if orphan.graph_changed
            else "Undo on the Training tab shows the points before")
    keep = "Save to keep them" if orphan.graph_changed else "they are kept with the session"
    window.show_status(f"Recovered {' and '.join(words)} from {when}: {keep} ({undo})")
    return True


def _recover_graph(window: MainWindow, orphan: Orphan, recovered: GraphDocument) -> bool:
    files = window.files
    source = orphan.source
    base, path, name = GraphDocument(), None, orphan.name
    extras = dict(orphan.meta.get("extras") or {})
    view: dict[str, Any] = {}
    if source is not None:
        path, name = source, source.name
        if source.is_file():
            try:
                loaded = io.load_file(source)
            except io.LoadError:
                pass  # the file went bad since: the autosave is all there is
            else:
                base = loaded.doc
                extras = {"title": loaded.title, "description": loaded.description}
                view = loaded.view
    files.install(base, path, name, extras, view=view)
    if not window.editor.replace_document(recovered, "Recover autosaved changes",
                                          recovery=True):
        return False  # refused: the status bar says why; the file is open as it was saved
    window.view.fit_all()
    files.update_title()
    return True


def offer_recovery(window: MainWindow, *, exclude: Autosaver | None = None) -> bool:
    """Ask about each crashed session's autosave (newest first); True if one was recovered."""
    orphans = find_orphans(exclude.folder if exclude is not None else None, exclude=exclude)
    recovered = False
    for i, orphan in enumerate(orphans):
        if recovered:
            orphan.release()  # one at a time: the rest wait for the next start
            continue
        answer = ask_recover(window, orphan)
        if answer == RECOVER:
            recovered = recover(window, orphan)
            if recovered:
                if exclude is not None:
                    exclude.autosave()  # this session's copy first: never zero copies
                orphan.remove()
            else:
                orphan.set_aside()
        elif answer == DISCARD:
            orphan.remove()
        else:
            for rest in orphans[i:]:
                rest.release()
            break
    return recovered


def install_autosave(
    window: MainWindow, *, offer: bool = True, interval_ms: int | None = None
) -> Autosaver:
    """Offer to recover a crashed session's work, then autosave this window's document."""
    saver = Autosaver(window, interval_ms=interval_ms)
    if offer:
        offer_recovery(window, exclude=saver)
    return saver
