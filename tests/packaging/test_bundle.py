"""The standalone bundle: build it with packaging/build.py, then check what the build reported.

One build per session (~1-2 minutes on 2 cores). The build script runs the bundle itself, from a
clean environment with no Python on PATH: ``--version``, ``--self-test``, the subcommands on
bundled examples, and start-to-first-paint against plain ``python -m playground``. Each check
is one test here, so a failure names what broke. Everything the build script once skipped as
"not landed yet" (the window, the subcommands) has landed, so a skipped check now fails: a bundle
whose ``--help`` broke would otherwise skip render/train/eval ("no such subcommand") and pass.
The one allowed skip is the X11 run where xvfb-run is missing, outside CI (.ci/run installs it).
Deselect with ``-m "not packaging"``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "packaging" / "build.py"
TIMED_RUNS = 5


def _tail(text: str, n: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[test]'")
    tmp = tmp_path_factory.mktemp("bundle")
    dist, out = tmp / "dist", tmp / "report.json"
    cmd = [sys.executable, str(BUILD), "--dist", str(dist), "--runs", str(TIMED_RUNS)]
    proc = subprocess.run(
        [*cmd, "--report", str(out)], capture_output=True, text=True, timeout=1800, cwd=ROOT
    )
    log = proc.stdout + proc.stderr
    if not out.is_file():
        pytest.fail(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{_tail(log)}")
    data = json.loads(out.read_text(encoding="utf-8"))
    data["log"] = log
    data["exe"] = dist / "backprop-playground" / "backprop-playground"
    yield data
    shutil.rmtree(dist, ignore_errors=True)  # ~200 MiB; pytest keeps old temp folders


def _check(report, name: str, *, may_skip: bool = False) -> None:
    found = [c for c in report["checks"] if c["name"] == name]
    assert found, f"the build report has no check {name!r}:\n{_tail(report['log'])}"
    check = found[0]
    if check["status"] == "skip":
        if may_skip:
            pytest.skip(f"{name}: {check['detail']}")
        pytest.fail(f"packaging/build.py skipped {name!r} ({check['detail']}), but the feature "
                    f"is in this tree:\n{_tail(report['log'])}")
    assert check["status"] == "pass", f"{name}: {check['detail']}\n\n{_tail(report['log'])}"


def test_size_within_target(report):
    assert report["size_mib"] <= report["size_target_mib"], (
        f"the bundle is {report['size_mib']} MiB, target <= {report['size_target_mib']} MiB"
    )


def test_every_linked_library_is_bundled_or_the_systems(report):
    if not sys.platform.startswith("linux"):
        pytest.skip("the link check reads ELF files (Linux)")
    _check(report, "links")


def test_version_comes_from_pyproject(report):
    _check(report, "--version")
    exe = report["exe"]
    if sys.platform.startswith("linux"):  # and the bundle still runs after the build script
        env = {"HOME": str(exe.parent), "PATH": "/usr/bin:/bin"}
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env)
        assert out.stdout.strip() == f"backprop-playground {report['version']}"


def test_self_test_offscreen(report):
    _check(report, "--self-test (offscreen)")


def test_self_test_on_x11(report):
    # a developer machine may lack xvfb-run; CI installs it (.ci/run), so there it must run
    _check(report, "--self-test (xcb under Xvfb)", may_skip=not os.environ.get("CI"))


def test_examples_are_bundled_where_the_app_looks(report):
    _check(report, "examples bundled")


@pytest.mark.parametrize("command", ["render", "train", "eval"])
def test_subcommand_runs_from_the_bundle(report, command):
    _check(report, command)


def test_start_to_first_paint_is_measured(report):
    """The bundle reaches first paint in every timed run. The ratio to plain Python (target
    <= 1.3x) is a benchmark figure, printed by packaging/build.py, not asserted: on a shared
    2-core machine a timing assertion fails for reasons that are not the program's."""
    start = report.get("start")
    if start is None:
        _check(report, "start time")  # fails with the reason (a skip is a failure)
    print(json.dumps(start, indent=2))
    assert len(start["bundle_s"]) == len(start["python_s"]) == TIMED_RUNS
    assert all(t > 0 for t in start["bundle_s"])


def test_desktop_entry_and_icon_next_to_the_executable(report):
    if not sys.platform.startswith("linux"):
        pytest.skip("the .desktop file is for Linux")
    bundle = report["exe"].parent
    desktop = (bundle / "backprop-playground.desktop").read_text(encoding="utf-8")
    assert "Exec=backprop-playground" in desktop and "Icon=backprop-playground" in desktop
    assert (bundle / "backprop-playground.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.access(report["exe"], os.X_OK)
