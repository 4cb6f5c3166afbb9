"""weights.npz (DESIGN.md): W1..WL, b1..bL and experiment, readable without pickle; bad files are
reported naming the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from test_export_cases import ACTIVATION_CASES, experiment, trained_like

from playground.io import ExperimentError, experiment_to_json
from playground.io.weights import load_weights_npz, save_weights_npz


def test_contract_arrays_load_without_pickle(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["deep"])
    path = tmp_path / "weights.npz"
    save_weights_npz(path, net.weights, net.biases, exp)
    L = net.n_layers
    with np.load(path, allow_pickle=False) as z:
        assert sorted(z.files) == sorted(
            [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)] + ["experiment"]
        )
        for l in range(1, L + 1):
            assert z[f"W{l}"].dtype == np.float64
            assert np.array_equal(z[f"W{l}"], net.weights[l - 1])  # (n_l, n_{l-1}) as stored
            assert np.array_equal(z[f"b{l}"], net.biases[l - 1])
        assert json.loads(str(z["experiment"]))["model"] == exp["model"]
    assert os.listdir(tmp_path) == ["weights.npz"]


def test_experiment_round_trips_identically(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["leaky_relu"])
    save_weights_npz(tmp_path / "w.npz", net.weights, net.biases, exp)
    Ws, bs, back = load_weights_npz(tmp_path / "w.npz")
    assert back == exp
    assert experiment_to_json(back) == experiment_to_json(exp)
    assert back["state"] == {"epoch": 3, "step": 120}
    for W, W0 in zip(Ws, net.weights, strict=True):
        assert np.array_equal(W, W0)


@pytest.mark.parametrize("cut", [0, 10, 0.5, -20])
def test_truncated_file_names_it(tmp_path: Path, cut: float) -> None:
    net, exp = trained_like(
        experiment([{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}])
    )
    good = tmp_path / "good.npz"
    save_weights_npz(good, net.weights, net.biases, exp)
    data = good.read_bytes()
    n = int(len(data) * cut) if isinstance(cut, float) else cut % len(data)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(data[:n])
    with pytest.raises(ExperimentError, match="bad.npz: cannot read weights"):
        load_weights_npz(bad)


def test_not_a_weights_file(tmp_path: Path) -> None:
    np.savez(tmp_path / "other.npz", a=np.ones(3))
    with pytest.raises(ExperimentError, match="other.npz: not a Playground weights file"):
        load_weights_npz(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ExperimentError, match="text.npz: cannot read weights"):
        load_weights_npz(tmp_path / "text.npz")
    with pytest.raises(ExperimentError, match="missing.npz: cannot read weights"):
        load_weights_npz(tmp_path / "missing.npz")


def test_experiment_that_is_not_an_object(tmp_path: Path) -> None:
    np.savez(tmp_path / "w.npz", W1=np.ones((1, 2)), b1=np.ones(1), experiment=np.array("[1, 2]"))
    with pytest.raises(ExperimentError, match="w.npz: .*not a JSON object"):
        load_weights_npz(tmp_path / "w.npz")


def test_shapes_that_disagree_with_the_experiment_name_the_file(tmp_path: Path) -> None:
    exp = experiment([{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}])
    np.savez(
        tmp_path / "w.npz",
        W1=np.ones((3, 2)),
        b1=np.ones(3),
        W2=np.ones((2, 3)),
        b2=np.ones(2),
        experiment=np.array(experiment_to_json(exp)),
    )
    with pytest.raises(ExperimentError, match=r"w.npz: weights\[1\]\.W: expected shape \(1, 3\)"):
        load_weights_npz(tmp_path / "w.npz")


def test_object_arrays_are_refused_not_unpickled(tmp_path: Path) -> None:
    exp = experiment([{"units": 1, "activation": "sigmoid"}])
    np.savez(
        tmp_path / "w.npz",
        W1=np.array([[1, 2]], dtype=object),
        b1=np.ones(1),
        experiment=np.array(experiment_to_json(exp)),
    )
    with pytest.raises(ExperimentError, match="w.npz: cannot read weights"):
        load_weights_npz(tmp_path / "w.npz")
