"""Loss functions L(y, ŷ) per example, their gradients ∂L/∂ŷ, and the output error δ^[L].

Conventions (DESIGN.md, checked against PyTorch in the tests):

* ``mse``: L = ½ Σ_k (ŷ_k − y_k)²  (= ``MSELoss(reduction="sum")/(2m)`` over a batch);
* ``bce``: L = −Σ_k [y_k ln ŷ_k + (1 − y_k) ln(1 − ŷ_k)]  (binary and multi-label);
* ``cce``: L = −Σ_k y_k ln ŷ_k  (multi-class, one-hot y).

The cost is J = (1/m) Σ_i L_i (eq. 112). Numerically safe: with a sigmoid output, bce is computed
from the logits z^[L] (L = Σ max(z, 0) − y z + ln(1 + e^−|z|)); with softmax, cce is
Σ_k y_k (logsumexp(z) − z_k). Other pairings clip like PyTorch: logarithms are clamped at −100 and
ŷ(1 − ŷ) or ŷ in denominators at 1e-12, so no log(0) and no division by zero.

δ^[L] = ∂L/∂z^[L]: ŷ − y for sigmoid + bce and for softmax + cce (eq. 164 simplified; for cce the
general form ŷ·Σ_k y_k − y, which is ŷ − y for one-hot labels), otherwise ∇_ŷ L ⊙ g'(z^[L]) or the
softmax Jacobian product.
"""

from __future__ import annotations

import numpy as np

from playground.engine.activations import Activation
from playground.engine.names import LOSSES

#: lower clamp for logarithms (PyTorch's BCELoss clamps log at −100)
LOG_CLAMP = -100.0
#: lower clamp for denominators in the clipped gradients
EPS = 1e-12


def _clamped_log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.log(np.clip(x, 0.0, None)), LOG_CLAMP)


class Loss:
    """A loss L(y, ŷ) for one example, vectorized over a batch (rows)."""

    name = ""

    def fuses_with(self, activation: Activation) -> bool:
        """True when δ^[L] has the closed form ŷ − y for this output activation."""
        return False

    def per_example(
        self,
        Y: np.ndarray,
        A: np.ndarray,
        Z: np.ndarray | None = None,
        activation: Activation | None = None,
    ) -> np.ndarray:
        """L_i for every row (shape (m,)); Z and the activation allow computing from logits."""
        raise NotImplementedError

    def grad(self, Y: np.ndarray, A: np.ndarray) -> np.ndarray:
        """∂L/∂ŷ per example, shape (m, n^[L]) (a new array)."""
        raise NotImplementedError

    def cost(self, Y, A, Z=None, activation=None) -> float:
        """J = (1/m) Σ_i L_i."""
        return float(np.mean(self.per_example(Y, A, Z, activation))) if len(Y) else float("nan")

    def delta_into(
        self,
        D: np.ndarray,
        Y: np.ndarray,
        Z: np.ndarray,
        A: np.ndarray,
        activation: Activation,
        T: np.ndarray,
    ) -> None:
        """D ← δ^[L] = ∂L/∂z^[L] per example (T: scratch of D's shape)."""
        if self.fuses_with(activation):
            np.subtract(A, Y, D)
        else:
            np.copyto(D, self.grad(Y, A))
            activation.backprop(D, Z, A, T)

    def delta(self, Y, Z, A, activation) -> np.ndarray:
        """δ^[L] per example as a new array."""
        D = np.empty_like(A)
        with np.errstate(over="ignore"):
            self.delta_into(D, Y, Z, A, activation, np.empty_like(A))
        return D


class MSE(Loss):
    """Quadratic loss with the ½ convention: L = ½ Σ_k (ŷ_k − y_k)², ∂L/∂ŷ = ŷ − y."""

    name = "mse"

    def per_example(self, Y, A, Z=None, activation=None):
        r = A - Y
        return 0.5 * np.einsum("ij,ij->i", r, r)

    def grad(self, Y, A):
        return A - Y

    def delta_into(self, D, Y, Z, A, activation, T):
        np.subtract(A, Y, D)
        activation.backprop(D, Z, A, T)


class BCE(Loss):
    """Binary cross-entropy summed over output units: L = −Σ_k [y ln ŷ + (1 − y) ln(1 − ŷ)].

    ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)); with a sigmoid output δ^[L] = ŷ − y.
    """

    name = "bce"

    def fuses_with(self, activation):
        return activation.name == "sigmoid"

    def per_example(self, Y, A, Z=None, activation=None):
        if Z is not None and activation is not None and activation.name == "sigmoid":
            # from logits: softplus(z) − y z = max(z, 0) − y z + ln(1 + e^−|z|)
            L = np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
        else:
            A = np.clip(A, 0.0, 1.0)
            L = -(Y * _clamped_log(A) + (1.0 - Y) * _clamped_log(1.0 - A))
        return L.sum(axis=1)

    def grad(self, Y, A):
        # where ŷ was clipped into [0, 1] the loss is flat, so its gradient is 0 there
        inside = (A >= 0.0) & (A <= 1.0)
        A = np.clip(A, 0.0, 1.0)
        return np.where(inside, (A - Y) / np.maximum(A * (1.0 - A), EPS), 0.0)


class CCE(Loss):
    """Categorical cross-entropy: L = −Σ_k y_k ln ŷ_k; ∂L/∂ŷ = −y / ŷ.

    With softmax, δ^[L] = ŷ Σ_k y_k − y, which is ŷ − y for one-hot labels (eq. 142).
    """

    name = "cce"

    def __init__(self) -> None:
        #: set by a trainer whose targets are one-hot (rows sum to 1): δ^[L] = ŷ − y saves a pass
        self.targets_sum_to_one = False

    def fuses_with(self, activation):
        return activation.name == "softmax"

    def per_example(self, Y, A, Z=None, activation=None):
        if Z is not None and activation is not None and activation.name == "softmax":
            zmax = Z.max(axis=1, keepdims=True)
            lse = zmax + np.log(np.exp(Z - zmax).sum(axis=1, keepdims=True))
            return (Y * (lse - Z)).sum(axis=1)
        return -(Y * _clamped_log(A)).sum(axis=1)

    def grad(self, Y, A):
        return -Y / np.maximum(A, EPS)

    def delta_into(self, D, Y, Z, A, activation, T):
        if self.fuses_with(activation):
            if self.targets_sum_to_one:
                np.subtract(A, Y, D)
            else:
                np.multiply(A, Y.sum(axis=1, keepdims=True), out=D)
                D -= Y
        else:
            super().delta_into(D, Y, Z, A, activation, T)


_CLASSES: dict[str, type[Loss]] = {cls.name: cls for cls in (MSE, BCE, CCE)}
assert set(_CLASSES) == set(LOSSES)


def get_loss(name: str) -> Loss:
    """The loss called ``name`` in experiment files (``mse``, ``bce``, ``cce``)."""
    if name not in _CLASSES:
        raise ValueError(f"unknown loss {name!r} (allowed: {', '.join(_CLASSES)})")
    return _CLASSES[name]()


def pairing_note(loss: str, output_activation: str, units: int = 2) -> str | None:
    """A short note for a questionable output/loss pairing (allowed, worth saying), else None.
    ``units``: n^[L], the output layer's size."""
    if output_activation == "softmax" and units == 1:
        return (
            "Softmax over a single output is always 1 and passes no gradient: the network "
            "cannot learn. Use sigmoid for one output, or softmax over 2+ classes."
        )
    if loss == "cce" and output_activation != "softmax":
        return "Cross-entropy expects a softmax output; other outputs are clipped to stay > 0."
    if loss == "bce" and output_activation not in ("sigmoid",):
        return "Binary cross-entropy expects sigmoid outputs in (0, 1); others are clipped."
    if loss == "mse" and output_activation == "softmax":
        return (
            "Softmax with squared error trains slowly (the Jacobian shrinks the error); "
            "CCE fits it."
        )
    if loss == "mse" and output_activation in ("sigmoid", "tanh"):
        return f"A {output_activation} output with squared error learns slowly when it saturates."
    if output_activation == "step":
        return "A step output passes no gradient (g' = 0): the network cannot learn."
    return None
