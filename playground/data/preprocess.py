"""Shuffling, the train/test split and feature standardization."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def train_count(n: int, train_fraction: float) -> int:
    """Number of training rows: ``round(train_fraction·n)`` (halves up), at least 1, at most n."""
    return max(1, min(n, int(np.floor(train_fraction * n + 0.5))))


def shuffle_split(
    n: int, train_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle ``0..n-1`` with ``rng`` and split it (TF shuffles, then slices).

    Returns:
        ``(train_idx, test_idx)``: the first :func:`train_count` shuffled indices and the rest.
    """
    perm = rng.permutation(n)
    k = train_count(n, train_fraction)
    return perm[:k], perm[k:]


@dataclass(frozen=True)
class Standardizer:
    """Per-column affine map ``x ↦ (x - mean) / scale`` fitted on the training split.

    ``scale`` is the column's standard deviation, or 1 where that is (numerically) zero, so a
    constant column is centred but not blown up.
    """

    #: ``(n0,)`` training means
    mean: np.ndarray
    #: ``(n0,)`` training standard deviations (1 where the column is constant)
    scale: np.ndarray

    def __post_init__(self) -> None:
        for name in ("mean", "scale"):
            arr = np.array(getattr(self, name), dtype=np.float64)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        """Fit on ``(m, n0)`` training inputs (population std, ``ddof=0``)."""
        x = np.asarray(x, dtype=np.float64)
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        tiny = 1e-12 * (1.0 + np.abs(mean))
        return cls(mean, np.where(std > tiny, std, 1.0))

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Map ``(p, n0)`` inputs to standardized inputs (a new array)."""
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
