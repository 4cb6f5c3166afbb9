"""playground.io.export: weights to .npz and JSON and back, and every way an export can fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_export_cases import (
    ACTIVATION_CASES,
    experiment,
    inputs_for,
    temp_files,
    trained_like,
    write_experiment,
)

from playground.engine import Activation, Network, get_activation, get_loss
from playground.io import load_experiment
from playground.io.export import ExportError, export_model, export_network, load_network
from playground.io.json_weights import FORMAT, load_weights_json, weights_document
from playground.io.weights import load_weights_npz

# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(ACTIVATION_CASES))
@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_weights_round_trip_to_the_same_outputs(tmp_path: Path, case: str, fmt: str) -> None:
    net, exp = trained_like(ACTIVATION_CASES[case])
    source = write_experiment(exp, tmp_path / "exp.json")
    out = tmp_path / f"weights.{fmt}"
    assert export_model(source, fmt, out) == [out]
    loader = load_weights_npz if fmt == "npz" else load_weights_json
    Ws, bs, back = loader(out)
    assert back == load_experiment(source)  # experiment → file → experiment identical
    for W, b, W0, b0 in zip(Ws, bs, net.weights, net.biases, strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)  # exact, float64
    net2, _ = load_network(out)  # NumPy: the same engine on the loaded weights
    X = inputs_for(net)
    assert np.array_equal(net2.predict(X), net.predict(X))
    assert sorted(os.listdir(tmp_path)) == sorted(["exp.json", out.name])


def test_npz_loads_without_pickle_and_names_arrays_by_layer(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["softmax"])
    export_network(net, exp, "npz", tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as z:
        assert z["W1"].shape == (6, 3) and z["b1"].shape == (6,)
        assert z["W2"].shape == (4, 6) and z["b2"].shape == (4,)
        assert json.loads(str(z["experiment"]))["weights"][1]["b"] == net.biases[1].tolist()


def test_json_weights_are_readable_layer_by_layer(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["leaky_relu"])
    export_network(net, exp, "json", tmp_path / "w.json")
    text = (tmp_path / "w.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == FORMAT and doc["version"] == 1
    assert doc["inputs"] == 2 and doc["loss"] == "mse"
    first = doc["layers"][0]
    assert first == {
        "index": 1,
        "units": 7,
        "activation": "leaky_relu",
        "params": {"alpha": 0.2},
        "W_shape": [7, 2],
        "W": net.weights[0].tolist(),
        "b": net.biases[0].tolist(),
    }
    assert "weights" not in doc["experiment"] and doc["experiment"]["state"]["step"] == 120
    # one weight row per line, so a person can read it
    assert f"[{', '.join(map(repr, net.weights[0][0].tolist()))}]" in text
    assert weights_document(net, exp)["layers"][1]["W_shape"] == [2, 7]


def test_live_network_weights_go_into_the_files(tmp_path: Path) -> None:
    """The GUI exports its live network: the files hold its weights, not the experiment's."""
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    net.weights[0][...] = 0.25
    export_network(net, exp, "npz", tmp_path / "w.npz")
    Ws, _bs, back = load_weights_npz(tmp_path / "w.npz")
    assert np.all(Ws[0] == 0.25) and back["weights"][0]["W"][0][0] == 0.25


def test_experiment_without_weights_exports_the_initial_network(tmp_path: Path) -> None:
    exp = ACTIVATION_CASES["relu"]
    assert exp["weights"] is None
    source = write_experiment(exp, tmp_path / "exp.json")
    export_model(source, "npz", tmp_path / "w.npz")
    initial = Network.from_config(exp["model"])
    Ws, bs, back = load_weights_npz(tmp_path / "w.npz")
    for W, W0 in zip(Ws, initial.weights, strict=True):
        assert np.array_equal(W, W0)
    assert back["weights"] == initial.weights_config()


def test_sources_can_be_npz_or_json_weights(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["swish"])
    export_network(net, exp, "npz", tmp_path / "a.npz")
    export_model(tmp_path / "a.npz", "json", tmp_path / "b.json")
    export_model(tmp_path / "b.json", "npz", tmp_path / "c.npz")
    assert load_weights_npz(tmp_path / "c.npz")[2] == exp


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    out = tmp_path / "w.json"
    out.write_text("old")
    export_network(net, exp, "json", out)
    assert load_weights_json(out)[2] == exp


# --- errors: a one-line ExportError, nothing half-written, no temp file left ----------------------


def _one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message and message
    return message


@pytest.mark.parametrize("fmt", ["npz", "json", "torch"])
def test_unwritable_location(tmp_path: Path, fmt: str) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    blocker = tmp_path / "file.txt"
    blocker.write_text("I am a file")
    with pytest.raises(ExportError) as exc:  # the parent is a regular file (blocks even root)
        export_network(net, exp, fmt, blocker / "w.out")
    assert str(blocker) in _one_line(exc) and "not a folder" in str(exc.value)
    with pytest.raises(ExportError) as exc:
        export_network(net, exp, fmt, tmp_path / "missing" / "w.out")
    assert "does not exist" in _one_line(exc) and "missing" in str(exc.value)
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]


@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_name_clash_with_a_folder(tmp_path: Path, fmt: str) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    (tmp_path / "w.out").mkdir()
    with pytest.raises(ExportError) as exc:
        export_network(net, exp, fmt, tmp_path / "w.out")
    assert "w.out" in _one_line(exc) and "folder" in str(exc.value)
    assert os.listdir(tmp_path) == ["w.out"] and os.listdir(tmp_path / "w.out") == []
    assert temp_files(tmp_path) == []


def test_torch_script_clash_leaves_no_weights_behind(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    (tmp_path / "model.py").mkdir()
    with pytest.raises(ExportError, match="model.py"):
        export_network(net, exp, "torch", tmp_path / "model.py")
    assert os.listdir(tmp_path) == ["model.py"]


def test_failed_export_keeps_the_old_file(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    out = tmp_path / "w.npz"
    out.write_bytes(b"old content")
    net.weights[0][0, 0] = np.nan
    with pytest.raises(ExportError, match="layer 1 has NaN or infinite weights"):
        export_network(net, exp, "npz", out)
    assert out.read_bytes() == b"old content" and temp_files(tmp_path) == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        b'{"format": "playground-experiment", "version": 1}',
    ],
)
def test_corrupt_experiment(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "exp.json"
    source.write_bytes(content)
    with pytest.raises(ExportError) as exc:
        export_model(source, "npz", tmp_path / "w.npz")
    assert _one_line(exc).startswith(str(source))
    assert os.listdir(tmp_path) == ["exp.json"]


def test_truncated_npz_source(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    export_network(net, exp, "npz", tmp_path / "w.npz")
    data = (tmp_path / "w.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportError) as exc:
        export_model(tmp_path / "cut.npz", "json", tmp_path / "out.json")
    assert "cut.npz" in _one_line(exc) and "truncated" in str(exc.value)
    assert not (tmp_path / "out.json").exists()


def test_corrupt_json_weights_source(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    export_network(net, exp, "json", tmp_path / "w.json")
    doc = json.loads((tmp_path / "w.json").read_text())
    doc["layers"][0]["W"] = doc["layers"][0]["W"][:-1]
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(ExportError, match=r"bad.json: layers\[0\]: W is \(5, 2\)"):
        export_model(tmp_path / "bad.json", "npz", tmp_path / "out.npz")
    doc = json.loads((tmp_path / "w.json").read_text())
    doc["version"] = 7
    (tmp_path / "new.json").write_text(json.dumps(doc))
    with pytest.raises(ExportError, match="new.json: version: unsupported version 7"):
        export_model(tmp_path / "new.json", "npz", tmp_path / "out.npz")


def test_missing_source_and_folder_source(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="nope.json: no such file"):
        export_model(tmp_path / "nope.json", "npz", tmp_path / "w.npz")
    with pytest.raises(ExportError, match="is a folder"):
        export_model(tmp_path, "npz", tmp_path / "w.npz")


def test_unknown_format_and_precision(tmp_path: Path) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    with pytest.raises(ExportError, match=r"unknown export format 'h5' \(allowed: npz, json, onnx"):
        export_network(net, exp, "h5", tmp_path / "w.h5")
    with pytest.raises(ExportError, match="unknown precision 'float16'"):
        export_network(net, exp, "onnx", tmp_path / "w.onnx", precision="float16")
    assert os.listdir(tmp_path) == []


def test_experiment_must_describe_the_network(tmp_path: Path) -> None:
    net, _ = trained_like(ACTIVATION_CASES["tanh"])
    other = experiment([{"units": 6, "activation": "relu"}, {"units": 2, "activation": "tanh"}])
    with pytest.raises(ExportError, match=r"describes a 2-6-2 network \(relu, tanh\), not this"):
        export_network(net, other, "npz", tmp_path / "w.npz")
    wider = experiment([{"units": 4, "activation": "tanh"}, {"units": 2, "activation": "tanh"}])
    with pytest.raises(ExportError, match="does not describe this network"):
        export_network(net, wider, "npz", tmp_path / "w.npz")


class Cube(Activation):
    """An activation no export format knows (a stand-in for a future one)."""

    name = "cube"

    def forward(self, Z, A):
        np.power(Z, 3, out=A)


@pytest.mark.parametrize("fmt", ["onnx", "torch"])
def test_activation_a_format_cannot_express(tmp_path: Path, fmt: str) -> None:
    net = Network([2, 3, 1], [Cube(), get_activation("sigmoid")], get_loss("bce"))
    exp = experiment([{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}])
    with pytest.raises(ExportError, match=r"cannot express activation 'cube' \(layer 1\)"):
        export_network(net, exp, fmt, tmp_path / "model.out")
    assert os.listdir(tmp_path) == []


# --- optional packages are imported only when needed --------------------------------------------


def test_exporting_weights_imports_neither_onnx_nor_torch_nor_qt(tmp_path: Path) -> None:
    source = write_experiment(trained_like(ACTIVATION_CASES["tanh"])[1], tmp_path / "exp.json")
    code = (
        "import sys\n"
        "from playground.io.export import export_model\n"
        f"export_model({str(source)!r}, 'npz', {str(tmp_path / 'w.npz')!r})\n"
        f"export_model({str(source)!r}, 'json', {str(tmp_path / 'w.json')!r})\n"
        f"export_model({str(source)!r}, 'torch', {str(tmp_path / 'm.py')!r})\n"
        "bad = [m for m in ('onnx', 'onnxruntime', 'torch', 'PySide6') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m.py").exists() and (tmp_path / "m.npz").exists()
