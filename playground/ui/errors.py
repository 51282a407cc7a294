"""One handler for unexpected exceptions anywhere in the UI; the app keeps running.

``install_error_handler(window)`` (called by ``playground.app.run_app``) sets
``sys.excepthook`` and ``threading.excepthook``. PySide hands every exception raised in a slot,
a timer, an event handler or paint code to ``sys.excepthook`` and carries on, so they all end
here; so do exceptions in worker threads. Each one is

- logged in full to stderr and to ``errors.log`` in the app-data folder
  (``playground.ui.appdata``). A repeat of the same error (same type, same place) is counted,
  not logged again in full: an error in paint code, raised at every repaint, cannot fill the
  disk or the terminal;
- shown without blocking: a status-bar message, and one small non-modal notice in the
  canvas's corner ("Details", "Dismiss") that counts further errors instead of stacking up
  dialogs. Its text is refreshed at most every ``REFRESH_MS``, so a storm of errors costs
  nothing. It is a child widget, never a dialog: nothing waits for the user.

``KeyboardInterrupt`` and ``SystemExit`` go to Python's default hook. If the handler itself
fails (say the log folder is read-only), the exception is still printed to stderr.

``run_app`` installs the handler before the window exists (``set_window`` once it does), so
start-up is covered too; an exception that leaves no window to go on with goes to
``report_startup_failure``: one clear message (a dialog and stderr), the traceback in the log,
exit code 1.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

LOG_NAME = "errors.log"
MAX_LOG_BYTES = 1_000_000
"""Past this size the log is renamed to ``errors.log.1`` (one old log is kept)."""
REFRESH_MS = 250
STATUS_MS = 15_000
SUMMARY_CHARS = 200


def _full_logs(n: int) -> bool:
    """Log the 1st, 2nd, 3rd, 10th, 100th, ... occurrence of one error."""
    return n <= 3 or str(n).rstrip("0") == "1"


class ErrorNotice(QFrame):
    """A small panel over the top-right corner of the canvas: what went wrong, and how often."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("error_notice")
        self.setAccessibleName("Error notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#error_notice { background: #fff4e5; border: 1px solid #e8710a; border-radius: 4px; }"
            "#error_notice QLabel { color: #3c2a12; }"
        )
        self.title = QLabel(self)
        self.title.setObjectName("error_notice_title")
        self.title.setStyleSheet("font-weight: bold;")
        self.text = QLabel(self)
        self.text.setObjectName("error_notice_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("error_notice_details")
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(140)
        self.details_button = QPushButton("Details", self)
        self.details_button.setObjectName("error_notice_show_details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        dismiss = QPushButton("Dismiss", self)
        dismiss.setObjectName("error_notice_dismiss")
        dismiss.clicked.connect(self.hide)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.details_button)
        buttons.addWidget(dismiss)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.hide()
        window.installEventFilter(self)

    def set_error(self, count: int, summary: str, details: str, log_path: Path | None) -> None:
        self.title.setText(
            "Something went wrong" if count == 1 else f"Something went wrong ({count} errors)"
        )
        where = f" Details are in {log_path}." if log_path is not None else ""
        self.text.setText(
            f"{summary}\n\nThe app keeps running and your graph is unchanged by this; "
            f"saving your work is a good idea.{where}"
        )
        self.details.setPlainText(details)
        self.place()

    def place(self) -> None:
        window = self.parentWidget()
        if window is None:
            return
        # In the top-right corner of the canvas (the central widget): clear of the docks, the
        # toolbar and the canvas's legend (bottom-left).
        central = window.centralWidget() if isinstance(window, QMainWindow) else None
        area = central.geometry() if central is not None else window.rect()
        width = max(200, min(420, area.width() - 24))
        self.setFixedWidth(width)
        self.setFixedHeight(self.layout().totalHeightForWidth(width))
        self.move(area.right() - width - 12, area.top() + 12)
        self.raise_()

    def _toggle_details(self, on: bool) -> None:
        self.details.setVisible(on)
        self.place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False


class ErrorHandler(QObject):
    """Logs unexpected exceptions and shows them without blocking (see the module doc)."""

    reported = Signal(str, str)
    """(summary, full traceback), delivered on the GUI thread."""

    def __init__(
        self,
        window: QMainWindow | None = None,
        *,
        log_path: Path | None = None,
        stream: TextIO | None = None,
    ) -> None:
        super().__init__()
        self.window = window
        self.log_path = Path(log_path) if log_path is not None else default_log_path()
        self.stream = stream
        self.counts: dict[tuple[str, str], int] = {}
        self.total = 0
        self.latest: tuple[str, str] = ("", "")
        self.notice: ErrorNotice | None = None
        self._installed = False
        self._previous: tuple[Any, Any] | None = None
        self._lock = threading.Lock()
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._show)
        self.reported.connect(self._reported, Qt.ConnectionType.QueuedConnection)

    def set_window(self, window: QMainWindow | None) -> None:
        """Show errors on ``window`` from now on (installed before the window existed)."""
        self.window = window
        if self.total and not self._refresh.isActive():
            self._refresh.start()  # errors while it was being built: show them now

    # --- hooks --------------------------------------------------------------------------

    def install(self) -> None:
        if self._installed:
            return
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed or self._previous is None:
            return
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous[0]
        if threading.excepthook == self.thread_excepthook:
            threading.excepthook = self._previous[1]
        self._installed = False

    def excepthook(
        self,
        etype: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        thread: str | None = None,
    ) -> None:
        if issubclass(etype, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(etype, value, tb)
            return
        try:
            self.handle(etype, value, tb, thread)
        except Exception:  # the handler must never be what fails: print as Python would
            with contextlib.suppress(Exception):
                sys.__excepthook__(etype, value, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "a thread"
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback, thread=name)

    # --- handling -----------------------------------------------------------------------

    def handle(
        self,
        etype: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        thread: str | None = None,
    ) -> None:
        frames = traceback.extract_tb(tb)
        place = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        with self._lock:
            key = (etype.__qualname__, place)
            n = self.counts[key] = self.counts.get(key, 0) + 1
            self.total += 1
        summary = f"{etype.__name__}: {value}" if str(value) else etype.__name__
        if len(summary) > SUMMARY_CHARS:
            summary = summary[: SUMMARY_CHARS - 1] + "…"
        details = "".join(traceback.format_exception(etype, value, tb))
        if _full_logs(n):
            when = datetime.datetime.now().isoformat(timespec="seconds")
            where = f" in thread {thread}" if thread else ""
            if n == 1:
                entry = f"--- {when} unexpected error{where} ({_versions()})\n{details}"
            else:
                entry = f"--- {when} the same error again{where} ({n} times): {summary}\n"
            self._write(entry)
        self.reported.emit(summary, details)

    def _write(self, entry: str) -> None:
        stream = self.stream if self.stream is not None else sys.stderr
        if stream is not None:
            try:
                stream.write(entry)
                stream.flush()
            except (OSError, ValueError):
                pass
        problem = append_log(self.log_path, entry)
        if problem is not None and stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.write(f"(could not write the error log {self.log_path}: {problem})\n")

    # --- showing (GUI thread) -----------------------------------------------------------

    def _reported(self, summary: str, details: str) -> None:
        self.latest = (summary, details)
        window = self._window()
        if window is not None:
            window.statusBar().showMessage(
                f"Unexpected error: {summary} (the app keeps running; details in "
                f"{self.log_path})",
                STATUS_MS,
            )
        if not self._refresh.isActive():
            self._refresh.start()

    def _show(self) -> None:
        window = self._window()
        if window is None:
            return
        if self.notice is None:
            self.notice = ErrorNotice(window)
        summary, details = self.latest
        self.notice.set_error(self.total, summary, details, self.log_path)
        self.notice.show()
        self.notice.raise_()

    def _window(self) -> QMainWindow | None:
        window = self.window
        if window is None:
            return None
        from shiboken6 import isValid

        return window if isValid(window) else None


def default_log_path() -> Path:
    """``errors.log`` in the app-data folder; in the temp folder if that cannot be made (a
    read-only home must not stop the app from starting)."""
    try:
        from playground.ui.appdata import data_dir

        return data_dir() / LOG_NAME
    except OSError:
        import tempfile

        return Path(tempfile.gettempdir()) / f"backprop-playground-{LOG_NAME}"


def append_log(path: Path, entry: str) -> OSError | None:
    """Append ``entry`` to the log at ``path`` (one old log kept past ``MAX_LOG_BYTES``);
    the error if it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if path.stat().st_size > MAX_LOG_BYTES:
                path.replace(path.with_name(path.name + ".1"))
        except FileNotFoundError:
            pass
        with path.open("a", encoding="utf-8") as f:
            f.write(entry)
    except OSError as exc:
        return exc
    return None


def _summary(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def report_startup_failure(exc: BaseException, app_name: str = "Backprop Playground") -> int:
    """The app could not start: log the traceback, say why in one clear message (a dialog if a
    QApplication exists, and stderr), and return the exit code, 1."""
    if _current is not None:
        _current.uninstall()  # it was waiting for a window that will not come
    summary = _summary(exc)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log_path = default_log_path()
    when = datetime.datetime.now().isoformat(timespec="seconds")
    try:
        versions = _versions()
    except Exception:  # pragma: no cover - the versions are only decoration
        versions = f"Python {sys.version.split()[0]}"
    problem = append_log(log_path, f"--- {when} {app_name} could not start ({versions})\n{details}")
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if problem is not None:  # no log: the details must go somewhere
            sys.stderr.write(details)
        where = f"details are in {log_path}" if problem is None else "details above"
        sys.stderr.write(f"error: {app_name} could not start: {summary} ({where})\n")
        sys.stderr.flush()
    if QApplication.instance() is not None:
        where = (f"The details are in <code>{_esc(str(log_path))}</code>; please include that "
                 "file if you report it." if problem is None else
                 "The details were printed to the terminal (the error log could not be "
                 f"written: {_esc(str(problem))}).")
        with contextlib.suppress(Exception):  # the message on stderr is already out
            QMessageBox.critical(
                None, f"{app_name} could not start",
                f"<b>{_esc(app_name)} could not start.</b><br><br>{_esc(summary)}<br><br>{where}",
            )
    return 1


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _versions() -> str:
    from PySide6 import __version__ as pyside

    from playground import __version__

    return (f"Backprop Playground {__version__}, Python {sys.version.split()[0]}, "
            f"PySide6 {pyside}")


_current: ErrorHandler | None = None


def install_error_handler(
    window: QMainWindow | QWidget | None = None, *, log_path: Path | None = None
) -> ErrorHandler:
    """Route every unexpected exception to one ``ErrorHandler`` showing them on ``window``."""
    global _current
    if _current is not None:
        _current.uninstall()
    _current = ErrorHandler(window, log_path=log_path)  # type: ignore[arg-type]
    _current.install()
    return _current


def current_handler() -> ErrorHandler | None:
    return _current


def report(exc: BaseException) -> None:
    """Send an exception that was caught for a fallback to the error handler (logged, shown
    without blocking), so the fallback keeps the app usable without hiding a bug."""
    sys.excepthook(type(exc), exc, exc.__traceback__)
