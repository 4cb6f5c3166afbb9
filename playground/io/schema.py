"""The rules of the experiment file (DESIGN.md, "Experiment file"): validation and normalization.

:func:`validate_experiment` checks a parsed file against the vocabularies of
``playground.engine.names`` and ``playground.data.registry`` and returns a new, normalized dict:
defaults filled in, only the keys that apply (e.g. no ``classes`` for ``circle``), ints where
integers are meant, Python floats where numbers are meant (ints accepted there), fixed key order.
Normalizing is idempotent. Every problem raises :class:`ExperimentError` with a one-line message
that starts with the key path, e.g. ``model.layers[1].activation: 'tanhh' is not one of …``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

import numpy as np

from playground.data.registry import DATA_DEFAULTS, DATASETS, FEATURES
from playground.engine.names import (
    ACTIVATIONS,
    DEFAULT_LEARNING_RATE,
    INIT_COMMON,
    INITS,
    LOSSES,
    OPTIMIZERS,
    PROBLEMS,
    REGULARIZATIONS,
)

FORMAT = "playground-experiment"
VERSION = 1
MAX_LAYERS = 64
MAX_UNITS = 4096
SAMPLES_RANGE = (4, 1_000_000)
DEFAULT_INIT = "xavier_uniform"
DEFAULT_OPTIMIZER = "sgd"
DEFAULT_BATCH_SIZE = 10
DEFAULT_EPOCHS = 100
#: data sets with a fixed number of feature columns (used when ``data.features`` is not given)
FIXED_INPUTS = {"iris": 4}

_TOP_KEYS = (
    "format", "version", "name", "description", "data", "model", "training", "weights", "state",
)  # fmt: skip
_MODEL_KEYS = ("inputs", "layers", "loss", "init", "seed", "problem")
_TRAINING_KEYS = ("optimizer", "batch_size", "epochs", "regularization")
#: every parameter of any optimizer → its type's example default, in table order; all are accepted
#: whatever the chosen optimizer, so a GUI switching optimizers keeps them
_OPTIMIZER_PARAMS: dict[str, float | bool] = {
    key: default for _label, params in OPTIMIZERS.values() for key, default in params.items()
}
#: (lower bound, lower bound excluded, upper bound, upper bound excluded) of optimizer parameters
_OPTIMIZER_RANGES = {
    "momentum": (0.0, False, 1.0, True),
    "rho": (0.0, False, 1.0, True),
    "beta1": (0.0, False, 1.0, True),
    "beta2": (0.0, False, 1.0, True),
    "epsilon": (0.0, True, None, False),
}


class ExperimentError(ValueError):
    """An experiment (file or dict) breaks the rules; the message is one line.

    Attributes:
        key_path: where in the experiment, e.g. ``"model.layers[1].units"`` ("" for file problems).
        reason: what is wrong there.
        file: the file it came from, when known.
    """

    def __init__(self, key_path: str, reason: str | None = None, file: str | None = None) -> None:
        if reason is None:  # ExperimentError("a whole message")
            key_path, reason = "", key_path
        self.key_path, self.reason, self.file = key_path, reason, file
        super().__init__(": ".join(part for part in (file, key_path, reason) if part))

    def in_file(self, file: str) -> ExperimentError:
        """The same error, with the file it came from named first."""
        return ExperimentError(self.key_path, self.reason, file)


def _fail(path: str, reason: str) -> NoReturn:
    raise ExperimentError(path or "experiment", reason)


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: object) -> str:
    """How a found value is named in messages, e.g. ``a string ('8')``."""
    if value is None:
        return "null"
    if isinstance(value, bool | np.bool_):
        return f"a boolean ({str(bool(value)).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple | np.ndarray):
        return "a list"
    if _is_int(value) or isinstance(value, float | np.floating):
        return f"a number ({value!r})"
    return f"a {type(value).__name__}"


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _is_number(value: object) -> bool:
    return _is_int(value) or isinstance(value, float | np.floating)


def _json_number(x: float) -> str:
    """A non-finite float as the token Python's json module reads and writes for it."""
    if math.isnan(x):
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def _range_text(lo: float | None, lo_open: bool, hi: float | None, hi_open: bool) -> str:
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_open else '≥'} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_open else '≤'} {hi:g}")
    return " and ".join(parts)


def _int(value: object, path: str, lo: int | None = 0, hi: int | None = None) -> int:
    """An integer (not a bool) in ``lo..hi``."""
    if not _is_int(value):
        _fail(path, f"expected an integer, found {_describe(value)}")
    number = int(value)  # type: ignore[call-overload]
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        allowed = f"{lo}..{hi}" if lo is not None and hi is not None else _range_text(lo, 0, hi, 0)
        _fail(path, f"{number} is out of range (allowed: {allowed})")
    return number


def _float(
    value: object,
    path: str,
    lo: float | None = None,
    lo_open: bool = False,
    hi: float | None = None,
    hi_open: bool = False,
) -> float:
    """A finite number (ints accepted, bools not) in the given range, as a Python float."""
    if not _is_number(value):
        _fail(path, f"expected a number, found {_describe(value)}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:
        _fail(path, "the number is too large (numbers must be finite floats)")
    if not math.isfinite(number):
        _fail(path, f"{_json_number(number)} is not allowed (numbers must be finite)")
    if (
        (lo is not None and (number < lo or (lo_open and number == lo)))
        or (hi is not None and (number > hi or (hi_open and number == hi)))
    ):  # fmt: skip
        _fail(
            path, f"{number!r} is out of range (allowed: {_range_text(lo, lo_open, hi, hi_open)})"
        )
    return number


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        _fail(path, f"expected true or false, found {_describe(value)}")
    return bool(value)


def _str(value: object, path: str, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        _fail(path, f"expected a string, found {_describe(value)}")
    if not empty and not value.strip():
        _fail(path, "must not be empty")
    return value


def _choice(value: object, path: str, choices: Iterable[str]) -> str:
    names = ", ".join(choices)
    if not isinstance(value, str):
        _fail(path, f"expected a string (one of {names}), found {_describe(value)}")
    if value not in choices:
        _fail(path, f"{value!r} is not one of {names}")
    return value


def _list(value: object, path: str, what: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        _fail(path, f"expected a list of {what}, found {_describe(value)}")
    return list(value)


def _object(
    value: object,
    path: str,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    elsewhere: Mapping[str, str] | None = None,
) -> Mapping[str, Any]:
    """Check the keys of an object; ``elsewhere`` maps keys that do not apply here to the reason."""
    if not isinstance(value, Mapping):
        _fail(path, f"expected an object, found {_describe(value)}")
    allowed = tuple(allowed)
    for key in value:
        if not isinstance(key, str):
            _fail(path, f"keys must be strings, found {_describe(key)}")
        if key in allowed:
            continue
        if elsewhere and key in elsewhere:
            _fail(_key(path, key), elsewhere[key])
        _fail(path, f"unknown key {key!r} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            _fail(path, f"missing required key {key!r}")
    return value


def _distinct_names(value: object, path: str, choices: Iterable[str] | None) -> list[str]:
    """A non-empty list of distinct strings (each one of ``choices`` when given)."""
    names = _list(value, path, "names")
    if not names:
        _fail(path, "must not be empty")
    for i, name in enumerate(names):
        where = f"{path}[{i}]"
        if choices is None:
            _str(name, where)
        else:
            _choice(name, where, choices)
        if name in names[:i]:
            _fail(where, f"{name!r} is listed twice")
    return names


# --- data ---------------------------------------------------------------------------------------


def _data_keys(dataset: str) -> tuple[str, ...]:
    """The ``data`` keys that apply to a data set, in file order."""
    info = DATASETS[dataset]
    skip = set()
    if not info.planar:
        skip.add("samples")
    if info.classes_range is None:
        skip.add("classes")
    if info.problem != "file":
        skip |= {"path", "target"}
    return tuple(key for key in DATA_DEFAULTS if key not in skip)


def _data(value: object) -> dict[str, Any]:
    path = "data"
    _object(value, path, DATA_DEFAULTS)
    assert isinstance(value, Mapping)
    dataset = _choice(value.get("dataset", DATA_DEFAULTS["dataset"]), "data.dataset", DATASETS)
    info = DATASETS[dataset]
    keys = _data_keys(dataset)
    elsewhere = {}
    for key in DATA_DEFAULTS:
        if key not in keys:
            users = ", ".join(name for name in DATASETS if key in _data_keys(name))
            elsewhere[key] = f"not used by data set {dataset!r} (only by: {users})"
    _object(value, path, keys, ("path", "target") if info.problem == "file" else (), elsewhere)

    out: dict[str, Any] = {"dataset": dataset}
    if "samples" in keys:
        out["samples"] = _int(value.get("samples", info.samples), "data.samples", *SAMPLES_RANGE)
    out["noise"] = _float(value.get("noise", DATA_DEFAULTS["noise"]), "data.noise", 0.0, hi=1.0)
    fraction = value.get("train_fraction", DATA_DEFAULTS["train_fraction"])
    out["train_fraction"] = _float(fraction, "data.train_fraction", 0.0, True, 1.0)
    if info.planar:
        out["features"] = _distinct_names(
            value.get("features", DATA_DEFAULTS["features"]), "data.features", FEATURES
        )
    elif "features" in value:
        out["features"] = _distinct_names(value["features"], "data.features", None)
    out["seed"] = _int(value.get("seed", DATA_DEFAULTS["seed"]), "data.seed", 0)
    if "classes" in keys:
        assert info.classes_range is not None
        out["classes"] = _int(
            value.get("classes", info.classes), "data.classes", *info.classes_range
        )
    if "path" in keys:
        out["path"] = _str(value["path"], "data.path")
        target = value["target"]
        if isinstance(target, str):
            out["target"] = _str(target, "data.target")
            targets = [target]
        else:
            out["target"] = targets = _distinct_names(target, "data.target", None)
        for i, name in enumerate(out.get("features", ())):
            if name in targets:
                _fail(f"data.features[{i}]", f"{name!r} is also a target column (data.target)")
    out["standardize"] = _bool(value.get("standardize", not info.planar), "data.standardize")
    return out


# --- model --------------------------------------------------------------------------------------


def _layer(value: object, path: str, last: bool) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        _fail(path, f"expected an object with 'units' and 'activation', found {_describe(value)}")
    if "activation" not in value:  # report a misspelt key rather than the missing one
        _object(value, path, ("units", "activation"), ("activation",))
    activation = _choice(value["activation"], f"{path}.activation", ACTIVATIONS)
    params = ACTIVATIONS[activation][1]
    takes = f"it takes: {', '.join(params)}" if params else "it takes none"
    elsewhere = {
        key: f"activation {activation!r} takes no parameter {key!r} ({takes})"
        for _label, other in ACTIVATIONS.values()
        for key in other
    }
    _object(value, path, ("units", "activation", *params), ("units",), elsewhere)
    units = _int(value["units"], f"{path}.units", 1, MAX_UNITS)
    # softmax over one unit is allowed (ŷ ≡ 1, no gradient): the GUI shows pairing_note's warning
    if activation == "softmax" and not last:
        _fail(f"{path}.activation", "softmax is only allowed on the output (last) layer")
    out: dict[str, Any] = {"units": units, "activation": activation}
    for key, default in params.items():
        out[key] = _float(value.get(key, default), f"{path}.{key}")
    return out


def _init(value: object) -> dict[str, Any]:
    path = "model.init"
    if not isinstance(value, Mapping):
        _fail(path, f"expected an object, found {_describe(value)}")
    scheme = _choice(value.get("scheme", DEFAULT_INIT), f"{path}.scheme", INITS)
    own = INITS[scheme][1]
    keys = ("scheme", *INIT_COMMON, *own)
    takes = ", ".join(keys[1:])
    elsewhere = {
        key: f"scheme {scheme!r} takes no parameter {key!r} (it takes: {takes})"
        for _label, other in INITS.values()
        for key in other
    }
    _object(value, path, keys, (), elsewhere)
    out: dict[str, Any] = {"scheme": scheme}
    out["scale"] = _float(value.get("scale", INIT_COMMON["scale"]), f"{path}.scale", 0.0, True)
    out["bias"] = _float(value.get("bias", INIT_COMMON["bias"]), f"{path}.bias")
    for key, default in own.items():
        out[key] = _float(value.get(key, default), f"{path}.{key}", 0.0, True)
    return out


def _expected_inputs(data: Mapping[str, Any]) -> tuple[int | None, str]:
    """Number of network inputs the data section implies (None: only the file knows), and why."""
    if "features" in data:
        n = len(data["features"])
        return n, f"data.features selects {n} feature{'s' if n != 1 else ''}"
    dataset = data["dataset"]
    if dataset in FIXED_INPUTS:
        n = FIXED_INPUTS[dataset]
        return n, f"data set {dataset!r} has {n} feature columns"
    return None, ""


def _model(value: object, data: Mapping[str, Any]) -> dict[str, Any]:
    path = "model"
    expected, why = _expected_inputs(data)
    required = ("layers",) if expected is not None else ("inputs", "layers")
    _object(value, path, _MODEL_KEYS, required)
    assert isinstance(value, Mapping)
    inputs = _int(value.get("inputs", expected), "model.inputs", 1)
    if expected is not None and inputs != expected:
        _fail("model.inputs", f"{inputs} does not match the data: {why}")
    layers = _list(value["layers"], "model.layers", "layers")
    if not 1 <= len(layers) <= MAX_LAYERS:
        _fail("model.layers", f"expected 1..{MAX_LAYERS} layers, found {len(layers)}")
    last = len(layers) - 1
    out: dict[str, Any] = {
        "inputs": inputs,
        "layers": [
            _layer(layer, f"model.layers[{i}]", i == last) for i, layer in enumerate(layers)
        ],
    }
    output = out["layers"][-1]["activation"]
    derived = {"softmax": "cce", "sigmoid": "bce"}.get(output, "mse")
    out["loss"] = _choice(value.get("loss", derived), "model.loss", LOSSES)
    out["init"] = _init(value.get("init", {}))
    out["seed"] = _int(value.get("seed", 0), "model.seed", 0)
    if "problem" in value:
        out["problem"] = _choice(value["problem"], "model.problem", PROBLEMS)
    return out


# --- training -----------------------------------------------------------------------------------


def _optimizer_param(key: str, value: object, path: str) -> float | bool:
    if isinstance(_OPTIMIZER_PARAMS[key], bool):
        return _bool(value, path)
    lo, lo_open, hi, hi_open = _OPTIMIZER_RANGES.get(key, (None, False, None, False))
    return _float(value, path, lo, lo_open, hi, hi_open)


def _optimizer(value: object) -> dict[str, Any]:
    path = "training.optimizer"
    _object(value, path, ("name", "learning_rate", *_OPTIMIZER_PARAMS))
    assert isinstance(value, Mapping)
    name = _choice(value.get("name", DEFAULT_OPTIMIZER), f"{path}.name", OPTIMIZERS)
    rate = value.get("learning_rate", DEFAULT_LEARNING_RATE)
    out: dict[str, Any] = {
        "name": name,
        "learning_rate": _float(rate, f"{path}.learning_rate", 0.0, True),
    }
    own = OPTIMIZERS[name][1]
    for key in (*own, *(k for k in _OPTIMIZER_PARAMS if k not in own and k in value)):
        out[key] = _optimizer_param(key, value.get(key, own.get(key)), f"{path}.{key}")
    return out


def _training(value: object) -> dict[str, Any]:
    _object(value, "training", _TRAINING_KEYS)
    assert isinstance(value, Mapping)
    regularization = value.get("regularization", {})
    path = "training.regularization"
    _object(regularization, path, ("kind", "rate"))
    return {
        "optimizer": _optimizer(value.get("optimizer", {})),
        "batch_size": _int(value.get("batch_size", DEFAULT_BATCH_SIZE), "training.batch_size", 1),
        "epochs": _int(value.get("epochs", DEFAULT_EPOCHS), "training.epochs", 0),
        "regularization": {
            "kind": _choice(regularization.get("kind", "none"), f"{path}.kind", REGULARIZATIONS),
            "rate": _float(regularization.get("rate", 0.0), f"{path}.rate", 0.0),
        },
    }


# --- weights and state --------------------------------------------------------------------------


def _shape_of(value: object) -> str:
    """The shape a nested list (or array) has, for messages: ``(8, 3)``, or why it has none."""
    if isinstance(value, np.ndarray):
        return str(value.shape)
    if not isinstance(value, list | tuple):
        return _describe(value)
    lengths = {len(row) if isinstance(row, list | tuple | np.ndarray) else None for row in value}
    if not lengths or lengths == {None}:
        return f"({len(value)},)"
    if None in lengths or len(lengths) > 1:
        return f"{len(value)} rows of different lengths"
    return f"({len(value)}, {lengths.pop()})"


def _vector(value: object, path: str, n: int, shape: str) -> list[float]:
    """``n`` finite numbers as Python floats; ``shape`` is the expected shape for messages."""
    if isinstance(value, np.ndarray):
        if value.shape != (n,):
            _fail(path, f"expected shape {shape}, found {value.shape}")
        if value.dtype.kind not in "iuf":
            _fail(path, f"expected numbers, found an array of {value.dtype}")
    elif not isinstance(value, list | tuple) or len(value) != n:
        _fail(path, f"expected shape {shape}, found {_shape_of(value)}")
    elif not set(map(type, value)) <= {float, int}:  # the slow path names the first bad entry
        value = [_float(x, f"{path}[{j}]") for j, x in enumerate(value)]
    try:
        array = np.asarray(value, dtype=np.float64)
    except OverflowError:
        array = np.array([_float(x, f"{path}[{j}]") for j, x in enumerate(value)])
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        j = int(bad[0])
        _fail(f"{path}[{j}]", f"{_json_number(array[j])} is not allowed (numbers must be finite)")
    return array.tolist()


def _matrix(value: object, path: str, rows: int, cols: int) -> list[list[float]]:
    shape = f"({rows}, {cols})"
    if not isinstance(value, list | tuple | np.ndarray) or _shape_of(value) != shape:
        _fail(path, f"expected shape {shape}, found {_shape_of(value)}")
    assert isinstance(value, list | tuple | np.ndarray)
    return [_vector(row, f"{path}[{i}]", cols, f"({cols},)") for i, row in enumerate(value)]


def _parameters(value: object, path: str, shapes: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """One ``{"W": (n_l, n_{l-1}), "b": (n_l,)}`` per layer."""
    if not isinstance(value, list | tuple):
        _fail(path, f"expected a list with one {{W, b}} per layer, found {_describe(value)}")
    entries = list(value)
    if len(entries) != len(shapes):
        _fail(path, f"expected {len(shapes)} entries (one per layer), found {len(entries)}")
    out = []
    for l, (entry, (rows, cols)) in enumerate(zip(entries, shapes, strict=True)):
        where = f"{path}[{l}]"
        _object(entry, where, ("W", "b"), ("W", "b"))
        assert isinstance(entry, Mapping)
        W = _matrix(entry["W"], f"{where}.W", rows, cols)
        b = _vector(entry["b"], f"{where}.b", rows, f"({rows},)")
        out.append({"W": W, "b": b})
    return out


def _state(value: object, shapes: list[tuple[int, int]]) -> dict[str, Any]:
    _object(value, "state", ("epoch", "step", "offset", "optimizer"), ("epoch", "step"))
    assert isinstance(value, Mapping)
    out: dict[str, Any] = {
        "epoch": _int(value["epoch"], "state.epoch", 0),
        "step": _int(value["step"], "state.step", 0),
    }
    if "offset" in value:  # training examples of the current epoch already used
        out["offset"] = _int(value["offset"], "state.offset", 0)
    if "optimizer" in value:
        path = "state.optimizer"
        optimizer = _object(value["optimizer"], path, ("name", "t", "slots"), ("name",))
        slots = optimizer.get("slots", {})
        if not isinstance(slots, Mapping):
            _fail(f"{path}.slots", f"expected an object (slot name → per-layer arrays), found "
                  f"{_describe(slots)}")  # fmt: skip
        out["optimizer"] = {
            "name": _choice(optimizer["name"], f"{path}.name", OPTIMIZERS),
            "t": _int(optimizer.get("t", 0), f"{path}.t", 0),
            "slots": {},
        }
        for name, slot in slots.items():
            if not isinstance(name, str) or not name:
                _fail(f"{path}.slots", f"slot names must be non-empty strings, found {name!r}")
            where = f"{path}.slots.{name}" if name.isidentifier() else f"{path}.slots[{name!r}]"
            out["optimizer"]["slots"][name] = _parameters(slot, where, shapes)
    return out


# --- the whole file -----------------------------------------------------------------------------


def validate_experiment(obj: object) -> dict[str, Any]:
    """Check an experiment (a parsed file) and return a new normalized dict; ``obj`` is unchanged.

    Raises:
        ExperimentError: naming the key path and what is wrong (allowed values, range, shapes).
    """
    if not isinstance(obj, Mapping):
        _fail("", f"expected an object, found {_describe(obj)}")
    for key in ("format", "version"):
        if key not in obj:
            _fail("", f"missing required key {key!r} (is this a Playground experiment file?)")
    if obj["format"] != FORMAT:
        _fail("format", f"expected {FORMAT!r}, found {_describe(obj['format'])}")
    version = _int(obj["version"], "version", 1)
    if version > VERSION:
        newer = f"file version {version}, this one reads {VERSION}"
        _fail("version", f"the file is from a newer Playground ({newer}); please update Playground")
    _object(obj, "", _TOP_KEYS, ("data", "model", "training"))

    out: dict[str, Any] = {"format": FORMAT, "version": version}
    for key in ("name", "description"):
        if key in obj:
            out[key] = _str(obj[key], key, empty=True)
    out["data"] = _data(obj["data"])
    out["model"] = _model(obj["model"], out["data"])
    out["training"] = _training(obj["training"])
    sizes = [out["model"]["inputs"], *(layer["units"] for layer in out["model"]["layers"])]
    shapes = list(zip(sizes[1:], sizes[:-1], strict=True))
    weights = obj.get("weights")
    out["weights"] = None if weights is None else _parameters(weights, "weights", shapes)
    if "state" in obj:
        if out["weights"] is None:
            _fail("state", "a training state needs the weights it belongs to, but weights is null")
        out["state"] = _state(obj["state"], shapes)
    return out
