"""A save killed before its rename leaves ``.NAME.xxxxxxxx.tmp``; the next save removes it once it
is a minute old, and never touches anything else. Real files in ``tmp_path``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from playground.graph import io
from playground.graph.document import GraphDocument

OLD = 120.0  # seconds: older than io.STALE_TEMP_SECONDS


def small_doc(value: float = 1.0) -> GraphDocument:
    doc = GraphDocument()
    doc.add_node("value", label="a", value=value, node_id="a", pos=(0.0, 0.0))
    return doc


def age(path: Path, seconds: float) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)
    return path


def test_a_save_killed_before_its_rename_is_cleaned_up_by_the_next_save(tmp_path):
    target = tmp_path / "graph.json"
    io.save(small_doc(1.0), target)
    script = textwrap.dedent(f"""
        import os, signal
        from playground.graph import io
        from playground.graph.document import GraphDocument
        doc = GraphDocument()
        doc.add_node("value", label="a", value=2.0, node_id="a", pos=(0.0, 0.0))
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)  # killed mid-save
        io.save(doc, {str(target)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                          capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    (left,) = [p for p in tmp_path.iterdir() if p.name != "graph.json"]
    assert io.is_save_temp(left.name, "graph.json")
    assert io.load(target).value("a") == 1.0, "the old file is intact"

    io.save(small_doc(3.0), target)  # within the minute: it might be a save in progress
    assert left.exists()
    age(left, OLD)
    io.save(small_doc(4.0), target)
    assert not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]
    assert io.load(target).value("a") == 4.0


def test_only_our_own_old_temps_for_that_file_name_are_removed(tmp_path):
    target = tmp_path / "g.json"
    stale = tmp_path / ".g.json.ab_12xyz.tmp"
    stale.write_bytes(b"half a file")
    age(stale, OLD)
    keep = {
        ".g.json.ab12xyzq.tmp": "fresh: maybe another window is saving right now",
        ".h.json.ab12xyzq.tmp": "another file's temp",
        ".g.json.ab12xyz.tmp": "7 random characters: not mkstemp's name",
        ".g.json.AB12XYZQ.tmp": "upper case: not mkstemp's name",
        "g.json.ab12xyzq.tmp": "no leading dot",
        ".g.json.ab12xyzq.tmp.keep": "another suffix",
        ".g.json.ab12xyzq.tmpx": "another suffix",
        ".xg.json.ab12xyzq.tmp": "another file name",
        "notes.txt": "the user's file",
    }
    for name in keep:
        (tmp_path / name).write_text(name)
        if name != ".g.json.ab12xyzq.tmp":
            age(tmp_path / name, OLD)
    folder = tmp_path / ".g.json.dir12345.tmp"  # a folder with the name: never removed
    folder.mkdir()
    age(folder, OLD)
    outside = tmp_path / "outside.txt"
    outside.write_text("the link's target")
    link = tmp_path / ".g.json.lnk12345.tmp"  # a link with the name: neither it nor its target
    link.symlink_to(outside)
    age(link, OLD)

    io.save(small_doc(), target)

    assert not stale.exists()
    for name, why in keep.items():
        assert (tmp_path / name).exists(), why
    assert folder.is_dir() and link.is_symlink() and outside.read_text() == "the link's target"


def test_names_with_regex_characters_are_matched_literally(tmp_path):
    target = tmp_path / "a+b (1).json"
    mine = tmp_path / ".a+b (1).json.q1w2e3r4.tmp"
    lookalike = tmp_path / ".aab (1).json.q1w2e3r4.tmp"  # would match if "+" were a pattern
    for p in (mine, lookalike):
        p.write_text("x")
        age(p, OLD)
    io.save(small_doc(), target)
    assert not mine.exists() and lookalike.exists()
    assert io.load(target).value("a") == 1.0


def test_saving_through_a_symlink_cleans_beside_the_real_file(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "g.json"
    io.save(small_doc(), real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    stale = real_dir / ".g.json.zzzzzzzz.tmp"
    stale.write_text("x")
    age(stale, OLD)
    io.save(small_doc(2.0), link)
    assert not stale.exists() and link.is_symlink()
    assert io.load(real).value("a") == 2.0


def test_cleanup_never_fails_a_save(tmp_path, monkeypatch):
    stale = tmp_path / ".g.json.zzzzzzzz.tmp"
    stale.write_text("x")
    age(stale, OLD)
    real_unlink = os.unlink

    def refuse(p, *a, **k):
        if Path(p) == stale:
            raise PermissionError(13, "Permission denied")
        return real_unlink(p, *a, **k)

    monkeypatch.setattr(os, "unlink", refuse)
    io.save(small_doc(), tmp_path / "g.json")
    assert stale.exists() and io.load(tmp_path / "g.json").value("a") == 1.0
    assert io.remove_stale_temps(tmp_path / "missing-folder" / "g.json") == []


@pytest.mark.parametrize("older_than", [0.0, 30.0])
def test_remove_stale_temps_reports_what_it_removed(tmp_path, older_than):
    stale = tmp_path / ".g.json.zzzzzzzz.tmp"
    stale.write_text("x")
    age(stale, 45.0)
    removed = io.remove_stale_temps(tmp_path / "g.json", older_than=older_than)
    assert removed == [stale]
    assert not stale.exists()
