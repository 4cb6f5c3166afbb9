"""Small experiments for tests: one builder instead of a copy per test module.

Importable from every test folder (pytest puts ``tests/``, the folder of the root ``conftest.py``,
on ``sys.path``).
"""

from __future__ import annotations

import json

from playground.io import validate_experiment

#: the example of DESIGN.md, "Experiment file", verbatim
DESIGN_EXAMPLE = """{
  "format": "playground-experiment", "version": 1,
  "data":  {"dataset": "spiral", "samples": 500, "noise": 0.1, "train_fraction": 0.5,
            "features": ["x1", "x2"], "seed": 1},
  "model": {"inputs": 2,
            "layers": [{"units": 8, "activation": "tanh"},
                       {"units": 8, "activation": "tanh"},
                       {"units": 1, "activation": "sigmoid"}],
            "loss": "bce", "init": {"scheme": "xavier_uniform"}, "seed": 0},
  "training": {"optimizer": {"name": "sgd", "learning_rate": 0.03},
               "batch_size": 10, "epochs": 200,
               "regularization": {"kind": "none", "rate": 0.0}},
  "weights": null
}"""


def design_example() -> dict:
    """A fresh dict of ``DESIGN_EXAMPLE``."""
    return json.loads(DESIGN_EXAMPLE)


TANH_SIGMOID = [{"units": 5, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]


def spiral(samples: int = 100, seed: int = 1) -> dict:
    """A small two-arm spiral "data" section with features x1, x2."""
    return {
        "dataset": "spiral",
        "samples": samples,
        "noise": 0.1,
        "train_fraction": 0.5,
        "features": ["x1", "x2"],
        "seed": seed,
    }


def build_experiment(
    layers: list[dict] | None = None,
    *,
    data: dict | None = None,
    inputs: int = 2,
    loss: str = "bce",
    init: dict | None = None,
    seed: int = 0,
    optimizer: dict | None = None,
    batch_size: int = 10,
    epochs: int = 10,
    regularization: dict | None = None,
    validate: bool = True,
) -> dict:
    """An experiment (validated unless ``validate=False``); defaults: a 100-point spiral, a
    2 → 5 tanh → 1 sigmoid net with bce, SGD 0.1, batch 10."""
    exp = {
        "format": "playground-experiment",
        "version": 1,
        "data": data or spiral(),
        "model": {
            "inputs": inputs,
            "layers": layers or TANH_SIGMOID,
            "loss": loss,
            "init": init or {"scheme": "xavier_uniform"},
            "seed": seed,
        },
        "training": {
            "optimizer": optimizer or {"name": "sgd", "learning_rate": 0.1},
            "batch_size": batch_size,
            "epochs": epochs,
            "regularization": regularization or {"kind": "none", "rate": 0.0},
        },
        "weights": None,
    }
    return validate_experiment(exp) if validate else exp
