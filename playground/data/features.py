"""Input features of planar data sets (TensorFlow Playground's seven).

A plane point ``(x1, x2)`` becomes the network input row ``[f(x1, x2) for f in features]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from playground.data.errors import DataError

#: feature name → function of the plane coordinates ``(x1, x2)`` (arrays of shape ``(p,)``)
FEATURE_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def feature_matrix(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Evaluate the named features at plane points.

    Args:
        points: ``(p, 2)`` plane coordinates, columns ``x1, x2``.
        names: feature names, keys of :data:`FEATURE_FUNCS`.

    Returns:
        ``(p, len(names))`` float64 matrix, column j = ``FEATURE_FUNCS[names[j]](x1, x2)``.
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise DataError(f"plane points must have shape (p, 2), got {pts.shape}")
    unknown = [n for n in names if n not in FEATURE_FUNCS]
    if unknown:
        allowed = ", ".join(FEATURE_FUNCS)
        raise DataError(f"unknown feature {unknown[0]!r}; allowed: {allowed}")
    out = np.empty((pts.shape[0], len(names)), dtype=np.float64)
    x1, x2 = pts[:, 0], pts[:, 1]
    for j, name in enumerate(names):
        out[:, j] = FEATURE_FUNCS[name](x1, x2)
    return out
