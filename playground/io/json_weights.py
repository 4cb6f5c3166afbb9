"""Weights as human-readable JSON, layer by layer (``playground export --format json``). No Qt.

The file (UTF-8, one weight row per line)::

    {
      "format": "playground-weights",
      "version": 1,
      "inputs": 2,                      // n^[0]
      "loss": "bce",
      "layers": [
        {
          "index": 1,                   // l = 1..L
          "units": 8,                   // n^[l]
          "activation": "tanh",         // g^[l], as the experiment file names it
          "params": {},                 // its parameters, e.g. {"alpha": 0.01}, {"slope": 1.0}
          "W_shape": [8, 2],            // (n^[l], n^[l-1]): entry (i, j) connects unit j of
          "W": [[…], …],                //   layer l−1 to unit i of layer l (nn.Linear.weight)
          "b": […]                      // (n^[l],)
        }, …
      ],
      "x_names": ["x1", "x2"],          // the raw input columns x, in order (null: unknown)
      "standardized": false,            // true: the data was standardized with…
      "x_mean": [0.0, 0.0],             //   …the training split's mean and…
      "x_scale": [1.0, 1.0],            //   …standard deviation (0 and 1 when not standardized)
      "experiment": {…}                 // the experiment file without its "weights"
    }

so that z^[l] = W^[l] a^[l-1] + b^[l] and a^[l] = g^[l](z^[l]) for one example, starting from
a^[0] = (x − x_mean) / x_scale for the raw feature vector x (``inputs.py``). The ``x_…`` keys are
written by ``playground export`` and Export ▸ Weights…; a file without them has a^[0] = x.
A CSV ``data.path`` in the experiment is relative to the file's folder.
Numbers are written with Python's shortest round-trip repr, so float64 weights come back exactly.
:func:`load_weights_json` reads the file back (weights, biases and the experiment with them inline).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from playground.engine import Network, weights_config
from playground.io.atomic import atomic_write_text
from playground.io.experiment import relative_data_path, resolve_data_path
from playground.io.inputs import Inputs, InputsError
from playground.io.schema import ExperimentError, validate_experiment

FORMAT = "playground-weights"
VERSION = 1
_LAYER_KEYS = ("index", "units", "activation", "params", "W_shape", "W", "b")


def weights_document(
    net: Network, experiment: Mapping[str, Any], inputs: Inputs | None = None
) -> dict[str, Any]:
    """The JSON document (a dict) for ``net``'s parameters; ``experiment`` is stored without its
    ``weights`` (they are the layers' ``W`` and ``b``); ``inputs`` adds the ``x_…`` keys."""
    layers = []
    for l, (W, b, act) in enumerate(zip(net.weights, net.biases, net.activations, strict=True), 1):
        layers.append(
            {
                "index": l,
                "units": int(W.shape[0]),
                "activation": act.name,
                "params": dict(act.params()),
                "W_shape": [int(W.shape[0]), int(W.shape[1])],
                "W": W.astype(float).tolist(),
                "b": b.astype(float).tolist(),
            }
        )
    rest = {key: value for key, value in experiment.items() if key != "weights"}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "inputs": int(net.sizes[0]),
        "loss": net.loss.name,
        "layers": layers,
    }
    if inputs is not None:
        if inputs.n != net.sizes[0]:
            raise ValueError(f"{inputs.n} input statistics for {net.sizes[0]} inputs")
        doc.update(inputs.document())
    doc["experiment"] = rest
    return doc


def weights_json_text(
    net: Network, experiment: Mapping[str, Any], inputs: Inputs | None = None
) -> str:
    """The file's text (see the module docstring). Raises ``ValueError`` for NaN/Inf weights."""
    return _encode(weights_document(net, experiment, inputs), 0) + "\n"


def write_weights_json(
    path: str | os.PathLike[str],
    net: Network,
    experiment: Mapping[str, Any],
    inputs: Inputs | None = None,
) -> None:
    """Write the JSON weights file atomically (nothing half-written); ``data.path`` is stored
    relative to the file's folder."""
    atomic_write_text(path, weights_json_text(net, relative_data_path(experiment, path), inputs))


def load_weights_json(
    path: str | os.PathLike[str],
) -> tuple[list[np.ndarray], list[np.ndarray], dict[str, Any]]:
    """Read a JSON weights file: (weights, biases, the experiment with those weights inline).

    A relative ``data.path`` is resolved against the file's folder.

    Raises:
        ExperimentError: naming the file, for anything that is not such a file (unreadable, not
            JSON, wrong format or version, shapes that disagree with ``W_shape`` or the model).
    """
    return load_weights_json_with_inputs(path)[:3]  # type: ignore[return-value]


def load_weights_json_with_inputs(
    path: str | os.PathLike[str],
) -> tuple[list[np.ndarray], list[np.ndarray], dict[str, Any], Inputs | None]:
    """As :func:`load_weights_json`, plus the stored :class:`Inputs` (None without ``x_mean``)."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            doc = json.loads(file.read().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ExperimentError("", f"cannot read JSON weights: {reason}", file=name) from None
    try:
        Ws, bs, exp = _read_document(doc)
        inputs = Inputs.from_document(doc)
    except ExperimentError as exc:
        raise exc.in_file(name) from None
    except InputsError as exc:
        raise ExperimentError("", f"cannot read JSON weights: {exc}", file=name) from None
    if inputs is not None and inputs.n != exp["model"]["inputs"]:
        reason = f"x_mean has {inputs.n} entries for {exp['model']['inputs']} inputs"
        raise ExperimentError("", f"cannot read JSON weights: {reason}", file=name)
    return Ws, bs, resolve_data_path(exp, name), inputs


def is_weights_document(obj: object) -> bool:
    """True when a parsed JSON value claims to be a JSON weights file."""
    return isinstance(obj, Mapping) and obj.get("format") == FORMAT


def _read_document(doc: object) -> tuple[list[np.ndarray], list[np.ndarray], dict[str, Any]]:
    if not is_weights_document(doc):
        raise ExperimentError(
            "format", f"not a Playground JSON weights file (expected format {FORMAT!r})"
        )
    assert isinstance(doc, Mapping)
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise ExperimentError(
            "version", f"unsupported version {version!r} (this Playground reads version {VERSION})"
        )
    layers, exp = doc.get("layers"), doc.get("experiment")
    if not isinstance(layers, list) or not layers:
        raise ExperimentError("layers", "expected a non-empty list of layers")
    if not isinstance(exp, Mapping):
        raise ExperimentError("experiment", "expected the experiment as an object")
    Ws, bs = [], []
    for k, layer in enumerate(layers):
        where = f"layers[{k}]"
        if not isinstance(layer, Mapping) or any(key not in layer for key in ("W", "b")):
            raise ExperimentError(where, "expected an object with W and b")
        try:
            W = np.asarray(layer["W"], dtype=np.float64)
            b = np.asarray(layer["b"], dtype=np.float64)
        except (TypeError, ValueError):
            raise ExperimentError(
                where, "W and b must be a matrix and a vector of numbers"
            ) from None
        shape = layer.get("W_shape", list(W.shape))
        if W.ndim != 2 or list(W.shape) != list(shape) or b.shape != (W.shape[0],):
            raise ExperimentError(
                where, f"W is {W.shape} and b {b.shape}, but W_shape says {shape}"
            )
        Ws.append(W)
        bs.append(b)
    full = dict(exp)
    full["weights"] = weights_config(Ws, bs)
    try:
        validated = validate_experiment(full)
    except ExperimentError as exc:
        raise ExperimentError(f"experiment.{exc.key_path}".rstrip("."), exc.reason) from None
    for k, (layer, spec) in enumerate(zip(layers, validated["model"]["layers"], strict=False)):
        if "activation" in layer and layer["activation"] != spec["activation"]:
            raise ExperimentError(
                f"layers[{k}].activation",
                f"{layer['activation']!r} disagrees with the experiment's {spec['activation']!r}",
            )
    return Ws, bs, validated


# --- formatting: indented JSON whose number lists (weight rows, vectors) stay on one line ---------


def _encode(value: object, indent: int) -> str:
    pad = " " * (indent + 2)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{json.dumps(k)}: {_encode(v, indent + 2)}" for k, v in value.items()]
        if all(not isinstance(v, Mapping | list) or not v for v in value.values()):
            inline = "{" + ", ".join(items) + "}"
            if indent + len(inline) <= 80:
                return inline
        return "{\n" + ",\n".join(pad + item for item in items) + "\n" + " " * indent + "}"
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return "[" + ", ".join(_encode(v, indent) for v in value) + "]"
        items = [_encode(v, indent + 2) for v in value]
        return "[\n" + ",\n".join(pad + item for item in items) + "\n" + " " * indent + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
