"""PyTorch export: the generated script (run in a subprocess, as a user would) rebuilds the network
and reproduces the engine's outputs (1e-12 in float64, 1e-5 in float32)."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_export_cases import (
    ACTIVATION_CASES,
    inputs_for,
    require,
    trained_like,
    write_experiment,
)

from playground.io.export import export_model, export_network
from playground.io.torch_export import torch_paths

TOLERANCE = {"float32": 1e-5, "float64": 1e-12}


def run_script(script: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=script.parent.parent,
    )
    assert result.returncode == 0, result.stderr
    return result


def load_module(script: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_paths_and_script_is_self_contained(tmp_path: Path) -> None:
    assert torch_paths(tmp_path / "model.py") == (tmp_path / "model.py", tmp_path / "model.npz")
    assert torch_paths(tmp_path / "model") == (tmp_path / "model.py", tmp_path / "model.npz")
    net, exp = trained_like(ACTIVATION_CASES["deep"])
    written = export_network(net, exp, "torch", tmp_path / "model")
    assert written == [tmp_path / "model.py", tmp_path / "model.npz"]
    source = (tmp_path / "model.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {"__future__", "os", "sys", "numpy", "torch"}, imported
    assert "def build_model(" in source and 'if __name__ == "__main__":' in source
    assert "allow_pickle=False" in source and "torch.from_numpy" in source
    with np.load(tmp_path / "model.npz", allow_pickle=False) as z:  # the weights.npz contract
        assert np.array_equal(z["W3"], net.weights[2])
    assert sorted(os.listdir(tmp_path)) == ["model.npz", "model.py"]


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(ACTIVATION_CASES))
def test_script_reproduces_the_engine(tmp_path: Path, case: str, precision: str) -> None:
    torch = require("torch")
    net, exp = trained_like(ACTIVATION_CASES[case])
    export_network(net, exp, "torch", tmp_path / "model.py", precision=precision)
    module = load_module(tmp_path / "model.py")
    model = module.build_model()
    X = inputs_for(net)
    with torch.no_grad():
        y = model(torch.from_numpy(X).to(getattr(torch, precision))).numpy()
    assert y.dtype == np.dtype(precision)
    assert np.abs(y - net.predict(X)).max() <= TOLERANCE[precision]
    assert sum(isinstance(m, torch.nn.Linear) for m in model) == net.n_layers


@pytest.mark.parametrize("case", ["deep", "step", "linear_slope", "softmax"])
def test_script_runs_in_a_subprocess_and_saves_matching_outputs(tmp_path: Path, case: str) -> None:
    require("torch")
    net, exp = trained_like(ACTIVATION_CASES[case])
    folder = tmp_path / "export"
    folder.mkdir()
    source = write_experiment(exp, tmp_path / "exp.json")
    export_model(source, "torch", folder / "net.py", precision="float64")
    X = inputs_for(net)
    np.save(tmp_path / "x.npy", X)
    result = run_script(folder / "net.py", str(tmp_path / "x.npy"), str(tmp_path / "y.npy"))
    y = np.load(tmp_path / "y.npy", allow_pickle=False)
    assert np.abs(y - net.predict(X)).max() <= 1e-12
    assert "output:" in result.stdout and "Sequential" in result.stdout


def test_demo_prints_the_output_for_a_random_batch(tmp_path: Path) -> None:
    require("torch")
    net, exp = trained_like(ACTIVATION_CASES["sigmoid"])
    export_network(net, exp, "torch", tmp_path / "model.py")
    result = run_script(tmp_path / "model.py")
    lines = result.stdout.splitlines()
    assert "input:" in lines and "output:" in lines
    assert "tensor(" in result.stdout and "Sigmoid()" in result.stdout


def test_step_has_zero_gradient_like_the_engine(tmp_path: Path) -> None:
    torch = require("torch")
    net, exp = trained_like(ACTIVATION_CASES["step"])
    export_network(net, exp, "torch", tmp_path / "model.py", precision="float64")
    model = load_module(tmp_path / "model.py").build_model()
    y = model(torch.from_numpy(inputs_for(net)))
    y.sum().backward()
    first, last = model[0], model[-1]
    assert torch.count_nonzero(first.weight.grad) == 0  # nothing flows back through the step
    assert torch.count_nonzero(last.weight.grad) > 0


def test_activation_modules_and_parameters(tmp_path: Path) -> None:
    torch = require("torch")
    nn = torch.nn
    expected = {
        "leaky_relu": (nn.LeakyReLU, "negative_slope", 0.2),
        "elu": (nn.ELU, "alpha", 0.7),
        "gelu": (nn.GELU, "approximate", "tanh"),
        "swish": (nn.SiLU, None, None),
        "softmax": (nn.Softmax, "dim", -1),
        "softplus": (nn.Softplus, "beta", 1.0),
    }
    for case, (cls, attr, value) in expected.items():
        net, exp = trained_like(ACTIVATION_CASES[case])
        export_network(net, exp, "torch", tmp_path / f"{case}.py")
        module = load_module(tmp_path / f"{case}.py")
        model = module.build_model()
        first = model[1] if case != "softmax" else model[-1]
        assert isinstance(first, cls), (case, model)
        if attr is not None:
            assert getattr(first, attr) == value
    net, exp = trained_like(ACTIVATION_CASES["linear_slope"])
    export_network(net, exp, "torch", tmp_path / "slope.py")
    model = load_module(tmp_path / "slope.py").build_model()
    assert [type(m).__name__ for m in model] == ["Linear", "Scale", "Linear", "Scale"]
    assert (model[1].slope, model[3].slope) == (2.5, -0.5)
