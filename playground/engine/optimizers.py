"""Optimizers over the flat parameter vector θ (all W^[l] and b^[l] of a network, see ``Network``).

PyTorch's update rules and defaults (MATH.md); g = ∂J/∂θ including the regularization gradient:

* ``sgd``: Δθ = −α g
* ``momentum`` (μ = 0.9): v ← μ v + g; Δθ = −α v, or with Nesterov Δθ = −α (g + μ v)
* ``rmsprop`` (ρ = 0.99, ε = 1e-8): s ← ρ s + (1 − ρ) g²; Δθ = −α g / (√s + ε)
* ``adam`` (β1 = 0.9, β2 = 0.999, ε = 1e-8): m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²;
  Δθ = −(α / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)

``compute_update(g, out)`` writes Δθ into ``out`` without touching θ, so the trainer can check the
step for NaN/Inf before applying it (θ ← θ + Δθ) and keep the last finite weights.
"""

from __future__ import annotations

import math

import numpy as np

from playground.engine.names import DEFAULT_LEARNING_RATE, OPTIMIZERS


class Optimizer:
    """Base class. ``slots`` hold the per-parameter state (moments), each shaped like θ."""

    name = ""
    slot_names: tuple[str, ...] = ()

    def __init__(
        self,
        size: int,
        dtype=np.float64,
        learning_rate: float = DEFAULT_LEARNING_RATE,
        **hyper: float | bool,
    ) -> None:
        self.learning_rate = float(learning_rate)
        defaults = OPTIMIZERS[self.name][1]
        unknown = set(hyper) - set(defaults)
        if unknown:
            raise ValueError(f"optimizer {self.name!r} takes no parameter {sorted(unknown)[0]!r}")
        self.hyper: dict[str, float | bool] = {**defaults, **hyper}
        self.t = 0
        self.slots = {s: np.zeros(size, dtype=dtype) for s in self.slot_names}
        self._tmp = np.empty(size, dtype=dtype)

    def compute_update(self, g: np.ndarray, out: np.ndarray) -> None:
        """out ← Δθ for gradient g (advances the optimizer's state)."""
        raise NotImplementedError

    def config(self) -> dict:
        """The optimizer section of an experiment file."""
        return {"name": self.name, "learning_rate": self.learning_rate, **self.hyper}

    def state(self) -> tuple[int, dict[str, np.ndarray]]:
        """Step counter t and copies of the slots."""
        return self.t, {k: v.copy() for k, v in self.slots.items()}

    def load_state(self, t: int, slots: dict[str, np.ndarray]) -> None:
        """Restore t and the slots (names and sizes must match)."""
        if set(slots) != set(self.slot_names):
            raise ValueError(
                f"optimizer {self.name!r} keeps slots {list(self.slot_names)}, got {sorted(slots)}"
            )
        for k, v in slots.items():
            if v.shape != self.slots[k].shape:
                raise ValueError(
                    f"optimizer slot {k!r}: expected {self.slots[k].shape}, got {v.shape}"
                )
            self.slots[k][...] = v
        self.t = int(t)


class SGD(Optimizer):
    """Plain gradient descent: Δθ = −α g."""

    name = "sgd"

    def compute_update(self, g, out):
        self.t += 1
        np.multiply(g, -self.learning_rate, out)


class Momentum(Optimizer):
    """SGD with (optionally Nesterov) momentum, as ``torch.optim.SGD(momentum=μ)``."""

    name = "momentum"
    slot_names = ("v",)

    def compute_update(self, g, out):
        self.t += 1
        mu = float(self.hyper["momentum"])
        v = self.slots["v"]
        v *= mu
        v += g
        if self.hyper["nesterov"]:
            np.multiply(v, mu, out)
            out += g
            out *= -self.learning_rate
        else:
            np.multiply(v, -self.learning_rate, out)


class RMSprop(Optimizer):
    """RMSprop as ``torch.optim.RMSprop`` (alpha = ρ)."""

    name = "rmsprop"
    slot_names = ("s",)

    def compute_update(self, g, out):
        self.t += 1
        rho = float(self.hyper["rho"])
        s, tmp = self.slots["s"], self._tmp
        s *= rho
        np.multiply(g, g, tmp)
        tmp *= 1.0 - rho
        s += tmp
        np.sqrt(s, tmp)
        tmp += float(self.hyper["epsilon"])
        np.divide(g, tmp, out)
        out *= -self.learning_rate


class Adam(Optimizer):
    """Adam as ``torch.optim.Adam`` (bias-corrected moments m, v)."""

    name = "adam"
    slot_names = ("m", "v")

    def compute_update(self, g, out):
        self.t += 1
        b1, b2 = float(self.hyper["beta1"]), float(self.hyper["beta2"])
        m, v, tmp = self.slots["m"], self.slots["v"], self._tmp
        # m ← m + (1 − β1)(g − m)   (torch's lerp)
        np.subtract(g, m, tmp)
        tmp *= 1.0 - b1
        m += tmp
        # v ← β2 v + (1 − β2) g²
        v *= b2
        np.multiply(g, g, tmp)
        tmp *= 1.0 - b2
        v += tmp
        bc1 = 1.0 - b1**self.t
        bc2_sqrt = math.sqrt(1.0 - b2**self.t)
        np.sqrt(v, tmp)
        tmp /= bc2_sqrt
        tmp += float(self.hyper["epsilon"])
        np.divide(m, tmp, out)
        out *= -self.learning_rate / bc1


_CLASSES: dict[str, type[Optimizer]] = {c.name: c for c in (SGD, Momentum, RMSprop, Adam)}
assert set(_CLASSES) == set(OPTIMIZERS)


def make_optimizer(config: dict, size: int, dtype=np.float64) -> Optimizer:
    """An optimizer from the experiment's ``training.optimizer`` section.

    Parameters that belong to other optimizers (kept by the GUI when switching) are ignored.
    """
    name = config.get("name", "sgd")
    if name not in _CLASSES:
        raise ValueError(f"unknown optimizer {name!r} (allowed: {', '.join(_CLASSES)})")
    own = OPTIMIZERS[name][1]
    hyper = {k: v for k, v in config.items() if k in own}
    lr = config.get("learning_rate", DEFAULT_LEARNING_RATE)
    return _CLASSES[name](size, dtype, learning_rate=lr, **hyper)
