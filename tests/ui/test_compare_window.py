"""The Compare window: variants side by side, live from one worker thread, stopped on close."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from playground.io import load_experiment
from playground.resources import resource_path
from playground.ui.compare import CompareWindow


def preset(name: str) -> dict:
    return load_experiment(resource_path("presets", f"{name}.json"))


def compare_threads():
    return [t for t in threading.enumerate() if t.name == "playground-training" and t.is_alive()]


@pytest.fixture
def make_compare(no_leaks, qtbot):
    made = []

    def make(name: str) -> CompareWindow:
        w = CompareWindow(preset(name))
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
        assert w.runner is None
        w.deleteLater()
    made.clear()
    assert not compare_threads()


def test_compare_inits_live(make_compare, qtbot):
    w = make_compare("vanishing")
    w.set_variants("init", ["xavier_normal", "normal", "small"])
    assert len(w.variants) == 3
    for k in range(3):
        assert w.findChild(QWidget, f"compare_health_{k + 1}") is not None
    w.play()
    qtbot.waitUntil(lambda: all(v not in ("warming up", "") for v in w.verdicts()), timeout=10000)
    qtbot.waitUntil(lambda: w.runner.steps > 1500, timeout=10000)
    qtbot.wait(100)
    verdicts = w.verdicts()
    assert verdicts[2] == "vanishing"  # N(0, 0.01²) on ten sigmoid layers
    assert verdicts[1] == "healthy"  # N(0, 1) is large enough here
    for k in range(3):
        steps, loss = w.loss_series(k)
        assert len(steps) >= 2 and (np.diff(steps) > 0).all()
    assert w.step_label.text().startswith("step ")
    w.grab()
    w.pause()
    qtbot.waitUntil(lambda: not w.runner.playing, timeout=3000)
    assert w.play_button.text() == "Play"


def test_compare_activations_and_reset(make_compare, qtbot):
    w = make_compare("tanh_xavier")
    w.set_variants("activation", ["sigmoid", "relu"])
    assert [v.label for v in w.variants] == ["Sigmoid", "ReLU"]
    w.step(5)
    qtbot.waitUntil(lambda: w.runner.steps == 5, timeout=5000)
    old = w.runner
    w.reset_button.click()
    assert w.runner is not old and not old.alive
    assert w.runner.steps == 0


def test_close_stops_the_worker_promptly(make_compare, qtbot):
    w = make_compare("healthy_relu_he")
    w.play()
    qtbot.waitUntil(lambda: w.runner is not None and w.runner.steps > 100, timeout=5000)
    runner = w.runner
    w.close()
    assert not runner.alive
    assert not compare_threads()


def test_needs_two_variants(make_compare):
    w = make_compare("classic_circle")
    for check in w.variant_checks[1:]:
        check.setChecked(False)  # every change resets the comparison
    assert w.runner is None and "at least 2" in w.step_label.text()
    w.variant_checks[1].setChecked(True)
    assert w.runner is not None and len(w.variants) == 2
    w.variant_combos[1].setCurrentIndex(w.variant_combos[1].findData("he_x3"))
    assert w.variants[1].label.startswith("He ×3")
    with pytest.raises(ValueError):
        w.set_variants("init", ["zeros"])
