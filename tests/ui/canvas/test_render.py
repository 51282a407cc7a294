"""render_document and ``backprop-playground render``: PNG and SVG without a window."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from playground.cli import main as cli_main
from playground.graph import io
from playground.graph.evaluate import evaluate
from playground.ui.canvas.render import render_document
from tests.ui.canvas_helpers import lecture_doc

LECTURE = Path(__file__).resolve().parents[3] / "resources" / "examples" / "lecture.json"


def test_render_png_has_the_graph_on_white(qapp, tmp_path: Path) -> None:
    doc = lecture_doc()
    out = render_document(doc, evaluate(doc, backward=True), tmp_path / "g.png")
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() > 500 and image.height() > 150
    assert image.pixelColor(2, 2).name() == "#ffffff"
    names = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
             for y in range(0, image.height(), 7)}
    assert len(names) > 20  # text, wires and grad colours, not a blank page


def test_render_svg_contains_the_numbers(qapp, tmp_path: Path) -> None:
    doc = lecture_doc()
    out = render_document(doc, evaluate(doc, backward=True), tmp_path / "g.svg")
    text = out.read_text()
    ET.fromstring(text)  # well-formed XML
    for number in ("-8.0000", "6.0000", "-4.0000", "grad", "data", "output"):
        assert number in text


def test_render_refuses_other_formats(qapp, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        render_document(lecture_doc(), None, tmp_path / "g.jpg")


def test_cli_render_png_in_a_fresh_process_without_a_display(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                             "WAYLAND_DISPLAY")}
    out = tmp_path / "lecture.png"
    code = "import sys; from playground.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [sys.executable, "-c", code, "render", str(LECTURE), "-o", str(out), "--backward"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not QImage(str(out)).isNull()


def test_cli_render_svg(qapp, tmp_path: Path, capsys) -> None:
    out = tmp_path / "lecture.svg"
    assert cli_main(["render", str(LECTURE), "-o", str(out), "--backward"]) == 0
    text = out.read_text()
    ET.fromstring(text)
    assert "6.0000" in text


def test_cli_render_bad_file_is_exit_2(qapp, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert cli_main(["render", str(bad), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: ")
    assert cli_main(["render", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.png")]) == 2
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_cli_render_to_a_place_it_cannot_write_says_so(qapp, tmp_path: Path, capsys,
                                                       suffix: str) -> None:
    """Exit 2 and one line, never "wrote ...": Qt's SVG writer only warns when it cannot open
    the file (it said "wrote taken.svg", exit 0), so the CLI checks the place first."""
    doc = tmp_path / "g.json"
    io.save(lecture_doc(), doc)
    folder = tmp_path / f"taken{suffix}"
    folder.mkdir()
    assert cli_main(["render", str(doc), "-o", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"error: {folder}: is a folder, not a file\n"
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    target = blocker / f"g{suffix}"
    assert cli_main(["render", str(doc), "-o", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"error: {target}: cannot create the folder {blocker}: a file is in the way\n")
    made = tmp_path / "new" / "sub" / f"g{suffix}"  # missing folders are made
    assert cli_main(["render", str(doc), "-o", str(made)]) == 0
    assert made.stat().st_size > 0


def test_cli_render_that_writes_nothing_fails_and_leaves_nothing(qapp, tmp_path: Path, capsys,
                                                                 monkeypatch) -> None:
    import playground.ui.canvas.render as render_module

    doc = tmp_path / "g.json"
    io.save(lecture_doc(), doc)
    monkeypatch.setattr(render_module, "render_document", lambda *a, **k: None)
    out = tmp_path / "g.svg"
    assert cli_main(["render", str(doc), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"error: {out}: could not write the image\n"
    assert list(tmp_path.iterdir()) == [doc]  # no empty image, no temporary file left
    out.write_text("an older picture")
    assert cli_main(["render", str(doc), "-o", str(out)]) == 2
    assert out.read_text() == "an older picture"  # a file that was there stays as it was
    capsys.readouterr()
    monkeypatch.undo()
    assert cli_main(["render", str(doc), "-o", str(out)]) == 0
    assert out.read_text().lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.json", "g.svg"]
