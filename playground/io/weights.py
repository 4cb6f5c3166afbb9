"""Trained weights as files: ``weights.npz`` (DESIGN.md) and its reader. No pickle anywhere.

``weights.npz`` holds ``W1..WL`` (n^[l] × n^[l-1]), ``b1..bL`` (1-based, the seeds' notation) and
``experiment`` (the experiment JSON as a string); ``np.load(path, allow_pickle=False)`` reads it.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from playground.engine import weights_config
from playground.io.atomic import atomic_path
from playground.io.experiment import experiment_to_json
from playground.io.schema import ExperimentError, validate_experiment

#: what reading a damaged or foreign .npz can raise (a truncated file is not a zip: BadZipFile)
_READ_ERRORS = (
    OSError,
    ValueError,
    EOFError,
    KeyError,
    RecursionError,
    zipfile.BadZipFile,
    zlib.error,
)


def save_weights_npz(
    path: str | os.PathLike[str],
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    experiment: Mapping[str, Any],
) -> None:
    """Write ``W1..WL``, ``b1..bL`` and ``experiment`` atomically (nothing half-written)."""
    arrays: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        arrays[f"W{l}"] = np.ascontiguousarray(W, dtype=np.float64)
        arrays[f"b{l}"] = np.ascontiguousarray(b, dtype=np.float64)
    arrays["experiment"] = np.array(experiment_to_json(experiment))
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)


def load_weights_npz(
    path: str | os.PathLike[str],
) -> tuple[list[np.ndarray], list[np.ndarray], dict]:
    """Read a ``weights.npz``: (weights, biases, experiment with those weights inline).

    Raises ``ExperimentError`` naming the file for anything that is not such a file (missing,
    truncated or not a zip, missing arrays, an ``experiment`` that is not a valid experiment, or
    arrays whose shapes disagree with it).
    """
    name = os.fspath(path)
    try:
        # open the file here: np.load leaks its own handle when the zip turns out to be damaged
        with open(name, "rb") as fh:
            z = np.load(fh, allow_pickle=False)
            if not isinstance(z, np.lib.npyio.NpzFile):  # a .npy array or a pickle
                raise ExperimentError(
                    "",
                    "not a Playground weights file (a single array, not a .npz archive)",
                    file=name,
                )
            with z:
                Ws, bs, exp = _read_arrays(z, name)
    except ExperimentError:
        raise
    except _READ_ERRORS as exc:
        if isinstance(exc, zipfile.BadZipFile | EOFError):
            reason = "not a .npz (zip) file, or a truncated one"
        elif isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror
        else:
            reason = str(exc) or type(exc).__name__
        raise ExperimentError("", f"cannot read weights: {reason}", file=name) from None
    if not isinstance(exp, dict):
        raise ExperimentError(
            "", "cannot read weights: its 'experiment' is not a JSON object", file=name
        )
    exp["weights"] = weights_config(Ws, bs)
    try:
        return Ws, bs, validate_experiment(exp)
    except ExperimentError as exc:
        raise exc.in_file(name) from None


def _read_arrays(z: np.lib.npyio.NpzFile, name: str) -> tuple[list, list, object]:
    files = set(z.files)
    L = sum(1 for f in files if f.startswith("W") and f[1:].isdigit())
    missing = [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}") if k not in files]
    if L == 0 or missing or "experiment" not in files:
        raise ExperimentError(
            "", "not a Playground weights file (needs W1.., b1.. and experiment)", file=name
        )
    Ws = [z[f"W{l}"] for l in range(1, L + 1)]
    bs = [z[f"b{l}"] for l in range(1, L + 1)]
    return Ws, bs, json.loads(str(z["experiment"]))
