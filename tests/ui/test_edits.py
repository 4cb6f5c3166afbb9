"""The experiment edits behind the window's controls (pure functions, no Qt needed)."""

from __future__ import annotations

import pytest

from playground.data import make_dataset
from playground.io import validate_experiment
from playground.ui import edits


def test_layers_and_neurons(experiment) -> None:
    exp = edits.add_layer(experiment)
    assert [l["units"] for l in exp["model"]["layers"]] == [8, 8, 8, 1]
    assert exp["weights"] is None and "state" not in exp
    exp = edits.add_neuron(exp, 3)
    exp = edits.remove_neuron(exp, 1)
    exp = edits.set_activation(exp, 2, "leaky_relu")
    validate_experiment(exp)
    assert [l["units"] for l in exp["model"]["layers"]] == [7, 8, 9, 1]
    assert exp["model"]["layers"][1]["activation"] == "leaky_relu"
    exp = edits.set_activation(exp, 2, "tanh")
    assert exp["model"]["layers"][1] == {"units": 8, "activation": "tanh"}
    with pytest.raises(ValueError):
        edits.set_activation(exp, 1, "softmax")
    with pytest.raises(ValueError):
        edits.set_units(exp, 1, 0)
    for _ in range(3):
        exp = edits.remove_layer(exp)
    assert exp["model"]["layers"] == [{"units": 1, "activation": "sigmoid"}]
    with pytest.raises(ValueError):
        edits.remove_layer(exp)
    assert edits.add_layer(exp)["model"]["layers"][0] == edits.DEFAULT_HIDDEN


@pytest.mark.parametrize(
    ("kind", "k", "activation", "loss"),
    [
        ("binary", 1, "sigmoid", "bce"),
        ("multiclass", 3, "softmax", "cce"),
        ("multilabel", 3, "sigmoid", "bce"),
        ("regression", 2, "linear", "mse"),
    ],
)
def test_problem_types_set_the_output_layer(experiment, kind, k, activation, loss) -> None:
    exp = edits.set_problem(experiment, kind, k)
    assert exp["model"]["layers"][-1] == {"units": k, "activation": activation}
    assert exp["model"]["loss"] == loss and edits.problem(exp) == kind


def test_switching_data_sets_keeps_only_their_keys(experiment) -> None:
    data = edits.data_section(experiment["data"], {"dataset": "iris"})
    assert data["dataset"] == "iris" and "features" not in data and "samples" not in data
    ds = make_dataset(data)
    exp = edits.fit_to_data({**experiment, "data": data}, ds.n_inputs, ds.n_outputs, ds.problem)
    exp["model"]["inputs"] = ds.n_inputs
    assert validate_experiment(exp)["model"]["layers"][-1] == {"units": 3, "activation": "softmax"}
    back = edits.data_section(data, {"dataset": "circle"})
    assert back["features"] == ["x1", "x2"] and "classes" not in back
    planar = edits.data_section(experiment["data"], {"dataset": "xor"})
    assert planar["features"] == experiment["data"]["features"]  # planar → planar keeps features


def test_fit_keeps_a_compatible_output_and_its_weights(experiment) -> None:
    exp = dict(
        experiment,
        weights=[
            {"W": [[0.0] * 6] * 8, "b": [0.0] * 8},
            {"W": [[0.0] * 8] * 8, "b": [0.0] * 8},
            {"W": [[0.0] * 8], "b": [0.0]},
        ],
    )
    same = edits.fit_to_data(exp, 6, 1, "binary")
    assert same["weights"] is not None
    regression = edits.set_problem(experiment, "regression", 1)
    kept = edits.fit_to_data(regression, 6, 1, "binary")
    assert edits.problem(kept) == "regression"  # a binary set may be fitted by regression
    forced = edits.fit_to_data(regression, 2, 1, "regression")
    assert forced["model"]["inputs"] == 2
