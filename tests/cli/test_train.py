"""``backprop-playground train``: defaults reach the demo's accuracy, the lecture preset, JSON,
the plot, and errors that are one line with exit status 2."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from playground.cli import SUBCOMMANDS, main


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_registered():
    assert SUBCOMMANDS["train"][0] == "playground.cli.train"


def test_defaults_reproduce_the_demo(capsys):
    code, out, err = _run(capsys, "--json")
    assert code == 0
    final = json.loads(out)  # exactly one JSON object on stdout
    assert final["steps"] == 100
    assert final["accuracy"] >= 0.99
    assert final["parameters"] == 337
    assert final["stopped_reason"] is None
    config = final["config"]
    assert (config["dataset"], config["hidden"], config["loss"], config["l2"]) == (
        "moons", [16, 16], "svm", 1e-4
    )
    assert (config["lr"], config["schedule"], config["steps"]) == (1.0, "linear", 100)
    # the progress bar goes to stderr (plain lines when stderr is not a terminal)
    assert "100/100" in err and "[" in err


def test_lecture_preset(capsys):
    code, out, _ = _run(capsys, "--preset", "lecture", "--json", "-q")
    assert code == 0
    final = json.loads(out)
    assert final["loss"] < 0.01
    assert final["parameters"] == 41
    assert final["config"]["activation"] == "tanh" and final["config"]["lr"] == 0.1


def test_flags_override_the_preset_and_human_output(capsys):
    code, out, err = _run(
        capsys, "--preset", "lecture", "--steps", "5", "--backend", "scalar", "-q"
    )
    assert code == 0 and err == ""
    assert "steps          5" in out and "accuracy" in out


def test_test_split_and_multiclass(capsys):
    code, out, _ = _run(
        capsys, "--dataset", "spiral", "--classes", "3", "--samples", "60",
        "--loss", "cross_entropy", "--optimizer", "adam", "--lr", "0.05",
        "--schedule", "constant", "--test-fraction", "0.2", "--steps", "20", "--json", "-q",
        "--hidden", "8,8", "--batch-size", "16",
    )
    assert code == 0
    final = json.loads(out)
    assert final["test_accuracy"] is not None and 0 <= final["test_accuracy"] <= 1
    assert final["config"]["hidden"] == [8, 8]


def test_plot_writes_a_png(capsys, tmp_path):
    png = tmp_path / "loss.png"
    code, _, _ = _run(capsys, "--steps", "10", "--plot", str(png), "-q", "--test-fraction", "0.2")
    assert code == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    code, _, err = _run(capsys, "--plot", str(tmp_path / "nope" / "x.png"))
    assert code == 2 and "does not exist" in err


def test_plot_format_is_checked_before_training(capsys, tmp_path):
    code, out, err = _run(capsys, "--plot", str(tmp_path / "loss.txt"))
    assert code == 2 and out == ""
    assert err.startswith("backprop-playground train: error: --plot: matplotlib cannot write "
                          ".txt files; use one of ") and ".png" in err and ".svg" in err
    assert "[" not in err  # no progress bar: it stopped before the first step
    assert not (tmp_path / "loss.txt").exists()


@pytest.mark.parametrize(
    "args",
    [["--steps", "many"], ["--bogus"], ["--loss", "hinge"], ["--hidden", "4,x"],
     ["--test-fraction", "1.5"], ["--lr", "-1"]],
)
def test_bad_flags_are_argparse_errors(capsys, args):
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_inconsistent_options_exit_2_naming_the_flag(capsys):
    code, out, err = _run(capsys, "--dataset", "blobs", "--classes", "3", "--lr", "0")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert "--loss: the 'svm' loss handles 2 classes" in lines[0]
    assert "--lr: learning rate must be a number above 0" in lines[1]


def test_bad_csv_is_one_line_exit_2(capsys, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("a,b,y\n1,2,0\n3,4\n")
    code, out, err = _run(capsys, "--csv", str(f))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("backprop-playground train: error: ")
    assert "line 3: expected 3 columns, found 2" in err
    code, _, err = _run(capsys, "--csv", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in err


def test_divergence_stops_with_exit_1_and_the_reason(capsys):
    code, out, err = _run(capsys, "--lr", "1000", "--loss", "mse", "--schedule", "constant",
                          "--json", "-q")
    assert code == 1
    final = json.loads(out)  # still valid JSON: non-finite numbers become null
    assert final["stopped_reason"].startswith("diverged: step 1's update blew up (at step 2 ")
    assert "stopped: diverged: step 1's update blew up" in err


def test_the_demo_at_lr_1000_exits_1_saying_which_rate_to_try(capsys):
    code, out, err = _run(capsys, "--lr", "1000", "--json")
    assert code == 1
    final = json.loads(out)
    assert final["diverged_at"] == 1 and final["steps"] == 2
    reason = final["stopped_reason"]
    assert reason.startswith("diverged: step 1's update blew up (at step 2 the loss grew to ")
    assert "a learning rate of 1000 is too big for this model; try ≤ 1 " in reason
    assert final["suggested_lr"] == 1.0
    # the suggestion is real: the demo at that rate trains
    code, out, _ = _run(capsys, "--lr", str(final["suggested_lr"]), "--json", "-q")
    assert code == 0 and json.loads(out)["accuracy"] >= 0.99
    assert f"stopped: {reason}" in err


def test_a_run_that_trains_has_no_reason_and_no_suggestion(capsys):
    code, out, _ = _run(capsys, "--steps", "5", "--json", "-q")
    final = json.loads(out)
    assert code == 0 and final["stopped_reason"] is None
    assert final["suggested_lr"] is None and final["diverged_at"] is None


@pytest.mark.parametrize(("args", "status"), [
    (["train", "--json"], 1), (["train"], 1),
    (["train", "--help"], 0), (["eval", "--help"], 0),  # argparse itself ignores the error
])
def test_a_reader_that_went_away_gets_no_traceback(args, status):
    # the reader closes its end before anything is written (the child takes 100+ ms to start),
    # so every write to stdout meets a broken pipe, as the tail of `... | head -c 100` does
    proc = subprocess.Popen([sys.executable, "-m", "playground", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert "Exception ignored" not in err
    assert code == status  # 1: Python's own status for a broken pipe


def test_head_c_100_reads_the_start_of_the_json_quietly():
    proc = subprocess.run(f"{shlex.quote(sys.executable)} -m playground train --json -q "
                          f"| head -c 100", shell=True, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.stdout.startswith('{"steps": 100, ') and len(proc.stdout) == 100
    assert proc.stderr == ""


def test_real_entry_point_without_traceback(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("x,y,label\n1,2,a\n3,four,b\n")
    proc = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--csv", str(f)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        f"backprop-playground train: error: {f}, line 3, column 2 (y): 'four' is not a number"
    )


def test_a_run_too_big_for_memory_is_one_line_not_a_traceback(capsys, monkeypatch):
    """A run within the limits (``config.MAX_*``, ``budget.STEP_BYTES``) can still be too big
    for a machine short of memory: numpy raises MemoryError. (Beyond the limits it is refused
    before, by prepare.)"""
    import playground.cli.train as cli_train

    def too_big(*_a, **_k):
        raise MemoryError("Unable to allocate 373. GiB")

    monkeypatch.setattr(cli_train, "Trainer", too_big)
    code, out, err = _run(capsys, "--samples", "1000", "--hidden", "1024,1024")
    assert code == 2 and out == ""
    assert err == f"backprop-playground train: error: {cli_train.TOO_BIG}\n"
    monkeypatch.undo()
    monkeypatch.setattr(cli_train.Trainer, "run", too_big)
    code, out, err = _run(capsys, "-q")
    assert code == 1 and out == ""
    assert err == f"backprop-playground train: stopped: {cli_train.TOO_BIG}\n"


def test_noise_so_large_the_data_are_not_finite_is_refused(capsys):
    code, out, err = _run(capsys, "--noise", "1e308")
    assert code == 2 and out == ""
    assert err == ("backprop-playground train: error: dataset 'moons' has points that are not "
                   "finite numbers (inf or nan): lower the noise\n")
