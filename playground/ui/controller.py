"""The bridge between the training worker (``playground.ui.worker``, no Qt) and the window.

``TrainingController`` owns the worker and the current data set. It

* builds a run from an experiment (data set, model fitted to the data, a trainer to check it)
  before anything is swapped, so a bad request raises and leaves the run as it was;
* polls the worker with a ≈ 30 Hz ``QTimer`` and emits ``snapshot_ready`` with the newest snapshot
  in the GUI thread (one signal per frame, never one per training step: DESIGN.md);
* sends play / pause / step / reset and live hyperparameter changes to the worker; structural
  changes start a new run (fresh weights) with ``replace``;
* turns worker errors and divergence (NaN/Inf) into a paused run and a status ``message``; a
  worker that died (killed, crashed) is replaced by a new one at the next reset or edit;
* stops the worker promptly in ``shutdown()``, and when the controller is garbage-collected
  without it.
"""

from __future__ import annotations

import copy
import functools
import math
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from playground.data import Dataset, make_dataset
from playground.engine import weights_config
from playground.io import ExperimentError, validate_experiment
from playground.training import Snapshot, Trainer
from playground.ui import edits
from playground.ui.worker import ThreadWorker, make_worker

#: the publishing rate asked of the worker: it publishes after the 5 ms chunk in which 1/36 s
#: has passed, so the window receives (and redraws) ≈ 30 snapshots a second
REFRESH_HZ = 36
#: the GUI polls the worker at about twice that, so a new snapshot waits ≤ 1/60 s to be drawn
POLL_HZ = 60
#: speed presets: name → (label, steps per second; 0 = flat out)
SPEEDS: dict[str, tuple[str, float]] = {
    "slow": ("Slow (30 steps/s)", 30.0),
    "normal": ("Normal (300 steps/s)", 300.0),
    "fast": ("Fast (3,000 steps/s)", 3000.0),
    "max": ("Flat out", 0.0),
}
DEFAULT_SPEED = "fast"


def build_run(experiment: dict, follow_data: bool = False) -> tuple[dict, Dataset]:
    """Validate ``experiment``, make its data set and fit the model to the data (inputs = the
    data's features, output layer = the problem type, batch size ≤ the training set, as the
    batch size box shows it); a trainer is built once to check that network and data fit together.

    Raises ``ExperimentError`` / ``DataError`` / ``ValueError`` with a one-line message.
    """
    try:
        exp = validate_experiment(experiment)
    except ExperimentError as exc:
        if exc.key_path != "model.inputs":
            raise
        # new data with another number of features (e.g. iris after spiral): the data decides
        exp = copy.deepcopy(dict(experiment))
        exp["model"]["inputs"] = make_dataset(exp["data"]).n_inputs
        exp = validate_experiment(exp)
    dataset = make_dataset(exp["data"])
    fitted = edits.fit_to_data(
        exp, dataset.n_inputs, dataset.n_outputs, dataset.problem, follow_data
    )
    if "problem" not in fitted["model"]:
        fitted["model"]["problem"] = edits.problem(fitted)
    m_train = max(1, dataset.x_train.shape[0])
    if fitted["training"]["batch_size"] > m_train:
        fitted["training"]["batch_size"] = m_train
    exp = validate_experiment(fitted)
    Trainer(exp, dataset, grid_size=0)  # raises when network and data do not fit
    return exp, dataset


class TrainingController(QObject):
    """Owns the training worker of one window; all methods are called from the GUI thread."""

    #: the newest Snapshot (emitted by the refresh timer, GUI thread)
    snapshot_ready = Signal(object)
    #: a new run starts (reset, new network or data): views forget what they showed
    run_started = Signal()
    #: the experiment's structure changed (argument: the normalized experiment, weights stripped)
    structure_changed = Signal(object)
    playing_changed = Signal(bool)
    #: (text, milliseconds to show; 0 = until replaced)
    message = Signal(str, int)

    def __init__(
        self,
        experiment: dict | None = None,
        parent: QObject | None = None,
        *,
        worker: str | None = None,
    ) -> None:
        super().__init__(parent)
        from playground.io import default_experiment

        spec, dataset = build_run(default_experiment() if experiment is None else experiment)
        self._spec = spec
        self.dataset = dataset
        self._playing = False
        self._speed = DEFAULT_SPEED
        self._run = 0
        self.frames = 0  # snapshots delivered (the benchmark counts them)
        self.last: Snapshot | None = None  # the newest snapshot delivered
        self._fell_back = False
        self._final: dict | None = None  # the experiment as the worker left it (shutdown)
        #: the live worker, in a list the finalizer holds (it must not hold the controller)
        self._sessions: list = []
        self._finalizer = weakref.finalize(self, _stop_sessions, self._sessions)
        self.destroyed.connect(functools.partial(_stop_sessions, self._sessions))  # C++ side
        self._start_worker(worker)
        self._timer = QTimer(self)
        self._timer.setInterval(round(1000 / POLL_HZ))
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()

    # -- state ------------------------------------------------------------------------------
    @property
    def session(self):
        """The worker (``ProcessWorker`` or ``ThreadWorker``) of the current run."""
        return self._sessions[0]

    def _start_worker(self, kind: str | None) -> None:
        """Start a worker of ``kind`` on the current experiment (stopping a previous one)."""
        if self._sessions:
            self._sessions.pop().stop(0.1)
        session = make_worker(
            self._spec,
            self.dataset,
            publish_hz=REFRESH_HZ,
            max_steps_per_second=SPEEDS[self._speed][1],
            kind=kind,
        )
        self._sessions.append(session)
        session.start()

    @property
    def spec(self) -> dict:
        """The experiment the current run was built from, with the live hyperparameters."""
        return copy.deepcopy(self._spec)

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def speed(self) -> str:
        return self._speed

    @property
    def step_count(self) -> int:
        """The step of the newest snapshot shown (0 before the first)."""
        return self.last.step if self.last is not None else 0

    @property
    def diverged(self) -> bool:
        return self.last is not None and self.last.divergence is not None

    def experiment(self) -> dict:
        """The current experiment with the live hyperparameters, weights and state (asked from
        the worker after every command sent before, so it reflects them)."""
        if self._final is not None and not self.session.alive:
            exp = copy.deepcopy(self._final)  # the worker has stopped: its last answer
        elif not self.session.alive:
            exp = self._from_last_snapshot()  # the worker died: what the window last showed
        else:
            exp = self.session.request("experiment")
        for key in ("name", "description"):
            if key in self._spec:
                exp[key] = self._spec[key]
        exp["model"]["problem"] = self._spec["model"].get("problem", edits.problem(exp))
        return validate_experiment(exp)

    def _from_last_snapshot(self) -> dict:
        """The experiment at the newest snapshot's weights and step (without optimizer moments)."""
        exp = copy.deepcopy(self._spec)
        if self.last is not None and self.last.divergence is None:
            exp["weights"] = weights_config(self.last.weights, self.last.biases)
            exp["state"] = {"epoch": self.last.epoch, "step": self.last.step}
        return exp

    # -- building ---------------------------------------------------------------------------
    def load(self, experiment: dict) -> None:
        """Start a run of ``experiment`` (its weights and state when it has them), paused;
        raises on bad input and then leaves the current run untouched."""
        spec, dataset = build_run(experiment)
        self._swap(spec, dataset, play=False)

    def restructure(self, edit: Callable[..., dict], *args: Any, follow_data: bool = False) -> None:
        """Apply a structural ``edit`` (from ``playground.ui.edits``) and start over from fresh
        weights, keeping play/pause; raises (run unchanged) when the result is not valid."""
        spec, dataset = build_run(edit(copy.deepcopy(self._spec), *args), follow_data)
        self._swap(spec, dataset, play=self._playing)

    def change_data(self, changes: dict) -> None:
        """New data settings (data set, noise, features, …): the model follows the data; a new
        data set also brings its own problem type (output layer and loss)."""
        new = changes.get("dataset", self._spec["data"]["dataset"])
        follow = new != self._spec["data"]["dataset"]
        self.restructure(edits.set_data, changes, follow_data=follow)

    def reset(self) -> None:
        """Fresh weights for the same experiment, step 0, paused."""
        spec, dataset = build_run(edits.fresh(self._spec))
        self._swap(spec, dataset, play=False)

    def _swap(self, spec: dict, dataset: Dataset, play: bool) -> None:
        self._run += 1
        self._spec, self.dataset = spec, dataset
        if not self.session.alive and self.frames:  # died after it ran: start a new one
            self._start_worker("thread" if isinstance(self.session, ThreadWorker) else "process")
            self.message.emit("The training worker had stopped; a new one took over.", 10_000)
        self.session.replace(spec, dataset, play, self._run)
        self.last = None
        self.run_started.emit()
        self.structure_changed.emit(edits.fresh(spec))
        self._set_playing(play)

    def _revive(self) -> None:
        """A worker that died (killed, crashed) after it ran: continue in a new one from the
        newest snapshot's weights and step."""
        if not self.session.alive and self.frames and self._final is None:
            spec, dataset = build_run(self._from_last_snapshot())
            self._swap(spec, dataset, play=False)

    # -- control ----------------------------------------------------------------------------
    def play(self) -> None:
        if self.diverged:
            self.message.emit("The run diverged (NaN/Inf): press reset to start again.", 0)
            return
        self._revive()
        self.session.play()
        self._set_playing(True)

    def pause(self) -> None:
        self.session.pause()
        self._set_playing(False)

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def step(self, n: int = 1) -> None:
        """Exactly ``n`` training steps, then paused."""
        if self.diverged:
            self.message.emit("The run diverged (NaN/Inf): press reset to start again.", 0)
            return
        self._revive()
        self.session.step(n)
        self._set_playing(False)

    def set_speed(self, name: str) -> None:
        """One of ``SPEEDS``: throttles the worker (0 steps/s = flat out)."""
        if name not in SPEEDS:
            raise ValueError(f"unknown speed {name!r} (one of {', '.join(SPEEDS)})")
        self._speed = name
        self.session.set_speed(SPEEDS[name][1])

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    # -- live hyperparameters (applied in the worker between two steps) ---------------------
    def _training_with(self, key: str, value: object) -> dict:
        """``training`` with ``key`` replaced, validated (raises with the file's wording)."""
        training = {**self._spec["training"], key: value}
        validate_experiment({**self._spec, "training": training})
        return training

    def set_learning_rate(self, lr: float) -> None:
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        optimizer = {**self._spec["training"]["optimizer"], "learning_rate": float(lr)}
        self._spec["training"] = self._training_with("optimizer", optimizer)
        self.session.apply("set_learning_rate", float(lr))

    def set_optimizer(self, config: dict) -> None:
        """Switch optimizer or change its parameters (``{"name": …, "momentum": …}``)."""
        merged = {**self._spec["training"]["optimizer"], **config}
        self._spec["training"] = self._training_with("optimizer", merged)
        self.session.apply("set_optimizer", dict(config))

    def set_batch_size(self, batch_size: int) -> None:
        batch_size = max(1, int(batch_size))
        self._spec["training"] = self._training_with("batch_size", batch_size)
        self.session.apply("set_batch_size", batch_size)

    def set_regularization(self, kind: str, rate: float) -> None:
        reg = {"kind": kind, "rate": float(rate)}
        self._spec["training"] = self._training_with("regularization", reg)
        self.session.apply("set_regularization", reg)

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """W^[layer]_ij = value (layer 1-based) in the running network."""
        if not math.isfinite(value):
            raise ValueError(f"a weight must be a finite number, got {value}")
        self.session.apply("set_weight", int(layer), int(i), int(j), float(value))

    def set_bias(self, layer: int, i: int, value: float) -> None:
        """b^[layer]_i = value (layer 1-based) in the running network."""
        if not math.isfinite(value):
            raise ValueError(f"a bias must be a finite number, got {value}")
        self.session.apply("set_bias", int(layer), int(i), float(value))

    # -- the refresh timer ------------------------------------------------------------------
    def _fall_back_to_thread(self) -> bool:
        """A worker process that died before its first snapshot (e.g. no usable Python to start
        it with) is replaced by a training thread, once."""
        if (
            self._fell_back
            or self.frames
            or self.session.alive
            or isinstance(self.session, ThreadWorker)
        ):
            return False
        self._fell_back = True
        self._start_worker("thread")
        if self._run:
            self.session.replace(self._spec, self.dataset, self._playing, self._run)
        elif self._playing:
            self.session.play()
        self.message.emit("Training runs in a thread (the worker process could not start).", 10_000)
        return True

    def _on_tick(self) -> None:
        self.session.poll()
        if self.session.errors and self._fall_back_to_thread():
            return
        errors = self.session.errors
        while errors:
            text = errors.pop(0)
            self._set_playing(False)
            if not self.session.alive:
                text += " (play, step or reset starts a new one)"
            self.message.emit(f"Training stopped: {text}", 0)
        snapshot: Snapshot | None = self.session.mailbox.take()
        if snapshot is None or snapshot.run != self._run:
            return
        self.frames += 1
        self.last = snapshot
        if snapshot.divergence is not None:
            if self._playing:
                self._set_playing(False)
            self.message.emit(snapshot.divergence.message() + " — press reset to start again.", 0)
        elif snapshot.reason == "end" and self._playing:
            self._set_playing(False)
            self.message.emit(f"Reached the epoch budget ({snapshot.epoch} epochs).", 5000)
        self.snapshot_ready.emit(snapshot)

    def take_now(self) -> None:
        """Deliver a pending snapshot at once (export) instead of waiting for the timer."""
        self._on_tick()

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop the timer and the worker; True when it ended in time."""
        self._timer.stop()
        self._finalizer.detach()
        if self.session.alive and self._final is None:
            try:  # keep the final weights: experiment() still answers after closing
                self.session.pause()
                self._final = self.session.request("experiment", timeout=min(timeout, 2.0))
            except Exception:  # noqa: BLE001 - closing must not fail
                self._final = None
        return self.session.stop(timeout)


def _stop_sessions(sessions: list, *_destroyed: object) -> None:
    """Stop the workers of a controller deleted or garbage-collected without ``shutdown()``."""
    for session in sessions:
        session.stop(0.5)
