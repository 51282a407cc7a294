"""Guard against PySide6 6.12.0 on Python 3.11 (see ../shared/TOOLING.md).

That build drops one reference of ``None`` on every void-returning Qt call; after a few
thousand calls the interpreter aborts with ``none_dealloc``. If this test fails, the pinned
PySide6 version is wrong for this Python.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QGraphicsRectItem


def test_void_qt_calls_do_not_leak_none_references(qapp) -> None:
    item = QGraphicsRectItem(0, 0, 10, 10)
    before = sys.getrefcount(None)
    for i in range(20_000):
        item.setPos(i % 100, 0)  # returns void
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references in 20,000 Qt calls"


def test_qt_found_a_font(qapp) -> None:
    family = QFontInfo(QApplication.font()).family()
    assert family, "Qt found no font: install fontconfig-config and fonts-dejavu-core"
