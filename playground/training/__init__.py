"""Headless training: a plain ``TrainConfig`` -> ``Trainer.step()`` -> ``StepMetrics``.

No Qt, no matplotlib: the training panel runs ``Trainer.step()`` in a worker thread, the
``backprop-playground train`` command runs it in a loop. ``prepare(config)`` checks a config
and builds its data (both front ends show its problems); ``choices`` lists what a run can be
made of; ``network.network_for_sample`` is the network's graph for one sample, grads included.
"""

from playground.training.config import (
    BACKENDS,
    PRESETS,
    Prepared,
    Problem,
    TrainConfig,
    build_dataset,
    parse_hidden,
    prepare,
)
from playground.training.trainer import (
    ConfigError,
    StepMetrics,
    Trainer,
    TrainingStopped,
)

__all__ = [
    "BACKENDS",
    "PRESETS",
    "ConfigError",
    "Prepared",
    "Problem",
    "StepMetrics",
    "TrainConfig",
    "Trainer",
    "TrainingStopped",
    "build_dataset",
    "parse_hidden",
    "prepare",
]
