"""Trained weights as files: ``weights.npz`` (DESIGN.md) and its reader. No pickle anywhere.

``weights.npz`` holds ``W1..WL`` (n^[l] × n^[l-1]), ``b1..bL`` (1-based, the seeds' notation) and
``experiment`` (the experiment JSON as a string); ``np.load(path, allow_pickle=False)`` reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from playground.io.atomic import atomic_path
from playground.io.experiment import experiment_to_json
from playground.io.schema import ExperimentError, validate_experiment


def save_weights_npz(path: str | os.PathLike[str], weights: Sequence[np.ndarray],
                     biases: Sequence[np.ndarray], experiment: Mapping[str, Any]) -> None:
    """Write ``W1..WL``, ``b1..bL`` and ``experiment`` atomically (nothing half-written)."""
    arrays: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        arrays[f"W{l}"] = np.ascontiguousarray(W, dtype=np.float64)
        arrays[f"b{l}"] = np.ascontiguousarray(b, dtype=np.float64)
    arrays["experiment"] = np.array(experiment_to_json(experiment))
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def load_weights_npz(path: str | os.PathLike[str]) -> tuple[list[np.ndarray], list[np.ndarray], dict]:
    """Read a ``weights.npz``: (weights, biases, experiment with those weights inline).

    Raises ``ExperimentError`` naming the file for anything that is not such a file.
    """
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as z:
            files = set(z.files)
            L = sum(1 for f in files if f.startswith("W") and f[1:].isdigit())
            missing = [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}") if k not in files]
            if L == 0 or missing or "experiment" not in files:
                raise ExperimentError("", "not a Playground weights file (needs W1.., b1.. and "
                                      "experiment)", file=name)
            Ws = [z[f"W{l}"] for l in range(1, L + 1)]
            bs = [z[f"b{l}"] for l in range(1, L + 1)]
            exp = json.loads(str(z["experiment"]))
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        if isinstance(exc, ExperimentError):
            raise
        raise ExperimentError("", f"cannot read weights: {exc}", file=name) from exc
    exp["weights"] = [{"W": W.tolist(), "b": b.tolist()} for W, b in zip(Ws, bs, strict=True)]
    return Ws, bs, validate_experiment(exp)
