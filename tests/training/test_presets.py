"""Every bundled preset, trained headless for a bounded number of steps, shows the condition its
description advertises (health verdicts of ``playground.training.health``), for a few seeds."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from playground.data import make_dataset
from playground.io import load_experiment, validate_experiment
from playground.resources import resource_path
from playground.training import Diverged, Trainer

PRESETS = sorted(p.stem for p in resource_path("presets").glob("*.json"))
SEEDS = (0, 1, 2)
CLASSICS = (
    "classic_circle",
    "classic_xor",
    "classic_gauss",
    "classic_spiral",
    "classic_reg_plane",
    "classic_reg_gauss",
)


def preset(name: str, seed: int | None = None, **training) -> dict:
    exp = load_experiment(resource_path("presets", f"{name}.json"))
    if seed is not None:  # another draw of the same experiment: weights, data and batch order
        exp = copy.deepcopy(exp)
        exp["model"]["seed"] = seed
        exp["data"]["seed"] = seed
    exp["training"].update(training)
    return validate_experiment(exp)


def verdicts(exp: dict, steps: int, every: int) -> tuple[list[str], Trainer]:
    """The health verdict of a snapshot taken every ``every`` steps."""
    trainer = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
    out = []
    for _ in range(steps // every):
        try:
            trainer.train_steps(every)
        except Diverged:
            pass
        out.append(trainer.snapshot().health.verdict)
        if trainer.divergence is not None:
            break
    return out, trainer


def test_the_presets_are_there():
    for name in (
        "vanishing",
        "exploding",
        "dead_relu",
        "healthy_relu_he",
        "tanh_xavier",
        "tanh_he",
        "saturated",
        *CLASSICS,
    ):
        assert name in PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_preset_is_a_valid_experiment_with_a_description(name):
    path = resource_path("presets", f"{name}.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    exp = load_experiment(path)
    assert exp == validate_experiment(raw)
    assert raw["name"].strip()
    assert len(raw["description"]) > 80  # says what to watch


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_preset_vanishes(seed):
    seen, trainer = verdicts(preset("vanishing", seed), 2000, 100)
    assert seen[0] == "warming up"
    assert set(seen[2:]) == {"vanishing"}, seen
    health = trainer.last_health
    assert 1 in health.layers
    assert health.ratio < 1e-3
    assert "Vanishing gradients: layer 1 receives 10⁻" in health.message


@pytest.mark.parametrize("seed", SEEDS)
def test_vanishing_preset_profile_is_what_its_description_says(seed):
    """vanishing.json: from layer 2 up each layer's ‖∂J/∂W‖ is about 2–7× below the next one's
    (a staircase), layers 1 and 2 sit about level (their curves cross), and layer 1 gets
    10⁻⁵…10⁻⁴ of the output layer's gradient (medians of log10 over all recorded rows)."""
    exp = preset("vanishing", seed)
    trainer = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
    rows = []
    for _ in range(30):
        trainer.train_steps(100)
        rows.append(np.asarray(trainer.snapshot().history.grad_norm))
    logs = np.median(np.log10(np.concatenate(rows)), axis=0)
    steps = np.diff(logs)  # log10 of (layer l+1 / layer l)
    assert (steps[1:] > np.log10(1.5)).all() and (steps[1:] < np.log10(10)).all(), steps
    assert abs(steps[0]) < np.log10(2), steps  # the flat bottom step: layers 1 and 2
    assert -5.5 < logs[0] - logs[-1] < -3.5
    description = json.loads(resource_path("presets", "vanishing.json").read_text("utf-8"))
    assert -6.0 < logs[0] < -4.5  # "around 10⁻⁵"
    assert "layers 1 and 2 sit about level, around 10⁻⁵" in description["description"]


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_preset_explodes_from_the_first_record(seed):
    seen, trainer = verdicts(preset("exploding", seed), 3000, 100)
    assert set(seen) == {"exploding"}, seen
    assert trainer.divergence is None  # Adam keeps it finite
    assert max(s.grad_norm for s in trainer.snapshot().layers) > 1e3
    assert trainer.last_health.message.startswith("Exploding gradients:")


@pytest.mark.parametrize("seed", SEEDS)
def test_exploding_preset_with_sgd_blows_up_and_names_layer_and_step(seed):
    exp = preset("exploding", seed, optimizer={"name": "sgd", "learning_rate": 0.001})
    seen, trainer = verdicts(exp, 500, 1)
    assert seen[-1] == "nan"
    assert set(seen[:-1]) <= {"exploding"}
    d = trainer.divergence
    assert d is not None
    health = trainer.snapshot().health
    assert health.layers == (d.layer,)
    assert f"layer {d.layer}" in health.message and f"step {d.step}" in health.message


@pytest.mark.parametrize("seed", SEEDS)
def test_dead_relu_preset_dies(seed):
    seen, trainer = verdicts(preset("dead_relu", seed), 2000, 100)
    assert set(seen[2:]) == {"dead"}, seen
    assert trainer.last_health.message.startswith("Dead ReLUs:")


@pytest.mark.parametrize("seed", SEEDS)
def test_saturated_preset_saturates(seed):
    seen, trainer = verdicts(preset("saturated", seed), 2000, 100)
    assert set(seen[2:]) == {"saturated"}, seen
    assert "sigmoid units sit at their limits" in trainer.last_health.message


@pytest.mark.parametrize("name", ["healthy_relu_he", "tanh_xavier", "tanh_he", *CLASSICS])
@pytest.mark.parametrize("seed", SEEDS)
def test_healthy_presets_stay_healthy(name, seed):
    seen, _ = verdicts(preset(name, seed), 3000, 100)
    assert seen[-1] == "healthy"
    first_healthy = seen.index("healthy")
    assert set(seen[:first_healthy]) <= {"warming up"}, seen
    assert set(seen[first_healthy:]) == {"healthy"}, seen


@pytest.mark.parametrize("seed", SEEDS)
def test_he_spreads_tanh_activations_wider_than_xavier(seed):
    """What tanh_he.json's description promises against tanh_xavier.json (same net)."""

    def spread(name):
        exp = preset(name, seed)
        trainer = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
        trainer.train_steps(50)
        snap = trainer.snapshot()
        return np.mean([s.activation_std for s in snap.layers[:-1]])

    assert spread("tanh_he") > 1.2 * spread("tanh_xavier")
