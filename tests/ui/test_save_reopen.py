"""File ▸ Save mid-run, reopen in a new window: same weights, step and settings, and training
continues from that step exactly as the saved run would have (issue 5, "Experiments")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from window_helpers import last_snapshot, step_of, widget

from playground.data import make_dataset
from playground.io import load_experiment
from playground.training import Trainer

ROOT = Path(__file__).resolve().parents[2]


def test_save_while_training_then_reopen_and_continue(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    c = window.controller
    # settings that differ from the default experiment
    c.set_optimizer({"name": "adam", "learning_rate": 0.01})
    c.set_batch_size(16)
    c.set_regularization("l2", 0.001)
    c.set_speed("fast")
    c.play()
    last_snapshot(window, qtbot, lambda s: s.step > 200, timeout=20_000)
    path = tmp_path / "mid-run.json"
    window.save_experiment(path)  # while playing: the worker answers between two steps
    c.pause()
    saved = load_experiment(path)
    step = saved["state"]["step"]
    assert step > 200 and saved["state"]["optimizer"]["name"] == "adam"
    assert saved["training"]["optimizer"]["learning_rate"] == 0.01
    assert saved["training"]["batch_size"] == 16
    assert saved["training"]["regularization"] == {"kind": "l2", "rate": 0.001}

    other = make_window()
    other.load_experiment(path)
    shown = last_snapshot(other, qtbot, lambda s: s.step == step)
    assert step_of(other) == step and not other.isWindowModified()
    reopened = other.experiment()
    assert reopened["weights"] == saved["weights"]
    assert reopened["state"] == saved["state"]  # epoch, step, batch offset, Adam's moments
    assert reopened["training"] == saved["training"]
    for W, layer in zip(shown.weights, saved["weights"], strict=True):
        np.testing.assert_array_equal(W, np.array(layer["W"]))
    # the controls show the reopened settings
    assert widget(other, "optimizer_combo").currentData() == "adam"
    assert widget(other, "batch_size_spin").value() == 16
    assert widget(other, "regularization_combo").currentData() == "l2"
    assert widget(other, "learning_rate_spin").value() == pytest.approx(0.01)

    # one more step continues from there, exactly like the saved run would
    other.controller.step(1)
    after = last_snapshot(other, qtbot, lambda s: s.step == step + 1)
    assert after.epoch >= saved["state"]["epoch"]
    reference = Trainer(saved, make_dataset(saved["data"]), grid_size=0)
    reference.train_steps(1)
    assert reference.step_count == step + 1
    continued = other.experiment()
    assert continued["state"]["step"] == step + 1
    for layer, W in zip(continued["weights"], reference.net.weights, strict=True):
        np.testing.assert_allclose(np.array(layer["W"]), W, rtol=0, atol=1e-12)
    assert other.isWindowModified()  # training progress since the file was opened


def test_a_file_saved_by_the_window_trains_headless(make_window, qtbot, tmp_path: Path) -> None:
    """The same files work with ``playground train``: it continues from the saved state."""
    window = make_window()
    window.controller.step(37)  # mid-epoch (25 steps per epoch here)
    last_snapshot(window, qtbot, lambda s: s.step == 37)
    window.save_experiment(tmp_path / "gui.json")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run(
        [sys.executable, "-m", "playground", "train", "gui.json", "--epochs", "1", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert res.returncode == 0, res.stderr
    out = load_experiment(tmp_path / "gui-run" / "experiment.json")
    assert out["state"]["epoch"] == 2 and out["state"]["step"] == 50  # the epoch was finished
    assert out["name"] == "Spiral"


def test_modified_flag_and_title(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window()
    last_snapshot(window, qtbot)
    assert not window.isWindowModified()
    assert window.windowTitle().endswith("[*]")  # Qt shows "*" there when modified
    window.controller.step(3)
    last_snapshot(window, qtbot, lambda s: s.step == 3)
    assert window.isWindowModified()
    path = tmp_path / "saved.json"
    window.save_experiment(path)
    assert not window.isWindowModified() and window.current_path == str(path)
    # a hyperparameter edit through the control marks it; setting the same value again does not
    window.hyper_panel.learning_rate_changed.emit(0.03)  # the value it has
    assert not window.isWindowModified()
    window.hyper_panel.learning_rate_changed.emit(0.1)
    assert window.isWindowModified()
    window.load_experiment(path)
    last_snapshot(window, qtbot, lambda s: s.step == 3)
    assert not window.isWindowModified()
    window.editor.weight_edited.emit(1, 0, 0, 0.5)  # a weight typed into the editor
    assert window.isWindowModified()
    window.load_experiment(path)
    window.controller.reset()  # fresh weights: a change
    assert window.isWindowModified()


def test_recent_files_menu_opens_a_saved_experiment(make_window, qtbot, tmp_path: Path) -> None:
    from playground.ui.settings import add_recent_file, open_settings

    window = make_window()
    window.controller.step(5)
    last_snapshot(window, qtbot, lambda s: s.step == 5)
    path = tmp_path / "recent.json"
    window.save_experiment(path)
    add_recent_file(open_settings(), str(path))

    other = make_window()
    menu = other.menus.recent_menu
    menu.aboutToShow.emit()
    actions = [a for a in menu.actions() if a.toolTip() == str(path)]
    assert actions and actions[0].text() == "recent.json"
    actions[0].trigger()
    assert other.current_path == str(path)
    assert other.experiment()["weights"] == window.experiment()["weights"]
