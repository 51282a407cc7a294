"""Issue 18 §3: ``train`` stays within bounds. A run whose step would pass ``STEP_BYTES``, or
that asks for more than ``MAX_STEPS`` steps, is refused before anything big is built, with a
message that names what to lower; ordinary runs are untouched."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
import tracemalloc

import pytest

from playground.training import budget
from playground.training.budget import MAX_STEPS, STEP_BYTES, estimate_step
from playground.training.config import TrainConfig, prepare
from playground.training.trainer import ConfigError, Trainer

SIXTY_WIDE = ",".join(["4096"] * 60)

# (CLI flags, the field refused, words the message must have): issue 18's table
REPRODUCERS = [
    (["--backend", "scalar", "--samples", "20000", "--hidden", "64,64", "--steps", "1"],
     "n_samples", ["scalar backend", "nodes a step", "GiB", "tensor backend", "fewer samples"]),
    (["--backend", "scalar", "--hidden", "4096,4096,4096", "--steps", "1"],
     "hidden", ["scalar backend", "nodes a step", "tensor backend", "smaller hidden layers"]),
    (["--backend", "tensor", "--hidden", SIXTY_WIDE, "--steps", "1"],
     "hidden", ["tensor backend", "numbers a step", "smaller hidden layers", "parameters"]),
    (["--steps", "100000000"], "steps", ["100,000,000", f"{MAX_STEPS:,}"]),
]


def config_of(flags: list[str]) -> TrainConfig:
    import argparse

    from playground.cli.train import add_arguments, config_from_args

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(flags))


@pytest.mark.parametrize(("flags", "field", "words"), REPRODUCERS,
                         ids=["scalar-20000-samples", "scalar-4096x3", "tensor-60x4096",
                              "1e8-steps"])
def test_issue_reproducer_is_refused_at_its_field_quickly_without_allocating(flags, field, words):
    config = config_of(flags)
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    prepared = prepare(config)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not prepared.ok
    [problem] = prepared.config_problems
    assert problem.field == field
    for word in words:
        assert word in problem, (word, str(problem))
    assert seconds < 1.0
    assert peak < 20 * 2**20  # the data (at most 20,000 points), never the network
    with pytest.raises(ConfigError):
        Trainer(config)


@pytest.mark.parametrize(("flags", "field", "words"), REPRODUCERS,
                         ids=["scalar-20000-samples", "scalar-4096x3", "tensor-60x4096",
                              "1e8-steps"])
def test_cli_refuses_the_reproducer_with_one_line_and_exit_2(flags, field, words):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "playground", "train", *flags],
                          capture_output=True, text=True, timeout=30, check=False)
    took = time.perf_counter() - t0
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    flag = {"n_samples": "--samples", "hidden": "--hidden", "steps": "--steps"}[field]
    assert lines[0].startswith(f"backprop-playground train: error: {flag}: ")
    assert took < 10  # the interpreter's start included; the refusal itself is < 1 s above


def test_the_advice_is_true_at_most_that_many_samples_is_accepted():
    config = config_of(REPRODUCERS[0][0])
    [problem] = prepare(config).config_problems
    fit = int(problem.split("at most ")[1].split(" ")[0].replace(",", ""))
    assert 100 < fit < 20_000
    assert prepare(TrainConfig(**{**config.to_dict(), "hidden": (64, 64),
                                  "n_samples": fit})).config_problems == []
    assert prepare(TrainConfig(**{**config.to_dict(), "hidden": (64, 64),
                                  "n_samples": fit + 5})).config_problems != []


@pytest.mark.parametrize("config", [TrainConfig(), TrainConfig.preset("lecture"),
                                    TrainConfig.preset("sine"),
                                    TrainConfig(backend="scalar"),
                                    TrainConfig(n_samples=20_000, hidden=(256, 256)),
                                    TrainConfig(steps=MAX_STEPS)],
                         ids=["demo", "lecture", "sine", "demo-scalar", "tensor-20000x256",
                              "max-steps"])
def test_ordinary_configs_are_accepted(config):
    assert prepare(config).ok


def test_a_csv_file_too_big_for_the_scalar_backend_names_the_file(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("a,b,y\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(5000)))
    prepared = prepare(TrainConfig(dataset="csv", csv_path=str(path), backend="scalar",
                                   hidden=(64, 64)))
    [problem] = prepared.config_problems
    assert problem.field == "csv_path"
    assert "a file of at most" in problem and "rows" in problem
    assert prepare(TrainConfig(dataset="csv", csv_path=str(path), hidden=(64, 64))).ok


def test_the_test_split_and_the_whole_training_split_count():
    # the test metrics are built while the batch's graph is alive; evaluate() builds them all
    assert budget.samples_at_once(800, 200, 0) == 1000
    assert budget.samples_at_once(800, 200, 32) == 800
    assert budget.samples_at_once(800, 0, 32) == 800


def test_adam_keeps_two_more_copies_of_each_parameter():
    sgd = estimate_step("tensor", [2, 1024, 1024, 1], 100, "sgd")
    adam = estimate_step("tensor", [2, 1024, 1024, 1], 100, "adam")
    assert adam.fixed_bytes - sgd.fixed_bytes == 2 * 8 * sgd.parameters


def test_scalar_estimate_matches_the_nodes_a_real_step_builds():
    from playground.engine.value import topological_order

    for hidden, n in (((16, 16), 100), ((8,), 300), ((32, 8), 40)):
        config = TrainConfig(backend="scalar", hidden=hidden, n_samples=n)
        trainer = Trainer(config)
        total, _, _ = trainer._objective(trainer._train.batch(None), with_l2=True)
        real = len(topological_order(total))
        estimate = estimate_step("scalar", [2, *hidden, 1], n).nodes
        assert real <= estimate <= 1.05 * real, (hidden, n, real, estimate)


def _peak_bytes(config: TrainConfig) -> int:
    gc.collect()
    tracemalloc.start()
    trainer = Trainer(config)
    trainer.step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("config", [
    TrainConfig(backend="scalar", hidden=(16, 16), n_samples=200),
    TrainConfig(hidden=(512, 512), n_samples=200),
    TrainConfig(hidden=(64, 64), n_samples=5000, optimizer="adam", lr=0.01),
], ids=["scalar", "tensor-params", "tensor-activations"])
def test_estimate_covers_the_memory_a_real_step_takes_without_overstating_much(config):
    prepared = prepare(config)
    samples = budget.samples_at_once(len(prepared.train), 0, config.batch_size)
    estimate = estimate_step(config.backend, [2, *config.hidden, 1], samples,
                             config.optimizer).bytes
    real = _peak_bytes(config)
    assert 0.9 * real <= estimate <= 2.0 * real, (real, estimate)


def test_the_budget_is_the_documented_gibibyte():
    assert STEP_BYTES == 2**30
    assert budget.size_text(STEP_BYTES) == "1 GiB"
    assert budget.count_text(82_000_000) == "82 M"
