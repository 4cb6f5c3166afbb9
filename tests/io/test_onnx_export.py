"""ONNX export: the model loads in onnxruntime and reproduces the engine's outputs (1e-5 in float32,
1e-6 in float64), for every activation, softmax outputs and a deep network."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from test_export_cases import (
    ACTIVATION_CASES,
    experiment,
    inputs_for,
    require,
    trained_like,
    write_experiment,
)

from playground.io.export import ExportError, export_model, export_network

TOLERANCE = {"float32": 1e-5, "float64": 1e-6}


def run_onnx(path: Path, X: np.ndarray, precision: str) -> np.ndarray:
    ort = require("onnxruntime")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (output,) = session.run(["output"], {"input": X.astype(precision)})
    return output


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(ACTIVATION_CASES))
def test_onnxruntime_reproduces_the_engine(tmp_path: Path, case: str, precision: str) -> None:
    require("onnx")
    net, exp = trained_like(ACTIVATION_CASES[case])
    out = tmp_path / "model.onnx"
    assert export_network(net, exp, "onnx", out, precision=precision) == [out]
    X = inputs_for(net)
    y = run_onnx(out, X, precision)
    assert y.dtype == np.dtype(precision) and y.shape == (len(X), net.sizes[-1])
    assert np.abs(y - net.predict(X)).max() <= TOLERANCE[precision]
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_softplus_and_friends_far_from_zero_in_float64(tmp_path: Path) -> None:
    """The float64 forms written with primitive ops stay exact for large |z| (no overflow)."""
    require("onnx")
    exp = experiment(
        [
            {"units": 4, "activation": "softplus"},
            {"units": 4, "activation": "elu"},
            {"units": 2, "activation": "leaky_relu", "alpha": 0.3},
        ]
    )
    net, exp = trained_like(exp)
    X = inputs_for(net) * 400.0  # z up to ~±1e3: e^z overflows if computed naively
    export_network(net, exp, "onnx", tmp_path / "m.onnx", precision="float64")
    y = run_onnx(tmp_path / "m.onnx", X, "float64")
    expected = net.predict(X)
    assert np.isfinite(y).all()
    assert np.abs(y - expected).max() <= 1e-6 * max(1.0, np.abs(expected).max())


@pytest.mark.parametrize("batch", [1, 2, 250])
def test_batch_dimension_is_dynamic(tmp_path: Path, batch: int) -> None:
    require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["softmax"])
    export_network(net, exp, "onnx", tmp_path / "m.onnx")
    X = inputs_for(net, m=batch)
    y = run_onnx(tmp_path / "m.onnx", X, "float32")
    assert y.shape == (batch, 4)
    assert np.allclose(y.sum(axis=1), 1.0, atol=1e-6)
    assert np.abs(y - net.predict(X)).max() <= 1e-5


def test_graph_structure_names_and_metadata(tmp_path: Path) -> None:
    onnx = require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["leaky_relu"])
    exp = {**exp, "name": "Leaky test"}
    export_network(net, exp, "onnx", tmp_path / "m.onnx")
    model = onnx.load(str(tmp_path / "m.onnx"))
    onnx.checker.check_model(model, full_check=True)
    assert model.producer_name == "playground" and "Leaky test" in model.doc_string
    graph = model.graph
    (inp,) = graph.input
    (out,) = graph.output
    assert inp.name == "input" and out.name == "output"
    dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    assert dims == ["batch", 2]
    assert [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim] == ["batch", 2]
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [n.op_type for n in graph.node] == ["Gemm", "LeakyRelu", "Gemm", "LeakyRelu"]
    gemm = graph.node[0]
    assert gemm.input[1:] == ["W1", "b1"]
    assert {a.name: a.i for a in gemm.attribute} == {"transB": 1}
    assert onnx.helper.get_attribute_value(graph.node[1].attribute[0]) == pytest.approx(0.2)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in graph.initializer}
    assert weights["W1"].shape == (7, 2)  # stored as W^[1] (n_1, n_0), Gemm transposes
    np.testing.assert_allclose(weights["W1"], net.weights[0], rtol=1e-7)
    assert [o.domain or "" for o in model.opset_import] == [""]
    assert model.opset_import[0].version == 17
    meta = {p.key: p.value for p in model.metadata_props}
    assert json.loads(meta["playground.experiment"])["name"] == "Leaky test"
    assert "weights" not in json.loads(meta["playground.experiment"])


def test_gelu_uses_the_gelu_op_at_opset_20(tmp_path: Path) -> None:
    onnx = require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["gelu"])
    export_network(net, exp, "onnx", tmp_path / "m.onnx", precision="float64")
    model = onnx.load(str(tmp_path / "m.onnx"))
    assert model.opset_import[0].version == 20
    gelu = [n for n in model.graph.node if n.op_type == "Gelu"]
    assert len(gelu) == 2
    assert onnx.helper.get_attribute_value(gelu[0].attribute[0]) == b"tanh"
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE


def test_linear_slope_one_adds_no_node_and_step_is_greater_cast(tmp_path: Path) -> None:
    onnx = require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["step"])
    export_network(net, exp, "onnx", tmp_path / "m.onnx")
    ops = [n.op_type for n in onnx.load(str(tmp_path / "m.onnx")).graph.node]
    assert ops == ["Gemm", "Greater", "Cast", "Gemm"]


def test_export_model_from_experiment_file(tmp_path: Path) -> None:
    require("onnx")
    net, exp = trained_like(ACTIVATION_CASES["deep"])
    source = write_experiment(exp, tmp_path / "exp.json")
    export_model(source, "onnx", tmp_path / "m.onnx", precision="float64")
    X = inputs_for(net)
    assert np.abs(run_onnx(tmp_path / "m.onnx", X, "float64") - net.predict(X)).max() <= 1e-6


def test_missing_onnx_package_gives_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net, exp = trained_like(ACTIVATION_CASES["tanh"])
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    with pytest.raises(ExportError) as exc:
        export_network(net, exp, "onnx", tmp_path / "m.onnx")
    assert str(exc.value) == (
        "ONNX export needs the 'onnx' package: pip install 'playground[onnx]'"
    )
    assert os.listdir(tmp_path) == []
