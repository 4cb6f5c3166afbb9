"""``playground export FILE --format F --out PATH``: exit 0 and a working file; bad input exits 2
with one line on stderr and no traceback."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.engine import Network
from playground.io import default_experiment, save_experiment


def require(module: str):
    """Import an optional package; skip locally when absent, but fail under CI (CI installs it)."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def playground(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "playground", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def trained(tmp_path: Path) -> tuple[Path, Network]:
    """The default experiment with non-trivial weights, saved as trained.json."""
    exp = default_experiment()
    net = Network.from_config(exp["model"])
    rng = np.random.default_rng(3)
    for b in net.biases:
        b[...] = rng.normal(0.0, 0.3, size=b.shape)
    exp["weights"] = net.weights_config()
    save_experiment(exp, tmp_path / "trained.json")
    return tmp_path / "trained.json", net


def assert_one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("playground export: ")
    return lines[0]


def test_onnx_export_runs_in_onnxruntime(tmp_path: Path, trained) -> None:
    require("onnx")
    ort = require("onnxruntime")
    source, net = trained
    result = playground("export", str(source), "--format", "onnx", "--out", "x.onnx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "wrote x.onnx"
    session = ort.InferenceSession(str(tmp_path / "x.onnx"), providers=["CPUExecutionProvider"])
    X = np.random.default_rng(0).normal(size=(16, net.sizes[0]))
    (y,) = session.run(["output"], {"input": X.astype(np.float32)})
    assert np.abs(y - net.predict(X)).max() <= 1e-5


def test_float64_onnx(tmp_path: Path, trained) -> None:
    require("onnx")
    ort = require("onnxruntime")
    source, net = trained
    result = playground(
        "export",
        str(source),
        "--format",
        "onnx",
        "--precision",
        "float64",
        "--out",
        "x64.onnx",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    session = ort.InferenceSession(str(tmp_path / "x64.onnx"), providers=["CPUExecutionProvider"])
    X = np.random.default_rng(0).normal(size=(16, net.sizes[0]))
    assert np.abs(session.run(None, {"input": X})[0] - net.predict(X)).max() <= 1e-6


def test_npz_json_and_torch(tmp_path: Path, trained) -> None:
    source, net = trained
    for fmt, out in (("npz", "w.npz"), ("json", "w.json"), ("torch", "model.py")):
        result = playground("export", str(source), "--format", fmt, "--out", out, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert "wrote model.py, model.npz" in result.stderr
    with np.load(tmp_path / "w.npz", allow_pickle=False) as z:
        assert np.array_equal(z["W1"], net.weights[0]) and np.array_equal(z["b3"], net.biases[2])
    doc = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert doc["layers"][2]["b"] == net.biases[2].tolist()
    assert (tmp_path / "model.npz").exists()


def test_corrupt_input_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{ this is not json")
    line = assert_one_line_error(
        playground("export", "bad.json", "--format", "onnx", "--out", "x.onnx", cwd=tmp_path)
    )
    assert "bad.json" in line and "not valid JSON" in line
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04 truncated")
    line = assert_one_line_error(
        playground("export", "cut.npz", "--format", "json", "--out", "w.json", cwd=tmp_path)
    )
    assert "cut.npz" in line
    line = assert_one_line_error(
        playground("export", "missing.json", "--format", "npz", "--out", "w.npz", cwd=tmp_path)
    )
    assert "missing.json: no such file" in line
    assert sorted(os.listdir(tmp_path)) == ["bad.json", "cut.npz"]


def test_unwritable_output_exits_2(tmp_path: Path, trained) -> None:
    source, _ = trained
    (tmp_path / "taken").mkdir()
    line = assert_one_line_error(
        playground("export", str(source), "--format", "npz", "--out", "taken", cwd=tmp_path)
    )
    assert "taken" in line and "folder" in line
    line = assert_one_line_error(
        playground(
            "export", str(source), "--format", "json", "--out", "trained.json/w.json", cwd=tmp_path
        )
    )
    assert "not a folder" in line
    assert sorted(os.listdir(tmp_path)) == ["taken", "trained.json"]


def test_unknown_format_is_a_usage_error(tmp_path: Path, trained) -> None:
    source, _ = trained
    result = playground("export", str(source), "--format", "h5", "--out", "x.h5", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'h5'" in result.stderr
    assert "Traceback" not in result.stderr
