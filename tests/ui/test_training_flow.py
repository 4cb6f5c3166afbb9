"""Training from the window: play, pause, step, reset, live changes, divergence, closing mid-run.

Real windows and a real worker thread; every wait is ``qtbot.waitUntil`` (no timing asserts).
"""

from __future__ import annotations

import copy
import os
import signal
import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from window_helpers import last_snapshot, step_of, widget

from playground.ui import MainWindow
from playground.ui.worker import ProcessWorker


def click(qtbot, window, name: str) -> None:
    qtbot.mouseClick(widget(window, name), Qt.MouseButton.LeftButton)


def test_play_updates_boundary_loss_curve_and_counter(make_window, qtbot) -> None:
    window = make_window()
    window.controller.set_speed("max")
    image = window.boundary_plot.image
    click(qtbot, window, "play_button")
    assert widget(window, "play_button").text() == "Pause"
    qtbot.waitUntil(lambda: step_of(window) > 200, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            window.loss_plot.train_curve.getData()[0] is not None
            and len(window.loss_plot.train_curve.getData()[0]) >= 3
        ),
        timeout=10_000,
    )
    assert image.image is not None and image.image.shape[:2] == (64, 64)
    first = image.image.copy()
    qtbot.waitUntil(lambda: not np.array_equal(image.image, first), timeout=10_000)
    x, y = window.loss_plot.train_curve.getData()
    assert np.all(np.diff(x) > 0) and np.isfinite(y).all()
    header, rows = window.loss_plot.table()
    assert header[:3] == ["step", "train_loss", "test_loss"] and len(rows) >= 3
    click(qtbot, window, "play_button")
    assert not window.controller.playing


def test_pause_stops_step_advances_one_reset_starts_over(make_window, qtbot) -> None:
    window = make_window()
    fresh = window.experiment()["weights"]
    click(qtbot, window, "play_button")
    qtbot.waitUntil(lambda: step_of(window) > 50, timeout=10_000)
    click(qtbot, window, "play_button")  # pause
    paused = last_snapshot(window, qtbot, lambda s: s.reason == "pause")
    time.sleep(0.2)
    assert window.experiment()["state"]["step"] == paused.step

    click(qtbot, window, "step_button")
    stepped = last_snapshot(window, qtbot, lambda s: s.reason == "step")
    assert stepped.step == paused.step + 1
    qtbot.waitUntil(lambda: step_of(window) == paused.step + 1)

    click(qtbot, window, "reset_button")
    qtbot.waitUntil(lambda: step_of(window) == 0)
    exp = window.experiment()
    assert exp["state"]["step"] == 0 and exp["state"]["epoch"] == 0
    assert exp["weights"] == fresh  # the same fresh weights (same seed), not the trained ones
    assert not window.controller.playing
    assert len(window.loss_plot.table()[1]) <= 1


def test_learning_rate_and_batch_size_change_mid_run(make_window, qtbot) -> None:
    window = make_window()
    click(qtbot, window, "play_button")
    qtbot.waitUntil(lambda: step_of(window) > 10, timeout=10_000)
    widget(window, "learning_rate_spin").setValue(0.1)
    s = last_snapshot(window, qtbot, lambda s: s.learning_rate == 0.1)
    assert s.learning_rate == 0.1
    widget(window, "batch_size_spin").setValue(25)
    s = last_snapshot(window, qtbot, lambda s: s.batch_size == 25)
    assert window.controller.playing  # live changes do not stop the run
    exp = window.experiment()
    assert exp["training"]["optimizer"]["learning_rate"] == 0.1
    assert exp["training"]["batch_size"] == 25


def test_learning_rate_spin_steps_on_a_log_scale(make_window) -> None:
    window = make_window(show=False)
    spin = widget(window, "learning_rate_spin")
    spin.setValue(0.03)
    spin.stepBy(1)
    assert spin.value() == 0.1
    spin.stepBy(-3)
    assert spin.value() == 0.003
    spin.setValue(0.05)  # between two list values
    spin.stepBy(1)
    assert spin.value() == 0.1


def test_optimizer_and_regularization_apply_live(make_window, qtbot) -> None:
    window = make_window()
    combo = widget(window, "optimizer_combo")
    combo.setCurrentIndex(combo.findData("adam"))
    widget(window, "beta1_spin").setValue(0.8)
    combo = widget(window, "regularization_combo")
    combo.setCurrentIndex(combo.findData("l2"))
    widget(window, "regularization_rate_spin").setValue(0.01)
    exp = window.experiment()
    assert exp["training"]["optimizer"]["name"] == "adam"
    assert exp["training"]["optimizer"]["beta1"] == 0.8
    assert exp["training"]["regularization"] == {"kind": "l2", "rate": 0.01}


def test_closing_mid_run_stops_the_thread_promptly(make_window, qtbot) -> None:
    window = make_window()
    window.controller.set_speed("max")
    click(qtbot, window, "play_button")
    qtbot.waitUntil(lambda: step_of(window) > 100, timeout=10_000)
    worker = window.controller.session
    t0 = time.perf_counter()
    window.close()
    assert not worker.alive
    assert time.perf_counter() - t0 < 2.0


def test_nan_pauses_training_and_says_where(make_window, qtbot, experiment) -> None:
    exp = copy.deepcopy(experiment)
    exp["model"]["layers"][0]["activation"] = "linear"  # (ReLUs die instead of exploding)
    exp["model"]["layers"][1]["activation"] = "linear"
    exp["model"]["init"] = {"scheme": "he_normal", "scale": 10.0}
    exp["training"]["optimizer"]["learning_rate"] = 1e3
    window = make_window(exp)
    window.controller.set_speed("max")
    click(qtbot, window, "play_button")
    qtbot.waitUntil(lambda: not window.controller.playing, timeout=10_000)
    qtbot.waitUntil(lambda: "NaN" in window.statusBar().currentMessage(), timeout=5000)
    assert "layer" in window.statusBar().currentMessage()
    assert widget(window, "play_button").text() == "Play"
    click(qtbot, window, "play_button")  # play after divergence: refused with a message
    assert not window.controller.playing
    weights = window.experiment()["weights"]  # the last finite weights
    assert all(np.isfinite(np.array(w["W"])).all() for w in weights)
    click(qtbot, window, "reset_button")  # reset recovers
    qtbot.waitUntil(lambda: step_of(window) == 0)
    assert not window.controller.diverged
    click(qtbot, window, "play_button")
    assert window.controller.playing


def test_a_new_run_starts_the_loss_axes_over(make_window, qtbot) -> None:
    window = make_window()
    window.controller.set_speed("max")
    click(qtbot, window, "play_button")
    qtbot.waitUntil(lambda: step_of(window) > 3000, timeout=10_000)
    click(qtbot, window, "reset_button")
    qtbot.waitUntil(lambda: step_of(window) == 0)
    x_range = window.loss_plot.plot_item.getViewBox().viewRange()[0]
    assert x_range[1] <= 200


def test_the_experiment_is_still_there_after_closing(make_window, qtbot) -> None:
    window = make_window()
    window.controller.step(9)
    qtbot.waitUntil(lambda: step_of(window) == 9)
    window.close()
    exp = window.experiment()
    assert exp["state"]["step"] == 9 and exp["weights"] is not None


def test_a_killed_worker_process_is_replaced_and_training_goes_on(make_window, qtbot) -> None:
    window = make_window()
    window.controller.step(50)
    qtbot.waitUntil(lambda: step_of(window) == 50)
    worker = window.controller.session
    assert isinstance(worker, ProcessWorker)
    os.kill(worker.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "Training stopped" in window.statusBar().currentMessage())
    exp = window.experiment()  # still answers: the newest snapshot's weights and step
    assert exp["state"]["step"] == 50 and exp["weights"] is not None
    click(qtbot, window, "step_button")  # a new worker continues from there
    qtbot.waitUntil(lambda: step_of(window) == 51, timeout=10_000)
    assert window.controller.session is not worker and window.controller.session.alive
    np.testing.assert_array_equal(
        np.array(window.experiment()["weights"][0]["W"]).shape,
        np.array(exp["weights"][0]["W"]).shape,
    )


def test_deleting_a_window_without_closing_it_stops_its_worker(qtbot, no_leaks) -> None:
    window = MainWindow()
    window.controller.set_speed("max")
    window.controller.play()
    qtbot.waitUntil(lambda: step_of(window) > 100, timeout=10_000)
    worker = window.controller.session
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qtbot.waitUntil(lambda: not worker.alive, timeout=5000)
