"""The bridge between a ``TrainingSession`` (worker thread, no Qt) and the window (GUI thread).

``TrainingController`` owns the session and the current data set. It

* builds a ``Trainer`` from an experiment (data set first, then the network; nothing is swapped in
  unless both succeed, so a bad request leaves the run as it was);
* polls ``Mailbox.take()`` with a ≈ 30 Hz ``QTimer`` and emits ``snapshot_ready`` in the GUI thread
  (one signal per frame, never one per training step: see DESIGN.md, platform facts);
* sends play / pause / step / reset and live hyperparameter changes (``session.call``) to the worker;
  structural changes rebuild the trainer (``session.replace``: fresh weights);
* turns worker errors and divergence (NaN/Inf) into a paused run and a status ``message``;
* stops the worker promptly in ``shutdown()``.
"""

from __future__ import annotations

import concurrent.futures
import copy
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from playground.data import Dataset, make_dataset
from playground.io import validate_experiment
from playground.training import Snapshot, Trainer
from playground.training.session import TrainingSession
from playground.ui import edits

#: GUI refresh rate (Hz) of the snapshot timer
REFRESH_HZ = 30
#: speed presets: name → (label, steps per second; 0 = flat out)
SPEEDS: dict[str, tuple[str, float]] = {
    "slow": ("Slow (30 steps/s)", 30.0),
    "normal": ("Normal (300 steps/s)", 300.0),
    "fast": ("Fast (3,000 steps/s)", 3000.0),
    "max": ("Flat out", 0.0),
}
DEFAULT_SPEED = "fast"


def build_run(experiment: dict) -> tuple[dict, Dataset, Trainer]:
    """Validate ``experiment``, make its data set, fit the model to the data and build a trainer.

    Raises ``ExperimentError``/``DataError``/``ValueError`` with a one-line message.
    """
    exp = validate_experiment(experiment)
    dataset = make_dataset(exp["data"])
    fitted = edits.fit_to_data(exp, dataset.n_inputs, dataset.n_outputs, dataset.problem)
    if "problem" not in fitted["model"]:
        fitted["model"]["problem"] = edits.problem(fitted)
    exp = validate_experiment(fitted)
    return exp, dataset, Trainer(exp, dataset)


class TrainingController(QObject):
    """Owns the training session of one window; all methods are called from the GUI thread."""

    #: the newest Snapshot (emitted by the refresh timer, GUI thread)
    snapshot_ready = Signal(object)
    #: a new run starts (reset, new network or data): views forget what they showed
    run_started = Signal()
    #: the experiment's structure changed (argument: the normalized experiment, weights stripped)
    structure_changed = Signal(object)
    playing_changed = Signal(bool)
    #: (text, milliseconds to show; 0 = until replaced)
    message = Signal(str, int)

    def __init__(self, experiment: dict | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from playground.io import default_experiment

        spec, dataset, trainer = build_run(
            default_experiment() if experiment is None else experiment
        )
        self._spec = spec
        self.dataset = dataset
        self._playing = False
        self._speed = DEFAULT_SPEED
        self._errors: list[BaseException] = []
        self.session = TrainingSession(
            trainer, publish_hz=REFRESH_HZ, max_steps_per_second=SPEEDS[self._speed][1],
            on_error=self._errors.append,
        )
        self.session.start()
        self.frames = 0  # snapshots delivered (the benchmark counts them)
        self._timer = QTimer(self)
        self._timer.setInterval(round(1000 / REFRESH_HZ))
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    # -- state ------------------------------------------------------------------------------
    @property
    def spec(self) -> dict:
        """The experiment the current run was built from (a copy; weights as loaded)."""
        return copy.deepcopy(self._spec)

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> str:
        return self._speed

    def experiment(self) -> dict:
        """The current experiment with the live hyperparameters, weights and state.

        Asks the worker (between two steps) so the weights are consistent; reads the trainer
        directly when the worker is not running.
        """
        exp = self._in_worker(lambda tr: tr.current_experiment())
        for key in ("name", "description"):
            if key in self._spec:
                exp[key] = self._spec[key]
        exp["model"]["problem"] = self._spec["model"].get("problem", edits.problem(exp))
        return validate_experiment(exp)

    def _in_worker(self, fn: Callable[[Trainer], Any], timeout: float = 10.0) -> Any:
        session = self.session
        if not session.alive:
            return fn(session.trainer)
        future: concurrent.futures.Future = concurrent.futures.Future()

        def run(trainer: Trainer) -> None:
            try:
                future.set_result(fn(trainer))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)

        session.call(run)
        return future.result(timeout)

    # -- building ---------------------------------------------------------------------------
    def load(self, experiment: dict) -> None:
        """Start a run of ``experiment`` (its weights and state when it has them); raises on bad
        input and then leaves the current run untouched. Pauses."""
        spec, dataset, trainer = build_run(experiment)
        self._swap(spec, dataset, trainer, play=False)

    def restructure(self, edit: Callable[..., dict], *args: Any) -> None:
        """Apply a structural ``edit`` (from ``playground.ui.edits``) and start over from fresh
        weights, keeping play/pause; raises (run unchanged) when the result is not valid."""
        current = self._live_spec()
        spec, dataset, trainer = build_run(edit(current, *args))
        self._swap(spec, dataset, trainer, play=self._playing)

    def change_data(self, changes: dict) -> None:
        """New data settings (data set, noise, features, …): the model follows the data."""
        self.restructure(edits.set_data, changes)

    def reset(self) -> None:
        """Fresh weights for the same experiment, step 0, paused."""
        spec, dataset, trainer = build_run(edits.fresh(self._live_spec()))
        self._swap(spec, dataset, trainer, play=False)

    def _live_spec(self) -> dict:
        """The spec with the live hyperparameters (learning rate, optimizer, …) folded in."""
        spec = copy.deepcopy(self._spec)
        spec["training"] = copy.deepcopy(self.session.trainer.experiment["training"])
        return spec

    def _swap(self, spec: dict, dataset: Dataset, trainer: Trainer, play: bool) -> None:
        trainer.experiment["training"]["epochs"] = spec["training"]["epochs"]
        self._spec, self.dataset = spec, dataset
        self.session.mailbox.take()  # drop a stale snapshot of the old run
        self.session.replace(trainer, play=play)
        self.run_started.emit()
        self.structure_changed.emit(edits.fresh(spec))
        self._set_playing(play)

    # -- control ----------------------------------------------------------------------------
    def play(self) -> None:
        if self.session.trainer.divergence is not None:
            self.message.emit("The run diverged (NaN/Inf): press reset to start again.", 0)
            return
        self.session.play()
        self._set_playing(True)

    def pause(self) -> None:
        self.session.pause()
        self._set_playing(False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def step(self, n: int = 1) -> None:
        """Exactly ``n`` training steps, then paused."""
        self.session.step(n)
        self._set_playing(False)

    def set_speed(self, name: str) -> None:
        """One of ``SPEEDS``: throttles the worker (0 steps/s = flat out)."""
        if name not in SPEEDS:
            raise ValueError(f"unknown speed {name!r} (one of {', '.join(SPEEDS)})")
        self._speed = name
        self.session.max_steps_per_second = SPEEDS[name][1]

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    # -- live hyperparameters (applied in the worker between two steps) ---------------------
    def set_learning_rate(self, lr: float) -> None:
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        self._spec["training"]["optimizer"]["learning_rate"] = float(lr)
        self.session.call(lambda tr: tr.set_learning_rate(lr))

    def set_optimizer(self, config: dict) -> None:
        """Switch optimizer or change its parameters (``{"name": …, "momentum": …}``)."""
        merged = {**self._spec["training"]["optimizer"], **config}
        validate_experiment({**self._spec, "training": {**self._spec["training"],
                                                        "optimizer": merged}})
        self._spec["training"]["optimizer"] = merged
        self.session.call(lambda tr: tr.set_optimizer(dict(config)))

    def set_batch_size(self, batch_size: int) -> None:
        batch_size = max(1, int(batch_size))
        self._spec["training"]["batch_size"] = batch_size
        self.session.call(lambda tr: tr.set_batch_size(batch_size))

    def set_regularization(self, kind: str, rate: float) -> None:
        reg = {"kind": kind, "rate": float(rate)}
        validate_experiment({**self._spec, "training": {**self._spec["training"],
                                                        "regularization": reg}})
        self._spec["training"]["regularization"] = reg
        self.session.call(lambda tr: tr.set_regularization(dict(reg)))

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """W^[layer]_ij = value (layer 1-based) in the running network."""
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, got {value}")

        def write(tr: Trainer) -> None:
            tr.net.weights[layer - 1][i, j] = value

        self.session.call(write)

    def set_bias(self, layer: int, i: int, value: float) -> None:
        """b^[layer]_i = value (layer 1-based) in the running network."""
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"a bias must be a finite number, got {value}")

        def write(tr: Trainer) -> None:
            tr.net.biases[layer - 1][i] = value

        self.session.call(write)

    # -- the refresh timer ------------------------------------------------------------------
    def _on_tick(self) -> None:
        while self._errors:
            exc = self._errors.pop(0)
            self._set_playing(False)
            self.message.emit(f"Training stopped: {exc}", 0)
        snapshot: Snapshot | None = self.session.mailbox.take()
        if snapshot is None:
            return
        self.frames += 1
        if snapshot.divergence is not None:
            if self._playing:
                self._set_playing(False)
            self.message.emit(snapshot.divergence.message() + " — press reset to start again.", 0)
        elif snapshot.reason == "end" and self._playing:
            self._set_playing(False)
            self.message.emit(f"Reached the epoch budget ({snapshot.epoch} epochs).", 5000)
        self.snapshot_ready.emit(snapshot)

    def take_now(self) -> None:
        """Deliver a pending snapshot at once (tests, export) instead of waiting for the timer."""
        self._on_tick()

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop the timer and the worker thread; True when the thread ended in time."""
        self._timer.stop()
        return self.session.stop(timeout)
