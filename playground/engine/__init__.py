"""The NumPy engine: activations, losses, initializers, optimizers, forward and backward passes.

Pure NumPy; never imports Qt. The public API is the one in DESIGN.md::

    net = Network.from_config(model, regularization=None)
    trace = net.forward(X); grads = net.backward(trace, Y)
"""

from playground.engine.activations import Activation, get_activation
from playground.engine.initializers import init_params, init_weights
from playground.engine.losses import Loss, get_loss, pairing_note
from playground.engine.network import Gradients, Network, Trace, weights_config
from playground.engine.optimizers import Optimizer, make_optimizer
from playground.engine.stepper import Stepper

__all__ = [
    "Activation",
    "Gradients",
    "Loss",
    "Network",
    "Optimizer",
    "Stepper",
    "Trace",
    "get_activation",
    "get_loss",
    "init_params",
    "init_weights",
    "make_optimizer",
    "pairing_note",
    "weights_config",
]
