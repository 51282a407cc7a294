"""An image that cannot be written is an error, in render_document and in File > Export.

Qt's SVG writer only prints a warning when it cannot open its file, so every path checks that
QPainter.begin succeeded and that the file is not empty (one check, ``write_image``).
"""

from __future__ import annotations

import pytest

from playground.ui.canvas.render import ImageNotWritten, render_document
from tests.ui.canvas_helpers import lecture_doc
from tests.ui.window_helpers import install_dialogs, new_window


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_render_document_to_a_folder_raises(qapp, tmp_path, suffix):
    folder = tmp_path / f"taken{suffix}"
    folder.mkdir()
    with pytest.raises(ImageNotWritten, match="could not write the image"):
        render_document(lecture_doc(), None, folder)


@pytest.fixture
def dialogs(monkeypatch):
    return install_dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, dialogs):
    w = new_window(qtbot, tmp_path / "settings.ini")
    yield w
    w.undo_stack.setClean()


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_export_image_to_an_unwritable_place_shows_an_error(window, dialogs, tmp_path, kind):
    folder = tmp_path / f"taken.{kind}"
    folder.mkdir()
    for place, why in ((folder, "is a folder"), (tmp_path / "missing" / "x" / f"g.{kind}", "")):
        if not why:  # a folder that cannot be made: a file is in the way
            (tmp_path / "missing").write_text("a file")
            why = "a file is in the way"
        dialogs.calls.clear()
        dialogs.save_files.append(str(place))
        assert window.files.export(kind) is False
        errors = dialogs.texts("critical")
        assert len(errors) == 1 and why in errors[0], dialogs.calls
        assert "Exported" not in window.statusBar().currentMessage()
        assert "Could not export" in window.statusBar().currentMessage()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "settings.ini") == [
        "missing", f"taken.{kind}"]  # no half image, no temporary file left
