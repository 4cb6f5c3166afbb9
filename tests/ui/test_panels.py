"""Data, output and hyperparameter panels through the window: every change reaches the model."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import Qt
from window_helpers import widget

from playground.engine.losses import pairing_note


def select(combo, value) -> None:
    i = combo.findData(value)
    assert i >= 0, value
    combo.setCurrentIndex(i)


def test_data_set_change_fits_the_output_layer(make_window) -> None:
    window = make_window()
    select(widget(window, "dataset_combo"), "blobs")
    exp = window.experiment()
    assert exp["data"]["dataset"] == "blobs"
    out = exp["model"]["layers"][-1]
    k = window.controller.dataset.n_outputs
    assert k >= 2 and out == {"units": k, "activation": "softmax"} and exp["model"]["loss"] == "cce"
    assert widget(window, "output_activation_combo").currentData() == "softmax"
    assert widget(window, "loss_combo").currentData() == "cce"
    select(widget(window, "dataset_combo"), "reg_plane")
    exp = window.experiment()
    assert exp["model"]["layers"][-1]["activation"] == "linear" and exp["model"]["loss"] == "mse"
    select(widget(window, "dataset_combo"), "iris")
    exp = window.experiment()
    assert exp["model"]["inputs"] == 4  # a new data set brings its own problem type
    assert exp["model"]["layers"][-1] == {"units": 3, "activation": "softmax"}
    assert exp["model"]["problem"] == "multiclass"
    assert not widget(window, "feature_x1").isVisibleTo(window)
    widget(window, "noise_spin").setValue(0.0)  # same data set: the chosen problem type stays
    select(widget(window, "problem_combo"), "multilabel")
    widget(window, "train_fraction_spin").setValue(0.6)
    assert window.experiment()["model"]["problem"] == "multilabel"


def test_noise_fraction_and_features(make_window) -> None:
    window = make_window()
    widget(window, "noise_spin").setValue(0.25)
    widget(window, "train_fraction_spin").setValue(0.8)
    exp = window.experiment()
    assert exp["data"]["noise"] == 0.25 and exp["data"]["train_fraction"] == 0.8
    assert widget(window, "batch_size_spin").maximum() == window.controller.dataset.x_train.shape[0]
    before = exp["model"]["inputs"]
    widget(window, "feature_x1_x2").setChecked(True)
    exp = window.experiment()
    assert "x1*x2" in exp["data"]["features"] and exp["model"]["inputs"] == before + 1
    for check in (
        "feature_x1",
        "feature_x2",
        "feature_x1_sq",
        "feature_x2_sq",
        "feature_x1_x2",
        "feature_sin_x1",
        "feature_sin_x2",
    ):
        widget(window, check).setChecked(False)
    exp = window.experiment()
    assert len(exp["data"]["features"]) == 1  # the last feature stays
    assert exp["model"]["inputs"] == 1


def test_problem_type_sets_the_output_layer_and_stays_overridable(make_window) -> None:
    window = make_window()
    select(widget(window, "problem_combo"), "regression")
    exp = window.experiment()
    assert exp["model"]["layers"][-1]["activation"] == "linear" and exp["model"]["loss"] == "mse"
    assert exp["model"]["problem"] == "regression"
    select(widget(window, "output_activation_combo"), "tanh")
    exp = window.experiment()
    assert exp["model"]["layers"][-1]["activation"] == "tanh"
    assert exp["model"]["problem"] == "regression"
    combo = widget(window, "problem_combo")
    multiclass = combo.findData("multiclass")
    assert not combo.model().item(multiclass).isEnabled()  # one target column: no multi-class


def test_softmax_on_a_single_output_is_allowed_with_a_note(make_window, qtbot) -> None:
    window = make_window()  # the default: binary spirals, 1 sigmoid output
    note = widget(window, "pairing_note_label")
    select(widget(window, "output_activation_combo"), "softmax")
    select(widget(window, "loss_combo"), "mse")
    exp = window.experiment()
    assert exp["model"]["layers"][-1] == {"units": 1, "activation": "softmax"}
    assert exp["model"]["loss"] == "mse"
    assert note.isVisible() and "single output" in note.text()
    qtbot.mouseClick(widget(window, "step_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.step_count == 1, timeout=10_000)
    assert "Not applied" not in window.statusBar().currentMessage()


def test_softmax_with_mse_is_allowed_with_a_note(make_window, qtbot) -> None:
    window = make_window()
    select(widget(window, "dataset_combo"), "blobs")
    note = widget(window, "pairing_note_label")
    assert not note.isVisible()
    select(widget(window, "loss_combo"), "mse")
    exp = window.experiment()
    assert exp["model"]["loss"] == "mse" and exp["model"]["layers"][-1]["activation"] == "softmax"
    assert note.isVisible() and pairing_note("mse", "softmax") in note.text()
    window.controller.set_speed("max")
    qtbot.mouseClick(widget(window, "play_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.step_count > 100, timeout=10_000)
    assert "stopped" not in window.statusBar().currentMessage()


def test_init_is_structural(make_window) -> None:
    window = make_window()
    w0 = window.experiment()["weights"]
    select(widget(window, "init_combo"), "he_normal")
    widget(window, "init_scale_spin").setValue(3.0)
    exp = window.experiment()
    assert exp["model"]["init"]["scheme"] == "he_normal" and exp["model"]["init"]["scale"] == 3.0
    assert exp["weights"] != w0


def test_bad_request_says_why_and_keeps_the_run(make_window, tmp_path: Path) -> None:
    window = make_window()
    before = copy.deepcopy(window.experiment())
    data = window.data_panel
    data.data_changed.emit(data.csv_changes(str(tmp_path / "missing.csv"), "y"))
    assert "Not applied" in window.statusBar().currentMessage()
    assert window.experiment() == before
    assert widget(window, "dataset_combo").currentData() == "spiral"


def test_csv_data_from_a_file(make_window, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    lines = ["a,b,c,label"] + [
        f"{i % 7},{i % 5 - 2},{(i * 3) % 11},{'yes' if i % 3 else 'no'}" for i in range(60)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    window = make_window()
    data = window.data_panel
    data.data_changed.emit(data.csv_changes(str(path), "label"))
    exp = window.experiment()
    assert exp["data"]["dataset"] == "csv" and exp["model"]["inputs"] == 3
    assert widget(window, "dataset_combo").currentText() == "CSV: points.csv"


def test_a_smaller_training_set_shrinks_the_batch_size_it_shows_and_uses(make_window) -> None:
    window = make_window()  # 500 points, half for training
    spin = widget(window, "batch_size_spin")
    spin.setValue(200)
    assert window.experiment()["training"]["batch_size"] == 200
    widget(window, "train_fraction_spin").setValue(0.1)  # 50 training examples
    assert spin.maximum() == 50 and spin.value() == 50
    assert window.experiment()["training"]["batch_size"] == 50
