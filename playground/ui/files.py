"""What the window writes and lists: weights in several formats, plot files, the bundled presets.

Thin wrappers over ``playground.io`` (no Qt there) and ``playground.ui.plot_export``; the window's
methods and menu actions call these.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QWidget

from playground.io.inputs import Inputs
from playground.resources import resource_dir

#: file suffix → export format of ``playground.io.export``
WEIGHT_FORMATS = {".npz": "npz", ".json": "json", ".onnx": "onnx", ".py": "torch"}
#: the Export ▸ Weights… dialog's choices: filter → (suffix, precision of the model)
WEIGHT_CHOICES = {
    "NumPy weights (*.npz)": (".npz", "float32"),
    "JSON weights, human-readable (*.json)": (".json", "float32"),
    "ONNX model, float32 (*.onnx)": (".onnx", "float32"),
    "ONNX model, float64 (*.onnx)": (".onnx", "float64"),
    "PyTorch script + .npz, float32 (*.py)": (".py", "float32"),
    "PyTorch script + .npz, float64 (*.py)": (".py", "float64"),
}
WEIGHT_FILTERS = ";;".join(WEIGHT_CHOICES)


def weight_choice(path: str, chosen_filter: str) -> tuple[str, str]:
    """(path with a suffix, precision) for what the Export ▸ Weights… dialog returned: a path
    without a suffix gets the chosen filter's; the precision follows the filter when it is for
    that suffix (float32 otherwise). Weight files always hold the engine's float64 numbers."""
    suffix, precision = WEIGHT_CHOICES.get(chosen_filter, (".npz", "float32"))
    if not os.path.splitext(path)[1]:
        path += suffix
    if Path(path).suffix.lower() != suffix:
        precision = "float32"
    return path, precision


def clashes(returned: str, written: list[str | os.PathLike[str]]) -> list[Path]:
    """The files among ``written`` that exist already and that the file dialog did not confirm:
    every one but ``returned``, the path it returned (a suffix added afterwards, the ``.npz``
    beside a PyTorch script, plot files in a chosen folder)."""
    return [Path(p) for p in written if os.path.exists(p) and os.fspath(p) != returned]


def weight_files(path: str) -> list[Path]:
    """The files Export ▸ Weights… writes for ``path`` (a PyTorch script comes with its .npz)."""
    if path.lower().endswith(".py"):
        from playground.io.torch_export import torch_paths

        return list(torch_paths(path))
    return [Path(path)]


def plot_files(names: list[str], folder: str | os.PathLike[str]) -> list[Path]:
    """The files ``export_plots`` writes into ``folder`` for views called ``names``."""
    return [Path(folder) / f"{n}{suffix}" for n in names for suffix in (".png", ".svg", ".csv")]


def error_text(exc: BaseException) -> str:
    """An exception as one readable line for a dialog (no ``[Errno n]`` prefix)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def weight_format(path: str | os.PathLike[str]) -> str:
    """The export format a file name asks for; ``ValueError`` naming the allowed suffixes."""
    suffix = Path(path).suffix.lower()
    if suffix not in WEIGHT_FORMATS:
        allowed = ", ".join(WEIGHT_FORMATS)
        raise ValueError(
            f"{os.fspath(path)}: unknown weights format {suffix or '(no suffix)'!r}; "
            f"use one of {allowed}"
        )
    return WEIGHT_FORMATS[suffix]


def network_of(experiment: Mapping):  # noqa: ANN201 - playground.engine.Network
    """A new network with the experiment's weights inline (a copy, never the live one)."""
    from playground.engine import Network

    exp = dict(experiment)
    net = Network.from_config(exp["model"], exp["training"].get("regularization"))
    if exp.get("weights"):
        net.set_weights(
            [np.asarray(p["W"]) for p in exp["weights"]],
            [np.asarray(p["b"]) for p in exp["weights"]],
        )
    return net


def export_weights(
    experiment: Mapping,
    path: str | os.PathLike[str],
    precision: str = "float32",
    inputs: Inputs | None = None,
) -> list[Path]:
    """Write the experiment's network (weights inline) to ``path`` in the format its suffix
    names, through ``playground.io.export.export_network`` on a copy of the network; ``inputs``:
    the input columns and standardization (the window passes its data set's, so nothing is
    loaded again; None derives them from the experiment)."""
    from playground.io.export import export_network

    fmt = weight_format(path)
    return export_network(
        network_of(experiment), dict(experiment), fmt, path, precision=precision, inputs=inputs
    )


def export_plots(
    views: Mapping[str, QWidget], directory: str | os.PathLike[str], n_layers: int
) -> list[Path]:
    """``<name>.png``, ``.svg`` and ``.csv`` for every view into ``directory``, each laid out at
    its report size for L = ``n_layers`` (``report_layout``)."""
    from playground.ui.plot_export import export_views

    return export_views(views, directory, n_layers)


def presets() -> list[tuple[str, str, Path]]:
    """The bundled presets: (name, description, path), the default first, then by name."""
    found = []
    for path in sorted((resource_dir() / "presets").glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict):
            name = doc.get("name") or path.stem.replace("_", " ").capitalize()
            found.append((str(name), str(doc.get("description", "")), path))
    found.sort(key=lambda p: (p[2].stem != "default", p[0].lower()))
    return found
