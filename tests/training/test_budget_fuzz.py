"""Fuzzed training settings (issue 18 §3): any hidden sizes, samples, batch, split, backend and
optimizer the validator takes are either refused at once or fit the step budget; ``prepare``
never builds the network, so it stays fast and small whatever the sizes."""

from __future__ import annotations

import time
import tracemalloc

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.training import budget
from playground.training.config import MAX_NEURONS, MAX_SAMPLES, TrainConfig, prepare

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

configs = st.builds(
    TrainConfig,
    dataset=st.sampled_from(["moons", "spiral", "plane", "function", "lecture"]),
    n_samples=st.integers(2, MAX_SAMPLES),
    hidden=st.lists(st.sampled_from([1, 16, 64, 512, 2048, MAX_NEURONS]), max_size=8).map(tuple),
    backend=st.sampled_from(["scalar", "tensor"]),
    optimizer=st.sampled_from(["sgd", "adam"]),
    batch_size=st.sampled_from([0, 1, 32, 1000]),
    test_fraction=st.sampled_from([0.0, 0.2]),
    steps=st.integers(1, 10**9),
    loss=st.just("mse"),
    lr=st.just(0.01),
)


@FUZZ
@given(configs)
def test_any_settings_are_refused_quickly_or_fit_the_budget(config):
    tracemalloc.start()
    t0 = time.perf_counter()
    prepared = prepare(config)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 1.0
    assert peak < 20 * 2**20
    if config.steps > budget.MAX_STEPS:
        assert any(p.field == "steps" for p in prepared.config_problems)
    for problem in prepared.config_problems:
        if " a step (~" in problem:  # the budget's: it says what to lower
            assert ": use " in problem and problem.field in ("hidden", "n_samples")
    if prepared.train is None or not prepared.ok:
        return
    test = len(prepared.test) if prepared.test is not None else 0
    samples = budget.samples_at_once(len(prepared.train), test, config.batch_size)
    sizes = [prepared.train.n_features, *config.hidden, 1]
    estimate = budget.estimate_step(config.backend, sizes, samples, config.optimizer)
    assert estimate.bytes <= budget.STEP_BYTES
