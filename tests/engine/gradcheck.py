"""Helpers for the engine tests: central finite differences, a gradient comparison, small networks,
and the optional-package import (PyTorch) that skips locally but fails in CI.

Imported by the test modules of this folder as ``from gradcheck import ...`` (pytest puts the folder
on ``sys.path``; it has no ``__init__.py``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

import numpy as np
import pytest

from playground.engine import Network
from playground.engine.names import OPTIMIZERS

#: finite-difference step: central differences in float64 have truncation error O(h²) ≈ 1e-12 and
#: rounding error ≈ 1e-16·|f| / h ≈ 1e-10·|f|
H = 1e-6


def require(module: str):
    """Import an optional package: skip locally when it is missing, fail under CI."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def numeric_grad(f: Callable[[], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """∂f/∂x by central differences; ``f`` reads ``x`` (perturbed in place, restored afterwards)."""
    assert x.dtype == np.float64
    g = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f()
        x[idx] = old - h
        fm = f()
        x[idx] = old
        g[idx] = (fp - fm) / (2.0 * h)
    return g


def numeric_grad_of(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """∂f/∂x by central differences for a function of an array (x itself is not modified)."""
    x = np.array(x, dtype=np.float64)
    return numeric_grad(lambda: f(x), x, h)


def assert_grad_close(
    analytic: np.ndarray, numeric: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-8
) -> None:
    """Elementwise |analytic − numeric| ≤ atol + rtol·|numeric|, and the whole vector's relative
    error ‖analytic − numeric‖ / ‖numeric‖ < rtol (so a gradient that is all but zero fails too)."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    assert analytic.shape == numeric.shape, (analytic.shape, numeric.shape)
    assert np.all(np.isfinite(analytic)), analytic
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
    norm = np.linalg.norm(numeric)
    if norm > 1e3 * atol:
        rel = np.linalg.norm(analytic - numeric) / norm
        assert rel < rtol, f"relative error {rel:.3g} ≥ {rtol:g}"


def away_from(rng: np.random.Generator, shape, low: float, high: float, gap: float) -> np.ndarray:
    """Uniform draws from (low, high) with |x| ≥ gap (to avoid kinks at 0)."""
    x = rng.uniform(low, high, shape)
    bad = np.abs(x) < gap
    while bad.any():
        x[bad] = rng.uniform(low, high, int(bad.sum()))
        bad = np.abs(x) < gap
    return x


def model(
    inputs: int,
    layers: list[tuple[int, str] | tuple[int, str, dict]],
    loss: str | None = None,
    *,
    seed: int = 0,
    init: dict | None = None,
) -> dict:
    """A ``model`` section for ``Network.from_config`` from (units, activation[, params]) tuples."""
    out: dict = {
        "inputs": inputs,
        "layers": [
            {"units": spec[0], "activation": spec[1], **(spec[2] if len(spec) > 2 else {})}
            for spec in layers
        ],
        "init": init or {"scheme": "xavier_normal"},
        "seed": seed,
    }
    if loss is not None:
        out["loss"] = loss
    return out


def targets(loss: str, m: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Valid targets Y (m, n) for a loss: one-hot for cce, 0/1 for bce, reals for mse."""
    if loss == "cce":
        Y = np.zeros((m, n))
        Y[np.arange(m), rng.integers(0, n, m)] = 1.0
        return Y
    if loss == "bce":
        return rng.integers(0, 2, (m, n)).astype(float)
    return rng.normal(0.0, 1.0, (m, n))


def network_fd(net: Network, X: np.ndarray, Y: np.ndarray, h: float = H) -> np.ndarray:
    """∂J/∂θ by central differences of ``Network.cost`` over the flat parameter vector."""
    return numeric_grad(lambda: net.cost(X, Y), net.params, h)


def keep_weights_away_from_zero(net: Network, gap: float = 0.05) -> None:
    """Push every weight with |w| < gap to ±gap (L1's sign(W) has a kink at 0)."""
    for W in net.weights:
        small = np.abs(W) < gap
        W[small] = np.where(W[small] < 0, -gap, gap)


class ReferenceOptimizer:
    """MATH.md's update rules, written independently of the engine: ``update(g)`` returns Δθ."""

    def __init__(self, config: dict, size: int) -> None:
        self.name = config.get("name", "sgd")
        self.lr = config["learning_rate"]
        own = OPTIMIZERS[self.name][1]
        self.h = {**own, **{k: v for k, v in config.items() if k in own}}
        self.t = 0
        self.a = np.zeros(size)
        self.b = np.zeros(size)

    def update(self, g: np.ndarray) -> np.ndarray:
        self.t += 1
        h, lr = self.h, self.lr
        if self.name == "sgd":
            return -lr * g
        if self.name == "momentum":
            self.a = h["momentum"] * self.a + g
            return -lr * (g + h["momentum"] * self.a) if h["nesterov"] else -lr * self.a
        if self.name == "rmsprop":
            self.a = h["rho"] * self.a + (1 - h["rho"]) * g * g
            return -lr * g / (np.sqrt(self.a) + h["epsilon"])
        b1, b2 = h["beta1"], h["beta2"]
        self.a = b1 * self.a + (1 - b1) * g
        self.b = b2 * self.b + (1 - b2) * g * g
        m_hat = self.a / (1 - b1**self.t)
        v_hat = self.b / (1 - b2**self.t)
        return -lr * m_hat / (np.sqrt(v_hat) + h["epsilon"])
