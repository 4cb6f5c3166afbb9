"""Trained weights as files: ``weights.npz`` (DESIGN.md) and its reader. No pickle anywhere.

``weights.npz`` holds ``W1..WL`` (n^[l] × n^[l-1]), ``b1..bL`` (1-based, the seeds' notation) and
``experiment`` (the experiment JSON as a string; a CSV ``data.path`` in it is relative to the
file's folder); ``np.load(path, allow_pickle=False)`` reads it. When the data was standardized,
files written by ``playground train``, ``playground export`` and the window also hold the
standardization (``inputs.py``): ``x_mean``, ``x_scale`` (n0,) float64 and ``x_names`` (n0,)
strings, so that the network's input is ``(x - x_mean) / x_scale`` for raw feature rows ``x``
with the columns ``x_names``. Without them the network takes the features as they are.
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
from playground.io.experiment import experiment_file_text, resolve_data_path
from playground.io.inputs import Inputs, InputsError
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
    inputs: Inputs | None = None,
) -> None:
    """Write ``W1..WL``, ``b1..bL``, ``experiment`` (and ``x_mean``, ``x_scale``, ``x_names``
    when ``inputs`` are standardized) atomically: nothing half-written."""
    with atomic_path(path) as tmp:
        write_weights_npz(tmp, weights, biases, experiment, inputs)


def write_weights_npz(
    path: str | os.PathLike[str],
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    experiment: Mapping[str, Any],
    inputs: Inputs | None = None,
) -> None:
    """Write the file straight to ``path`` (not atomically: for a temporary file of a batch, see
    ``atomic.atomic_files``). ``data.path`` is stored relative to ``path``'s folder."""
    arrays: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        arrays[f"W{l}"] = np.ascontiguousarray(W, dtype=np.float64)
        arrays[f"b{l}"] = np.ascontiguousarray(b, dtype=np.float64)
    arrays["experiment"] = np.array(experiment_file_text(experiment, path))
    if inputs is not None:
        if inputs.n != arrays["W1"].shape[1]:
            raise ValueError(f"{inputs.n} input statistics for {arrays['W1'].shape[1]} inputs")
        if inputs.standardized:  # else the file stays exactly DESIGN.md's (no x_… arrays)
            arrays.update(inputs.arrays())
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def load_weights_npz(
    path: str | os.PathLike[str],
) -> tuple[list[np.ndarray], list[np.ndarray], dict]:
    """Read a ``weights.npz``: (weights, biases, experiment with those weights inline).

    A relative ``data.path`` is resolved against the file's folder.

    Raises ``ExperimentError`` naming the file for anything that is not such a file (missing,
    truncated or not a zip, missing arrays, an ``experiment`` that is not a valid experiment, or
    arrays whose shapes disagree with it).
    """
    return load_weights_npz_with_inputs(path)[:3]  # type: ignore[return-value]


def load_weights_npz_with_inputs(
    path: str | os.PathLike[str],
) -> tuple[list[np.ndarray], list[np.ndarray], dict, Inputs | None]:
    """As :func:`load_weights_npz`, plus the stored :class:`Inputs` (None in a file without
    ``x_mean``). Raises ``ExperimentError`` naming the file, also for malformed input arrays."""
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
                inputs = Inputs.from_arrays({k: z[k] for k in z.files if k.startswith("x_")})
    except InputsError as exc:
        raise ExperimentError("", f"cannot read weights: {exc}", file=name) from None
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
        validated = validate_experiment(exp)
    except ExperimentError as exc:
        raise exc.in_file(name) from None
    if inputs is not None and inputs.n != validated["model"]["inputs"]:
        reason = f"cannot read weights: x_mean has {inputs.n} entries for "
        reason += f"{validated['model']['inputs']} inputs"
        raise ExperimentError("", reason, file=name)
    return Ws, bs, resolve_data_path(validated, name), inputs


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
