"""The four inside views and ``InsideViews``: real trainers, 1-layer and 10-layer nets, tables that
match the snapshot numbers, fixed colour levels, rebuilds on ``clear()``."""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QLabel, QWidget

from playground.data import make_dataset
from playground.io import load_experiment, validate_experiment
from playground.resources import resource_path
from playground.training import Trainer
from playground.training.snapshot import QUANTILES
from playground.ui.inside import InsideViews
from playground.ui.inside.activation_plot import ActivationPlot
from playground.ui.inside.common import grid_shape
from playground.ui.inside.error_plot import LOG_DECADES, ErrorPlot, log_magnitude
from playground.ui.inside.gradient_plot import GradientPlot
from playground.ui.inside.labels import text_width
from playground.ui.inside.weight_plot import WeightPlot
from playground.ui.views import SnapshotView

VIEWS = {
    "gradient_plot": GradientPlot,
    "activation_plot": ActivationPlot,
    "error_plot": ErrorPlot,
    "weight_plot": WeightPlot,
}


def preset(name: str) -> dict:
    return load_experiment(resource_path("presets", f"{name}.json"))


def one_layer() -> dict:
    """Logistic regression: a single (output) layer."""
    exp = copy.deepcopy(preset("classic_circle"))
    exp["model"]["layers"] = [{"units": 1, "activation": "sigmoid"}]
    return validate_experiment(exp)


def ten_layers() -> dict:
    exp = preset("vanishing")
    assert len(exp["model"]["layers"]) == 10
    return exp


def trainer(exp: dict) -> Trainer:
    return Trainer(exp, make_dataset(exp["data"]), grid_size=16, neuron_grid=8)


def snapshots(tr: Trainer, n: int, steps: int = 40):
    for _ in range(n):
        tr.train_steps(steps)
        yield tr.snapshot()


@pytest.fixture
def view_factory(no_leaks, qtbot):
    made = []

    def make(cls):
        v = cls()
        qtbot.addWidget(v)
        v.resize(900, 600)
        v.show()
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()
        v.deleteLater()  # pyqtgraph's context menus are top-level QMenus: they go with the view
    made.clear()


@pytest.mark.parametrize("name", VIEWS)
def test_view_contract(view_factory, name):
    v = view_factory(VIEWS[name])
    assert isinstance(v, SnapshotView)
    assert v.objectName() == name
    assert v.windowTitle()
    assert isinstance(v.export_target(), pg.GraphicsLayout)
    header, rows = v.table()
    assert header and rows == []


@pytest.mark.parametrize("make_exp", [one_layer, ten_layers], ids=["1-layer", "10-layer"])
@pytest.mark.parametrize("name", VIEWS)
def test_view_shows_real_snapshots(view_factory, qtbot, name, make_exp):
    v = view_factory(VIEWS[name])
    tr = trainer(make_exp())
    first = tr.snapshot("start")  # before any step: no history yet
    v.show_snapshot(first)
    for snap in snapshots(tr, 6):
        v.show_snapshot(snap)
        qtbot.wait(1)
    v.grab()  # paints without error
    header, rows = v.table()
    assert rows and all(len(r) == len(header) for r in rows)
    v.clear()
    assert v.table()[1] == []
    v.show_snapshot(tr.snapshot())  # usable again after clear
    assert v.table()[1] or name == "gradient_plot"


def test_activation_table_matches_snapshot(view_factory):
    v = view_factory(ActivationPlot)
    snap = list(snapshots(trainer(ten_layers()), 2))[-1]
    v.show_snapshot(snap)
    header, rows = v.table()
    assert header == ["layer", "activation", "bin_low", "bin_high", "count"]
    for s in snap.layers:
        mine = [r for r in rows if r[0] == s.index]
        assert [r[4] for r in mine] == list(s.activation_hist.counts)
        assert [r[2] for r in mine] == pytest.approx(list(s.activation_hist.edges[:-1]))
        assert all(r[1] == s.activation for r in mine)
    # the panel titles print mean, std and the saturated share
    assert "saturated" in ActivationPlot.caption(snap.layers[0])
    assert f"{snap.layers[0].activation_mean:.2f}" in ActivationPlot.caption(snap.layers[0])


def test_activation_plot_prints_dead_share_of_relu_layers(view_factory):
    v = view_factory(ActivationPlot)
    snap = list(snapshots(trainer(preset("dead_relu")), 5, 100))[-1]
    v.show_snapshot(snap)
    text = ActivationPlot.caption(snap.layers[0])
    assert f"dead {snap.layers[0].dead_fraction:.0%}" in text


def test_activation_plot_reuses_items_and_rebuilds_on_clear(view_factory):
    v = view_factory(ActivationPlot)
    tr = trainer(ten_layers())
    snaps = list(snapshots(tr, 3))
    v.show_snapshot(snaps[0])
    panels = list(v._panels)
    for s in snaps[1:]:
        v.show_snapshot(s)
    assert v._panels == panels  # same items while the layer count is unchanged
    v.clear()
    assert v._panels == []
    v.show_snapshot(snaps[-1])
    assert len(v._panels) == 10


def test_error_table_and_symmetric_fixed_levels(view_factory):
    v = view_factory(ErrorPlot)
    snap = list(snapshots(trainer(ten_layers()), 3))[-1]
    v.set_scale("layer")
    v.show_snapshot(snap)
    header, rows = v.table()
    assert header == ["layer", "neuron", "example", "delta"]
    for s in snap.layers:
        D = np.asarray(s.delta_sample)
        mine = np.array([r[3] for r in rows if r[0] == s.index])
        assert mine.size == D.size
        np.testing.assert_allclose(mine, D.ravel())  # row-major: neuron, then example
    for (lo, hi), s in zip(v.levels(), snap.layers, strict=True):
        assert lo == -hi  # centred on 0
        assert hi >= np.abs(s.delta_sample).max() * (1 - 1e-12)


def test_error_levels_adapt_slowly(view_factory):
    """A frame with much smaller δ does not rescale at once (no flicker)."""
    v = view_factory(ErrorPlot)
    v.set_scale("shared")
    snaps = list(snapshots(trainer(preset("classic_circle")), 4))
    v.show_snapshot(snaps[0])
    hi0 = v.levels()[0][1]
    from dataclasses import replace

    tiny = replace(
        snaps[1],
        layers=tuple(
            replace(s, delta_sample=np.asarray(s.delta_sample) * 1e-3) for s in snaps[1].layers
        ),
    )
    v.show_snapshot(tiny)
    hi1 = v.levels()[0][1]
    assert 0.9 * hi0 < hi1 <= hi0


def test_error_log_magnitude(view_factory):
    d = np.array([[1e-9, -1e-3, 0.0, np.nan, 1.0]])
    out = log_magnitude(d, 1e-8)
    np.testing.assert_allclose(out, [[0.0, -5.0, 0.0, 0.0, 8.0]])
    v = view_factory(ErrorPlot)
    v.set_scale("log")
    v.show_snapshot(list(snapshots(trainer(ten_layers()), 2))[-1])
    assert all(lv == (-LOG_DECADES, LOG_DECADES) for lv in v.levels())


def test_weight_table_holds_quantiles_over_time(view_factory):
    v = view_factory(WeightPlot)
    snaps = list(snapshots(trainer(ten_layers()), 5))
    for s in snaps:
        v.show_snapshot(s)
    v.show_snapshot(snaps[-1])  # the same step again adds nothing
    header, rows = v.table()
    assert header[:2] == ["step", "layer"] and len(header) == 2 + len(QUANTILES)
    assert len(rows) == 5 * 10
    for s in snaps:
        for layer in s.layers:
            row = next(r for r in rows if r[0] == s.step and r[1] == layer.index)
            assert row[2:] == pytest.approx(list(layer.weight_quantiles))


def test_weight_plot_shows_growth(view_factory):
    """The exploding preset's weights stay huge; a healthy run's change: the title says how much."""
    v = view_factory(WeightPlot)
    for s in snapshots(trainer(preset("healthy_relu_he")), 5, 200):
        v.show_snapshot(s)
    assert "since start" in v._rows[0].title
    lo, hi = v._rows[0].yrange
    q = np.asarray(v.table()[1][-1][2:])
    assert lo <= q.min() and hi >= q.max()


def test_inside_views_contract(no_leaks, qtbot):
    parent = QWidget()
    iv = InsideViews(parent)
    views = iv.views()
    assert set(views) == {"gradient_plot", "activation_plot", "error_plot", "weight_plot"}
    for name, view in views.items():
        assert view.objectName() == name and view.windowTitle()
        assert isinstance(view, SnapshotView)
    assert isinstance(iv.banner, QLabel) and iv.banner.objectName() == "health_label"
    assert iv.banner.wordWrap()
    assert "1000" in iv.banner.toolTip()
    tr = trainer(ten_layers())
    for snap in snapshots(tr, 8, 100):
        iv.show_snapshot(snap)
    assert iv.banner.verdict == "vanishing"
    assert all(v.table()[1] for v in views.values())
    iv.clear()
    assert all(not v.table()[1] for v in views.values())
    assert iv.banner.verdict == "warming up"
    assert math.isfinite(len(iv.banner.text()))
    parent.close()
    parent.deleteLater()


@pytest.mark.parametrize("cls", [ActivationPlot, ErrorPlot])
def test_small_multiples_reflow_with_the_width_and_scroll(view_factory, qtbot, cls):
    v = view_factory(cls)
    snap = list(snapshots(trainer(ten_layers()), 2))[-1]
    v.resize(1300, 400)
    qtbot.wait(20)
    v.show_snapshot(snap)
    wide = v._cols
    v.resize(520, 300)
    qtbot.waitUntil(lambda: v._cols < wide)
    rows = -(-10 // v._cols)
    assert v.graphics.minimumHeight() >= rows * 100  # scrolls instead of squashing the panels
    assert len(v._panels) == 10 and v.table()[1]
    v.grab()


@pytest.mark.parametrize("cls", [ActivationPlot, ErrorPlot, WeightPlot])
def test_a_narrow_dock_gets_more_columns_and_titles_that_fit(view_factory, qtbot, cls):
    """At the default window size a dock is about 420 px wide: the small multiples keep several
    columns (cells of ``MIN_CELL`` px) and every title is one that fits over its panel."""
    v = view_factory(cls)
    snap = list(snapshots(trainer(ten_layers()), 3, 100))[-1]
    v.resize(420, 230)
    qtbot.wait(20)
    v.show_snapshot(snap)
    v.grab()
    assert v.minimumSizeHint().width() <= 420  # nothing in the view widens the dock
    if cls is WeightPlot:
        plots = [(r.bands_plot, r.title) for r in v._rows]
    else:
        assert v._cols >= 2
        plots = [(p.plot, p.title) for p in v._panels]
    for plot, title in plots:
        room = plot.width() if cls is ActivationPlot else plot.getViewBox().width() + 4
        assert title and text_width(title) <= room, title
    v.resize(1100, 600)
    qtbot.wait(20)
    v.show_snapshot(snap)
    v.grab()
    if cls is WeightPlot:  # wide: the full title again
        assert "since start" in v._rows[0].title and "W 8×2" in v._rows[0].title
    else:
        assert v._cols == 5


def test_grid_shape_cells():
    assert grid_shape(10, 420) == (4, 3)
    assert grid_shape(10, 1100) == (2, 5)
    assert grid_shape(10, 100) == (10, 1)
    assert grid_shape(3, 2000) == (1, 3)


def test_only_hidden_layers_get_the_saturation_alarm_colour(view_factory) -> None:
    """A saturated sigmoid output is a confident prediction; the health check (and the red
    share) is about hidden layers."""
    from playground.ui.inside.common import ALARM

    v = view_factory(ActivationPlot)
    snap = list(snapshots(trainer(preset("saturated")), 3, 100))[-1]
    *hidden, out = snap.layers
    # the single output unit saturated on the whole last batch (as a trained net's often is)
    out = dataclasses.replace(out, saturated_fraction=1.0)
    snap = dataclasses.replace(snap, layers=(*hidden, out))
    assert out.activation == "sigmoid" and any(s.saturated_fraction > 0.5 for s in hidden)
    v.show_snapshot(snap)
    titles = [p.title for p in v._panels]
    for s, title in zip(snap.layers, titles, strict=True):
        alarmed = s is not out and s.saturated_fraction > 0.5
        assert (ALARM in title) == alarmed, (s.index, title)
