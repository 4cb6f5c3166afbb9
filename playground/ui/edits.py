"""Edits of an experiment dict that the window's controls ask for (pure functions, no Qt).

Each function takes a normalized experiment (``playground.io.validate_experiment``) and returns a
new dict; the caller validates the result and builds a trainer from it. Structural edits drop the
weights and the training state (a new network starts from fresh weights, as in TF Playground).

Problem types and the output layer (DESIGN.md): binary = 1 sigmoid + bce, multi-class = k softmax +
cce, multi-label = k sigmoid + bce, regression = k linear + mse, where k is the number of target
columns of the data.
"""

from __future__ import annotations

import copy
from typing import Any

from playground.data.registry import DATASETS
from playground.engine.names import model_problem
from playground.io.schema import MAX_LAYERS, MAX_UNITS

#: problem type → (output activation, loss)
OUTPUT_OF_PROBLEM: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "multilabel": ("sigmoid", "bce"),
    "regression": ("linear", "mse"),
}

#: the data's own problem → the problem types a network may treat it as
COMPATIBLE_PROBLEMS: dict[str, tuple[str, ...]] = {
    "binary": ("binary", "regression"),
    "multiclass": ("multiclass", "multilabel", "regression"),
    "multilabel": ("multilabel", "regression"),
    "regression": ("regression",),
}

#: a new hidden layer when there is none to copy
DEFAULT_HIDDEN = {"units": 4, "activation": "tanh"}

Experiment = dict[str, Any]


def fresh(exp: Experiment) -> Experiment:
    """A deep copy without weights and training state (a new run)."""
    out = copy.deepcopy(exp)
    out["weights"] = None
    out.pop("state", None)
    return out


def hidden_layers(exp: Experiment) -> list[dict[str, Any]]:
    """The hidden layers (all but the output layer), as stored in ``exp``."""
    return exp["model"]["layers"][:-1]


def problem(exp: Experiment) -> str:
    """The problem type: the stored hint, else what the output layer and loss imply."""
    return model_problem(exp["model"])


def add_layer(exp: Experiment) -> Experiment:
    """One more hidden layer before the output, like the last hidden layer (or 4 tanh units)."""
    out = fresh(exp)
    layers = out["model"]["layers"]
    if len(layers) >= MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers")
    template = dict(layers[-2]) if len(layers) > 1 else dict(DEFAULT_HIDDEN)
    layers.insert(len(layers) - 1, template)
    return out


def remove_layer(exp: Experiment) -> Experiment:
    """Drop the last hidden layer (the output layer stays)."""
    out = fresh(exp)
    layers = out["model"]["layers"]
    if len(layers) < 2:
        raise ValueError("there is no hidden layer to remove")
    del layers[-2]
    return out


def _hidden(out: Experiment, k: int) -> dict[str, Any]:
    layers = out["model"]["layers"]
    if not 1 <= k < len(layers):
        raise ValueError(f"there is no hidden layer {k}")
    return layers[k - 1]


def set_units(exp: Experiment, k: int, units: int) -> Experiment:
    """Hidden layer k (1-based) gets ``units`` neurons (1..MAX_UNITS)."""
    out = fresh(exp)
    if not 1 <= units <= MAX_UNITS:
        raise ValueError(f"a layer has 1..{MAX_UNITS} neurons")
    _hidden(out, k)["units"] = int(units)
    return out


def add_neuron(exp: Experiment, k: int) -> Experiment:
    return set_units(exp, k, _hidden(exp, k)["units"] + 1)


def remove_neuron(exp: Experiment, k: int) -> Experiment:
    return set_units(exp, k, _hidden(exp, k)["units"] - 1)


def _set_activation(layer: dict[str, Any], name: str) -> None:
    from playground.engine.names import ACTIVATIONS

    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}")
    for key in [k for k in layer if k not in ("units", "activation")]:
        del layer[key]  # parameters of the previous activation
    layer["activation"] = name


def set_activation(exp: Experiment, k: int, name: str) -> Experiment:
    """Hidden layer k (1-based) uses activation ``name``."""
    if name == "softmax":
        raise ValueError("softmax is only allowed on the output layer")
    out = fresh(exp)
    _set_activation(_hidden(out, k), name)
    return out


def set_output(
    exp: Experiment, activation: str | None = None, loss: str | None = None
) -> Experiment:
    """Override the output activation and/or the loss (any pairing; the UI shows a note)."""
    out = fresh(exp)
    model = out["model"]
    if activation is not None:
        _set_activation(model["layers"][-1], activation)
    if loss is not None:
        model["loss"] = loss
    return out


def set_problem(exp: Experiment, kind: str, n_outputs: int) -> Experiment:
    """Problem type ``kind`` with ``n_outputs`` target columns: the output layer follows it."""
    if kind not in OUTPUT_OF_PROBLEM:
        raise ValueError(f"unknown problem type {kind!r}")
    if kind == "multiclass" and n_outputs < 2:
        raise ValueError("multi-class classification needs at least 2 classes")
    out = fresh(exp)
    model = out["model"]
    activation, loss = OUTPUT_OF_PROBLEM[kind]
    _set_activation(model["layers"][-1], activation)
    model["layers"][-1]["units"] = int(n_outputs)
    model["loss"] = loss
    model["problem"] = kind
    return out


def set_init(exp: Experiment, scheme: str | None = None, scale: float | None = None) -> Experiment:
    """Initialization scheme and/or scale (other init parameters are kept where they apply)."""
    out = fresh(exp)
    init = out["model"]["init"]
    if scheme is not None and scheme != init["scheme"]:
        init = {"scheme": scheme, "scale": init.get("scale", 1.0), "bias": init.get("bias", 0.0)}
    if scale is not None:
        init["scale"] = float(scale)
    out["model"]["init"] = init
    return out


def data_section(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` section after ``changes``, with only the keys the (new) data set takes."""
    merged = {**current, **changes}
    name = merged["dataset"]
    info = DATASETS[name]
    if name != current.get("dataset"):
        # a new data set: its own sample count, classes, standardization and features
        old_planar = DATASETS[current["dataset"]].planar if current.get("dataset") else False
        for key in ("samples", "classes", "standardize", "path", "target"):
            if key not in changes:
                merged.pop(key, None)
        if "features" not in changes and not (info.planar and old_planar):
            merged.pop("features", None)
    keep = {"dataset", "noise", "train_fraction", "seed", "standardize"}
    if info.planar:
        keep |= {"samples", "features"}
        merged.setdefault("features", ["x1", "x2"])
    if info.classes_range is not None:
        keep.add("classes")
    if info.problem == "file":
        keep |= {"path", "target", "features"}
    return {k: v for k, v in merged.items() if k in keep}


def set_data(exp: Experiment, changes: dict[str, Any]) -> Experiment:
    """New data settings (the model is fitted to the data by :func:`fit_to_data` afterwards)."""
    out = fresh(exp)
    out["data"] = data_section(out["data"], changes)
    return out


def fit_to_data(
    exp: Experiment, n_inputs: int, n_outputs: int, data_problem: str, follow_data: bool = False
) -> Experiment:
    """Make the input and output layers match the data: n0 = its features, the output layer follows
    the problem type (kept when the data allows it, else the data's own problem) with k units.
    ``follow_data``: a new data set was chosen, so its own problem type is taken."""
    out = copy.deepcopy(exp)
    model = out["model"]
    changed = model["inputs"] != n_inputs
    model["inputs"] = int(n_inputs)
    kind = data_problem if follow_data else problem(out)
    allowed = COMPATIBLE_PROBLEMS.get(data_problem, (data_problem,))
    last = model["layers"][-1]
    if kind not in allowed or (kind == "binary" and n_outputs != 1) or follow_data:
        out = set_problem(out, data_problem, n_outputs)
        changed = True
    elif last["units"] != n_outputs:
        last["units"] = int(n_outputs)
        if last["activation"] == "softmax" and n_outputs < 2:
            _set_activation(last, "sigmoid")
        changed = True
    if changed:
        out["weights"] = None
        out.pop("state", None)
    return out
