"""Unexpected exceptions anywhere in the UI: logged, shown without blocking, the app goes on.

These tests install the app's own ``sys.excepthook``, so pytest-qt's exception capture (which
uses the same hook) is switched off for them with ``qt_no_exception_capture``; each test puts
the previous hooks back.
"""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QGraphicsRectItem, QMessageBox

from playground.ui import errors
from playground.ui.appdata import DATA_DIR_ENV
from playground.ui.errors import ErrorNotice, install_error_handler
from tests.ui.reliability_helpers import discarding_window

pytestmark = pytest.mark.qt_no_exception_capture


def no_dialogs(monkeypatch) -> None:
    """Any dialog fails the test: errors must never block the user."""

    def fail(*args, **kwargs):
        raise AssertionError(f"a dialog was opened: {args[1:3] if len(args) > 2 else args}")

    for name in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, fail)
    monkeypatch.setattr(QMessageBox, "exec", fail)
    monkeypatch.setattr(QDialog, "exec", fail)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    no_dialogs(monkeypatch)
    return discarding_window(qtbot, tmp_path / "settings.ini", example=True)


@pytest.fixture
def handler(window):
    hooks = (sys.excepthook, threading.excepthook)
    h = install_error_handler(window)
    yield h
    h.uninstall()
    assert (sys.excepthook, threading.excepthook) == hooks


def notice_shown(h) -> bool:
    return h.notice is not None and h.notice.isVisible()


def still_works(window, qtbot) -> None:
    """The window still does its job after the error."""
    n = len(window.doc)
    window.edits.add_at_centre("value")
    assert len(window.doc) == n + 1
    window.action("backward").trigger()
    window.action("undo").trigger()
    assert len(window.doc) == n
    assert window.isVisible()
    assert QApplication.activeModalWidget() is None


def test_exception_in_a_timer_slot_is_logged_and_shown(window, handler, qtbot, capsys, tmp_path):
    def boom() -> None:
        raise RuntimeError("boom from a timer")

    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: notice_shown(handler), timeout=3000)
    notice = handler.notice
    assert not notice.isWindow(), "the notice must be part of the window, not a dialog"
    assert "RuntimeError: boom from a timer" in notice.text.text()
    assert "boom from a timer" in window.statusBar().currentMessage()
    assert "keeps running" in window.statusBar().currentMessage()
    log = (tmp_path / "data" / errors.LOG_NAME).read_text()
    assert "Traceback (most recent call last)" in log and "RuntimeError: boom from a timer" in log
    assert "in boom" in log
    assert "RuntimeError: boom from a timer" in capsys.readouterr().err
    still_works(window, qtbot)
    notice.findChild(type(notice.details_button), "error_notice_show_details").click()
    assert notice.details.isVisible() and "in boom" in notice.details.toPlainText()
    notice.findChild(type(notice.details_button), "error_notice_dismiss").click()
    assert not notice.isVisible()


def test_exception_in_an_action_is_shown_and_the_window_goes_on(window, handler, qtbot):
    action = QAction("Broken", window)
    action.triggered.connect(lambda: {}["missing key"])
    window.addAction(action)
    action.trigger()
    qtbot.waitUntil(lambda: notice_shown(handler), timeout=3000)
    assert "KeyError: 'missing key'" in handler.notice.text.text()
    still_works(window, qtbot)


def test_a_storm_of_errors_gives_one_notice_and_a_short_log(window, handler, qtbot, tmp_path):
    def boom() -> None:
        raise ValueError("again and again")

    for _ in range(500):
        QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: handler.total == 500, timeout=5000)
    qtbot.waitUntil(lambda: notice_shown(handler) and "500 errors" in handler.notice.title.text(),
                    timeout=3000)
    assert len(window.findChildren(ErrorNotice)) == 1
    log = (tmp_path / "data" / errors.LOG_NAME).read_text()
    assert log.count("Traceback (most recent call last)") == 1
    assert "(100 times)" in log and log.count("the same error again") == 4  # 2, 3, 10, 100
    still_works(window, qtbot)


def test_exception_in_paint_code_keeps_the_window_painting(window, handler, qtbot):
    class Broken(QGraphicsRectItem):
        def paint(self, painter, option, widget=None):
            raise ZeroDivisionError("paint failed")

    item = Broken(0, 0, 80, 40)
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    item.setPos(centre)
    window.scene.addItem(item)
    item.update()  # painted by the event loop (as in the app), not from a Python call
    qtbot.waitUntil(lambda: handler.total >= 1, timeout=3000)
    item.update()
    qtbot.waitUntil(lambda: handler.total >= 2, timeout=3000)
    qtbot.waitUntil(lambda: notice_shown(handler), timeout=3000)
    assert "ZeroDivisionError: paint failed" in handler.notice.text.text()
    window.scene.removeItem(item)
    still_works(window, qtbot)


def test_exception_in_a_worker_thread_is_reported_on_the_window(window, handler, qtbot, tmp_path):
    def work() -> None:
        raise OSError("disk on fire")

    t = threading.Thread(target=work, name="trainer-thread")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: notice_shown(handler), timeout=3000)
    assert "OSError: disk on fire" in handler.notice.text.text()
    log = (tmp_path / "data" / errors.LOG_NAME).read_text()
    assert "in thread trainer-thread" in log
    still_works(window, qtbot)


def test_an_unwritable_log_still_prints_and_never_raises(window, qtbot, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    h = errors.ErrorHandler(window, log_path=blocker / "errors.log")
    h.install()
    try:
        QTimer.singleShot(0, lambda: 1 / 0)
        qtbot.waitUntil(lambda: notice_shown(h), timeout=3000)
    finally:
        h.uninstall()
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "could not write the error log" in err


def test_keyboard_interrupt_is_not_swallowed(handler, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *a: seen.append(a[0]))
    handler.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert seen == [KeyboardInterrupt] and handler.total == 0


def test_exception_in_a_qthread_worker_slot_is_reported_on_the_window(window, handler, qtbot):
    class Worker(QObject):
        go = Signal()

        def __init__(self) -> None:
            super().__init__()
            self.go.connect(self.work)

        def work(self) -> None:
            raise ArithmeticError("worker slot failed")

    thread = QThread()
    worker = Worker()
    worker.moveToThread(thread)
    thread.start()
    try:
        worker.go.emit()  # queued: runs in the worker thread
        qtbot.waitUntil(lambda: notice_shown(handler), timeout=3000)
    finally:
        thread.quit()
        thread.wait(3000)
    assert "ArithmeticError: worker slot failed" in handler.notice.text.text()
    still_works(window, qtbot)
