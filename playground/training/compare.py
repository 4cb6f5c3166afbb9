"""Side-by-side runs: the same experiment with 2–4 initializations or hidden activations, trained
round-robin in one worker thread (no Qt).

Every variant shares the data set (one ``Dataset`` object, so the same points and split), the
data seed and the model seed (so the same batch order and, for the same init scheme, the same
draws); only the changed part of the model differs. ``CompareRunner`` steps the trainers in turn,
the same number of steps each, and leaves each one's newest snapshot in its own ``Mailbox`` for the
GUI to poll.

>>> variants = init_variants(experiment, ["zeros", "normal", "he_normal"])
>>> runner = CompareRunner([v.experiment for v in variants])
>>> runner.start(); runner.play()   # … later: runner.mailboxes[i].take(); runner.stop()
"""

from __future__ import annotations

import copy
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.data import make_dataset
from playground.engine.names import ACTIVATIONS, INITS
from playground.io import validate_experiment
from playground.training.session import Command, Mailbox
from playground.training.trainer import Diverged, Trainer

#: initialization choices offered for comparison: key → (label, "init" section)
INIT_CHOICES: dict[str, tuple[str, dict]] = {
    "zeros": ("Zeros", {"scheme": "zeros"}),
    "small": ("Small N(0, 0.01²)", {"scheme": "normal", "std": 0.01}),
    "normal": ("Large N(0, 1)", {"scheme": "normal", "std": 1.0}),
    "xavier_normal": ("Xavier normal", {"scheme": "xavier_normal"}),
    "xavier_uniform": ("Xavier uniform", {"scheme": "xavier_uniform"}),
    "he_normal": ("He normal", {"scheme": "he_normal"}),
    "he_uniform": ("He uniform", {"scheme": "he_uniform"}),
    "lecun_normal": ("LeCun normal", {"scheme": "lecun_normal"}),
    "he_x3": ("He ×3 (too large)", {"scheme": "he_normal", "scale": 3.0}),
}
#: hidden activations offered for comparison (output layer unchanged)
ACTIVATION_CHOICES: tuple[str, ...] = tuple(a for a in ACTIVATIONS if a not in ("softmax",))
MAX_VARIANTS = 4


@dataclass(frozen=True)
class Variant:
    """One side of a comparison: a label and the full (validated) experiment it trains."""

    label: str
    experiment: dict


def with_init(experiment: dict, init: dict) -> dict:
    """The experiment with another ``model.init`` (the bias default of the original is kept)."""
    exp = copy.deepcopy(experiment)
    scheme = init["scheme"]
    if scheme not in INITS:
        raise ValueError(f"unknown init scheme {scheme!r}")
    exp["model"]["init"] = {"bias": exp["model"]["init"].get("bias", 0.0), **init}
    exp["weights"] = None
    exp.pop("state", None)
    return validate_experiment(exp)


def with_hidden_activation(experiment: dict, activation: str) -> dict:
    """The experiment with every hidden layer's activation replaced (the output layer is kept)."""
    if activation not in ACTIVATION_CHOICES:
        raise ValueError(f"unknown hidden activation {activation!r}")
    exp = copy.deepcopy(experiment)
    layers = exp["model"]["layers"]
    exp["model"]["layers"] = [
        {"units": layer["units"], "activation": activation} for layer in layers[:-1]
    ] + [layers[-1]]
    exp["weights"] = None
    exp.pop("state", None)
    return validate_experiment(exp)


def init_variants(experiment: dict, keys: Sequence[str]) -> list[Variant]:
    """Variants of ``experiment`` with the named ``INIT_CHOICES``."""
    return [Variant(INIT_CHOICES[k][0], with_init(experiment, INIT_CHOICES[k][1])) for k in keys]


def activation_variants(experiment: dict, names: Sequence[str]) -> list[Variant]:
    """Variants of ``experiment`` with the named hidden activations."""
    return [Variant(ACTIVATIONS[a][0], with_hidden_activation(experiment, a)) for a in names]


class CompareRunner:
    """Trains several experiments on the same data in one worker thread, round-robin.

    * ``start()``, ``play()``, ``pause()``, ``step(n)`` (n steps of every variant), ``stop()``;
    * ``mailboxes[i]``: the newest snapshot of variant i (with its history since the last take);
    * a variant that diverges (NaN/Inf) stops; the others go on;
    * ``epochs``: stop playing when every variant has trained this many epochs (0: no limit).
    """

    def __init__(
        self,
        experiments: Sequence[dict],
        *,
        publish_hz: float = 30.0,
        epochs: int = 0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if not 1 <= len(experiments) <= MAX_VARIANTS:
            raise ValueError(f"compare 1 to {MAX_VARIANTS} variants, got {len(experiments)}")
        data = experiments[0]["data"]
        if any(e["data"] != data for e in experiments):
            raise ValueError("the variants must share the same data section")
        dataset = make_dataset(data)
        # no decision-boundary grids: the comparison shows gradients and losses only
        self.trainers = [Trainer(e, dataset, grid_size=0) for e in experiments]
        self.mailboxes = [Mailbox() for _ in experiments]
        self.publish_interval = 1.0 / publish_hz
        self.epochs = epochs
        self.on_error = on_error
        self.error: BaseException | None = None
        self._commands: queue.Queue[Command] = queue.Queue()
        self._playing = False
        self._chunk = 1
        self._started = False
        self._last_publish = 0.0
        self._thread = threading.Thread(target=self._run, name="playground-compare", daemon=True)

    # -- commands (any thread) ---------------------------------------------------------------
    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def play(self) -> None:
        self._commands.put(Command("play"))

    def pause(self) -> None:
        self._commands.put(Command("pause"))

    def step(self, n: int = 1) -> None:
        self._commands.put(Command("step", n))

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the worker; True when it ended within ``timeout`` seconds."""
        self._commands.put(Command("stop"))
        if self._started:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def steps(self) -> int:
        """Steps every variant has taken (the slowest one's count)."""
        return min(t.step_count for t in self.trainers)

    # -- worker ------------------------------------------------------------------------------
    def _publish(self, reason: str) -> None:
        for trainer, box in zip(self.trainers, self.mailboxes, strict=True):
            box.put(trainer.snapshot(reason if trainer.divergence is None else "diverged"))
        self._last_publish = time.perf_counter()

    def _train_all(self, n: int) -> None:
        for trainer in self.trainers:
            if trainer.divergence is None:
                try:
                    trainer.train_steps(n)
                except Diverged:
                    pass

    def _done(self) -> bool:
        live = [t for t in self.trainers if t.divergence is None]
        return not live or bool(self.epochs and all(t.epoch >= self.epochs for t in live))

    def _handle(self, cmd: Command) -> bool:
        if cmd.name == "stop":
            return False
        if cmd.name == "play":
            self._playing = not self._done()
        elif cmd.name == "pause":
            if self._playing:
                self._playing = False
                self._publish("pause")
        elif cmd.name == "step":
            self._playing = False
            self._train_all(int(cmd.arg or 1))
            self._publish("step")
        return True

    def _run(self) -> None:
        try:
            self._publish("start")
            while True:
                try:
                    cmd = self._commands.get(block=not self._playing)
                    if not self._handle(cmd):
                        return
                    continue
                except queue.Empty:
                    pass
                self._play_round()
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI, never a traceback
            self._playing = False
            self.error = exc
            if self.on_error is not None:
                self.on_error(exc)

    def _play_round(self) -> None:
        """One round: ``_chunk`` steps of every variant (≈ 5 ms in all), then publish if due."""
        t0 = time.perf_counter()
        self._train_all(self._chunk)
        dt = time.perf_counter() - t0
        if dt < 0.0025:
            self._chunk = min(self._chunk * 2, 100_000)
        elif dt > 0.01 and self._chunk > 1:
            self._chunk = max(1, self._chunk // 2)
        if self._done():
            self._playing = False
            self._publish("end")
        elif time.perf_counter() - self._last_publish >= self.publish_interval:
            self._publish("tick")
