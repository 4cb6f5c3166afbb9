"""Target encodings: class indices ↔ one-hot rows, label sets ↔ multi-hot rows.

Shapes follow MATH.md: m examples, k output units, targets ``Y`` of shape ``(m, k)``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from playground.data.errors import DataError

PROBLEMS = ("binary", "multiclass", "multilabel", "regression")


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise DataError(f"number of classes must be a positive integer, got {k!r}")


def one_hot(indices: Iterable[int] | np.ndarray, k: int) -> np.ndarray:
    """One-hot rows: ``Y[i, c] = 1`` iff ``indices[i] == c``.

    Args:
        indices: ``(m,)`` integer class indices in ``0..k-1``.
        k: number of classes.

    Returns:
        ``(m, k)`` float64 array of zeros and ones, one 1 per row.
    """
    _check_k(k)
    idx = np.asarray(list(indices) if not isinstance(indices, np.ndarray) else indices)
    if idx.size == 0:
        return np.zeros((0, k), dtype=np.float64)
    if idx.ndim != 1:
        raise DataError(f"class indices must be one-dimensional, got shape {idx.shape}")
    if not np.issubdtype(idx.dtype, np.integer):
        if not np.issubdtype(idx.dtype, np.floating) or np.any(idx != np.round(idx)):
            raise DataError("class indices must be integers")
        idx = idx.astype(np.int64)
    bad = (idx < 0) | (idx >= k)
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise DataError(f"class index {int(idx[first])} at row {first} is outside 0..{k - 1}")
    y = np.zeros((idx.shape[0], k), dtype=np.float64)
    y[np.arange(idx.shape[0]), idx] = 1.0
    return y


def multi_hot(label_sets: Iterable[Iterable[int]], k: int) -> np.ndarray:
    """Multi-hot rows: ``Y[i, c] = 1`` iff ``c`` is in ``label_sets[i]``.

    Args:
        label_sets: one iterable of class indices in ``0..k-1`` per example (may be empty).
        k: number of labels.

    Returns:
        ``(m, k)`` float64 array of zeros and ones.
    """
    _check_k(k)
    rows = [list(s) for s in label_sets]
    y = np.zeros((len(rows), k), dtype=np.float64)
    for i, labels in enumerate(rows):
        for c in labels:
            if isinstance(c, bool) or not isinstance(c, int | np.integer) or not 0 <= c < k:
                raise DataError(f"label {c!r} at row {i} is outside 0..{k - 1}")
            y[i, int(c)] = 1.0
    return y


def class_indices(y: np.ndarray, problem: str) -> np.ndarray:
    """Inverse of the encodings: the class of each row of the targets ``Y``.

    Args:
        y: ``(m, k)`` targets (a ``(m,)`` vector is read as one column).
        problem: ``"binary"`` (``Y[:, 0] > 0.5``), ``"multiclass"`` (argmax over the row) or
            ``"multilabel"`` (``Y > 0.5`` per unit).

    Returns:
        ``(m,)`` int64 class indices, or ``(m, k)`` int64 0/1 flags for ``"multilabel"``.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2:
        raise DataError(f"targets must be (m, k), got shape {y.shape}")
    if problem == "binary":
        return (y[:, 0] > 0.5).astype(np.int64)
    if problem == "multiclass":
        if y.shape[1] == 0:
            raise DataError("multiclass targets need at least one column")
        return np.argmax(y, axis=1).astype(np.int64)
    if problem == "multilabel":
        return (y > 0.5).astype(np.int64)
    if problem == "regression":
        raise DataError("regression targets have no classes")
    raise DataError(f"unknown problem {problem!r}; expected one of {', '.join(PROBLEMS)}")
