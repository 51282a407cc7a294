"""The CLI and the panel share one limit on samples and neurons (``config.MAX_*``)."""

from __future__ import annotations

from playground.cli import main
from playground.training.config import MAX_NEURONS, MAX_SAMPLES, TrainConfig


def test_validate_limits_samples_and_neurons():
    assert TrainConfig(n_samples=MAX_SAMPLES, hidden=(MAX_NEURONS,)).validate() == []
    problems = TrainConfig(n_samples=MAX_SAMPLES + 1, hidden=(4, MAX_NEURONS + 1)).validate()
    assert sorted(p.field for p in problems) == ["hidden", "n_samples"]
    assert any("20,000" in p for p in problems) and any("4096" in p for p in problems)


def test_cli_refuses_more_than_the_panel_allows(capsys):
    assert main(["train", "--samples", str(MAX_SAMPLES + 1), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "--samples" in err and "20,000" in err
    assert main(["train", "--hidden", f"{MAX_NEURONS + 1}", "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "--hidden" in err and "4096" in err
