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
from playground.training.snapshot import History
from playground.ui.inside.common import (
    LOG_FLOOR,
    PeakThinner,
    PowerAxis,
    SeriesBuffer,
    peak_decimate,
    safe_log10,
)
from playground.ui.inside.gradient_plot import POINTS_PER_PIXEL, GradientPlot
from playground.ui.inside.labels import FittingLabel, text_width


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


def test_small_docks_show_a_colour_key_and_a_summary_that_fits(make_plot, qtbot):
    """Narrow: the legend column goes, a one-line colour key (named layers in red) and the
    summary in the profile's title take its place; short: the axis labels go too. Nothing is
    cut: the summary label never asks for more width than it has."""
    plot = make_plot()
    tr = trainer("vanishing")
    tr.train_steps(300)
    plot.show_snapshot(tr.snapshot())
    assert plot.legend.isVisible() and plot.series_plot.titleLabel.isVisible()
    assert "now: layer 1 gets 10⁻" in plot.profile_label.text()
    plot.resize(420, 400)  # narrow, tall enough for axis labels
    qtbot.waitUntil(lambda: not plot.legend.isVisible())
    assert not plot._compact and not plot.profile_label.isVisible()
    tr.train_steps(300)
    plot.show_snapshot(tr.snapshot())
    plot.grab()
    key = plot.series_plot.titleLabel.text
    assert key.startswith("<span") and all(f">{l}<" in key for l in (2, 9, 10))
    assert "<b>1</b>" in key  # layer 1 is named by the verdict: bold red in the key
    summary = plot.profile_plot.titleLabel.text
    assert "10⁻" in summary and summary in plot._summary
    assert text_width(summary, 9.0) <= plot.profile_plot.getViewBox().width() + 4
    assert plot.graphics.toolTip().startswith("now: layer 1 gets")
    assert plot.series_plot.getAxis("left").label.isVisible()
    plot.resize(420, 230)  # the default window's dock: no axis labels, still key and summary
    qtbot.waitUntil(lambda: plot._compact)
    plot.grab()
    assert not plot.series_plot.getAxis("left").label.isVisible()
    assert plot.series_plot.titleLabel.isVisible() and "layer" in plot.series_plot.titleLabel.text
    summary = plot.profile_plot.titleLabel.text
    assert "10⁻" in summary
    assert text_width(summary, 8.0) <= plot.profile_plot.getViewBox().width() + 4
    plot.resize(1000, 500)
    qtbot.waitUntil(lambda: plot.legend.isVisible())
    assert not plot._compact and plot.profile_label.isVisible()
    assert "per layer over training" in plot.series_plot.titleLabel.text


def test_the_summary_label_takes_a_shorter_wording_or_is_elided(make_plot, qtbot):
    label = FittingLabel()
    qtbot.addWidget(label)
    label.set_variants(["now: layer 1 gets 10⁻⁴ × layer 10's ‖∂J/∂W‖", "layer 1: 10⁻⁴ × layer 10"])
    label.resize(600, 20)
    label.show()
    assert label.text() == label.full_text == label.toolTip()
    label.resize(label.fontMetrics().horizontalAdvance("layer 1: 10⁻⁴ × layer 10") + 10, 20)
    assert label.text() == "layer 1: 10⁻⁴ × layer 10"
    label.resize(40, 20)
    assert label.text().endswith("…") and label.fontMetrics().horizontalAdvance(label.text()) <= 40
    assert label.minimumSizeHint().width() <= 40 or label.sizePolicy().horizontalPolicy().name == (
        "Ignored"
    )


def test_power_axis_labels_round_values_when_zoomed_in():
    """Less than 1.5 decades in view: round values between the powers of ten get labels (a loss
    between 0.6 and 0.8 still has numbers); wider: only the powers of ten."""
    axis = PowerAxis("left")

    def labels(lo, hi, px=150):
        return [
            t for sp, vals in axis.tickValues(lo, hi, px) for t in axis.tickStrings(vals, 1, sp)
        ]

    assert "0.7" in labels(np.log10(0.6), np.log10(0.8))
    assert {"0.68", "0.69", "0.7"} <= set(labels(np.log10(0.68), np.log10(0.70)))
    assert {"1", "2", "3"} <= set(labels(-0.2, 0.55))
    assert "2·10⁻⁵" in labels(-5.2, -4.4, 100)
    assert "200" in labels(2.1, 3.3, 200)
    wide = [t for t in labels(-6.2, 0.5, 300) if t]
    assert wide == ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "1"]


def test_peak_decimate_keeps_peaks_ends_and_coverage():
    rng = np.random.default_rng(0)
    x = np.arange(1, 50_001)
    y = rng.normal(size=(50_000, 3))
    y[1234, 1] = 50.0  # one spike
    y[777:900, 2] = np.nan  # a gap shorter than a bucket is bridged by the bucket's min/max
    xd, yd = peak_decimate(x, y, 500)
    assert len(xd) <= 2 * 500 + 1
    assert xd[0] == x[0] and xd[-1] == x[-1] and (np.diff(xd) >= 0).all()
    np.testing.assert_array_equal(yd[-1], y[-1])
    np.testing.assert_allclose(np.nanmax(yd, axis=0), np.nanmax(y, axis=0))
    np.testing.assert_allclose(np.nanmin(yd, axis=0), np.nanmin(y, axis=0))
    assert np.diff(xd).max() <= 2 * (x[-1] - x[0]) / 500  # no stretch of the run is left out
    small_x, small_y = peak_decimate(x[:100], y[:100], 500)
    assert small_x is x[:100].base or len(small_x) == 100  # few rows: unchanged


def test_peak_thinner_keeps_up_with_a_growing_buffer():
    """Frame by frame the cached buckets give the same picture as thinning from scratch, also
    after the buffer thins its past."""
    rng = np.random.default_rng(1)
    buf = SeriesBuffer(2, max_points=20_000)
    thinner = PeakThinner()
    step = 0
    for _ in range(60):
        k = int(rng.integers(50, 800))
        buf.append(np.arange(step + 1, step + k + 1), rng.normal(size=(k, 2)))
        step += k
        x, y = thinner.thin(buf, 300)
        fresh_x, fresh_y = PeakThinner().thin(buf, 300)
        np.testing.assert_array_equal(x, fresh_x)
        np.testing.assert_array_equal(y, fresh_y)
        if len(buf) > 601:
            assert len(x) <= 2 * 300 + 3
        assert x[0] == buf.x[0] and x[-1] == buf.x[-1]
        np.testing.assert_array_equal(y[-1], buf.y[-1])
        np.testing.assert_allclose(y.max(axis=0), buf.y.max(axis=0))
        np.testing.assert_allclose(y.min(axis=0), buf.y.min(axis=0))
    assert buf.thinned > 0


def test_a_long_history_is_drawn_thinned_to_the_pixels_with_its_peaks(make_plot, qtbot):
    plot = make_plot()
    plot.resize(1100, 600)
    plot.set_smooth(False)
    tr = trainer("vanishing")
    tr.train_steps(50)
    base = tr.snapshot()
    rng = np.random.default_rng(2)
    n, L = 30_000, 10
    steps = np.arange(1, n + 1, dtype=np.int64)
    g = 10.0 ** (rng.normal(0, 0.35, (n, L)) + np.linspace(-5, -1, L))
    g[12_345, 0] = 1.0  # a spike in layer 1
    h = History(
        steps, steps // 25, rng.random(n), g, g, g, g, np.full((n, L), np.nan), np.zeros((n, L))
    )
    plot.show_snapshot(replace(base, history=h, step=n))
    plot.grab()
    x, y = plot.drawn(1)
    px = plot.series_plot.getViewBox().width()
    assert len(x) <= POINTS_PER_PIXEL * px + 3
    assert x[0] == 1 and x[-1] == n  # the whole run
    assert y.max() == pytest.approx(0.0)  # the spike survives the thinning
    assert y[-1] == pytest.approx(np.log10(g[-1, 0]))  # the newest row exactly
    steps_kept, values = plot.series()
    assert len(steps_kept) == n  # the table keeps every row
