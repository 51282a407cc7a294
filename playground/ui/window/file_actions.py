"""File handling for the main window: new, open, examples, recent files, save, export.

A file replaces the open document only after it loaded successfully; a bad file shows the
loader's message (a dialog and the status bar) and the open document stays as it was. Unsaved
changes are asked about (Save / Discard / Cancel) before anything replaces them.

A file whose nodes overlap (written for other node sizes) is arranged with Auto Layout after it
is loaded, as an undo step: Ctrl+Z gives back the file's positions, and the document counts as
modified, since what is shown is no longer what the file holds.

A file's title and description (the inspector shows them while nothing is selected; Save
writes them back) belong to the graph that was opened: when the whole graph is replaced by
another one (built from the Expression tab, say), they no longer apply and are neither shown
nor saved; Undo back to the opened graph brings them back. Recovered autosaved changes are
still the same file, so they keep them.

A file that cannot be opened gets a plain first sentence (not a graph, or damaged; not found;
a folder; no permission; a newer version) and the loader's exact words under it as details.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from playground.graph import io
from playground.graph.document import GraphDocument
from playground.graph.examples import example_path, list_examples
from playground.graph.layout import layered_layout
from playground.graph.limits import MAX_FILE_BYTES, size_text
from playground.ui import commands as cmd

if TYPE_CHECKING:
    from playground.ui.window.parts import WindowParts

APP_NAME = "Backprop Playground"
GRAPH_FILTER = "Backprop Playground graphs (*.json);;All files (*)"
"""The app reads and writes one format, JSON (``playground.graph.io``), named *.json."""
DAMAGED = "This file is not a Backprop Playground graph, or it is damaged."
NEWER = "This graph was saved by a newer version of Backprop Playground: update it to open it."
MAX_RECENT = 8
RECENT_KEY = "recent_files"
TIDIED = ("Some nodes overlapped: they were arranged with Auto Layout — Undo (Ctrl+Z) to "
          "restore the file's positions")
TIDY_TEXT = "Auto layout (nodes overlapped)"
"""The undo step's name for the arranging done when a file is opened."""

EXPORTS: dict[str, tuple[str, str, str]] = {
    # kind -> (suffix, file dialog filter, what it is)
    "png": (".png", "PNG images (*.png)", "PNG image"),
    "svg": (".svg", "SVG images (*.svg)", "SVG image"),
    "dot": (".dot", "Graphviz DOT (*.dot *.gv)", "DOT file"),
    "python": (".py", "Python scripts (*.py)", "Python script"),
    "torch": (".py", "Python scripts (*.py)", "PyTorch script"),
}


class FileActions:
    """What File menu entries do; holds the current path and the file's extras."""

    def __init__(self, window: WindowParts) -> None:
        self.w = window
        self.path: Path | None = None
        self.name = "untitled"
        self.extras: dict[str, str] = {}
        self.view: dict[str, Any] = {}
        """The file's ``view`` object: the app reads its ``frame`` (the cards to open showing)
        and Save writes it back as it was (docs/file-format.md: "kept as it is")."""
        self.last_error: str | None = None
        """The loader's message for the last file that failed to open."""
        self._about_graphs: set[Any] = set()
        """Signatures of the graphs the file's title and description describe."""
        self._installing = False
        self._pending_reset = False

    # --- title and prompts -------------------------------------------------------------

    def update_title(self) -> None:
        self.w.setWindowTitle(f"{self.name}[*] — {APP_NAME}")
        self.w.setWindowModified(not self.w.undo_stack.isClean())

    def maybe_save(self) -> bool:
        """True when it is fine to drop the open document (saved, discarded or unchanged)."""
        if self.w.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self.w,
            "Unsaved changes",
            f"“{self.name}” has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # --- opening -----------------------------------------------------------------------

    def install(self, doc: GraphDocument, path: Path | None, name: str,
                extras: dict[str, str] | None = None, *, from_file: bool = False,
                view: dict[str, Any] | None = None) -> bool:
        """Show ``doc`` (already loaded) in the window, with a fresh undo history.

        Nodes that overlap are arranged (``tidy_overlaps``); True if they were. For a file the
        user opened (``from_file``) that is an undo step after the clean point, so Undo gives
        back the file's positions; a graph the app made (a lesson, the training network,
        ``show()``) is simply arranged as part of making it.
        """
        w = self.w
        w.inspector.set_node(None)
        self.extras = dict(extras or {})
        self.view = dict(view or {})
        self._installing = True
        try:
            w.doc.replace_with(doc)
        finally:
            self._installing = False
        self._about_graphs = {graph_signature(w.doc)} if self._has_about() else set()
        self._pending_reset = False
        self._show_about()
        w.view.frame = tuple(io.view_frame(self.view, w.doc))  # what the file opens showing
        w.editor.forget_history()
        self.path = path
        self.name = name
        tidied = self.tidy_overlaps(undoable=from_file)
        if not from_file:
            w.editor.mark_saved()
        w.display.reset()
        w.view.fit_readable()
        QTimer.singleShot(0, w.view.fit_readable)  # again once the window has its final size
        self.update_title()
        if tidied:
            w.show_status(TIDIED if from_file else TIDIED.split(" — ")[0])
        return tidied

    # --- the file's title and description ----------------------------------------------------

    def _has_about(self) -> bool:
        return bool(self.extras.get("title") or self.extras.get("description"))

    def about_applies(self) -> bool:
        """Whether the file's title and description describe the graph shown now."""
        return self._has_about() and graph_signature(self.w.doc) in self._about_graphs

    def document_replaced(self) -> None:
        """The whole graph was replaced (the window calls this on the document's reset).

        Decided once the undo stack has settled (a command's redo runs before Qt puts it on
        the stack): recovered autosaved changes keep the file's words, any other new graph
        hides them."""
        if self._installing or not self._has_about() or self._pending_reset:
            return
        self._pending_reset = True
        QTimer.singleShot(0, self.w, self.settle_about)

    def settle_about(self) -> None:
        if not self._pending_reset:
            return
        self._pending_reset = False
        last = self.w.editor.last_command()
        if getattr(last, "recovery", False):
            self._about_graphs.add(graph_signature(self.w.doc))
        self._show_about()

    def _show_about(self) -> None:
        about = self.extras if self.about_applies() else {}
        self.w.inspector.set_about(about.get("title", ""), about.get("description", ""))

    def tidy_overlaps(self, max_nodes: int = 400, *, undoable: bool = False) -> bool:
        """Arrange the nodes with the layered layout if any two overlap on the canvas.

        Files (and examples) written for other node sizes can put nodes on top of each other,
        which hides numbers. ``undoable``: as an undo step ("Auto layout (nodes overlapped)"),
        else by moving the nodes directly (not undoable).
        """
        w = self.w
        items = w.scene.node_items()
        if len(items) < 2 or len(items) > max_nodes:
            return False
        rects = sorted((_body_rect(i) for i in items), key=lambda r: r.left())
        overlap = False
        for i, a in enumerate(rects):
            for b in rects[i + 1 :]:
                if b.left() >= a.right():
                    break
                if a.intersects(b):
                    overlap = True
                    break
            if overlap:
                break
        if not overlap:
            return False
        positions = compact_layout(w)
        if undoable:
            command = cmd.AutoLayout(w.doc, positions)
            command.setText(TIDY_TEXT)
            return w.editor.push(command)
        for node, pos in positions.items():
            w.doc.move(node, pos)
        return True

    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.install(GraphDocument(), None, "untitled")
        self.w.show_status("New graph: drag nodes from the palette onto the canvas")
        return True

    def _load(self, path: Path, what: str) -> io.GraphFile | None:
        try:
            return io.load_file(path)
        except io.LoadError as exc:
            self._cannot_open(path, what, _plain_reason(path, str(exc)), str(exc))
            return None

    def _cannot_open(self, path: Path, what: str, plain: str, detail: str) -> None:
        """Say why ``path`` did not open: ``plain`` first, the loader's words as details."""
        message = f"Cannot open {path.name}: {plain[:1].lower()}{plain[1:].rstrip('.')}"
        self.last_error = message
        self.w.show_status(f"{message} ({detail})")
        QMessageBox.critical(
            self.w, f"Cannot open {what}",
            f"<p><b>{_esc(plain)}</b></p>"
            f"<p>{_esc(path.name)} could not be opened. The graph you had open is "
            "unchanged.</p>"
            f"<p style='color:#5f6368'>Details: {_esc(detail)}</p>",
        )

    def open_dialog(self) -> bool:
        start = str(self.path.parent) if self.path else self._last_folder()
        filename, _ = QFileDialog.getOpenFileName(self.w, "Open Graph", start, GRAPH_FILTER)
        return self.open_path(filename) if filename else False

    def open_path(self, path: str | Path) -> bool:
        """Open a graph file; False (document unchanged) if it is bad or the user cancels."""
        path = Path(path)
        loaded = self._load(path, "graph")
        if loaded is None or not self.maybe_save():
            return False
        tidied = self.install(loaded.doc, path, path.name,
                              {"title": loaded.title, "description": loaded.description},
                              from_file=True, view=loaded.view)
        self.add_recent(path)
        io.remove_stale_temps(path)  # what a save of this file that was killed left behind
        self.w.show_status(f"Opened {path}. {TIDIED}" if tidied else f"Opened {path}")
        return True

    def open_example(self, name: str, *, ask: bool = True) -> bool:
        try:
            path = example_path(name)
        except FileNotFoundError as exc:
            self.w.show_status(str(exc))
            return False
        loaded = self._load(path, "example")
        if loaded is None or (ask and not self.maybe_save()):
            return False
        title = loaded.title or path.stem
        tidied = self.install(loaded.doc, None, f"{title} (example)",
                              {"title": loaded.title, "description": loaded.description},
                              from_file=True, view=loaded.view)
        text = loaded.description or f"Opened the example {title}"
        self.w.show_status(f"{text.rstrip('.')}. {TIDIED}" if tidied else text)
        return True

    def fill_examples_menu(self, menu: QMenu) -> None:
        menu.clear()
        examples = list_examples()
        for ex in examples:
            action = menu.addAction(ex.title)
            action.setObjectName(f"example_{ex.name}")
            action.setToolTip(ex.description or ex.title)
            action.setStatusTip(ex.description or ex.title)
            action.triggered.connect(lambda _c=False, n=ex.name: self.open_example(n))
        if not examples:
            menu.addAction("(no examples found)").setEnabled(False)

    # --- recent files ------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.w.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):  # a damaged settings file: no recent files
            return []
        return [v for v in value if isinstance(v, str) and v and "\0" not in v]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [text] + [f for f in self.recent_files() if f != text]
        self.w.settings.setValue(RECENT_KEY, files[:MAX_RECENT])

    def _last_folder(self) -> str:
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        files = [f for f in self.recent_files() if Path(f).is_file()]
        for i, f in enumerate(files):
            action = menu.addAction(f"&{i + 1} {Path(f).name}")
            action.setObjectName(f"recent_{i}")
            action.setToolTip(f)
            action.setStatusTip(f)
            action.triggered.connect(lambda _c=False, p=f: self.open_path(p))
        if not files:
            menu.addAction("(no recent files)").setEnabled(False)
            return
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setObjectName("clear_recent")
        clear.triggered.connect(lambda: self.w.settings.setValue(RECENT_KEY, []))

    # --- saving ------------------------------------------------------------------------

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        start = str(self.path) if self.path else str(
            Path(self._last_folder()) / _file_stem(self.name)
        ) + ".json"
        filename, _ = QFileDialog.getSaveFileName(self.w, "Save Graph As", start, GRAPH_FILTER)
        if not filename:
            return False
        path = Path(filename)
        if not path.suffix:
            path = path.with_suffix(".json")
        return self._write(path)

    def _write(self, path: Path) -> bool:
        self.settle_about()
        extras = {k: v for k, v in self.extras.items() if v} if self.about_applies() else {}
        try:
            io.save(self.w.doc, path, **extras, view=self.view)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.w.show_status(f"Could not save {path.name}: {reason}")
            QMessageBox.critical(self.w, "Cannot save",
                                 f"<b>{path}</b> could not be written:<br><br>{_esc(reason)}")
            return False
        self.path = path
        self.name = path.name
        self.w.editor.mark_saved()
        self.add_recent(path)
        self.update_title()
        self.w.show_status(f"Saved {path}")
        return True

    # --- export ------------------------------------------------------------------------

    def export(self, kind: str) -> bool:
        suffix, filter_, what = EXPORTS[kind]
        base = self.path.with_suffix("") if self.path else Path(self._last_folder()) / _file_stem(
            self.name
        )
        if kind == "torch":
            base = base.with_name(base.name + "_torch")
        filename, _ = QFileDialog.getSaveFileName(
            self.w, f"Export {what}", str(base) + suffix, filter_
        )
        if not filename:
            return False
        path = Path(filename)
        if not path.suffix:
            path = path.with_suffix(suffix)
        from playground.graph.export import ExportError

        try:
            self.write_export(kind, path)
        except (OSError, ExportError) as exc:  # can't write there / a node can't be exported;
            # any other exception is a bug: it goes to the error handler (logged, reported)
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.w.show_status(f"Could not export {path.name}: {reason}")
            QMessageBox.critical(self.w, "Cannot export",
                                 f"<b>{path}</b> could not be written:<br><br>{_esc(reason)}")
            return False
        self.w.show_status(f"Exported {what} to {path}")
        return True

    def write_export(self, kind: str, path: Path) -> None:
        w = self.w
        w.display.flush()
        if kind in ("png", "svg"):
            from playground.ui.canvas.render import write_image

            write_image(w.doc, w.display.with_grads(), path,
                        grads_stale=w.display.grads_stale)
            return
        from playground.graph import export

        if kind == "dot":
            text = export.to_dot(w.doc, w.display.with_grads())
        elif kind == "python":
            text = export.to_python(w.doc, groups="function")  # as the canvas shows them
        else:
            text = export.to_torch(w.doc, groups="function")
        io.write_atomic(path, io.encode_for_file(text, w.doc))


def compact_layout(window: WindowParts, gap: float = 56.0) -> dict[str, tuple[float, float]]:
    """The layered layout's columns and rows, with columns only as wide as their nodes.

    ``layered_layout`` uses a fixed column width; here each column starts ``gap`` after
    the widest node of the column before it, so the graph stays as narrow as it can be
    (and readable when fitted into the window).
    """
    items = window.scene.node_items()
    tallest = max((_body_rect(i).height() for i in items), default=60.0)
    positions = layered_layout(window.doc, dy=tallest + 40.0)
    columns: dict[float, list[str]] = {}
    for node, (x, _y) in positions.items():
        columns.setdefault(x, []).append(node)
    out: dict[str, tuple[float, float]] = {}
    left = 0.0
    for x in sorted(columns):
        width = 0.0
        for node in columns[x]:
            item = window.scene.node_item(node)
            width = max(width, item.boundingRect().width() if item is not None else 150.0)
            out[node] = (left, positions[node][1])
        left += width + gap
    return out


def graph_signature(doc: GraphDocument) -> Any:
    """Which graph ``doc`` is, ignoring numbers, labels and positions: its nodes (id, kind,
    op) and wires. Editing a value keeps it; replacing the whole graph changes it."""
    return (
        frozenset((n, doc.kind(n), doc.op_name(n)) for n in doc.node_ids()),
        frozenset(doc.edges()),
    )


def _body_rect(item):
    """The drawn card of a node item in scene coordinates (its bounding box has margins)."""
    body = getattr(item, "body", None)
    return item.mapRectToScene(body) if body is not None else item.sceneBoundingRect()


def _plain_reason(path: Path, detail: str) -> str:
    """The first sentence for a file that did not open (``detail``: the loader's words)."""
    try:
        if not path.exists():
            return "The file was not found: it may have been moved, renamed or deleted."
        if path.is_dir():
            return "This is a folder, not a graph file."
        if not os.access(path, os.R_OK):
            return "You do not have permission to read this file."
        st = os.stat(path)  # never opened here: a FIFO would block
        if not stat.S_ISREG(st.st_mode):
            return "This is not a file but a pipe or a device: only a file can hold a graph."
        if st.st_size > MAX_FILE_BYTES:
            limit = size_text(MAX_FILE_BYTES)
            return f"The file is too large to be a graph file (the limit is {limit})."
    except OSError:
        return "The file could not be read."
    if detail.startswith("version") and "newer" in detail:
        return NEWER
    return DAMAGED


def _file_stem(name: str) -> str:
    stem = name.replace(" (example)", "").removesuffix(".json")
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem) or "graph"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
