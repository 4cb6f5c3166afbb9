"""Validation and normalization rules of the experiment file (playground.io.schema)."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from builders import design_example

from playground.data.registry import DATASETS
from playground.engine.names import ACTIVATIONS, DEFAULT_LEARNING_RATE, INITS, OPTIMIZERS
from playground.io import ExperimentError, validate_experiment


def example() -> dict[str, Any]:
    return design_example()


def minimal() -> dict[str, Any]:
    """The least a file must say."""
    return {
        "format": "playground-experiment",
        "version": 1,
        "data": {},
        "model": {"layers": [{"units": 1, "activation": "sigmoid"}]},
        "training": {},
    }


def weights_for(sizes: list[int], seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    return [
        {"W": rng.normal(size=(n, p)).tolist(), "b": rng.normal(size=n).tolist()}
        for p, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def with_weights() -> dict[str, Any]:
    exp = example()
    exp["weights"] = weights_for([2, 8, 8, 1])
    return exp


def error_of(exp: object) -> str:
    with pytest.raises(ExperimentError) as info:
        validate_experiment(exp)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- valid files and normalization --------------------------------------------------------------


def test_design_example_validates_and_is_filled_in() -> None:
    exp = validate_experiment(example())
    assert exp["data"] == {
        "dataset": "spiral",
        "samples": 500,
        "noise": 0.1,
        "train_fraction": 0.5,
        "features": ["x1", "x2"],
        "seed": 1,
        "classes": 2,
        "standardize": False,
    }
    assert exp["model"]["init"] == {"scheme": "xavier_uniform", "scale": 1.0, "bias": 0.0}
    assert exp["model"]["layers"][0] == {"units": 8, "activation": "tanh"}
    assert exp["training"]["optimizer"] == {"name": "sgd", "learning_rate": 0.03}
    assert exp["weights"] is None
    assert "state" not in exp and "name" not in exp


def test_minimal_file_gets_every_default() -> None:
    exp = validate_experiment(minimal())
    assert exp["data"] == {
        "dataset": "circle",
        "samples": 500,
        "noise": 0.0,
        "train_fraction": 0.5,
        "features": ["x1", "x2"],
        "seed": 0,
        "standardize": False,
    }
    assert exp["model"] == {
        "inputs": 2,
        "layers": [{"units": 1, "activation": "sigmoid"}],
        "loss": "bce",
        "init": {"scheme": "xavier_uniform", "scale": 1.0, "bias": 0.0},
        "seed": 0,
    }
    assert exp["training"] == {
        "optimizer": {"name": "sgd", "learning_rate": DEFAULT_LEARNING_RATE},
        "batch_size": 10,
        "epochs": 100,
        "regularization": {"kind": "none", "rate": 0.0},
    }
    assert exp["weights"] is None


def test_key_order_is_fixed() -> None:
    exp = validate_experiment({**minimal(), "name": "n", "description": "d"})
    assert list(exp) == [
        "format", "version", "name", "description", "data", "model", "training", "weights",
    ]  # fmt: skip
    shuffled = dict(reversed(list(example().items())))
    assert json.dumps(validate_experiment(shuffled)) == json.dumps(validate_experiment(example()))


@pytest.mark.parametrize(
    ("output", "units", "loss"),
    [("softmax", 3, "cce"), ("sigmoid", 1, "bce"), ("linear", 1, "mse"), ("tanh", 2, "mse")],
)
def test_loss_defaults_from_output_layer(output: str, units: int, loss: str) -> None:
    exp = minimal()
    exp["model"]["layers"] = [
        {"units": 4, "activation": "relu"},
        {"units": units, "activation": output},
    ]
    assert validate_experiment(exp)["model"]["loss"] == loss


def test_activation_and_init_parameters_are_filled_in() -> None:
    exp = minimal()
    exp["model"]["layers"] = [
        {"units": 3, "activation": "leaky_relu"},
        {"units": 3, "activation": "elu", "alpha": 2},
        {"units": 1, "activation": "linear"},
    ]
    exp["model"]["init"] = {"scheme": "normal", "std": 0.5}
    model = validate_experiment(exp)["model"]
    assert model["layers"] == [
        {"units": 3, "activation": "leaky_relu", "alpha": ACTIVATIONS["leaky_relu"][1]["alpha"]},
        {"units": 3, "activation": "elu", "alpha": 2.0},
        {"units": 1, "activation": "linear", "slope": 1.0},
    ]
    assert type(model["layers"][1]["alpha"]) is float
    assert model["init"] == {"scheme": "normal", "scale": 1.0, "bias": 0.0, "std": 0.5}
    exp["model"]["init"] = {"scheme": "uniform"}
    assert validate_experiment(exp)["model"]["init"]["limit"] == INITS["uniform"][1]["limit"]


def test_optimizer_keeps_parameters_of_other_optimizers() -> None:
    exp = minimal()
    exp["training"]["optimizer"] = {"name": "adam", "learning_rate": 1, "momentum": 0.5}
    optimizer = validate_experiment(exp)["training"]["optimizer"]
    assert optimizer == {
        "name": "adam",
        "learning_rate": 1.0,
        **OPTIMIZERS["adam"][1],
        "momentum": 0.5,
    }
    assert list(optimizer)[:5] == ["name", "learning_rate", "beta1", "beta2", "epsilon"]
    exp["training"]["optimizer"] = {"name": "momentum", "nesterov": True}
    assert validate_experiment(exp)["training"]["optimizer"] == {
        "name": "momentum",
        "learning_rate": DEFAULT_LEARNING_RATE,
        "momentum": 0.9,
        "nesterov": True,
    }


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_only_keys_that_apply_to_the_data_set(dataset: str) -> None:
    exp = minimal()
    info = DATASETS[dataset]
    exp["data"] = {"dataset": dataset}
    if dataset == "csv":
        exp["data"] |= {"path": "/data/x.csv", "target": ["a", "b"], "features": ["c", "d"]}
    data = validate_experiment(exp)["data"]
    assert ("samples" in data) == info.planar
    assert ("classes" in data) == (info.classes_range is not None)
    assert ("path" in data) == ("target" in data) == (dataset == "csv")
    assert data["standardize"] is (not info.planar)
    assert ("features" in data) == (info.planar or dataset == "csv")
    if info.classes is not None:
        assert data["classes"] == info.classes
    if info.planar:
        assert data["samples"] == info.samples


def test_iris_inputs_follow_selected_columns() -> None:
    exp = minimal()
    exp["data"] = {"dataset": "iris"}
    exp["model"]["layers"] = [{"units": 3, "activation": "softmax"}]
    assert validate_experiment(exp)["model"]["inputs"] == 4
    exp["data"]["features"] = ["petal_length", "petal_width"]
    assert validate_experiment(exp)["model"]["inputs"] == 2


def test_normalization_is_idempotent_and_does_not_mutate() -> None:
    exp = with_weights()
    exp["state"] = {
        "epoch": 3,
        "step": 75,
        "optimizer": {"name": "adam", "t": 75, "slots": {"m": weights_for([2, 8, 8, 1], 1)}},
    }
    exp["weights"][0]["b"] = [0, 1, 2, 3, 4, 5, 6, 7]  # ints become floats
    before = copy.deepcopy(exp)
    once = validate_experiment(exp)
    assert exp == before
    assert validate_experiment(once) == once
    assert once["weights"][0]["b"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert all(type(x) is float for x in once["weights"][0]["b"])
    once["weights"][0]["W"][0][0] = 99.0  # a deep copy: nothing is shared with the input
    once["data"]["features"].append("x1^2")
    assert exp == before
    for other in (minimal(), example()):
        normalized = validate_experiment(other)
        assert validate_experiment(normalized) == normalized


def test_numpy_arrays_are_accepted_for_weights() -> None:
    exp = example()
    rng = np.random.default_rng(0)
    exp["weights"] = [
        {"W": rng.normal(size=(n, p)), "b": np.zeros(n, dtype=np.float32)}
        for p, n in ((2, 8), (8, 8), (8, 1))
    ]
    weights = validate_experiment(exp)["weights"]
    assert weights[0]["W"] == exp["weights"][0]["W"].tolist()
    assert type(weights[2]["b"][0]) is float
    exp["weights"][1]["W"] = np.zeros((8, 7))
    assert "expected shape (8, 8), found (8, 7)" in error_of(exp)


# --- errors -------------------------------------------------------------------------------------

Case = tuple[Callable[[dict[str, Any]], object], str]


def setter(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or with ``...`` deletes) the key at a dotted path."""

    def mutate(exp: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = exp
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is ...:
            del node[last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


ERRORS: dict[str, Case] = {
    # unknown keys at every level
    "unknown top": (setter("wieghts", None), "experiment: unknown key 'wieghts' (allowed: format,"),
    "unknown data": (setter("data.nosie", 0.1), "data: unknown key 'nosie' (allowed: dataset,"),
    "unknown model": (setter("model.layer", []), "model: unknown key 'layer' (allowed: inputs,"),
    "unknown layer": (
        setter("model.layers.0.unit", 3),
        "model.layers[0]: unknown key 'unit' (allowed: units, activation)",
    ),
    "unknown init": (
        setter("model.init.sheme", "zeros"),
        "model.init: unknown key 'sheme' (allowed: scheme, scale, bias)",
    ),
    "unknown training": (setter("training.epoch", 3), "training: unknown key 'epoch' (allowed:"),
    "unknown optimizer": (
        setter("training.optimizer.learnig_rate", 0.1),
        "training.optimizer: unknown key 'learnig_rate' (allowed: name, learning_rate, momentum,",
    ),
    "unknown regularization": (
        setter("training.regularization.lambda", 0.1),
        "training.regularization: unknown key 'lambda' (allowed: kind, rate)",
    ),
    # missing keys
    "no format": (setter("format", ...), "experiment: missing required key 'format'"),
    "no version": (setter("version", ...), "experiment: missing required key 'version'"),
    "no model": (setter("model", ...), "experiment: missing required key 'model'"),
    "no training": (setter("training", ...), "experiment: missing required key 'training'"),
    "no layers": (setter("model.layers", ...), "model: missing required key 'layers'"),
    "no units": (
        setter("model.layers.1.units", ...),
        "model.layers[1]: missing required key 'units'",
    ),
    "no activation": (
        setter("model.layers.1.activation", ...),
        "model.layers[1]: missing required key 'activation'",
    ),
    "misspelt activation": (
        lambda exp: exp["model"]["layers"][1].update(
            activaton=exp["model"]["layers"][1].pop("activation")
        ),
        "model.layers[1]: unknown key 'activaton' (allowed: units, activation)",
    ),
    # format and version
    "wrong format": (setter("format", "tf-playground"), "format: expected 'playground-experiment'"),
    "newer version": (
        setter("version", 2),
        "version: the file is from a newer Playground (file version 2, this one reads 1)",
    ),
    "version zero": (setter("version", 0), "version: 0 is out of range"),
    "version string": (
        setter("version", "1"),
        "version: expected an integer, found a string ('1')",
    ),
    # wrong types
    "not an object": (lambda exp: [exp], "experiment: expected an object, found a list"),
    "data not object": (setter("data", []), "data: expected an object, found a list"),
    "bool is not int": (setter("training.epochs", True), "training.epochs: expected an integer"),
    "float is not int": (
        setter("model.layers.0.units", 8.0),
        "model.layers[0].units: expected an integer, found a number (8.0)",
    ),
    "string number": (setter("data.noise", "0.1"), "data.noise: expected a number, found a string"),
    "bool is not float": (
        setter("data.noise", False),
        "data.noise: expected a number, found a boolean",
    ),
    "nesterov not bool": (
        setter("training.optimizer.nesterov", 1),
        "training.optimizer.nesterov: expected true or false, found a number (1)",
    ),
    "standardize not bool": (
        setter("data.standardize", "yes"),
        "data.standardize: expected true or",
    ),
    "name not string": (setter("name", 3), "name: expected a string, found a number (3)"),
    "features not list": (setter("data.features", "x1"), "data.features: expected a list of names"),
    "layers not list": (setter("model.layers", {}), "model.layers: expected a list of layers"),
    "weights not list": (
        setter("weights", {}),
        "weights: expected a list with one {W, b} per layer",
    ),
    # unknown names
    "bad activation": (
        setter("model.layers.1.activation", "tanhh"),
        "model.layers[1].activation: 'tanhh' is not one of step, linear, sigmoid, tanh,",
    ),
    "bad dataset": (setter("data.dataset", "moons"), "data.dataset: 'moons' is not one of circle,"),
    "bad feature": (
        setter("data.features.1", "x3"),
        "data.features[1]: 'x3' is not one of x1, x2,",
    ),
    "repeated feature": (setter("data.features.1", "x1"), "data.features[1]: 'x1' is listed twice"),
    "no features": (setter("data.features", []), "data.features: must not be empty"),
    "bad loss": (setter("model.loss", "hinge"), "model.loss: 'hinge' is not one of mse, bce, cce"),
    "bad init": (
        setter("model.init.scheme", "glorot"),
        "model.init.scheme: 'glorot' is not one of",
    ),
    "bad optimizer": (
        setter("training.optimizer.name", "lbfgs"),
        "training.optimizer.name: 'lbfgs'",
    ),
    "bad regularization": (
        setter("training.regularization.kind", "l3"),
        "training.regularization.kind: 'l3' is not one of none, l1, l2",
    ),
    "bad problem": (setter("model.problem", "ranking"), "model.problem: 'ranking' is not one of"),
    # out of range
    "samples": (setter("data.samples", 3), "data.samples: 3 is out of range (allowed: 4..1000000)"),
    "noise": (setter("data.noise", 1.5), "data.noise: 1.5 is out of range (allowed: ≥ 0 and ≤ 1)"),
    "train fraction": (
        setter("data.train_fraction", 0),
        "data.train_fraction: 0.0 is out of range (allowed: > 0 and ≤ 1)",
    ),
    "seed": (setter("data.seed", -1), "data.seed: -1 is out of range (allowed: ≥ 0)"),
    "classes": (setter("data.classes", 7), "data.classes: 7 is out of range (allowed: 2..6)"),
    "units": (setter("model.layers.2.units", 0), "model.layers[2].units: 0 is out of range"),
    "too many units": (setter("model.layers.0.units", 4097), "allowed: 1..4096"),
    "no layers at all": (
        setter("model.layers", []),
        "model.layers: expected 1..64 layers, found 0",
    ),
    "learning rate": (
        setter("training.optimizer.learning_rate", 0),
        "training.optimizer.learning_rate: 0.0 is out of range (allowed: > 0)",
    ),
    "infinite learning rate": (
        setter("training.optimizer.learning_rate", math.inf),
        "training.optimizer.learning_rate: Infinity is not allowed (numbers must be finite)",
    ),
    "momentum": (
        setter("training.optimizer.momentum", 1.0),
        "training.optimizer.momentum: 1.0 is out of range (allowed: ≥ 0 and < 1)",
    ),
    "beta2": (setter("training.optimizer.beta2", -0.1), "training.optimizer.beta2: -0.1 is out of"),
    "epsilon": (
        setter("training.optimizer.epsilon", 0),
        "training.optimizer.epsilon: 0.0 is out of",
    ),
    "batch size": (setter("training.batch_size", 0), "training.batch_size: 0 is out of range"),
    "epochs": (setter("training.epochs", -5), "training.epochs: -5 is out of range (allowed: ≥ 0)"),
    "rate": (setter("training.regularization.rate", -1), "training.regularization.rate: -1.0 is"),
    "scale": (
        setter("model.init.scale", 0),
        "model.init.scale: 0.0 is out of range (allowed: > 0)",
    ),
    # parameters that do not apply
    "alpha on tanh": (
        setter("model.layers.0.alpha", 0.1),
        "model.layers[0].alpha: activation 'tanh' takes no parameter 'alpha' (it takes none)",
    ),
    "std on xavier": (
        setter("model.init.std", 0.1),
        "model.init.std: scheme 'xavier_uniform' takes no parameter 'std' (it takes: scale, bias)",
    ),
    "classes on circle": (
        lambda exp: exp["data"].update(dataset="circle", classes=3),
        "data.classes: not used by data set 'circle' (only by: spiral, blobs)",
    ),
    "path on spiral": (setter("data.path", "x.csv"), "data.path: not used by data set 'spiral'"),
    # softmax
    "softmax not last": (
        setter("model.layers.0.activation", "softmax"),
        "model.layers[0].activation: softmax is only allowed on the output (last) layer",
    ),
    # inputs
    "inputs": (setter("model.inputs", 3), "model.inputs: 3 does not match the data: data.features"),
    # weights and state
    "state without weights": (
        setter("state", {"epoch": 0, "step": 0}),
        "state: a training state needs the weights it belongs to",
    ),
    "unknown state": (
        lambda exp: exp.update(weights=weights_for([2, 8, 8, 1]), state={"epoch": 1, "steps": 2}),
        "state: unknown key 'steps' (allowed: epoch, step, offset, optimizer)",
    ),
    "no state step": (
        lambda exp: exp.update(weights=weights_for([2, 8, 8, 1]), state={"epoch": 1}),
        "state: missing required key 'step'",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS), ids=list(ERRORS))
def test_errors_name_the_key_path(case: str) -> None:
    mutate, expected = ERRORS[case]
    exp = example()
    result = mutate(exp)
    message = error_of(exp if result is None else result)
    assert expected in message


def test_error_carries_key_path_and_reason() -> None:
    exp = example()
    exp["training"]["batch_size"] = 0
    with pytest.raises(ExperimentError) as info:
        validate_experiment(exp)
    assert isinstance(info.value, ValueError)
    assert info.value.key_path == "training.batch_size"
    assert info.value.reason == "0 is out of range (allowed: ≥ 1)"
    assert info.value.file is None
    assert str(info.value.in_file("a.json")) == "a.json: training.batch_size: " + info.value.reason
    assert str(ExperimentError("a whole message")) == "a whole message"


def test_value_error_lists_every_allowed_value() -> None:
    exp = example()
    exp["model"]["layers"][1]["activation"] = "tanhh"
    assert error_of(exp).endswith(", ".join(ACTIVATIONS))


def test_inputs_message_says_how_many_features_are_selected() -> None:
    exp = example()
    exp["data"]["features"] = ["x1", "x2", "x1*x2"]
    assert (
        error_of(exp) == "model.inputs: 2 does not match the data: data.features selects 3 features"
    )
    exp["data"] = {"dataset": "iris"}
    assert "model.inputs: 2 does not match the data: data set 'iris' has 4" in error_of(exp)


def test_csv_requires_path_and_target_and_needs_inputs() -> None:
    exp = example()
    exp["data"] = {"dataset": "csv", "target": "y"}
    assert "data: missing required key 'path'" in error_of(exp)
    exp["data"] = {"dataset": "csv", "path": "d.csv"}
    assert "data: missing required key 'target'" in error_of(exp)
    exp["data"] = {"dataset": "csv", "path": "d.csv", "target": []}
    assert "data.target: must not be empty" in error_of(exp)
    exp["data"] = {"dataset": "csv", "path": "d.csv", "target": "y", "features": ["a", "y"]}
    assert "data.features[1]: 'y' is also a target column" in error_of(exp)
    exp["data"] = {"dataset": "csv", "path": "d.csv", "target": "y", "samples": 10}
    assert "data.samples: not used by data set 'csv'" in error_of(exp)
    exp["data"] = {"dataset": "csv", "path": "d.csv", "target": "y"}
    del exp["model"]["inputs"]
    assert "model: missing required key 'inputs'" in error_of(exp)
    exp["model"]["inputs"] = 5
    assert validate_experiment(exp)["data"]["target"] == "y"


def test_weight_shape_errors_state_expected_and_found() -> None:
    exp = with_weights()
    exp["weights"][1]["W"] = np.zeros((8, 3)).tolist()
    assert error_of(exp) == "weights[1].W: expected shape (8, 8), found (8, 3)"
    exp = with_weights()
    exp["weights"][0]["W"][3].append(1.0)
    assert error_of(exp) == "weights[0].W: expected shape (8, 2), found 8 rows of different lengths"
    exp = with_weights()
    exp["weights"][2]["b"] = [0.0, 0.0]
    assert error_of(exp) == "weights[2].b: expected shape (1,), found (2,)"
    exp = with_weights()
    exp["weights"].pop()
    assert error_of(exp) == "weights: expected 3 entries (one per layer), found 2"
    exp = with_weights()
    exp["weights"][0]["w"] = exp["weights"][0].pop("W")
    assert "weights[0]: unknown key 'w' (allowed: W, b)" in error_of(exp)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1.0", True, None, [1.0]])
def test_weights_must_be_finite_numbers(bad: object) -> None:
    exp = with_weights()
    exp["weights"][1]["W"][3][0] = bad
    assert error_of(exp).startswith("weights[1].W[3][0]: ")
    exp = with_weights()
    exp["weights"][2]["b"][0] = bad
    assert error_of(exp).startswith("weights[2].b[0]: ")


def test_nan_from_json_text_is_named() -> None:
    text = json.dumps(with_weights())
    exp = json.loads(text.replace(str(with_weights()["weights"][1]["W"][3][0]), "NaN", 1))
    assert error_of(exp) == "weights[1].W[3][0]: NaN is not allowed (numbers must be finite)"


def test_state_optimizer_slots_follow_weight_shapes() -> None:
    exp = with_weights()
    slots = {"m": weights_for([2, 8, 8, 1], 1), "v": weights_for([2, 8, 8, 1], 2)}
    exp["state"] = {"epoch": 2, "step": 50, "optimizer": {"name": "adam", "t": 50, "slots": slots}}
    state = validate_experiment(exp)["state"]
    assert state["optimizer"]["slots"]["v"] == slots["v"]
    exp["state"]["optimizer"]["slots"]["v"][2]["W"] = [[0.0] * 7]
    assert error_of(exp) == "state.optimizer.slots.v[2].W: expected shape (1, 8), found (1, 7)"
    exp["state"]["optimizer"] = {"name": "adamw"}
    assert "state.optimizer.name: 'adamw' is not one of" in error_of(exp)
    exp["state"]["optimizer"] = {"name": "sgd", "step": 1}
    assert "state.optimizer: unknown key 'step' (allowed: name, t, slots)" in error_of(exp)
    exp["state"] = {"epoch": 0, "step": 0, "optimizer": {"name": "sgd"}}
    assert validate_experiment(exp)["state"]["optimizer"] == {"name": "sgd", "t": 0, "slots": {}}
