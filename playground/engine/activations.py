"""Activation functions g and their derivatives g', written to preallocated buffers.

Every activation works on a batch Z of shape (m, n^[l]) (one example per row) and offers

* ``forward(Z, A)``: A ← g(Z), elementwise (softmax: per row);
* ``backprop(D, Z, A, T)``: on entry D holds ∂L/∂a^[l]; on exit D holds δ^[l] = ∂L/∂z^[l]
  = ∂L/∂a^[l] ⊙ g'(z^[l]) (MATH.md, eq. 214–217); softmax applies its full Jacobian instead;
* ``derivative(Z, A)``: g'(Z) as a new array (for tests and the math inspector; not for softmax).

T is a scratch buffer of Z's shape. The training hot path calls ``forward``/``backprop`` with
``out``-style buffers so a step allocates nothing; these functions expect to run under
``np.errstate(over="ignore")`` (``exp`` of a very negative z may overflow to inf, which gives the
correct limit σ(z) = 0).
"""

from __future__ import annotations

import math

import numpy as np

from playground.engine.names import ACTIVATIONS


class Activation:
    """Base class: an elementwise activation g with derivative g'."""

    name: str = ""
    #: A and Z may share one buffer (identity): then forward does nothing
    aliases_input: bool = False
    #: True when backprop needs Z (otherwise A is enough)
    needs_z: bool = False

    def forward(self, Z: np.ndarray, A: np.ndarray) -> None:
        raise NotImplementedError

    def derivative(self, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        """g'(z) for every entry (a new array)."""
        raise NotImplementedError

    def backprop(self, D: np.ndarray, Z: np.ndarray, A: np.ndarray, T: np.ndarray) -> None:
        """D ← D ⊙ g'(Z) in place (T: scratch)."""
        D *= self.derivative(Z, A)

    def params(self) -> dict[str, float]:
        """Parameters as the experiment file spells them."""
        return {}

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """g(z) as a new array (any shape; softmax over the last axis)."""
        z = np.asarray(z, dtype=float)
        a = np.empty_like(z)
        with np.errstate(over="ignore"):
            self.forward(z, a)
        return a

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v}" for k, v in self.params().items())
        return f"{type(self).__name__}({p})"


class Step(Activation):
    """Binary step: g(z) = 1 if z > 0 else 0; g'(z) = 0 everywhere (no gradient flows)."""

    name = "step"

    def forward(self, Z, A):
        np.greater(Z, 0.0, A)

    def derivative(self, Z, A):
        return np.zeros_like(Z)

    def backprop(self, D, Z, A, T):
        D.fill(0.0)


class Linear(Activation):
    """Linear: g(z) = c·z with slope c (default 1, the identity); g'(z) = c."""

    name = "linear"

    def __init__(self, slope: float = 1.0) -> None:
        self.slope = float(slope)
        self.aliases_input = self.slope == 1.0

    def forward(self, Z, A):
        np.multiply(Z, self.slope, A)

    def derivative(self, Z, A):
        return np.full_like(Z, self.slope)

    def backprop(self, D, Z, A, T):
        if self.slope != 1.0:
            D *= self.slope

    def params(self):
        return {"slope": self.slope}


class Sigmoid(Activation):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z))."""

    name = "sigmoid"

    def forward(self, Z, A):
        np.negative(Z, A)
        np.exp(A, A)
        A += 1.0
        np.reciprocal(A, A)

    def derivative(self, Z, A):
        return A * (1.0 - A)

    def backprop(self, D, Z, A, T):
        np.subtract(1.0, A, T)
        T *= A
        D *= T


class Tanh(Activation):
    """Hyperbolic tangent; g'(z) = 1 − tanh² z."""

    name = "tanh"

    def forward(self, Z, A):
        np.tanh(Z, A)

    def derivative(self, Z, A):
        return 1.0 - A * A

    def backprop(self, D, Z, A, T):
        np.multiply(A, A, T)
        np.subtract(1.0, T, T)
        D *= T


class ReLU(Activation):
    """ReLU: g(z) = max(0, z); g'(z) = 1 if z > 0 else 0 (0 at z = 0, as PyTorch)."""

    name = "relu"

    def forward(self, Z, A):
        np.maximum(Z, 0.0, out=A)

    def derivative(self, Z, A):
        return (Z > 0.0).astype(Z.dtype)

    def backprop(self, D, Z, A, T):
        np.greater(A, 0.0, T)
        D *= T


class LeakyReLU(Activation):
    """Leaky ReLU: g(z) = z if z > 0 else α·z; g'(z) = 1 if z > 0 else α (α = ``alpha``)."""

    name = "leaky_relu"
    needs_z = True

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = float(alpha)

    def forward(self, Z, A):
        np.multiply(Z, self.alpha, A)
        if self.alpha <= 1.0:
            np.maximum(A, Z, out=A)
        else:
            np.copyto(A, Z, where=Z > 0.0)

    def derivative(self, Z, A):
        return np.where(Z > 0.0, 1.0, self.alpha).astype(Z.dtype)

    def backprop(self, D, Z, A, T):
        np.greater(Z, 0.0, T)
        T *= 1.0 - self.alpha
        T += self.alpha
        D *= T

    def params(self):
        return {"alpha": self.alpha}


class ELU(Activation):
    """ELU: g(z) = z if z > 0 else α(e^z − 1); g'(z) = 1 if z > 0 else α e^z."""

    name = "elu"
    needs_z = True

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = float(alpha)

    def forward(self, Z, A):
        neg = np.minimum(Z, 0.0)
        np.expm1(neg, neg)
        neg *= self.alpha
        np.maximum(Z, 0.0, out=A)
        A += neg

    def derivative(self, Z, A):
        return np.where(Z > 0.0, 1.0, self.alpha * np.exp(np.minimum(Z, 0.0))).astype(Z.dtype)

    def params(self):
        return {"alpha": self.alpha}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) without overflow warnings: e^z/(1 + e^z) for z < 0, 1/(1 + e^−z) otherwise."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Softplus(Activation):
    """Softplus: g(z) = ln(1 + e^z), computed as logaddexp(0, z); g'(z) = σ(z)."""

    name = "softplus"
    needs_z = True

    def forward(self, Z, A):
        np.logaddexp(0.0, Z, A)

    def derivative(self, Z, A):
        return _sigmoid(Z)


_GELU_C = math.sqrt(2.0 / math.pi)


class GELU(Activation):
    """GELU, tanh approximation (PyTorch ``approximate="tanh"``):
    g(z) = ½ z (1 + tanh u), u = √(2/π)(z + 0.044715 z³);
    g'(z) = ½(1 + tanh u) + ½ z (1 − tanh² u) √(2/π)(1 + 3·0.044715 z²)."""

    name = "gelu"
    needs_z = True

    def forward(self, Z, A):
        t = np.tanh(_GELU_C * (Z + 0.044715 * Z**3))
        np.multiply(0.5 * Z, 1.0 + t, A)

    def derivative(self, Z, A):
        t = np.tanh(_GELU_C * (Z + 0.044715 * Z**3))
        return 0.5 * (1.0 + t) + 0.5 * Z * (1.0 - t * t) * _GELU_C * (1.0 + 3 * 0.044715 * Z * Z)


class Swish(Activation):
    """Swish / SiLU: g(z) = z σ(z); g'(z) = σ(z) + z σ(z)(1 − σ(z))."""

    name = "swish"
    needs_z = True

    def forward(self, Z, A):
        np.multiply(Z, _sigmoid(Z), out=A)

    def derivative(self, Z, A):
        s = _sigmoid(Z)
        return s + Z * s * (1.0 - s)


class Sine(Activation):
    """Sine: g(z) = sin z; g'(z) = cos z."""

    name = "sine"
    needs_z = True

    def forward(self, Z, A):
        np.sin(Z, A)

    def derivative(self, Z, A):
        return np.cos(Z)


class Softmax(Activation):
    """Softmax over the units of a layer (one row per example):
    a_i = e^(z_i − max z) / Σ_k e^(z_k − max z).

    It couples the units (eq. 99–101), so there is no elementwise g'. ``backprop`` applies the
    Jacobian ∂a_i/∂z_j = a_i(δ_ij − a_j): δ = a ⊙ (g − Σ_j g_j a_j) with g = ∂L/∂a.
    """

    name = "softmax"

    def forward(self, Z, A):
        np.subtract(Z, Z.max(axis=-1, keepdims=True), out=A)
        np.exp(A, A)
        A /= A.sum(axis=-1, keepdims=True)

    def derivative(self, Z, A):
        raise TypeError("softmax has a Jacobian, not an elementwise derivative; use jacobian()")

    def jacobian(self, A: np.ndarray) -> np.ndarray:
        """∂a/∂z per example: (m, n, n) with entries a_i(δ_ij − a_j)."""
        A = np.atleast_2d(A)
        return A[:, :, None] * (np.eye(A.shape[1]) - A[:, None, :])

    def backprop(self, D, Z, A, T):
        np.multiply(D, A, T)
        D -= T.sum(axis=-1, keepdims=True)
        D *= A


_CLASSES: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (
        Step,
        Linear,
        Sigmoid,
        Tanh,
        ReLU,
        LeakyReLU,
        ELU,
        Softplus,
        GELU,
        Swish,
        Sine,
        Softmax,
    )
}
assert set(_CLASSES) == set(ACTIVATIONS), "names.ACTIVATIONS and the classes disagree"


def get_activation(name: str, **params: float) -> Activation:
    """The activation called ``name`` in experiment files, with its parameters (e.g. ``alpha``).

    Unknown names or parameters raise ``ValueError`` naming the allowed ones.
    """
    if name not in _CLASSES:
        raise ValueError(f"unknown activation {name!r} (allowed: {', '.join(_CLASSES)})")
    allowed = ACTIVATIONS[name][1]
    extra = set(params) - set(allowed)
    if extra:
        raise ValueError(
            f"activation {name!r} takes no parameter {sorted(extra)[0]!r}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else "")
        )
    return _CLASSES[name](**{k: float(v) for k, v in params.items()})
