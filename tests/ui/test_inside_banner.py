"""``health_label``: the plain-language verdict of real runs of the presets, by severity."""

from __future__ import annotations

import copy

import pytest

from playground.data import make_dataset
from playground.io import load_experiment, validate_experiment
from playground.resources import resource_path
from playground.training import DEFAULT_THRESHOLDS, Diverged, Health, Trainer
from playground.ui.inside.banner import COLOURS, HealthBanner, banner_text

RED, AMBER, GREEN = COLOURS["alarm"][0], COLOURS["warn"][0], COLOURS["ok"][0]


def run(name: str, steps: int = 1500, **training):
    exp = copy.deepcopy(load_experiment(resource_path("presets", f"{name}.json")))
    exp["training"].update(training)
    exp = validate_experiment(exp)
    tr = Trainer(exp, make_dataset(exp["data"]), grid_size=0)
    try:
        tr.train_steps(steps)
    except Diverged:
        pass
    return tr.snapshot()


@pytest.fixture
def banner(no_leaks, qtbot):
    b = HealthBanner()
    qtbot.addWidget(b)
    return b


@pytest.mark.parametrize(
    ("preset", "verdict", "colour", "words"),
    [
        ("vanishing", "vanishing", RED, "Vanishing gradients: layer 1 receives 10⁻"),
        ("exploding", "exploding", RED, "Exploding gradients:"),
        ("dead_relu", "dead", AMBER, "Dead ReLUs:"),
        ("saturated", "saturated", AMBER, "Saturated units:"),
        ("healthy_relu_he", "healthy", GREEN, "Healthy: gradients reach every layer"),
        ("classic_spiral", "healthy", GREEN, "Healthy"),
    ],
)
def test_banner_for_each_preset(banner, preset, verdict, colour, words):
    snap = run(preset)
    assert snap.health.verdict == verdict
    banner.show_snapshot(snap)
    assert banner.verdict == verdict
    assert banner.text().startswith(words)
    assert banner.text() == banner_text(snap.health)
    assert banner.colour == colour
    assert colour in banner.styleSheet()
    if verdict != "healthy":  # a suggested fix
        assert snap.health.advice and snap.health.advice in banner.text()


def test_banner_names_layer_and_step_of_nan(banner):
    snap = run("exploding", 300, optimizer={"name": "sgd", "learning_rate": 0.001})
    d = snap.divergence
    assert d is not None and snap.health.verdict == "nan"
    banner.show_snapshot(snap)
    assert f"layer {d.layer}" in banner.text() and f"step {d.step}" in banner.text()
    assert banner.colour == RED


def test_banner_lists_the_other_verdicts(banner):
    h = Health("vanishing", "Vanishing gradients: x.", (1, 2), ("dead", "saturated"))
    banner.show_health(h)
    assert banner.text() == "Vanishing gradients: x.  Also: dead ReLUs, saturated units."


def test_banner_basics(banner):
    assert banner.objectName() == "health_label"
    assert banner.wordWrap()
    assert DEFAULT_THRESHOLDS.describe() in banner.toolTip()
    assert banner.verdict == "warming up"
    banner.show_snapshot(run("vanishing", 300))
    banner.clear()
    assert banner.verdict == "warming up" and banner.colour == COLOURS["idle"][0]


def test_a_renamed_banner_keeps_its_colours(banner, qtbot):
    """The style sheet selects on a dynamic property, not on the objectName: the Compare
    window's banners (``compare_health_k``) are coloured like ``health_label``."""
    banner.setObjectName("compare_health_1")
    banner.resize(420, 60)
    banner.show()
    qtbot.waitExposed(banner)
    for verdict, severity in (("vanishing", "alarm"), ("dead", "warn"), ("healthy", "ok")):
        banner.show_health(Health(verdict, "x."))
        image = banner.grab().toImage()
        inside = image.pixelColor(image.width() - 8, image.height() // 2)  # background, no text
        assert inside.name() == COLOURS[severity][1], verdict
        assert banner.property("severity") == severity
