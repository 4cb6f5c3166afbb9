"""``gradient_plot``: complete histories from a real training thread, log axes that survive zeros
and NaN, bounded buffers, the quantity switch and the highlighted layers."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from playground.data import make_dataset
from playground.io import load_experiment
from playground.resources import resource_path
from playground.training import Trainer
from playground.training.session import TrainingSession
from playground.ui.inside.common import LOG_FLOOR, PowerAxis, SeriesBuffer, safe_log10
from playground.ui.inside.gradient_plot import GradientPlot


def preset(name: str) -> dict:
    return load_experiment(resource_path("presets", f"{name}.json"))


def trainer(name: str) -> Trainer:
    exp = preset(name)
    return Trainer(exp, make_dataset(exp["data"]), grid_size=8, neuron_grid=4)


@pytest.fixture
def make_plot(no_leaks, qtbot):
    """``make_plot()`` → a shown GradientPlot, deleted after the test (a factory, so that the
    fixture cache holds no reference: pyqtgraph's menus are top-level QMenus)."""
    made = []

    def make() -> GradientPlot:
        v = GradientPlot()
        v.resize(900, 500)
        v.show()
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()
        v.deleteLater()
    made.clear()


def test_history_from_a_training_thread_has_no_gaps(make_plot, qtbot):
    plot = make_plot()
    """Snapshots taken at ~30 Hz from a worker thread tile the run: every recorded row arrives,
    steps strictly increase, and no two rows are more than the stride apart."""
    tr = trainer("vanishing")
    session = TrainingSession(tr)
    frames = 0
    try:
        session.start()
        session.play()
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline or frames < 10:
            snap = session.mailbox.take()
            if snap is not None:
                plot.show_snapshot(snap)
                frames += 1
            qtbot.wait(33)
        session.pause()
        qtbot.waitUntil(lambda: not session.playing, timeout=3000)
        qtbot.wait(50)
        snap = session.mailbox.take()
        if snap is not None:
            plot.show_snapshot(snap)
    finally:
        assert session.stop()
    steps, values = plot.series()
    assert len(steps) > 100 and frames >= 10
    gaps = np.diff(steps)
    assert (gaps >= 1).all()
    assert gaps.max() <= tr.stride
    assert steps[0] <= tr.stride
    assert steps[-1] == tr.step_count
    assert values.shape == (len(steps), 10)
    header, rows = plot.table()
    assert [r[0] for r in rows] == list(steps)
    np.testing.assert_allclose(np.array([r[1:] for r in rows]), values)


def test_table_matches_history_for_each_quantity(make_plot):
    plot = make_plot()
    tr = trainer("healthy_relu_he")
    snaps = []
    for _ in range(5):
        tr.train_steps(60)
        snaps.append(tr.snapshot())
        plot.show_snapshot(snaps[-1])
    for key in ("grad_norm", "delta_norm", "update_ratio"):
        plot.set_quantity(key)
        assert plot.quantity == key
        header, rows = plot.table()
        assert header == ["step"] + [f"{key}_{l}" for l in range(1, 6)]
        expected = np.concatenate([getattr(s.history, key) for s in snaps])
        np.testing.assert_allclose(np.array([r[1:] for r in rows]), expected)
    # the radio buttons follow
    checked = [b for b in plot._group.buttons() if b.isChecked()]
    assert [b.property("quantity") for b in checked] == ["update_ratio"]
    checked_button = next(
        b for b in plot._group.buttons() if b.property("quantity") == "delta_norm"
    )
    checked_button.click()
    assert plot.quantity == "delta_norm"
    with pytest.raises(ValueError):
        plot.set_quantity("nope")


def test_zeros_nan_and_inf_on_the_log_axis(make_plot, qtbot):
    plot = make_plot()
    tr = trainer("healthy_relu_he")
    tr.train_steps(100)
    snap = tr.snapshot()
    h = snap.history
    g = np.array(h.grad_norm)
    g[0, 0] = 0.0
    g[1, 1] = np.nan
    g[2, 2] = np.inf
    bad = replace(snap, history=replace(h, grad_norm=g))
    plot.show_snapshot(bad)
    plot.grab()
    x, y = plot.drawn(1)
    assert y[0] == LOG_FLOOR or plot.smooth  # raw zero clamps to the floor
    plot.set_smooth(False)
    x, y = plot.drawn(1)
    assert y[0] == LOG_FLOOR
    x, y = plot.drawn(2)
    assert np.isnan(y[1])  # a gap, not a crash
    x, y = plot.drawn(3)
    assert np.isnan(y[2])
    # the table keeps the raw numbers
    rows = plot.table()[1]
    assert rows[0][1] == 0.0 and np.isnan(rows[1][2]) and np.isinf(rows[2][3])
    plot.grab()


def test_safe_log10_and_power_axis():
    out = safe_log10(np.array([0.0, -1.0, 1e-3, 1e50, np.nan, np.inf]))
    assert out[0] == LOG_FLOOR and out[1] == LOG_FLOOR
    assert out[2] == pytest.approx(-3.0)
    assert out[3] == 30.0
    assert np.isnan(out[4]) and np.isnan(out[5])
    axis = PowerAxis("left")
    assert axis.tickStrings([-6.0, 0.0, 3.0], 1, 1) == ["10⁻⁶", "1", "10³"]
    levels = axis.tickValues(-6.2, 0.5, 300)
    assert -6.0 in levels[0][1] and 0.0 in levels[0][1]


def test_series_buffer_grows_and_thins():
    buf = SeriesBuffer(2, max_points=64, capacity=4)
    step = 0
    for _ in range(100):
        k = 3
        buf.append(np.arange(step + 1, step + k + 1), np.ones((k, 2)) * step)
        step += k
        assert len(buf) <= 64
        assert (np.diff(buf.x) > 0).all()
    assert buf.x[-1] == step
    assert buf.thinned > 0
    # the newest rows stay at full resolution
    assert (np.diff(buf.x[-20:]) == 1).all()
    buf.clear()
    assert len(buf) == 0


def test_long_runs_stay_bounded(make_plot):
    plot = make_plot()
    plot.MAX_POINTS = 500
    plot.clear()
    tr = trainer("classic_circle")
    for _ in range(40):
        tr.train_steps(1000)
        plot.show_snapshot(tr.snapshot())
    steps, _ = plot.series()
    assert len(steps) <= 500
    assert steps[-1] == tr.step_count
    assert (np.diff(steps) > 0).all()


def test_highlights_the_layers_the_verdict_names(make_plot):
    plot = make_plot()
    tr = trainer("vanishing")
    for _ in range(10):
        tr.train_steps(100)
        snap = tr.snapshot()
        plot.show_snapshot(snap)
    assert snap.health.verdict == "vanishing"
    assert plot.highlighted == snap.health.layers and 1 in plot.highlighted
    assert plot._curves[0].opts["pen"].width() == 2
    assert plot._curves[-1].opts["pen"].width() == 1
    assert "layer 1 gets 10⁻" in plot.profile_label.text()
    plot.clear()
    assert plot.highlighted == ()
    tr = trainer("healthy_relu_he")
    for _ in range(10):
        tr.train_steps(100)
        plot.show_snapshot(tr.snapshot())
    assert plot.highlighted == ()


def test_hidden_view_keeps_recording(make_plot, qtbot):
    plot = make_plot()
    tr = trainer("classic_xor")
    plot.hide()
    for _ in range(5):
        tr.train_steps(100)
        plot.show_snapshot(tr.snapshot())
    n = len(plot.series()[0])
    assert n > 0
    plot.show()
    qtbot.waitExposed(plot)
    x, _ = plot.drawn(1)
    assert len(x) == n


def test_a_new_run_without_clear_starts_over(make_plot):
    plot = make_plot()
    tr = trainer("classic_gauss")
    tr.train_steps(200)
    plot.show_snapshot(tr.snapshot())
    tr2 = trainer("classic_gauss")
    tr2.train_steps(50)
    plot.show_snapshot(tr2.snapshot())
    steps, _ = plot.series()
    assert steps[-1] == 50 and (np.diff(steps) > 0).all()


def test_small_docks_drop_legend_and_titles(make_plot, qtbot):
    plot = make_plot()
    tr = trainer("vanishing")
    tr.train_steps(300)
    plot.show_snapshot(tr.snapshot())
    assert plot.legend.isVisible() and plot.series_plot.titleLabel.isVisible()
    plot.resize(420, 200)
    qtbot.waitUntil(lambda: not plot.legend.isVisible())
    assert plot._compact
    tr.train_steps(300)
    plot.show_snapshot(tr.snapshot())
    plot.grab()
    plot.resize(1000, 500)
    qtbot.waitUntil(lambda: plot.legend.isVisible())
    assert not plot._compact
