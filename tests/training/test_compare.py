"""``CompareRunner`` and the variant helpers: same data and seeds, round-robin training in one
worker thread, prompt stop (no Qt)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from playground.io import ExperimentError, load_experiment
from playground.resources import resource_path
from playground.training.compare import (
    INIT_CHOICES,
    CompareRunner,
    activation_variants,
    init_variants,
    with_hidden_activation,
    with_init,
)


def preset(name: str) -> dict:
    return load_experiment(resource_path("presets", f"{name}.json"))


def wait(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_variants_change_only_the_model_part():
    exp = preset("tanh_xavier")
    for key in INIT_CHOICES:
        v = with_init(exp, INIT_CHOICES[key][1])
        assert v["data"] == exp["data"]
        assert v["model"]["seed"] == exp["model"]["seed"]
        assert v["model"]["layers"] == exp["model"]["layers"]
        assert v["model"]["init"]["scheme"] == INIT_CHOICES[key][1]["scheme"]
    relu = with_hidden_activation(exp, "relu")
    assert [l["activation"] for l in relu["model"]["layers"]] == ["relu"] * 8 + ["sigmoid"]
    assert relu["model"]["init"] == exp["model"]["init"]
    with pytest.raises(ValueError):
        with_hidden_activation(exp, "softmax")
    labels = [v.label for v in activation_variants(exp, ["sigmoid", "relu"])]
    assert labels == ["Sigmoid", "ReLU"]


def test_same_init_same_seed_same_numbers():
    exp = preset("classic_circle")
    variants = init_variants(exp, ["he_normal", "he_normal"])
    runner = CompareRunner([v.experiment for v in variants])
    a, b = runner.trainers
    assert a.dataset is b.dataset
    a.train_steps(50)
    b.train_steps(50)
    for Wa, Wb in zip(a.net.weights, b.net.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_runner_trains_every_variant_round_robin_and_stops_promptly():
    exp = preset("vanishing")
    variants = init_variants(exp, ["xavier_normal", "he_normal", "small"])
    runner = CompareRunner([v.experiment for v in variants])
    runner.start()
    assert wait(lambda: runner.mailbox.published > 0)
    runner.play()
    assert wait(lambda: runner.steps > 2000)
    snaps = runner.take()
    assert all(s is not None for s in snaps)
    counts = [t.step_count for t in runner.trainers]
    assert max(counts) - min(counts) <= max(counts) // 2 + 200  # round-robin, not one at a time
    t0 = time.perf_counter()
    assert runner.stop(timeout=5)
    assert time.perf_counter() - t0 < 2.0
    assert not runner.alive
    assert not [t for t in threading.enumerate() if t.name == "playground-training"]


def test_step_and_pause():
    exp = preset("classic_xor")
    runner = CompareRunner([v.experiment for v in init_variants(exp, ["zeros", "he_normal"])])
    runner.start()
    try:
        runner.step(7)
        assert wait(lambda: runner.steps == 7)
        assert [t.step_count for t in runner.trainers] == [7, 7]
        assert wait(lambda: runner.take() is not None)
        runner.play()
        assert wait(lambda: runner.steps > 7)
        runner.pause()
        assert wait(lambda: not runner.playing)
        n = runner.steps
        time.sleep(0.1)
        assert runner.steps == n
    finally:
        assert runner.stop()


def test_a_diverging_variant_stops_alone():
    exp = preset("exploding")
    exp["training"]["optimizer"] = {"name": "sgd", "learning_rate": 0.001}
    variants = init_variants(exp, ["he_x3", "xavier_normal"])
    runner = CompareRunner([v.experiment for v in variants])
    runner.start()
    try:
        runner.play()
        assert wait(lambda: runner.trainers[1].step_count > 500)
        assert runner.trainers[0].divergence is not None
        assert runner.trainers[1].divergence is None
    finally:
        assert runner.stop()


def test_rejects_bad_input():
    exp = preset("classic_circle")
    with pytest.raises(ValueError):
        CompareRunner([exp] * 5)
    other = preset("classic_xor")
    with pytest.raises(ValueError, match="same data"):
        CompareRunner([exp, other])
    with pytest.raises((ValueError, ExperimentError)):
        with_init(exp, {"scheme": "bogus"})


def test_no_qt():
    code = (
        "import sys, playground.training.compare; "
        "sys.exit(1 if any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules) "
        "else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
