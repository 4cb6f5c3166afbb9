"""Exports take the *raw* feature rows: the data's standardization (training split's mean and
scale) and the input feature names travel with every format, so an exported model fed raw
measurements gives Playground's outputs (float64 within 1e-6, float32 within 1e-5)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from test_export_cases import require

from playground.cli import main as cli_main
from playground.data import feature_matrix, load_csv, make_dataset
from playground.data.factory import iris_path
from playground.engine import Network
from playground.io import load_experiment, save_experiment
from playground.io.export import ExportError, export_model

IRIS_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
TOLERANCE = {"float32": 1e-5, "float64": 1e-6}

IRIS = {
    "format": "playground-experiment",
    "version": 1,
    "name": "iris",
    "data": {"dataset": "iris", "train_fraction": 0.7, "seed": 1},  # standardized by default
    "model": {
        "inputs": 4,
        "layers": [{"units": 8, "activation": "tanh"}, {"units": 3, "activation": "softmax"}],
        "loss": "cce",
        "seed": 0,
    },
    "training": {
        "optimizer": {"name": "adam", "learning_rate": 0.01},
        "batch_size": 16,
        "epochs": 60,
    },
    "weights": None,
}


@pytest.fixture(scope="module")
def iris_run(tmp_path_factory) -> Path:
    """``playground train`` on a standardized iris experiment: the run folder."""
    folder = tmp_path_factory.mktemp("iris")
    (folder / "iris.json").write_text(json.dumps(IRIS), encoding="utf-8")
    args = ["train", str(folder / "iris.json"), "--out", str(folder / "run"), "--quiet"]
    assert cli_main(args) == 0
    return folder / "run"


def engine_on_raw(exp_path: Path, raw: np.ndarray) -> np.ndarray:
    """Playground's own prediction for raw rows: the data pipeline's scaler, then the engine."""
    exp = load_experiment(exp_path)
    ds = make_dataset(exp["data"])
    assert ds.scaler is not None
    net = Network.from_config(exp["model"])
    net.set_weights([p["W"] for p in exp["weights"]], [p["b"] for p in exp["weights"]])
    return net.predict(ds.scaler.apply(raw))


def forward(Ws, bs, a: np.ndarray) -> np.ndarray:
    """The iris network (tanh, softmax) written out in NumPy, independent of the engine."""
    a = np.tanh(a @ np.asarray(Ws[0]).T + bs[0])
    z = a @ np.asarray(Ws[1]).T + bs[1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def raw_iris() -> tuple[np.ndarray, np.ndarray]:
    table = load_csv(iris_path(), ("species",), None)
    assert list(table.feature_names) == IRIS_NAMES
    return table.x, table.y


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", ["experiment.json", "weights.npz"])
@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_weight_files_carry_the_standardization(
    iris_run: Path, tmp_path: Path, source: str, fmt: str
) -> None:
    raw, _ = raw_iris()
    expected = engine_on_raw(iris_run / "experiment.json", raw)
    out = tmp_path / f"w.{fmt}"
    export_model(iris_run / source, fmt, out)
    if fmt == "npz":
        with np.load(out, allow_pickle=False) as z:
            Ws, bs = [z["W1"], z["W2"]], [z["b1"], z["b2"]]
            mean, scale, names = z["x_mean"], z["x_scale"], z["x_names"].tolist()
    else:
        doc = json.loads(out.read_text(encoding="utf-8"))
        Ws = [layer["W"] for layer in doc["layers"]]
        bs = [np.array(layer["b"]) for layer in doc["layers"]]
        mean, scale, names = np.array(doc["x_mean"]), np.array(doc["x_scale"]), doc["x_names"]
        assert doc["standardized"] is True
    assert names == IRIS_NAMES
    ds = make_dataset(load_experiment(iris_run / "experiment.json")["data"])
    np.testing.assert_array_equal(mean, ds.scaler.mean)  # the training split's, exactly
    np.testing.assert_array_equal(scale, ds.scaler.scale)
    exp = load_experiment(iris_run / "experiment.json")
    for W, p in zip(Ws, exp["weights"], strict=True):  # W/b stay exactly the engine's
        np.testing.assert_array_equal(W, np.array(p["W"]))
    assert np.abs(forward(Ws, bs, (raw - mean) / scale) - expected).max() <= 1e-12


def test_train_writes_the_standardization_into_weights_npz(iris_run: Path) -> None:
    from playground.io.weights import load_weights_npz_with_inputs

    _, _, _, inputs = load_weights_npz_with_inputs(iris_run / "weights.npz")
    assert inputs is not None and inputs.standardized and list(inputs.names) == IRIS_NAMES


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("source", ["experiment.json", "weights.npz"])
def test_onnx_model_takes_raw_measurements(
    iris_run: Path, tmp_path: Path, source: str, precision: str
) -> None:
    onnx = require("onnx")
    ort = require("onnxruntime")
    raw, y = raw_iris()
    expected = engine_on_raw(iris_run / "experiment.json", raw)
    out = tmp_path / "iris.onnx"
    export_model(iris_run / source, "onnx", out, precision=precision)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"input": raw.astype(precision)})
    assert np.abs(got - expected).max() <= TOLERANCE[precision]
    accuracy = (got.argmax(axis=1) == y.argmax(axis=1)).mean()
    assert accuracy == (expected.argmax(axis=1) == y.argmax(axis=1)).mean() > 0.9
    model = onnx.load(str(out))
    meta = {p.key: p.value for p in model.metadata_props}
    assert json.loads(meta["playground.x_names"]) == IRIS_NAMES
    assert "sepal_length" in model.graph.input[0].doc_string
    assert [n.op_type for n in model.graph.node[:3]] == ["Sub", "Div", "Gemm"]


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_torch_script_standardizes_in_forward(
    iris_run: Path, tmp_path: Path, precision: str
) -> None:
    torch = require("torch")
    raw, _ = raw_iris()
    expected = engine_on_raw(iris_run / "experiment.json", raw)
    export_model(iris_run / "experiment.json", "torch", tmp_path / "iris", precision=precision)
    module = load_script(tmp_path / "iris.py")
    model = module.build_model()
    assert isinstance(model[0], module.Standardize)
    assert dict(model[0].named_buffers()).keys() == {"mean", "scale"}
    with torch.no_grad():
        got = model(torch.from_numpy(raw).to(module.DTYPE)).double().numpy()
    assert np.abs(got - expected).max() <= TOLERANCE[precision]
    assert module.X_NAMES == IRIS_NAMES
    assert "sepal_length, sepal_width, petal_length, petal_width" in module.__doc__


PLANAR = {
    "format": "playground-experiment",
    "version": 1,
    "data": {
        "dataset": "circle",
        "samples": 200,
        "noise": 0.1,
        "seed": 4,
        "features": ["x1", "x1^2", "sin(x2)", "x1*x2"],
        "standardize": True,
    },
    "model": {
        "inputs": 4,
        "layers": [{"units": 5, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        "seed": 2,
    },
    "training": {"optimizer": {"name": "sgd", "learning_rate": 0.1}, "batch_size": 10},
    "weights": None,
}


def test_derived_planar_features_are_named_and_standardized(tmp_path: Path) -> None:
    """The input of a planar set is the feature vector (x1, x1², sin x2, x1·x2), not (x1, x2)."""
    ort = require("onnxruntime")
    torch = require("torch")
    save_experiment(PLANAR, tmp_path / "planar.json")
    exp = load_experiment(tmp_path / "planar.json")
    ds = make_dataset(exp["data"])
    net = Network.from_config(exp["model"])
    points = np.random.default_rng(0).uniform(-5.0, 5.0, size=(40, 2))
    expected = net.predict(ds.features_at(points))  # the pipeline: features, then the scaler
    raw = feature_matrix(points, PLANAR["data"]["features"])

    export_model(tmp_path / "planar.json", "onnx", tmp_path / "p.onnx", precision="float64")
    session = ort.InferenceSession(str(tmp_path / "p.onnx"), providers=["CPUExecutionProvider"])
    assert np.abs(session.run(None, {"input": raw})[0] - expected).max() <= 1e-6
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["playground.x_names"]) == PLANAR["data"]["features"]

    export_model(tmp_path / "planar.json", "torch", tmp_path / "p.py", precision="float64")
    module = load_script(tmp_path / "p.py")
    with torch.no_grad():
        got = module.build_model()(torch.from_numpy(raw)).numpy()
    assert np.abs(got - expected).max() <= 1e-12
    assert "x1, x1^2, sin(x2), x1*x2" in module.__doc__

    export_model(tmp_path / "planar.json", "json", tmp_path / "p.json")
    doc = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert doc["x_names"] == PLANAR["data"]["features"] and doc["standardized"]


def test_unstandardized_exports_are_unchanged_models(tmp_path: Path) -> None:
    from playground.io.weights import load_weights_npz_with_inputs

    onnx = require("onnx")
    exp = {**PLANAR, "data": {**PLANAR["data"], "standardize": False}}
    save_experiment(exp, tmp_path / "plain.json")
    export_model(tmp_path / "plain.json", "onnx", tmp_path / "plain.onnx")
    model = onnx.load(str(tmp_path / "plain.onnx"))
    assert model.graph.node[0].op_type == "Gemm"  # no Sub/Div
    export_model(tmp_path / "plain.json", "npz", tmp_path / "plain.npz")
    with np.load(tmp_path / "plain.npz", allow_pickle=False) as z:  # DESIGN.md's arrays only
        assert sorted(z.files) == ["W1", "W2", "b1", "b2", "experiment"]
    assert load_weights_npz_with_inputs(tmp_path / "plain.npz")[3] is None
    export_model(tmp_path / "plain.npz", "json", tmp_path / "plain.json.out")
    doc = json.loads((tmp_path / "plain.json.out").read_text(encoding="utf-8"))
    assert doc["x_names"] == exp["data"]["features"] and doc["standardized"] is False
    assert doc["x_mean"] == [0.0] * 4 and doc["x_scale"] == [1.0] * 4
    export_model(tmp_path / "plain.json", "torch", tmp_path / "plain.py")
    text = (tmp_path / "plain.py").read_text(encoding="utf-8")
    assert "Standardize(4)" not in text and "fed to the first layer as they are" in text


def test_standardized_csv_needs_its_data_or_stored_statistics(tmp_path: Path) -> None:
    """A standardized CSV experiment whose file is gone cannot be exported from the experiment
    (the statistics would be guessed), but its weights.npz still can: it stores them."""
    csv = tmp_path / "points.csv"
    rows = np.random.default_rng(1).normal(50.0, 10.0, size=(30, 3))
    csv.write_text(
        "a,b,c,y\n" + "".join(f"{a},{b},{c},{int(a > 50)}\n" for a, b, c in rows),
        encoding="utf-8",
    )
    exp = {
        **IRIS,
        "data": {"dataset": "csv", "path": str(csv), "target": "y", "seed": 0},
        "model": {
            "inputs": 3,
            "layers": [{"units": 1, "activation": "sigmoid"}],
            "loss": "bce",
            "seed": 0,
        },
    }
    save_experiment(exp, tmp_path / "csv.json")
    export_model(tmp_path / "csv.json", "npz", tmp_path / "w.npz")
    csv.unlink()
    with pytest.raises(ExportError, match=r"standardized.*points\.csv"):
        export_model(tmp_path / "csv.json", "json", tmp_path / "w.json")
    assert not (tmp_path / "w.json").exists()
    export_model(tmp_path / "w.npz", "json", tmp_path / "w.json")
    doc = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert doc["x_names"] == ["a", "b", "c"] and doc["standardized"]
    assert abs(doc["x_mean"][0] - 50.0) < 10.0


def test_inputs_round_trip_and_reject_bad_values() -> None:
    from playground.io.inputs import Inputs

    inputs = Inputs(("a", "b"), [1.0, -2.0], [0.5, 3.0])
    assert Inputs.from_arrays(inputs.arrays()).names == ("a", "b")
    assert Inputs.from_document(inputs.document()).scale.tolist() == [0.5, 3.0]
    np.testing.assert_allclose(inputs.apply(np.array([[2.0, 1.0]])), [[2.0, 1.0]])
    with pytest.raises(ValueError, match="positive"):
        Inputs(None, [0.0], [0.0])
    with pytest.raises(ValueError, match="names"):
        Inputs(("a",), [0.0, 0.0], [1.0, 1.0])
