"""What a training run can be made of, by name: the lists a front end offers.

The panel's combo boxes and the ``train`` command's flags read them here, so the UI reaches the
engine's tables through the training layer (``playground.engine`` defines them).
"""

from __future__ import annotations

from playground.engine.data import DATASETS, Dataset
from playground.engine.losses import LOSSES
from playground.engine.nn import ACTIVATIONS
from playground.engine.optim import OPTIMIZERS, SCHEDULES
from playground.training.config import BACKENDS, MULTICLASS_DATASETS, PRESETS

__all__ = [
    "ACTIVATIONS",
    "BACKENDS",
    "DATASETS",
    "LOSSES",
    "MULTICLASS_DATASETS",
    "OPTIMIZERS",
    "PRESETS",
    "SCHEDULES",
    "Dataset",
]
