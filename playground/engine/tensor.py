"""The numpy ``Tensor`` and its functional API, in one import (``from playground.engine.tensor
import Tensor, cross_entropy``): the class is ``tensor_core``, its methods from the op table
``tensor_methods``, the functions ``tensor_functions`` (see ``tensor_core`` for how it works).
Exported scripts import from here.
"""

from playground.engine import tensor_methods as _tensor_methods  # noqa: F401 (installs them)
from playground.engine.tensor_core import Tensor, is_grad_enabled, no_grad
from playground.engine.tensor_functions import (
    concat,
    cross_entropy,
    hinge,
    linear,
    log_softmax,
    ones,
    softmax,
    stack,
    sumsq,
    tensor,
    zeros,
)

__all__ = [
    "Tensor",
    "concat",
    "cross_entropy",
    "hinge",
    "is_grad_enabled",
    "linear",
    "log_softmax",
    "no_grad",
    "ones",
    "softmax",
    "stack",
    "sumsq",
    "tensor",
    "zeros",
]
