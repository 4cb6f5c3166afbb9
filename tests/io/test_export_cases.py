"""Networks and experiments shared by the export tests (test_export*, test_onnx*, test_torch*).

No tests here: the other modules import these helpers (``from test_export_cases import …``).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from playground.engine import Network
from playground.io import save_experiment, validate_experiment

FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def require(module: str):
    """Import an optional package; skip locally when absent, but fail under CI (CI installs it)."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module)


def experiment(
    layers: list[dict[str, Any]],
    inputs: int = 2,
    *,
    loss: str | None = None,
    seed: int = 0,
    name: str = "export test",
) -> dict[str, Any]:
    """A valid experiment (weights null) for a network with ``inputs`` features and ``layers``."""
    model: dict[str, Any] = {"inputs": inputs, "layers": layers, "seed": seed}
    if loss is not None:
        model["loss"] = loss
    return validate_experiment(
        {
            "format": "playground-experiment",
            "version": 1,
            "name": name,
            "data": {"dataset": "circle", "features": FEATURES[:inputs], "seed": 1},
            "model": model,
            "training": {"optimizer": {"name": "adam", "learning_rate": 0.01}},
            "weights": None,
        }
    )


def trained_like(exp: dict[str, Any], seed: int = 1) -> tuple[Network, dict[str, Any]]:
    """The experiment's network with non-zero biases and a training state, as after some steps
    (the initial biases are 0, which would hide bias mistakes), and the experiment holding them."""
    net = Network.from_config(exp["model"])
    rng = np.random.default_rng(seed)
    for W, b in zip(net.weights, net.biases, strict=True):
        W *= 1.3
        b[...] = rng.normal(0.0, 0.4, size=b.shape)
    full = validate_experiment(
        {**exp, "weights": net.weights_config(), "state": {"epoch": 3, "step": 120}}
    )
    return net, full


def inputs_for(net: Network, m: int = 33, seed: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.5, size=(m, net.sizes[0]))


def write_experiment(exp: dict[str, Any], path: Path) -> Path:
    save_experiment(exp, path)
    return path


#: one network per activation (as a hidden layer, and several as outputs), with parameters
ACTIVATION_CASES: dict[str, dict[str, Any]] = {
    "step": experiment([{"units": 6, "activation": "step"}, {"units": 2, "activation": "linear"}]),
    "linear": experiment(
        [{"units": 5, "activation": "linear"}, {"units": 2, "activation": "linear", "slope": 1.0}],
        3,
    ),
    "linear_slope": experiment(
        [
            {"units": 5, "activation": "linear", "slope": 2.5},
            {"units": 2, "activation": "linear", "slope": -0.5},
        ],
        3,
    ),
    "sigmoid": experiment(
        [{"units": 6, "activation": "sigmoid"}, {"units": 1, "activation": "sigmoid"}]
    ),
    "multilabel": experiment(
        [{"units": 6, "activation": "tanh"}, {"units": 3, "activation": "sigmoid"}], 4, loss="bce"
    ),
    "tanh": experiment([{"units": 6, "activation": "tanh"}, {"units": 2, "activation": "tanh"}]),
    "relu": experiment([{"units": 7, "activation": "relu"}, {"units": 2, "activation": "relu"}]),
    "leaky_relu": experiment(
        [
            {"units": 7, "activation": "leaky_relu", "alpha": 0.2},
            {"units": 2, "activation": "leaky_relu"},
        ]
    ),
    "leaky_relu_steep": experiment(
        [
            {"units": 7, "activation": "leaky_relu", "alpha": 1.5},
            {"units": 2, "activation": "linear"},
        ]
    ),
    "elu": experiment(
        [{"units": 7, "activation": "elu", "alpha": 0.7}, {"units": 2, "activation": "elu"}]
    ),
    "softplus": experiment(
        [{"units": 7, "activation": "softplus"}, {"units": 2, "activation": "softplus"}], 3
    ),
    "gelu": experiment([{"units": 7, "activation": "gelu"}, {"units": 2, "activation": "gelu"}]),
    "swish": experiment([{"units": 7, "activation": "swish"}, {"units": 2, "activation": "swish"}]),
    "sine": experiment([{"units": 7, "activation": "sine"}, {"units": 2, "activation": "sine"}]),
    "softmax": experiment(
        [{"units": 6, "activation": "relu"}, {"units": 4, "activation": "softmax"}], 3
    ),
    "deep": experiment(
        [
            {"units": 9, "activation": "tanh"},
            {"units": 8, "activation": "relu"},
            {"units": 8, "activation": "leaky_relu", "alpha": 0.05},
            {"units": 7, "activation": "elu"},
            {"units": 7, "activation": "gelu"},
            {"units": 6, "activation": "swish"},
            {"units": 6, "activation": "softplus"},
            {"units": 5, "activation": "sine"},
            {"units": 5, "activation": "sigmoid"},
            {"units": 5, "activation": "linear", "slope": 0.8},
            {"units": 3, "activation": "softmax"},
        ],
        7,
    ),
}


def temp_files(folder: Path) -> list[str]:
    """Names of leftover temporary files (atomic writes use ``.NAME.xxxx.tmp…``)."""
    return [p.name for p in folder.rglob("*") if ".tmp" in p.name]
