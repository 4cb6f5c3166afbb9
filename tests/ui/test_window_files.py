"""The window's file methods: load/save round trip, bad files, weight and plot exports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from window_helpers import last_snapshot, step_of

from playground.io import ExperimentError, load_experiment


def trained(window, qtbot, steps: int = 37):
    window.controller.step(steps)
    return last_snapshot(window, qtbot, lambda s: s.step == steps)


def test_save_and_load_round_trip_restores_weights_and_step(
    make_window, qtbot, tmp_path: Path
) -> None:
    window = make_window()
    snap = trained(window, qtbot)
    path = tmp_path / "run.json"
    window.save_experiment(path)
    saved = load_experiment(path)
    assert saved["state"]["step"] == snap.step
    for layer, W in zip(saved["weights"], snap.weights, strict=True):
        np.testing.assert_array_equal(np.array(layer["W"]), W)

    other = make_window()
    other.load_experiment(path)
    again = last_snapshot(other, qtbot, lambda s: s.reason in ("reset", "pause", "start"))
    assert again.step == snap.step and step_of(other) == snap.step
    for a, b in zip(again.weights, snap.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert other.experiment()["weights"] == window.experiment()["weights"]
    assert other.current_path == str(path)
    # training continues from there exactly as it would have in the first window
    window.controller.step(5)
    other.controller.step(5)
    a, b = window.experiment(), other.experiment()  # answered after the steps (FIFO commands)
    assert a["state"]["step"] == b["state"]["step"] == snap.step + 5
    np.testing.assert_allclose(a["weights"][0]["W"], b["weights"][0]["W"], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b'{"format": "playground-experiment", "version": 1, "data": {}, "model": {"layers": []}, '
        b'"training": {}}',
        b'{"format": "playground-experiment", "version": 1, "data": {"dataset": "csv", '
        b'"path": "missing.csv", "target": "y"}, "model": {"inputs": 2, "layers": '
        b'[{"units": 1, "activation": "sigmoid"}]}, "training": {}}',
    ],
)
def test_bad_file_raises_and_leaves_the_window_unchanged(
    make_window, qtbot, tmp_path: Path, content: bytes
) -> None:
    window = make_window()
    trained(window, qtbot, 12)
    before = window.experiment()
    title = window.windowTitle()
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises((ExperimentError, ValueError)) as info:
        window.load_experiment(path)
    assert str(info.value)
    assert window.experiment() == before
    assert window.windowTitle() == title
    with pytest.raises(ExperimentError):
        window.load_experiment(tmp_path / "no_such_file.json")


def test_export_weights_npz_json_and_bad_suffix(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    snap = trained(window, qtbot)
    window.export_weights(tmp_path / "weights.npz")
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as z:
        L = len(snap.weights)
        assert {f"W{l}" for l in range(1, L + 1)} | {f"b{l}" for l in range(1, L + 1)} | {
            "experiment"
        } == set(z.files)
        np.testing.assert_array_equal(z["W1"], snap.weights[0])
        assert json.loads(str(z["experiment"]))["state"]["step"] == snap.step
    window.export_weights(tmp_path / "weights.json")
    assert json.loads((tmp_path / "weights.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="format"):
        window.export_weights(tmp_path / "weights.xyz")
    assert not (tmp_path / "weights.xyz").exists()


def test_export_plots_writes_png_and_csv_per_view(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    trained(window, qtbot, 50)
    window.export_plots(tmp_path / "plots")
    names = set(window.views())
    assert {"boundary_plot", "loss_plot"} <= names
    for name in names:
        assert (tmp_path / "plots" / f"{name}.png").stat().st_size > 0, name
        assert (tmp_path / "plots" / f"{name}.csv").exists(), name
    header = (tmp_path / "plots" / "boundary_plot.csv").read_text().splitlines()
    assert header[0].startswith("x1,x2,output_1") and len(header) == 1 + 64 * 64


def test_exported_plots_have_the_report_size_and_the_docks_stay_put(
    make_window, qtbot, tmp_path: Path
) -> None:
    from PySide6.QtGui import QImage

    from playground.ui.plot_export import PNG_SCALE
    from playground.ui.report_layout import report_size

    window = make_window()
    window.resize(1280, 800)
    trained(window, qtbot, 50)

    def places() -> dict:
        return {
            name: (view.parentWidget(), view.size().toTuple(), view.isVisible())
            for name, view in window.views().items()
        }

    before = places()
    window.export_plots(tmp_path)
    assert places() == before  # every view back in its dock or panel, at its size
    n_layers = len(window.experiment()["model"]["layers"])
    for name in ("loss_plot", "boundary_plot", "weight_plot"):
        image = QImage(str(tmp_path / f"{name}.png"))
        width, _height = report_size(name, n_layers)
        assert abs(image.width() - PNG_SCALE * width) <= PNG_SCALE * 30, name  # minus margins
        assert image.width() > PNG_SCALE * window.views()[name].width(), name
    svg = (tmp_path / "loss_plot.svg").read_text()
    loss_plot = window.views()["loss_plot"]
    for curve in (loss_plot.train_metric_curve, loss_plot.test_metric_curve):
        assert f'stroke="{curve.opts["pen"].color().name()}"' in svg  # the right axis' curves
    assert "train loss" in svg and "test accuracy" in svg  # the legend exported figures carry
    assert not loss_plot.legend.isVisible()  # on screen the summary line is the key
