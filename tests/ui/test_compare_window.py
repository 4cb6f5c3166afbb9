"""The Compare window: variants side by side, live from one worker thread, stopped on close."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from playground.io import load_experiment
from playground.resources import resource_path
from playground.ui.compare import (
    LOSS_MIN_SPAN,
    VARIANT_COLOURS,
    CompareWindow,
    robust_range,
)
from playground.ui.inside.banner import COLOURS
from playground.ui.inside.common import ALARM


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
    banners = [w.findChild(QWidget, f"compare_health_{k + 1}") for k in range(3)]
    assert all(b is not None for b in banners)
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
    # the banners keep their colours under their compare_health_k names (found again: the
    # ones found before the run may have been replaced by a reset)
    banners = [w.findChild(QWidget, f"compare_health_{k + 1}") for k in range(3)]
    for banner, verdict in zip(banners, verdicts, strict=True):
        image = banner.grab().toImage()
        background = image.pixelColor(image.width() - 8, image.height() // 2)
        assert background.name() == COLOURS["alarm" if verdict == "vanishing" else "ok"][1]
    # the loss axis: every curve's newest point in view, labelled between the powers of ten
    lo, hi = w.loss_range()
    view = w.loss_plot.getViewBox().viewRange()[1]
    assert view[0] <= lo + 1e-9 and view[1] >= hi - 1e-9
    for k in range(3):
        assert lo <= w.loss_series(k)[1][-1] <= hi
    axis = w.loss_plot.getAxis("left")
    labels = [t for sp, v in axis.tickValues(*view, 150) for t in axis.tickStrings(v, 1, sp) if t]
    assert len(labels) >= 2, labels
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


def test_variant_colours_are_not_the_alarm_colour():
    """Bars of the layers a verdict names are outlined in the alarm red: no variant may be red."""
    from PySide6.QtGui import QColor

    reds = {ALARM, "#d32f2f", COLOURS["alarm"][2]}  # profile outline, editor outline, banner
    alarm_hue = QColor(ALARM).hueF() * 360
    for colour in VARIANT_COLOURS:
        assert colour.lower() not in reds
        hue = QColor(colour).hueF() * 360
        assert min(abs(hue - alarm_hue), 360 - abs(hue - alarm_hue)) >= 25, colour
    assert len(set(VARIANT_COLOURS)) == len(VARIANT_COLOURS)


def test_robust_loss_range_ignores_an_early_spike():
    flat = np.log10(np.full(300, 0.69))
    spiky = flat.copy()
    spiky[:3] = np.log10([30.0, 8.0, 2.0])  # the first evaluations of a large init
    lo, hi = robust_range([flat, spiky, flat - 0.05])
    assert hi < np.log10(1.0)  # the spike goes off the top
    assert lo <= flat[-1] - 0.05 and hi >= flat[-1]  # every curve's newest point in view
    lo, hi = robust_range([flat])  # flat curves: still a readable span
    assert hi - lo >= LOSS_MIN_SPAN - 1e-12
    assert robust_range([np.full(5, np.nan), np.zeros(0)]) is None
    rising = np.linspace(-1, 1, 100)
    lo, hi = robust_range([rising])
    assert hi >= 1.0  # the newest point is always in view, even at the top
