"""Headless training: a plain ``TrainConfig`` -> ``Trainer.step()`` -> ``StepMetrics``.

No Qt, no matplotlib: the training panel runs ``Trainer.step()`` in a worker thread, the
``backprop-playground train`` command runs it in a loop.
"""

from playground.training.config import BACKENDS, PRESETS, Problem, TrainConfig
from playground.training.trainer import (
    ConfigError,
    StepMetrics,
    Trainer,
    TrainingStopped,
    build_dataset,
)

__all__ = [
    "BACKENDS",
    "PRESETS",
    "ConfigError",
    "Problem",
    "StepMetrics",
    "TrainConfig",
    "Trainer",
    "TrainingStopped",
    "build_dataset",
]
