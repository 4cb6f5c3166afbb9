"""Exporting a network's weights and model to files other code and tools read. No Qt.

Formats (``FORMATS``), each written atomically (a temporary file beside the target, renamed onto it:
nothing half-written, no temporary file left behind):

* ``npz``   — ``weights.npz`` of DESIGN.md: ``W1..WL``, ``b1..bL`` and ``experiment`` (the
  experiment JSON, weights inline); ``np.load(path, allow_pickle=False)`` reads it (``weights.py``).
* ``json``  — human-readable weights, layer by layer with shapes and activations
  (``json_weights.py`` documents the format).
* ``onnx``  — an ONNX graph (Gemm + activation nodes) with input ``"input"`` and output ``"output"``
  of dynamic batch size (``onnx_export.py``; needs the optional ``onnx`` package).
* ``torch`` — a self-contained PyTorch script ``NAME.py`` and ``NAME.npz`` beside it
  (``torch_export.py``; PyTorch is needed only to run the script), written together.

``precision`` ("float32", the default, or "float64") applies to the ONNX and PyTorch models; the
weight files always hold float64 (the engine's numbers, exactly).

Every format also records what the network takes as input (``inputs.py``): the names of the
feature columns and the data's standardization ``(x - x_mean) / x_scale``. The ONNX and PyTorch
models apply the standardization themselves, so they take raw feature rows; the weight files store
``x_mean``/``x_scale`` beside the unchanged ``W``/``b``. The statistics come from the source file
when it has them (``weights.npz``, JSON weights), else from the experiment's data section: the data
set is built again as training built it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from playground.engine import Network
from playground.io.atomic import StrPath, atomic_write_bytes
from playground.io.experiment import load_experiment, relative_data_path
from playground.io.inputs import Inputs, InputsError, inputs_of
from playground.io.json_weights import (
    is_weights_document,
    load_weights_json_with_inputs,
    write_weights_json,
)
from playground.io.schema import ExperimentError, validate_experiment
from playground.io.weights import load_weights_npz_with_inputs, save_weights_npz

FORMATS = ("npz", "json", "onnx", "torch")
PRECISIONS = ("float32", "float64")
#: the usual file suffix of each format (for file dialogs and default names)
SUFFIXES = {"npz": ".npz", "json": ".json", "onnx": ".onnx", "torch": ".py"}


class ExportError(ValueError):
    """An export failed: bad input file, a network the format cannot express, an unwritable path.

    The message is one line and names the file or layer concerned.
    """


def require_activations(net: Network, supported: frozenset[str], target: str) -> None:
    """Raise ``ExportError`` naming the first layer whose activation ``target`` cannot express."""
    for l, act in enumerate(net.activations, start=1):
        if act.name not in supported:
            raise ExportError(
                f"{target} export cannot express activation {act.name!r} (layer {l}); "
                f"supported: {', '.join(sorted(supported))}"
            )


def export_model(
    source: StrPath, fmt: str, out: StrPath, *, precision: str = "float32"
) -> list[Path]:
    """Export the network stored in ``source`` as ``fmt`` to ``out``; returns the files written.

    ``source`` is an experiment JSON file, a ``weights.npz`` or a JSON weights file. An experiment
    whose ``weights`` is null is exported with the network's *initial* weights: those drawn by
    ``Network.from_config`` from ``model.init`` with ``model.seed`` (the weights training would
    start from), so the export is reproducible but untrained.

    Raises:
        ExportError: unknown format, unreadable or invalid source, an activation the format cannot
            express, or ``out`` cannot be written (message names the path; nothing half-written).
    """
    _check_options(fmt, precision)
    net, experiment, inputs = _load(source)
    return export_network(net, experiment, fmt, out, precision=precision, inputs=inputs)


def export_network(
    net: Network,
    experiment: Mapping[str, Any],
    fmt: str,
    out: StrPath,
    *,
    precision: str = "float32",
    inputs: Inputs | None = None,
    weights_file: str | None = None,
) -> list[Path]:
    """Export a live network (e.g. the GUI's) as ``fmt`` to ``out``; returns the files written.

    ``experiment`` describes ``net`` (its ``model`` section must have the same layer sizes and
    activations); the files store it with ``net``'s current weights inline. Pass a network that no
    other thread changes meanwhile (e.g. ``net.copy()`` taken while training is paused or locked).
    ``inputs``: the feature columns and standardization the network was trained with (e.g.
    ``Inputs.from_dataset`` of the data set training uses); None computes them from the
    experiment's data section. ``weights_file`` (torch only): the name of a ``weights.npz`` of
    this network already beside ``out``, which the script then loads (no ``NAME.npz``).

    Raises:
        ExportError: as :func:`export_model`; also when the data is standardized but cannot be
            loaded to get its statistics.
    """
    _check_options(fmt, precision)
    _check_finite(net)
    if fmt in ("onnx", "torch"):  # what the format can express, before anything else
        module = _format_module(fmt)
        module.check_supported(net)
    exp = _experiment_with_weights(net, experiment)
    try:
        if inputs is None:
            inputs = inputs_of(exp, net.sizes[0])
        elif inputs.n != net.sizes[0]:
            raise InputsError(f"{inputs.n} input columns for a network with {net.sizes[0]} inputs")
    except InputsError as exc:
        raise ExportError(f"cannot export the input standardization: {exc}") from None
    try:
        if fmt == "npz":
            save_weights_npz(out, net.weights, net.biases, exp, inputs)
        elif fmt == "json":
            write_weights_json(out, net, exp, inputs)
        elif fmt == "onnx":
            from playground.io.onnx_export import onnx_model_bytes  # imports onnx

            model = onnx_model_bytes(net, relative_data_path(exp, out), precision, inputs)
            atomic_write_bytes(out, model)
        else:
            from playground.io.torch_export import write_torch_export

            return write_torch_export(net, exp, out, precision, inputs, weights_file=weights_file)
        return [Path(out)]
    except OSError as exc:  # atomic writes name the target and the reason
        raise ExportError(str(exc)) from None


def load_network(source: StrPath) -> tuple[Network, dict[str, Any]]:
    """(network with its weights, normalized experiment) from an experiment JSON, a weights.npz or
    a JSON weights file. Raises ``ExportError`` naming the file."""
    net, exp, _ = _load(source)
    return net, exp


def _load(source: StrPath) -> tuple[Network, dict[str, Any], Inputs | None]:
    """:func:`load_network` plus the input description stored in the file (None if it has none)."""
    name = os.fspath(source)
    inputs = None
    try:
        kind = _sniff(name)
        if kind == "npz":
            exp, inputs = load_weights_npz_with_inputs(name)[2:]
        elif kind == "weights-json":
            exp, inputs = load_weights_json_with_inputs(name)[2:]
        else:
            exp = load_experiment(name)
    except ExperimentError as exc:
        raise ExportError(str(exc)) from None
    try:
        net = Network.from_config(exp["model"], exp["training"].get("regularization"))
        if exp["weights"] is not None:
            net.set_weights(
                [np.asarray(p["W"]) for p in exp["weights"]],
                [np.asarray(p["b"]) for p in exp["weights"]],
            )
    except ValueError as exc:
        raise ExportError(f"{name}: {exc}") from None
    return net, exp, inputs


# --- helpers -------------------------------------------------------------------------------------


def _check_options(fmt: str, precision: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (allowed: {', '.join(FORMATS)})")
    if precision not in PRECISIONS:
        raise ExportError(f"unknown precision {precision!r} (allowed: {', '.join(PRECISIONS)})")


def _format_module(fmt: str):
    if fmt == "onnx":
        from playground.io import onnx_export

        return onnx_export
    from playground.io import torch_export

    return torch_export


def _check_finite(net: Network) -> None:
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ExportError(
                f"layer {l} has NaN or infinite weights (training diverged); "
                f"reset or reload the network before exporting"
            )


def _experiment_with_weights(net: Network, experiment: Mapping[str, Any]) -> dict[str, Any]:
    """The normalized experiment with ``net``'s weights inline; checks that it describes ``net``."""
    try:
        exp = validate_experiment({**experiment, "weights": net.weights_config()})
    except ExperimentError as exc:
        raise ExportError(f"the experiment does not describe this network: {exc}") from None
    model = exp["model"]
    sizes = [model["inputs"], *(layer["units"] for layer in model["layers"])]
    names = [layer["activation"] for layer in model["layers"]]
    if sizes != net.sizes or names != [act.name for act in net.activations]:
        raise ExportError(
            f"the experiment describes a {'-'.join(map(str, sizes))} network "
            f"({', '.join(names)}), not this one"
        )
    return exp


def _sniff(path: str) -> str:
    """ "npz", "weights-json" or "experiment", from the file's first bytes (and suffix)."""
    try:
        with open(path, "rb") as file:
            head = file.read(4)
    except OSError:
        return "experiment"  # load_experiment names the problem (missing, a folder, …)
    if head.startswith(b"PK") or path.lower().endswith(".npz"):
        return "npz"
    try:
        with open(path, "rb") as file:
            doc = json.loads(file.read().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return "experiment"
    return "weights-json" if is_weights_document(doc) else "experiment"
