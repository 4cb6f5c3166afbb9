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

from playground.resources import resource_dir

#: file suffix → export format of ``playground.io.export``
WEIGHT_FORMATS = {".npz": "npz", ".json": "json", ".onnx": "onnx", ".py": "torch"}
WEIGHT_FILTERS = (
    "NumPy weights (*.npz);;JSON weights (*.json);;ONNX model (*.onnx);;PyTorch script (*.py)"
)


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


def export_weights(experiment: Mapping, path: str | os.PathLike[str]) -> list[Path]:
    """Write the experiment's network (weights inline) to ``path`` in the format its suffix
    names."""
    from playground.engine import Network
    from playground.io.export import export_network

    fmt = weight_format(path)
    exp = dict(experiment)
    net = Network.from_config(exp["model"], exp["training"].get("regularization"))
    if exp.get("weights"):
        net.set_weights(
            [np.asarray(p["W"]) for p in exp["weights"]],
            [np.asarray(p["b"]) for p in exp["weights"]],
        )
    return export_network(net, exp, fmt, path, precision="float32")


def export_plots(views: Mapping[str, QWidget], directory: str | os.PathLike[str]) -> list[Path]:
    """``<name>.png``, ``.svg`` and ``.csv`` for every view into ``directory``."""
    from playground.ui.plot_export import export_views

    return export_views(views, directory)


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
