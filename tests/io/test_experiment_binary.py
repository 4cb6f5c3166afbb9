"""Opening a weights file or another binary file as an experiment says what it looks like,
instead of a puzzling "not UTF-8 text (line 1, column 15: byte 0xdd)"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_export_cases import ACTIVATION_CASES, require, trained_like

from playground.io import ExperimentError, load_experiment
from playground.io.export import export_network
from playground.io.weights import save_weights_npz


def load_error(path: Path) -> str:
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    return str(info.value)


def test_a_weights_npz_is_named_as_such(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    save_weights_npz(tmp_path / "weights.npz", net.weights, net.biases, exp)
    message = load_error(tmp_path / "weights.npz")
    assert message.startswith(f"{tmp_path / 'weights.npz'}: this looks like a weights file (.npz")
    assert "not an experiment JSON file" in message and "UTF-8" not in message


def test_other_binary_files(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.ones(3))
    message = load_error(tmp_path / "x.npy")
    assert "a NumPy array file (.npy), not an experiment JSON file" in message
    require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    export_network(net, exp, "onnx", tmp_path / "model.onnx")
    message = load_error(tmp_path / "model.onnx")
    assert "looks like binary data, not an experiment JSON file" in message
    assert "UTF-8" not in message


def test_text_in_another_encoding_still_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes('{"name": "Größe"}'.encode("latin-1"))
    assert "not UTF-8 text (line 1, column 13" in load_error(tmp_path / "latin1.json")
